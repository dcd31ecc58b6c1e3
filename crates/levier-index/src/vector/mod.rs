//! The vector index: the chunks whose meaning is closest to a query's, showing each reader only
//! what they may read.
//!
//! It lives in memory and is derived from the store's vectors ([`VectorIndex::from_store`]), so
//! a restart reloads vectors and never re-embeds. Small collections are searched exactly (a
//! vectorised scan: every readable vector is scored); above [`VectorConfig::exact_up_to`]
//! vectors an HNSW graph ([`levier_knn`]) answers instead, with recall@10 ≥ 0.98 against the
//! exact scan (tests/vector.rs). The graph is not saved: it is rebuilt on load, in the
//! background, searches being exact until it is ready. Vectors are held in f32 or in int8
//! ([`Quantization`]).
//!
//! Access control is part of the search, as in the lexical index: the reader's groups decide
//! which vectors the scan scores or the graph walk may return, and the count of readable
//! vectors is computed over those alone. When few vectors are readable the graph would walk
//! mostly through others, so the search scans the readable ones exactly instead; and a walk
//! that finds fewer than `limit` readable vectors is redone exactly, so a search always
//! returns `limit` results when that many are readable.
//!
//! The index follows documents: [`VectorIndex::refresh_document`] replaces a document's vectors
//! with the store's (none when it was removed), for the caller that follows the change sequence.

mod access;
mod collection;

pub use levier_knn::{HnswParams, Quantization};

use crate::search::MAX_LIMIT;
use crate::{IndexError, IndexResult};
use collection::Collection;
use levier_core::ids::{ChunkId, DocumentId};
use levier_store::Store;
use levier_store::vectors::{EmbeddingModel, StoredVector, VectorKind};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// How the vector index holds and searches vectors.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct VectorConfig {
    /// f32 or int8 vectors in memory.
    pub quantization: Quantization,
    /// Up to this many vectors a search scans them all exactly; above, an HNSW graph is built
    /// and used — unless the reader may see so few of them that walking a graph made mostly
    /// of vectors it must skip would cost more than scanning the readable ones. An exact scan
    /// of 20,000 × 384 f32 takes about 2 ms (examples/vectors.rs).
    pub exact_up_to: usize,
    /// The graph's parameters.
    pub hnsw: HnswParams,
}

impl Default for VectorConfig {
    fn default() -> Self {
        VectorConfig {
            quantization: Quantization::F32,
            exact_up_to: 20_000,
            hnsw: HnswParams::default(),
        }
    }
}

/// A search by meaning, as a reader asks it.
#[derive(Debug, Clone, Copy)]
pub struct VectorQuery<'a> {
    /// The query's embedding, by the index's model (normalised here if it is not).
    pub vector: &'a [f32],
    /// The reader's access groups: only chunks of documents in one of them can match. Empty
    /// matches nothing.
    pub groups: &'a [String],
    /// Only chunks in these languages (`fr`, `en`, `und`); empty: all.
    pub languages: &'a [String],
    /// Results to return (0: only the count).
    pub limit: usize,
}

/// A chunk close to the query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VectorHit {
    /// The chunk.
    pub chunk_id: ChunkId,
    /// Its document.
    pub document_id: DocumentId,
    /// Cosine similarity to the query, in [-1, 1].
    pub score: f32,
}

/// How a search was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchMethod {
    /// Every readable vector was scored.
    Exact,
    /// The HNSW graph was walked.
    Approximate,
}

/// The chunks closest to a query among those the reader may read.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorResults {
    /// Best first.
    pub hits: Vec<VectorHit>,
    /// How many vectors the reader may see with the query's filters.
    pub readable: usize,
    /// Exact scan or graph.
    pub method: SearchMethod,
}

/// Bytes the index holds in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct VectorMemory {
    /// The vectors (f32 or int8 with their scales).
    pub vectors: usize,
    /// The HNSW graph's links (0 when searches are exact).
    pub graph: usize,
}

/// The vectors of one embedding model, searchable by similarity.
#[derive(Debug)]
pub struct VectorIndex {
    model: EmbeddingModel,
    /// Passages' or titles' vectors.
    kind: VectorKind,
    /// Shared with the thread that builds the graph after a load.
    collection: Arc<RwLock<Collection>>,
}

/// Vectors read from the store per query when loading.
const LOAD_PAGE: usize = 2_000;

impl VectorIndex {
    /// An empty index for `model`'s vectors.
    pub fn new(model: EmbeddingModel, config: VectorConfig) -> VectorIndex {
        let collection = Collection::new(config, model.dims);
        VectorIndex::holding(model, VectorKind::Passage, collection)
    }

    fn holding(model: EmbeddingModel, kind: VectorKind, collection: Collection) -> VectorIndex {
        VectorIndex {
            model,
            kind,
            collection: Arc::new(RwLock::new(collection)),
        }
    }

    /// Loads every vector of `model` from the store. A collection large enough for a graph is
    /// searchable at once, exactly, while the graph is built on a blocking thread (about a
    /// minute for 100,000 vectors on two cores: examples/vectors.rs); searches use the graph
    /// once it is ready ([`VectorIndex::is_approximate`]).
    pub async fn from_store(
        store: &Store,
        model: EmbeddingModel,
        kind: VectorKind,
        config: VectorConfig,
    ) -> IndexResult<VectorIndex> {
        let mut collection = Collection::new(config, model.dims);
        let mut after = ChunkId(0);
        loop {
            let page = store
                .chunk_vectors_page(&model, kind, after, LOAD_PAGE)
                .await?;
            let Some(last) = page.last() else { break };
            after = last.chunk_id;
            for stored in &page {
                match unit(&stored.vector) {
                    Some(v) => collection.add(stored, &v),
                    None => tracing::warn!(chunk = %stored.chunk_id, "skipping a zero vector"),
                }
            }
        }
        collection.shrink_to_fit();
        let job = collection.start_graph_job();
        let index = VectorIndex::holding(model, kind, collection);
        if let Some(job) = job {
            let collection = Arc::clone(&index.collection);
            tokio::task::spawn_blocking(move || {
                let started = std::time::Instant::now();
                let built = job.build();
                lock_write(&collection).install(built);
                tracing::info!(elapsed = ?started.elapsed(), "vector graph built");
            });
        }
        Ok(index)
    }

    /// The model whose vectors this index holds: queries must be embedded with it.
    pub fn model(&self) -> &EmbeddingModel {
        &self.model
    }

    /// Vectors searchable.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// True when the index holds vectors of `document`.
    pub fn has_document(&self, document: DocumentId) -> bool {
        self.read().has_document(document)
    }

    /// True when no vector is searchable.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when the collection is large enough to be searched through its graph.
    pub fn is_approximate(&self) -> bool {
        self.read().has_graph()
    }

    /// What the index holds in memory.
    pub fn memory(&self) -> VectorMemory {
        let (vectors, graph) = self.read().bytes();
        VectorMemory { vectors, graph }
    }

    /// Replaces a document's vectors (all of its chunks that have one); none removes it.
    pub fn replace_document(
        &self,
        document: DocumentId,
        vectors: &[StoredVector],
    ) -> IndexResult<()> {
        let units = vectors
            .iter()
            .map(|v| self.checked_unit(document, v))
            .collect::<IndexResult<Vec<_>>>()?;
        let mut collection = self.write();
        collection.remove_document(document);
        for (stored, unit) in vectors.iter().zip(&units) {
            collection.add(stored, unit);
        }
        collection.index_pending();
        Ok(())
    }

    /// Removes a document's vectors; false if it had none.
    pub fn remove_document(&self, document: DocumentId) -> bool {
        let mut collection = self.write();
        let removed = collection.remove_document(document);
        collection.index_pending();
        removed
    }

    /// Makes the index show what the store holds for a document (after a change of the
    /// document or of its vectors).
    pub async fn refresh_document(&self, store: &Store, document: DocumentId) -> IndexResult<()> {
        let vectors = store
            .document_vectors(&self.model, self.kind, document)
            .await?;
        self.replace_document(document, &vectors)
    }

    /// The chunks closest in meaning to the query among those the reader may read.
    pub fn search(&self, query: &VectorQuery<'_>) -> IndexResult<VectorResults> {
        if query.limit > MAX_LIMIT {
            return Err(IndexError::InvalidRequest(format!(
                "at most {MAX_LIMIT} results per search"
            )));
        }
        if query.vector.len() != self.model.dims {
            return Err(IndexError::InvalidRequest(format!(
                "the query vector has {} values; model {} makes {}",
                query.vector.len(),
                self.model.name,
                self.model.dims
            )));
        }
        let vector = unit(query.vector).ok_or_else(|| {
            IndexError::InvalidRequest("the query vector is zero or not finite".into())
        })?;
        let collection = self.read();
        let readable = collection.readable(query.groups, query.languages);
        let (found, method) = collection.search(&vector, query.limit, &readable);
        let hits = found
            .into_iter()
            .map(|s| {
                let (chunk_id, document_id) = collection.identify(s.slot);
                VectorHit {
                    chunk_id,
                    document_id,
                    score: s.score,
                }
            })
            .collect();
        Ok(VectorResults {
            hits,
            readable: readable.count,
            method,
        })
    }

    /// A stored vector as the collection keeps it, refusing one that does not belong.
    fn checked_unit(&self, document: DocumentId, stored: &StoredVector) -> IndexResult<Vec<f32>> {
        if stored.document_id != document || stored.vector.len() != self.model.dims {
            return Err(IndexError::InvalidRequest(format!(
                "chunk {} is not a {}-dimension vector of document {document}",
                stored.chunk_id, self.model.dims
            )));
        }
        unit(&stored.vector).ok_or_else(|| {
            IndexError::InvalidRequest(format!(
                "the vector of chunk {} is zero or not finite",
                stored.chunk_id
            ))
        })
    }

    fn read(&self) -> RwLockReadGuard<'_, Collection> {
        self.collection
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Collection> {
        lock_write(&self.collection)
    }
}

fn lock_write(collection: &RwLock<Collection>) -> RwLockWriteGuard<'_, Collection> {
    collection.write().unwrap_or_else(PoisonError::into_inner)
}

/// The vector scaled to length 1, so that a dot product is the cosine; None for a zero or
/// non-finite vector, which has no direction.
fn unit(vector: &[f32]) -> Option<Vec<f32>> {
    let norm = levier_knn::dot(vector, vector).sqrt();
    (norm.is_finite() && norm > 0.0).then(|| vector.iter().map(|v| v / norm).collect())
}
