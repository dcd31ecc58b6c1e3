//! Snowball stemming with a memo of the words already stemmed.
//!
//! Stemming was a fifth of the CPU of ingesting plain text (measured with perf on an 80 MB
//! folder), while a company's vocabulary is small and repeats (Zipf): remembering each word's
//! stem turns most of that work into a hash lookup. The stems are exactly the Snowball
//! stemmer's, so an index written with or without the memo is the same.

use rustc_hash::FxHashMap as HashMap;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

pub use frostem::Algorithm;

/// Words remembered per analyser before the memo starts again (a few MB at most).
const MEMO_WORDS: usize = 50_000;

/// Token filter: each token replaced by its Snowball stem.
#[derive(Clone, Copy)]
pub(crate) struct MemoStemmer {
    algorithm: Algorithm,
}

impl MemoStemmer {
    pub fn new(algorithm: Algorithm) -> Self {
        MemoStemmer { algorithm }
    }
}

impl TokenFilter for MemoStemmer {
    type Tokenizer<T: Tokenizer> = MemoStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> MemoStemmerFilter<T> {
        MemoStemmerFilter {
            algorithm: self.algorithm,
            inner,
            memo: HashMap::default(),
        }
    }
}

/// The filter inside an analyser. Each indexing thread and each query works on its own clone
/// of the analyser, so the memo needs no lock; a clone starts with an empty memo, since
/// analysers are cloned for every query and copying a full memo would cost more than it saves.
pub(crate) struct MemoStemmerFilter<T> {
    algorithm: Algorithm,
    inner: T,
    memo: HashMap<String, String>,
}

impl<T: Clone> Clone for MemoStemmerFilter<T> {
    fn clone(&self) -> Self {
        MemoStemmerFilter {
            algorithm: self.algorithm,
            inner: self.inner.clone(),
            memo: HashMap::default(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for MemoStemmerFilter<T> {
    type TokenStream<'a> = MemoStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MemoStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: frostem::Stemmer::new(self.algorithm),
            memo: &mut self.memo,
        }
    }
}

pub(crate) struct MemoStemmerStream<'a, T> {
    tail: T,
    stemmer: frostem::Stemmer,
    memo: &'a mut HashMap<String, String>,
}

impl<T: TokenStream> TokenStream for MemoStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.memo.get(token.text.as_str()) {
            token.text.clone_from(stem);
            return true;
        }
        let stem = self.stemmer.stem(&token.text).into_owned();
        if self.memo.len() >= MEMO_WORDS {
            self.memo.clear();
        }
        let word = std::mem::replace(&mut token.text, stem.clone());
        self.memo.insert(word, stem);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{SimpleTokenizer, Stemmer, TextAnalyzer};

    fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
    }

    /// The memo changes the cost, never the stems: the same terms as tantivy's own stemmer,
    /// on a text that repeats words so that the memo answers most of them.
    #[test]
    fn stems_are_tantivy_s_with_or_without_the_memo() {
        let text = "livraisons livrées livrer livraison commandes commandé commander \
                    livraisons livrées running runs delivered deliveries delivered";
        for (algorithm, language) in [
            (Algorithm::French, tantivy::tokenizer::Language::French),
            (Algorithm::English, tantivy::tokenizer::Language::English),
        ] {
            let mut memo = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(MemoStemmer::new(algorithm))
                .build();
            let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(Stemmer::new(language))
                .build();
            let expected = terms(&mut plain, text);
            assert_eq!(terms(&mut memo, text), expected);
            assert_eq!(
                terms(&mut memo, text),
                expected,
                "second pass from the memo"
            );
            assert_eq!(terms(&mut memo.clone(), text), expected, "a clone");
        }
    }
}
