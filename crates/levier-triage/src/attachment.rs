//! Attached files: listed with their type and size, their text extracted by levier-extract's
//! readers (PDF, DOCX, ODT, HTML, text…) under the same bounds as an uploaded file (zip bombs,
//! page counts, text size), and refused above a size limit. An attachment that cannot be read
//! keeps its place in the list with the reason, so an agent sees that a CV or an invoice came
//! even when its text did not.

use mail_parser::{Message, MessagePart, MimeHeaders, PartType};
use serde::Serialize;

use crate::mail::{MailLimits, first_chars};

/// One attached file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// Its file name, or `attachment-N` when the sender's client gave none.
    pub name: String,
    /// Its declared MIME type (`application/pdf`).
    pub content_type: String,
    /// Its size in bytes, decoded.
    pub size: usize,
    /// Its text, at most [`MailLimits::max_attachment_chars`] characters.
    pub text: Option<String>,
    /// Why there is no text (an image, a file over the limit, a damaged file).
    pub error: Option<String>,
}

/// Every attachment of the message, in order; failures are also added to `warnings`.
pub(crate) fn read_attachments(
    message: &Message<'_>,
    limits: &MailLimits,
    warnings: &mut Vec<String>,
) -> Vec<Attachment> {
    message
        .attachments()
        .enumerate()
        .map(|(i, part)| {
            let attachment = read_attachment(i + 1, part, limits);
            if let Some(error) = &attachment.error {
                warnings.push(format!("attachment {}: {error}", attachment.name));
            }
            attachment
        })
        .collect()
}

fn read_attachment(position: usize, part: &MessagePart<'_>, limits: &MailLimits) -> Attachment {
    let name = part
        .attachment_name()
        .map(str::to_owned)
        .unwrap_or_else(|| format!("attachment-{position}"));
    let content_type = part
        .content_type()
        .map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{sub}", ct.ctype()),
            None => ct.ctype().to_owned(),
        })
        .unwrap_or_else(|| "application/octet-stream".into());
    let bytes = part_bytes(part);
    let (text, error) = match extract_text(&name, &bytes, limits) {
        Ok(text) => (Some(text), None),
        Err(error) => (None, Some(error)),
    };
    Attachment {
        size: bytes.len(),
        name,
        content_type,
        text,
        error,
    }
}

/// The decoded content of a part; a forwarded message (`message/rfc822`) as its raw bytes,
/// which levier-extract reads as an e-mail.
fn part_bytes<'a>(part: &'a MessagePart<'_>) -> std::borrow::Cow<'a, [u8]> {
    match &part.body {
        PartType::Message(message) => message.raw_message().into(),
        _ => part.contents().into(),
    }
}

fn extract_text(name: &str, bytes: &[u8], limits: &MailLimits) -> Result<String, String> {
    if bytes.len() as u64 > limits.max_attachment_bytes {
        let bounded = levier_extract::Limits {
            max_input_bytes: limits.max_attachment_bytes,
            ..limits.extract.clone()
        };
        let refused = levier_extract::check_input_size(name, bytes.len() as u64, &bounded);
        return Err(refused
            .err()
            .map_or_else(String::new, |e| e.kind.to_string()));
    }
    let document =
        levier_extract::extract(name, bytes, &limits.extract).map_err(|e| e.kind.to_string())?;
    Ok(first_chars(&document.text(), limits.max_attachment_chars).to_owned())
}
