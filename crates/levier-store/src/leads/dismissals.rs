//! Merge suggestions a person dismissed: two leads that look alike but are not one person (two
//! colleagues sharing a switchboard number, a father and son of the same name). Suggestions are
//! computed afresh after every import, so without this record the same pair would come back.

use crate::{Store, StoreError, StoreResult};
use levier_core::ids::{LeadId, UserId};
use sqlx::Row;
use std::collections::HashSet;

/// A pair of leads as stored: lower id first, whichever way it was suggested.
fn ordered(a: LeadId, b: LeadId) -> (i64, i64) {
    (a.0.min(b.0), a.0.max(b.0))
}

impl Store {
    /// Records that `a` and `b` are not duplicates (dismissing twice changes nothing).
    pub async fn dismiss_lead_pair(
        &self,
        a: LeadId,
        b: LeadId,
        actor: Option<UserId>,
    ) -> StoreResult<()> {
        if a == b {
            return Err(StoreError::Invalid(
                "a lead cannot be dismissed as its own duplicate".into(),
            ));
        }
        let (low, high) = ordered(a, b);
        let mut tx = self.write_tx().await?;
        for id in [low, high] {
            sqlx::query("SELECT id FROM leads WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::not_found("lead", id))?;
        }
        sqlx::query(
            "INSERT INTO lead_dismissed_pairs (low_id, high_id, actor_user_id, at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (low_id, high_id) DO NOTHING",
        )
        .bind(low)
        .bind(high)
        .bind(actor.map(|u| u.0))
        .bind(self.now().millis())
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// Every dismissed pair, lower id first.
    pub async fn dismissed_lead_pairs(&self) -> StoreResult<HashSet<(LeadId, LeadId)>> {
        let rows = sqlx::query("SELECT low_id, high_id FROM lead_dismissed_pairs")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((LeadId(r.try_get("low_id")?), LeadId(r.try_get("high_id")?))))
            .collect()
    }
}
