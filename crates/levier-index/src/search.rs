//! Searching: access control and filters inside the query, BM25 ranking, facets, pagination,
//! highlighted snippets.

use crate::analysis::normalize_language;
use crate::collect::{BestChunk, CollapseCollector, FacetCollector, FacetCounts, count_best};
use crate::hits::HitReader;
use crate::query::{self, QueryBuilder};
use crate::{IndexError, IndexResult, LexicalIndex};
use levier_core::Timestamp;
use levier_core::ids::{ChunkId, DocumentId, SourceId};
use rustc_hash::FxHashMap as HashMap;
use std::ops::Bound;
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{
    AllScorer, BooleanQuery, ConstScoreQuery, EnableScoring, Explanation, Occur, Query, RangeQuery,
    Scorer, TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader, Term};

/// Largest page a request may ask for.
pub const MAX_LIMIT: usize = 1000;
/// Deepest result reachable by paging: beyond it, refine the query.
pub const MAX_DEPTH: usize = 10_000;

/// A search as a reader asks it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    /// What was typed: words, `"phrases"`, `+required`, `-excluded`.
    pub query: String,
    /// The reader's access groups: only chunks of documents in one of them can match. Empty
    /// matches nothing.
    pub groups: Vec<String>,
    /// Narrowing by metadata.
    pub filters: Filters,
    /// Results to skip (pagination).
    pub offset: usize,
    /// Results to return (0: only counts and facets).
    pub limit: usize,
    /// Search-as-you-type: the last word may be unfinished and matches the words it begins.
    pub prefix: bool,
    /// One result per document (its best chunk), counts and facets by document; otherwise one
    /// result per chunk.
    pub collapse_documents: bool,
    /// Whether to cut highlighted snippets (callers that only need ids skip this).
    pub snippets: bool,
    /// Whether to count matches by metadata (a search-as-you-type list does not need it).
    pub facets: bool,
}

/// Relative weight of a match in each field of a passage, set per index
/// ([`LexicalIndex::set_field_weights`]).
///
/// Measured with `levier bench retrieval` (nDCG@10 on SciFact train / CNIL FAQ dev /
/// Service-Public dev, passages of up to 3,000 characters). The title is usually also in the
/// passage's text (a Markdown `# Title`, a document's first heading), so its own field is an
/// extra signal on top: title ×0: 0.692 / 0.565 / 0.944; ×0.25: 0.697 / 0.659 / 0.944; ×0.5:
/// 0.688 / 0.695 / 0.944; ×1: 0.664 / 0.709 / 0.944. SciFact (titles of scientific abstracts)
/// wants little title weight, the CNIL FAQ (titles are the questions) more; 0.25 is the value
/// that stays above the bm25s baselines on all three sets (0.696 / 0.556 / 0.942). Headings
/// were indifferent (0.25–1.0 give the same on Service-Public). Each field has its own BM25
/// statistics and length normalisation. A heading equal to the document's title is indexed as
/// the title only, so it is not counted twice.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FieldWeights {
    /// The document's title.
    pub title: f32,
    /// The passage's headings.
    pub headings: f32,
    /// The passage's text.
    pub body: f32,
}

impl Default for FieldWeights {
    fn default() -> Self {
        FieldWeights {
            title: 0.25,
            headings: 0.5,
            body: 1.0,
        }
    }
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            groups: Vec::new(),
            filters: Filters::default(),
            offset: 0,
            limit: 10,
            prefix: false,
            collapse_documents: false,
            snippets: true,
            facets: true,
        }
    }
}

impl SearchRequest {
    /// A first page of ten results for `query`, as a member of `groups`.
    pub fn new(query: impl Into<String>, groups: &[impl AsRef<str>]) -> Self {
        SearchRequest {
            query: query.into(),
            groups: groups.iter().map(|g| g.as_ref().to_string()).collect(),
            ..SearchRequest::default()
        }
    }
}

/// Metadata a search can be narrowed by; empty lists do not narrow.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Filters {
    /// Only documents from these sources.
    pub source_ids: Vec<SourceId>,
    /// Only these media types (e.g. `application/pdf`).
    pub media_types: Vec<String>,
    /// Only chunks in these languages (`fr`, `en`, `und`).
    pub languages: Vec<String>,
    /// Only documents changed at or after this instant.
    pub date_from: Option<Timestamp>,
    /// Only documents changed before this instant.
    pub date_to: Option<Timestamp>,
    /// Only documents customers may see (the public chat widget).
    pub public_only: bool,
}

/// One page of results with the counts of all matches.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SearchResults {
    /// Matches visible to the reader (chunks, or documents when collapsed).
    pub total: u64,
    /// The requested page, best first.
    pub hits: Vec<Hit>,
    /// Counts of all matches by metadata, to offer filters.
    pub facets: Facets,
}

/// A matching passage.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    /// The passage.
    pub chunk_id: ChunkId,
    /// Its document.
    pub document_id: DocumentId,
    /// BM25 relevance (comparable within one search only).
    pub score: f32,
    /// The document's title.
    pub title: String,
    /// Headings above the passage, outermost first.
    pub heading_path: Vec<String>,
    /// About 200 characters of the passage around the best matches, HTML-escaped, matches
    /// wrapped in `<mark>`.
    pub snippet_html: String,
    /// The document's media type.
    pub media_type: String,
    /// The passage's language.
    pub language: String,
    /// The document's source.
    pub source_id: SourceId,
    /// When the document last changed.
    pub updated_at: Timestamp,
}

/// Counts of matches by metadata value, most frequent first.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Facets {
    /// By media type.
    pub media_types: Vec<(String, u64)>,
    /// By language.
    pub languages: Vec<(String, u64)>,
    /// By source.
    pub sources: Vec<(SourceId, u64)>,
}

impl LexicalIndex {
    /// Runs a search as the reader whose groups the request carries. Synchronous and
    /// CPU-bound (a fraction of a millisecond on a company's corpus): async callers may call it
    /// directly or through `spawn_blocking` under load.
    pub fn search(&self, req: &SearchRequest) -> IndexResult<SearchResults> {
        if !query::has_words(&req.query) {
            return Err(IndexError::EmptyQuery);
        }
        check_page(req)?;
        let groups = self.group_terms(&req.groups);
        if groups.is_empty() {
            return Ok(SearchResults::default());
        }
        let searcher = self.reader.searcher();
        let built = self.build_query(&searcher, req);
        let Some(text_query) = built.query else {
            return Ok(SearchResults::default());
        };
        let mut clauses = vec![
            (Occur::Must, text_query),
            (Occur::Must, Box::new(GroupFilter::new(groups))),
        ];
        clauses.extend(self.filter_clauses(&req.filters));
        let query = BooleanQuery::new(clauses);
        let (total, page, facets) = if req.collapse_documents {
            collapsed(&searcher, &query, req)?
        } else {
            by_chunk(&searcher, &query, req)?
        };
        let mut reader = HitReader::new(self, &searcher, &built.highlight, req.snippets);
        let hits = page
            .into_iter()
            .map(|(score, address)| reader.hit(score, address))
            .collect::<IndexResult<Vec<_>>>()?;
        Ok(SearchResults {
            total,
            hits,
            facets: sorted_facets(facets),
        })
    }

    /// The hits for chunks found another way (by meaning), in the order given and with the
    /// scores given, keeping only those the reader may read and the filters let through: the
    /// same access rule and filters as a lexical search, applied by the same index. Snippets
    /// highlight the query's words where the passage has them, else show its beginning.
    pub fn chunk_hits(
        &self,
        req: &SearchRequest,
        chunks: &[(ChunkId, f32)],
    ) -> IndexResult<Vec<Hit>> {
        let groups = self.group_terms(&req.groups);
        if groups.is_empty() || chunks.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let built = self.build_query(&searcher, req);
        let ids = chunks
            .iter()
            .map(|(c, _)| Term::from_field_u64(self.fields.chunk_id, c.0.cast_unsigned()))
            .collect();
        let mut clauses = vec![
            (Occur::Must, filter(any_term(ids))),
            (
                Occur::Must,
                Box::new(GroupFilter::new(groups)) as Box<dyn Query>,
            ),
        ];
        clauses.extend(self.filter_clauses(&req.filters));
        let found = searcher.search(&BooleanQuery::new(clauses), &DocSetCollector)?;
        let mut reader = HitReader::new(self, &searcher, &built.highlight, req.snippets);
        let mut by_chunk: HashMap<ChunkId, Hit> = HashMap::default();
        for address in found {
            let hit = reader.hit(0.0, address)?;
            by_chunk.insert(hit.chunk_id, hit);
        }
        Ok(chunks
            .iter()
            .filter_map(|(chunk, score)| {
                by_chunk.remove(chunk).map(|hit| Hit {
                    score: *score,
                    ..hit
                })
            })
            .collect())
    }

    /// The reader's groups as terms of the groups field (blank ones dropped).
    fn group_terms(&self, groups: &[String]) -> Vec<Term> {
        groups
            .iter()
            .map(|g| g.trim().to_lowercase())
            .filter(|g| !g.is_empty())
            .map(|g| Term::from_field_text(self.fields.groups, &g))
            .collect()
    }

    /// The request's text as a query over this searcher's fields, with its terms to highlight.
    fn build_query(&self, searcher: &Searcher, req: &SearchRequest) -> query::BuiltQuery {
        let present = self.present_fields(searcher);
        let mut builder = QueryBuilder::new(
            &self.fields,
            searcher,
            &present,
            self.analyzers.clone(),
            self.field_weights(),
        );
        builder.build(&query::parse(&req.query, req.prefix))
    }

    /// Metadata filters as required, non-scoring clauses.
    fn filter_clauses(&self, filters: &Filters) -> Vec<(Occur, Box<dyn Query>)> {
        let f = &self.fields;
        let mut out = Vec::new();
        let mut set = |terms: Vec<Term>| {
            if !terms.is_empty() {
                out.push((Occur::Must, filter(any_term(terms))));
            }
        };
        set(filters
            .source_ids
            .iter()
            .map(|s| Term::from_field_i64(f.source_id, s.0))
            .collect());
        set(filters
            .media_types
            .iter()
            .map(|m| Term::from_field_text(f.media_type, &m.trim().to_ascii_lowercase()))
            .collect());
        set(filters
            .languages
            .iter()
            .map(|l| Term::from_field_text(f.language, &normalize_language(Some(l))))
            .collect());
        if filters.date_from.is_some() || filters.date_to.is_some() {
            let bound = |t: Option<Timestamp>, inclusive: bool| match t {
                Some(t) if inclusive => Bound::Included(Term::from_field_i64(f.updated_at, t.0)),
                Some(t) => Bound::Excluded(Term::from_field_i64(f.updated_at, t.0)),
                None => Bound::Unbounded,
            };
            let range = RangeQuery::new(
                bound(filters.date_from, true),
                bound(filters.date_to, false),
            );
            out.push((Occur::Must, filter(Box::new(range))));
        }
        if filters.public_only {
            let term = Term::from_field_bool(f.public, true);
            let q = TermQuery::new(term, IndexRecordOption::Basic);
            out.push((Occur::Must, filter(Box::new(q))));
        }
        out
    }
}

/// Refuses pages that are too large or too deep to serve quickly.
pub(crate) fn check_page(req: &SearchRequest) -> IndexResult<()> {
    if req.limit > MAX_LIMIT {
        return Err(IndexError::InvalidRequest(format!(
            "limit {} is above the maximum of {MAX_LIMIT}",
            req.limit
        )));
    }
    if req.offset.saturating_add(req.limit) > MAX_DEPTH {
        return Err(IndexError::InvalidRequest(format!(
            "results beyond the first {MAX_DEPTH} cannot be paged to: refine the query"
        )));
    }
    Ok(())
}

/// Matches documents having any of the terms. A union of term queries rather than
/// tantivy's `TermSetQuery`, which builds an automaton and a bitset of the whole segment for
/// each query: for the few values a reader or a filter has, walking their posting lists is
/// several times cheaper (measured: it was ~15% of a query's time).
fn any_term(terms: Vec<Term>) -> Box<dyn Query> {
    let mut queries: Vec<Box<dyn Query>> = terms
        .into_iter()
        .map(|t| Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>)
        .collect();
    if queries.len() == 1
        && let Some(only) = queries.pop()
    {
        return only;
    }
    Box::new(BooleanQuery::union(queries))
}

/// The access-group clause of every search: the chunks of documents in one of the reader's
/// groups, scoring nothing. In a segment where one of those groups is on every chunk (a
/// company whose documents are all readable by everyone, a reader of the group that owns a
/// whole segment) it matches everything, and says so with tantivy's `AllScorer`, which a
/// boolean query drops from its intersection instead of walking postings for nothing (that
/// walk was a quarter of a search's time there).
#[derive(Debug, Clone)]
struct GroupFilter {
    terms: Vec<Term>,
}

impl GroupFilter {
    fn new(terms: Vec<Term>) -> Self {
        GroupFilter { terms }
    }
}

impl Query for GroupFilter {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(GroupFilterWeight {
            terms: self.terms.clone(),
            inner: filter(any_term(self.terms.clone())).weight(scoring)?,
        }))
    }
}

struct GroupFilterWeight {
    terms: Vec<Term>,
    /// The clause as postings, for segments it does not cover whole.
    inner: Box<dyn Weight>,
}

impl GroupFilterWeight {
    /// Whether one of the groups is on every chunk of the segment (deleted ones included, as
    /// both counts include them).
    fn covers(&self, reader: &SegmentReader) -> tantivy::Result<bool> {
        for term in &self.terms {
            let inverted = reader.inverted_index(term.field())?;
            if inverted.doc_freq(term)? == reader.max_doc() {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

impl Weight for GroupFilterWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        if reader.max_doc() > 0 && self.covers(reader)? {
            return Ok(Box::new(AllScorer::new(reader.max_doc())));
        }
        self.inner.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }
}

/// A clause that must match but does not change scores.
fn filter(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

type Page = Vec<(Score, DocAddress)>;

/// One result per chunk: top chunks, count and facets in one pass over the matches.
fn by_chunk(
    searcher: &Searcher,
    query: &dyn Query,
    req: &SearchRequest,
) -> IndexResult<(u64, Page, FacetCounts)> {
    // TopDocs needs a positive limit; a limit of 0 asks for counts only.
    let top = TopDocs::with_limit(req.limit.max(1))
        .and_offset(req.offset)
        .order_by_score();
    let (page, total, facets) = if req.facets {
        searcher.search(query, &(top, Count, FacetCollector))?
    } else {
        let (page, total) = searcher.search(query, &(top, Count))?;
        (page, total, FacetCounts::default())
    };
    let page = if req.limit == 0 { Vec::new() } else { page };
    Ok((total as u64, page, facets))
}

/// One result per document: its best chunk; counts and facets by document.
fn collapsed(
    searcher: &Searcher,
    query: &dyn Query,
    req: &SearchRequest,
) -> IndexResult<(u64, Page, FacetCounts)> {
    let mut best = searcher.search(query, &CollapseCollector)?;
    let total = best.len() as u64;
    let facets = if req.facets {
        count_best(searcher, &best)?
    } else {
        FacetCounts::default()
    };
    let order = |a: &BestChunk, b: &BestChunk| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.document_id.cmp(&b.document_id))
    };
    // Only the requested page needs sorting.
    let wanted = req.offset.saturating_add(req.limit).min(best.len());
    if wanted > 0 && wanted < best.len() {
        best.select_nth_unstable_by(wanted - 1, order);
        best.truncate(wanted);
    }
    best.sort_unstable_by(order);
    let page = best
        .iter()
        .skip(req.offset)
        .take(req.limit)
        .map(|c| (c.score, c.address))
        .collect();
    Ok((total, page, facets))
}

pub(crate) fn sorted_facets(counts: FacetCounts) -> Facets {
    fn sorted<K: Ord>(map: HashMap<K, u64>) -> Vec<(K, u64)> {
        let mut v: Vec<(K, u64)> = map.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    }
    Facets {
        media_types: sorted(counts.media_types),
        languages: sorted(counts.languages),
        sources: sorted(counts.sources)
            .into_iter()
            .map(|(s, n)| (SourceId(s), n))
            .collect(),
    }
}
