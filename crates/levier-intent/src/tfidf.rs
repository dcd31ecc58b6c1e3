//! TF-IDF over word uni- and bigrams and character n-grams: the lexical side of the features.
//!
//! Sentence embeddings blur exact words that decide fine-grained intents ("card" vs "card
//! payment", "virtual card" vs "physical card"); n-grams keep them, and character n-grams also
//! match across inflections and typos. Text is lower-cased and accent-folded so that a French
//! message typed without accents gets the same terms.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// A sparse row: (feature index, value), indices increasing.
pub type SparseRow = Vec<(u32, f32)>;

/// Which n-grams make the vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TfidfConfig {
    /// Shortest character n-gram (within a word padded with spaces).
    pub char_min: usize,
    /// Longest character n-gram.
    pub char_max: usize,
    /// At most this many terms, the most frequent first: bounds the model's size.
    pub max_terms: usize,
}

impl Default for TfidfConfig {
    fn default() -> Self {
        TfidfConfig {
            char_min: 3,
            char_max: 5,
            max_terms: 30_000,
        }
    }
}

/// A fitted vocabulary with inverse document frequencies.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tfidf {
    config: TfidfConfig,
    /// Term → (index, idf). A B-tree so that a stored model serialises identically every time.
    terms: BTreeMap<String, (u32, f32)>,
    /// The same map hashed, built on first use: a B-tree lookup compares strings a dozen times
    /// and was most of the time to classify a mail.
    #[serde(skip)]
    index: OnceLock<FxHashMap<String, (u32, f32)>>,
}

impl Tfidf {
    /// Learns the vocabulary and idf (smoothed: ln((1+n)/(1+df)) + 1) of `texts`.
    pub fn fit(texts: &[&str], config: TfidfConfig) -> Self {
        let mut df: HashMap<String, u32> = HashMap::new();
        for text in texts {
            let mut terms = Vec::new();
            for_each_term(text, &config, |term| terms.push(term.to_owned()));
            terms.sort_unstable();
            terms.dedup();
            for term in terms {
                *df.entry(term).or_default() += 1;
            }
        }
        let mut by_df: Vec<(String, u32)> = df.into_iter().collect();
        by_df.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        by_df.truncate(config.max_terms);
        by_df.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let n = texts.len() as f32;
        let terms = by_df
            .into_iter()
            .enumerate()
            .map(|(i, (term, df))| {
                let idf = ((1.0 + n) / (1.0 + df as f32)).ln() + 1.0;
                (term, (i as u32, idf))
            })
            .collect();
        Tfidf {
            config,
            terms,
            index: OnceLock::new(),
        }
    }

    /// Number of terms: the width of the rows [`Tfidf::transform`] makes.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Whether the vocabulary is empty (texts with no letters or digits at all).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The L2-normalised sublinear TF-IDF row of a text (unknown terms are dropped).
    pub fn transform(&self, text: &str) -> SparseRow {
        let terms = self.index.get_or_init(|| {
            self.terms
                .iter()
                .map(|(term, &entry)| (term.clone(), entry))
                .collect()
        });
        let mut counts: FxHashMap<u32, (f32, f32)> = FxHashMap::default();
        for_each_term(text, &self.config, |term| {
            if let Some(&(index, idf)) = terms.get(term) {
                counts.entry(index).or_insert((0.0, idf)).0 += 1.0;
            }
        });
        let mut row: SparseRow = counts
            .into_iter()
            .map(|(index, (tf, idf))| (index, (1.0 + tf.ln()) * idf))
            .collect();
        row.sort_unstable_by_key(|&(index, _)| index);
        let norm = row.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            row.iter_mut().for_each(|(_, v)| *v /= norm);
        }
        row
    }
}

/// Visits word unigrams (`w:`), word bigrams (`b:`) and character n-grams of each
/// space-padded word (`c:`), prefixed so that the three kinds never collide. Each term is
/// written into one reused buffer: a mail has thousands of terms, and allocating each was a
/// third of the time to classify it.
fn for_each_term(text: &str, config: &TfidfConfig, mut visit: impl FnMut(&str)) {
    let words = words(text);
    let mut term = String::new();
    let mut emit = |parts: &[&str]| {
        term.clear();
        parts.iter().for_each(|p| term.push_str(p));
        visit(&term);
    };
    for word in &words {
        emit(&["w:", word]);
    }
    for pair in words.windows(2) {
        emit(&["b:", &pair[0], " ", &pair[1]]);
    }
    let mut padded: Vec<char> = Vec::new();
    let mut gram = String::new();
    for word in &words {
        padded.clear();
        padded.push(' ');
        padded.extend(word.chars());
        padded.push(' ');
        for n in config.char_min..=config.char_max.min(padded.len()) {
            for window in padded.windows(n) {
                gram.clear();
                gram.extend(window);
                emit(&["c:", &gram]);
            }
        }
    }
}

/// Lower-cased, accent-folded runs of letters and digits.
fn words(text: &str) -> Vec<String> {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match fold(c) {
            Some(s) => folded.push_str(s),
            None if c.is_alphanumeric() => folded.push(c),
            None => folded.push(' '),
        }
    }
    folded.split_whitespace().map(str::to_owned).collect()
}

/// The unaccented spelling of the accented letters of French (and common Western European
/// ones), lower case.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => "a",
        'é' | 'è' | 'ê' | 'ë' => "e",
        'î' | 'ï' | 'í' | 'ì' => "i",
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' => "o",
        'ù' | 'û' | 'ü' | 'ú' => "u",
        'ÿ' | 'ý' => "y",
        'ç' => "c",
        'ñ' => "n",
        'œ' => "oe",
        'æ' => "ae",
        '\'' | '’' => " ",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_do_not_change_the_terms() {
        let tfidf = Tfidf::fit(
            &["Où est ma carte ?", "autre chose"],
            TfidfConfig::default(),
        );
        assert_eq!(
            tfidf.transform("OU EST MA CARTE"),
            tfidf.transform("où est ma carte")
        );
        assert!(!tfidf.transform("ou est ma carte").is_empty());
    }

    #[test]
    fn rows_are_unit_length_and_rarer_terms_weigh_more() {
        let tfidf = Tfidf::fit(
            &["card lost", "card arrived", "card blocked"],
            TfidfConfig::default(),
        );
        let row = tfidf.transform("card lost");
        let norm: f32 = row.iter().map(|(_, v)| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        let weight = |term: &str| {
            let (index, _) = tfidf.terms[term];
            row.iter().find(|(i, _)| *i == index).map(|(_, v)| *v)
        };
        assert!(weight("w:lost") > weight("w:card"));
        assert!(tfidf.transform("zzz").is_empty());
    }
}
