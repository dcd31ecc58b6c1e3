//! Reading leads back: one, or the list sorted by score with the filters the Leads page offers,
//! and rewriting a lead's fields after a merge.

use super::NewLead;
use crate::filter::Filter;
use crate::row::{json, opt_time, time};
use crate::{Store, StoreResult};
use levier_core::Timestamp;
use levier_core::ids::LeadId;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A lead's latest score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredLeadScore {
    /// Calibrated probability of conversion (under rules: the points scaled to 0–1).
    pub probability: f64,
    /// `A` to `D`.
    pub tier: String,
    /// The reasons, strongest first (levier-leads' `Factor`s as JSON).
    pub factors: serde_json::Value,
    /// The model or rules that scored it (`model-3`, `rules-1`).
    pub model_version: String,
    /// When.
    pub scored_at: Timestamp,
}

/// A stored lead: its fields (flattened in JSON) and what happened to it since.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeadRecord {
    /// Its id.
    pub id: LeadId,
    /// Its fields.
    #[serde(flatten)]
    pub fields: NewLead,
    /// When first contacted.
    pub contacted_at: Option<Timestamp>,
    /// The lead it was merged into, if it was.
    pub merged_into: Option<LeadId>,
    /// Its latest score.
    pub score: Option<StoredLeadScore>,
}

impl LeadRecord {
    /// "Prénom Nom", or the company when no person is named.
    pub fn display_name(&self) -> String {
        let f = &self.fields;
        let name = format!("{} {}", f.first_name, f.last_name);
        match name.trim() {
            "" => f.company.clone().unwrap_or_default(),
            name => name.to_owned(),
        }
    }
}

/// Which leads to list. Merged leads are left out unless asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeadFilter {
    /// Only this tier.
    pub tier: Option<String>,
    /// Only this status.
    pub status: Option<String>,
    /// Only this source (exact).
    pub source: Option<String>,
    /// Only this région (exact).
    pub region: Option<String>,
    /// Include leads merged into others.
    pub include_merged: bool,
    /// At most this many (0: no limit).
    pub limit: i64,
    /// Leave out the normalised record and the extra attributes (read back as `{}`): the
    /// bulk of a row, not needed to score or list, so a list of 100,000 leads stays small.
    pub without_records: bool,
}

pub(super) const COLUMNS: &str =
    "id, external_ref, first_name, last_name, email, phone, company, siret, postcode,
    city, sector, employees, source, status, estimated_amount, attributes, normalised, domain,
    free_mail, region, size_band, created_at, closed_at, contacted_at, merged_into, probability,
    tier, factors, model_version, scored_at";

impl Store {
    /// One lead, merged or not.
    pub async fn lead(&self, id: LeadId) -> StoreResult<Option<LeadRecord>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM leads WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(lead_from_row).transpose()
    }

    /// Leads, best score first (unscored last, then oldest first).
    pub async fn leads(&self, filter: &LeadFilter) -> StoreResult<Vec<LeadRecord>> {
        let mut f = Filter::default();
        if !filter.include_merged {
            f.raw("merged_into IS NULL");
        }
        for (column, value) in [
            ("tier", &filter.tier),
            ("status", &filter.status),
            ("source", &filter.source),
            ("region", &filter.region),
        ] {
            if let Some(value) = value {
                f.text(&format!("{column} = ?"), value.as_str());
            }
        }
        let limit = if filter.limit > 0 {
            format!(" LIMIT {}", filter.limit)
        } else {
            String::new()
        };
        let columns = if filter.without_records {
            COLUMNS.replace(
                "attributes, normalised,",
                "'{}' AS attributes, '{}' AS normalised,",
            )
        } else {
            COLUMNS.to_owned()
        };
        let sql = format!(
            "SELECT {columns} FROM leads{} ORDER BY COALESCE(probability, -1) DESC, id{limit}",
            f.where_sql()
        );
        let rows = f.bind(sqlx::query(&sql)).fetch_all(self.pool()).await?;
        rows.iter().map(lead_from_row).collect()
    }

    /// The distinct values of a lead column among unmerged leads, for the page's filters.
    pub async fn lead_values(&self, column: LeadColumn) -> StoreResult<Vec<String>> {
        let column = column.sql();
        let rows = sqlx::query(&format!(
            "SELECT DISTINCT {column} AS v FROM leads
             WHERE merged_into IS NULL AND {column} IS NOT NULL ORDER BY {column}"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| r.try_get("v").map_err(Into::into))
            .collect()
    }
}

/// A column whose values the Leads page offers as a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadColumn {
    /// Acquisition channel.
    Source,
    /// Région.
    Region,
}

impl LeadColumn {
    fn sql(self) -> &'static str {
        match self {
            LeadColumn::Source => "source",
            LeadColumn::Region => "region",
        }
    }
}

pub(super) fn lead_from_row(r: &AnyRow) -> StoreResult<LeadRecord> {
    let score = match r.try_get::<Option<f64>, _>("probability")? {
        Some(probability) => Some(StoredLeadScore {
            probability,
            tier: r.try_get::<Option<String>, _>("tier")?.unwrap_or_default(),
            factors: json(r, "factors")?,
            model_version: r
                .try_get::<Option<String>, _>("model_version")?
                .unwrap_or_default(),
            scored_at: opt_time(r, "scored_at")?.unwrap_or(Timestamp(0)),
        }),
        None => None,
    };
    Ok(LeadRecord {
        id: LeadId(r.try_get("id")?),
        fields: NewLead {
            external_ref: r.try_get("external_ref")?,
            first_name: r.try_get("first_name")?,
            last_name: r.try_get("last_name")?,
            email: r.try_get("email")?,
            phone: r.try_get("phone")?,
            company: r.try_get("company")?,
            siret: r.try_get("siret")?,
            postcode: r.try_get("postcode")?,
            city: r.try_get("city")?,
            sector: r.try_get("sector")?,
            employees: r.try_get("employees")?,
            source: r.try_get("source")?,
            status: r.try_get("status")?,
            estimated_amount: r.try_get("estimated_amount")?,
            created_at: time(r, "created_at")?,
            closed_at: opt_time(r, "closed_at")?,
            attributes: json(r, "attributes")?,
            normalised: json(r, "normalised")?,
            domain: r.try_get("domain")?,
            free_mail: r.try_get::<Option<i64>, _>("free_mail")?.map(|f| f != 0),
            region: r.try_get("region")?,
            size_band: r.try_get("size_band")?,
        },
        contacted_at: opt_time(r, "contacted_at")?,
        merged_into: r.try_get::<Option<i64>, _>("merged_into")?.map(LeadId),
        score,
    })
}
