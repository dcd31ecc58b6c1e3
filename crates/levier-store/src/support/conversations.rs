//! Customer conversations on a website's widget.
//!
//! The widget addresses its conversation by a random token, never by the numeric id (which is
//! guessable); only the token's sha256 is stored, like session cookies, and a token resolves
//! only together with its own site, so a token copied to another company's widget finds
//! nothing.

use crate::accounts::{new_secret, secret_hash};
use crate::row::{opt_time, time};
use crate::text_enum::text_enum;
use crate::tx::WriteTx;
use crate::{Store, StoreError, StoreResult};
use levier_core::Timestamp;
use levier_core::ids::{ContactId, ConversationId, SiteId};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

text_enum!(
    /// Who holds a conversation.
    ConversationStatus {
        /// The assistant answers.
        Bot = "bot",
        /// Handed off; no person has answered yet.
        Waiting = "waiting",
        /// A person is on it.
        Open = "open",
        /// Done (a customer writing again brings it back).
        Resolved = "resolved",
    }
);

/// A conversation to start on a site's widget.
#[derive(Debug, Clone, PartialEq)]
pub struct NewConversation {
    /// The site whose widget it starts on.
    pub site_id: SiteId,
    /// The visitor, when known.
    pub contact_id: Option<ContactId>,
    /// The visitor's language; the site's default when `None`.
    pub language: Option<String>,
}

/// A conversation just started, with the token the widget keeps (shown once, never stored).
#[derive(Debug, Clone, PartialEq)]
pub struct StartedConversation {
    /// The conversation.
    pub conversation: Conversation,
    /// The widget's token for it.
    pub token: String,
}

/// A conversation as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conversation {
    /// Identifier (internal: the widget uses its token).
    pub id: ConversationId,
    /// The site it started on; `None` for channels other than the widget.
    pub site_id: Option<SiteId>,
    /// `widget`, `email` or `api`.
    pub channel: String,
    /// The customer, when known.
    pub contact_id: Option<ContactId>,
    /// Who holds it.
    pub status: ConversationStatus,
    /// Subject, set at handoff.
    pub subject: String,
    /// Language code.
    pub language: Option<String>,
    /// When it started.
    pub created_at: Timestamp,
    /// When anything about it last changed.
    pub updated_at: Timestamp,
    /// When its last message visible to the customer was written.
    pub last_message_at: Option<Timestamp>,
    /// When it was last resolved.
    pub closed_at: Option<Timestamp>,
}

const COLUMNS: &str = "id, site_id, channel, contact_id, status, subject, language, created_at, updated_at, last_message_at, closed_at";

impl Store {
    /// Starts a widget conversation on an enabled site.
    pub async fn start_conversation(
        &self,
        new: &NewConversation,
    ) -> StoreResult<StartedConversation> {
        let site = self
            .site(new.site_id)
            .await?
            .ok_or_else(|| StoreError::not_found("site", new.site_id))?;
        if !site.enabled() {
            return Err(StoreError::Invalid(format!("site {} is disabled", site.id)));
        }
        let language = new
            .language
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .unwrap_or(&site.default_language);
        let token = new_secret();
        let row = sqlx::query(&format!(
            "INSERT INTO conversations (channel, site_id, token_hash, contact_id, status, language, created_at, updated_at)
             VALUES ('widget', $1, $2, $3, 'bot', $4, $5, $5) RETURNING {COLUMNS}"
        ))
        .bind(site.id.0)
        .bind(secret_hash(&token))
        .bind(new.contact_id.map(|c| c.0))
        .bind(language)
        .bind(self.now().millis())
        .fetch_one(self.pool())
        .await?;
        Ok(StartedConversation {
            conversation: conversation(&row)?,
            token,
        })
    }

    /// A conversation by id (agents' side).
    pub async fn conversation(&self, id: ConversationId) -> StoreResult<Option<Conversation>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM conversations WHERE id = $1"
        ))
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(conversation).transpose()
    }

    /// The conversation a widget's token names on that site; `None` for an unknown token or a
    /// token of another site.
    pub async fn conversation_by_token(
        &self,
        site_id: SiteId,
        token: &str,
    ) -> StoreResult<Option<Conversation>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM conversations WHERE token_hash = $1 AND site_id = $2"
        ))
        .bind(secret_hash(token))
        .bind(site_id.0)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(conversation).transpose()
    }

    /// Links a conversation to the customer it turned out to be.
    pub async fn set_conversation_contact(
        &self,
        id: ConversationId,
        contact: Option<ContactId>,
    ) -> StoreResult<()> {
        let done =
            sqlx::query("UPDATE conversations SET contact_id = $2, updated_at = $3 WHERE id = $1")
                .bind(id.0)
                .bind(contact.map(|c| c.0))
                .bind(self.now().millis())
                .execute(self.pool())
                .await?;
        StoreError::found(done.rows_affected(), "conversation", id)
    }
}

/// Reads a conversation inside a write transaction and locks it until commit (a no-op update
/// takes PostgreSQL's row lock; SQLite's writer lock is already held). Every write to a
/// conversation starts here, so writes to one conversation are serialised: message ids are
/// then handed out in commit order within a conversation, which the widget's catch-up after a
/// message id relies on.
pub(crate) async fn lock(tx: &mut WriteTx, id: ConversationId) -> StoreResult<Conversation> {
    let row = sqlx::query(&format!(
        "UPDATE conversations SET updated_at = updated_at WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id.0)
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        Some(row) => conversation(&row),
        None => Err(StoreError::not_found("conversation", id)),
    }
}

/// Moves a conversation to `status` (resolving stamps `closed_at`).
pub(crate) async fn set_status(
    tx: &mut WriteTx,
    id: ConversationId,
    status: ConversationStatus,
    now: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE conversations SET status = $2, updated_at = $3,
         closed_at = CASE WHEN $2 = 'resolved' THEN $3 ELSE closed_at END WHERE id = $1",
    )
    .bind(id.0)
    .bind(status.as_str())
    .bind(now.millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn conversation(row: &AnyRow) -> StoreResult<Conversation> {
    Ok(Conversation {
        id: ConversationId(row.try_get("id")?),
        site_id: row.try_get::<Option<i64>, _>("site_id")?.map(SiteId),
        channel: row.try_get("channel")?,
        contact_id: row.try_get::<Option<i64>, _>("contact_id")?.map(ContactId),
        status: ConversationStatus::parse(&row.try_get::<String, _>("status")?)?,
        subject: row.try_get("subject")?,
        language: row.try_get("language")?,
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
        last_message_at: opt_time(row, "last_message_at")?,
        closed_at: opt_time(row, "closed_at")?,
    })
}
