//! Why a file could not be read, said so that the person who uploaded it knows what to do.

use std::fmt;

use crate::limits::human_size;

/// A failure to extract one file: which file, which part of it (page, archive entry, message,
/// line) and what went wrong. Its message is shown as is in the ingestion summary, e.g.
/// `rapport.pdf: encrypted PDF (password-protected): export it without a password`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ExtractError {
    /// The file name as given to [`crate::extract`].
    pub file: String,
    /// Where in the file, when it matters: `page 3`, `word/document.xml`, `message 2`.
    pub part: Option<String>,
    /// What went wrong.
    pub kind: ErrorKind,
}

impl fmt::Display for ExtractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.part {
            Some(part) => write!(f, "{}: {part}: {}", self.file, self.kind),
            None => write!(f, "{}: {}", self.file, self.kind),
        }
    }
}

impl ExtractError {
    /// An error about the whole file.
    pub(crate) fn new(file: &str, kind: ErrorKind) -> Self {
        Self {
            file: file.to_owned(),
            part: None,
            kind,
        }
    }

    /// An error about one message of a mailbox.
    pub(crate) fn in_message(file: &str, index: usize, kind: ErrorKind) -> Self {
        Self {
            file: file.to_owned(),
            part: Some(format!("message {index}")),
            kind,
        }
    }

    /// The error a reader reported, about the named file.
    pub(crate) fn from_part(file: &str, error: PartError) -> Self {
        Self {
            file: file.to_owned(),
            part: error.part,
            kind: error.kind,
        }
    }
}

/// What a format reader reports: the kind of failure and, when it matters, the part of the
/// file (page, archive entry) it happened in. The file name is added by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PartError {
    pub(crate) part: Option<String>,
    pub(crate) kind: ErrorKind,
}

impl PartError {
    pub(crate) fn at(part: impl Into<String>, kind: ErrorKind) -> Self {
        Self {
            part: Some(part.into()),
            kind,
        }
    }
}

impl From<ErrorKind> for PartError {
    fn from(kind: ErrorKind) -> Self {
        Self { part: None, kind }
    }
}

/// The kinds of extraction failure. Each message says what happened and, where there is one,
/// what the user can do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file has no bytes at all.
    #[error("empty file")]
    Empty,
    /// The file is larger than [`crate::Limits::max_input_bytes`].
    #[error(
        "file is {}, over the {} limit: split it into smaller files",
        human_size(*size),
        human_size(*limit)
    )]
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The file holds bytes that are not text where text was expected.
    #[error("binary content, not text ({0})")]
    Binary(String),
    /// A format levier does not read.
    #[error("unsupported format: {0}")]
    Unsupported(String),
    /// A password-protected PDF.
    #[error("encrypted PDF (password-protected): export it without a password")]
    EncryptedPdf,
    /// The file is damaged or truncated.
    #[error("corrupt or truncated {format} file: {reason}")]
    Corrupt {
        /// The format it was read as (`PDF`, `DOCX`…).
        format: &'static str,
        /// What the reader found wrong.
        reason: String,
    },
    /// An archive entry decompresses to more than the archive budget allows.
    #[error(
        "zip entry {entry} uncompressed size exceeds {} (zip bomb?)",
        human_size(*limit)
    )]
    ZipBomb {
        /// The entry being read when the budget ran out.
        entry: String,
        /// The budget in bytes.
        limit: u64,
    },
    /// An archive lists more entries than allowed.
    #[error("archive lists {count} entries, over the {limit} limit (zip bomb?)")]
    TooManyEntries {
        /// Entries listed.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A PDF has more pages than allowed.
    #[error("PDF has {pages} pages, over the {limit}-page limit: split it")]
    TooManyPages {
        /// Pages in the file.
        pages: usize,
        /// The limit.
        limit: usize,
    },
    /// A mailbox holds more messages than allowed.
    #[error("mailbox holds more than {limit} messages: split it")]
    TooManyMessages {
        /// The limit.
        limit: usize,
    },
    /// The extracted text is larger than [`crate::Limits::max_text_bytes`].
    #[error("extracted text exceeds {}: split the file", human_size(*limit as u64))]
    TextTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The file was read but holds no text (a scanned PDF, an empty page).
    #[error("no text found{0}")]
    NoText(&'static str),
    /// A third-party reader crashed on this file; the crash was contained.
    #[error("the {format} reader failed on this file ({reason}): it is probably damaged")]
    ReaderCrashed {
        /// The format (`PDF`).
        format: &'static str,
        /// The reader's panic message.
        reason: String,
    },
    /// A mailbox must be read message by message with [`crate::extract_mbox`].
    #[error("a mailbox holds several messages: read it with extract_mbox")]
    Mailbox,
}
