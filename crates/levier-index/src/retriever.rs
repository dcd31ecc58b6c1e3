//! Retrieval as the product runs it: lexical, dense (by meaning) or hybrid (both, fused), with
//! the same access rule, filters, pagination and hits whichever the mode.
//!
//! Hybrid takes the best [`CANDIDATES`] of each side (at least the page asked for), fuses
//! them ([`crate::fusion`]; by document when results are collapsed, else by passage) and pages
//! through the fused list. Dense candidates are turned into hits by the lexical index itself
//! ([`LexicalIndex::chunk_hits`]), so the reader's groups and the metadata filters are applied
//! to them exactly as to lexical matches. When semantic search is unavailable (no model, a
//! damaged one), searches run lexically and the result says why.

use crate::collect::FacetCounts;
use crate::search::{Facets, Hit, SearchRequest, SearchResults};
use crate::semantic::{DenseLimits, SemanticSearch};
use crate::{IndexError, IndexResult, LexicalIndex, fusion};
use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

/// Candidates taken from each side before fusing (or the page's end, when deeper).
pub const CANDIDATES: usize = 100;
/// Dense candidates per result wanted when results are collapsed by document: a document's
/// several close passages take several places before collapsing.
const CHUNKS_PER_DOCUMENT: usize = 3;

/// How documents are retrieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// BM25 over the words.
    Lexical,
    /// By meaning: the query's embedding against the passages'.
    Dense,
    /// Both lists fused.
    Hybrid,
}

impl Mode {
    /// The mode's name in requests and responses.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Lexical => "lexical",
            Mode::Dense => "dense",
            Mode::Hybrid => "hybrid",
        }
    }
}

impl std::str::FromStr for Mode {
    type Err = IndexError;
    fn from_str(s: &str) -> IndexResult<Mode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "lexical" => Ok(Mode::Lexical),
            "dense" => Ok(Mode::Dense),
            "hybrid" => Ok(Mode::Hybrid),
            other => Err(IndexError::InvalidRequest(format!(
                "unknown mode '{other}': expected lexical, dense or hybrid"
            ))),
        }
    }
}

/// How hybrid retrieval fuses the lexical and dense lists.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase", tag = "method")]
pub enum Fusion {
    /// Reciprocal rank fusion with k = [`fusion::RRF_K`].
    Rrf,
    /// Min-max normalised scores, weighted per list. A document whose title asks a question
    /// (an FAQ entry: its title is the question it answers) weighs its lists by `questions`,
    /// any other by `others`.
    Weighted {
        /// Weights for documents whose title is a question.
        questions: ListWeights,
        /// Weights for the other documents.
        others: ListWeights,
    },
}

/// The weight of each list in weighted fusion.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ListWeights {
    /// BM25 over the words.
    pub lexical: f32,
    /// The passage's cosine.
    pub passages: f32,
    /// The title's cosine.
    pub titles: f32,
}

impl ListWeights {
    /// The weights of a dense-only search: the lexical share goes to the other two, in
    /// proportion.
    fn without_words(self) -> ListWeights {
        let dense = self.passages + self.titles;
        if dense > 0.0 {
            ListWeights {
                lexical: 0.0,
                passages: self.passages / dense,
                titles: self.titles / dense,
            }
        } else {
            ListWeights {
                lexical: 0.0,
                passages: 0.5,
                titles: 0.5,
            }
        }
    }

    /// The weight of list `i` of (lexical, passages, titles).
    fn of(self, i: usize) -> f32 {
        [self.lexical, self.passages, self.titles][i]
    }
}

impl std::fmt::Display for ListWeights {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "words {:.2}, passages {:.2}, titles {:.2}",
            self.lexical, self.passages, self.titles
        )
    }
}

impl Default for Fusion {
    /// Weighted fusion, measured on the dev splits (`levier bench retrieval`, nDCG@10 / P@1;
    /// docs/ARCHITECTURE.md has the sweeps). An FAQ's user questions match its titles best,
    /// scientific claims match abstracts' words and passages, and titles barely: one set of
    /// weights could not serve both (a title weight of 0.4 won CNIL's FAQ 0.840 / 0.679 and
    /// lost SciFact 0.701; 0.3 everywhere gave 0.806 / 0.607 and 0.721). What tells them apart
    /// is the title itself: a question is an FAQ entry's own phrasing of what it answers.
    /// Each weight sits in the middle of its set's plateau: question titles (words 0.30,
    /// passages 0.25, titles 0.45) on CNIL, where every title is a question; others (0.50,
    /// 0.40, 0.10) on SciFact. Service-Public (no titles) is flat across both.
    fn default() -> Self {
        Fusion::Weighted {
            questions: ListWeights {
                lexical: 0.30,
                passages: 0.25,
                titles: 0.45,
            },
            others: ListWeights {
                lexical: 0.50,
                passages: 0.40,
                titles: 0.10,
            },
        }
    }
}

impl Fusion {
    /// The fusion's name in reports.
    pub fn describe(self) -> String {
        match self {
            Fusion::Rrf => format!("rrf (k={})", fusion::RRF_K),
            Fusion::Weighted { questions, others } => {
                format!("weighted (question titles: {questions}; others: {others})")
            }
        }
    }

    /// Fuses the lexical list with the two dense ones (passages, titles); `lexical` is `None`
    /// for a dense-only search, whose two lists then share the whole weight. `asks` says
    /// whether a document's title is a question.
    fn apply<K: Eq + std::hash::Hash + Clone>(
        self,
        lexical: Option<&[(K, f32)]>,
        passages: &[(K, f32)],
        titles: &[(K, f32)],
        asks: impl Fn(&K) -> bool,
    ) -> Vec<(K, f32)> {
        match self {
            Fusion::Rrf => match lexical {
                Some(l) => fusion::reciprocal_rank(&[l, passages, titles], fusion::RRF_K),
                None => fusion::reciprocal_rank(&[passages, titles], fusion::RRF_K),
            },
            Fusion::Weighted { questions, others } => {
                let (questions, others) = match lexical {
                    Some(_) => (questions, others),
                    None => (questions.without_words(), others.without_words()),
                };
                let weight =
                    |list: usize, key: &K| if asks(key) { questions } else { others }.of(list);
                let empty = Vec::new();
                fusion::weighted(&[lexical.unwrap_or(&empty), passages, titles], weight)
            }
        }
    }
}

/// Whether a title asks a question: an FAQ entry's title is the question it answers.
fn asks_a_question(title: &str) -> bool {
    title.trim_end().ends_with('?')
}

/// Whether semantic search can answer, and why not when it cannot.
#[derive(Debug, Clone)]
pub enum SemanticState {
    /// A model and its vectors are loaded.
    Ready(Arc<SemanticSearch>),
    /// Searches run lexically, for this reason (shown to the user).
    Unavailable(String),
}

/// What a search returned and how it was made.
#[derive(Debug, Clone)]
pub struct Retrieved {
    /// The mode that answered (lexical when another was asked for but is unavailable).
    pub mode: Mode,
    /// Why the mode differs from the one asked for, when it does.
    pub notice: Option<String>,
    /// The results.
    pub results: SearchResults,
}

/// The node's search: the lexical index and, when a model is loaded, semantic search.
#[derive(Debug)]
pub struct Retriever {
    lexical: Arc<LexicalIndex>,
    semantic: RwLock<SemanticState>,
    fusion: RwLock<Fusion>,
}

impl Retriever {
    /// Search over `lexical` only, until a model is loaded.
    pub fn new(lexical: Arc<LexicalIndex>) -> Retriever {
        Retriever {
            lexical,
            semantic: RwLock::new(SemanticState::Unavailable(
                "semantic search is starting".into(),
            )),
            fusion: RwLock::new(Fusion::default()),
        }
    }

    /// The lexical index.
    pub fn lexical(&self) -> &Arc<LexicalIndex> {
        &self.lexical
    }

    /// Whether semantic search can answer.
    pub fn semantic_state(&self) -> SemanticState {
        self.semantic
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The loaded semantic search, if any.
    pub fn semantic(&self) -> Option<Arc<SemanticSearch>> {
        match self.semantic_state() {
            SemanticState::Ready(s) => Some(s),
            SemanticState::Unavailable(_) => None,
        }
    }

    /// Replaces the semantic side (a model loaded, switched or lost).
    pub fn set_semantic(&self, state: SemanticState) {
        *self
            .semantic
            .write()
            .unwrap_or_else(PoisonError::into_inner) = state;
    }

    /// How hybrid searches fuse their lists.
    pub fn fusion(&self) -> Fusion {
        *self.fusion.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Changes how hybrid searches fuse (a benchmark, or a company's tuning).
    pub fn set_fusion(&self, fusion: Fusion) {
        *self.fusion.write().unwrap_or_else(PoisonError::into_inner) = fusion;
    }

    /// The mode used when none is asked for: hybrid when a model is loaded, else lexical.
    pub fn default_mode(&self) -> Mode {
        if self.semantic().is_some() {
            Mode::Hybrid
        } else {
            Mode::Lexical
        }
    }

    /// Runs `req` in `mode` (default: [`Retriever::default_mode`]). CPU-bound: a dense or
    /// hybrid search embeds the query (about 10 ms), so async callers use `spawn_blocking`.
    pub fn search(&self, req: &SearchRequest, mode: Option<Mode>) -> IndexResult<Retrieved> {
        if !crate::query::has_words(&req.query) {
            return Err(IndexError::EmptyQuery);
        }
        let wanted = mode.unwrap_or_else(|| self.default_mode());
        let semantic = match (wanted, self.semantic_state()) {
            (Mode::Lexical, _) => None,
            (_, SemanticState::Ready(s)) => Some(s),
            (_, SemanticState::Unavailable(why)) => {
                return Ok(Retrieved {
                    mode: Mode::Lexical,
                    notice: Some(format!(
                        "semantic search is unavailable ({why}): these results match the words only"
                    )),
                    results: self.lexical.search(req)?,
                });
            }
        };
        let results = match semantic {
            None => self.lexical.search(req)?,
            Some(semantic) => self.with_meaning(req, wanted, &semantic)?,
        };
        Ok(Retrieved {
            mode: wanted,
            notice: None,
            results,
        })
    }

    /// A dense or hybrid search.
    fn with_meaning(
        &self,
        req: &SearchRequest,
        mode: Mode,
        semantic: &SemanticSearch,
    ) -> IndexResult<SearchResults> {
        crate::search::check_page(req)?;
        let depth = CANDIDATES.max(req.offset + req.limit);
        // Candidates without snippets: only the page shown gets them, at the end.
        let bare = SearchRequest {
            snippets: false,
            ..req.clone()
        };
        // The words are looked up while the query is embedded: on two cores the lexical search
        // costs nothing on top of the dense one.
        let words = || match mode {
            Mode::Dense => Ok(None),
            _ => self
                .lexical
                .search(&SearchRequest {
                    offset: 0,
                    limit: depth,
                    facets: false,
                    ..bare.clone()
                })
                .map(|found| Some(found.hits)),
        };
        let (dense, lexical) = rayon::join(|| self.dense_hits(&bare, semantic, depth), words);
        let (dense, lexical) = (dense?, lexical?);
        let candidates = fuse(lexical, dense, req.collapse_documents, self.fusion());
        let facets = if req.facets {
            facets_of(&candidates)
        } else {
            Facets::default()
        };
        let total = candidates.len() as u64;
        let page: Vec<Hit> = candidates
            .into_iter()
            .skip(req.offset)
            .take(req.limit)
            .collect();
        let hits = if req.snippets {
            let chunks: Vec<_> = page.iter().map(|h| (h.chunk_id, h.score)).collect();
            self.lexical.chunk_hits(req, &chunks)?
        } else {
            page
        };
        Ok(SearchResults {
            total,
            facets,
            hits,
        })
    }

    /// The passages and the titles closest in meaning, as hits that pass the request's access
    /// rule and filters (one per document when collapsed), best first.
    fn dense_hits(
        &self,
        req: &SearchRequest,
        semantic: &SemanticSearch,
        depth: usize,
    ) -> IndexResult<DenseHits> {
        let per_result = if req.collapse_documents {
            CHUNKS_PER_DOCUMENT
        } else {
            1
        };
        // Filters the vector index cannot apply (source, type, dates) are applied afterwards:
        // ask for more so that a filtered page still fills.
        let filtered = !req.filters.source_ids.is_empty()
            || !req.filters.media_types.is_empty()
            || req.filters.date_from.is_some()
            || req.filters.date_to.is_some()
            || req.filters.public_only;
        let wanted = depth * if filtered { 4 } else { 1 };
        let limits = DenseLimits {
            passages: (wanted * per_result).min(crate::search::MAX_LIMIT),
            titles: wanted.min(crate::search::MAX_LIMIT),
        };
        let found = semantic.search(&req.query, &req.groups, &req.filters.languages, limits)?;
        let hits = |results: &crate::vector::VectorResults| -> IndexResult<Vec<Hit>> {
            let chunks: Vec<_> = results.hits.iter().map(|h| (h.chunk_id, h.score)).collect();
            let hits = self.lexical.chunk_hits(req, &chunks)?;
            Ok(if req.collapse_documents {
                first_per_document(hits)
            } else {
                hits
            })
        };
        let (passages, titles) = rayon::join(|| hits(&found.passages), || hits(&found.titles));
        let (passages, mut titles) = (passages?, titles?);
        // A document without a title has no title vector: its passage stands for it, so that
        // titled documents are not favoured for having one more list.
        titles.extend(
            passages
                .iter()
                .filter(|h| !semantic.titles().has_document(h.document_id))
                .cloned(),
        );
        titles.sort_by(|a, b| b.score.total_cmp(&a.score));
        Ok(DenseHits { passages, titles })
    }
}

/// Dense candidates: by passage, by title.
struct DenseHits {
    passages: Vec<Hit>,
    titles: Vec<Hit>,
}

/// Fuses the lexical hits (absent for a dense-only search) with the dense ones, by document
/// when collapsed, else by passage; a result found by several lists shows the lexical hit,
/// whose snippet highlights the query's words.
fn fuse(lexical: Option<Vec<Hit>>, dense: DenseHits, by_document: bool, how: Fusion) -> Vec<Hit> {
    let key = |h: &Hit| {
        if by_document {
            h.document_id.0
        } else {
            h.chunk_id.0
        }
    };
    let list = |hits: &[Hit]| hits.iter().map(|h| (key(h), h.score)).collect::<Vec<_>>();
    let lists = (
        lexical.as_deref().map(list),
        list(&dense.passages),
        list(&dense.titles),
    );
    let mut hits: HashMap<i64, Hit> = HashMap::new();
    for hit in dense
        .titles
        .into_iter()
        .chain(dense.passages)
        .chain(lexical.into_iter().flatten())
    {
        hits.insert(key(&hit), hit);
    }
    let asks = |k: &i64| hits.get(k).is_some_and(|h| asks_a_question(&h.title));
    let fused = how.apply(lists.0.as_deref(), &lists.1, &lists.2, asks);
    fused
        .into_iter()
        .filter_map(|(k, score)| hits.remove(&k).map(|h| Hit { score, ..h }))
        .collect()
}

/// Keeps each document's first (best) hit.
fn first_per_document(hits: Vec<Hit>) -> Vec<Hit> {
    let mut seen = std::collections::HashSet::new();
    hits.into_iter()
        .filter(|h| seen.insert(h.document_id))
        .collect()
}

/// Counts of the results by metadata, most frequent first.
fn facets_of(hits: &[Hit]) -> Facets {
    let mut counts = FacetCounts::default();
    for h in hits {
        *counts.media_types.entry(h.media_type.clone()).or_default() += 1;
        *counts.languages.entry(h.language.clone()).or_default() += 1;
        *counts.sources.entry(h.source_id.0).or_default() += 1;
    }
    crate::search::sorted_facets(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_asks_a_question_when_it_ends_with_a_question_mark() {
        assert!(asks_a_question("Comment supprimer mon compte ?"));
        assert!(asks_a_question("How do I reset my password? "));
        assert!(!asks_a_question("Retours et remboursements"));
        assert!(!asks_a_question("Le ? au milieu n'en fait pas une"));
        assert!(!asks_a_question(""));
    }

    #[test]
    fn question_titles_weigh_the_title_list_more() {
        let words = [(1, 10.0), (2, 8.0), (3, 1.0)];
        let passages = [(1, 0.80), (2, 0.80), (3, 0.70)];
        // Document 2's title is closest; it is a question only in the second case.
        let titles = [(2, 0.95), (1, 0.70), (3, 0.70)];
        let fused = |asks: fn(&i32) -> bool| {
            let fused = Fusion::default().apply(Some(&words[..]), &passages, &titles, asks);
            fused.iter().map(|(k, _)| *k).collect::<Vec<_>>()
        };
        assert_eq!(fused(|_| false), [1, 2, 3]);
        assert_eq!(fused(|k| *k == 2), [2, 1, 3]);
    }

    #[test]
    fn a_dense_search_shares_the_words_weight_between_the_dense_lists() {
        let weights = ListWeights {
            lexical: 0.5,
            passages: 0.4,
            titles: 0.1,
        }
        .without_words();
        assert_eq!(weights.lexical, 0.0);
        assert!((weights.passages - 0.8).abs() < 1e-6);
        assert!((weights.titles - 0.2).abs() < 1e-6);
    }
}
