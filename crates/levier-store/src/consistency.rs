//! What `levier doctor` asks the store: whether the database itself is sound, and what the
//! indexes derived from it must hold.

use crate::{Backend, Store, StoreResult};
use levier_core::ids::{ChunkId, DocumentId};
use sqlx::Row;

impl Store {
    /// Damage the database reports about itself: SQLite's page-level integrity check and its
    /// foreign-key check (a crash cannot break either, short of a lying disk, so any line here
    /// means the file was damaged outside SQLite). Empty on PostgreSQL, which checks pages
    /// itself (data checksums when enabled) and enforces foreign keys on every write.
    pub async fn integrity_problems(&self) -> StoreResult<Vec<String>> {
        if matches!(self.backend(), Backend::Postgres { .. }) {
            return Ok(Vec::new());
        }
        let mut conn = self.pool().acquire().await?;
        let mut problems = sqlite_integrity(&mut conn).await?;
        for row in sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&mut *conn)
            .await?
        {
            let table: String = row.try_get(0)?;
            let rowid: Option<i64> = row.try_get(1)?;
            let parent: String = row.try_get(2)?;
            problems.push(format!(
                "row {} of {table} refers to a missing row of {parent}",
                rowid.map_or_else(|| "?".into(), |r| r.to_string())
            ));
        }
        Ok(problems)
    }

    /// Every document's id, in id order.
    pub async fn document_ids(&self) -> StoreResult<Vec<DocumentId>> {
        let rows = sqlx::query("SELECT id FROM documents ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok(DocumentId(r.try_get("id")?)))
            .collect()
    }

    /// Every chunk with its document, in chunk order: what the lexical index must hold once
    /// it has applied every change.
    pub async fn chunk_ids(&self) -> StoreResult<Vec<(DocumentId, ChunkId)>> {
        let rows = sqlx::query("SELECT document_id, id FROM chunks ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    DocumentId(r.try_get("document_id")?),
                    ChunkId(r.try_get("id")?),
                ))
            })
            .collect()
    }
}

/// SQLite's `PRAGMA integrity_check`: no line when the file is sound, else what it found.
pub(crate) async fn sqlite_integrity(conn: &mut sqlx::AnyConnection) -> StoreResult<Vec<String>> {
    let lines: Vec<String> = sqlx::query("PRAGMA integrity_check")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    Ok(lines.into_iter().filter(|l| l != "ok").collect())
}
