//! The `mail.send` durable task: an agent's reply to a mail's ticket (or the acknowledgement
//! of a mail just routed, when `[smtp] acknowledge` is on) goes out over SMTP after
//! it is stored, so a server that is down delays the mail (retried with the queue's backoff)
//! without losing it. The task holds only the stored message's id; what is sent is read from
//! the store when it runs: the reply's text, and the customer's mail it answers (its sender,
//! subject and Message-ID, for the threading headers).
//!
//! A send that fails for good (a refused recipient, or the last attempt) leaves a
//! message from levier on the ticket saying so, so the agent sees it on the ticket page.

use levier_core::ids::{MessageId, TaskId};
use levier_core::{Event, EventKind, Timestamp};
use levier_store::support::{Author, AuthorKind, Message, MessageView, NewMessage};
use levier_store::tasks::{HandlerResult, NewTask, Runner, TaskContext, TaskFailure};
use levier_store::{Store, StoreError, StoreResult};
use serde::{Deserialize, Serialize};

use crate::smtp::{
    AutoSubmitted, Mailer, Outgoing, OutgoingFile, SmtpError, new_message_id, reply_subject,
};
use std::path::{Path, PathBuf};

/// The kind of the task that sends a mail.
pub const SEND_TASK: &str = "mail.send";

/// Attempts of one send: with the queue's doubling delay from `retry_base_secs` (5 s by
/// default), the last one comes about 40 minutes after the first.
const SEND_ATTEMPTS: i64 = 10;

/// Messages of a conversation read to find the mail a reply answers.
const THREAD_READ_LIMIT: i64 = 1_000;

/// What a `mail.send` task sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "send")]
pub enum SendJob {
    /// An agent's stored reply, to the sender of the conversation's mail.
    Reply {
        /// The agent's message.
        message: i64,
    },
    /// An acknowledgement of a mail just routed, to its sender.
    Acknowledge {
        /// The mail.
        mail: i64,
        /// The working hours within which a person answers (`first_response_working_hours`).
        hours: u32,
    },
    /// A scheduled report's file, attached.
    Report {
        /// The recipients.
        to: Vec<String>,
        /// The schedule's name.
        name: String,
        /// The period reported (`2026-11`, `2026-W47`).
        period: String,
        /// `fr` or `en`.
        lang: String,
        /// The written file.
        file: PathBuf,
    },
}

/// Enqueues the sending of an agent's stored reply.
pub async fn enqueue_reply(store: &Store, message: MessageId) -> StoreResult<TaskId> {
    enqueue(store, &SendJob::Reply { message: message.0 }).await
}

/// Enqueues the acknowledgement of a mail just routed, promising an answer within `hours`
/// working hours.
pub async fn enqueue_acknowledgement(store: &Store, mail: i64, hours: u32) -> StoreResult<TaskId> {
    enqueue(store, &SendJob::Acknowledge { mail, hours }).await
}

/// Enqueues the mailing of a scheduled report's written `file` to `to`.
pub async fn enqueue_report(
    store: &Store,
    to: &[String],
    name: &str,
    period: &str,
    lang: &str,
    file: &Path,
) -> StoreResult<TaskId> {
    let job = SendJob::Report {
        to: to.to_vec(),
        name: name.into(),
        period: period.into(),
        lang: lang.into(),
        file: file.to_path_buf(),
    };
    enqueue(store, &job).await
}

async fn enqueue(store: &Store, job: &SendJob) -> StoreResult<TaskId> {
    let payload = serde_json::to_value(job).map_err(|e| StoreError::Invalid(e.to_string()))?;
    store
        .enqueue_task(&NewTask {
            kind: SEND_TASK.into(),
            payload,
            max_attempts: SEND_ATTEMPTS,
        })
        .await
}

/// Registers the `mail.send` handler, sending with `mailer`.
pub fn register(runner: Runner, mailer: Mailer) -> Runner {
    runner.register(SEND_TASK, move |ctx| {
        let mailer = mailer.clone();
        async move { run(&ctx, &mailer).await }
    })
}

async fn run(ctx: &TaskContext, mailer: &Mailer) -> HandlerResult {
    let job: SendJob = serde_json::from_value(ctx.task.payload.clone())
        .map_err(|e| TaskFailure::Permanent(format!("not a mail to send: {e}")))?;
    match job {
        SendJob::Reply { message } => {
            let outcome = send_reply(ctx, mailer, MessageId(message)).await;
            if let Err(TaskFailure::Permanent(why) | TaskFailure::Retry(why)) = &outcome
                && (ctx.task.attempts >= ctx.task.max_attempts
                    || matches!(outcome, Err(TaskFailure::Permanent(_))))
            {
                note_failure(&ctx.store, MessageId(message), why).await;
            }
            outcome
        }
        SendJob::Acknowledge { mail, hours } => acknowledge(ctx, mailer, mail, hours).await,
        SendJob::Report {
            to,
            name,
            period,
            lang,
            file,
        } => {
            let english = lang == "en";
            let subject = match english {
                true => format!("levier report {name}, {period}"),
                false => format!("Rapport levier {name}, {period}"),
            };
            let body = match english {
                true => format!("Hello,\n\nThe report {name} for {period} is attached.\n"),
                false => format!(
                    "Bonjour,\n\nVeuillez trouver ci-joint le rapport {name} de {period}.\n"
                ),
            };
            send_file(ctx, mailer, to, subject, body, &file).await
        }
    }
}

/// Sends `file` attached; a file gone is a permanent failure (the report task wrote it).
async fn send_file(
    ctx: &TaskContext,
    mailer: &Mailer,
    to: Vec<String>,
    subject: String,
    body: String,
    file: &Path,
) -> HandlerResult {
    let bytes = std::fs::read(file)
        .map_err(|e| TaskFailure::Permanent(format!("reading {}: {e}", file.display())))?;
    let name = file
        .file_name()
        .map_or_else(|| "report".into(), |n| n.to_string_lossy().into_owned());
    let from = mailer.from().email.to_string();
    let outgoing = Outgoing {
        to,
        subject,
        body,
        message_id: new_message_id("report", ctx.task.id.0, ctx.task.created_at.millis(), &from),
        automatic: Some(AutoSubmitted::Generated),
        files: vec![OutgoingFile {
            content_type: content_type(&name).into(),
            name,
            bytes,
        }],
        ..Outgoing::default()
    };
    let sent = mailer.send(&outgoing).await.map_err(failure)?;
    Ok(serde_json::json!({ "message_id": sent, "to": outgoing.to }))
}

/// The MIME type of a report file, by its extension.
fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("pdf") => "application/pdf",
        Some("html") => "text/html; charset=utf-8",
        Some("md") => "text/markdown; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// Sends the acknowledgement of `mail_id` (in its language, French unless English) and
/// records `MailAcknowledged`. Never to a machine, to spam, or to levier's own address: an
/// answer to an auto-reply starts a mail loop.
async fn acknowledge(
    ctx: &TaskContext,
    mailer: &Mailer,
    mail_id: i64,
    hours: u32,
) -> HandlerResult {
    let stored = ctx
        .store
        .mail(mail_id)
        .await
        .map_err(retry)?
        .ok_or_else(|| TaskFailure::Permanent(format!("mail {mail_id} no longer exists")))?;
    let mail = &stored.mail;
    let from = mailer.from().email.to_string();
    if mail.spam || mail.automatic.is_some() || mail.from_address.eq_ignore_ascii_case(&from) {
        return Ok(serde_json::json!({ "skipped": "spam, automatic or our own" }));
    }
    let english = mail.language.as_deref() == Some("en");
    let signature = mailer.from().name.clone().unwrap_or_default();
    let outgoing = Outgoing {
        to: vec![mail.from_address.clone()],
        subject: reply_subject(&mail.subject),
        body: acknowledgement_text(english, &mail.subject, hours, &signature),
        message_id: new_message_id("ack", ctx.task.id.0, ctx.task.created_at.millis(), &from),
        in_reply_to: Some(mail.message_key.clone()),
        automatic: Some(AutoSubmitted::Replied),
        ..Outgoing::default()
    };
    let sent = mailer.send(&outgoing).await.map_err(failure)?;
    let event = Event {
        at: Timestamp::now(),
        actor: None,
        kind: EventKind::MailAcknowledged { mail_id },
    };
    ctx.store.append_event(&event).await.map_err(retry)?;
    Ok(serde_json::json!({ "message_id": sent, "to": outgoing.to, "mail_id": mail_id }))
}

/// The acknowledgement's text, French or English.
pub fn acknowledgement_text(english: bool, subject: &str, hours: u32, signature: &str) -> String {
    let subject = subject.trim();
    if english {
        format!(
            "Hello,\n\nWe have received your message \"{subject}\". A member of our team will \
             answer it within {hours} working hours.\n\nThis is an automatic acknowledgement: \
             there is no need to reply to it.\n\n{signature}\n"
        )
    } else {
        format!(
            "Bonjour,\n\nNous avons bien reçu votre message « {subject} ». Un membre de notre \
             équipe vous répondra dans un délai de {hours} heures ouvrées.\n\nCeci est un \
             accusé de réception automatique : inutile d'y répondre.\n\n{signature}\n"
        )
    }
}

/// Sends the reply `message`; the Message-ID comes from the task, so every attempt sends the
/// same one.
async fn send_reply(ctx: &TaskContext, mailer: &Mailer, message: MessageId) -> HandlerResult {
    let store = &ctx.store;
    let reply = store
        .message(message)
        .await
        .map_err(retry)?
        .ok_or_else(|| TaskFailure::Permanent(format!("message {message} no longer exists")))?;
    let mail_id = answered_mail(store, &reply).await?;
    let mail = store
        .mail(mail_id)
        .await
        .map_err(retry)?
        .ok_or_else(|| TaskFailure::Permanent(format!("mail {mail_id} no longer exists")))?;
    let from = mailer.from().email.to_string();
    let outgoing = Outgoing {
        to: vec![mail.mail.from_address.clone()],
        subject: reply_subject(&mail.mail.subject),
        body: reply.body.clone(),
        message_id: new_message_id("reply", ctx.task.id.0, ctx.task.created_at.millis(), &from),
        in_reply_to: Some(mail.mail.message_key.clone()),
        ..Outgoing::default()
    };
    let sent = mailer.send(&outgoing).await.map_err(failure)?;
    Ok(serde_json::json!({ "message_id": sent, "to": outgoing.to, "mail_id": mail_id }))
}

/// The mail a reply answers: the last customer's mail before it in its conversation.
async fn answered_mail(store: &Store, reply: &Message) -> Result<i64, TaskFailure> {
    let thread = store
        .messages_after(
            reply.conversation_id,
            None,
            MessageView::Agent,
            THREAD_READ_LIMIT,
        )
        .await
        .map_err(retry)?;
    thread
        .iter()
        .filter(|m| m.author_kind == AuthorKind::Customer && m.id < reply.id)
        .filter_map(|m| m.metadata["mail_id"].as_i64())
        .next_back()
        .ok_or_else(|| {
            TaskFailure::Permanent(format!(
                "conversation {} holds no mail to answer",
                reply.conversation_id
            ))
        })
}

/// Leaves a message from levier on the reply's ticket: the mail was not sent, and why.
async fn note_failure(store: &Store, message: MessageId, why: &str) {
    let Ok(Some(reply)) = store.message(message).await else {
        return;
    };
    let note = NewMessage {
        conversation_id: reply.conversation_id,
        author: Author::System,
        body: format!("✉ Réponse non envoyée par e-mail / reply not sent by e-mail: {why}"),
        // Not an internal note (the store keeps those to agents): a mail's conversation has no
        // customer view, its customer only receives what is mailed.
        internal: false,
        client_key: Some(format!("mail.send.failed:{message}")),
        metadata: serde_json::json!({ "mail_send_failed": message.0 }),
    };
    if let Err(e) = store.append_message(&note).await {
        tracing::warn!(%message, "the failed mail's note was not written: {e}");
    }
}

fn retry(e: levier_store::StoreError) -> TaskFailure {
    TaskFailure::Retry(e.to_string())
}

fn failure(e: SmtpError) -> TaskFailure {
    if e.is_transient() {
        TaskFailure::Retry(e.to_string())
    } else {
        TaskFailure::Permanent(e.to_string())
    }
}
