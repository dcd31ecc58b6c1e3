//! Ingestion: files in, documents and passages out, into the store.
//!
//! A source is a folder kept in sync (recursive and incremental: a file whose size and
//! modification time did not change is not read again; a changed file is replaced; a deleted
//! file is removed), uploads, or single files. Each file is extracted (levier-extract), cut into
//! passages, and stored with its access groups; many files go through a [`Pipeline`], which
//! extracts them on every core and stores them a batch per transaction. The index follows the
//! store.
//! A file that cannot be read fails alone, with its reason, and the rest goes in.

pub mod faq;
mod file;
mod folder;
mod pipeline;
mod rules;
pub mod task;

pub use file::{FileInput, FileOutcome, ingest_file};
pub use folder::sync_folder;
pub use pipeline::Pipeline;
pub use rules::Access;

use serde::{Deserialize, Serialize};

/// What an ingestion run did, file by file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IngestReport {
    /// Documents added.
    pub added: usize,
    /// Documents replaced by a new version.
    pub updated: usize,
    /// Documents whose content did not change.
    pub unchanged: usize,
    /// Documents removed because their file is gone.
    pub removed: usize,
    /// FAQ entries imported from FAQ CSV files.
    pub faq_entries: usize,
    /// Bytes of the files read.
    pub bytes_read: u64,
    /// Files (or parts of files) that could not be ingested, with the reason.
    pub failed: Vec<Failure>,
}

/// A file that could not be ingested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// The file, relative to its source (with `#N` for the Nth message of a mailbox).
    pub path: String,
    /// Why, and what to do.
    pub reason: String,
}

impl IngestReport {
    /// Adds another report's counts to this one.
    pub fn merge(&mut self, other: IngestReport) {
        self.added += other.added;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.removed += other.removed;
        self.faq_entries += other.faq_entries;
        self.bytes_read += other.bytes_read;
        self.failed.extend(other.failed);
    }

    /// One line for people.
    pub fn summary(&self) -> String {
        format!(
            "{} added, {} updated, {} unchanged, {} removed, {} failed{}",
            self.added,
            self.updated,
            self.unchanged,
            self.removed,
            self.failed.len(),
            if self.faq_entries > 0 {
                format!(", {} FAQ entries", self.faq_entries)
            } else {
                String::new()
            }
        )
    }
}

/// Ingestion could not run at all (as opposed to one file failing).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] levier_store::StoreError),
    /// The source folder cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// An access rules file is invalid.
    #[error("{0}")]
    Rules(String),
    /// The run was stopped (its task was cancelled).
    #[error("stopped: {0}")]
    Stopped(String),
}

/// Hears how a run progresses, and may stop it between two files.
pub trait Progress {
    /// `done` of `total` files handled; `current` is the file about to be read.
    fn report(
        &mut self,
        done: usize,
        total: usize,
        current: &str,
    ) -> impl std::future::Future<Output = Result<(), IngestError>> + Send;
}

/// A progress listener that ignores everything (tests, benchmarks).
pub struct Quiet;

impl Progress for Quiet {
    async fn report(&mut self, _: usize, _: usize, _: &str) -> Result<(), IngestError> {
        Ok(())
    }
}
