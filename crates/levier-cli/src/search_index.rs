//! This node's search: where the index lives, opening it with semantic search beside it, and
//! keeping both in step with the store.

use levier_core::Config;
use levier_index::semantic::follow::Models;
use levier_index::vector::VectorConfig;
use levier_index::{IndexError, LexicalIndex, Retriever};
use levier_ml::ModelCatalog;
use levier_store::Store;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The lexical index's directory inside the data directory.
pub fn index_dir(config: &Config) -> PathBuf {
    config.data_dir.join("index").join("lexical")
}

/// Opens the index; one that is damaged or from another version is rebuilt from scratch (it
/// is derived data: the store holds the truth, and the follower refills it).
pub fn open(config: &Config) -> anyhow::Result<Arc<LexicalIndex>> {
    let dir = index_dir(config);
    match LexicalIndex::open(&dir) {
        Ok(index) => Ok(Arc::new(index)),
        Err(e @ (IndexError::Corrupt { .. } | IndexError::Incompatible { .. })) => {
            tracing::warn!(error = %e, "recreating the search index; it will be refilled from the store");
            Ok(Arc::new(LexicalIndex::recreate(&dir)?))
        }
        Err(e) => Err(e.into()),
    }
}

/// The models semantic search may use, as configured.
pub fn models(config: &Config) -> Arc<Models> {
    Models::new(
        ModelCatalog::new(&config.models_dir()),
        &config.models.embedding,
        VectorConfig::default(),
    )
}

/// The node's search over an up-to-date lexical index, with semantic search loaded once (for
/// commands that search and exit); when no model is usable it searches lexically and says why.
pub async fn open_once(config: &Config, store: &Store) -> anyhow::Result<Arc<Retriever>> {
    crate::commands::ingest::sync_index_if_free(config, store).await;
    let retriever = Arc::new(Retriever::new(open(config)?));
    levier_index::semantic::follow::load_once(retriever.clone(), store.clone(), models(config))
        .await?;
    Ok(retriever)
}

/// How often a server's index looks for new changes in the store.
pub const FOLLOW_EVERY: Duration = Duration::from_millis(500);
