//! Collectors that run inside the query, over exactly the chunks it matches (and so only
//! chunks the reader may see): facet counts, and the best chunk of each document.

use rustc_hash::FxHashMap as HashMap;
use std::collections::hash_map::Entry;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

/// Counts by facet value, across segments.
#[derive(Debug, Default)]
pub(crate) struct FacetCounts {
    pub media_types: HashMap<String, u64>,
    pub languages: HashMap<String, u64>,
    pub sources: HashMap<i64, u64>,
}

impl FacetCounts {
    fn add(&mut self, other: FacetCounts) {
        for (k, v) in other.media_types {
            *self.media_types.entry(k).or_default() += v;
        }
        for (k, v) in other.languages {
            *self.languages.entry(k).or_default() += v;
        }
        for (k, v) in other.sources {
            *self.sources.entry(k).or_default() += v;
        }
    }
}

/// The facet columns of one segment.
struct FacetColumns {
    media_type: Option<StrColumn>,
    language: Option<StrColumn>,
    source_id: Option<Column<i64>>,
}

impl FacetColumns {
    fn open(segment: &SegmentReader) -> tantivy::Result<Self> {
        let fast = segment.fast_fields();
        Ok(FacetColumns {
            media_type: fast.str("media_type")?,
            language: fast.str("language")?,
            source_id: fast.column_opt::<i64>("source_id")?,
        })
    }

    fn media_ord(&self, doc: DocId) -> Option<u64> {
        self.media_type.as_ref()?.ords().first(doc)
    }

    fn language_ord(&self, doc: DocId) -> Option<u64> {
        self.language.as_ref()?.ords().first(doc)
    }

    fn source(&self, doc: DocId) -> Option<i64> {
        self.source_id.as_ref()?.first(doc)
    }
}

/// The text of a term ordinal of a string column.
fn ord_text(column: Option<&StrColumn>, ord: u64) -> Option<String> {
    let mut text = String::new();
    match column?.ord_to_str(ord, &mut text) {
        Ok(true) => Some(text),
        _ => None,
    }
}

/// Counts matching chunks by media type, language and source.
pub(crate) struct FacetCollector;

pub(crate) struct FacetSegmentCollector {
    columns: FacetColumns,
    media: Vec<u64>,
    languages: Vec<u64>,
    sources: HashMap<i64, u64>,
}

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<FacetSegmentCollector> {
        let columns = FacetColumns::open(segment)?;
        let terms = |c: &Option<StrColumn>| c.as_ref().map_or(0, |c| c.num_terms());
        Ok(FacetSegmentCollector {
            media: vec![0; terms(&columns.media_type)],
            languages: vec![0; terms(&columns.language)],
            sources: HashMap::default(),
            columns,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut total = FacetCounts::default();
        for fruit in fruits {
            total.add(fruit);
        }
        Ok(total)
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(slot) = self
            .columns
            .media_ord(doc)
            .and_then(|o| self.media.get_mut(o as usize))
        {
            *slot += 1;
        }
        if let Some(slot) = self
            .columns
            .language_ord(doc)
            .and_then(|o| self.languages.get_mut(o as usize))
        {
            *slot += 1;
        }
        if let Some(source) = self.columns.source(doc) {
            *self.sources.entry(source).or_default() += 1;
        }
    }

    fn harvest(self) -> FacetCounts {
        let named = |column: Option<&StrColumn>, counts: Vec<u64>| {
            counts
                .into_iter()
                .enumerate()
                .filter(|(_, n)| *n > 0)
                .filter_map(|(ord, n)| Some((ord_text(column, ord as u64)?, n)))
                .collect()
        };
        FacetCounts {
            media_types: named(self.columns.media_type.as_ref(), self.media),
            languages: named(self.columns.language.as_ref(), self.languages),
            sources: self.sources,
        }
    }
}

/// A document's best-scoring matching chunk.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BestChunk {
    pub document_id: u64,
    pub score: Score,
    pub address: DocAddress,
}

/// Keeps the best chunk of every matching document, for one result per document.
pub(crate) struct CollapseCollector;

pub(crate) struct CollapseSegmentCollector {
    segment: SegmentOrdinal,
    document_ids: Column<u64>,
    best: HashMap<u64, (Score, DocId)>,
    /// The document of the previous chunk and its best so far: a document's chunks are
    /// mostly consecutive in a segment, so most chunks skip the map.
    run: Option<(u64, Score, DocId)>,
}

impl Collector for CollapseCollector {
    type Fruit = Vec<BestChunk>;
    type Child = CollapseSegmentCollector;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<CollapseSegmentCollector> {
        // Sized for the whole segment: growing the map while collecting cost more than
        // anything else in a collapsed search.
        let capacity = reader.num_docs() as usize;
        Ok(CollapseSegmentCollector {
            segment,
            document_ids: reader.fast_fields().u64("document_id")?,
            best: HashMap::with_capacity_and_hasher(capacity, Default::default()),
            run: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, mut fruits: Vec<Vec<BestChunk>>) -> tantivy::Result<Vec<BestChunk>> {
        if fruits.len() == 1 {
            return Ok(fruits.pop().unwrap_or_default());
        }
        let mut best: HashMap<u64, BestChunk> = HashMap::default();
        for chunk in fruits.into_iter().flatten() {
            match best.get(&chunk.document_id) {
                Some(kept) if !better(&chunk, kept) => {}
                _ => {
                    best.insert(chunk.document_id, chunk);
                }
            }
        }
        Ok(best.into_values().collect())
    }
}

/// Higher score wins; ties go to the earlier chunk, so results do not depend on segment order.
fn better(a: &BestChunk, b: &BestChunk) -> bool {
    a.score > b.score || (a.score == b.score && a.address < b.address)
}

impl CollapseSegmentCollector {
    /// Records the finished run of consecutive chunks of one document.
    fn flush_run(&mut self) {
        if let Some((document_id, score, doc)) = self.run.take() {
            let entry = self.best.entry(document_id).or_insert((score, doc));
            if score > entry.0 {
                *entry = (score, doc);
            }
        }
    }
}

impl SegmentCollector for CollapseSegmentCollector {
    type Fruit = Vec<BestChunk>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(document_id) = self.document_ids.first(doc) else {
            return;
        };
        match &mut self.run {
            Some((id, best, best_doc)) if *id == document_id => {
                if score > *best {
                    (*best, *best_doc) = (score, doc);
                }
            }
            _ => {
                self.flush_run();
                self.run = Some((document_id, score, doc));
            }
        }
    }

    fn harvest(mut self) -> Vec<BestChunk> {
        self.flush_run();
        let segment = self.segment;
        self.best
            .into_iter()
            .map(|(document_id, (score, doc))| BestChunk {
                document_id,
                score,
                address: DocAddress::new(segment, doc),
            })
            .collect()
    }
}

/// Counts documents by the facet values of their best chunks, after collapsing (a document's
/// chunks may sit in several segments, so counting cannot happen while collecting).
pub(crate) fn count_best(searcher: &Searcher, best: &[BestChunk]) -> tantivy::Result<FacetCounts> {
    let mut columns: HashMap<SegmentOrdinal, FacetColumns> = HashMap::default();
    let mut media: HashMap<(SegmentOrdinal, u64), u64> = HashMap::default();
    let mut languages: HashMap<(SegmentOrdinal, u64), u64> = HashMap::default();
    let mut counts = FacetCounts::default();
    for chunk in best {
        let segment = chunk.address.segment_ord;
        let c = match columns.entry(segment) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(FacetColumns::open(searcher.segment_reader(segment))?),
        };
        let doc = chunk.address.doc_id;
        if let Some(ord) = c.media_ord(doc) {
            *media.entry((segment, ord)).or_default() += 1;
        }
        if let Some(ord) = c.language_ord(doc) {
            *languages.entry((segment, ord)).or_default() += 1;
        }
        if let Some(source) = c.source(doc) {
            *counts.sources.entry(source).or_default() += 1;
        }
    }
    let named = |ords: HashMap<(SegmentOrdinal, u64), u64>,
                 column: fn(&FacetColumns) -> Option<&StrColumn>,
                 out: &mut HashMap<String, u64>| {
        for ((segment, ord), n) in ords {
            let text = columns.get(&segment).and_then(|c| ord_text(column(c), ord));
            if let Some(text) = text {
                *out.entry(text).or_default() += n;
            }
        }
    };
    named(media, |c| c.media_type.as_ref(), &mut counts.media_types);
    named(languages, |c| c.language.as_ref(), &mut counts.languages);
    Ok(counts)
}
