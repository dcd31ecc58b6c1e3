//! Carrying the hub's updates between the nodes that share a PostgreSQL store, so that a
//! customer connected to one node and an agent connected to another see each other's messages
//! at once.
//!
//! Each node sends what its [`super::hub::Hub`] publishes as a small notification on [`CHANNEL`]: a
//! message's id (the receiving nodes read the message from the store, where it was committed
//! before being published), a conversation's new status, or a draft's text; and the widget's
//! stop button pressed on a node that is not writing the answer. Each node listens and hands
//! what others sent to its own hub (a stop, to the answer it is writing). Notifications are hints: when the listening
//! connection is lost, the node ends its open streams, whose clients reconnect and catch up
//! from the store. On SQLite a single process serves, and there is nothing to relay.

use super::hub::{Outgoing, RELAY_BUFFER, Update};
use crate::AppState;
use levier_core::ids::{ConversationId, MessageId};
use levier_store::signals::{Listener, MAX_PAYLOAD_BYTES, Signal};
use levier_store::support::ConversationStatus;
use levier_store::{Store, StoreResult};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// The notification channel of conversation updates.
pub const CHANNEL: &str = "levier_desk";

/// Wait before listening again after the server refused.
const RETRY: Duration = Duration::from_secs(2);

/// One update on the wire.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Envelope {
    /// The node that published it, which ignores its own notifications.
    node: String,
    #[serde(flatten)]
    update: Wire,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Wire {
    Message { id: i64 },
    Status { conversation: i64, status: String },
    Draft { conversation: i64, text: String },
    Stop { conversation: i64 },
}

impl From<&Outgoing> for Wire {
    fn from(outgoing: &Outgoing) -> Wire {
        match outgoing {
            Outgoing::Update(update) => Wire::from(update.as_ref()),
            Outgoing::StopWriting(conversation) => Wire::Stop {
                conversation: conversation.0,
            },
        }
    }
}

impl From<&Update> for Wire {
    fn from(update: &Update) -> Wire {
        match update {
            Update::Message(m) => Wire::Message { id: m.id.0 },
            Update::Status {
                conversation_id,
                status,
            } => Wire::Status {
                conversation: conversation_id.0,
                status: status.as_str().to_owned(),
            },
            Update::Draft {
                conversation_id,
                text,
            } => Wire::Draft {
                conversation: conversation_id.0,
                text: text.clone(),
            },
        }
    }
}

impl Wire {
    /// The update this stands for, read back from the store where needed; `None` for a
    /// message that is no longer there (erased meanwhile), and for a request to stop.
    async fn update(self, store: &Store) -> StoreResult<Option<Update>> {
        Ok(match self {
            Wire::Stop { .. } => None,
            Wire::Message { id } => store.message(MessageId(id)).await?.map(Update::Message),
            Wire::Status {
                conversation,
                status,
            } => Some(Update::Status {
                conversation_id: ConversationId(conversation),
                status: ConversationStatus::parse(&status)?,
            }),
            Wire::Draft { conversation, text } => Some(Update::Draft {
                conversation_id: ConversationId(conversation),
                text,
            }),
        })
    }
}

/// Relays this node's hub to and from the other nodes until `stop` turns true; returns at once
/// on SQLite.
pub async fn follow(state: AppState, mut stop: watch::Receiver<bool>) {
    let Some(listener) = listen(&state.store, &mut stop).await else {
        return;
    };
    let node = node_name();
    let (outbound, published) = mpsc::channel(RELAY_BUFFER);
    state.desk.hub.relay_to(outbound);
    let sender = tokio::spawn(send(state.store.clone(), node.clone(), published));
    receive(&state, listener, &node, stop).await;
    sender.abort();
}

/// The listener, retried until the server accepts or the node stops; `None` on SQLite.
async fn listen(store: &Store, stop: &mut watch::Receiver<bool>) -> Option<Listener> {
    loop {
        match store.listen(CHANNEL).await {
            Ok(listener) => return listener,
            Err(e) => tracing::warn!(error = %e, "cannot listen to the other nodes yet; retrying"),
        }
        tokio::select! {
            _ = tokio::time::sleep(RETRY) => {}
            changed = stop.changed() => if changed.is_err() || *stop.borrow() { return None },
        }
    }
}

/// Sends each update published on this node, and each request to stop, to the others.
async fn send(store: Store, node: String, mut published: mpsc::Receiver<Outgoing>) {
    while let Some(outgoing) = published.recv().await {
        let envelope = Envelope {
            node: node.clone(),
            update: Wire::from(&outgoing),
        };
        let Ok(payload) = serde_json::to_string(&envelope) else {
            continue;
        };
        // A draft longer than a notification carries is left out: the stored reply follows.
        if payload.len() > MAX_PAYLOAD_BYTES && matches!(envelope.update, Wire::Draft { .. }) {
            continue;
        }
        if let Err(e) = store.notify(CHANNEL, &payload).await {
            tracing::warn!(error = %e, "an update could not be relayed to the other nodes");
        }
    }
}

/// Hands what the other nodes publish to this node's hub until `stop` turns true.
async fn receive(
    state: &AppState,
    mut listener: Listener,
    node: &str,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let signal = tokio::select! {
            signal = listener.recv() => signal,
            changed = stop.changed() => if changed.is_err() || *stop.borrow() { return } else { continue },
        };
        match signal {
            Ok(Signal::Payload(payload)) => deliver(state, &payload, node).await,
            Ok(Signal::Gap) => {
                tracing::warn!(
                    "lost the connection to the other nodes; open streams restart and catch up"
                );
                state.desk.hub.restart_streams();
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot hear the other nodes; retrying");
                tokio::time::sleep(RETRY).await;
            }
        }
    }
}

/// Delivers one notification to this node's hub, unless this node sent it.
async fn deliver(state: &AppState, payload: &str, node: &str) {
    let envelope: Envelope = match serde_json::from_str(payload) {
        Ok(envelope) => envelope,
        Err(e) => {
            tracing::warn!(error = %e, "a notification from another node could not be read");
            return;
        }
    };
    if envelope.node == node {
        return;
    }
    if let Wire::Stop { conversation } = envelope.update {
        // Only the node writing the answer has it to stop; the others have nothing to do.
        state.llm.stop(ConversationId(conversation));
        return;
    }
    match envelope.update.update(&state.store).await {
        Ok(Some(update)) => state.desk.hub.deliver_from_elsewhere(update),
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "an update from another node could not be read"),
    }
}

/// This node among those sharing the store: host, process and start time, so a restarted
/// process never takes the name of the one before.
fn node_name() -> String {
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}-{started}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_travel_as_small_tagged_json() {
        let status = Update::Status {
            conversation_id: ConversationId(7),
            status: ConversationStatus::Open,
        };
        let envelope = Envelope {
            node: "n".into(),
            update: Wire::from(&status),
        };
        let json = serde_json::to_string(&envelope).expect("json");
        assert_eq!(
            json,
            r#"{"node":"n","kind":"status","conversation":7,"status":"open"}"#
        );
        let back: Envelope = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, envelope);
    }
}
