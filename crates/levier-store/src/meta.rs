//! Small facts about the data directory itself (e.g. that the demo company was loaded).

use crate::{Store, StoreResult};
use sqlx::Row;

impl Store {
    /// The value stored under `key`, if any.
    pub async fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT value FROM levier_meta WHERE key = $1")
            .bind(key)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| r.try_get("value"))
            .transpose()
            .map_err(Into::into)
    }

    /// Stores `value` under `key`, replacing any previous value.
    pub async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO levier_meta (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
