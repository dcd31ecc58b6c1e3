//! The shared mailbox's mails as triage left them: what was received (once per message key,
//! so a re-import or a duplicate delivery adds nothing), what triage decided, where the mail
//! was routed (the support conversation and ticket it opened, in the agents' inbox), and the
//! corrections people made, which are the triage model's next training examples.
//!
//! Every step writes its KPI event in the same transaction as the row it describes: received,
//! classified (with confidence), spam caught, routed, reclassified by a person, spam missed.
//! The first reply and resolution of a mail's ticket are recorded by the ticket code
//! ([`mail_ticket_events`]).

pub mod rules;

pub use rules::{DEFAULT_QUEUE, MailRule, MailRuleSpec, Route, RouteFacts, TargetKind, route_for};

use crate::filter::Filter;
use crate::row::{json, time};
use crate::support::{Author, Handoff, NewMessage, TicketPriority};
use crate::text_enum::text_enum;
use crate::tx::WriteTx;
use crate::{Store, StoreError, StoreResult, events};
use levier_core::ids::{ConversationId, TicketId, UserId};
use levier_core::{Event, EventKind, Timestamp};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

text_enum!(
    /// What became of a mail.
    MailStatus {
        /// Stored, not routed yet.
        New = "new",
        /// Its ticket is open in the inbox.
        Routed = "routed",
        /// Set aside as spam.
        Spam = "spam",
        /// Sent by a machine (auto-reply, bounce, mailing): kept, not routed.
        Automatic = "automatic",
    }
);

/// A mail to store, with what triage decided about it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NewMail {
    /// Its `Message-ID`, or `sha256:` of its bytes when it has none: the key that makes a
    /// second import of the same mail a no-op.
    pub message_key: String,
    /// The conversation it belongs to (see levier-triage's thread key).
    pub thread_key: String,
    /// Where it came from (`archive.mbox#3 (offset 1234)`, `msg-001.eml`, `imap:INBOX/42`).
    pub source: String,
    /// The sender's address.
    pub from_address: String,
    /// The sender's display name.
    pub from_name: String,
    /// Recipients' addresses.
    pub to_addresses: Vec<String>,
    /// The subject.
    pub subject: String,
    /// The date the sender's client wrote (RFC 3339), if readable.
    pub sent_at: Option<String>,
    /// The whole body as text.
    pub body: String,
    /// What the sender wrote in this mail, without quotes and signature.
    pub new_text: String,
    /// Attachments: name, size, and their text cut to a limit (JSON array).
    pub attachments: serde_json::Value,
    /// `auto_reply`, `bounce`, `mailing` when a machine sent it.
    pub automatic: Option<String>,
    /// The spam filter's verdict.
    pub spam: bool,
    /// The spam filter's probability (0 when no filter ran). Not an `Option`: sqlx's Any
    /// driver sends an optional float in a format PostgreSQL rejects.
    pub spam_score: f64,
    /// The category triage chose.
    pub category: String,
    /// Its calibrated confidence.
    pub confidence: f64,
    /// `basse`, `normale`, `haute`.
    pub urgency: Option<String>,
    /// The language of what the sender wrote.
    pub language: Option<String>,
    /// `negatif`, `neutre`, `positif`.
    pub sentiment: String,
    /// Below the confidence threshold: a person chooses the category.
    pub to_review: bool,
}

/// A stored mail.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredMail {
    /// Identifier.
    pub id: i64,
    /// What it was received as.
    #[serde(flatten)]
    pub mail: NewMail,
    /// When levier received it.
    pub received_at: Timestamp,
    /// What became of it.
    pub status: MailStatus,
    /// The rule that routed it.
    pub rule_id: Option<i64>,
    /// Where it was routed (`queue:général`).
    pub route: Option<String>,
    /// The support conversation holding it.
    pub conversation_id: Option<ConversationId>,
    /// Its ticket in the inbox.
    pub ticket_id: Option<TicketId>,
}

/// The result of storing a mail: false `created` when its key was already there (nothing
/// changed).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredOnce {
    /// The mail as stored.
    pub mail: StoredMail,
    /// True when this call stored it.
    pub created: bool,
}

/// Which mails a listing shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MailQuery {
    /// Only this category.
    pub category: Option<String>,
    /// Only mails to review (true) or only sure ones (false).
    pub to_review: Option<bool>,
    /// Only spam (true) or only non-spam (false).
    pub spam: Option<bool>,
    /// At most this many, newest first (all when `None`).
    pub limit: Option<i64>,
}

/// A person's correction of a mail.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MailCorrection {
    /// The mail.
    pub mail_id: i64,
    /// Who.
    pub user_id: Option<UserId>,
    /// `category` or `spam`.
    pub field: String,
    /// What triage had said.
    pub from: String,
    /// What the person chose.
    pub to: String,
    /// When.
    pub at: Timestamp,
}

/// A mail a person labelled (by correcting it): a training example for the triage model.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectedMail {
    /// Its subject.
    pub subject: String,
    /// What the sender wrote.
    pub new_text: String,
    /// Its category now.
    pub category: String,
    /// Whether it is spam now.
    pub spam: bool,
}

/// How many mails of each category, for the Emails page's groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryCount {
    /// The category.
    pub category: String,
    /// Non-spam mails in it.
    pub mails: i64,
    /// Of which to review.
    pub to_review: i64,
}

const COLUMNS: &str = "id, message_key, thread_key, source, from_address, from_name, to_addresses, subject, sent_at, received_at, body, new_text, attachments, automatic, spam, spam_score, category, confidence, urgency, language, sentiment, to_review, status, rule_id, route_target, conversation_id, ticket_id";

impl Store {
    /// Stores a received mail once: a mail whose key is already stored is returned as it is,
    /// and nothing else happens. A new one records its received, classified and (for spam)
    /// spam-caught events in the same transaction.
    pub async fn store_mail(&self, new: &NewMail) -> StoreResult<StoredOnce> {
        if new.message_key.trim().is_empty() {
            return Err(StoreError::Invalid("a mail needs a message key".into()));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let Some(mail) = insert(&mut tx, new, now).await? else {
            let mail = by_key(&mut tx, &new.message_key).await?;
            tx.commit().await?;
            return Ok(StoredOnce {
                mail,
                created: false,
            });
        };
        events::append_many_in(&mut tx, &arrival_events(&mail, now)).await?;
        tx.commit().await?;
        Ok(StoredOnce {
            mail,
            created: true,
        })
    }

    /// Routes a stored mail: opens a support conversation holding it (channel `email`, the
    /// mail as the customer's message) and hands it to people with the mail's category and
    /// `suggested` answers, so it lands in the same inbox as the assistant's handoffs. A mail
    /// already routed is returned unchanged, so a retried import never opens a second ticket.
    pub async fn route_mail(
        &self,
        id: i64,
        route: &Route,
        suggested: serde_json::Value,
    ) -> StoreResult<StoredMail> {
        let mail = self.mail_or_not_found(id).await?;
        if mail.ticket_id.is_some() {
            return Ok(mail);
        }
        let conversation = match mail.conversation_id {
            Some(c) => c,
            None => self.open_mail_conversation(&mail).await?,
        };
        self.append_message(&NewMessage {
            conversation_id: conversation,
            author: Author::Customer,
            body: message_body(&mail.mail),
            internal: false,
            client_key: Some(format!("mail:{id}")),
            metadata: serde_json::json!({ "mail_id": id }),
        })
        .await?;
        let ticket = self
            .hand_off(
                &Handoff {
                    conversation_id: conversation,
                    reason: "email".into(),
                    priority: route.priority.unwrap_or(priority_of(&mail.mail)),
                    category: mail.mail.category.clone(),
                    subject: mail.mail.subject.clone(),
                    suggested_answers: suggested,
                    first_response_due_at: None,
                    resolution_due_at: None,
                },
                None,
            )
            .await?;
        if route.assignee.is_some() {
            self.assign_ticket(ticket.id, route.assignee).await?;
        }
        self.record_route(id, route, Some(ticket.id)).await
    }

    /// Records where a mail goes now (a person's correction moved it): the route, the
    /// ticket's category and assignee follow. Records no event: the correction did.
    pub async fn reroute_mail(&self, id: i64, route: &Route) -> StoreResult<StoredMail> {
        let mail = self.mail_or_not_found(id).await?;
        let Some(ticket) = mail.ticket_id else {
            return Ok(mail);
        };
        let current = self
            .ticket(ticket)
            .await?
            .ok_or_else(|| StoreError::not_found("ticket", ticket))?;
        let priority = route.priority.unwrap_or(current.priority);
        self.triage_ticket(ticket, priority, &mail.mail.category)
            .await?;
        if route.assignee.is_some() {
            self.assign_ticket(ticket, route.assignee).await?;
        }
        let mut tx = self.write_tx().await?;
        update_route(&mut tx, id, route).await?;
        let mail = by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(mail)
    }

    /// Sets a mail aside without a ticket: spam, or sent by a machine.
    pub async fn set_mail_status(&self, id: i64, status: MailStatus) -> StoreResult<StoredMail> {
        let done = sqlx::query("UPDATE mails SET status = $2 WHERE id = $1")
            .bind(id)
            .bind(status.as_str())
            .execute(self.pool())
            .await?;
        StoreError::found(done.rows_affected(), "mail", id)?;
        self.mail_or_not_found(id).await
    }

    /// A person chose a mail's category: the correction is recorded (who, from what, to what),
    /// the mail is no longer to review, and the reclassified event counts in the error rate.
    /// Choosing the category it already has only clears "to review".
    pub async fn correct_mail_category(
        &self,
        id: i64,
        category: &str,
        by: UserId,
    ) -> StoreResult<StoredMail> {
        let category = category.trim();
        if category.is_empty() {
            return Err(StoreError::Invalid("category: choose a category".into()));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let before = by_id(&mut tx, id).await?;
        sqlx::query("UPDATE mails SET category = $2, to_review = 0 WHERE id = $1")
            .bind(id)
            .bind(category)
            .execute(&mut *tx)
            .await?;
        if before.mail.category != category {
            let from = before.mail.category.clone();
            correction(&mut tx, id, by, "category", &from, category, now).await?;
            let kind = EventKind::MailReclassified {
                mail_id: id,
                from,
                to: category.to_owned(),
            };
            events::append_in(&mut tx, &event(now, Some(by), kind)).await?;
        }
        let mail = by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(mail)
    }

    /// A person marked a mail as spam (or not): recorded as a correction; marking spam a mail
    /// the filter let through is a missed spam.
    pub async fn correct_mail_spam(
        &self,
        id: i64,
        spam: bool,
        by: UserId,
    ) -> StoreResult<StoredMail> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let before = by_id(&mut tx, id).await?;
        if before.mail.spam != spam {
            sqlx::query("UPDATE mails SET spam = $2 WHERE id = $1")
                .bind(id)
                .bind(i64::from(spam))
                .execute(&mut *tx)
                .await?;
            let (from, to) = (before.mail.spam.to_string(), spam.to_string());
            correction(&mut tx, id, by, "spam", &from, &to, now).await?;
            if spam {
                let kind = EventKind::MailSpamMissed { mail_id: id };
                events::append_in(&mut tx, &event(now, Some(by), kind)).await?;
            }
        }
        let mail = by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(mail)
    }

    /// Gives a mail's ticket the answers drafted for it, when it has none yet (a mail routed
    /// by an import gets them the first time an agent opens it, from the server that holds
    /// the assistant). Returns whether they were stored.
    pub async fn suggest_for_ticket(
        &self,
        ticket: TicketId,
        suggested: &serde_json::Value,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE tickets SET suggested_answers = $2 WHERE id = $1 AND suggested_answers = '[]'",
        )
        .bind(ticket.0)
        .bind(suggested.to_string())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A mail by id.
    pub async fn mail(&self, id: i64) -> StoreResult<Option<StoredMail>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM mails WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(stored_mail).transpose()
    }

    /// Mails matching `q`, newest first.
    pub async fn mails(&self, q: &MailQuery) -> StoreResult<Vec<StoredMail>> {
        let mut f = Filter::default();
        if let Some(category) = &q.category {
            f.text("category = ?", category.as_str());
        }
        if let Some(to_review) = q.to_review {
            f.int("to_review = ?", i64::from(to_review));
        }
        if let Some(spam) = q.spam {
            f.int("spam = ?", i64::from(spam));
        }
        let limit = q
            .limit
            .map_or(String::new(), |n| format!(" LIMIT {}", n.max(0)));
        let sql = format!(
            "SELECT {COLUMNS} FROM mails{} ORDER BY received_at DESC, id DESC{limit}",
            f.where_sql()
        );
        let rows = f.bind(sqlx::query(&sql)).fetch_all(self.pool()).await?;
        rows.iter().map(stored_mail).collect()
    }

    /// Non-spam mails per category, largest first.
    pub async fn mail_categories(&self) -> StoreResult<Vec<CategoryCount>> {
        let rows = sqlx::query(
            "SELECT category, COUNT(*) AS n, CAST(SUM(to_review) AS BIGINT) AS r FROM mails WHERE spam = 0
             GROUP BY category ORDER BY COUNT(*) DESC, category",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CategoryCount {
                    category: r.try_get("category")?,
                    mails: r.try_get("n")?,
                    to_review: r.try_get::<Option<i64>, _>("r")?.unwrap_or(0),
                })
            })
            .collect()
    }

    /// A mail's corrections, oldest first.
    pub async fn mail_corrections(&self, id: i64) -> StoreResult<Vec<MailCorrection>> {
        let rows = sqlx::query(
            "SELECT mail_id, user_id, field, from_value, to_value, at FROM mail_corrections
             WHERE mail_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(MailCorrection {
                    mail_id: r.try_get("mail_id")?,
                    user_id: r.try_get::<Option<i64>, _>("user_id")?.map(UserId),
                    field: r.try_get("field")?,
                    from: r.try_get("from_value")?,
                    to: r.try_get("to_value")?,
                    at: time(r, "at")?,
                })
            })
            .collect()
    }

    /// Every mail a person corrected, as it stands now: what retraining adds to the labelled
    /// set.
    pub async fn corrected_mails(&self) -> StoreResult<Vec<CorrectedMail>> {
        let rows = sqlx::query(
            "SELECT subject, new_text, category, spam FROM mails
             WHERE id IN (SELECT mail_id FROM mail_corrections) ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CorrectedMail {
                    subject: r.try_get("subject")?,
                    new_text: r.try_get("new_text")?,
                    category: r.try_get("category")?,
                    spam: r.try_get::<i64, _>("spam")? != 0,
                })
            })
            .collect()
    }

    async fn mail_or_not_found(&self, id: i64) -> StoreResult<StoredMail> {
        self.mail(id)
            .await?
            .ok_or_else(|| StoreError::not_found("mail", id))
    }

    /// A support conversation for the mail, linked to it at once so a retry reuses it.
    async fn open_mail_conversation(&self, mail: &StoredMail) -> StoreResult<ConversationId> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "INSERT INTO conversations (channel, status, subject, language, created_at, updated_at)
             VALUES ('email', 'waiting', $1, $2, $3, $3) RETURNING id",
        )
        .bind(mail.mail.subject.as_str())
        .bind(mail.mail.language.as_deref())
        .bind(now.millis())
        .fetch_one(&mut *tx)
        .await?;
        let conversation = ConversationId(row.try_get("id")?);
        sqlx::query("UPDATE mails SET conversation_id = $2 WHERE id = $1")
            .bind(mail.id)
            .bind(conversation.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(conversation)
    }

    async fn record_route(
        &self,
        id: i64,
        route: &Route,
        ticket: Option<TicketId>,
    ) -> StoreResult<StoredMail> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        update_route(&mut tx, id, route).await?;
        sqlx::query("UPDATE mails SET status = 'routed', ticket_id = $2 WHERE id = $1")
            .bind(id)
            .bind(ticket.map(|t| t.0))
            .execute(&mut *tx)
            .await?;
        if let Some(ticket_id) = ticket {
            let kind = EventKind::MailRouted {
                mail_id: id,
                ticket_id,
                target: route.label(),
            };
            events::append_in(&mut tx, &event(now, None, kind)).await?;
        }
        let mail = by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(mail)
    }
}

/// The mail events a ticket's change causes: the first reply or the resolution of a mail's
/// ticket, measured from the mail's arrival. Called by the ticket code in its transaction;
/// nothing for conversations that hold no mail.
pub(crate) async fn mail_ticket_events(
    tx: &mut WriteTx,
    conversation: ConversationId,
    first_reply: bool,
    now: Timestamp,
    actor: Option<UserId>,
) -> StoreResult<()> {
    let row = sqlx::query("SELECT id, received_at FROM mails WHERE conversation_id = $1")
        .bind(conversation.0)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(row) = row else { return Ok(()) };
    let mail_id: i64 = row.try_get("id")?;
    let after_ms = now.millis() - time(&row, "received_at")?.millis();
    let kind = if first_reply {
        EventKind::MailFirstReply { mail_id, after_ms }
    } else {
        EventKind::MailResolved { mail_id, after_ms }
    };
    events::append_in(tx, &event(now, actor, kind)).await?;
    Ok(())
}

fn event(at: Timestamp, actor: Option<UserId>, kind: EventKind) -> Event {
    Event { at, actor, kind }
}

/// Received, classified, and spam caught when the filter set it aside.
fn arrival_events(mail: &StoredMail, now: Timestamp) -> Vec<Event> {
    let m = &mail.mail;
    let mut out = vec![
        event(now, None, EventKind::MailReceived { mail_id: mail.id }),
        event(
            now,
            None,
            EventKind::MailClassified {
                mail_id: mail.id,
                category: m.category.clone(),
                confidence: m.confidence,
                to_review: m.to_review,
            },
        ),
    ];
    if m.spam {
        let probability = m.spam_score;
        let kind = EventKind::MailSpamCaught {
            mail_id: mail.id,
            probability,
        };
        out.push(event(now, None, kind));
    }
    out
}

/// The customer's message in the inbox: the subject, what the sender wrote, and the names of
/// what they attached (the whole mail stays on the Emails page).
fn message_body(mail: &NewMail) -> String {
    let mut body = format!("{}\n\n{}", mail.subject, mail.new_text.trim());
    if body.trim().is_empty() {
        body = "(mail sans texte)".into();
    }
    let names: Vec<&str> = mail
        .attachments
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["name"].as_str())
        .collect();
    if !names.is_empty() {
        body.push_str("\n\n📎 ");
        body.push_str(&names.join(", "));
    }
    body
}

/// The ticket priority a mail's urgency suggests.
fn priority_of(mail: &NewMail) -> TicketPriority {
    match mail.urgency.as_deref() {
        Some("haute") => TicketPriority::High,
        Some("basse") => TicketPriority::Low,
        _ => TicketPriority::Normal,
    }
}

async fn insert(tx: &mut WriteTx, m: &NewMail, now: Timestamp) -> StoreResult<Option<StoredMail>> {
    let status = if m.spam {
        MailStatus::Spam
    } else if m.automatic.is_some() {
        MailStatus::Automatic
    } else {
        MailStatus::New
    };
    let row = sqlx::query(&format!(
        "INSERT INTO mails (message_key, thread_key, source, from_address, from_name, to_addresses,
         subject, sent_at, received_at, body, new_text, attachments, automatic, spam, spam_score,
         category, confidence, urgency, language, sentiment, to_review, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
         $19, $20, $21, $22)
         ON CONFLICT (message_key) DO NOTHING RETURNING {COLUMNS}"
    ))
    .bind(m.message_key.as_str())
    .bind(m.thread_key.as_str())
    .bind(m.source.as_str())
    .bind(m.from_address.as_str())
    .bind(m.from_name.as_str())
    .bind(serde_json::to_string(&m.to_addresses).unwrap_or_else(|_| "[]".into()))
    .bind(m.subject.as_str())
    .bind(m.sent_at.as_deref())
    .bind(now.millis())
    .bind(m.body.as_str())
    .bind(m.new_text.as_str())
    .bind(m.attachments.to_string())
    .bind(m.automatic.as_deref())
    .bind(i64::from(m.spam))
    .bind(m.spam_score)
    .bind(m.category.as_str())
    .bind(m.confidence)
    .bind(m.urgency.as_deref())
    .bind(m.language.as_deref())
    .bind(m.sentiment.as_str())
    .bind(i64::from(m.to_review))
    .bind(status.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(stored_mail).transpose()
}

async fn by_key(tx: &mut WriteTx, key: &str) -> StoreResult<StoredMail> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM mails WHERE message_key = $1"
    ))
    .bind(key)
    .fetch_one(&mut **tx)
    .await?;
    stored_mail(&row)
}

async fn by_id(tx: &mut WriteTx, id: i64) -> StoreResult<StoredMail> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM mails WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::not_found("mail", id))?;
    stored_mail(&row)
}

async fn update_route(tx: &mut WriteTx, id: i64, route: &Route) -> StoreResult<()> {
    sqlx::query("UPDATE mails SET rule_id = $2, route_kind = $3, route_target = $4 WHERE id = $1")
        .bind(id)
        .bind(route.rule_id)
        .bind(route.kind.as_str())
        .bind(route.label())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn correction(
    tx: &mut WriteTx,
    mail: i64,
    by: UserId,
    field: &str,
    from: &str,
    to: &str,
    now: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO mail_corrections (mail_id, user_id, field, from_value, to_value, at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(mail)
    .bind(by.0)
    .bind(field)
    .bind(from)
    .bind(to)
    .bind(now.millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn stored_mail(row: &AnyRow) -> StoreResult<StoredMail> {
    let to: String = row.try_get("to_addresses")?;
    Ok(StoredMail {
        id: row.try_get("id")?,
        mail: NewMail {
            message_key: row.try_get("message_key")?,
            thread_key: row.try_get("thread_key")?,
            source: row.try_get("source")?,
            from_address: row.try_get("from_address")?,
            from_name: row.try_get("from_name")?,
            to_addresses: serde_json::from_str(&to).unwrap_or_default(),
            subject: row.try_get("subject")?,
            sent_at: row.try_get("sent_at")?,
            body: row.try_get("body")?,
            new_text: row.try_get("new_text")?,
            attachments: json(row, "attachments")?,
            automatic: row.try_get("automatic")?,
            spam: row.try_get::<i64, _>("spam")? != 0,
            spam_score: row.try_get("spam_score")?,
            category: row.try_get("category")?,
            confidence: row.try_get("confidence")?,
            urgency: row.try_get("urgency")?,
            language: row.try_get("language")?,
            sentiment: row.try_get("sentiment")?,
            to_review: row.try_get::<i64, _>("to_review")? != 0,
        },
        received_at: time(row, "received_at")?,
        status: MailStatus::parse(&row.try_get::<String, _>("status")?)?,
        rule_id: row.try_get("rule_id")?,
        route: row.try_get("route_target")?,
        conversation_id: row
            .try_get::<Option<i64>, _>("conversation_id")?
            .map(ConversationId),
        ticket_id: row.try_get::<Option<i64>, _>("ticket_id")?.map(TicketId),
    })
}
