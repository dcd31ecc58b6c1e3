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

/// The widest span of document ids a segment may cover for the dense table (12 bytes a
/// slot: 48 MiB); a wider one (ids far apart in a huge store) falls back to a hash map.
const MAX_DENSE_SPAN: u64 = 1 << 22;

pub(crate) struct CollapseSegmentCollector {
    segment: SegmentOrdinal,
    document_ids: Column<u64>,
    best: BestTable,
}

/// The best chunk so far of each document of one segment.
enum BestTable {
    /// Indexed by document id minus the segment's smallest one. Store ids are dense, so this
    /// is a plain array: a hash map here cost a quarter of a collapsed search.
    Dense {
        min_id: u64,
        scratch: Scratch,
    },
    Sparse(HashMap<u64, (Score, DocId)>),
}

/// A slot of the dense table. `generation` says which segment collection wrote it, so the
/// table is never cleared between searches.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    generation: u32,
    score: Score,
    doc: DocId,
}

/// The dense table and the list of slots a collection touched, reused by every search of a
/// thread: a search neither allocates nor clears a table the size of the segment.
#[derive(Debug, Default)]
struct Scratch {
    slots: Vec<Slot>,
    touched: Vec<u32>,
    generation: u32,
}

thread_local! {
    static SCRATCH: std::cell::Cell<Scratch> = std::cell::Cell::new(Scratch::default());
}

impl Scratch {
    /// This thread's scratch, ready for a collection over `span` document ids.
    fn take(span: usize) -> Scratch {
        let mut scratch = SCRATCH.take();
        scratch.generation = scratch.generation.wrapping_add(1);
        if scratch.generation == 0 {
            // Wrapped: slots written 2^32 collections ago would look current.
            scratch.slots.iter_mut().for_each(|s| *s = Slot::default());
            scratch.generation = 1;
        }
        if scratch.slots.len() < span {
            scratch.slots.resize(span, Slot::default());
        }
        scratch.touched.clear();
        scratch
    }

    /// Hands the scratch back to this thread for the next search.
    fn give_back(self) {
        SCRATCH.set(self);
    }
}

impl Collector for CollapseCollector {
    type Fruit = Vec<BestChunk>;
    type Child = CollapseSegmentCollector;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<CollapseSegmentCollector> {
        let document_ids = reader.fast_fields().u64("document_id")?;
        let (min_id, max_id) = (document_ids.min_value(), document_ids.max_value());
        let span = max_id.saturating_sub(min_id).saturating_add(1);
        let best = if reader.max_doc() == 0 || span > MAX_DENSE_SPAN {
            BestTable::Sparse(HashMap::default())
        } else {
            BestTable::Dense {
                min_id,
                scratch: Scratch::take(span as usize),
            }
        };
        Ok(CollapseSegmentCollector {
            segment,
            document_ids,
            best,
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

impl SegmentCollector for CollapseSegmentCollector {
    type Fruit = Vec<BestChunk>;

    /// Chunks arrive in increasing `doc` order, so keeping the first of equal scores keeps
    /// the earlier chunk.
    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(document_id) = self.document_ids.first(doc) else {
            return;
        };
        match &mut self.best {
            BestTable::Dense { min_id, scratch } => {
                let index = (document_id - *min_id) as usize;
                let generation = scratch.generation;
                let slot = &mut scratch.slots[index];
                if slot.generation != generation {
                    *slot = Slot {
                        generation,
                        score,
                        doc,
                    };
                    scratch.touched.push(index as u32);
                } else if score > slot.score {
                    (slot.score, slot.doc) = (score, doc);
                }
            }
            BestTable::Sparse(best) => {
                let entry = best.entry(document_id).or_insert((score, doc));
                if score > entry.0 {
                    *entry = (score, doc);
                }
            }
        }
    }

    fn harvest(self) -> Vec<BestChunk> {
        let segment = self.segment;
        let chunk = |document_id, score, doc| BestChunk {
            document_id,
            score,
            address: DocAddress::new(segment, doc),
        };
        match self.best {
            BestTable::Dense { min_id, scratch } => {
                let best = scratch
                    .touched
                    .iter()
                    .map(|&i| {
                        let slot = scratch.slots[i as usize];
                        chunk(min_id + u64::from(i), slot.score, slot.doc)
                    })
                    .collect();
                scratch.give_back();
                best
            }
            BestTable::Sparse(best) => best
                .into_iter()
                .map(|(document_id, (score, doc))| chunk(document_id, score, doc))
                .collect(),
        }
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
