//! What can go wrong in the store, each error saying what happened and what to do.

use std::path::PathBuf;

/// A store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The PostgreSQL server could not be reached or refused the login.
    #[error(
        "cannot reach the database at {url}: {message}. Check that the server is running, \
         that host, port, user and password in `database_url` are right, and that the database exists"
    )]
    Unreachable {
        /// The URL with its password masked.
        url: String,
        /// The driver's explanation.
        message: String,
    },
    /// The SQLite file exists but is damaged or not a database; it is left untouched.
    #[error(
        "{path} is not a usable SQLite database ({message}). levier refuses to start and will not \
         modify it: move it away, or restore a backup with `levier restore FILE`"
    )]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What was found.
        message: String,
    },
    /// The database belongs to another application.
    #[error(
        "{location} holds a database that levier did not create ({message}); levier will not modify it"
    )]
    NotLevier {
        /// The file or the masked URL.
        location: String,
        /// What was found.
        message: String,
    },
    /// The database was written by a newer levier.
    #[error(
        "the database has schema version {found} but this levier knows versions up to {supported}: \
         it was written by a newer levier. Upgrade levier (or restore a backup made by this version)"
    )]
    TooNew {
        /// The version found in the database.
        found: i64,
        /// The newest version this binary knows.
        supported: i64,
    },
    /// The file given to restore is not a levier backup.
    #[error("{path} is not a levier backup: {message}. Nothing was changed")]
    NotABackup {
        /// The file given.
        path: PathBuf,
        /// Why it was rejected.
        message: String,
    },
    /// A record that must be unique already exists.
    #[error("{0} already exists")]
    Conflict(String),
    /// A record was not found.
    #[error("{what} {id} not found")]
    NotFound {
        /// The kind of record.
        what: &'static str,
        /// Its identifier.
        id: String,
    },
    /// The caller's input is invalid.
    #[error("{0}")]
    Invalid(String),
    /// Another process holds the data directory.
    #[error("{0}")]
    Busy(String),
    /// An I/O error on the data directory or a backup file.
    #[error("{context}: {source}")]
    Io {
        /// What levier was doing.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// Wraps an I/O error with what levier was doing.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> StoreError {
        StoreError::Io {
            context: context.into(),
            source,
        }
    }

    /// [`StoreError::NotFound`] for the record `what` number `id`.
    pub(crate) fn not_found(what: &'static str, id: impl std::fmt::Display) -> StoreError {
        StoreError::NotFound {
            what,
            id: id.to_string(),
        }
    }

    /// Ok when a statement addressing one record by id touched it, else `NotFound`.
    pub(crate) fn found(
        rows_affected: u64,
        what: &'static str,
        id: impl std::fmt::Display,
    ) -> StoreResult<()> {
        if rows_affected == 0 {
            return Err(StoreError::not_found(what, id));
        }
        Ok(())
    }

    /// Turns a unique-constraint violation into [`StoreError::Conflict`] naming `what`.
    pub(crate) fn conflict_on(what: impl Into<String>) -> impl FnOnce(sqlx::Error) -> StoreError {
        let what = what.into();
        move |e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what),
            _ => StoreError::Database(e),
        }
    }
}

/// Results of store operations.
pub type StoreResult<T> = Result<T, StoreError>;
