//! The vectors of one model in memory: slots, who may read each, the graph above a size, and
//! the choice between an exact scan and the graph for each search.

use super::access::{Partitions, Readable};
use super::{SearchMethod, VectorConfig};
use levier_core::ids::{ChunkId, DocumentId};
use levier_knn::{Hnsw, Scored, VectorStorage};
use levier_store::vectors::StoredVector;
use rustc_hash::FxHashMap as HashMap;

/// Vectors numbered by slot. A removed vector keeps its slot, marked dead, until dead slots
/// are a quarter of all: then the collection is compacted (renumbered: a new generation) and
/// its graph rebuilt.
#[derive(Debug)]
pub(crate) struct Collection {
    config: VectorConfig,
    vectors: VectorStorage,
    chunks: Vec<ChunkId>,
    documents: Vec<DocumentId>,
    partitions: Vec<u32>,
    alive: Vec<bool>,
    dead: usize,
    by_document: HashMap<DocumentId, Vec<u32>>,
    access: Partitions,
    graph: Option<Hnsw>,
    /// A graph is being built elsewhere ([`GraphJob`]): do not build one here meanwhile.
    building: bool,
    /// Bumped by each compaction, which renumbers slots.
    generation: u64,
}

/// What building a graph off the lock needs: a copy of the vectors as they are now.
pub(crate) struct GraphJob {
    vectors: VectorStorage,
    params: levier_knn::HnswParams,
    generation: u64,
}

/// A graph built by a [`GraphJob`], over the slots the collection had then.
pub(crate) struct BuiltGraph {
    graph: Hnsw,
    generation: u64,
}

impl GraphJob {
    /// Links every copied vector (seconds to a minute: see examples/vectors.rs).
    pub(crate) fn build(self) -> BuiltGraph {
        let mut graph = Hnsw::new(self.params);
        graph.link_pending(&self.vectors);
        BuiltGraph {
            graph,
            generation: self.generation,
        }
    }
}

impl Collection {
    pub(crate) fn new(config: VectorConfig, dims: usize) -> Collection {
        Collection {
            vectors: VectorStorage::new(config.quantization, dims),
            config,
            chunks: Vec::new(),
            documents: Vec::new(),
            partitions: Vec::new(),
            alive: Vec::new(),
            dead: 0,
            by_document: HashMap::default(),
            access: Partitions::default(),
            graph: None,
            building: false,
            generation: 0,
        }
    }

    /// Live vectors.
    pub(crate) fn len(&self) -> usize {
        self.alive.len() - self.dead
    }

    pub(crate) fn has_document(&self, document: DocumentId) -> bool {
        self.by_document.contains_key(&document)
    }

    pub(crate) fn has_graph(&self) -> bool {
        self.graph.is_some()
    }

    /// Bytes held by the vectors and by the graph.
    pub(crate) fn bytes(&self) -> (usize, usize) {
        (
            self.vectors.bytes(),
            self.graph.as_ref().map_or(0, Hnsw::bytes),
        )
    }

    /// Adds a vector (normalised, of the collection's length); the graph learns of it at the
    /// next [`Collection::index_pending`].
    pub(crate) fn add(&mut self, stored: &StoredVector, unit: &[f32]) {
        let slot = u32::try_from(self.alive.len()).unwrap_or(u32::MAX);
        self.vectors.push(unit);
        self.chunks.push(stored.chunk_id);
        self.documents.push(stored.document_id);
        let partition = self.access.add(&stored.groups, stored.language.as_deref());
        self.partitions.push(partition);
        self.alive.push(true);
        self.by_document
            .entry(stored.document_id)
            .or_default()
            .push(slot);
    }

    /// Marks a document's vectors dead; true if it had any.
    pub(crate) fn remove_document(&mut self, document: DocumentId) -> bool {
        let Some(slots) = self.by_document.remove(&document) else {
            return false;
        };
        for slot in slots {
            let slot = slot as usize;
            self.alive[slot] = false;
            self.access.remove(self.partitions[slot]);
            self.dead += 1;
        }
        true
    }

    /// Brings the graph up to date: compacts when too many slots are dead, builds the graph
    /// when the collection has grown past the exact-search size, links new slots otherwise.
    pub(crate) fn index_pending(&mut self) {
        if self.dead * 4 > self.alive.len() {
            self.compact();
        }
        if self.needs_graph() {
            self.graph = Some(Hnsw::new(self.config.hnsw));
        }
        if let Some(graph) = &mut self.graph {
            graph.link_pending(&self.vectors);
        }
    }

    /// Gives back the spare capacity of the vectors, after a bulk load or a compaction (not
    /// after each document: the next one would grow them again).
    pub(crate) fn shrink_to_fit(&mut self) {
        self.vectors.shrink_to_fit();
    }

    /// Hands the building of the graph to another thread, when one is needed: searches stay
    /// exact until [`Collection::install`].
    pub(crate) fn start_graph_job(&mut self) -> Option<GraphJob> {
        if !self.needs_graph() {
            return None;
        }
        self.building = true;
        Some(GraphJob {
            vectors: self.vectors.clone(),
            params: self.config.hnsw,
            generation: self.generation,
        })
    }

    /// Takes a graph built off the lock and links the vectors added since. A graph of slots
    /// renumbered since by a compaction is dropped and built again here.
    pub(crate) fn install(&mut self, built: BuiltGraph) {
        self.building = false;
        if built.generation == self.generation {
            self.graph = Some(built.graph);
        }
        self.index_pending();
    }

    fn needs_graph(&self) -> bool {
        self.graph.is_none() && !self.building && self.len() > self.config.exact_up_to
    }

    /// The `k` vectors most similar to `query` (normalised) among those the reader may see,
    /// and how they were found.
    pub(crate) fn search(
        &self,
        query: &[f32],
        k: usize,
        readable: &Readable,
    ) -> (Vec<Scored>, SearchMethod) {
        let wanted = k.min(readable.count);
        if wanted == 0 {
            return (Vec::new(), SearchMethod::Exact);
        }
        if let Some(graph) = self.graph.as_ref().filter(|_| self.graph_pays(readable)) {
            let accept = |slot: u32| self.visible(slot, readable);
            let found = graph.search(&self.vectors, query, k, &accept);
            // A walk may miss rare readable vectors; an exact scan never returns fewer than
            // exist.
            if found.len() == wanted {
                return (found, SearchMethod::Approximate);
            }
        }
        (self.exact(query, k, readable), SearchMethod::Exact)
    }

    /// Chunk and document of a slot.
    pub(crate) fn identify(&self, slot: u32) -> (ChunkId, DocumentId) {
        (self.chunks[slot as usize], self.documents[slot as usize])
    }

    pub(crate) fn readable(&self, groups: &[String], languages: &[String]) -> Readable {
        self.access.readable(groups, languages)
    }

    /// The graph is worth walking when the readable vectors are too many to scan. A walk
    /// costs about what scanning `exact_up_to` vectors costs, divided by the share of vectors
    /// the reader may see (the others are walked through, not returned), so it pays when
    /// readable > exact_up_to × all / readable.
    fn graph_pays(&self, readable: &Readable) -> bool {
        let (readable, all) = (readable.count as f64, self.len() as f64);
        let limit = self.config.exact_up_to as f64;
        readable > limit && readable * readable > limit * all
    }

    fn visible(&self, slot: u32, readable: &Readable) -> bool {
        let slot = slot as usize;
        self.alive[slot] && readable.allows(self.partitions[slot])
    }

    fn exact(&self, query: &[f32], k: usize, readable: &Readable) -> Vec<Scored> {
        self.vectors
            .nearest(query, k, &|slot| self.visible(slot, readable))
    }

    /// Renumbers live vectors contiguously and drops the graph (rebuilt by the caller).
    fn compact(&mut self) {
        let mut vectors = self.vectors.empty_like();
        let mut kept: Vec<usize> = Vec::with_capacity(self.len());
        for (slot, alive) in self.alive.iter().enumerate() {
            if *alive {
                vectors.push_from(&self.vectors, slot as u32);
                kept.push(slot);
            }
        }
        self.chunks = pick(&self.chunks, &kept);
        self.documents = pick(&self.documents, &kept);
        self.partitions = pick(&self.partitions, &kept);
        self.alive = vec![true; kept.len()];
        self.dead = 0;
        self.generation += 1;
        self.vectors = vectors;
        self.vectors.shrink_to_fit();
        self.by_document.clear();
        for (slot, document) in self.documents.iter().enumerate() {
            self.by_document
                .entry(*document)
                .or_default()
                .push(slot as u32);
        }
        self.graph = None;
    }
}

/// The entries of `values` at the `kept` positions, in order.
fn pick<T: Copy>(values: &[T], kept: &[usize]) -> Vec<T> {
    kept.iter().map(|&i| values[i]).collect()
}
