//! This node's search index: where it lives, opening it, and keeping it in step with the store.

use levier_core::Config;
use levier_index::{IndexError, LexicalIndex};
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

/// How often a server's index looks for new changes in the store.
pub const FOLLOW_EVERY: Duration = Duration::from_millis(500);
