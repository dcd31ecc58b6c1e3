//! The same complaint again: a message that shares most of its substance with one the
//! customer already sent in this conversation.

use super::text::words;
use std::collections::BTreeSet;

/// Only the customer's latest messages are compared, so a long conversation stays cheap.
const EARLIER_COMPARED: usize = 20;
/// Words shorter than this carry little of the substance ("le", "mon", "pas").
const CONTENT_MIN_CHARS: usize = 4;
/// Content words a message needs before it can repeat another: "merci" twice is not a
/// repeated complaint.
const CONTENT_MIN_WORDS: usize = 3;
/// Share of their content words (Jaccard) two messages must share, in tenths.
const SHARED_MIN_TENTHS: usize = 5;

/// Longer words that say nothing about the complaint itself.
const FILLER: &[&str] = &[
    "bonjour",
    "bonsoir",
    "merci",
    "cordialement",
    "madame",
    "monsieur",
    "pour",
    "dans",
    "avec",
    "vous",
    "votre",
    "sont",
    "mais",
    "plus",
    "tout",
    "tous",
    "cette",
    "comme",
    "avez",
    "suis",
    "etre",
    "fait",
    "faire",
    "quand",
    "quel",
    "quelle",
    "hello",
    "thanks",
    "thank",
    "please",
    "this",
    "that",
    "with",
    "your",
    "have",
    "from",
    "what",
    "when",
    "would",
    "could",
    "there",
    "regards",
];

/// The words both messages share, when `current` repeats one of the `earlier` ones.
pub(crate) fn same_complaint(current: &[&str], earlier: &[&str]) -> Option<String> {
    let now = content(current.iter().copied());
    if now.len() < CONTENT_MIN_WORDS {
        return None;
    }
    earlier
        .iter()
        .rev()
        .take(EARLIER_COMPARED)
        .find_map(|before| {
            let before_words = words(before);
            let before = content(before_words.iter().map(|w| w.norm.as_str()));
            let shared: Vec<&str> = now.intersection(&before).copied().collect();
            let union = now.union(&before).count();
            (shared.len() * 10 >= union * SHARED_MIN_TENTHS).then(|| shared.join(" "))
        })
}

fn content<'w>(words: impl Iterator<Item = &'w str>) -> BTreeSet<&'w str> {
    words
        .filter(|w| w.chars().count() >= CONTENT_MIN_CHARS && !FILLER.contains(w))
        .collect()
}
