//! Signals between the processes sharing a store: something committed that the others should
//! show now rather than at their next poll (a message in a conversation an agent on another
//! node is watching).
//!
//! On PostgreSQL they are `NOTIFY`s, delivered to every listening connection after the
//! notifying transaction commits. On SQLite one process owns the data directory, so there is
//! nobody to tell: notifying does nothing and there is no listener. A signal is a hint, never
//! the data: a listener that lost its connection is told so ([`Signal::Gap`]) and catches up
//! from the store.

use crate::{Store, StoreError, StoreResult};
use sqlx::postgres::PgListener;

/// The longest payload PostgreSQL carries in one notification is 8,000 bytes; a bigger one is
/// refused by the server, so it is refused here first with a message saying so.
pub const MAX_PAYLOAD_BYTES: usize = 7_999;

/// What a listener receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// A payload another process (or this one) notified.
    Payload(String),
    /// The connection was lost and has been opened again: signals sent meanwhile are lost,
    /// so whoever relies on them must catch up from the store.
    Gap,
}

/// A connection listening to one channel.
pub struct Listener {
    inner: PgListener,
}

impl Store {
    /// Tells every listener of `channel` about `payload`, once the enclosing work committed
    /// (it is sent outside any transaction, so at once). Does nothing on SQLite.
    pub async fn notify(&self, channel: &str, payload: &str) -> StoreResult<()> {
        if self.listen_url.is_none() {
            return Ok(());
        }
        if payload.len() > MAX_PAYLOAD_BYTES {
            return Err(StoreError::Invalid(format!(
                "a signal on {channel} carries at most {MAX_PAYLOAD_BYTES} bytes, not {}",
                payload.len()
            )));
        }
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(channel)
            .bind(payload)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// A listener of `channel` on its own connection, or `None` on SQLite, where no other
    /// process shares the store.
    pub async fn listen(&self, channel: &str) -> StoreResult<Option<Listener>> {
        let Some(url) = &self.listen_url else {
            return Ok(None);
        };
        let mut inner = PgListener::connect(url).await?;
        inner.listen(channel).await?;
        Ok(Some(Listener { inner }))
    }
}

impl Listener {
    /// The next signal. After a [`Signal::Gap`] the listener reconnects by itself at the next
    /// call (an error means it could not, and the caller should wait before calling again).
    pub async fn recv(&mut self) -> StoreResult<Signal> {
        match self.inner.try_recv().await? {
            Some(notification) => Ok(Signal::Payload(notification.payload().to_owned())),
            None => Ok(Signal::Gap),
        }
    }
}
