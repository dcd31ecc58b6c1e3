//! 8-bit text that says nothing of its charset. French mail clients and scripts still send
//! Windows-1252 (or ISO-8859-1, its subset for letters) bodies without a `charset` parameter and
//! subjects with raw 8-bit bytes instead of encoded-words; mail-parser reads such bytes as UTF-8
//! and replaces what is invalid with U+FFFD. Where that happened, the raw bytes are decoded again
//! as Windows-1252 (transfer encoding undone with mail-parser's own decoders), so "reçu" stays
//! "reçu" instead of "re�u".

use encoding_rs::WINDOWS_1252;
use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::quoted_printable::quoted_printable_decode;
use mail_parser::{Encoding, HeaderName, Message, MessagePart, MimeHeaders};

/// The subject, decoded. Raw 8-bit bytes (no encoded-words) are read as Windows-1252 when they
/// are not valid UTF-8.
pub(crate) fn subject_of(message: &Message<'_>) -> String {
    let parsed = message.subject().unwrap_or_default();
    if !parsed.contains('\u{FFFD}') {
        return parsed.trim().to_owned();
    }
    let raw = message
        .headers()
        .iter()
        .find(|h| h.name == HeaderName::Subject)
        .and_then(|h| {
            message
                .raw_message()
                .get(h.offset_start() as usize..h.offset_end() as usize)
        });
    match raw {
        Some(bytes) if std::str::from_utf8(bytes).is_err() => unfold(&decode_legacy(bytes)),
        _ => parsed.trim().to_owned(),
    }
}

/// The text of a text part, re-decoded as Windows-1252 when it declared no charset and its bytes
/// were not UTF-8. `None` when mail-parser's text stands.
pub(crate) fn redecoded_text(message: &Message<'_>, part: &MessagePart<'_>) -> Option<String> {
    let declared = part
        .content_type()
        .and_then(|ct| ct.attribute("charset"))
        .is_some();
    let lossy = part.text_contents().is_some_and(|t| t.contains('\u{FFFD}'));
    if declared || !lossy {
        return None;
    }
    let raw = message
        .raw_message()
        .get(part.offset_body as usize..part.offset_end as usize)?;
    let bytes = match part.encoding {
        Encoding::QuotedPrintable => quoted_printable_decode(raw)?,
        Encoding::Base64 => base64_decode(raw)?,
        Encoding::None => raw.to_vec(),
    };
    if std::str::from_utf8(&bytes).is_ok() {
        return None;
    }
    Some(decode_legacy(&bytes))
}

fn decode_legacy(bytes: &[u8]) -> String {
    WINDOWS_1252
        .decode_without_bom_handling(bytes)
        .0
        .into_owned()
}

/// Joins a folded header value onto one line.
fn unfold(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}
