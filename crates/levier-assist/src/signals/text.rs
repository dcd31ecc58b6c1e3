//! Normalisation of customer messages into words, so that one lexicon entry matches the ways
//! people actually type it: any case, with or without accents (`é` → `e`, `œ` → `oe`), curly or
//! straight apostrophes (`j’en` and `j'en` are both `j en`), stretched letters (`nuuuul` →
//! `nul`), and the commonest SMS spellings (`jveux` → `je veux`, `c nul` → `c est nul`).
//!
//! Every word keeps the byte range it came from, so a match can be shown to the agent as the
//! customer wrote it.

use std::ops::Range;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// A normalised word and where it stands in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// Lower case, accents folded, letter runs squeezed, SMS spellings expanded.
    pub(crate) norm: String,
    /// Byte range in the original text.
    pub(crate) span: Range<usize>,
}

/// The words of a customer message.
pub(crate) fn words(text: &str) -> Vec<Word> {
    expand_sms(split(text, |_| false))
}

/// The words of a lexicon pattern: the same folding as messages, keeping the pattern
/// syntax characters (see [`super::pattern`]) inside words, and no SMS expansion, so that
/// a pattern is written in the expanded form.
pub(crate) fn pattern_words(pattern: &str) -> Vec<String> {
    split(pattern, |c| matches!(c, '/' | '*' | '~' | '^' | '$'))
        .into_iter()
        .map(|w| w.norm)
        .collect()
}

/// Splits on anything that is not a letter or digit (apostrophes, hyphens, punctuation,
/// markup), folding each character.
fn split(text: &str, keep: fn(char) -> bool) -> Vec<Word> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if is_invisible(c) {
            continue;
        }
        if c.is_alphanumeric() || keep(c) {
            if current.is_empty() {
                start = i;
            }
            fold_into(c, &mut current);
        } else if !current.is_empty() {
            out.push(finish(&mut current, start..i));
        }
    }
    if !current.is_empty() {
        out.push(finish(&mut current, start..text.len()));
    }
    out
}

/// Zero-width characters and soft hyphens, which join a word rather than split it (pasted
/// text, or hiding a word from filters: "inadmis\u{200b}sible").
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'
    )
}

fn finish(current: &mut String, span: Range<usize>) -> Word {
    let norm = squeeze(current);
    current.clear();
    Word { norm, span }
}

/// Lower case without accents: canonical decomposition with the combining marks dropped,
/// plus the ligatures decomposition leaves alone.
fn fold_into(c: char, out: &mut String) {
    for lower in c.to_lowercase() {
        match lower {
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            _ => decompose_canonical(lower, |d| {
                if !is_combining_mark(d) {
                    out.push(d);
                }
            }),
        }
    }
}

/// Runs of three or more identical letters become one (`marreeee` → `marre`, `nuuul` →
/// `nul`); digits are left alone (`1000`). Patterns go through the same squeeze, so a rare
/// real triple (`créée` → `cre`) still matches itself.
fn squeeze(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|&&d| d == c).count();
        let keep = if run >= 3 && c.is_alphabetic() {
            1
        } else {
            run
        };
        out.extend(std::iter::repeat_n(c, keep));
        i += run;
    }
    out
}

/// Expands SMS spellings into the words a lexicon is written with.
fn expand_sms(words: Vec<Word>) -> Vec<Word> {
    let mut out = Vec::with_capacity(words.len());
    for (i, word) in words.iter().enumerate() {
        let expansion = match word.norm.as_str() {
            // `c nul`, but not the `c` of `c'est`, already followed by `est`.
            "c" if words.get(i + 1).is_none_or(|next| next.norm != "est") => {
                Some(&["c", "est"][..])
            }
            other => sms(other),
        };
        match expansion {
            Some(parts) => out.extend(parts.iter().map(|p| Word {
                norm: (*p).to_string(),
                span: word.span.clone(),
            })),
            None => out.push(word.clone()),
        }
    }
    out
}

/// Common French and English SMS spellings. Ambiguous ones are left out: `cb` (carte
/// bancaire), `mm` (millimetres), `vs`.
fn sms(word: &str) -> Option<&'static [&'static str]> {
    Some(match word {
        "jveux" | "jveu" | "jve" => &["je", "veux"],
        "jvoudrais" | "jvoudrai" => &["je", "voudrais"],
        "jsuis" | "jsui" | "chui" | "chuis" => &["je", "suis"],
        "jvais" | "jvai" => &["je", "vais"],
        "jpeux" | "jpeu" => &["je", "peux"],
        "jme" => &["je", "me"],
        "jai" => &["j", "ai"],
        "jen" => &["j", "en"],
        "qqn" | "qqun" | "qq1" | "quelquun" | "kelkun" | "kelkin" => &["quelqu", "un"],
        "tjrs" | "tjs" | "tjr" => &["toujours"],
        "pk" | "pq" | "pkoi" | "pourkoi" => &["pourquoi"],
        "koi" => &["quoi"],
        "ke" => &["que"],
        "bcp" => &["beaucoup"],
        "pr" => &["pour"],
        "ds" => &["dans"],
        "nimp" | "nimporte" => &["n", "importe"],
        "ya" => &["il", "y", "a"],
        "pa" => &["pas"],
        "u" => &["you"],
        "ur" => &["your"],
        "pls" | "plz" => &["please"],
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(text: &str) -> Vec<String> {
        words(text).into_iter().map(|w| w.norm).collect()
    }

    #[test]
    fn folds_case_accents_apostrophes_and_ligatures() {
        assert_eq!(
            norms("C’EST Inadmissible, j'en ai marre"),
            ["c", "est", "inadmissible", "j", "en", "ai", "marre"]
        );
        assert_eq!(
            norms("Cœur déçu À GRENOBLE"),
            ["coeur", "decu", "a", "grenoble"]
        );
        assert_eq!(norms("inadmis\u{200b}sible\u{feff}"), ["inadmissible"]);
    }

    #[test]
    fn expands_sms_and_squeezes_stretched_letters() {
        assert_eq!(
            norms("jveux parler a qqn"),
            ["je", "veux", "parler", "a", "quelqu", "un"]
        );
        assert_eq!(norms("c nuuuul"), ["c", "est", "nul"]);
        assert_eq!(norms("c'est nul"), ["c", "est", "nul"]);
        assert_eq!(norms("1000 €"), ["1000"]);
    }

    #[test]
    fn keeps_spans_of_the_original_text() {
        let text = "Bonjour, C’EST scandaleux";
        let w = words(text);
        assert_eq!(&text[w[3].span.clone()], "scandaleux");
        assert_eq!(&text[w[1].span.clone()], "C");
    }

    #[test]
    fn pattern_words_keep_the_syntax() {
        assert_eq!(
            pattern_words("parler/Causer ~4 conseill* $"),
            ["parler/causer", "~4", "conseill*", "$"]
        );
    }
}
