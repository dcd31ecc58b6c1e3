//! Mails that no person wrote: auto-replies (out of office), bounces (delivery status
//! notifications) and mailings. Triage must recognise them before anything else: acknowledging
//! an auto-reply starts a mail loop, and a bounce is about a mail *we* sent, not a request.
//!
//! Headers decide first (RFC 3834 `Auto-Submitted`, the de-facto `X-Autoreply`,
//! `X-Autorespond`, `Precedence`, RFC 3464 `multipart/report; report-type=delivery-status`,
//! `List-Id`/`List-Unsubscribe`), then the sender (`MAILER-DAEMON`, `postmaster`), then the
//! subject lines that French and English servers and clients write.

use mail_parser::{Message, MimeHeaders};
use serde::{Deserialize, Serialize};

/// What kind of machine sent a mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Automatic {
    /// An out-of-office or other automatic answer: never acknowledge it.
    AutoReply,
    /// A delivery failure report about a mail sent from this mailbox.
    Bounce,
    /// A newsletter or mailing-list message.
    Bulk,
}

/// Recognises an automatic mail from its headers, sender and subject.
pub(crate) fn recognise(message: &Message<'_>, subject: &str) -> Option<Automatic> {
    if is_bounce(message, subject) {
        return Some(Automatic::Bounce);
    }
    if is_auto_reply(message, subject) {
        return Some(Automatic::AutoReply);
    }
    let bulk = header(message, "Precedence").is_some_and(|p| p == "bulk" || p == "list")
        || message.header_raw("List-Id").is_some()
        || message.header_raw("List-Unsubscribe").is_some();
    bulk.then_some(Automatic::Bulk)
}

fn is_bounce(message: &Message<'_>, subject: &str) -> bool {
    const SUBJECTS: &[&str] = &[
        "undelivered mail returned to sender",
        "delivery status notification",
        "mail delivery failed",
        "mail delivery failure",
        "undeliverable:",
        "returned mail:",
        "non remis :",
        "non remis:",
        "échec de la remise",
        "message non délivré",
        "erreur de distribution",
    ];
    let report = message.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
            && ct
                .attribute("report-type")
                .is_some_and(|t| t.eq_ignore_ascii_case("delivery-status"))
    });
    let sender = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let daemon = sender.starts_with("mailer-daemon@") || sender.starts_with("postmaster@");
    // The first three subjects are only ever written by mail servers; the others could start
    // a person's mail, so they count only from a daemon.
    report
        || (daemon && starts_with_any(subject, SUBJECTS))
        || starts_with_any(subject, &SUBJECTS[..3])
}

fn is_auto_reply(message: &Message<'_>, subject: &str) -> bool {
    const SUBJECTS: &[&str] = &[
        "réponse automatique",
        "reponse automatique",
        "absence du bureau",
        "absent du bureau",
        "message d'absence",
        "automatic reply",
        "auto-reply",
        "autoreply",
        "auto:",
        "out of office",
        "out of the office",
    ];
    header(message, "Auto-Submitted").is_some_and(|v| v != "no")
        || message.header_raw("X-Autoreply").is_some()
        || message.header_raw("X-Autorespond").is_some()
        || header(message, "Precedence").is_some_and(|p| p == "auto_reply")
        || starts_with_any(subject, SUBJECTS)
}

/// A header's value, trimmed and lower-cased, without parameters (`auto-replied; x=y`).
fn header(message: &Message<'_>, name: &str) -> Option<String> {
    let raw = message.header_raw(name)?;
    let value = raw.split(';').next().unwrap_or_default();
    Some(value.trim().to_ascii_lowercase())
}

fn starts_with_any(subject: &str, prefixes: &[&str]) -> bool {
    let subject = subject.trim_start().to_lowercase();
    prefixes.iter().any(|p| subject.starts_with(p))
}
