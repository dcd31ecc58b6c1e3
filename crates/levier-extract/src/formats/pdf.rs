//! PDF: parsed by lopdf and its text drawn by pdf-extract (fonts, encodings, ToUnicode maps)
//! into our own layout collector, which keeps font sizes and positions so headings, lists and
//! table rows can be told apart. pdf-extract panics on some damaged files: every call into it
//! runs under `catch_unwind`, so a bad PDF is one failed file, not a crashed ingestion.

use std::panic::{AssertUnwindSafe, catch_unwind};

use pdf_extract::{Document as PdfDocument, Object};

use super::pdf_layout::{LayoutCollector, build_blocks};
use crate::builder::DocumentBuilder;
use crate::document::{Document, MediaType, Metadata};
use crate::error::{ErrorKind, PartError};
use crate::limits::Limits;

const FORMAT: &str = "PDF";

/// Reads a PDF, containing any panic of the PDF crates.
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Document, PartError> {
    match catch_unwind(AssertUnwindSafe(|| read_unguarded(bytes, limits))) {
        Ok(result) => result,
        Err(panic) => Err(ErrorKind::ReaderCrashed {
            format: FORMAT,
            reason: panic_message(panic.as_ref()),
        }
        .into()),
    }
}

fn read_unguarded(bytes: &[u8], limits: &Limits) -> Result<Document, PartError> {
    let pdf = load(bytes)?;
    let pages = pdf.get_pages();
    if pages.len() > limits.max_pdf_pages {
        return Err(ErrorKind::TooManyPages {
            pages: pages.len(),
            limit: limits.max_pdf_pages,
        }
        .into());
    }
    let mut layout = LayoutCollector::new(limits.max_text_bytes);
    let mut first_failure = None;
    for &page in pages.keys() {
        if let Err(failure) = read_page(&pdf, page, &mut layout) {
            if matches!(failure.kind, ErrorKind::TextTooLarge { .. }) {
                return Err(failure);
            }
            first_failure.get_or_insert(failure);
        }
    }
    let lines = layout.finish();
    if lines.is_empty() {
        return Err(first_failure.unwrap_or_else(|| {
            ErrorKind::NoText(": the PDF has no text layer (scanned pages?): run OCR on it first")
                .into()
        }));
    }
    let mut builder = DocumentBuilder::new(limits.max_text_bytes);
    build_blocks(&lines, &mut builder)?;
    let (title, metadata) = info(&pdf);
    let title = title.or_else(|| builder.first_heading());
    Ok(builder.finish(MediaType::Pdf, title, metadata)?)
}

/// Loads and, when it is only protected by an empty user password (a common "no copy" flag),
/// decrypts the file; a real password is an [`ErrorKind::EncryptedPdf`].
fn load(bytes: &[u8]) -> Result<PdfDocument, PartError> {
    let mut pdf = PdfDocument::load_mem(bytes).map_err(|e| load_error(&e))?;
    if pdf.is_encrypted() && pdf.decrypt("").is_err() {
        return Err(ErrorKind::EncryptedPdf.into());
    }
    Ok(pdf)
}

fn load_error(error: &pdf_extract::Error) -> PartError {
    match error {
        pdf_extract::Error::Decryption(_) => ErrorKind::EncryptedPdf.into(),
        other => ErrorKind::Corrupt {
            format: FORMAT,
            reason: other.to_string(),
        }
        .into(),
    }
}

fn read_page(pdf: &PdfDocument, page: u32, layout: &mut LayoutCollector) -> Result<(), PartError> {
    let drawn = catch_unwind(AssertUnwindSafe(|| {
        pdf_extract::output_doc_page(pdf, layout, page)
    }));
    let at = |kind: ErrorKind| PartError::at(format!("page {page}"), kind);
    match drawn {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) if layout.over_budget() => Err(ErrorKind::TextTooLarge {
            limit: layout.max_text_bytes(),
        }
        .into()),
        Ok(Err(e)) => Err(at(ErrorKind::Corrupt {
            format: FORMAT,
            reason: format!("{e:?}"),
        })),
        Err(panic) => Err(at(ErrorKind::ReaderCrashed {
            format: FORMAT,
            reason: panic_message(panic.as_ref()),
        })),
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        return (*s).to_owned();
    }
    if let Some(s) = panic.downcast_ref::<String>() {
        return s.clone();
    }
    "unknown panic".to_owned()
}

/// Title and metadata from the document information dictionary.
fn info(pdf: &PdfDocument) -> (Option<String>, Metadata) {
    let Some(dict) = pdf
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| pdf.dereference(o).ok())
        .and_then(|(_, o)| o.as_dict().ok())
    else {
        return (None, Metadata::default());
    };
    let field = |key: &[u8]| -> Option<String> {
        let object = dict.get(key).ok()?;
        let (_, object) = pdf.dereference(object).ok()?;
        match object {
            Object::String(bytes, _) => Some(text_string(bytes)),
            _ => None,
        }
    };
    let metadata = Metadata {
        author: field(b"Author"),
        created: field(b"CreationDate").map(|d| pdf_date(&d)),
        modified: field(b"ModDate").map(|d| pdf_date(&d)),
        subject: field(b"Subject"),
        keywords: field(b"Keywords"),
        declared_language: None,
        recipients: None,
    };
    (field(b"Title"), metadata)
}

/// A PDF text string: UTF-16 with a byte-order mark, UTF-8 with one (PDF 2.0), else
/// PDFDocEncoding, which matches Windows-1252 for the letters French needs.
fn text_string(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    encoding_rs::WINDOWS_1252
        .decode_without_bom_handling(bytes)
        .0
        .into_owned()
}

/// `D:20260112093000+01'00'` → `2026-01-12T09:30:00+01:00`; anything unexpected is kept as is.
fn pdf_date(raw: &str) -> String {
    let s = raw.trim().strip_prefix("D:").unwrap_or(raw.trim());
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits < 8 {
        return raw.to_owned();
    }
    let part = |from: usize, default: &'static str| {
        s.get(from..from + 2)
            .filter(|_| digits >= from + 2)
            .unwrap_or(default)
    };
    let date = format!("{}-{}-{}", &s[..4], &s[4..6], &s[6..8]);
    let time = format!("{}:{}:{}", part(8, "00"), part(10, "00"), part(12, "00"));
    let zone = zone(&s[digits..]);
    format!("{date}T{time}{zone}")
}

fn zone(rest: &str) -> String {
    let rest = rest.trim();
    let mut chars = rest.chars();
    let sign = match chars.next() {
        Some('Z') => return "Z".to_owned(),
        Some(sign @ ('+' | '-')) => sign,
        _ => return String::new(),
    };
    let digits: String = chars.filter(char::is_ascii_digit).collect();
    match digits.len() {
        4 => format!("{sign}{}:{}", &digits[..2], &digits[2..]),
        2 => format!("{sign}{digits}:00"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates_become_iso() {
        assert_eq!(pdf_date("D:20260112093000Z"), "2026-01-12T09:30:00Z");
        assert_eq!(
            pdf_date("D:20260112093000+01'00'"),
            "2026-01-12T09:30:00+01:00"
        );
        assert_eq!(pdf_date("D:20260112"), "2026-01-12T00:00:00");
        assert_eq!(pdf_date("hier"), "hier");
    }

    #[test]
    fn text_strings() {
        assert_eq!(text_string(b"\xfe\xff\x00\xe9\x00t\x00\xe9"), "été");
        assert_eq!(text_string(b"caf\xe9"), "café");
    }
}
