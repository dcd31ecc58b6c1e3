//! Bytes to text for levier's internal search.
//!
//! [`extract`] reads a file — Markdown, plain text, HTML, PDF, DOCX, ODT, e-mail or CSV — into
//! a [`Document`]: its text in structural [`Block`]s (headings, paragraphs, list items, table
//! rows, quotes, code), each knowing the headings above it, plus title, metadata and detected
//! language. [`extract_mbox`] reads a mailbox message by message, [`faq_csv`] reads an FAQ
//! table, and [`chunk`] cuts a document into passages for indexing.
//!
//! Everything here is synchronous and does no I/O: callers hand in bytes. Hostile input is
//! expected — every file is bounded by [`Limits`] (size, zip bombs, pages, text), a panic in
//! the PDF crates is contained, nothing in a file is ever executed or fetched — and each failure
//! is an [`ExtractError`] that names the file, the part and what to do.

mod builder;
mod chunk;
mod detect;
mod document;
mod encoding;
mod error;
mod faq;
mod formats;
mod language;
mod limits;

pub use chunk::{Chunk, ChunkOptions, chunk};
pub use detect::detect_format;
pub use document::{BLOCK_SEPARATOR, Block, BlockKind, Document, MediaType, Metadata};
pub use encoding::detect_encoding;
pub use error::{ErrorKind, ExtractError};
pub use faq::{FaqRow, RowError, faq_csv};
pub use formats::csv_table::detect_delimiter;
pub use formats::mbox::{MailboxMessage, mbox_messages};
pub use language::detect_language;
pub use limits::Limits;

use error::PartError;
use formats::{csv_table, docx, email, html, markdown, mbox, odt, pdf, plain_text};

/// Extracts one file, its format detected from its content, then its name.
///
/// A mailbox holds several documents: it is refused here with [`ErrorKind::Mailbox`]; read it
/// with [`extract_mbox`] (use [`detect_format`] to route files).
pub fn extract(file_name: &str, bytes: &[u8], limits: &Limits) -> Result<Document, ExtractError> {
    check_input(file_name, bytes, limits)?;
    let media_type =
        detect_format(file_name, bytes).map_err(|kind| ExtractError::new(file_name, kind))?;
    read_as(media_type, bytes, limits).map_err(|e| ExtractError::from_part(file_name, e))
}

/// Extracts one file as the given format, without detection: for callers that already know
/// the type (an upload's declared type, a test of one reader).
pub fn extract_as(
    media_type: MediaType,
    file_name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Document, ExtractError> {
    check_input(file_name, bytes, limits)?;
    read_as(media_type, bytes, limits).map_err(|e| ExtractError::from_part(file_name, e))
}

/// Reads a mailbox (mbox): one result per message, in order, each with its position and byte
/// offset. A broken message is an error in its slot; the others are still read.
pub fn extract_mbox(
    file_name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<MailboxMessage>, ExtractError> {
    check_input(file_name, bytes, limits)?;
    mbox::read(file_name, bytes, limits).map_err(|kind| ExtractError::new(file_name, kind))
}

/// Refuses a file by its size alone, so a caller can check before reading a huge file into
/// memory: [`ErrorKind::Empty`] or [`ErrorKind::TooLarge`].
pub fn check_input_size(file_name: &str, size: u64, limits: &Limits) -> Result<(), ExtractError> {
    if size == 0 {
        return Err(ExtractError::new(file_name, ErrorKind::Empty));
    }
    if size > limits.max_input_bytes {
        let kind = ErrorKind::TooLarge {
            size,
            limit: limits.max_input_bytes,
        };
        return Err(ExtractError::new(file_name, kind));
    }
    Ok(())
}

fn check_input(file_name: &str, bytes: &[u8], limits: &Limits) -> Result<(), ExtractError> {
    check_input_size(file_name, bytes.len() as u64, limits)
}

fn read_as(media_type: MediaType, bytes: &[u8], limits: &Limits) -> Result<Document, PartError> {
    match media_type {
        MediaType::Markdown => markdown::read(bytes, limits),
        MediaType::PlainText => plain_text::read(bytes, limits),
        MediaType::Html => html::read(bytes, limits),
        MediaType::Pdf => pdf::read(bytes, limits),
        MediaType::Docx => docx::read(bytes, limits),
        MediaType::Odt => odt::read(bytes, limits),
        MediaType::Email => email::read(bytes, limits),
        MediaType::Csv => csv_table::read(bytes, limits),
        MediaType::Mbox => Err(ErrorKind::Mailbox.into()),
    }
}
