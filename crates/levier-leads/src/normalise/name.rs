//! Person names as a salesperson writes them in a letter: "jean-pierre DE LA FONTAINE" becomes
//! "Jean-Pierre de La Fontaine". CRM exports mix all-caps family names, lowercase web forms and
//! stray spaces; a consistent form reads better and lets duplicates be found.

use super::text::collapse_spaces;
use serde::{Deserialize, Serialize};

/// Nobiliary particles that French (and Dutch, German, Italian) names keep in lowercase when
/// something follows them: "de Gaulle", "du Bellay", "van der Berg".
const PARTICLES: &[&str] = &[
    "de", "du", "des", "d'", "von", "van", "der", "den", "di", "da",
];

/// Why a name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// No letter at all.
    #[error("'{0}' has no letter: not a name")]
    NoLetter(String),
    /// Digits or an `@`: another field pasted into the name column.
    #[error("'{0}' has digits or an @: another field in the name column?")]
    NotAName(String),
}

/// A person's (first, family or full) name, cased the French way.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    /// Reads a name: spaces collapsed, each word capitalised after spaces, hyphens and
    /// apostrophes, particles lowercased where a word follows them.
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        let text = collapse_spaces(raw);
        if !text.chars().any(char::is_alphabetic) {
            return Err(NameError::NoLetter(text));
        }
        if text.chars().any(|c| c.is_ascii_digit() || c == '@') {
            return Err(NameError::NotAName(text));
        }
        let text = text.replace('’', "'");
        let words: Vec<&str> = text.split(' ').collect();
        let cased: Vec<String> = words
            .iter()
            .enumerate()
            .map(|(i, w)| case_word(w, i + 1 < words.len()))
            .collect();
        Ok(PersonName(cased.join(" ")))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Cases one space-separated word; `followed` says whether another word comes after it (a
/// particle alone is a name: "De" as a whole family name stays capitalised).
fn case_word(word: &str, followed: bool) -> String {
    let lower = word.to_lowercase();
    if followed && PARTICLES.contains(&lower.as_str()) {
        return lower;
    }
    // "d'Artagnan", "d'Estaing": the elided particle stays lowercase, the rest is a name.
    if let Some(rest) = lower.strip_prefix("d'").filter(|r| !r.is_empty()) {
        return format!("d'{}", capitalise_parts(rest));
    }
    capitalise_parts(&lower)
}

/// Capitalises the first letter after the start, a hyphen or an apostrophe: "jean-pierre" →
/// "Jean-Pierre", "o'neill" → "O'Neill".
fn capitalise_parts(lower: &str) -> String {
    let mut out = String::with_capacity(lower.len());
    let mut start = true;
    for c in lower.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
            start = false;
        } else {
            out.push(c);
            start = matches!(c, '-' | '\'');
        }
    }
    out
}

text_newtype!(PersonName, NameError);
