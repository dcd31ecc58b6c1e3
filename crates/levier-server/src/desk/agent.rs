//! What agents do to a ticket, shared by the inbox API and the inbox pages so the two cannot
//! drift apart.

use super::{message_text, turn};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use levier_core::ids::TicketId;
use levier_core::{Event, EventKind, Timestamp};
use levier_store::support::{Appended, Author, Conversation, NewMessage, Ticket, TicketStatus};

/// Longest agent message or note, in bytes.
const AGENT_TEXT_MAX: u64 = 20_000;

/// A ticket and its conversation, or 404.
pub async fn ticket_and_conversation(
    state: &AppState,
    id: TicketId,
) -> ApiResult<(Ticket, Conversation)> {
    let ticket = state
        .store
        .ticket(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("ticket {id}")))?;
    let conversation = state
        .store
        .conversation(ticket.conversation_id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("conversation of ticket {id}")))?;
    Ok((ticket, conversation))
}

/// Writes to the customer (`internal` false: they see it at once, or receive it by mail) or
/// an internal note.
pub async fn write(
    state: &AppState,
    caller: &Caller,
    id: TicketId,
    text: &str,
    client_key: Option<String>,
    internal: bool,
) -> ApiResult<Appended> {
    let (appended, conversation) = append(state, caller, id, text, client_key, internal).await?;
    if !internal {
        deliver(state, &conversation, &appended).await?;
    }
    Ok(appended)
}

/// What became of a reply for the customer to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// A chat: the customer reads it in the widget.
    Chat,
    /// A mail's ticket: queued to be sent over SMTP (the `mail.send` task).
    Mailed,
    /// A mail's ticket without `[smtp]`: stored only, the customer does not receive it.
    NotMailed,
}

/// Replies to the customer, and says how it reaches them.
pub async fn reply(
    state: &AppState,
    caller: &Caller,
    id: TicketId,
    text: &str,
) -> ApiResult<Delivery> {
    let (appended, conversation) = append(state, caller, id, text, None, false).await?;
    deliver(state, &conversation, &appended).await
}

async fn append(
    state: &AppState,
    caller: &Caller,
    id: TicketId,
    text: &str,
    client_key: Option<String>,
    internal: bool,
) -> ApiResult<(Appended, Conversation)> {
    let text = message_text("text", text, AGENT_TEXT_MAX)?;
    let (_, conversation) = ticket_and_conversation(state, id).await?;
    let new = NewMessage {
        conversation_id: conversation.id,
        author: Author::Agent(caller.user.id),
        body: text,
        internal,
        // An agent's key never takes the assistant's (it is then only not idempotent).
        client_key: client_key.filter(|k| !k.trim().is_empty() && !super::turn::reserved_key(k)),
        metadata: serde_json::json!({}),
    };
    let appended = turn::append(state, &new).await?;
    if !internal {
        turn::announce_status(state, conversation.id).await?;
    }
    Ok((appended, conversation))
}

/// A reply in a mail's conversation goes out by mail, once (a repeated request that stored
/// nothing queues nothing); the reply is stored before, so a mail server that is down loses
/// nothing.
async fn deliver(
    state: &AppState,
    conversation: &Conversation,
    appended: &Appended,
) -> ApiResult<Delivery> {
    if conversation.channel != "email" {
        return Ok(Delivery::Chat);
    }
    if !state.smtp {
        return Ok(Delivery::NotMailed);
    }
    if appended.created {
        levier_triage::outbox::enqueue_reply(&state.store, appended.message.id).await?;
    }
    Ok(Delivery::Mailed)
}

/// Longest handling time one reply counts: a page left open over lunch is not work.
const HANDLING_CAP_MS: i64 = 60 * 60_000;

/// Records the time an agent spent on a reply to ticket `id` (the handling-time KPI), at most
/// [`HANDLING_CAP_MS`]. The page measures it from its opening; an API client gives its own
/// measure. A failure to record is logged, never the reply's failure.
pub async fn record_handling(state: &AppState, caller: &Caller, id: TicketId, ms: i64) {
    let event = Event {
        at: Timestamp::now(),
        actor: Some(caller.user.id),
        kind: EventKind::AgentHandled {
            ticket_id: id,
            ms: ms.clamp(0, HANDLING_CAP_MS),
        },
    };
    if let Err(e) = state.store.append_event(&event).await {
        tracing::warn!(ticket = id.0, "handling time not recorded: {e}");
    }
}

/// Resolves or reopens a ticket, and tells the open streams.
pub async fn move_ticket(
    state: &AppState,
    caller: &Caller,
    id: TicketId,
    status: TicketStatus,
) -> ApiResult<Ticket> {
    let ticket = state
        .store
        .set_ticket_status(id, status, Some(caller.user.id))
        .await?;
    turn::announce_status(state, ticket.conversation_id).await?;
    Ok(ticket)
}
