//! What agents do to a ticket, shared by the inbox API and the inbox pages so the two cannot
//! drift apart.

use super::{message_text, turn};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use levier_core::ids::TicketId;
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

/// Writes to the customer (`internal` false: they see it at once) or an internal note.
pub async fn write(
    state: &AppState,
    caller: &Caller,
    id: TicketId,
    text: &str,
    client_key: Option<String>,
    internal: bool,
) -> ApiResult<Appended> {
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
    Ok(appended)
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
