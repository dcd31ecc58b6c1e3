//! Server-sent event streams of conversations, for the widget and for agents: `message`
//! events (id = the message's, the reconnection cursor) and `status` events (no id: a
//! reconnecting client reads the status from the conversation).
//!
//! A stream first replays what the client missed (after its `Last-Event-ID`) from the store,
//! then follows the node's [`super::hub::Hub`]. It subscribes before reading the store, so a
//! message committed in between is not lost, and skips live messages already replayed. A
//! client too slow for the hub's buffer is disconnected: it reconnects and catches up.

use super::hub::Update;
use crate::error::{ApiError, ApiResult};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use levier_core::ids::{ConversationId, MessageId};
use levier_store::support::Message;
use levier_store::support::MessageView;
use levier_store::{Store, StoreResult};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

/// How often an idle stream sends a comment, so proxies keep it open and dead clients show.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// Messages read from the store at a time during a catch-up.
const PAGE: i64 = 200;

/// How a message is shown on a stream; `None` leaves it out (internal notes to customers).
pub type Render = fn(&Message) -> Option<serde_json::Value>;

/// A subscription to a conversation's changes for a new stream; 429 when it already has
/// [`super::hub::MAX_STREAMS_PER_CONVERSATION`] open on this node.
pub fn subscribe(
    desk: &super::Desk,
    conversation: ConversationId,
) -> ApiResult<broadcast::Receiver<Arc<Update>>> {
    desk.hub.conversation(conversation).map_err(|_| {
        ApiError::too_many(
            HEARTBEAT.as_secs(),
            "this conversation has too many streams open: close another tab or window",
        )
    })
}

/// The message id the client last received (`Last-Event-ID`), if it sent one.
pub fn last_event_id(headers: &HeaderMap) -> Option<MessageId> {
    headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .map(MessageId)
}

/// The stream: `missed` first, then live updates from `live`.
pub fn messages(
    missed: Vec<Message>,
    live: broadcast::Receiver<Arc<Update>>,
    render: Render,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let replayed = missed.last().map_or(0, |m| m.id.0);
    let missed = stream::iter(missed.into_iter().filter_map(move |m| event(&m, render)));
    // Lagging or closing ends the stream (the client reconnects and catches up).
    let live = stream::unfold(live, |mut rx| async move {
        rx.recv().await.ok().map(|m| (m, rx))
    })
    .filter_map(move |update| {
        let event = match &*update {
            Update::Message(m) if m.id.0 > replayed => event(m, render),
            Update::Message(_) => None,
            Update::Status { status, .. } => Some(
                Event::default()
                    .event("status")
                    .data(serde_json::json!({ "status": status.as_str() }).to_string()),
            ),
            Update::Draft { text, .. } => Some(
                Event::default()
                    .event("draft")
                    .data(serde_json::json!({ "text": text }).to_string()),
            ),
        };
        std::future::ready(event)
    });
    let events = missed.chain(live).map(Ok);
    Sse::new(events).keep_alive(KeepAlive::new().interval(HEARTBEAT))
}

fn event(message: &Message, render: Render) -> Option<Event> {
    let data = render(message)?;
    Some(
        Event::default()
            .event("message")
            .id(message.id.0.to_string())
            .data(data.to_string()),
    )
}

/// Every message of a conversation after `after`, page by page: what a reconnecting stream
/// missed.
pub async fn catch_up(
    store: &Store,
    conversation: ConversationId,
    mut after: Option<MessageId>,
    view: MessageView,
) -> StoreResult<Vec<Message>> {
    let mut all = Vec::new();
    loop {
        let page = store
            .messages_after(conversation, after, view, PAGE)
            .await?;
        let full = i64::try_from(page.len()).is_ok_and(|n| n == PAGE);
        after = page.last().map(|m| m.id).or(after);
        all.extend(page);
        if !full {
            return Ok(all);
        }
    }
}
