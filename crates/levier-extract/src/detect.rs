//! Which reader a file goes to. Signatures in the bytes decide first (a PDF called `.txt` is
//! a PDF; a PNG called `.txt` is refused), then the extension, then a sniff of textual
//! content for files without a known extension.

use crate::document::MediaType;
use crate::error::ErrorKind;

/// Detects the format of a file from its bytes and name. Errors name formats levier knows it
/// cannot read (images, legacy Office files, other archives), with what to do instead.
pub fn detect_format(file_name: &str, bytes: &[u8]) -> Result<MediaType, ErrorKind> {
    if let Some(found) = by_signature(file_name, bytes) {
        return found;
    }
    if let Some(media_type) = by_extension(file_name) {
        return Ok(media_type);
    }
    Ok(sniff_text(bytes))
}

fn by_signature(file_name: &str, bytes: &[u8]) -> Option<Result<MediaType, ErrorKind>> {
    let head = &bytes[..bytes.len().min(1024)];
    if contains(head, b"%PDF-") {
        return Some(Ok(MediaType::Pdf));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(
            zip_kind(bytes).or_else(|error| match by_extension(file_name) {
                // A damaged or unusual archive named .docx/.odt goes to its reader, which says
                // what is missing.
                Some(media_type @ (MediaType::Docx | MediaType::Odt)) => Ok(media_type),
                _ => Err(error),
            }),
        );
    }
    binary_signature(bytes).map(|what| Err(ErrorKind::Unsupported(what.to_owned())))
}

/// Tells DOCX from ODT from other zip files by the names in the archive, which are stored
/// uncompressed: no need to open the archive to route it.
fn zip_kind(bytes: &[u8]) -> Result<MediaType, ErrorKind> {
    const ODF: &[u8] = b"mimetypeapplication/vnd.oasis.opendocument.";
    let head = &bytes[..bytes.len().min(256)];
    if let Some(pos) = find(head, ODF) {
        let kind = &head[pos + ODF.len()..];
        if kind.starts_with(b"text") {
            return Ok(MediaType::Odt);
        }
        return Err(ErrorKind::Unsupported(
            "OpenDocument file other than text (spreadsheet or presentation)".into(),
        ));
    }
    // Entry names sit in the central directory at the end (and in the first local header).
    let names = &bytes[bytes.len().saturating_sub(1 << 20)..];
    let has = |name: &[u8]| contains(names, name) || contains(head, name);
    if has(b"word/document.xml") {
        return Ok(MediaType::Docx);
    }
    if has(b"xl/workbook.xml") {
        return Err(ErrorKind::Unsupported(
            "Excel workbook (.xlsx): export it as CSV".into(),
        ));
    }
    if has(b"ppt/presentation.xml") {
        return Err(ErrorKind::Unsupported(
            "PowerPoint presentation (.pptx): export it as PDF".into(),
        ));
    }
    if has(b"content.xml") {
        return Ok(MediaType::Odt);
    }
    Err(ErrorKind::Unsupported(
        "zip archive: extract it and add its files".into(),
    ))
}

fn binary_signature(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            "legacy Microsoft Office file (.doc/.xls/.ppt): save it as .docx or PDF",
        ),
        (b"\x89PNG\r\n\x1a\n", "PNG image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"GIF87a", "GIF image"),
        (b"GIF89a", "GIF image"),
        (b"II*\0", "TIFF image"),
        (b"MM\0*", "TIFF image"),
        (b"\x7FELF", "executable program"),
        (b"\x1F\x8B", "gzip archive: decompress it first"),
        (b"7z\xBC\xAF\x27\x1C", "7-Zip archive: extract it first"),
        (b"Rar!\x1A\x07", "RAR archive: extract it first"),
        (b"{\\rtf", "RTF document: save it as .docx"),
        (b"SQLite format 3\0", "SQLite database"),
    ];
    SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, what)| *what)
}

fn by_extension(file_name: &str) -> Option<MediaType> {
    let extension = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    let media_type = match extension.as_str() {
        "md" | "markdown" | "mdown" | "mkd" => MediaType::Markdown,
        "txt" | "text" => MediaType::PlainText,
        "html" | "htm" | "xhtml" => MediaType::Html,
        "pdf" => MediaType::Pdf,
        "docx" => MediaType::Docx,
        "odt" => MediaType::Odt,
        "eml" => MediaType::Email,
        "mbox" | "mbx" => MediaType::Mbox,
        "csv" => MediaType::Csv,
        _ => return None,
    };
    Some(media_type)
}

/// For files without a known extension: HTML, a mailbox or a message if the text looks like
/// one, else plain text.
fn sniff_text(bytes: &[u8]) -> MediaType {
    let head: Vec<u8> = bytes[..bytes.len().min(1024)]
        .iter()
        .map(u8::to_ascii_lowercase)
        .collect();
    let trimmed = head
        .strip_prefix(b"\xef\xbb\xbf".as_slice())
        .unwrap_or(&head)
        .trim_ascii_start();
    if trimmed.starts_with(b"<!doctype html") || trimmed.starts_with(b"<html") {
        return MediaType::Html;
    }
    if bytes.starts_with(b"From ") {
        return MediaType::Mbox;
    }
    if looks_like_mail_headers(trimmed) {
        return MediaType::Email;
    }
    MediaType::PlainText
}

/// True when the text opens with RFC 5322 header fields, at least two of them well known.
fn looks_like_mail_headers(head: &[u8]) -> bool {
    const KNOWN: &[&[u8]] = &[
        b"from:",
        b"to:",
        b"subject:",
        b"date:",
        b"message-id:",
        b"received:",
        b"return-path:",
        b"mime-version:",
        b"delivered-to:",
        b"content-type:",
    ];
    let lines: Vec<&[u8]> = head.split(|b| *b == b'\n').take(8).collect();
    let known = lines
        .iter()
        .filter(|line| KNOWN.iter().any(|k| line.starts_with(k)))
        .count();
    known >= 2
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_wins_over_extension() {
        assert_eq!(
            detect_format("notes.txt", b"%PDF-1.4\n..."),
            Ok(MediaType::Pdf)
        );
        assert!(matches!(
            detect_format("photo.txt", b"\x89PNG\r\n\x1a\n...."),
            Err(ErrorKind::Unsupported(_))
        ));
    }

    #[test]
    fn extension_then_sniff() {
        assert_eq!(detect_format("a.MD", b"# x"), Ok(MediaType::Markdown));
        assert_eq!(
            detect_format("page", b"  <!DOCTYPE html><p>x"),
            Ok(MediaType::Html)
        );
        assert_eq!(
            detect_format("msg", b"From: a@b.fr\nTo: c@d.fr\nSubject: x\n\nbody"),
            Ok(MediaType::Email)
        );
        assert_eq!(detect_format("README", b"hello"), Ok(MediaType::PlainText));
    }
}
