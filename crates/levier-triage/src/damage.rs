//! Damage that mail-parser recovers from silently, said in a warning that names the place: a
//! header line without a colon (dropped), a part whose transfer encoding could not be decoded
//! (invalid base64: kept as it came). The mail is still imported — triage never loses a
//! customer's mail — but whoever imports it learns what was wrong and where.
//!
//! Also the test that bytes are a mail at all: mail-parser reads headers into anything,
//! binary garbage included, and an empty "mail" in the inbox helps nobody.

use mail_parser::{Message, MimeHeaders};

/// Whether the bytes open with a header field (`Name: value`, the name printable ASCII
/// without a colon), after an optional mbox `From ` line and byte-order mark.
pub(crate) fn opens_with_a_header(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut lines = bytes.split(|&b| b == b'\n');
    let first = match lines.next() {
        Some(line) if line.starts_with(b"From ") => lines.next().unwrap_or_default(),
        Some(line) => line,
        None => return false,
    };
    field_name(first).is_some()
}

/// The name of a header field line, if it is one.
fn field_name(line: &[u8]) -> Option<&[u8]> {
    let colon = line.iter().position(|&b| b == b':')?;
    // Obsolete syntax (RFC 5322 §4.5) allows spaces before the colon.
    let name = line[..colon].trim_ascii_end();
    (!name.is_empty() && name.iter().all(|&b| (33..=126).contains(&b))).then_some(name)
}

/// Most header lines reported: a mail with hundreds of broken lines needs one look, not
/// hundreds of warnings.
const MAX_HEADER_WARNINGS: usize = 3;

/// Warnings for the header lines without a colon and the parts that could not be decoded.
pub(crate) fn damage_warnings(bytes: &[u8], message: &Message<'_>) -> Vec<String> {
    let mut warnings = header_lines_without_colon(bytes);
    for (i, part) in message.parts.iter().enumerate() {
        if part.is_encoding_problem {
            let what = part
                .attachment_name()
                .map(|n| format!("attachment {n}"))
                .unwrap_or_else(|| format!("MIME part {}", i + 1));
            warnings.push(format!(
                "{what}: its transfer encoding (base64 or quoted-printable) is invalid or its \
                 boundary is missing: kept as it came"
            ));
        }
    }
    warnings
}

/// `header line 3 has no colon ("…"): ignored`, for the first few such lines of the header
/// block (continuation lines, which start with a space or a tab, are not fields).
fn header_lines_without_colon(bytes: &[u8]) -> Vec<String> {
    bytes
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .enumerate()
        .take_while(|(_, line)| !line.is_empty())
        .filter(|(n, line)| {
            let continuation = line.starts_with(b" ") || line.starts_with(b"\t");
            let mbox_line = *n == 0 && line.starts_with(b"From ");
            !continuation && !mbox_line && field_name(line).is_none()
        })
        .take(MAX_HEADER_WARNINGS)
        .map(|(n, line)| {
            let shown: String = String::from_utf8_lossy(line).chars().take(40).collect();
            format!("header line {} has no colon (\"{shown}\"): ignored", n + 1)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_opens_a_mail_and_garbage_does_not() {
        assert!(opens_with_a_header(b"From: a@b.fr\r\n\r\nx"));
        assert!(opens_with_a_header(
            b"From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\ny"
        ));
        assert!(!opens_with_a_header(b"\x00\x9f\x92: \xff\n"));
        assert!(!opens_with_a_header(
            b"Bonjour, voici ma commande : 3 cartons\n"
        ));
        assert!(!opens_with_a_header(b""));
    }
}
