//! The use-case inventory of the adoption method, plus the counts shown on the overview page.
//! FAQ entries live in [`crate::faq`]; [`NewFaqEntry`] is re-exported here for the callers
//! that found it here first.

pub use crate::faq::NewFaqEntry;

use crate::{Store, StoreError, StoreResult};
use levier_core::Timestamp;
use levier_core::ids::UseCaseId;
use sqlx::Row;

/// A use case of the inventory, scored for impact and feasibility.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUseCase {
    /// Short name.
    pub name: String,
    /// The business process concerned.
    pub process: String,
    /// What hurts today.
    pub pain: String,
    /// Occurrences per month.
    pub frequency_per_month: i64,
    /// Minutes each occurrence takes today.
    pub minutes_per_occurrence: i64,
    /// People involved.
    pub people_involved: i64,
    /// The data available to automate it.
    pub data_available: String,
    /// `basse`, `moyenne` or `haute`.
    pub risk: String,
    /// Impact score, 1 to 5.
    pub impact: i64,
    /// Feasibility score, 1 to 5.
    pub feasibility: i64,
}

/// How many records of each kind the store holds, for overview pages.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Users.
    pub users: i64,
    /// Access groups.
    pub groups: i64,
    /// Documents.
    pub documents: i64,
    /// FAQ entries.
    pub faq_entries: i64,
    /// FAQ phrasings (questions and their variants).
    pub faq_phrasings: i64,
    /// Leads.
    pub leads: i64,
    /// Lead interactions.
    pub lead_interactions: i64,
    /// Use cases.
    pub use_cases: i64,
    /// Events in the log.
    pub events: i64,
    /// Tasks.
    pub tasks: i64,
}

impl Store {
    /// Adds a use case to the inventory (or replaces the one with the same name).
    pub async fn upsert_use_case(&self, u: &NewUseCase) -> StoreResult<UseCaseId> {
        for (name, score) in [("impact", u.impact), ("feasibility", u.feasibility)] {
            if !(1..=5).contains(&score) {
                return Err(StoreError::Invalid(format!(
                    "use case '{}': {name} must be between 1 and 5, got {score}",
                    u.name
                )));
            }
        }
        let row = sqlx::query(
            "INSERT INTO use_cases (name, process, pain, frequency_per_month, minutes_per_occurrence,
             people_involved, data_available, risk, impact, feasibility, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (name) DO UPDATE SET process = excluded.process, pain = excluded.pain,
             frequency_per_month = excluded.frequency_per_month,
             minutes_per_occurrence = excluded.minutes_per_occurrence,
             people_involved = excluded.people_involved, data_available = excluded.data_available,
             risk = excluded.risk, impact = excluded.impact, feasibility = excluded.feasibility
             RETURNING id",
        )
        .bind(&u.name)
        .bind(&u.process)
        .bind(&u.pain)
        .bind(u.frequency_per_month)
        .bind(u.minutes_per_occurrence)
        .bind(u.people_involved)
        .bind(&u.data_available)
        .bind(&u.risk)
        .bind(u.impact)
        .bind(u.feasibility)
        .bind(Timestamp::now().millis())
        .fetch_one(self.pool())
        .await?;
        Ok(UseCaseId(row.try_get("id")?))
    }

    /// The use-case inventory, by name.
    pub async fn use_cases(&self) -> StoreResult<Vec<(UseCaseId, NewUseCase)>> {
        let rows = sqlx::query(
            "SELECT id, name, process, pain, frequency_per_month, minutes_per_occurrence,
             people_involved, data_available, risk, impact, feasibility
             FROM use_cases ORDER BY name",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    UseCaseId(r.try_get("id")?),
                    NewUseCase {
                        name: r.try_get("name")?,
                        process: r.try_get("process")?,
                        pain: r.try_get("pain")?,
                        frequency_per_month: r.try_get("frequency_per_month")?,
                        minutes_per_occurrence: r.try_get("minutes_per_occurrence")?,
                        people_involved: r.try_get("people_involved")?,
                        data_available: r.try_get("data_available")?,
                        risk: r.try_get("risk")?,
                        impact: r.try_get("impact")?,
                        feasibility: r.try_get("feasibility")?,
                    },
                ))
            })
            .collect()
    }

    /// How many records of each kind the store holds.
    pub async fn counts(&self) -> StoreResult<Counts> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM groups) AS groups,
             (SELECT COUNT(*) FROM documents) AS documents, (SELECT COUNT(*) FROM faq_entries) AS faq_entries,
             (SELECT COUNT(*) FROM faq_phrasings) AS faq_phrasings, (SELECT COUNT(*) FROM leads) AS leads,
             (SELECT COUNT(*) FROM lead_interactions) AS lead_interactions,
             (SELECT COUNT(*) FROM use_cases) AS use_cases, (SELECT COUNT(*) FROM events) AS events,
             (SELECT COUNT(*) FROM tasks) AS tasks",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(Counts {
            users: row.try_get("users")?,
            groups: row.try_get("groups")?,
            documents: row.try_get("documents")?,
            faq_entries: row.try_get("faq_entries")?,
            faq_phrasings: row.try_get("faq_phrasings")?,
            leads: row.try_get("leads")?,
            lead_interactions: row.try_get("lead_interactions")?,
            use_cases: row.try_get("use_cases")?,
            events: row.try_get("events")?,
            tasks: row.try_get("tasks")?,
        })
    }
}
