//! Semantic search: the chunks whose meaning is closest to a question's, through a local
//! sentence encoder (levier-ml) and the vector index.
//!
//! The pieces: [`embed`] gives chunks their vectors (the `embeddings.build` task of [`task`],
//! and `levier ingest`); [`SemanticSearch`] is one model's encoder with its vector index;
//! [`follow`] keeps a [`crate::Retriever`]'s semantic side loaded with the right model and in
//! step with the store's changes on every node.
//!
//! Which model answers: the one *active* in the store (meta key [`ACTIVE_MODEL_KEY`]), which
//! is the configured model once all chunks have its vectors. Changing model enqueues a
//! re-embedding task; until it completes, searches keep using the previous model's vectors
//! (its encoder is still in the models directory), so search never stops.

pub mod embed;
pub mod follow;
pub mod task;

use crate::IndexResult;
use crate::vector::{VectorConfig, VectorIndex, VectorQuery, VectorResults};
use levier_core::ids::DocumentId;
use levier_ml::SentenceEncoder;
use levier_store::Store;
use levier_store::vectors::{EmbeddingModel, VectorKind};
use std::sync::Arc;

/// Store meta key naming the model (its id) whose vectors searches use.
pub const ACTIVE_MODEL_KEY: &str = "embedding.active_model";

/// One model's encoder and the vector indexes of its chunks: passages, and documents' titles.
pub struct SemanticSearch {
    encoder: Arc<SentenceEncoder>,
    vectors: VectorIndex,
    titles: VectorIndex,
}

/// The two lists a dense search returns.
#[derive(Debug, Clone)]
pub struct DenseResults {
    /// Passages closest to the query.
    pub passages: VectorResults,
    /// Documents whose title is closest to the query (each as its first chunk).
    pub titles: VectorResults,
}

impl std::fmt::Debug for SemanticSearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SemanticSearch")
            .field("model", self.vectors.model())
            .field("vectors", &self.vectors.len())
            .finish()
    }
}

impl SemanticSearch {
    /// Registers the encoder's model in the store (or finds it) and loads its vectors.
    pub async fn load(
        store: &Store,
        encoder: Arc<SentenceEncoder>,
        config: VectorConfig,
    ) -> IndexResult<SemanticSearch> {
        let model = register(store, &encoder).await?;
        let vectors =
            VectorIndex::from_store(store, model.clone(), VectorKind::Passage, config).await?;
        let titles = VectorIndex::from_store(store, model, VectorKind::Title, config).await?;
        Ok(SemanticSearch {
            encoder,
            vectors,
            titles,
        })
    }

    /// The model's record in the store.
    pub fn model(&self) -> &EmbeddingModel {
        self.vectors.model()
    }

    /// The encoder (shared with the embedding task when it embeds for the same model).
    pub fn encoder(&self) -> &Arc<SentenceEncoder> {
        &self.encoder
    }

    /// The passages' vector index.
    pub fn vectors(&self) -> &VectorIndex {
        &self.vectors
    }

    /// The titles' vector index.
    pub fn titles(&self) -> &VectorIndex {
        &self.titles
    }

    /// Makes both indexes show what the store holds for a document.
    pub async fn refresh_document(&self, store: &Store, document: DocumentId) -> IndexResult<()> {
        self.vectors.refresh_document(store, document).await?;
        self.titles.refresh_document(store, document).await
    }

    /// Drops a removed document from both indexes.
    pub fn remove_document(&self, document: DocumentId) {
        self.vectors.remove_document(document);
        self.titles.remove_document(document);
    }

    /// The passages and titles closest in meaning to `query` among those a member of `groups`
    /// may read, in `languages` (empty: all), as many of each as `limits` asks. Embedding the
    /// query is part of the search (CPU-bound, a few ms: async callers use `spawn_blocking`).
    pub fn search(
        &self,
        query: &str,
        groups: &[String],
        languages: &[String],
        limits: DenseLimits,
    ) -> IndexResult<DenseResults> {
        let vector = self.encoder.embed_queries(&[query])?.remove(0);
        let query = |limit| VectorQuery {
            vector: &vector,
            groups,
            languages,
            limit,
        };
        let (passages, titles) = rayon::join(
            || self.vectors.search(&query(limits.passages)),
            || self.titles.search(&query(limits.titles)),
        );
        Ok(DenseResults {
            passages: passages?,
            titles: titles?,
        })
    }
}

/// How many passages and titles a dense search returns: a document has one title but may
/// have several close passages, so collapsed results want more passages than titles.
#[derive(Debug, Clone, Copy)]
pub struct DenseLimits {
    /// Passages wanted.
    pub passages: usize,
    /// Titles wanted.
    pub titles: usize,
}

/// The encoder's model as recorded in the store (registered on first use).
pub async fn register(store: &Store, encoder: &SentenceEncoder) -> IndexResult<EmbeddingModel> {
    let identity = encoder.identity();
    Ok(store
        .register_embedding_model(&identity.name, &identity.weights_sha256, encoder.dim())
        .await?)
}

/// The model whose vectors searches use, as recorded in the store.
pub async fn active_model(store: &Store) -> IndexResult<Option<EmbeddingModel>> {
    let Some(id) = store
        .meta(ACTIVE_MODEL_KEY)
        .await?
        .and_then(|v| v.trim().parse::<i64>().ok())
    else {
        return Ok(None);
    };
    Ok(store
        .embedding_model(levier_core::ids::EmbeddingModelId(id))
        .await?)
}

/// Makes `model` the one searches use when no model is active yet (its vectors fill in as
/// they are computed) or when every chunk has its vector (a model change is complete: the
/// other models' vectors are then deleted). Returns whether `model` is now active.
pub async fn activate_if_ready(store: &Store, model: &EmbeddingModel) -> IndexResult<bool> {
    let active = active_model(store).await?;
    if active.as_ref().is_some_and(|a| a.id == model.id) {
        return Ok(true);
    }
    if active.is_some() && store.vector_count(model.id).await?.pending() > 0 {
        return Ok(false);
    }
    store
        .set_meta(ACTIVE_MODEL_KEY, &model.id.0.to_string())
        .await?;
    for other in store.embedding_models().await? {
        if other.id != model.id {
            store.remove_embedding_model(other.id).await?;
            tracing::info!(model = %other.name, "vectors of the previous model deleted");
        }
    }
    tracing::info!(model = %model.name, "semantic search now uses this model");
    Ok(true)
}
