//! French and English text analysis: how text becomes index terms, the same way for documents
//! and for queries.
//!
//! Both analysers fold accents *before* removing stop words and stemming, so a query typed
//! without accents ("delai", "entrepot") produces exactly the terms of the accented text: users
//! in a hurry drop accents, and consistency matters more than the stemmer's accuracy on
//! accented endings. Elided articles and pronouns (`l'`, `d'`, `qu'`…) are split off by the
//! tokenizer and removed as stop words.

use crate::stem::{Algorithm, MemoStemmer};
use std::sync::Arc;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer, TokenizerManager,
};

/// Name under which the French analyser is registered in the index.
pub const FRENCH_ANALYZER: &str = "levier_fr";
/// Name under which the English analyser is registered in the index.
pub const ENGLISH_ANALYZER: &str = "levier_en";

/// Tokens longer than this are noise (base64, hashes) and are dropped.
const MAX_TOKEN_BYTES: usize = 40;

/// Elided forms that the tokenizer splits off (`l'avion` → `l`, `avion`).
const FRENCH_ELISIONS: &[&str] = &[
    "l", "d", "qu", "j", "n", "s", "c", "m", "t", "jusqu", "lorsqu", "puisqu",
];

/// The two analysed variants of every text field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Variant {
    /// French analysis (`*_fr` fields).
    French,
    /// English analysis (`*_en` fields), also used for any other language.
    English,
}

impl Variant {
    /// Both variants, in the order queries are built.
    pub const ALL: [Variant; 2] = [Variant::French, Variant::English];

    /// The variant for a normalised language code: French text is analysed as French,
    /// anything else (English, unknown, other languages) as English.
    pub fn for_language(language: &str) -> Variant {
        if language == "fr" {
            Variant::French
        } else {
            Variant::English
        }
    }

    /// The analyser registered for this variant.
    pub fn analyzer_name(self) -> &'static str {
        match self {
            Variant::French => FRENCH_ANALYZER,
            Variant::English => ENGLISH_ANALYZER,
        }
    }

    /// Suffix of the field names of this variant.
    pub(crate) fn suffix(self) -> &'static str {
        match self {
            Variant::French => "fr",
            Variant::English => "en",
        }
    }
}

/// The analysers, built once (building the stop word sets is not free) and cloned per query
/// (cheap: the sets are shared).
#[derive(Clone)]
pub(crate) struct Analyzers {
    pub fr: TextAnalyzer,
    pub en: TextAnalyzer,
    pub prefix: TextAnalyzer,
    fr_stop: StopWordFilter,
    en_stop: StopWordFilter,
}

impl Analyzers {
    pub fn new() -> Self {
        let fr_stop = french_stop_words();
        let en_stop = StopWordFilter::remove(folded(ENGLISH_STOP_WORDS));
        Analyzers {
            fr: analyzer(fr_stop.clone(), Algorithm::French),
            en: analyzer(en_stop.clone(), Algorithm::English),
            prefix: prefix(),
            fr_stop,
            en_stop,
        }
    }

    /// The variant's analyser for highlighting a passage with a query's terms: the same chain,
    /// except that words whose first letter starts none of the terms are dropped before
    /// stemming. Stemmers only rewrite endings, so such words cannot produce a query term, and
    /// stemming every word of every passage would dominate the cost of a page of results.
    pub fn highlighter(&self, variant: Variant, terms: &[&str]) -> TextAnalyzer {
        let mut initials: Vec<char> = terms.iter().filter_map(|t| t.chars().next()).collect();
        initials.sort_unstable();
        initials.dedup();
        let initials = InitialsFilter(Arc::from(initials));
        let (stop, language) = match variant {
            Variant::French => (self.fr_stop.clone(), Algorithm::French),
            Variant::English => (self.en_stop.clone(), Algorithm::English),
        };
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(initials)
            .filter(stop)
            .filter(MemoStemmer::new(language))
            .build()
    }

    /// The analyser of a variant.
    pub fn get(&mut self, variant: Variant) -> &mut TextAnalyzer {
        match variant {
            Variant::French => &mut self.fr,
            Variant::English => &mut self.en,
        }
    }
}

/// Normalises a language tag to the code stored in the index: `fr-FR` → `fr`, missing → `und`
/// (ISO 639 "undetermined"), so language filters and facets see one spelling.
pub fn normalize_language(tag: Option<&str>) -> String {
    let code = tag
        .unwrap_or("")
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if code.is_empty() {
        "und".to_string()
    } else {
        code
    }
}

/// The French analyser: split on non-alphanumerics, lowercase, fold accents, drop elisions
/// and stop words, French Snowball stem.
pub fn french() -> TextAnalyzer {
    analyzer(french_stop_words(), Algorithm::French)
}

/// The English analyser: the same chain with English stop words and the English stemmer.
pub fn english() -> TextAnalyzer {
    analyzer(
        StopWordFilter::remove(folded(ENGLISH_STOP_WORDS)),
        Algorithm::English,
    )
}

fn french_stop_words() -> StopWordFilter {
    let mut stop = folded(FRENCH_STOP_WORDS);
    stop.extend(FRENCH_ELISIONS.iter().map(|w| (*w).to_string()));
    StopWordFilter::remove(stop)
}

/// The analyser for prefixes typed so far (search-as-you-type): tokenised, lowercased and
/// folded but not stemmed, since a stemmer would cut an unfinished word as if it were whole.
pub(crate) fn prefix() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers the analysers under their names, so the schema's fields can refer to them.
pub(crate) fn register(manager: &TokenizerManager, analyzers: &Analyzers) {
    manager.register(FRENCH_ANALYZER, analyzers.fr.clone());
    manager.register(ENGLISH_ANALYZER, analyzers.en.clone());
}

/// The analysed terms of a text with their positions (gaps where stop words were).
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push((token.position, token.text.clone()));
    }
    out
}

fn analyzer(stop_words: StopWordFilter, language: Algorithm) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(stop_words)
        .filter(MemoStemmer::new(language))
        .build()
}

/// Keeps only tokens starting with one of a few letters (see [`Analyzers::highlighter`]).
#[derive(Clone)]
struct InitialsFilter(Arc<[char]>);

impl TokenFilter for InitialsFilter {
    type Tokenizer<T: Tokenizer> = InitialsTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> InitialsTokenizer<T> {
        InitialsTokenizer {
            initials: self.0,
            inner: tokenizer,
        }
    }
}

#[derive(Clone)]
struct InitialsTokenizer<T> {
    initials: Arc<[char]>,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for InitialsTokenizer<T> {
    type TokenStream<'a> = InitialsStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        InitialsStream {
            initials: &self.initials,
            tail: self.inner.token_stream(text),
        }
    }
}

struct InitialsStream<'a, S> {
    initials: &'a [char],
    tail: S,
}

impl<S: TokenStream> TokenStream for InitialsStream<'_, S> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let first = self.tail.token().text.chars().next();
            if first.is_some_and(|c| self.initials.binary_search(&c).is_ok()) {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// A stop word list folded like the text it is compared with (`même` → `meme`), since the
/// filter sees folded tokens.
fn folded(words: &[&str]) -> Vec<String> {
    let mut folder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    words
        .iter()
        .flat_map(|w| analyze(&mut folder, w).into_iter().map(|(_, t)| t))
        .collect()
}

/// English stop words: Lucene's list, which tantivy also uses. Kept short on purpose: a longer
/// list removes words that do carry meaning in questions ("how", "when").
const ENGLISH_STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];

/// French stop words: tantivy's list (derived from Snowball's) plus the forms of *être* and
/// *avoir* it lacks (`est`, `a`, `son`…). `été` stays out: it is also the summer ("horaires
/// d'été").
const FRENCH_STOP_WORDS: &[&str] = &[
    "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "et", "eux", "il",
    "je", "la", "le", "leur", "lui", "ma", "mais", "me", "même", "mes", "moi", "mon", "ne", "nos",
    "notre", "nous", "on", "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses",
    "sur", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous", "c", "d",
    "j", "l", "à", "m", "n", "s", "t", "y", "étée", "étées", "étant", "suis", "es", "êtes", "sont",
    "serai", "seras", "sera", "serons", "serez", "seront", "serais", "serait", "serions", "seriez",
    "seraient", "étais", "était", "étions", "étiez", "étaient", "fus", "fut", "fûmes", "fûtes",
    "furent", "sois", "soit", "soyons", "soyez", "soient", "fusse", "fusses", "fussions",
    "fussiez", "fussent", "ayant", "eu", "eue", "eues", "eus", "ai", "avons", "avez", "ont",
    "aurai", "aurons", "aurez", "auront", "aurais", "aurait", "aurions", "auriez", "auraient",
    "avais", "avait", "aviez", "avaient", "eut", "eûmes", "eûtes", "eurent", "aie", "aies", "ait",
    "ayons", "ayez", "aient", "eusse", "eusses", "eût", "eussions", "eussiez", "eussent", "ceci",
    "cela", "celà", "cet", "cette", "ici", "ils", "les", "leurs", "quel", "quels", "quelle",
    "quelles", "sans", "soi", "est", "a", "as", "son", "sommes", "aura", "auras", "avions",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The highlighter finds exactly the query terms the full analyser finds.
    #[test]
    fn highlighter_keeps_every_matching_word() {
        let text = "Les entrepôts livrèrent des livraisons; l'Élodie d'Yvelines dying skies \
                    ties lying only early gently idly Ugly Œuvre ÉTÉ été";
        let analyzers = Analyzers::new();
        for variant in Variant::ALL {
            let mut full = analyzers.clone();
            let all: Vec<String> = analyze(full.get(variant), text)
                .into_iter()
                .map(|(_, t)| t)
                .collect();
            let terms: Vec<&str> = all.iter().map(String::as_str).collect();
            let mut highlighter = analyzers.highlighter(variant, &terms);
            let kept: Vec<String> = analyze(&mut highlighter, text)
                .into_iter()
                .map(|(_, t)| t)
                .collect();
            assert_eq!(kept, all, "{variant:?}");
            let mut few = analyzers.highlighter(variant, &["livr"]);
            assert!(
                analyze(&mut few, text)
                    .iter()
                    .all(|(_, t)| t.starts_with('l'))
            );
        }
    }
}
