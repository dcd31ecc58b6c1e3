//! Prospects and their history, as imported; normalisation and scoring come with lead
//! qualification and build on these rows.

use crate::{Store, StoreError, StoreResult};
use levier_core::Timestamp;
use levier_core::ids::LeadId;
use sqlx::Row;

/// A prospect to store, fields as received (cleaning happens in lead qualification).
#[derive(Debug, Clone, Default, PartialEq)]
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
             city, sector, employees, source, status, estimated_amount, attributes, created_at, updated_at, closed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17) RETURNING id",
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
