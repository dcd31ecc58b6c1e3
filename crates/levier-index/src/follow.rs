//! Keeping an index in step with the store while others write to it: a server follows for
//! its whole life, an ingestion follows while it writes so that indexing overlaps extraction
//! and store writes instead of starting after the last file.

use crate::sync::SyncReport;
use crate::{IndexResult, LexicalIndex};
use levier_store::Store;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How often an ingestion's follower applies what has been stored. Each pass commits, and
/// each commit makes a segment that merges later cost CPU: a second keeps both in proportion.
const DURING_INGESTION: Duration = Duration::from_secs(1);

impl LexicalIndex {
    /// Applies the store's changes every `every` until `stop` turns true, so a document
    /// stored by any process (or node) becomes searchable here within about `every`. A failed
    /// pass is logged and retried at the next one.
    pub async fn follow(
        self: Arc<Self>,
        store: Store,
        every: Duration,
        mut stop: watch::Receiver<bool>,
    ) {
        loop {
            if let Err(e) = self.sync(&store).await {
                tracing::warn!(error = %e, "the search index could not apply the store's changes; retrying");
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                changed = stop.changed() => if changed.is_err() || *stop.borrow() { break },
            }
        }
    }

    /// Runs `work` (an ingestion) with the index following the store beside it, then applies
    /// what is left. Returns the work's output and the final pass's report.
    pub async fn sync_during<T>(
        self: &Arc<Self>,
        store: &Store,
        work: impl Future<Output = T>,
    ) -> (T, IndexResult<SyncReport>) {
        let (stop, stopped) = watch::channel(false);
        let follower =
            tokio::spawn(Arc::clone(self).follow(store.clone(), DURING_INGESTION, stopped));
        let output = work.await;
        let _ = stop.send(true);
        if let Err(e) = follower.await {
            tracing::warn!(error = %e, "the search index follower stopped abnormally");
        }
        (output, self.sync(store).await)
    }
}
