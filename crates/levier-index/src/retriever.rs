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
use crate::semantic::SemanticSearch;
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
    /// Min-max normalised scores; the dense list weighted by `dense`, the lexical by 1 − it.
    Weighted {
        /// Weight of the dense list, in [0, 1].
        dense: f32,
    },
}

impl Default for Fusion {
    /// Weighted fusion: words 0.4, passages 0.3, titles 0.3. Measured on the dev splits with
    /// `levier bench retrieval --fusion weighted --dense-weight W` (nDCG@10 / P@1):
    /// W = 0.5: CNIL FAQ 0.803 / 0.607, SciFact 0.730; W = 0.6: CNIL 0.810 / 0.625, SciFact
    /// 0.721; W = 2/3: CNIL 0.827 / 0.643, SciFact 0.711. Questions matched against FAQ titles
    /// want the dense lists, scientific claims against abstracts want the words; 0.6 is the
    /// one value tried that keeps both above their targets (docs/ARCHITECTURE.md).
    fn default() -> Self {
        Fusion::Weighted { dense: 0.6 }
    }
}

impl Fusion {
    /// The fusion's name in reports.
    pub fn describe(self) -> String {
        match self {
            Fusion::Rrf => format!("rrf (k={})", fusion::RRF_K),
            Fusion::Weighted { dense } => format!(
                "weighted (lexical {:.3}, passages {:.3}, titles {:.3})",
                1.0 - dense,
                dense / 2.0,
                dense / 2.0
            ),
        }
    }

    /// Fuses the lexical list with the two dense ones (passages, titles); `lexical` is `None`
    /// for a dense-only search, whose two lists then share the whole weight.
    fn apply<K: Eq + std::hash::Hash + Clone>(
        self,
        lexical: Option<&[(K, f32)]>,
        passages: &[(K, f32)],
        titles: &[(K, f32)],
    ) -> Vec<(K, f32)> {
        match (self, lexical) {
            (Fusion::Rrf, Some(l)) => {
                fusion::reciprocal_rank(&[l, passages, titles], fusion::RRF_K)
            }
            (Fusion::Rrf, None) => fusion::reciprocal_rank(&[passages, titles], fusion::RRF_K),
            (Fusion::Weighted { dense }, Some(l)) => fusion::weighted(&[
                (l, 1.0 - dense),
                (passages, dense / 2.0),
                (titles, dense / 2.0),
            ]),
            (Fusion::Weighted { .. }, None) => fusion::weighted(&[(passages, 0.5), (titles, 0.5)]),
        }
    }
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
        let limit =
            (depth * per_result * if filtered { 4 } else { 1 }).min(crate::search::MAX_LIMIT);
        let found = semantic.search(&req.query, &req.groups, &req.filters.languages, limit)?;
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
    let fused = how.apply(
        lexical.as_deref().map(list).as_deref(),
        &list(&dense.passages),
        &list(&dense.titles),
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
