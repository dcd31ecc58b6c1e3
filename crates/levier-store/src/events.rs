//! The append-only event log that KPIs are computed from.
//!
//! Sequence numbers come from the `sequences` table inside the writing transaction, so they are
//! handed out in commit order: a reader that has seen event N has seen every event before it.
//! Triggers refuse UPDATE and DELETE on the table itself.

use crate::bulk::insert_rows;
use crate::tx::WriteTx;
use crate::{Store, StoreResult};
use levier_core::ids::UserId;
use levier_core::{Event, EventKind, Timestamp};
use sqlx::Row;

/// An event as read back from the log.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Its position in the log (1, 2, 3… with no gaps).
    pub seq: i64,
    /// When it happened.
    pub at: Timestamp,
    /// The kind's stored name.
    pub kind_name: String,
    /// The payload's schema version.
    pub version: i64,
    /// Who caused it.
    pub actor: Option<UserId>,
    /// The raw payload.
    pub payload: serde_json::Value,
}

impl StoredEvent {
    /// The typed event, or `None` for a kind this binary does not know.
    pub fn kind(&self) -> Option<EventKind> {
        EventKind::from_stored(&self.kind_name, &self.payload)
    }
}

/// Which events to read.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    /// Only events at or after this instant.
    pub from: Option<Timestamp>,
    /// Only events before this instant.
    pub until: Option<Timestamp>,
    /// Only these kinds (by stored name); all kinds when empty.
    pub kinds: Vec<String>,
    /// Only events after this sequence number (for tailing).
    pub after_seq: i64,
    /// At most this many events (all when `None`).
    pub limit: Option<i64>,
}

/// Takes the next value of a named sequence inside a write transaction.
pub(crate) async fn next_seq(tx: &mut WriteTx, name: &str) -> StoreResult<i64> {
    next_seqs(tx, name, 1).await
}

/// Takes the next `count` values of a named sequence at once (one statement however many
/// rows a batch writes); returns the first.
pub(crate) async fn next_seqs(tx: &mut WriteTx, name: &str, count: i64) -> StoreResult<i64> {
    let row = sqlx::query(
        "UPDATE sequences SET next_value = next_value + $2 WHERE name = $1 RETURNING next_value - $2 AS seq",
    )
    .bind(name)
    .bind(count)
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get("seq")?)
}

/// Appends an event within an existing write transaction, so that a change and the event that
/// records it commit together.
pub(crate) async fn append_in(tx: &mut WriteTx, event: &Event) -> StoreResult<i64> {
    append_many_in(tx, std::slice::from_ref(event)).await
}

/// Appends events in order within an existing write transaction, in as few statements as
/// possible; returns the first one's sequence number.
pub(crate) async fn append_many_in(tx: &mut WriteTx, events: &[Event]) -> StoreResult<i64> {
    let first = next_seqs(tx, "events", events.len() as i64).await?;
    let rows: Vec<(i64, &Event)> = (first..).zip(events).collect();
    insert_rows(
        tx,
        "INSERT INTO events (seq, at, kind, version, actor_user_id, payload)",
        6,
        "",
        &rows,
        |q, (seq, event)| {
            q.bind(*seq)
                .bind(event.at.millis())
                .bind(event.kind.name())
                .bind(event.kind.version())
                .bind(event.actor.map(|u| u.0))
                .bind(event.kind.payload().to_string())
        },
    )
    .await?;
    Ok(first)
}

/// Appends an event in a transaction of its own.
pub(crate) async fn append_in_new(store: &Store, event: &Event) -> StoreResult<i64> {
    let mut tx = store.write_tx().await?;
    let seq = append_in(&mut tx, event).await?;
    tx.commit().await?;
    Ok(seq)
}

impl Store {
    /// Appends one event and returns its sequence number.
    pub async fn append_event(&self, event: &Event) -> StoreResult<i64> {
        append_in_new(self, event).await
    }

    /// Appends events in order in one transaction (imports, generated history); returns the
    /// first one's sequence number.
    pub async fn append_events(&self, events: &[Event]) -> StoreResult<i64> {
        let mut tx = self.write_tx().await?;
        let first = append_many_in(&mut tx, events).await?;
        tx.commit().await?;
        Ok(first)
    }

    /// Reads events in sequence order.
    pub async fn events(&self, q: &EventQuery) -> StoreResult<Vec<StoredEvent>> {
        let mut sql = String::from(
            "SELECT seq, at, kind, version, actor_user_id, payload FROM events WHERE seq > $1 AND at >= $2 AND at < $3",
        );
        for i in 0..q.kinds.len() {
            sql.push_str(if i == 0 { " AND kind IN (" } else { ", " });
            sql.push_str(&format!("${}", i + 4));
        }
        if !q.kinds.is_empty() {
            sql.push(')');
        }
        sql.push_str(" ORDER BY seq");
        if let Some(limit) = q.limit {
            sql.push_str(&format!(" LIMIT {}", limit.max(0)));
        }
        let mut query = sqlx::query(&sql)
            .bind(q.after_seq)
            .bind(q.from.map_or(i64::MIN, |t| t.millis()))
            .bind(q.until.map_or(i64::MAX, |t| t.millis()));
        for k in &q.kinds {
            query = query.bind(k.as_str());
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(stored_event).collect()
    }

    /// The sequence number of the last event, 0 when the log is empty.
    pub async fn last_event_seq(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) AS seq FROM events")
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get("seq")?)
    }
}

fn stored_event(row: &sqlx::any::AnyRow) -> StoreResult<StoredEvent> {
    let payload: String = row.try_get("payload")?;
    Ok(StoredEvent {
        seq: row.try_get("seq")?,
        at: Timestamp(row.try_get("at")?),
        kind_name: row.try_get("kind")?,
        version: row.try_get("version")?,
        actor: row.try_get::<Option<i64>, _>("actor_user_id")?.map(UserId),
        payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
    })
}
