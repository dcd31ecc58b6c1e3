//! Errors of the lexical index, each saying what to do about it.

use std::path::PathBuf;

/// Result of index operations.
pub type IndexResult<T> = Result<T, IndexError>;

/// What can go wrong with the lexical index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The query has no words to search for.
    #[error("the search query is empty: type at least one word")]
    EmptyQuery,
    /// The request is malformed (e.g. a page size out of range).
    #[error("invalid search request: {0}")]
    InvalidRequest(String),
    /// The index directory cannot be read as a levier index.
    #[error(
        "the search index at {dir} is damaged ({reason}); run `levier reindex` to rebuild it from the store"
    )]
    Corrupt {
        /// The index directory.
        dir: PathBuf,
        /// What was found wrong.
        reason: String,
    },
    /// The index was written with another layout (another levier version).
    #[error(
        "the search index at {dir} was written by another version of levier ({reason}); run `levier reindex` to rebuild it"
    )]
    Incompatible {
        /// The index directory.
        dir: PathBuf,
        /// What differs.
        reason: String,
    },
    /// Another process (or another open index in this process) is writing to the index.
    #[error(
        "the search index at {dir} is being written by another process; stop it (or remove a stale lock file if none runs) and retry"
    )]
    Locked {
        /// The index directory.
        dir: PathBuf,
    },
    /// The index directory could not be created or read.
    #[error("cannot use the search index directory {dir}: {source}")]
    Io {
        /// The index directory.
        dir: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Reading the store failed while following its changes.
    #[error("reading the store for indexing failed: {0}")]
    Store(#[from] levier_store::StoreError),
    /// The search engine failed.
    #[error("search index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The embedding model failed (missing or damaged files, a text it cannot encode).
    #[error("{0}")]
    Model(#[from] levier_ml::MlError),
    /// A background indexing step did not finish.
    #[error("an indexing step was interrupted: {0}")]
    Interrupted(String),
}
