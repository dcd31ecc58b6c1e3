//! Text folding shared by header matching, legal-form detection and duplicate keys: French
//! exports write the same word with or without accents, in any case, with stray punctuation.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lowercase, accents removed, every run of non-alphanumeric characters turned into one space,
/// trimmed: "Raison sociale", "RAISON_SOCIALE" and "raison-sociale " all fold to "raison sociale".
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// Whitespace runs (including non-breaking spaces from spreadsheets) collapsed to one space,
/// trimmed.
pub fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_punctuation() {
        assert_eq!(fold("  Raison_Sociale "), "raison sociale");
        assert_eq!(fold("Téléphone (portable)"), "telephone portable");
        assert_eq!(fold("N° SIRET"), "n siret");
        assert_eq!(collapse_spaces("Dupont\u{a0} &  Fils "), "Dupont & Fils");
    }
}
