//! Pilots: a use case tried on a limited scope, measured against a baseline, and closed with
//! a decision (extend, adjust, stop) — step 2 and 3 of the adoption method.
//!
//! The scope, baseline and targets are stored as JSON documents: they are read and written
//! whole, and their shape grows with the capabilities a pilot can cover.

use crate::row::{opt_time, time};
use crate::support::PilotScope;
use crate::text_enum::text_enum;
use crate::{Store, StoreError, StoreResult};
use levier_core::Timestamp;
use levier_core::ids::{PilotId, SiteId, UseCaseId, UserId};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

text_enum!(
    /// Where a pilot stands.
    PilotStatus {
        /// Being prepared.
        Draft = "draft",
        /// Running: the assistant and triage work within its scope.
        Live = "live",
        /// Ended with a decision.
        Closed = "closed",
    }
);

text_enum!(
    /// What was decided at a pilot's end.
    Decision {
        /// Roll it out further.
        Extend = "extend",
        /// Change something and try again.
        Adjust = "adjust",
        /// Stop it.
        Stop = "stop",
    }
);

/// What a pilot covers; an empty list means no restriction of that kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scope {
    /// Websites whose chat is in the pilot.
    pub sites: Vec<SiteId>,
    /// FAQ categories the assistant answers.
    pub faq_categories: Vec<String>,
    /// Mail categories triage handles.
    pub mail_categories: Vec<String>,
    /// Channels (`widget`, `email`).
    pub channels: Vec<String>,
    /// Teams taking part.
    pub teams: Vec<String>,
}

/// A figure's value entered by hand for the baseline, with where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnteredValue {
    /// The figure's id (`first_response`, `self_service_assumed`…).
    pub figure: String,
    /// Its value, in the figure's unit (a share from 0 to 1, milliseconds for durations).
    pub value: f64,
    /// Where it comes from ("export Zendesk T1 2026", "relevé manuel").
    pub source: String,
}

/// What the pilot is compared with: a measured period before it, values entered by hand, or
/// both (an entered value wins over the measured one for its figure).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Baseline {
    /// The measured period's first instant.
    pub from: Option<Timestamp>,
    /// The first instant after it.
    pub until: Option<Timestamp>,
    /// Values entered by hand.
    pub entered: Vec<EnteredValue>,
}

/// How a target compares a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// The pilot's value is at least the target's.
    AtLeast,
    /// The pilot's value is at most the target's.
    AtMost,
    /// The change from the baseline, as a fraction (−0.3 for −30 %), is at most the target's.
    ChangeAtMost,
    /// The change from the baseline is at least the target's.
    ChangeAtLeast,
}

/// A target of the pilot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The figure's id.
    pub figure: String,
    /// How it is compared.
    pub comparison: Comparison,
    /// The value compared with.
    pub value: f64,
}

/// A pilot to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPilot {
    /// The use case it tries.
    pub use_case_id: UseCaseId,
    /// Its name (unique).
    pub name: String,
    /// What it covers.
    pub scope: Scope,
    /// What it is compared with.
    pub baseline: Baseline,
    /// What it must reach.
    pub targets: Vec<Target>,
    /// Its first instant.
    pub starts_at: Timestamp,
    /// The first instant after it.
    pub ends_at: Timestamp,
    /// Its AI champions.
    pub champions: Vec<UserId>,
}

/// A pilot as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pilot {
    /// Identifier.
    pub id: PilotId,
    /// The use case it tries.
    pub use_case_id: UseCaseId,
    /// Its name.
    pub name: String,
    /// Where it stands.
    pub status: PilotStatus,
    /// What it covers.
    pub scope: Scope,
    /// What it is compared with.
    pub baseline: Baseline,
    /// What it must reach.
    pub targets: Vec<Target>,
    /// Its first instant.
    pub starts_at: Timestamp,
    /// The first instant after it.
    pub ends_at: Timestamp,
    /// Its AI champions.
    pub champions: Vec<UserId>,
    /// The decision it closed with.
    pub decision: Option<Decision>,
    /// The note that explains the decision.
    pub note: String,
    /// When it was decided.
    pub decided_at: Option<Timestamp>,
    /// Who decided.
    pub decided_by: Option<UserId>,
}

impl Pilot {
    /// The scope the assistant of one of its websites has while the pilot is live: the
    /// site's own limits with the pilot's FAQ categories (also what a test set of a draft
    /// pilot is run with).
    pub fn site_scope(&self, site: &PilotScope) -> PilotScope {
        PilotScope {
            categories: self.scope.faq_categories.clone(),
            ..site.clone()
        }
    }
}

/// The mail categories whose mails triage handles on its own (acknowledgement, drafted reply)
/// while pilots are live. Mail outside it is still classified and routed, but goes to people
/// as it did before the pilot, so the pilot is measured on its scope only.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum MailScope {
    /// No live pilot limits e-mail: triage handles every category.
    #[default]
    Everything,
    /// Only these categories (the union of the live pilots' mail categories).
    Categories(Vec<String>),
}

impl MailScope {
    /// The scope of `pilots`: those live, covering e-mail (no channel named, or `email`),
    /// with mail categories. A live e-mail pilot without categories covers everything.
    pub fn of(pilots: &[Pilot]) -> MailScope {
        let mut categories: Vec<String> = Vec::new();
        for p in pilots.iter().filter(|p| p.status == PilotStatus::Live) {
            let covers_mail =
                p.scope.channels.is_empty() || p.scope.channels.iter().any(|c| c == "email");
            if !covers_mail {
                continue;
            }
            if p.scope.mail_categories.is_empty() {
                return MailScope::Everything;
            }
            categories.extend(p.scope.mail_categories.iter().cloned());
        }
        if categories.is_empty() {
            return MailScope::Everything;
        }
        categories.sort();
        categories.dedup();
        MailScope::Categories(categories)
    }

    /// Whether triage handles a mail of `category` (`None`: still to review, which no
    /// limited scope covers).
    pub fn covers(&self, category: Option<&str>) -> bool {
        match self {
            MailScope::Everything => true,
            MailScope::Categories(list) => category.is_some_and(|c| list.iter().any(|l| l == c)),
        }
    }
}

const COLUMNS: &str = "id, use_case_id, name, status, scope, baseline, targets, starts_at, ends_at, \
     champions, decision, note, decided_at, decided_by_user_id";

impl Store {
    /// Creates a pilot as a draft, or updates the draft of the same name; a pilot already live
    /// or closed is not changed (its plan is what it is measured against).
    pub async fn upsert_pilot(&self, new: &NewPilot) -> StoreResult<PilotId> {
        check(new)?;
        let row = sqlx::query(
            "INSERT INTO pilots (use_case_id, name, status, scope, baseline, targets, starts_at,
             ends_at, champions, created_at)
             VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (name) DO UPDATE SET use_case_id = excluded.use_case_id,
             scope = excluded.scope, baseline = excluded.baseline, targets = excluded.targets,
             starts_at = excluded.starts_at, ends_at = excluded.ends_at,
             champions = excluded.champions
             WHERE pilots.status = 'draft'
             RETURNING id",
        )
        .bind(new.use_case_id.0)
        .bind(new.name.trim())
        .bind(to_json(&new.scope)?)
        .bind(to_json(&new.baseline)?)
        .bind(to_json(&new.targets)?)
        .bind(new.starts_at.millis())
        .bind(new.ends_at.millis())
        .bind(to_json(&new.champions)?)
        .bind(self.now().millis())
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some(row) => Ok(PilotId(row.try_get("id")?)),
            None => self.pilot_id_by_name(&new.name).await,
        }
    }

    async fn pilot_id_by_name(&self, name: &str) -> StoreResult<PilotId> {
        let row = sqlx::query("SELECT id FROM pilots WHERE name = $1")
            .bind(name.trim())
            .fetch_one(self.pool())
            .await?;
        Ok(PilotId(row.try_get("id")?))
    }

    /// Every pilot, the latest start first.
    pub async fn pilots(&self) -> StoreResult<Vec<Pilot>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM pilots ORDER BY starts_at DESC, id DESC"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(pilot).collect()
    }

    /// The mail categories triage handles on its own now (see [`MailScope`]).
    pub async fn mail_scope(&self) -> StoreResult<MailScope> {
        Ok(MailScope::of(&self.pilots().await?))
    }

    /// A pilot by id.
    pub async fn pilot(&self, id: PilotId) -> StoreResult<Option<Pilot>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM pilots WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(pilot).transpose()
    }

    /// Puts a draft pilot live, and limits the assistant of its websites to its FAQ
    /// categories (the rest of their customers' questions go to people, counted as outside
    /// the pilot).
    pub async fn start_pilot(&self, id: PilotId) -> StoreResult<()> {
        let done =
            sqlx::query("UPDATE pilots SET status = 'live' WHERE id = $1 AND status = 'draft'")
                .bind(id.0)
                .execute(self.pool())
                .await?;
        if done.rows_affected() == 0 {
            return Err(self.not_in(id, "draft").await);
        }
        let pilot = self
            .pilot(id)
            .await?
            .ok_or_else(|| StoreError::not_found("pilot", id))?;
        for site in &pilot.scope.sites {
            let Some(site) = self.site(*site).await? else {
                continue;
            };
            let scope = pilot.site_scope(&site.pilot_scope);
            self.set_site_pilot_scope(site.id, &scope).await?;
        }
        Ok(())
    }

    /// Closes a live pilot with its decision and the note that explains it.
    pub async fn close_pilot(
        &self,
        id: PilotId,
        decision: Decision,
        note: &str,
        by: UserId,
    ) -> StoreResult<()> {
        if note.trim().is_empty() {
            return Err(StoreError::Invalid(
                "a decision needs a note that explains it".into(),
            ));
        }
        let done = sqlx::query(
            "UPDATE pilots SET status = 'closed', decision = $2, note = $3, decided_at = $4,
             decided_by_user_id = $5 WHERE id = $1 AND status = 'live'",
        )
        .bind(id.0)
        .bind(decision.as_str())
        .bind(note.trim())
        .bind(self.now().millis())
        .bind(by.0)
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(self.not_in(id, "live").await);
        }
        Ok(())
    }

    /// The error for an operation on a pilot that is missing or not in `status`.
    async fn not_in(&self, id: PilotId, status: &str) -> StoreError {
        match self.pilot(id).await {
            Ok(Some(p)) => StoreError::Conflict(format!(
                "pilot '{}' is {}, not {status}",
                p.name,
                p.status.as_str()
            )),
            Ok(None) => StoreError::not_found("pilot", id),
            Err(e) => e,
        }
    }
}

fn check(new: &NewPilot) -> StoreResult<()> {
    if new.name.trim().is_empty() {
        return Err(StoreError::Invalid("a pilot needs a name".into()));
    }
    if new.ends_at <= new.starts_at {
        return Err(StoreError::Invalid(format!(
            "pilot '{}' must end after it starts",
            new.name
        )));
    }
    if let (Some(from), Some(until)) = (new.baseline.from, new.baseline.until)
        && until <= from
    {
        return Err(StoreError::Invalid(format!(
            "pilot '{}': the baseline period must end after it starts",
            new.name
        )));
    }
    Ok(())
}

fn to_json<T: Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Invalid(e.to_string()))
}

/// A JSON column read into its type; a document this binary cannot read is an error, not a
/// default (it was written by a newer levier, or tampered with).
fn from_json<T: serde::de::DeserializeOwned>(row: &AnyRow, column: &str) -> StoreResult<T> {
    let text: String = row.try_get(column)?;
    serde_json::from_str(&text)
        .map_err(|e| StoreError::Invalid(format!("pilot column {column}: {e}")))
}

fn pilot(row: &AnyRow) -> StoreResult<Pilot> {
    let decision: Option<String> = row.try_get("decision")?;
    Ok(Pilot {
        id: PilotId(row.try_get("id")?),
        use_case_id: UseCaseId(row.try_get("use_case_id")?),
        name: row.try_get("name")?,
        status: PilotStatus::parse(&row.try_get::<String, _>("status")?)?,
        scope: from_json(row, "scope")?,
        baseline: from_json(row, "baseline")?,
        targets: from_json(row, "targets")?,
        starts_at: time(row, "starts_at")?,
        ends_at: time(row, "ends_at")?,
        champions: from_json(row, "champions")?,
        decision: decision.as_deref().map(Decision::parse).transpose()?,
        note: row.try_get("note")?,
        decided_at: opt_time(row, "decided_at")?,
        decided_by: row
            .try_get::<Option<i64>, _>("decided_by_user_id")?
            .map(UserId),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pilot(status: PilotStatus, channels: &[&str], mail: &[&str]) -> Pilot {
        let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
        Pilot {
            id: PilotId(1),
            use_case_id: UseCaseId(1),
            name: "p".into(),
            status,
            scope: Scope {
                channels: strings(channels),
                mail_categories: strings(mail),
                ..Scope::default()
            },
            baseline: Baseline::default(),
            targets: Vec::new(),
            starts_at: Timestamp(0),
            ends_at: Timestamp(1),
            champions: Vec::new(),
            decision: None,
            note: String::new(),
            decided_at: None,
            decided_by: None,
        }
    }

    #[test]
    fn live_mail_pilots_limit_triage_to_their_categories() {
        let pilots = [
            pilot(PilotStatus::Live, &["email"], &["commande", "livraison"]),
            pilot(PilotStatus::Live, &[], &["facturation"]),
            // Not live, or not about e-mail: no effect.
            pilot(PilotStatus::Draft, &["email"], &["candidature"]),
            pilot(PilotStatus::Closed, &["email"], &["technique"]),
            pilot(PilotStatus::Live, &["widget"], &["autre"]),
        ];
        let scope = MailScope::of(&pilots);
        assert_eq!(
            scope,
            MailScope::Categories(vec![
                "commande".into(),
                "facturation".into(),
                "livraison".into()
            ])
        );
        assert!(scope.covers(Some("livraison")));
        assert!(!scope.covers(Some("technique")));
        assert!(!scope.covers(None), "a mail to review is never automated");
    }

    #[test]
    fn without_a_live_mail_pilot_or_with_one_of_no_categories_triage_handles_everything() {
        assert_eq!(MailScope::of(&[]), MailScope::Everything);
        let widget_only = [pilot(PilotStatus::Live, &["widget"], &["commande"])];
        assert_eq!(MailScope::of(&widget_only), MailScope::Everything);
        let whole = [
            pilot(PilotStatus::Live, &["email"], &["commande"]),
            pilot(PilotStatus::Live, &["email"], &[]),
        ];
        assert_eq!(MailScope::of(&whole), MailScope::Everything);
        assert!(MailScope::Everything.covers(None));
    }
}
