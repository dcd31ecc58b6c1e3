//! Prospects and their history. Lead qualification (levier-leads) writes them normalised, with
//! their derived fields, scores and reasons; the store keeps them, their outcomes, first
//! contact, merges (with both records as they were), saved column mappings and scoring models,
//! and records the events the conversion KPIs are computed from.

mod dismissals;
mod enrichment;
mod history;
mod lifecycle;
mod records;

pub use enrichment::LeadEnrichment;
pub use history::{LeadMerge, SavedLeadModel};
pub use lifecycle::{LeadOutcome, LeadScoreUpdate};
pub use records::{LeadColumn, LeadFilter, LeadRecord, StoredLeadScore};

use crate::{Store, StoreError, StoreResult, events};
use levier_core::ids::LeadId;
use levier_core::{Event, EventKind, Timestamp};
use sqlx::Row;

/// A lead's fields: what is stored on creation, read back in [`LeadRecord`], and rewritten by
/// a merge. Lead qualification writes them normalised; [`Store::create_lead`] takes them as
/// given.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct NewLead {
    /// The id in the system it came from (CRM export row id).
    pub external_ref: Option<String>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// E-mail as given.
    pub email: Option<String>,
    /// Phone as given.
    pub phone: Option<String>,
    /// Company name as given.
    pub company: Option<String>,
    /// SIRET as given.
    pub siret: Option<String>,
    /// Postcode.
    pub postcode: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Sector of activity.
    pub sector: Option<String>,
    /// Headcount.
    pub employees: Option<i64>,
    /// Acquisition channel.
    pub source: Option<String>,
    /// `open`, `won` or `lost`.
    pub status: String,
    /// Estimated deal amount in euros.
    pub estimated_amount: Option<f64>,
    /// When the lead was created.
    pub created_at: Timestamp,
    /// When it was won or lost.
    pub closed_at: Option<Timestamp>,
    /// Other columns, as JSON.
    pub attributes: serde_json::Value,
    /// The whole normalised record (levier-leads' `Lead`) as JSON; `null` when not normalised.
    pub normalised: serde_json::Value,
    /// The company's web domain (website, else a non-free e-mail's domain).
    pub domain: Option<String>,
    /// Whether the e-mail is from a free-mail provider.
    pub free_mail: Option<bool>,
    /// Région, from the postcode.
    pub region: Option<String>,
    /// Size band from the headcount (`1-9`, `10-49`, `50-249`, `250+`).
    pub size_band: Option<String>,
}

/// One past interaction with a lead.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadInteraction {
    /// When.
    pub at: Timestamp,
    /// `appel`, `email`, `rdv`, `devis`, `relance`…
    pub kind: String,
    /// Free text.
    pub note: String,
}

impl Store {
    /// Stores a lead with its interactions.
    pub async fn create_lead(
        &self,
        lead: &NewLead,
        history: &[LeadInteraction],
    ) -> StoreResult<LeadId> {
        if !matches!(lead.status.as_str(), "open" | "won" | "lost") {
            return Err(StoreError::Invalid(format!(
                "lead status '{}' must be open, won or lost",
                lead.status
            )));
        }
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "INSERT INTO leads (external_ref, first_name, last_name, email, phone, company, siret, postcode,
             city, sector, employees, source, status, estimated_amount, attributes, created_at, updated_at, closed_at,
             normalised, domain, free_mail, region, size_band)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17,
             $18, $19, $20, $21, $22) RETURNING id",
        )
        .bind(lead.external_ref.as_deref())
        .bind(&lead.first_name)
        .bind(&lead.last_name)
        .bind(lead.email.as_deref())
        .bind(lead.phone.as_deref())
        .bind(lead.company.as_deref())
        .bind(lead.siret.as_deref())
        .bind(lead.postcode.as_deref())
        .bind(lead.city.as_deref())
        .bind(lead.sector.as_deref())
        .bind(lead.employees)
        .bind(lead.source.as_deref())
        .bind(&lead.status)
        .bind(lead.estimated_amount)
        .bind(lead.attributes.to_string())
        .bind(lead.created_at.millis())
        .bind(lead.closed_at.map(|t| t.millis()))
        .bind(json_or_empty(&lead.normalised))
        .bind(lead.domain.as_deref())
        .bind(lead.free_mail.map(i64::from))
        .bind(lead.region.as_deref())
        .bind(lead.size_band.as_deref())
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        for i in history {
            sqlx::query(
                "INSERT INTO lead_interactions (lead_id, at, kind, note) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(i.at.millis())
            .bind(&i.kind)
            .bind(&i.note)
            .execute(&mut *tx)
            .await?;
        }
        events::append_many_in(&mut tx, &arrival_events(LeadId(id), lead)).await?;
        tx.commit().await?;
        Ok(LeadId(id))
    }

    /// The lead imported with this reference from its source system, if any.
    pub async fn lead_by_external_ref(&self, reference: &str) -> StoreResult<Option<LeadId>> {
        let row = sqlx::query("SELECT id FROM leads WHERE external_ref = $1 ORDER BY id LIMIT 1")
            .bind(reference)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| r.try_get("id").map(LeadId))
            .transpose()
            .map_err(Into::into)
    }
}

/// The events of a lead entering the list: created, and, for a lead imported already won or
/// lost (a CRM's history), its outcome at its closing date, so conversion by source covers the
/// history too (its tier is unknown: it was never scored before its outcome).
fn arrival_events(id: LeadId, lead: &NewLead) -> Vec<Event> {
    let event = |at, kind| Event {
        at,
        actor: None,
        kind,
    };
    let mut out = vec![event(
        lead.created_at,
        EventKind::LeadCreated {
            lead_id: id,
            source: lead.source.clone(),
        },
    )];
    let (tier, source) = (None, lead.source.clone());
    let closed = lead.closed_at.unwrap_or(lead.created_at);
    match lead.status.as_str() {
        "won" => out.push(event(
            closed,
            EventKind::LeadConverted {
                lead_id: id,
                tier,
                source,
            },
        )),
        "lost" => out.push(event(
            closed,
            EventKind::LeadLost {
                lead_id: id,
                tier,
                source,
            },
        )),
        _ => {}
    }
    out
}

/// JSON text for a column that holds an object: `{}` rather than `null`.
fn json_or_empty(value: &serde_json::Value) -> String {
    if value.is_null() {
        "{}".to_owned()
    } else {
        value.to_string()
    }
}
