//! E-mail (RFC 5322, `.eml`): parsed by mail-parser, which decodes MIME, transfer encodings,
//! charsets and RFC 2047 headers. The subject is the title, the sender the author, the date
//! the creation date; the text/plain body is preferred, else the HTML body goes through the
//! HTML reader (so its scripts and styles are dropped too). Quoted replies (`>` lines) become
//! quote blocks.

use mail_parser::{Address, Message, MessageParser, MimeHeaders, PartType};

use super::html::read_html_into;
use super::plain_text::{Headings, read_text_into};
use crate::builder::DocumentBuilder;
use crate::document::{Document, MediaType, Metadata};
use crate::encoding::check_not_binary;
use crate::error::{ErrorKind, PartError};
use crate::limits::Limits;

/// Reads one e-mail message.
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Document, PartError> {
    check_not_binary(bytes)?;
    let message = MessageParser::default().parse(bytes).ok_or_else(|| {
        PartError::from(ErrorKind::Corrupt {
            format: "e-mail",
            reason: "no message headers or body".into(),
        })
    })?;
    let mut builder = DocumentBuilder::new(limits.max_text_bytes);
    for part in message.text_bodies() {
        match &part.body {
            PartType::Text(text) => read_text_into(text, &mut builder, Headings::Never)?,
            PartType::Html(html) => {
                read_html_into(html, &mut builder)?;
            }
            _ => {}
        }
    }
    read_text_attachments(&message, &mut builder)?;
    let metadata = Metadata {
        author: message.from().and_then(format_addresses),
        created: message.date().map(mail_parser::DateTime::to_rfc3339),
        modified: None,
        subject: None,
        keywords: None,
        declared_language: message
            .header_raw("Content-Language")
            .map(|l| l.trim().to_owned()),
        recipients: message.to().and_then(format_addresses),
    };
    let title = message.subject().map(str::to_owned);
    Ok(builder.finish(MediaType::Email, title, metadata)?)
}

/// Text attachments (a CV sent as `.txt`, an HTML notice) are part of what the message says:
/// each goes under a heading with its file name. Binary attachments are left to the caller.
fn read_text_attachments(
    message: &Message<'_>,
    builder: &mut DocumentBuilder,
) -> Result<(), PartError> {
    for attachment in message.attachments() {
        let name = attachment.attachment_name().unwrap_or("attachment");
        match &attachment.body {
            PartType::Text(text) => {
                builder.heading(1, name)?;
                read_text_into(text, builder, Headings::Never)?;
            }
            PartType::Html(html) => {
                builder.heading(1, name)?;
                read_html_into(html, builder)?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// `Hervé Langlois <herve.langlois@orange.fr>, …`
fn format_addresses(address: &Address<'_>) -> Option<String> {
    let all: Vec<String> = address
        .iter()
        .map(|a| match (a.name(), a.address()) {
            (Some(name), Some(addr)) => format!("{name} <{addr}>"),
            (Some(name), None) => name.to_owned(),
            (None, Some(addr)) => addr.to_owned(),
            (None, None) => String::new(),
        })
        .filter(|s| !s.is_empty())
        .collect();
    (!all.is_empty()).then(|| all.join(", "))
}
