//! Following the store's change sequence.
//!
//! Changes are read in pages; each page's documents are re-read from the store in their current
//! state, together (three queries a page rather than three a document; several changes of one
//! document cost one read), and replace whatever the index held for them. Every commit records, in tantivy's commit payload, the last change whose effects
//! it contains: the changes and the sequence number become durable together, so after a crash
//! the index resumes exactly where its last commit stopped.

use crate::analysis::{Variant, normalize_language};
use crate::schema::{FORMAT_VERSION, Fields, HEADING_SEPARATOR};
use crate::{IndexError, IndexResult, LexicalIndex, writer_error};
use levier_core::ids::DocumentId;
use levier_store::Store;
use levier_store::changes::{Change, Entity};
use levier_store::documents::FullDocument;
use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tantivy::indexer::LogMergePolicy;
use tantivy::{Index, IndexWriter, TantivyDocument, Term};
use tokio::sync::OwnedMutexGuard;

/// Changes read from the store at a time; their documents are read in one batch, and their
/// passages held in memory until written. Small enough that a page of long documents (100 kB
/// of text each) stays a few MB and that its passages fit in the writer's queue (10 000
/// documents), which the indexing threads work through while the next page is read; large
/// enough that the three reads of a page are few.
const PAGE: i64 = 64;
/// Longest a sync applies changes without committing. A sync commits once at its end; a long
/// one (a first ingestion of a large folder) also commits on the way, so a crash costs little
/// re-work. Commits are not counted in changes: each one writes and syncs whole segments to
/// disk, and more segments mean more merging afterwards.
const COMMIT_INTERVAL: Duration = Duration::from_secs(10);
/// Indexing memory per writer thread. Two threads at most: levier shares a small machine with
/// the store and the web server.
const HEAP_PER_THREAD: usize = 48 * 1024 * 1024;
const MAX_THREADS: usize = 2;

/// Keeps an index of a company's size in one or a few segments: each segment costs every
/// query a lookup per term, so merging early (two segments of a size class are enough) buys
/// query speed at the price of rewriting small segments, which is cheap. Segments where a
/// third of the chunks were replaced are rewritten too, so deleted chunks stop weighing on
/// BM25 statistics.
fn merge_policy() -> LogMergePolicy {
    let mut policy = LogMergePolicy::default();
    policy.set_min_num_segments(2);
    policy.set_del_docs_ratio_before_merge(0.3);
    policy
}

/// What a sync applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SyncReport {
    /// Changes of the sequence applied (including changes to entities this index ignores).
    pub applied: u64,
    /// The last change the index now reflects.
    pub last_seq: i64,
}

/// What a commit records besides the documents.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct CommitPayload {
    format: u32,
    applied_seq: i64,
}

type WriterGuard = OwnedMutexGuard<Option<IndexWriter>>;

/// Reads the applied sequence from the last commit's payload (0 for a new index).
pub(crate) fn read_applied_seq(index: &Index, dir: &Path) -> IndexResult<i64> {
    let metas = index.load_metas().map_err(|e| crate::corrupt(dir, e))?;
    let Some(payload) = metas.payload else {
        return Ok(0);
    };
    let payload: CommitPayload =
        serde_json::from_str(&payload).map_err(|e| IndexError::Incompatible {
            dir: dir.to_path_buf(),
            reason: format!("unreadable commit record: {e}"),
        })?;
    if payload.format != FORMAT_VERSION {
        return Err(IndexError::Incompatible {
            dir: dir.to_path_buf(),
            reason: format!(
                "index format {} where this version uses {FORMAT_VERSION}",
                payload.format
            ),
        });
    }
    Ok(payload.applied_seq)
}

impl LexicalIndex {
    /// Applies the store's changes made since the last applied one, committing in batches.
    /// Concurrent calls are serialised; a call that finds nothing new commits nothing.
    pub async fn sync(&self, store: &Store) -> IndexResult<SyncReport> {
        let mut guard = self.lock_writer().await?;
        let mut seq = self.applied_seq();
        let mut applied = 0;
        let mut committed = Instant::now();
        loop {
            let changes = store.changes_since(seq, PAGE).await?;
            let Some(last) = changes.last().map(|c| c.seq) else {
                break;
            };
            guard = self.apply_page(guard, store, &changes, None).await?;
            seq = last;
            applied += changes.len() as u64;
            if committed.elapsed() >= COMMIT_INTERVAL {
                guard = self.commit(guard, seq).await?;
                committed = Instant::now();
            }
        }
        if seq != self.applied_seq() {
            self.commit(guard, seq).await?;
        }
        Ok(SyncReport {
            applied,
            last_seq: seq,
        })
    }

    /// Rebuilds the index from the whole change sequence (`levier reindex`). Searches keep
    /// seeing the previous contents until the rebuilt index is committed, in one commit.
    pub async fn rebuild(&self, store: &Store) -> IndexResult<SyncReport> {
        let mut guard = self.lock_writer().await?;
        // Changes up to here were all committed before any document is read below, so a
        // document read once reflects all of them and its later mentions can be skipped.
        let snapshot = store.last_change_seq().await?;
        let mut seen = HashSet::new();
        guard = self
            .with_writer(guard, |w| w.delete_all_documents().map(|_| ()))
            .await?;
        let mut seq = 0;
        let mut applied = 0;
        loop {
            let changes = store.changes_since(seq, PAGE).await?;
            let Some(last) = changes.last().map(|c| c.seq) else {
                break;
            };
            let dedupe = (last <= snapshot).then_some(&mut seen);
            guard = self.apply_page(guard, store, &changes, dedupe).await?;
            seq = last;
            applied += changes.len() as u64;
        }
        drop(self.commit(guard, seq).await?);
        self.wait_for_merges().await?;
        Ok(SyncReport {
            applied,
            last_seq: seq,
        })
    }

    /// Waits until background merges of segments finish, so a freshly built index is
    /// searched at full speed: every query does work per segment. [`LexicalIndex::rebuild`]
    /// calls it; so should a benchmark after its first sync. The writer is released (and
    /// created again by the next write).
    pub async fn wait_for_merges(&self) -> IndexResult<()> {
        let mut guard = self.writer.clone().lock_owned().await;
        let Some(writer) = guard.take() else {
            return Ok(());
        };
        tokio::task::spawn_blocking(move || writer.wait_merging_threads())
            .await
            .map_err(|e| IndexError::Interrupted(e.to_string()))??;
        drop(guard);
        self.reader.reload()?;
        Ok(())
    }

    /// Applies pending changes to the writer without committing them: what a crash between
    /// applying and committing leaves behind. For crash-safety tests only.
    #[cfg(feature = "fault-injection")]
    pub async fn apply_without_commit(&self, store: &Store) -> IndexResult<u64> {
        let mut guard = self.lock_writer().await?;
        let changes = store.changes_since(self.applied_seq(), i64::MAX).await?;
        guard = self.apply_page(guard, store, &changes, None).await?;
        drop(guard);
        Ok(changes.len() as u64)
    }

    /// Takes the writer, creating it on first use.
    async fn lock_writer(&self) -> IndexResult<WriterGuard> {
        let mut guard = self.writer.clone().lock_owned().await;
        if guard.is_none() {
            let threads = std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
                .clamp(1, MAX_THREADS);
            let writer: IndexWriter = self
                .index
                .writer_with_num_threads(threads, threads * HEAP_PER_THREAD)
                .map_err(|e| writer_error(&self.dir, e))?;
            writer.set_merge_policy(Box::new(merge_policy()));
            *guard = Some(writer);
        }
        Ok(guard)
    }

    /// Re-reads the documents a page of changes touches and replaces them in the writer. On
    /// failure the writer's uncommitted work is rolled back, so nothing half-applied can be
    /// committed later.
    async fn apply_page(
        &self,
        guard: WriterGuard,
        store: &Store,
        changes: &[Change],
        seen: Option<&mut HashSet<i64>>,
    ) -> IndexResult<WriterGuard> {
        let staged = match self.stage(store, changes, seen).await {
            Ok(staged) => staged,
            Err(e) => {
                let _ = self.with_writer(guard, |w| w.rollback().map(|_| ())).await;
                return Err(e);
            }
        };
        let fields = self.fields.clone();
        self.with_writer(guard, move |w| staged.write(w, &fields))
            .await
    }

    /// Reads the current state of every document the changes name (once each), in one batch.
    async fn stage(
        &self,
        store: &Store,
        changes: &[Change],
        seen: Option<&mut HashSet<i64>>,
    ) -> IndexResult<Staged> {
        let mut local = HashSet::new();
        let seen = seen.unwrap_or(&mut local);
        let deletes: Vec<i64> = changes
            .iter()
            .filter(|c| c.entity == Entity::Document && seen.insert(c.entity_id))
            .map(|c| c.entity_id)
            .collect();
        let ids: Vec<DocumentId> = deletes.iter().copied().map(DocumentId).collect();
        // Documents removed since are absent: only their deletion applies.
        let adds = store
            .indexable_documents(&ids)
            .await?
            .iter()
            .flat_map(|doc| chunk_documents(&self.fields, doc))
            .collect();
        Ok(Staged { deletes, adds })
    }

    /// Commits with the applied sequence as payload, then makes the commit searchable.
    async fn commit(&self, guard: WriterGuard, seq: i64) -> IndexResult<WriterGuard> {
        let payload = serde_json::to_string(&CommitPayload {
            format: FORMAT_VERSION,
            applied_seq: seq,
        })
        .map_err(|e| IndexError::Interrupted(e.to_string()))?;
        let guard = self
            .with_writer(guard, move |w| {
                let mut prepared = w.prepare_commit()?;
                prepared.set_payload(&payload);
                prepared.commit().map(|_| ())
            })
            .await?;
        self.applied_seq.store(seq, Ordering::Release);
        self.reader.reload()?;
        Ok(guard)
    }

    /// Runs blocking writer work (indexing, commits that sync files) off the async runtime's
    /// threads, handing the lock guard there and back.
    async fn with_writer<F>(&self, mut guard: WriterGuard, f: F) -> IndexResult<WriterGuard>
    where
        F: FnOnce(&mut IndexWriter) -> tantivy::Result<()> + Send + 'static,
    {
        let (guard, result) = tokio::task::spawn_blocking(move || {
            let result = match guard.as_mut() {
                Some(writer) => f(writer),
                None => Err(tantivy::TantivyError::InternalError(
                    "index writer missing".into(),
                )),
            };
            (guard, result)
        })
        .await
        .map_err(|e| IndexError::Interrupted(e.to_string()))?;
        result.map_err(|e| writer_error(&self.dir, e))?;
        Ok(guard)
    }
}

/// Index operations prepared from a page of changes.
struct Staged {
    /// Documents whose chunks are removed (then re-added if the document still exists).
    deletes: Vec<i64>,
    adds: Vec<TantivyDocument>,
}

impl Staged {
    fn write(self, writer: &mut IndexWriter, fields: &Fields) -> tantivy::Result<()> {
        for id in self.deletes {
            writer.delete_term(Term::from_field_u64(fields.document_id, id.cast_unsigned()));
        }
        for doc in self.adds {
            writer.add_document(doc)?;
        }
        Ok(())
    }
}

fn same_text(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// A heading path as one value, levels joined by a separator no heading contains.
fn heading_path(headings: &[String]) -> String {
    let sep = HEADING_SEPARATOR.to_string();
    headings
        .iter()
        .map(|h| h.replace(HEADING_SEPARATOR, " "))
        .collect::<Vec<_>>()
        .join(&sep)
}

/// One index document per chunk, carrying the document's metadata for filters and facets.
pub(crate) fn chunk_documents(fields: &Fields, doc: &FullDocument) -> Vec<TantivyDocument> {
    let groups: Vec<String> = doc.groups.iter().map(|g| g.trim().to_lowercase()).collect();
    let media_type = doc.media_type.trim().to_ascii_lowercase();
    doc.chunks
        .iter()
        .map(|chunk| {
            let language =
                normalize_language(chunk.language.as_deref().or(doc.language.as_deref()));
            let text = fields.text(Variant::for_language(&language));
            let mut d = TantivyDocument::new();
            d.add_u64(fields.chunk_id, chunk.id.0.cast_unsigned());
            d.add_u64(fields.document_id, doc.id.0.cast_unsigned());
            d.add_text(text.title, &doc.title);
            d.add_text(fields.title, &doc.title);
            // A heading repeating the title (a Markdown `# Title`) is already indexed as the
            // title; indexing it again would count the title twice.
            for heading in chunk
                .heading_path
                .iter()
                .filter(|h| !same_text(h, &doc.title))
            {
                d.add_text(text.headings, heading);
            }
            d.add_text(fields.heading_path, heading_path(&chunk.heading_path));
            d.add_text(text.body, &chunk.body);
            for group in &groups {
                d.add_text(fields.groups, group);
            }
            d.add_i64(fields.source_id, doc.source_id.0);
            d.add_text(fields.media_type, &media_type);
            d.add_text(fields.language, &language);
            d.add_i64(fields.updated_at, doc.updated_at.0);
            d.add_bool(fields.public, doc.public);
            d
        })
        .collect()
}
