//! Whether the sender is unhappy, from a French and English lexicon. An unhappy customer goes
//! to a person first; that needs to be caught without training data, so it is a lexicon of
//! stems (accents folded, so "decu" matches "déçu") with negation ("pas satisfait", "not
//! happy" count as negative), not a model. Politeness ("merci", "thanks") is neutral: every
//! customer writes it.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// The tone of a mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sentiment {
    /// Unhappy, angry, disappointed.
    Negatif,
    /// Neither.
    Neutre,
    /// Pleased, thankful beyond politeness.
    Positif,
}

impl Sentiment {
    /// The French name used in labels and the interface (`negatif`, `neutre`, `positif`).
    pub fn name(self) -> &'static str {
        match self {
            Sentiment::Negatif => "negatif",
            Sentiment::Neutre => "neutre",
            Sentiment::Positif => "positif",
        }
    }
}

/// Stems of negative words (folded, lower case).
const NEGATIVE: &[&str] = &[
    "inadmissib",
    "inacceptab",
    "scandal",
    "furieu",
    "furious",
    "decu",
    "decev",
    "decoit",
    "mecontent",
    "deplorab",
    "honte",
    "catastroph",
    "lamentab",
    "arnaque",
    "escroq",
    "plainte",
    "reclamation",
    "enerv",
    "agac",
    "exaspere",
    "insupportab",
    "colere",
    "inadmissible",
    "deception",
    "desagreab",
    "pire",
    "abus",
    "incompetent",
    "toujours pas",
    "aucune reponse",
    "sans reponse",
    "mise en demeure",
    "avocat",
    "relance",
    "disappoint",
    "unacceptab",
    "terrible",
    "awful",
    "angry",
    "worst",
    "complain",
    "scam",
    "useless",
    "frustrat",
    "annoy",
    "ridiculous",
    "still not",
    "no answer",
    "no response",
    "casse",
    "abime",
    "defectueu",
    "endommag",
    "broken",
    "damaged",
    "faulty",
];

/// Stems of positive words.
const POSITIVE: &[&str] = &[
    "ravi",
    "satisfait",
    "excellent",
    "parfait",
    "bravo",
    "felicit",
    "genial",
    "formidable",
    "impeccab",
    "enchante",
    "recommand",
    "agreab",
    "apprecie",
    "super ",
    "top ",
    "pleased",
    "delighted",
    "happy",
    "great",
    "perfect",
    "awesome",
    "satisfied",
    "recommend",
    "impressed",
    "love",
    "wonderful",
    "fantastic",
    "au top",
    "tres content",
];

/// Words that flip the next few words' polarity.
const NEGATORS: &[&str] = &[
    "pas", "plus", "jamais", "aucun", "aucune", "not", "never", "no",
];

/// Words after a negator whose polarity it flips.
const NEGATION_REACH: usize = 3;

/// The sentiment of a text, and its score (negative below zero).
pub fn sentiment(text: &str) -> (Sentiment, f32) {
    let folded = fold(text);
    let words: Vec<&str> = folded.split_whitespace().collect();
    let mut score = 0.0f32;
    for (i, _) in words.iter().enumerate() {
        let rest = words[i..words.len().min(i + 3)].join(" ") + " ";
        let polarity = if NEGATIVE.iter().any(|s| rest.starts_with(s)) {
            -1.0
        } else if POSITIVE.iter().any(|s| rest.starts_with(s)) {
            1.0
        } else {
            continue;
        };
        let negated = words[i.saturating_sub(NEGATION_REACH)..i]
            .iter()
            .any(|w| NEGATORS.contains(w));
        score += if negated && polarity > 0.0 {
            -polarity
        } else {
            polarity
        };
    }
    score -= exclamations(text);
    let sentiment = if score <= -1.0 {
        Sentiment::Negatif
    } else if score >= 1.0 {
        Sentiment::Positif
    } else {
        Sentiment::Neutre
    };
    (sentiment, score)
}

/// "!!!" and shouting in capitals count half a negative word each.
fn exclamations(text: &str) -> f32 {
    let runs = text.matches("!!").count() as f32;
    let shouted = text
        .split_whitespace()
        .filter(|w| w.len() >= 4 && w.chars().all(|c| c.is_uppercase()))
        .count() as f32;
    0.5 * runs.min(2.0) + 0.5 * (shouted / 3.0).floor().min(2.0)
}

/// Lower case, accents removed, apostrophes and punctuation as spaces.
fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_and_english_tones() {
        assert_eq!(
            sentiment("Je suis très déçu, c'est inadmissible.").0,
            Sentiment::Negatif
        );
        assert_eq!(
            sentiment("Nous ne sommes pas satisfaits du service.").0,
            Sentiment::Negatif
        );
        assert_eq!(
            sentiment("Ravi de ce fauteuil, parfait !").0,
            Sentiment::Positif
        );
        assert_eq!(
            sentiment("I am very disappointed, the chair arrived broken.").0,
            Sentiment::Negatif
        );
        assert_eq!(
            sentiment("Merci de m'envoyer la facture.").0,
            Sentiment::Neutre
        );
    }
}
