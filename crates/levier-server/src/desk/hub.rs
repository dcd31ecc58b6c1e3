//! In-process fan-out of committed messages and status changes to the event streams open on
//! this node.
//!
//! Each conversation has a bounded broadcast channel, and the inbox has one for every
//! message: a subscriber that falls behind by more than the buffer is told it lagged and its
//! stream is closed (it reconnects and catches up from the store with `Last-Event-ID`), so a
//! slow client never holds up the others or the writer. Publishing happens only after the
//! store committed the message, so nothing is announced that a reader cannot then find.
//! Several nodes share a PostgreSQL store: each update published here is also handed to the
//! [`super::relay`], which carries it to the other nodes' hubs, so callers never know where
//! the customer or the agent is connected.

use levier_core::ids::ConversationId;
use levier_store::support::{ConversationStatus, Message};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{broadcast, mpsc};

/// Messages buffered per subscriber before it is dropped as too slow.
const BUFFER: usize = 64;

/// Streams open at once on one conversation: a customer's tabs and the agents on its ticket.
/// More is a client reconnecting in a loop or someone holding connections open.
pub const MAX_STREAMS_PER_CONVERSATION: usize = 16;

/// Updates waiting for the relay to other nodes before new ones are dropped.
pub const RELAY_BUFFER: usize = 1024;

/// A conversation already has [`MAX_STREAMS_PER_CONVERSATION`] streams open on this node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyStreams;

/// Something that happened to a conversation.
#[derive(Debug, Clone)]
pub enum Update {
    /// A message was written.
    Message(Message),
    /// The conversation changed hands (handed off, answered by a person, resolved, reopened):
    /// the widget shows who holds it, and the rating form once resolved.
    Status {
        /// The conversation.
        conversation_id: ConversationId,
        /// Its status now.
        status: ConversationStatus,
    },
    /// The assistant's answer being written by a generative model, not stored nor checked
    /// yet: the widget shows it growing, then replaces it with the stored reply.
    Draft {
        /// The conversation.
        conversation_id: ConversationId,
        /// The answer so far; empty when the draft is over (the reply follows).
        text: String,
    },
}

impl Update {
    fn conversation_id(&self) -> ConversationId {
        match self {
            Update::Message(m) => m.conversation_id,
            Update::Status {
                conversation_id, ..
            } => *conversation_id,
            Update::Draft {
                conversation_id, ..
            } => *conversation_id,
        }
    }
}

/// What this node sends the others through the relay.
#[derive(Debug)]
pub enum Outgoing {
    /// An update published here.
    Update(Arc<Update>),
    /// The customer pressed stop on this node, which is not the one writing the answer: the
    /// node that is stops it.
    StopWriting(ConversationId),
}

/// The node's fan-out.
pub struct Hub {
    conversations: Mutex<HashMap<ConversationId, broadcast::Sender<Arc<Update>>>>,
    /// `None` once closed.
    inbox: Mutex<Option<broadcast::Sender<Arc<Update>>>>,
    closed: AtomicBool,
    /// Where updates published here go to reach the other nodes, once a relay runs.
    outbound: std::sync::OnceLock<mpsc::Sender<Outgoing>>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            conversations: Mutex::default(),
            inbox: Mutex::new(Some(inbox_channel())),
            closed: AtomicBool::new(false),
            outbound: std::sync::OnceLock::new(),
        }
    }
}

impl Hub {
    /// Announces a committed change to its conversation's and the inbox's subscribers, here
    /// and on the other nodes.
    pub fn publish(&self, update: Update) {
        let update = Arc::new(update);
        self.relay(&update);
        self.fan_out(update, true);
    }

    /// Announces a change to its conversation's subscribers only, not to the inbox: drafts
    /// come many a second, and agents see the stored reply.
    pub fn publish_to_conversation(&self, update: Update) {
        let update = Arc::new(update);
        self.relay(&update);
        self.fan_out(update, false);
    }

    /// Announces an update another node published, to this node's subscribers only.
    pub fn deliver_from_elsewhere(&self, update: Update) {
        let to_inbox = !matches!(update, Update::Draft { .. });
        self.fan_out(Arc::new(update), to_inbox);
    }

    /// Sends what is published here to `outbound` as well (the relay to other nodes). The
    /// relay reads it; when it falls behind by [`RELAY_BUFFER`] updates, the excess is dropped
    /// with a warning, and remote viewers see those messages when their streams next reconnect
    /// and catch up from the store.
    pub fn relay_to(&self, outbound: mpsc::Sender<Outgoing>) {
        if self.outbound.set(outbound).is_err() {
            tracing::warn!("the hub already has a relay; the second one is ignored");
        }
    }

    /// Ends the streams open now, not those to come: updates may have been missed (the relay
    /// lost its connection), and a client whose stream ends reconnects and catches up from
    /// the store with `Last-Event-ID`.
    pub fn restart_streams(&self) {
        self.lock().clear();
        let mut inbox = self.inbox.lock().unwrap_or_else(PoisonError::into_inner);
        if inbox.is_some() {
            *inbox = Some(inbox_channel());
        }
    }

    /// Asks the other nodes to stop the answer being written in `conversation`; false when
    /// there is no other node to ask (no relay runs: one process serves).
    pub fn relay_stop(&self, conversation: ConversationId) -> bool {
        self.outbound.get().is_some() && self.send_out(Outgoing::StopWriting(conversation))
    }

    fn relay(&self, update: &Arc<Update>) {
        self.send_out(Outgoing::Update(Arc::clone(update)));
    }

    /// Hands `what` to the relay, if one runs; false when it is behind or stopped.
    fn send_out(&self, what: Outgoing) -> bool {
        let Some(outbound) = self.outbound.get() else {
            return false;
        };
        let sent = outbound.try_send(what).is_ok();
        if !sent {
            tracing::warn!(
                "the relay to other nodes is behind or stopped; an update was not relayed"
            );
        }
        sent
    }

    fn fan_out(&self, update: Arc<Update>, to_inbox: bool) {
        // No subscriber is not an error: nobody is watching.
        if to_inbox && let Some(inbox) = self.inbox_sender() {
            let _ = inbox.send(Arc::clone(&update));
        }
        let id = update.conversation_id();
        let mut channels = self.lock();
        let abandoned = channels
            .get(&id)
            .is_some_and(|sender| sender.send(update).is_err());
        if abandoned {
            channels.remove(&id);
        }
    }

    /// A subscription to one conversation's changes, unless it has too many already.
    pub fn conversation(
        &self,
        id: ConversationId,
    ) -> Result<broadcast::Receiver<Arc<Update>>, TooManyStreams> {
        if self.closed.load(Ordering::Acquire) {
            return Ok(closed());
        }
        let mut channels = self.lock();
        channels.retain(|_, s| s.receiver_count() > 0);
        let sender = channels
            .entry(id)
            .or_insert_with(|| broadcast::channel(BUFFER).0);
        if sender.receiver_count() >= MAX_STREAMS_PER_CONVERSATION {
            return Err(TooManyStreams);
        }
        Ok(sender.subscribe())
    }

    /// A subscription to every change (agents watching the whole inbox).
    pub fn inbox(&self) -> broadcast::Receiver<Arc<Update>> {
        self.inbox_sender().map_or_else(closed, |s| s.subscribe())
    }

    /// Ends every subscription, now and to come: the server is shutting down, and its graceful
    /// shutdown waits for open responses, which event streams otherwise never finish.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.lock().clear();
        *self.inbox.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    fn inbox_sender(&self) -> Option<broadcast::Sender<Arc<Update>>> {
        self.inbox
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<ConversationId, broadcast::Sender<Arc<Update>>>> {
        self.conversations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// The inbox's channel: every conversation's updates pass through it, so it buffers more.
fn inbox_channel() -> broadcast::Sender<Arc<Update>> {
    broadcast::channel(BUFFER * 4).0
}

/// A subscription that has already ended.
fn closed() -> broadcast::Receiver<Arc<Update>> {
    broadcast::channel(1).1
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::broadcast::error::TryRecvError;

    fn status(id: i64) -> Update {
        Update::Status {
            conversation_id: ConversationId(id),
            status: ConversationStatus::Open,
        }
    }

    #[test]
    fn a_slow_subscriber_lags_and_never_holds_up_the_writer() {
        let hub = Hub::default();
        let mut slow = hub.conversation(ConversationId(1)).expect("room");
        let mut other = hub.conversation(ConversationId(2)).expect("room");
        for _ in 0..BUFFER * 2 {
            hub.publish(status(1));
        }
        assert!(matches!(slow.try_recv(), Err(TryRecvError::Lagged(_))));
        assert!(matches!(other.try_recv(), Err(TryRecvError::Empty)));
    }

    #[test]
    fn closing_ends_every_subscription_now_and_to_come() {
        let hub = Hub::default();
        let mut conversation = hub.conversation(ConversationId(1)).expect("room");
        let mut inbox = hub.inbox();
        hub.close();
        assert!(matches!(conversation.try_recv(), Err(TryRecvError::Closed)));
        assert!(matches!(inbox.try_recv(), Err(TryRecvError::Closed)));
        let mut late = hub.conversation(ConversationId(1)).expect("room");
        assert!(matches!(late.try_recv(), Err(TryRecvError::Closed)));
        assert!(matches!(hub.inbox().try_recv(), Err(TryRecvError::Closed)));
    }

    #[test]
    fn a_channel_without_subscribers_is_forgotten() {
        let hub = Hub::default();
        drop(hub.conversation(ConversationId(1)).expect("room"));
        hub.publish(status(1));
        assert!(hub.lock().is_empty());
    }

    #[test]
    fn a_conversation_takes_a_bounded_number_of_streams() {
        let hub = Hub::default();
        let open: Vec<_> = (0..MAX_STREAMS_PER_CONVERSATION)
            .map(|_| hub.conversation(ConversationId(1)).expect("room"))
            .collect();
        assert_eq!(
            hub.conversation(ConversationId(1)).err(),
            Some(TooManyStreams)
        );
        assert!(
            hub.conversation(ConversationId(2)).is_ok(),
            "per conversation"
        );
        drop(open);
        assert!(
            hub.conversation(ConversationId(1)).is_ok(),
            "closed streams free room"
        );
    }
}
