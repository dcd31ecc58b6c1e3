//! The dense side of the benchmark: every chunk embedded through levier-ml, stored with the
//! store's vectors and searched through the vector index, as semantic search does.

use crate::BenchError;
use crate::vector_cache::VectorCache;
use levier_core::ids::{ChunkId, DocumentId};
use levier_index::fusion;
use levier_index::vector::{VectorConfig, VectorIndex, VectorQuery};
use levier_ml::SentenceEncoder;
use levier_store::Store;
use levier_store::vectors::{EmbeddingModel, PendingChunk};
use std::path::Path;
use std::time::Instant;

/// Chunks read from the store, embedded and written per round: small enough that progress
/// shows often and the cache keeps most of an interrupted run.
const EMBED_PAGE: usize = 64;
/// Chunks retrieved per document wanted: a document with several close chunks takes several
/// places before collapsing.
const CHUNKS_PER_DOCUMENT: usize = 3;
/// The vector index's cap on results per search.
const MAX_CHUNKS: usize = 1000;

/// How embedding the corpus went.
#[derive(Debug, Clone, Copy)]
pub struct EmbedStats {
    /// Chunks given a vector.
    pub chunks: usize,
    /// Of which: embedded in this run (the rest came from the vectors cache).
    pub embedded: usize,
    /// Wall time of embedding and storing, in seconds.
    pub seconds: f64,
}

/// The encoder and the vector index of the benchmark's chunks.
pub struct Dense {
    encoder: SentenceEncoder,
    index: VectorIndex,
}

impl Dense {
    /// Loads the model in `model_dir`, embeds every chunk of the store (reusing the vectors in
    /// `cache_dir`, if given), stores the vectors and loads the vector index from the store.
    pub async fn build(
        store: &Store,
        model_dir: &Path,
        cache_dir: Option<&Path>,
    ) -> Result<(Dense, EmbedStats), BenchError> {
        let name = model_dir
            .file_name()
            .map_or_else(|| "model".into(), |n| n.to_string_lossy().into_owned());
        let encoder = SentenceEncoder::load(model_dir, &name)?;
        let identity = encoder.identity();
        let model = store
            .register_embedding_model(&identity.name, &identity.weights_sha256, encoder.dim())
            .await?;
        let mut cache = cache_dir
            .map(|dir| VectorCache::open(dir, &identity.weights_sha256, encoder.dim()))
            .transpose()?;
        let stats = embed_all(store, &encoder, &model, cache.as_mut()).await?;
        let index = VectorIndex::from_store(store, model, VectorConfig::default()).await?;
        Ok((Dense { encoder, index }, stats))
    }

    /// The `depth` documents closest to the query, best chunk first; the query's embedding is
    /// part of the search, as it is for a user.
    pub fn search(
        &self,
        query: &str,
        groups: &[String],
        depth: usize,
    ) -> Result<Vec<(DocumentId, f32)>, BenchError> {
        let vector = self.encoder.embed_queries(&[query])?.remove(0);
        let results = self.index.search(&VectorQuery {
            vector: &vector,
            groups,
            languages: &[],
            limit: (depth * CHUNKS_PER_DOCUMENT).min(MAX_CHUNKS),
        })?;
        let mut documents = fusion::collapse(results.hits.iter().map(|h| (h.document_id, h.score)));
        documents.truncate(depth);
        Ok(documents)
    }
}

/// Gives every chunk without a vector one, page by page.
async fn embed_all(
    store: &Store,
    encoder: &SentenceEncoder,
    model: &EmbeddingModel,
    mut cache: Option<&mut VectorCache>,
) -> Result<EmbedStats, BenchError> {
    let started = Instant::now();
    let mut stats = EmbedStats {
        chunks: 0,
        embedded: 0,
        seconds: 0.0,
    };
    let mut after = ChunkId(0);
    loop {
        let page = store
            .chunks_without_vector(model.id, after, EMBED_PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.chunk_id;
        let texts: Vec<String> = page.iter().map(passage).collect();
        let (vectors, embedded) = embed_page(encoder, &texts, cache.as_deref_mut())?;
        let rows: Vec<(ChunkId, Vec<f32>)> = page.iter().map(|c| c.chunk_id).zip(vectors).collect();
        store.write_chunk_vectors(model, &rows).await?;
        stats.chunks += rows.len();
        stats.embedded += embedded;
        tracing::info!(
            chunks = stats.chunks,
            embedded = stats.embedded,
            "chunks embedded"
        );
    }
    stats.seconds = started.elapsed().as_secs_f64();
    Ok(stats)
}

/// Vectors of a page of passages, from the cache when it has them; returns how many were
/// embedded.
fn embed_page(
    encoder: &SentenceEncoder,
    texts: &[String],
    cache: Option<&mut VectorCache>,
) -> Result<(Vec<Vec<f32>>, usize), BenchError> {
    let Some(cache) = cache else {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        return Ok((encoder.embed_passages(&refs)?, texts.len()));
    };
    let missing: Vec<&str> = texts
        .iter()
        .map(String::as_str)
        .filter(|t| cache.get(t).is_none())
        .collect();
    if !missing.is_empty() {
        let fresh = encoder.embed_passages(&missing)?;
        let entries: Vec<(&str, &[f32])> = missing
            .iter()
            .zip(&fresh)
            .map(|(t, v)| (*t, v.as_slice()))
            .collect();
        cache.insert(&entries)?;
    }
    let vectors = texts
        .iter()
        .map(|t| cache.get(t).map(<[f32]>::to_vec).unwrap_or_default())
        .collect();
    Ok((vectors, missing.len()))
}

/// The text a chunk is embedded as: its document's title, then its text, so a passage deep in
/// a document still says what the document is about.
fn passage(chunk: &PendingChunk) -> String {
    let title = chunk.title.trim();
    if title.is_empty() {
        chunk.body.clone()
    } else {
        format!("{title}\n{}", chunk.body)
    }
}
