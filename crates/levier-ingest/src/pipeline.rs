//! Ingesting many files fast: in batches, extraction of one batch overlapping the store
//! writes of the previous one.
//!
//! A batch is stored in one transaction (a transaction per document capped ingestion at a few
//! MB/s), its files extracted on every core. Batches are bounded in bytes and in files, so
//! memory stays bounded whatever the size of the folder: at most one batch being filled, one
//! being extracted and one being stored.

use crate::file::{Prepared, prepare_all, store_prepared};
use crate::{FileInput, FileOutcome, IngestError};
use levier_extract::{ChunkOptions, Limits};
use levier_store::Store;
use tokio::task::JoinHandle;

/// Bytes of files per batch: large enough that a transaction's fixed cost is spread over many
/// documents, small enough that extraction and storage overlap on a folder of a few MB.
const BATCH_BYTES: usize = 2 * 1024 * 1024;
/// Files per batch, for folders of tiny files.
const BATCH_FILES: usize = 1024;

/// Files being ingested in batches. Push files with [`Pipeline::push`], then call
/// [`Pipeline::finish`]: a file is stored (acknowledged) only once its outcome is returned.
pub struct Pipeline<'s> {
    store: &'s Store,
    limits: Limits,
    chunking: ChunkOptions,
    /// Files waiting for their batch to fill.
    batch: Vec<FileInput>,
    batch_bytes: usize,
    /// The previous batch, being extracted.
    extracting: Option<Extraction>,
}

/// A batch being extracted in the background.
type Extraction = JoinHandle<Result<Vec<Prepared>, IngestError>>;

impl<'s> Pipeline<'s> {
    /// An empty pipeline into `store`.
    pub fn new(store: &'s Store, limits: &Limits, chunking: &ChunkOptions) -> Self {
        Pipeline {
            store,
            limits: limits.clone(),
            chunking: chunking.clone(),
            batch: Vec::new(),
            batch_bytes: 0,
            extracting: None,
        }
    }

    /// Adds a file. Returns the outcomes of the files stored meanwhile (those of an earlier
    /// batch), in the order they were pushed.
    pub async fn push(&mut self, input: FileInput) -> Result<Vec<FileOutcome>, IngestError> {
        self.batch_bytes += input.bytes.len();
        self.batch.push(input);
        if self.batch_bytes < BATCH_BYTES && self.batch.len() < BATCH_FILES {
            return Ok(Vec::new());
        }
        self.cut().await
    }

    /// Stores every file pushed; returns the outcomes not returned yet, in order.
    pub async fn finish(mut self) -> Result<Vec<FileOutcome>, IngestError> {
        let mut out = self.cut().await?;
        if let Some(job) = self.extracting.take() {
            out.extend(self.store_extracted(job).await?);
        }
        Ok(out)
    }

    /// Starts extracting the current batch, and stores the previous one meanwhile.
    async fn cut(&mut self) -> Result<Vec<FileOutcome>, IngestError> {
        let batch = std::mem::take(&mut self.batch);
        self.batch_bytes = 0;
        let previous = self.extracting.take();
        if !batch.is_empty() {
            let (limits, chunking) = (self.limits.clone(), self.chunking.clone());
            self.extracting = Some(tokio::spawn(async move {
                prepare_all(batch, &limits, &chunking).await
            }));
        }
        match previous {
            Some(job) => self.store_extracted(job).await,
            None => Ok(Vec::new()),
        }
    }

    /// Waits for a batch's extraction, and stores it.
    async fn store_extracted(&self, job: Extraction) -> Result<Vec<FileOutcome>, IngestError> {
        let prepared = job
            .await
            .map_err(|e| IngestError::Stopped(format!("extraction interrupted: {e}")))??;
        store_prepared(self.store, prepared).await
    }
}
