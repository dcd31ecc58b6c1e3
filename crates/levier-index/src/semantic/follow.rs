//! Keeping a node's semantic search right: the active model loaded, its vectors in step with
//! the store's change sequence, and the embedding of new chunks asked for.
//!
//! Every [`FOLLOW_EVERY`]-ish tick (the caller's period) the follower: resolves the model
//! wanted (configuration, `levier models use`, or the default model when imported) and the
//! model active in the store; loads the active one's vectors when they are not the loaded
//! ones (at start, after a model change completes); applies the changes since the last tick
//! (a document changed or removed, vectors written) to the vector index; and, on nodes that
//! run tasks, enqueues the embedding task when chunks lack the wanted model's vectors.

use super::task::{EMBED_TASK, EmbedJob};
use super::{SemanticSearch, activate_if_ready, active_model, register};
use crate::vector::VectorConfig;
use crate::{IndexResult, Retriever, SemanticState};
use levier_core::ids::{DocumentId, EmbeddingModelId};
use levier_ml::{MlError, ModelCatalog, SentenceEncoder};
use levier_store::Store;
use levier_store::changes::{ChangeOp, Entity};
use levier_store::vectors::EmbeddingModel;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Changes applied per read of the change sequence.
const CHANGES_PAGE: i64 = 500;
/// How long a model that failed to load is left alone before trying again (its files may be
/// fixed meanwhile; reading and hashing them at every tick would waste the machine).
const RETRY_FAILED_LOAD: Duration = Duration::from_secs(30);

/// Where models come from and which one is wanted; encoders loaded once and shared (by the
/// follower, which embeds queries, and the embedding task).
pub struct Models {
    catalog: ModelCatalog,
    configured: String,
    vectors: VectorConfig,
    loaded: Mutex<HashMap<String, Arc<SentenceEncoder>>>,
    failed: Mutex<Option<(String, String, Instant)>>,
}

impl Models {
    /// Models of `catalog`; `configured` is the configuration's choice (empty: the catalog's).
    pub fn new(catalog: ModelCatalog, configured: &str, vectors: VectorConfig) -> Arc<Models> {
        Arc::new(Models {
            catalog,
            configured: configured.to_string(),
            vectors,
            loaded: Mutex::new(HashMap::new()),
            failed: Mutex::new(None),
        })
    }

    /// The name of the model wanted, or why there is none.
    pub fn wanted(&self) -> Result<String, String> {
        self.catalog.selected(&self.configured).ok_or_else(|| {
            format!(
                "no embedding model is installed in {} (run scripts/fetch-models, or levier models import PATH)",
                self.catalog.dir().display()
            )
        })
    }

    /// The encoder of model `name`, loaded on first use (blocking: seconds for a large model).
    pub fn encoder(&self, name: &str) -> Result<Arc<SentenceEncoder>, MlError> {
        if let Some(e) = self.lock_loaded().get(name) {
            return Ok(e.clone());
        }
        let encoder = Arc::new(SentenceEncoder::load(&self.catalog.path(name), name)?);
        self.lock_loaded().insert(name.to_string(), encoder.clone());
        Ok(encoder)
    }

    /// Keeps only these models' encoders in memory.
    fn retain(&self, names: &[&str]) {
        self.lock_loaded()
            .retain(|n, _| names.contains(&n.as_str()));
    }

    fn lock_loaded(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<SentenceEncoder>>> {
        self.loaded.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The encoder, on a blocking thread, remembering a failure for a while.
    async fn encoder_async(self: &Arc<Self>, name: &str) -> Result<Arc<SentenceEncoder>, String> {
        if let Some((n, why, at)) = self
            .failed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            && n == name
            && at.elapsed() < RETRY_FAILED_LOAD
        {
            return Err(why.clone());
        }
        let this = self.clone();
        let owned = name.to_string();
        let loaded = tokio::task::spawn_blocking(move || this.encoder(&owned))
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r.map_err(|e| e.to_string()));
        if let Err(why) = &loaded {
            tracing::warn!(model = name, error = %why, "embedding model not usable: searching lexically");
            *self.failed.lock().unwrap_or_else(PoisonError::into_inner) =
                Some((name.to_string(), why.clone(), Instant::now()));
        }
        loaded
    }
}

/// Follows the store for `retriever`'s semantic side until `stop` becomes true; with
/// `enqueue`, also asks for the embedding of chunks that lack vectors (nodes that run tasks).
pub async fn follow(
    retriever: Arc<Retriever>,
    store: Store,
    models: Arc<Models>,
    every: Duration,
    enqueue: bool,
    mut stop: watch::Receiver<bool>,
) {
    let mut follower = Follower {
        retriever,
        store,
        models,
        enqueue,
        loaded: None,
        target: None,
        applied: 0,
        check_pending: true,
    };
    loop {
        if let Err(e) = follower.tick().await {
            tracing::warn!(error = %e, "semantic search could not follow the store; retrying");
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() {
            return;
        }
    }
}

struct Follower {
    retriever: Arc<Retriever>,
    store: Store,
    models: Arc<Models>,
    enqueue: bool,
    /// The model whose vectors are loaded.
    loaded: Option<EmbeddingModelId>,
    /// The wanted model's record, once registered.
    target: Option<EmbeddingModel>,
    /// The last change applied to the loaded vectors.
    applied: i64,
    /// Whether chunks may lack the wanted model's vectors (at start, after new documents).
    check_pending: bool,
}

impl Follower {
    async fn tick(&mut self) -> IndexResult<()> {
        let wanted = match self.models.wanted() {
            Ok(name) => name,
            Err(why) => {
                self.unavailable(why);
                return Ok(());
            }
        };
        let encoder = match self.models.encoder_async(&wanted).await {
            Ok(e) => e,
            Err(why) => {
                self.unavailable(why);
                return Ok(());
            }
        };
        let target = self.target_model(&encoder).await?;
        let active = match active_model(&self.store).await? {
            Some(active) => active,
            // The first model is active at once; its vectors fill in.
            None => {
                activate_if_ready(&self.store, &target).await?;
                target.clone()
            }
        };
        let (serving, serving_encoder) = self.serving(active, &target, encoder).await?;
        if self.loaded != Some(serving.id) {
            self.load(serving_encoder).await?;
            self.models.retain(&[&wanted, &serving.name]);
        } else {
            self.apply_changes().await?;
        }
        if self.enqueue && self.check_pending {
            self.ask_for_embedding(&target).await?;
        }
        Ok(())
    }

    /// The model searches use: the active one when its encoder is still there, else the
    /// wanted one (whose vectors are being computed).
    async fn serving(
        &self,
        active: EmbeddingModel,
        target: &EmbeddingModel,
        target_encoder: Arc<SentenceEncoder>,
    ) -> IndexResult<(EmbeddingModel, Arc<SentenceEncoder>)> {
        if active.id != target.id
            && let Ok(encoder) = self.models.encoder_async(&active.name).await
            && encoder.identity().weights_sha256 == active.weights_sha256
        {
            return Ok((active, encoder));
        }
        Ok((target.clone(), target_encoder))
    }

    /// The wanted encoder's model as recorded in the store: registered once per model rather
    /// than at every tick (registering is a write transaction).
    async fn target_model(&mut self, encoder: &SentenceEncoder) -> IndexResult<EmbeddingModel> {
        let identity = encoder.identity();
        if let Some(model) = &self.target
            && model.name == identity.name
            && model.weights_sha256 == identity.weights_sha256
        {
            return Ok(model.clone());
        }
        let model = register(&self.store, encoder).await?;
        self.target = Some(model.clone());
        Ok(model)
    }

    fn unavailable(&mut self, why: String) {
        self.loaded = None;
        self.retriever.set_semantic(SemanticState::Unavailable(why));
    }

    /// Loads a model's vectors from the store and makes them the node's.
    async fn load(&mut self, encoder: Arc<SentenceEncoder>) -> IndexResult<()> {
        let from = self.store.last_change_seq().await?;
        let search = SemanticSearch::load(&self.store, encoder, self.models.vectors).await?;
        tracing::info!(model = %search.model().name, vectors = search.vectors().len(), "semantic search loaded");
        self.loaded = Some(search.model().id);
        self.retriever
            .set_semantic(SemanticState::Ready(Arc::new(search)));
        self.applied = from;
        self.check_pending = true;
        Ok(())
    }

    /// Applies the changes since the last tick to the loaded vectors.
    async fn apply_changes(&mut self) -> IndexResult<()> {
        let Some(semantic) = self.retriever.semantic() else {
            return Ok(());
        };
        loop {
            let changes = self.store.changes_since(self.applied, CHANGES_PAGE).await?;
            let Some(last) = changes.last() else {
                return Ok(());
            };
            let last = last.seq;
            let mut documents: Vec<(DocumentId, bool)> = Vec::new();
            for c in &changes {
                match (c.entity, c.op) {
                    (Entity::Document, ChangeOp::Delete) => {
                        documents.push((DocumentId(c.entity_id), false));
                    }
                    (Entity::Document, ChangeOp::Upsert) => {
                        self.check_pending = true;
                        documents.push((DocumentId(c.entity_id), true));
                    }
                    (Entity::Vectors, _) => documents.push((DocumentId(c.entity_id), true)),
                    (Entity::FaqEntry | Entity::OutOfScopeExample, _) => {}
                }
            }
            documents.dedup();
            for (document, exists) in documents {
                if exists {
                    semantic
                        .vectors()
                        .refresh_document(&self.store, document)
                        .await?;
                } else {
                    semantic.vectors().remove_document(document);
                }
            }
            self.applied = last;
        }
    }

    /// Enqueues the embedding task when chunks lack the wanted model's vectors and no such
    /// task is waiting or running.
    async fn ask_for_embedding(&mut self, model: &EmbeddingModel) -> IndexResult<()> {
        self.check_pending = false;
        let pending = self.store.vector_count(model.id).await?.pending();
        if pending == 0 {
            // Nothing to embed: a model wanted over an empty store is complete at once.
            activate_if_ready(&self.store, model).await?;
            return Ok(());
        }
        if self.store.unfinished_task(EMBED_TASK).await?.is_some() {
            return Ok(());
        }
        let job = EmbedJob {
            model: model.name.clone(),
        };
        self.store.enqueue_task(&job.task()).await?;
        tracing::info!(model = %model.name, "chunks without vectors: embedding task enqueued");
        Ok(())
    }
}

/// Loads semantic search once, for a command that searches and exits: the active model's
/// vectors, or the reason there is none (kept in `retriever`).
pub async fn load_once(
    retriever: Arc<Retriever>,
    store: Store,
    models: Arc<Models>,
) -> IndexResult<()> {
    Follower {
        retriever,
        store,
        models,
        enqueue: false,
        loaded: None,
        target: None,
        applied: 0,
        check_pending: false,
    }
    .tick()
    .await
}
