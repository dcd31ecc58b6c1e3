//! What lead qualification keeps besides the leads: merges with both records as they were,
//! saved column mappings, and the scoring models (their id is the version written on scores).

use super::NewLead;
use super::json_or_empty;
use super::records::lead_from_row;
use crate::row::{json, time};
use crate::{Store, StoreError, StoreResult};
use levier_core::Timestamp;
use levier_core::ids::{LeadId, UserId};
use serde::Serialize;
use sqlx::Row;

/// One merge, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeadMerge {
    /// The lead kept.
    pub kept_id: LeadId,
    /// The lead merged into it (still stored, marked merged).
    pub merged_id: LeadId,
    /// The kept lead before the merge (the stored record as JSON).
    pub kept_before: serde_json::Value,
    /// The merged lead before the merge.
    pub merged_before: serde_json::Value,
    /// Who merged.
    pub actor: Option<UserId>,
    /// When.
    pub at: Timestamp,
}

/// A stored scoring model or rule set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SavedLeadModel {
    /// Its version (the row id).
    pub version: i64,
    /// `model` (learnt) or `rules` (ideal customer profile).
    pub kind: String,
    /// The model itself, as serialised by levier-leads.
    pub model: serde_json::Value,
    /// What training measured, or why rules were used.
    pub report: serde_json::Value,
    /// When it was saved.
    pub created_at: Timestamp,
}

impl SavedLeadModel {
    /// The label written on scores: `model-3`, `rules-1`.
    pub fn label(&self) -> String {
        format!("{}-{}", self.kind, self.version)
    }
}

impl Store {
    /// Merges `merged` into `kept`: `kept` takes the contact fields of `update` (the merged
    /// record levier-leads built; its status, dates, sector and amounts stay the kept lead's),
    /// `merged` is marked as merged into it (kept for history, hidden from the list), and both
    /// records as they were are written to the merge history, all in one transaction.
    pub async fn merge_leads(
        &self,
        kept: LeadId,
        merged: LeadId,
        update: &NewLead,
        actor: Option<UserId>,
    ) -> StoreResult<()> {
        if kept == merged {
            return Err(StoreError::Invalid(
                "a lead cannot be merged into itself".into(),
            ));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let mut before = Vec::new();
        for id in [kept, merged] {
            let row = sqlx::query(&format!(
                "SELECT {} FROM leads WHERE id = $1",
                super::records::COLUMNS
            ))
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::not_found("lead", id.0))?;
            let record = lead_from_row(&row)?;
            if record.merged_into.is_some() {
                return Err(StoreError::Invalid(format!(
                    "lead {} was already merged into another lead",
                    id.0
                )));
            }
            before.push(serde_json::to_value(&record).unwrap_or_default());
        }
        sqlx::query(
            "UPDATE leads SET first_name = $1, last_name = $2, email = $3, phone = $4, company = $5,
             siret = $6, postcode = $7, city = $8, source = $9, normalised = $10, domain = $11,
             free_mail = $12, region = $13, updated_at = $14 WHERE id = $15",
        )
        .bind(&update.first_name)
        .bind(&update.last_name)
        .bind(update.email.as_deref())
        .bind(update.phone.as_deref())
        .bind(update.company.as_deref())
        .bind(update.siret.as_deref())
        .bind(update.postcode.as_deref())
        .bind(update.city.as_deref())
        .bind(update.source.as_deref())
        .bind(json_or_empty(&update.normalised))
        .bind(update.domain.as_deref())
        .bind(update.free_mail.map(i64::from))
        .bind(update.region.as_deref())
        .bind(now.millis())
        .bind(kept.0)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE leads SET merged_into = $1, updated_at = $2 WHERE id = $3")
            .bind(kept.0)
            .bind(now.millis())
            .bind(merged.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE lead_interactions SET lead_id = $1 WHERE lead_id = $2")
            .bind(kept.0)
            .bind(merged.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO lead_merges (kept_id, merged_id, kept_before, merged_before, actor_user_id, at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(kept.0)
        .bind(merged.0)
        .bind(before[0].to_string())
        .bind(before[1].to_string())
        .bind(actor.map(|a| a.0))
        .bind(now.millis())
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// The merges into a lead, oldest first.
    pub async fn lead_merges(&self, kept: LeadId) -> StoreResult<Vec<LeadMerge>> {
        let rows = sqlx::query(
            "SELECT kept_id, merged_id, kept_before, merged_before, actor_user_id, at
             FROM lead_merges WHERE kept_id = $1 ORDER BY at, id",
        )
        .bind(kept.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LeadMerge {
                    kept_id: LeadId(r.try_get("kept_id")?),
                    merged_id: LeadId(r.try_get("merged_id")?),
                    kept_before: json(r, "kept_before")?,
                    merged_before: json(r, "merged_before")?,
                    actor: r.try_get::<Option<i64>, _>("actor_user_id")?.map(UserId),
                    at: time(r, "at")?,
                })
            })
            .collect()
    }

    /// Saves (or replaces) a named column mapping.
    pub async fn save_lead_mapping(
        &self,
        name: &str,
        mapping: &serde_json::Value,
    ) -> StoreResult<()> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid("a column mapping needs a name".into()));
        }
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO lead_mappings (name, mapping, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at",
        )
        .bind(name)
        .bind(mapping.to_string())
        .bind(self.now().millis())
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// A saved column mapping.
    pub async fn lead_mapping(&self, name: &str) -> StoreResult<Option<serde_json::Value>> {
        let row = sqlx::query("SELECT mapping FROM lead_mappings WHERE name = $1")
            .bind(name.trim())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(|r| json(r, "mapping")).transpose()
    }

    /// Every saved column mapping by name, in name order: what an import form offers.
    pub async fn lead_mappings(&self) -> StoreResult<Vec<(String, serde_json::Value)>> {
        let rows = sqlx::query("SELECT name, mapping FROM lead_mappings ORDER BY name")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("name")?, json(r, "mapping")?)))
            .collect()
    }

    /// Stores a scoring model (`kind` `model` or `rules`); returns it with its version.
    pub async fn save_lead_model(
        &self,
        kind: &str,
        model: &serde_json::Value,
        report: &serde_json::Value,
    ) -> StoreResult<SavedLeadModel> {
        if !matches!(kind, "model" | "rules") {
            return Err(StoreError::Invalid(format!(
                "lead model kind '{kind}' must be model or rules"
            )));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "INSERT INTO lead_models (kind, model, report, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(kind)
        .bind(model.to_string())
        .bind(report.to_string())
        .bind(now.millis())
        .fetch_one(&mut *tx)
        .await?;
        let version: i64 = row.try_get("id")?;
        tx.commit().await?;
        Ok(SavedLeadModel {
            version,
            kind: kind.to_owned(),
            model: model.clone(),
            report: report.clone(),
            created_at: now,
        })
    }

    /// The newest scoring model, if any was saved.
    pub async fn latest_lead_model(&self) -> StoreResult<Option<SavedLeadModel>> {
        let row = sqlx::query(
            "SELECT id, kind, model, report, created_at FROM lead_models ORDER BY id DESC LIMIT 1",
        )
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(SavedLeadModel {
                version: r.try_get("id")?,
                kind: r.try_get("kind")?,
                model: json(&r, "model")?,
                report: json(&r, "report")?,
                created_at: time(&r, "created_at")?,
            })
        })
        .transpose()
    }
}
