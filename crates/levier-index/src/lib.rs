//! levier's lexical index: find the right passage fast, in French and English, showing each
//! person only what they may read.
//!
//! The index is derived from the store: it follows the store's change sequence
//! ([`LexicalIndex::sync`]) and records the last change it applied in the same tantivy commit
//! as the changes themselves, so a crash never loses nor double-applies one. It can always be
//! thrown away and rebuilt ([`LexicalIndex::rebuild`], `levier reindex`).
//!
//! Access control is part of every query: the reader's groups are a required clause, so hits,
//! counts, facets and snippets are computed only over documents the reader may see.

pub mod analysis;
mod census;
mod collect;
mod error;
mod follow;
pub mod fusion;
pub mod hits;
mod query;
mod retriever;
mod schema;
mod search;
pub mod semantic;
mod stem;
mod sync;
pub mod vector;

pub use analysis::{ENGLISH_ANALYZER, FRENCH_ANALYZER, Variant};
pub use census::IndexCheck;
pub use error::{IndexError, IndexResult};
pub use retriever::{CANDIDATES, Fusion, ListWeights, Mode, Retrieved, Retriever, SemanticState};
pub use search::{Facets, FieldWeights, Filters, Hit, SearchRequest, SearchResults};
pub use sync::SyncReport;

use schema::Fields;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use tantivy::directory::MmapDirectory;
use tantivy::directory::error::OpenDirectoryError;
use tantivy::{Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, TantivyError};

/// The lexical (BM25) index of document chunks, kept in a directory of its own.
pub struct LexicalIndex {
    dir: PathBuf,
    index: Index,
    fields: Fields,
    analyzers: analysis::Analyzers,
    reader: IndexReader,
    /// Created on first write, so an index can be opened for searching while another process
    /// holds the writer lock (and so opening stays cheap).
    writer: Arc<tokio::sync::Mutex<Option<IndexWriter>>>,
    applied_seq: AtomicI64,
    /// Weight of a match in each field.
    weights: std::sync::RwLock<FieldWeights>,
    /// Fields with data in the current searcher, recomputed when the searcher changes.
    present: std::sync::Mutex<Option<Arc<schema::PresentFields>>>,
}

impl std::fmt::Debug for LexicalIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LexicalIndex")
            .field("dir", &self.dir)
            .field("applied_seq", &self.applied_seq())
            .finish_non_exhaustive()
    }
}

impl LexicalIndex {
    /// Opens the index in `dir`, creating it (and the directory) if absent.
    ///
    /// A damaged index or one written with another layout is refused with an error telling to
    /// run `levier reindex`, which uses [`LexicalIndex::recreate`].
    pub fn open(dir: &Path) -> IndexResult<LexicalIndex> {
        std::fs::create_dir_all(dir).map_err(|source| IndexError::Io {
            dir: dir.to_path_buf(),
            source,
        })?;
        let (schema, fields) = schema::build();
        let directory = MmapDirectory::open(dir).map_err(|e| open_dir_error(dir, e))?;
        let exists = Index::exists(&directory).map_err(|e| corrupt(dir, e))?;
        let index = if exists {
            Index::open(directory).map_err(|e| corrupt(dir, e))?
        } else {
            Index::create(directory, schema.clone(), IndexSettings::default())?
        };
        if index.schema() != schema {
            return Err(IndexError::Incompatible {
                dir: dir.to_path_buf(),
                reason: "its fields differ from this version's".into(),
            });
        }
        let analyzers = analysis::Analyzers::new();
        analysis::register(index.tokenizers(), &analyzers);
        let applied = sync::read_applied_seq(&index, dir)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|e| corrupt(dir, e))?;
        Ok(LexicalIndex {
            dir: dir.to_path_buf(),
            index,
            fields,
            analyzers,
            reader,
            writer: Arc::new(tokio::sync::Mutex::new(None)),
            applied_seq: AtomicI64::new(applied),
            present: std::sync::Mutex::new(None),
            weights: std::sync::RwLock::new(FieldWeights::default()),
        })
    }

    /// Deletes whatever index is in `dir` and creates an empty one, for `levier reindex` when
    /// the index cannot even be opened. Only files are removed: an index directory has no
    /// subdirectories, so one that does is refused rather than emptied by mistake.
    pub fn recreate(dir: &Path) -> IndexResult<LexicalIndex> {
        let io = |source| IndexError::Io {
            dir: dir.to_path_buf(),
            source,
        };
        if dir.exists() {
            for entry in std::fs::read_dir(dir).map_err(io)? {
                let path = entry.map_err(io)?.path();
                if path.is_dir() {
                    return Err(io(std::io::Error::other(format!(
                        "{} is a directory: this does not look like an index directory, refusing to empty it",
                        path.display()
                    ))));
                }
                // A merge thread of a just-dropped writer may delete a file between the
                // listing and the removal: a file already gone is what we wanted.
                match std::fs::remove_file(&path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(e)),
                    _ => {}
                }
            }
        }
        LexicalIndex::open(dir)
    }

    /// The last change of the store's sequence that the index reflects (0: none).
    pub fn applied_seq(&self) -> i64 {
        self.applied_seq.load(Ordering::Acquire)
    }

    /// Changes the weight of a match in each field for the searches that follow (tuning on a
    /// company's own documents, or a benchmark). The default is measured: see
    /// [`FieldWeights`].
    pub fn set_field_weights(&self, weights: FieldWeights) {
        *self
            .weights
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = weights;
    }

    /// The weight of a match in each field.
    pub fn field_weights(&self) -> FieldWeights {
        *self
            .weights
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The directory the index lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Number of chunks currently searchable (as of the last commit).
    pub fn chunk_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The fields with data for a searcher, computed once per generation of segments.
    fn present_fields(&self, searcher: &tantivy::Searcher) -> Arc<schema::PresentFields> {
        let mut cached = self
            .present
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match cached.as_ref() {
            Some(p) if p.is_for(searcher) => p.clone(),
            _ => {
                let p = Arc::new(schema::PresentFields::compute(searcher, &self.fields));
                *cached = Some(p.clone());
                p
            }
        }
    }

    /// Bytes the index occupies on disk.
    pub fn size_bytes(&self) -> IndexResult<u64> {
        let io = |source| IndexError::Io {
            dir: self.dir.clone(),
            source,
        };
        let mut total = 0;
        for entry in std::fs::read_dir(&self.dir).map_err(io)? {
            total += entry.map_err(io)?.metadata().map_err(io)?.len();
        }
        Ok(total)
    }
}

fn corrupt(dir: &Path, e: impl std::fmt::Display) -> IndexError {
    IndexError::Corrupt {
        dir: dir.to_path_buf(),
        reason: e.to_string(),
    }
}

fn open_dir_error(dir: &Path, e: OpenDirectoryError) -> IndexError {
    match e {
        OpenDirectoryError::IoError { io_error, .. } => IndexError::Io {
            dir: dir.to_path_buf(),
            source: std::io::Error::new(io_error.kind(), io_error.to_string()),
        },
        other => corrupt(dir, other),
    }
}

/// Maps tantivy's lock error to one that says who holds the lock.
pub(crate) fn writer_error(dir: &Path, e: TantivyError) -> IndexError {
    match e {
        TantivyError::LockFailure(..) => IndexError::Locked {
            dir: dir.to_path_buf(),
        },
        other => IndexError::Tantivy(other),
    }
}
