//! Word patterns and the matcher that finds them all in one pass over a message.
//!
//! A pattern is written as words separated by spaces, folded like messages (see
//! [`super::text`]):
//!
//! - `a/b/c` matches any of the alternatives;
//! - `resili*` matches any word starting with `resili`;
//! - `~N` lets up to N other words stand before the next one (`parler ~4 conseiller` matches
//!   "parler à un de vos conseillers");
//! - `^` and `$` anchor the pattern at the start and end of the message.
//!
//! Words are compared exactly, never with regular expressions, so matching costs at most a
//! constant per word of the message (the longest gap times the number of steps, both small):
//! linear time, whatever the message. Misspellings are forgiven for the lexicon's longer
//! words (seven letters or more, written without `*`): a message word one deletion,
//! insertion, substitution or swap away from one of them is read as that word
//! ("inadmissibIe", "scandaleuz", "conseiler"), provided it starts with the same letter:
//! people rarely mistype the first one, and without that rule ordinary words fall one edit
//! from the lexicon ("réception" / "déception"). Shorter words would collide with ordinary
//! ones (`nul`/`nue`).

use super::text::{Word, pattern_words};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// Shortest lexicon word for which a misspelling is forgiven.
const FUZZY_MIN_CHARS: usize = 7;
/// Longest word that can be a misspelling: no lexicon word is longer, and a pasted run of
/// letters without spaces must not cost its length squared in one-deletion forms.
const FUZZY_MAX_CHARS: usize = 32;
/// Longest gap a pattern may declare, so that matching stays cheap.
const MAX_GAP: usize = 8;

/// A pattern that does not follow the syntax.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("pattern {pattern:?}: {problem}")]
pub struct PatternError {
    /// The pattern as written.
    pub pattern: String,
    /// What is wrong with it.
    pub problem: &'static str,
}

#[derive(Debug, Clone)]
enum Alt {
    Exact(String),
    Prefix(String),
}

impl Alt {
    fn matches(&self, word: &str) -> bool {
        match self {
            Alt::Exact(w) => word == w,
            Alt::Prefix(p) => word.starts_with(p.as_str()),
        }
    }
}

#[derive(Debug, Clone)]
enum Step {
    /// One word among alternatives, after up to `gap` other words.
    Word { gap: usize, alts: Vec<Alt> },
    /// The end of the message, after up to `gap` other words.
    End { gap: usize },
}

#[derive(Debug, Clone)]
struct Pattern {
    anchored: bool,
    steps: Vec<Step>,
}

fn parse(source: &str) -> Result<Pattern, PatternError> {
    let error = |problem| PatternError {
        pattern: source.to_string(),
        problem,
    };
    let mut words = pattern_words(source).into_iter().peekable();
    let anchored = words.next_if(|w| w == "^").is_some();
    let mut steps = Vec::new();
    let mut gap = 0;
    for word in words {
        if let Some(n) = word.strip_prefix('~') {
            gap = n
                .parse()
                .ok()
                .filter(|&n| n <= MAX_GAP)
                .ok_or(error("bad gap"))?;
        } else if word == "$" {
            steps.push(Step::End { gap });
        } else {
            let alts = word.split('/').map(parse_alt).collect::<Option<Vec<_>>>();
            steps.push(Step::Word {
                gap,
                alts: alts.ok_or(error("empty alternative"))?,
            });
            gap = 0;
        }
    }
    match steps.first() {
        Some(Step::Word { gap: 0, .. }) => Ok(Pattern { anchored, steps }),
        Some(Step::Word { .. }) if anchored => Ok(Pattern { anchored, steps }),
        _ => Err(error("must start with a word")),
    }
}

fn parse_alt(alt: &str) -> Option<Alt> {
    match alt.strip_suffix('*') {
        Some("") => None,
        Some(prefix) => Some(Alt::Prefix(prefix.to_string())),
        None if alt.is_empty() || alt.contains(['*', '~', '^', '$']) => None,
        None => Some(Alt::Exact(alt.to_string())),
    }
}

/// A found pattern: its tag and the byte range of the message it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found<'m, T> {
    pub(crate) tag: &'m T,
    pub(crate) span: Range<usize>,
}

/// Tagged patterns, indexed by their first word.
#[derive(Debug, Clone)]
pub(crate) struct Matcher<T> {
    patterns: Vec<(Pattern, T)>,
    /// Patterns whose first word has an exact alternative, by that word.
    by_first: HashMap<String, Vec<usize>>,
    /// Patterns to try at every position (first word by prefix) or at the start only.
    everywhere: Vec<usize>,
    anchored: Vec<usize>,
    /// Every exact word of the lexicon, and the long ones by their one-deletion forms.
    exact: HashSet<String>,
    near: HashMap<String, String>,
}

impl<T> Matcher<T> {
    /// Compiles tagged patterns.
    pub(crate) fn new(
        sources: impl IntoIterator<Item = (impl AsRef<str>, T)>,
    ) -> Result<Self, PatternError> {
        let mut matcher = Matcher {
            patterns: Vec::new(),
            by_first: HashMap::new(),
            everywhere: Vec::new(),
            anchored: Vec::new(),
            exact: HashSet::new(),
            near: HashMap::new(),
        };
        for (source, tag) in sources {
            matcher.add(parse(source.as_ref())?, tag);
        }
        Ok(matcher)
    }

    fn add(&mut self, pattern: Pattern, tag: T) {
        let id = self.patterns.len();
        for step in &pattern.steps {
            if let Step::Word { alts, .. } = step {
                for alt in alts {
                    if let Alt::Exact(w) = alt {
                        self.learn(w);
                    }
                }
            }
        }
        match &pattern.steps[0] {
            _ if pattern.anchored => self.anchored.push(id),
            Step::Word { alts, .. } if alts.iter().all(|a| matches!(a, Alt::Exact(_))) => {
                for alt in alts {
                    if let Alt::Exact(w) = alt {
                        self.by_first.entry(w.clone()).or_default().push(id);
                    }
                }
            }
            _ => self.everywhere.push(id),
        }
        self.patterns.push((pattern, tag));
    }

    fn learn(&mut self, word: &str) {
        self.exact.insert(word.to_string());
        if word.chars().count() >= FUZZY_MIN_CHARS {
            for key in std::iter::once(word.to_string()).chain(deletions(word)) {
                self.near.entry(key).or_insert_with(|| word.to_string());
            }
        }
    }

    /// The message's words as the lexicon knows them: a long word one typo away from a
    /// lexicon word becomes that word.
    pub(crate) fn canonical<'w>(&'w self, words: &'w [Word]) -> Vec<&'w str> {
        words.iter().map(|w| self.correct(&w.norm)).collect()
    }

    fn correct<'w>(&'w self, word: &'w str) -> &'w str {
        let chars = word.chars().count();
        if self.exact.contains(word)
            || !(FUZZY_MIN_CHARS - 1..=FUZZY_MAX_CHARS).contains(&chars)
            || word.chars().any(|c| c.is_ascii_digit())
        {
            return word;
        }
        let first = word.chars().next();
        std::iter::once(word.to_string())
            .chain(deletions(word))
            .filter_map(|key| self.near.get(&key))
            .find(|near| near.chars().next() == first)
            .map_or(word, String::as_str)
    }

    /// Every occurrence of every pattern; `words` are the canonical words, `spans` their
    /// byte ranges in the message.
    pub(crate) fn find(&self, words: &[&str], spans: &[Range<usize>]) -> Vec<Found<'_, T>> {
        let mut found = Vec::new();
        let mut report = |id: usize, range: Range<usize>| {
            found.push(Found {
                tag: &self.patterns[id].1,
                span: spans[range.start].start..spans[range.end - 1].end,
            });
        };
        for &id in &self.anchored {
            if let Some(end) = steps_from(&self.patterns[id].0.steps, words, 0) {
                report(id, 0..end);
            }
        }
        for (i, word) in words.iter().enumerate() {
            let exact = self.by_first.get(*word).into_iter().flatten();
            for &id in exact.chain(&self.everywhere) {
                if let Some(end) = steps_from(&self.patterns[id].0.steps, words, i) {
                    report(id, i..end);
                }
            }
        }
        found
    }
}

/// Where the steps end (one past the last word they took) when they match from `pos`.
/// Tries every allowed gap, so a later alignment is found when an earlier one fails;
/// bounded by the gaps, which are small.
fn steps_from(steps: &[Step], words: &[&str], pos: usize) -> Option<usize> {
    let Some((step, rest)) = steps.split_first() else {
        return Some(pos);
    };
    match step {
        // The end covers the words its gap skipped, so evidence quotes them.
        Step::End { gap } => {
            (words.len() >= pos && words.len() - pos <= *gap).then_some(words.len())
        }
        Step::Word { gap, alts } => (pos..=pos + gap)
            .take_while(|&j| j < words.len())
            .filter(|&j| alts.iter().any(|a| a.matches(words[j])))
            .find_map(|j| steps_from(rest, words, j + 1)),
    }
}

/// The word with each of its characters left out in turn: two words share one of these
/// (or one is the other's) exactly when they are one edit apart, or two letters swapped.
fn deletions(word: &str) -> impl Iterator<Item = String> + '_ {
    word.char_indices()
        .map(move |(i, c)| format!("{}{}", &word[..i], &word[i + c.len_utf8()..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signals::text::words;

    fn hits(patterns: &[&str], message: &str) -> Vec<String> {
        let matcher = Matcher::new(patterns.iter().map(|p| (*p, ()))).expect("patterns");
        let words = words(message);
        let spans: Vec<_> = words.iter().map(|w| w.span.clone()).collect();
        let canonical = matcher.canonical(&words);
        matcher
            .find(&canonical, &spans)
            .into_iter()
            .map(|f| message[f.span].to_string())
            .collect()
    }

    #[test]
    fn alternatives_prefixes_and_gaps() {
        let p = ["parler/discuter ~4 conseiller/conseillers", "resili*"];
        assert_eq!(
            hits(&p, "Je veux parler à un de vos conseillers"),
            ["parler à un de vos conseillers"]
        );
        assert_eq!(hits(&p, "je RÉSILIE"), ["RÉSILIE"]);
        assert!(hits(&p, "parler de la couleur du bureau avec le conseiller").is_empty());
    }

    #[test]
    fn a_later_alignment_is_found_when_the_first_fails() {
        let p = ["veux ~2 parler ~2 humain"];
        assert_eq!(hits(&p, "je veux parler, parler a un humain").len(), 1);
    }

    #[test]
    fn anchors() {
        let p = ["^ ~2 agent ~1 $"];
        assert_eq!(hits(&p, "Agent please"), ["Agent please"]);
        assert_eq!(hits(&p, "agent"), ["agent"]);
        assert!(hits(&p, "agent d'entretien").is_empty());
        assert!(hits(&p, "mon mari est agent d'entretien").is_empty());
    }

    #[test]
    fn long_words_forgive_one_typo() {
        let p = ["inadmissible", "nul"];
        for typo in [
            "inadmissibIe",
            "inadmisible",
            "inadmissibble",
            "inadmissilbe",
        ] {
            assert_eq!(hits(&p, typo).len(), 1, "{typo}");
        }
        assert!(hits(&p, "nue").is_empty());
        assert!(
            hits(&["deception"], "reception").is_empty(),
            "first letters differ"
        );
    }

    #[test]
    fn bad_patterns_are_refused() {
        for bad in ["~2 word", "a ~99 b", "", "a/ b", "*"] {
            assert!(Matcher::new([(bad, ())]).is_err(), "{bad:?}");
        }
    }
}
