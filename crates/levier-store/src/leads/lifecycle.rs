//! What happens to a lead after it is created: it is scored (again after each training), first
//! contacted, then won or lost. Each step writes its event in the same transaction, so the
//! conversion KPIs always agree with the list.

use crate::{Store, StoreError, StoreResult, events};
use levier_core::ids::{LeadId, UserId};
use levier_core::{Event, EventKind, Timestamp};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// A new score for one lead.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadScoreUpdate {
    /// The lead.
    pub lead_id: LeadId,
    /// Probability (or scaled rule points), 0–1.
    pub probability: f64,
    /// `A` to `D`.
    pub tier: String,
    /// The reasons, as JSON.
    pub factors: serde_json::Value,
}

/// Where a lead ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadOutcome {
    /// Still being worked (reopens a closed lead).
    Open,
    /// Became a customer.
    Won,
    /// Lost.
    Lost,
}

impl LeadOutcome {
    /// The stored status.
    pub fn as_str(self) -> &'static str {
        match self {
            LeadOutcome::Open => "open",
            LeadOutcome::Won => "won",
            LeadOutcome::Lost => "lost",
        }
    }

    /// Reads `open`, `won` or `lost`.
    pub fn parse(s: &str) -> Option<LeadOutcome> {
        match s {
            "open" => Some(LeadOutcome::Open),
            "won" => Some(LeadOutcome::Won),
            "lost" => Some(LeadOutcome::Lost),
            _ => None,
        }
    }
}

impl Store {
    /// Writes new scores in one transaction; a `lead_scored` event is recorded for each lead
    /// whose tier changed (or that had none), so retraining does not flood the log with
    /// scores that moved by a hair.
    pub async fn set_lead_scores(
        &self,
        scores: &[LeadScoreUpdate],
        model_version: &str,
    ) -> StoreResult<usize> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let mut changed = Vec::new();
        for s in scores {
            let before: Option<Option<String>> =
                sqlx::query("SELECT tier FROM leads WHERE id = $1")
                    .bind(s.lead_id.0)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|r| r.try_get("tier"))
                    .transpose()?;
            let Some(before) = before else { continue };
            sqlx::query(
                "UPDATE leads SET probability = $1, tier = $2, factors = $3, model_version = $4,
                 scored_at = $5 WHERE id = $6",
            )
            .bind(s.probability)
            .bind(&s.tier)
            .bind(s.factors.to_string())
            .bind(model_version)
            .bind(now.millis())
            .bind(s.lead_id.0)
            .execute(&mut *tx)
            .await?;
            if before.as_deref() != Some(s.tier.as_str()) {
                changed.push(Event {
                    at: now,
                    actor: None,
                    kind: EventKind::LeadScored {
                        lead_id: s.lead_id,
                        tier: s.tier.clone(),
                        probability: s.probability,
                        model_version: model_version.to_owned(),
                    },
                });
            }
        }
        if !changed.is_empty() {
            events::append_many_in(&mut tx, &changed).await?;
        }
        tx.commit().await?;
        Ok(changed.len())
    }

    /// Records the first contact with a lead; a later call changes nothing (the KPI is time
    /// to *first* contact). Returns whether this was the first.
    pub async fn mark_lead_contacted(
        &self,
        id: LeadId,
        actor: Option<UserId>,
        at: Timestamp,
    ) -> StoreResult<bool> {
        let mut tx = self.write_tx().await?;
        let updated = sqlx::query(
            "UPDATE leads SET contacted_at = $1, updated_at = $1 WHERE id = $2 AND contacted_at IS NULL",
        )
        .bind(at.millis())
        .bind(id.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            lead_exists(&mut tx, id).await?;
            return Ok(false);
        }
        let event = Event {
            at,
            actor,
            kind: EventKind::LeadContacted { lead_id: id },
        };
        events::append_in(&mut tx, &event).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Sets a lead's outcome and when it was reached; winning or losing records its event with
    /// the lead's tier and source at that moment. Setting the status it already has changes
    /// nothing and records nothing.
    pub async fn set_lead_outcome(
        &self,
        id: LeadId,
        outcome: LeadOutcome,
        actor: Option<UserId>,
        at: Timestamp,
    ) -> StoreResult<()> {
        let mut tx = self.write_tx().await?;
        let row = sqlx::query("SELECT status, tier, source FROM leads WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::not_found("lead", id.0))?;
        let status: String = row.try_get("status")?;
        if status == outcome.as_str() {
            return Ok(());
        }
        let closed = (outcome != LeadOutcome::Open).then_some(at.millis());
        sqlx::query("UPDATE leads SET status = $1, closed_at = $2, updated_at = $3 WHERE id = $4")
            .bind(outcome.as_str())
            .bind(closed)
            .bind(at.millis())
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let tier: Option<String> = row.try_get("tier")?;
        let source: Option<String> = row.try_get("source")?;
        let kind = match outcome {
            LeadOutcome::Won => Some(EventKind::LeadConverted {
                lead_id: id,
                tier,
                source,
            }),
            LeadOutcome::Lost => Some(EventKind::LeadLost {
                lead_id: id,
                tier,
                source,
            }),
            LeadOutcome::Open => None,
        };
        if let Some(kind) = kind {
            events::append_in(&mut tx, &Event { at, actor, kind }).await?;
        }
        tx.commit().await
    }

    /// Won and lost leads (unmerged): how much history a model could learn from.
    pub async fn lead_outcome_counts(&self) -> StoreResult<(usize, usize)> {
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n FROM leads WHERE merged_into IS NULL GROUP BY status",
        )
        .fetch_all(self.pool())
        .await?;
        let (mut won, mut lost) = (0, 0);
        for row in rows {
            let n = row.try_get::<i64, _>("n")?.max(0) as usize;
            match row.try_get::<String, _>("status")?.as_str() {
                "won" => won = n,
                "lost" => lost = n,
                _ => {}
            }
        }
        Ok((won, lost))
    }
}

async fn lead_exists(tx: &mut crate::tx::WriteTx, id: LeadId) -> StoreResult<()> {
    sqlx::query("SELECT id FROM leads WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?
        .map(|_| ())
        .ok_or_else(|| StoreError::not_found("lead", id.0))
}
