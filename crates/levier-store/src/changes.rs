//! The change sequence that derived indexes follow.
//!
//! Every write to a document or FAQ entry records `(seq, entity, id, op)` in the same
//! transaction. An index applies changes in order and remembers the last `seq` it applied, so
//! after a crash or on another node it resumes from there and never misses a change.

use crate::bulk::insert_rows;
use crate::events::next_seqs;
use crate::tx::WriteTx;
use crate::{Store, StoreResult};
use levier_core::Timestamp;
use sqlx::Row;

/// What kind of record changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    /// A document and its chunks.
    Document,
    /// An FAQ entry and its phrasings.
    FaqEntry,
    /// An example of a message outside the FAQ (the id is the example's).
    OutOfScopeExample,
    /// Vectors written for a document's chunks (the id is the document's): vector indexes
    /// reload that document's vectors.
    Vectors,
}

impl Entity {
    fn as_str(self) -> &'static str {
        match self {
            Entity::Document => "document",
            Entity::FaqEntry => "faq_entry",
            Entity::OutOfScopeExample => "out_of_scope_example",
            Entity::Vectors => "vectors",
        }
    }

    fn parse(s: &str) -> Option<Entity> {
        match s {
            "document" => Some(Entity::Document),
            "faq_entry" => Some(Entity::FaqEntry),
            "out_of_scope_example" => Some(Entity::OutOfScopeExample),
            "vectors" => Some(Entity::Vectors),
            _ => None,
        }
    }
}

/// Whether the record now exists or was removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOp {
    /// Created or modified: re-read it.
    Upsert,
    /// Removed: drop it from the index.
    Delete,
}

/// One entry of the change sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Position in the sequence.
    pub seq: i64,
    /// What changed.
    pub entity: Entity,
    /// The changed record's id.
    pub entity_id: i64,
    /// How.
    pub op: ChangeOp,
}

/// Records a change inside the transaction that makes it.
pub(crate) async fn record_in(
    tx: &mut WriteTx,
    entity: Entity,
    entity_id: i64,
    op: ChangeOp,
) -> StoreResult<i64> {
    record_many_in(tx, entity, &[entity_id], op).await
}

/// Records the same change to several records, in the given order, inside the transaction
/// that makes them; returns the first one's sequence number.
pub(crate) async fn record_many_in(
    tx: &mut WriteTx,
    entity: Entity,
    entity_ids: &[i64],
    op: ChangeOp,
) -> StoreResult<i64> {
    let first = next_seqs(tx, "changes", entity_ids.len() as i64).await?;
    let op = match op {
        ChangeOp::Upsert => "upsert",
        ChangeOp::Delete => "delete",
    };
    let at = Timestamp::now().millis();
    let rows: Vec<(i64, i64)> = (first..).zip(entity_ids.iter().copied()).collect();
    insert_rows(
        tx,
        "INSERT INTO changes (seq, at, entity, entity_id, op)",
        5,
        "",
        &rows,
        |q, (seq, id)| {
            q.bind(*seq)
                .bind(at)
                .bind(entity.as_str())
                .bind(*id)
                .bind(op)
        },
    )
    .await?;
    Ok(first)
}

impl Store {
    /// Changes after `after_seq`, oldest first, at most `limit`.
    pub async fn changes_since(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<Change>> {
        let rows = sqlx::query(
            "SELECT seq, entity, entity_id, op FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after_seq)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let entity: String = row.try_get("entity")?;
            let op: String = row.try_get("op")?;
            // A kind of entity this binary does not index (written by a newer levier) is skipped.
            let Some(entity) = Entity::parse(&entity) else {
                continue;
            };
            out.push(Change {
                seq: row.try_get("seq")?,
                entity,
                entity_id: row.try_get("entity_id")?,
                op: if op == "delete" {
                    ChangeOp::Delete
                } else {
                    ChangeOp::Upsert
                },
            });
        }
        Ok(out)
    }

    /// The newest change's sequence number, 0 when nothing changed yet.
    pub async fn last_change_seq(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) AS seq FROM changes")
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get("seq")?)
    }
}
