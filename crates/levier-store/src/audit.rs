//! The audit log: who did what, when, for administrative actions and accesses to personal data.
//! Append-only (triggers refuse UPDATE and DELETE); numbered in commit order like the events.

use crate::events::next_seq;
use crate::{Store, StoreResult};
use levier_core::Timestamp;
use levier_core::ids::UserId;
use sqlx::Row;

/// An entry to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    /// The acting user, when a user acted.
    pub actor_user_id: Option<UserId>,
    /// Who acted, readable (`vincent.arnaud@ergolis.fr`, `cli`, `token lvr_1a2b…`).
    pub actor: String,
    /// What was done, dotted (`user.create`, `token.revoke`, `data.export`).
    pub action: String,
    /// On what (`user:12`).
    pub target: String,
    /// Details as JSON.
    pub details: serde_json::Value,
    /// The client's address, when over HTTP.
    pub ip: String,
}

/// An entry as read back.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditEntry {
    /// Position in the log.
    pub seq: i64,
    /// When.
    pub at: Timestamp,
    /// Acting user id.
    pub actor_user_id: Option<UserId>,
    /// Who acted.
    pub actor: String,
    /// What was done.
    pub action: String,
    /// On what.
    pub target: String,
    /// Details.
    pub details: serde_json::Value,
    /// From where.
    pub ip: String,
}

impl Store {
    /// Appends an entry to the audit log and returns its sequence number.
    pub async fn audit(&self, entry: &NewAuditEntry) -> StoreResult<i64> {
        let mut tx = self.write_tx().await?;
        let seq = next_seq(&mut tx, "audit").await?;
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor_user_id, actor, action, target, details, ip)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(seq)
        .bind(Timestamp::now().millis())
        .bind(entry.actor_user_id.map(|u| u.0))
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(&entry.target)
        .bind(entry.details.to_string())
        .bind(&entry.ip)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// The newest audit entries before `before_seq` (all when 0), newest first.
    pub async fn audit_entries(&self, before_seq: i64, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        let rows = sqlx::query(
            "SELECT seq, at, actor_user_id, actor, action, target, details, ip FROM audit_log
             WHERE ($1 = 0 OR seq < $1) ORDER BY seq DESC LIMIT $2",
        )
        .bind(before_seq)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let details: String = r.try_get("details")?;
                Ok(AuditEntry {
                    seq: r.try_get("seq")?,
                    at: Timestamp(r.try_get("at")?),
                    actor_user_id: r.try_get::<Option<i64>, _>("actor_user_id")?.map(UserId),
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    target: r.try_get("target")?,
                    details: serde_json::from_str(&details).unwrap_or(serde_json::Value::Null),
                    ip: r.try_get("ip")?,
                })
            })
            .collect()
    }
}
