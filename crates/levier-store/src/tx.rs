//! Write transactions that behave the same on both backends.

use crate::{Store, StoreResult};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection};
use std::ops::{Deref, DerefMut};

/// An open write transaction. Commit it explicitly; dropping it rolls back by closing the
/// connection, so a half-done write is never left in a pooled connection.
pub(crate) struct WriteTx {
    conn: Option<PoolConnection<Any>>,
}

impl Store {
    /// Starts a write transaction (on SQLite, with the write lock taken at once).
    pub(crate) async fn write_tx(&self) -> StoreResult<WriteTx> {
        // The guard owns the connection before BEGIN is sent: if this future is cancelled while
        // BEGIN runs (a client hanging up, an aborted task), dropping the guard closes the
        // connection instead of returning it to the pool holding the write lock.
        let mut tx = WriteTx {
            conn: Some(self.pool().acquire().await?),
        };
        sqlx::query(self.backend().begin_write())
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}

impl WriteTx {
    /// Makes the transaction's writes durable and returns the connection to the pool.
    pub(crate) async fn commit(mut self) -> StoreResult<()> {
        if let Some(mut conn) = self.conn.take()
            && let Err(e) = sqlx::query("COMMIT").execute(&mut *conn).await
        {
            conn.close_on_drop();
            return Err(e.into());
        }
        Ok(())
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        // `conn` is only None after commit, which consumes the transaction.
        self.conn.as_deref().expect("transaction already committed")
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        self.conn
            .as_deref_mut()
            .expect("transaction already committed")
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            // Closing the connection makes the database roll the transaction back.
            conn.close_on_drop();
        }
    }
}
