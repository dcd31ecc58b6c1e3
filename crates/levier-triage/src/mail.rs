//! One incoming mail as triage sees it: who wrote to whom about what, what is new in it (the
//! quoted reply and the signature set apart), which thread it belongs to, what it carries, and
//! whether a machine sent it.
//!
//! MIME, transfer encodings, declared charsets and RFC 2047 headers are decoded by mail-parser
//! (the crate levier-extract reads `.eml` files with); HTML bodies and attachments go through
//! levier-extract's readers, so a mail's text is extracted exactly as an uploaded file's.
//! A mail that is damaged but has headers is kept, with what could be read and a warning for
//! each part that could not: triage must never lose a customer's mail.

use mail_parser::{Address, HeaderValue, Message, MessageParser};
use serde::Serialize;

use crate::attachment::{Attachment, read_attachments};
use crate::automatic::{Automatic, recognise};
use crate::body::{read_body, unsplittable_multipart};
use crate::charset::subject_of;
use crate::damage::{damage_warnings, opens_with_a_header};
use crate::error::TriageError;
use crate::reply::{Reply, split_reply};
use crate::thread::thread_key;

/// Bounds on what one mail may cost: the message as a whole, and each attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailLimits {
    /// levier-extract's limits, for the message and for reading HTML bodies.
    pub extract: levier_extract::Limits,
    /// Largest attachment whose text is extracted (default 20 MB); larger ones are listed with
    /// a reason and not read.
    pub max_attachment_bytes: u64,
    /// Characters of text kept per attachment (default 20,000): a classifier needs the first
    /// pages of a CV or an invoice, not a whole catalogue.
    pub max_attachment_chars: usize,
}

impl Default for MailLimits {
    fn default() -> Self {
        MailLimits {
            extract: levier_extract::Limits::default(),
            max_attachment_bytes: 20_000_000,
            max_attachment_chars: 20_000,
        }
    }
}

/// A person or mailbox in an address header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mailbox {
    /// The display name, decoded (`Hervé Langlois`).
    pub name: Option<String>,
    /// The address (`herve.langlois@orange.fr`), as written.
    pub address: String,
}

impl Mailbox {
    /// The part after `@`, lower-cased: what routing rules and VIP lists match on.
    pub fn domain(&self) -> Option<String> {
        self.address
            .rsplit_once('@')
            .map(|(_, domain)| domain.to_ascii_lowercase())
    }
}

/// An incoming mail, parsed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mail {
    /// The sender (`From`).
    pub from: Option<Mailbox>,
    /// Direct recipients (`To`).
    pub to: Vec<Mailbox>,
    /// Copied recipients (`Cc`).
    pub cc: Vec<Mailbox>,
    /// Where replies go when it differs from the sender (`Reply-To`).
    pub reply_to: Option<Mailbox>,
    /// The subject, encoded-words and 8-bit bytes decoded; empty when there is none.
    pub subject: String,
    /// The date the sender's client wrote (RFC 3339), when it gave a readable one.
    pub date: Option<String>,
    /// Its `Message-ID`, without angle brackets.
    pub message_id: Option<String>,
    /// The message it answers (`In-Reply-To`).
    pub in_reply_to: Vec<String>,
    /// The thread it belongs to, oldest first (`References`).
    pub references: Vec<String>,
    /// Mails with the same key belong to the same conversation (see [`crate::thread`]).
    pub thread_key: String,
    /// The whole body as text (HTML converted), quotes and signature included.
    pub body: String,
    /// What the sender wrote in this mail: the body without the quoted reply and signature.
    pub new_text: String,
    /// The quoted earlier messages, if any.
    pub quoted: Option<String>,
    /// The signature (from the sign-off or `-- ` line), if one was recognised.
    pub signature: Option<String>,
    /// Attached files, each with its extracted text or why there is none.
    pub attachments: Vec<Attachment>,
    /// Set when a machine sent it: an auto-reply, a bounce, a mailing.
    pub automatic: Option<Automatic>,
    /// Size of the raw message in bytes.
    pub size: usize,
    /// Parts that could not be read, each with its reason: the mail is kept, degraded.
    pub warnings: Vec<String>,
}

impl Mail {
    /// The text a classifier reads: the subject, then what is new in the body, then the
    /// attachments' names and the start of their text.
    pub fn classification_text(&self) -> String {
        let mut text = String::with_capacity(self.subject.len() + self.new_text.len() + 64);
        text.push_str(&self.subject);
        text.push('\n');
        text.push_str(&self.new_text);
        for attachment in &self.attachments {
            text.push('\n');
            text.push_str(&attachment.name);
            if let Some(extracted) = &attachment.text {
                text.push('\n');
                text.push_str(first_chars(extracted, ATTACHMENT_CLASSIFIED_CHARS));
            }
        }
        text
    }

    /// The language of what the sender wrote (`fr`, `en`…), when it is long enough to tell:
    /// levier-extract's detector on the new text, else on the subject and new text together.
    /// Detected on demand rather than while parsing: on text that is neither clearly French
    /// nor English it costs as much as parsing the mail.
    pub fn language(&self) -> Option<String> {
        levier_extract::detect_language(&self.new_text).or_else(|| {
            levier_extract::detect_language(&format!("{}\n{}", self.subject, self.new_text))
        })
    }

    /// The sender's address, lower-cased, or an empty string.
    pub fn sender_address(&self) -> String {
        self.from
            .as_ref()
            .map(|m| m.address.to_ascii_lowercase())
            .unwrap_or_default()
    }
}

/// Characters of each attachment's text that classification reads.
const ATTACHMENT_CLASSIFIED_CHARS: usize = 2_000;

/// Parses one raw message (`.eml`, an mbox entry, an IMAP `BODY[]`). `name` names it in
/// errors and warnings. Fails only when the bytes are empty, too large or have no headers;
/// anything less is a warning on a kept mail.
pub fn parse_mail(name: &str, bytes: &[u8], limits: &MailLimits) -> Result<Mail, TriageError> {
    levier_extract::check_input_size(name, bytes.len() as u64, &limits.extract)?;
    let message = MessageParser::default()
        .parse(bytes)
        .filter(|m| !m.headers().is_empty() && opens_with_a_header(bytes))
        .ok_or_else(|| TriageError::NotAMail {
            name: name.to_owned(),
        })?;
    let mut warnings = damage_warnings(bytes, &message);
    // A multipart body that cannot be split is all text, with nothing attached.
    let (body, attachments) = match unsplittable_multipart(&message) {
        Some((raw, warning)) => {
            warnings.push(warning);
            (raw, Vec::new())
        }
        None => (
            read_body(&message, &limits.extract, &mut warnings),
            read_attachments(&message, limits, &mut warnings),
        ),
    };
    let Reply {
        new_text,
        quoted,
        signature,
    } = split_reply(&body);
    let ids = MessageIds::of(&message);
    let subject = subject_of(&message);
    Ok(Mail {
        from: message.from().and_then(|a| mailboxes(a).into_iter().next()),
        to: message.to().map(mailboxes).unwrap_or_default(),
        cc: message.cc().map(mailboxes).unwrap_or_default(),
        reply_to: message
            .reply_to()
            .and_then(|a| mailboxes(a).into_iter().next()),
        date: message.date().map(mail_parser::DateTime::to_rfc3339),
        thread_key: thread_key(&ids, &subject),
        automatic: recognise(&message, &subject),
        subject,
        message_id: ids.message_id,
        in_reply_to: ids.in_reply_to,
        references: ids.references,
        body,
        new_text,
        quoted,
        signature,
        attachments,
        size: bytes.len(),
        warnings,
    })
}

/// The identifiers that tie a message to its thread.
#[derive(Debug, Default)]
pub(crate) struct MessageIds {
    pub(crate) message_id: Option<String>,
    pub(crate) in_reply_to: Vec<String>,
    pub(crate) references: Vec<String>,
}

impl MessageIds {
    fn of(message: &Message<'_>) -> Self {
        MessageIds {
            message_id: message.message_id().map(str::to_owned),
            in_reply_to: id_list(message.in_reply_to()),
            references: id_list(message.references()),
        }
    }
}

/// mail-parser gives one id as text and several as a list.
fn id_list(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => vec![id.to_string()],
        HeaderValue::TextList(ids) => ids.iter().map(|id| id.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// Every address of a header (groups flattened); entries without an address are dropped.
fn mailboxes(address: &Address<'_>) -> Vec<Mailbox> {
    address
        .iter()
        .filter_map(|a| {
            Some(Mailbox {
                name: a.name().map(str::to_owned).filter(|n| !n.trim().is_empty()),
                address: a.address()?.to_owned(),
            })
        })
        .collect()
}

/// The first `max` characters of `text`, cut on a character boundary.
pub(crate) fn first_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}
