//! Turns the bytes of a text file into a `String` without mangling accents: French companies
//! still write Windows-1252 and UTF-16 files next to UTF-8 ones, usually without saying which.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use crate::error::ErrorKind;

/// Bytes inspected for NUL bytes and UTF-16 patterns: enough to recognise binary content.
const SNIFF_BYTES: usize = 64 * 1024;
/// Bytes fed to the charset detector: more adds time, not accuracy.
const DETECT_BYTES: usize = 1024 * 1024;
/// Share of control or undecodable characters above which text is called binary.
const MAX_GARBAGE_RATIO: f64 = 0.05;

/// Decodes text bytes: byte-order mark first, then the charset the file declares (HTML `<meta>`,
/// e-mail headers), then UTF-8 if the bytes are valid UTF-8, else the detected legacy charset
/// (Windows-1252 for French text). Content that is not text is refused as binary.
pub(crate) fn decode_text(
    bytes: &[u8],
    declared: Option<&'static Encoding>,
) -> Result<String, ErrorKind> {
    let (encoding, bom_len) = sniff(bytes, declared, true)?;
    match std::str::from_utf8(bytes)
        .ok()
        .filter(|_| encoding == UTF_8 && bom_len == 0)
    {
        Some(text) => check_textual(text).map(|()| text.to_owned()),
        None => decode_checked(encoding, &bytes[bom_len..]),
    }
}

/// The encoding of a file too large to decode at once, judged from its first bytes by the same
/// steps as [`decode_text`] (byte-order mark, BOM-less UTF-16, UTF-8 if the head is valid UTF-8,
/// else the detected legacy charset), with the length of the byte-order mark to skip. `complete`
/// says whether `head` is the whole file (a UTF-8 character cut at the end of a partial head
/// still counts as UTF-8). Streaming readers (lead imports of a million rows) decode the rest
/// with the encoding's own streaming decoder.
pub fn detect_encoding(
    head: &[u8],
    complete: bool,
) -> Result<(&'static Encoding, usize), ErrorKind> {
    sniff(head, None, complete)
}

/// The steps of [`decode_text`] that choose the encoding.
fn sniff(
    bytes: &[u8],
    declared: Option<&'static Encoding>,
    complete: bool,
) -> Result<(&'static Encoding, usize), ErrorKind> {
    if let Some(found) = Encoding::for_bom(bytes) {
        return Ok(found);
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        return Ok((encoding, 0));
    }
    if bytes[..bytes.len().min(SNIFF_BYTES)].contains(&0) {
        return Err(ErrorKind::Binary("NUL bytes".into()));
    }
    if let Some(encoding) = declared.filter(|e| *e != UTF_8) {
        return Ok((encoding.output_encoding(), 0));
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => Ok((UTF_8, 0)),
        Err(e) if !complete && e.error_len().is_none() => Ok((UTF_8, 0)),
        Err(_) => Ok((guess_legacy(bytes), 0)),
    }
}

fn decode_checked(encoding: &'static Encoding, bytes: &[u8]) -> Result<String, ErrorKind> {
    let (text, _had_errors) = encoding.decode_without_bom_handling(bytes);
    check_textual(&text)?;
    Ok(text.into_owned())
}

/// The legacy charset that best explains the bytes (never UTF-8: they are not valid UTF-8).
fn guess_legacy(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let sample = &bytes[..bytes.len().min(DETECT_BYTES)];
    detector.feed(sample, sample.len() == bytes.len());
    detector.guess(None, chardetng::Utf8Detection::Deny)
}

/// Recognises BOM-less UTF-16 (some exports write it): in Latin text every other byte is NUL.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES) & !1];
    if head.len() < 8 {
        return None;
    }
    let pairs = head.len() / 2;
    let zero_even = head.iter().step_by(2).filter(|b| **b == 0).count();
    let zero_odd = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    let mostly = |n: usize| n * 10 >= pairs * 9;
    let rarely = |n: usize| n * 10 <= pairs;
    if mostly(zero_odd) && rarely(zero_even) {
        Some(UTF_16LE)
    } else if mostly(zero_even) && rarely(zero_odd) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Refuses decoded "text" that is mostly control characters or undecodable bytes: that is a
/// binary file with a text name, and indexing it would fill search with garbage.
fn check_textual(text: &str) -> Result<(), ErrorKind> {
    let mut total = 0usize;
    let mut garbage = 0usize;
    for c in text.chars().take(SNIFF_BYTES) {
        total += 1;
        let control = c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}');
        if control || c == '\u{fffd}' {
            garbage += 1;
        }
    }
    if total > 0 && garbage as f64 / total as f64 > MAX_GARBAGE_RATIO {
        return Err(ErrorKind::Binary("control characters".into()));
    }
    Ok(())
}

/// Refuses bytes that cannot be a text format such as e-mail (NUL bytes, many control
/// characters) without decoding them: mail carries its charsets per part.
pub(crate) fn check_not_binary(bytes: &[u8]) -> Result<(), ErrorKind> {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if head.contains(&0) {
        return Err(ErrorKind::Binary("NUL bytes".into()));
    }
    let control = head
        .iter()
        .filter(|b| (**b < 0x20 && !matches!(**b, b'\n' | b'\r' | b'\t' | 0x0c)) || **b == 0x7f)
        .count();
    if !head.is_empty() && control as f64 / head.len() as f64 > MAX_GARBAGE_RATIO {
        return Err(ErrorKind::Binary("control characters".into()));
    }
    Ok(())
}

/// The charset an HTML file declares in its first kilobytes (`<meta charset>` or the
/// `http-equiv` form), per the HTML standard's prescan, simplified.
pub(crate) fn html_declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"charset") {
        let start = from + pos + b"charset".len();
        from = start;
        let rest = &lower[start..];
        let rest = trim_start(rest);
        let Some(rest) = rest.strip_prefix(b"=") else {
            continue;
        };
        let rest = trim_start(rest);
        let rest = rest
            .strip_prefix(b"\"")
            .or_else(|| rest.strip_prefix(b"'"))
            .unwrap_or(rest);
        let end = rest
            .iter()
            .position(|b| matches!(b, b'"' | b'\'' | b';' | b'>' | b'/') || b.is_ascii_whitespace())
            .unwrap_or(rest.len());
        if let Some(encoding) = Encoding::for_label(&rest[..end]) {
            return Some(encoding);
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let n = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_accents_survive() {
        let (bytes, _, _) =
            encoding_rs::WINDOWS_1252.encode("Un café à Noël, ça coûte 5 € ; œuvre.");
        assert!(std::str::from_utf8(&bytes).is_err());
        assert_eq!(
            decode_text(&bytes, None).unwrap(),
            "Un café à Noël, ça coûte 5 € ; œuvre."
        );
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let text = "Procédure de réclamation client";
        let mut le: Vec<u8> = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode_text(&le, None).unwrap(), text);
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode_text(&be, None).unwrap(), text);
    }

    #[test]
    fn binary_is_refused() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        assert!(matches!(
            decode_text(&bytes, None),
            Err(ErrorKind::Binary(_))
        ));
    }

    #[test]
    fn html_charset_prescan() {
        let html = br#"<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">"#;
        assert_eq!(html_declared_charset(html), Some(encoding_rs::WINDOWS_1252));
        assert_eq!(
            html_declared_charset(b"<meta charset='utf-8'>"),
            Some(UTF_8)
        );
        assert_eq!(html_declared_charset(b"<p>no charset here</p>"), None);
    }
}
