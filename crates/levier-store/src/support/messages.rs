//! Messages of a conversation, and what writing one changes.
//!
//! Appending a message is where the support state moves: a customer writing again reopens a
//! resolved ticket, an agent's first reply stamps the ticket's first response, the assistant's
//! answers and clarifications are counted; each of these writes its event in the message's
//! transaction. Bodies are stored as written (escaping is the pages' job) and nothing is
//! truncated: limits are the server's, and the store refuses what it cannot store rather than
//! altering it.

use crate::row::{json, time};
use crate::support::conversations::{self, Conversation};
use crate::support::{event, tickets};
use crate::text_enum::text_enum;
use crate::tx::WriteTx;
use crate::{Store, StoreError, StoreResult, events};
use levier_core::ids::{ConversationId, MessageId, UserId};
use levier_core::{EventKind, Timestamp};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

text_enum!(
    /// Who wrote a message, as stored.
    AuthorKind {
        /// The customer, through the widget.
        Customer = "customer",
        /// The assistant.
        Bot = "bot",
        /// A person of the company.
        Agent = "agent",
        /// levier itself (handoff notices, status lines).
        System = "system",
    }
);

/// What kind of reply the assistant wrote, which decides the event recorded with it.
#[derive(Debug, Clone, PartialEq)]
pub enum BotReply {
    /// An answer from the knowledge.
    Answer {
        /// The assistant's confidence, 0 to 1.
        confidence: f64,
        /// Where the answer came from (`faq:12`, a document link), when known.
        source: Option<String>,
    },
    /// A question asked back instead of a guess.
    Clarification {
        /// Confidence in the best guess, 0 to 1.
        confidence: f64,
    },
    /// Anything else (greeting, "I am passing you to a colleague"): no event.
    Notice,
}

/// Who is writing a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Author {
    /// The customer.
    Customer,
    /// The assistant, and what its reply is.
    Bot(BotReply),
    /// An agent.
    Agent(UserId),
    /// levier itself.
    System,
}

impl Author {
    fn kind(&self) -> AuthorKind {
        match self {
            Author::Customer => AuthorKind::Customer,
            Author::Bot(_) => AuthorKind::Bot,
            Author::Agent(_) => AuthorKind::Agent,
            Author::System => AuthorKind::System,
        }
    }

    fn user(&self) -> Option<UserId> {
        match self {
            Author::Agent(user) => Some(*user),
            _ => None,
        }
    }
}

/// A message to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// Who writes.
    pub author: Author,
    /// The text as written.
    pub body: String,
    /// An agent's internal note, never shown to the customer.
    pub internal: bool,
    /// The client's key for this message: a retried request with the same key finds the
    /// message instead of adding it twice.
    pub client_key: Option<String>,
    /// The assistant's decision record (reason, candidates and scores, confidence, source),
    /// `{}` for other authors.
    pub metadata: serde_json::Value,
}

/// A message as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    /// Identifier; increasing in commit order within a conversation (the catch-up cursor).
    pub id: MessageId,
    /// The conversation.
    pub conversation_id: ConversationId,
    /// Who wrote it.
    pub author_kind: AuthorKind,
    /// The agent who wrote it.
    pub author_user_id: Option<UserId>,
    /// The text as written.
    pub body: String,
    /// An internal note.
    pub internal: bool,
    /// The client's idempotency key.
    pub client_key: Option<String>,
    /// The assistant's decision record.
    pub metadata: serde_json::Value,
    /// When it was written.
    pub created_at: Timestamp,
}

/// The result of an append: the message, and whether this call created it (false when the
/// client key found an earlier one, in which case nothing else happened).
#[derive(Debug, Clone, PartialEq)]
pub struct Appended {
    /// The message.
    pub message: Message,
    /// True when written by this call.
    pub created: bool,
}

/// Who reads a conversation's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageView {
    /// The customer: internal notes left out.
    Customer,
    /// Agents: everything.
    Agent,
}

const COLUMNS: &str = "id, conversation_id, author_kind, author_user_id, body, internal, client_key, metadata, created_at";

impl Store {
    /// Appends a message and applies what it changes (ticket reopened, first response,
    /// conversation status, events), all in one transaction.
    pub async fn append_message(&self, new: &NewMessage) -> StoreResult<Appended> {
        validate(new)?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let conversation = conversations::lock(&mut tx, new.conversation_id).await?;
        let Some(message) = insert(&mut tx, new, now).await? else {
            let message = by_client_key(&mut tx, new).await?;
            tx.commit().await?;
            return Ok(Appended {
                message,
                created: false,
            });
        };
        apply(&mut tx, &conversation, new, &message, now).await?;
        tx.commit().await?;
        Ok(Appended {
            message,
            created: true,
        })
    }

    /// A message by id.
    pub async fn message(&self, id: MessageId) -> StoreResult<Option<Message>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM messages WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(message).transpose()
    }

    /// A conversation's messages after `after` (all when `None`), oldest first, at most
    /// `limit`: the page of a conversation, or the catch-up of a reconnecting event stream
    /// (`Last-Event-ID`).
    pub async fn messages_after(
        &self,
        conversation: ConversationId,
        after: Option<MessageId>,
        view: MessageView,
        limit: i64,
    ) -> StoreResult<Vec<Message>> {
        let internal = match view {
            MessageView::Customer => "AND internal = 0",
            MessageView::Agent => "",
        };
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM messages WHERE conversation_id = $1 AND id > $2 {internal}
             ORDER BY id LIMIT $3"
        ))
        .bind(conversation.0)
        .bind(after.map_or(0, |m| m.0))
        .bind(limit.max(0))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(message).collect()
    }
}

impl Store {
    /// The last message of each conversation the assistant holds whose last visible message
    /// is a customer's, written before `before` and still unanswered (at most `limit`,
    /// oldest first): what a node that stopped between storing a question and answering it
    /// left behind.
    pub async fn unanswered_messages(
        &self,
        before: Timestamp,
        limit: i64,
    ) -> StoreResult<Vec<Message>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM messages m WHERE m.id IN (
                 SELECT MAX(x.id) FROM messages x JOIN conversations c ON c.id = x.conversation_id
                 WHERE c.status = 'bot' AND x.internal = 0 GROUP BY x.conversation_id)
             AND m.author_kind = 'customer' AND m.created_at < $1
             ORDER BY m.id LIMIT $2"
        ))
        .bind(before.millis())
        .bind(limit.max(0))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(message).collect()
    }
}

fn validate(new: &NewMessage) -> StoreResult<()> {
    if new.body.trim().is_empty() {
        return Err(StoreError::Invalid("a message needs a text".into()));
    }
    if new.internal && !matches!(new.author, Author::Agent(_)) {
        return Err(StoreError::Invalid(
            "only agents write internal notes".into(),
        ));
    }
    if new
        .client_key
        .as_deref()
        .is_some_and(|k| k.trim().is_empty())
    {
        return Err(StoreError::Invalid("a client key cannot be empty".into()));
    }
    Ok(())
}

/// Inserts the message; `None` when its client key is already taken in the conversation.
async fn insert(
    tx: &mut WriteTx,
    new: &NewMessage,
    now: Timestamp,
) -> StoreResult<Option<Message>> {
    let row = sqlx::query(&format!(
        "INSERT INTO messages (conversation_id, author_kind, author_user_id, body, internal, client_key, metadata, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (conversation_id, client_key) DO NOTHING RETURNING {COLUMNS}"
    ))
    .bind(new.conversation_id.0)
    .bind(new.author.kind().as_str())
    .bind(new.author.user().map(|u| u.0))
    .bind(new.body.as_str())
    .bind(i64::from(new.internal))
    .bind(new.client_key.as_deref())
    .bind(new.metadata.to_string())
    .bind(now.millis())
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(message).transpose()
}

/// The earlier message with the same client key; a different message under the same key is a
/// conflict, not a retry, and is refused rather than dropped.
async fn by_client_key(tx: &mut WriteTx, new: &NewMessage) -> StoreResult<Message> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM messages WHERE conversation_id = $1 AND client_key = $2"
    ))
    .bind(new.conversation_id.0)
    .bind(new.client_key.as_deref())
    .fetch_one(&mut **tx)
    .await?;
    let earlier = message(&row)?;
    if earlier.body != new.body || earlier.author_kind != new.author.kind() {
        return Err(StoreError::Conflict(format!(
            "another message with client key '{}'",
            earlier.client_key.unwrap_or_default()
        )));
    }
    Ok(earlier)
}

/// What a new message changes besides itself.
async fn apply(
    tx: &mut WriteTx,
    conversation: &Conversation,
    new: &NewMessage,
    message: &Message,
    now: Timestamp,
) -> StoreResult<()> {
    let status = match &new.author {
        Author::Customer => tickets::customer_wrote(tx, conversation, now).await?,
        Author::Agent(user) if !new.internal => {
            tickets::agent_replied(tx, conversation, *user, now).await?
        }
        Author::Bot(reply) => {
            bot_replied(tx, conversation, message, reply, now).await?;
            None
        }
        Author::Agent(_) | Author::System => None,
    };
    if let Some(status) = status {
        conversations::set_status(tx, conversation.id, status, now).await?;
    }
    if !new.internal {
        sqlx::query("UPDATE conversations SET last_message_at = $2, updated_at = $2 WHERE id = $1")
            .bind(conversation.id.0)
            .bind(now.millis())
            .execute(&mut **tx)
            .await?;
    }
    if new.author == Author::Customer {
        let kind = EventKind::MessageReceived {
            conversation_id: conversation.id,
            site_id: conversation.site_id,
        };
        events::append_in(tx, &event(now, None, kind)).await?;
    }
    Ok(())
}

/// Records the assistant's answers and clarifications.
async fn bot_replied(
    tx: &mut WriteTx,
    conversation: &Conversation,
    message: &Message,
    reply: &BotReply,
    now: Timestamp,
) -> StoreResult<()> {
    let kind = match reply {
        BotReply::Answer { confidence, source } => EventKind::BotAnswered {
            conversation_id: conversation.id,
            message_id: message.id,
            confidence: *confidence,
            source: source.clone(),
        },
        BotReply::Clarification { confidence } => EventKind::BotClarified {
            conversation_id: conversation.id,
            message_id: message.id,
            confidence: *confidence,
        },
        BotReply::Notice => return Ok(()),
    };
    events::append_in(tx, &event(now, None, kind)).await?;
    Ok(())
}

fn message(row: &AnyRow) -> StoreResult<Message> {
    Ok(Message {
        id: MessageId(row.try_get("id")?),
        conversation_id: ConversationId(row.try_get("conversation_id")?),
        author_kind: AuthorKind::parse(&row.try_get::<String, _>("author_kind")?)?,
        author_user_id: row.try_get::<Option<i64>, _>("author_user_id")?.map(UserId),
        body: row.try_get("body")?,
        internal: row.try_get::<i64, _>("internal")? != 0,
        client_key: row.try_get("client_key")?,
        metadata: json(row, "metadata")?,
        created_at: time(row, "created_at")?,
    })
}
