//! Training and scoring on the stored leads. The features are the columns known when a lead
//! arrives (source, sector, région, size, company address or free mail, support history):
//! never what is filled after the outcome (interaction counts, closing date), so the score
//! does not learn the answer from the question. A person can leave out more columns.
//!
//! With too little won/lost history the leads are ranked by [`default_profile`] rules and the
//! message says how many outcomes are still needed; each training is stored, its id is the
//! version written on every score.

use super::convert::size_band;
use crate::error::ScoringError;
use crate::scoring::{
    Condition, Factor, IdealCustomerProfile, LeadModel, MIN_OUTCOMES, Rule, Table, TrainingReport,
    history_message,
};
use levier_store::leads::{LeadEnrichment, LeadFilter, LeadRecord, LeadScoreUpdate};
use levier_store::{Store, StoreError};
use serde::Serialize;

/// The column holding the outcome in the training table.
const OUTCOME: &str = "outcome";

/// Why training or scoring failed.
#[derive(Debug, thiserror::Error)]
pub enum RankError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The model could not be trained.
    #[error(transparent)]
    Scoring(#[from] ScoringError),
    /// The stored model could not be read back.
    #[error("the stored lead model {0} cannot be read ({1}): run `levier leads train` again")]
    BadModel(String, String),
}

/// What training decided.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Training {
    /// A model was learnt.
    Model {
        /// Its version label.
        version: String,
        /// What training measured.
        report: TrainingReport,
    },
    /// Too little history: the ideal customer profile ranks the leads.
    Rules {
        /// Its version label.
        version: String,
        /// How many outcomes are still needed.
        message: String,
    },
}

/// What scoring did.
#[derive(Debug, Clone, Serialize)]
pub struct Scoring {
    /// The model or rules used.
    pub version: String,
    /// Leads scored.
    pub scored: usize,
    /// Leads whose tier changed.
    pub tier_changes: usize,
}

/// The ranking a sales manager would write before any history: a company address, a
/// registered company of ten people or more, a warm channel, and a customer who already talks
/// to support are signs of a lead worth calling.
pub fn default_profile() -> IdealCustomerProfile {
    let rule = |column: &str, condition: Condition, points: f64| Rule {
        column: column.to_owned(),
        condition,
        points,
    };
    let one_of = |values: &[&str]| Condition::OneOf {
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    IdealCustomerProfile {
        rules: vec![
            rule("company_email", one_of(&["yes"]), 20.0),
            rule("size_band", one_of(&["10-49", "50-249", "250+"]), 20.0),
            rule("registered", one_of(&["yes"]), 10.0),
            rule(
                "source",
                one_of(&[
                    "recommandation",
                    "partenaire",
                    "salon",
                    "referral",
                    "partner",
                ]),
                15.0,
            ),
            rule("conversations", Condition::AtLeast { value: 1.0 }, 10.0),
            rule("has_phone", one_of(&["yes"]), 5.0),
        ],
        tier_points: [55.0, 40.0, 20.0],
    }
}

/// Highest points of the default profile, to express rule points on 0–1 like a probability.
fn max_points(profile: &IdealCustomerProfile) -> f64 {
    profile
        .rules
        .iter()
        .map(|r| r.points.max(0.0))
        .sum::<f64>()
        .max(1.0)
}

/// The features of stored leads, one row each, with the outcome (`won`/`lost`, empty while
/// open) in [`OUTCOME`].
pub fn feature_table(leads: &[(LeadRecord, LeadEnrichment)]) -> Table {
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let columns = [
        "source",
        "sector",
        "region",
        "size_band",
        "employees",
        "estimated_amount",
        "company_email",
        "registered",
        "has_phone",
        "conversations",
        "open_tickets",
        OUTCOME,
    ];
    let rows = leads
        .iter()
        .map(|(l, e)| {
            vec![
                text(&l.fields.source).to_lowercase(),
                text(&l.fields.sector).to_lowercase(),
                text(&l.fields.region),
                l.fields
                    .size_band
                    .clone()
                    .or_else(|| l.fields.employees.map(|n| size_band(n).to_owned()))
                    .unwrap_or_default(),
                l.fields
                    .employees
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                l.fields
                    .estimated_amount
                    .map(|a| a.to_string())
                    .unwrap_or_default(),
                l.fields.free_mail.map(|f| yes_no(!f)).unwrap_or_default(),
                yes_no(l.fields.siret.is_some()),
                yes_no(l.fields.phone.is_some()),
                e.conversations.to_string(),
                e.open_tickets.to_string(),
                match l.fields.status.as_str() {
                    "won" | "lost" => l.fields.status.clone(),
                    _ => String::new(),
                },
            ]
        })
        .collect();
    Table {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows,
    }
}

/// Every unmerged lead with its support history, oldest first: in a fixed order, so training
/// twice on the same history cuts the same folds and gives the same model (the list's order,
/// by score, changes with every scoring).
pub async fn leads_with_history(
    store: &Store,
) -> Result<Vec<(LeadRecord, LeadEnrichment)>, StoreError> {
    let everything = LeadFilter {
        without_records: true,
        ..LeadFilter::default()
    };
    let mut leads = store.leads(&everything).await?;
    leads.sort_by_key(|l| l.id);
    let mut out = Vec::with_capacity(leads.len());
    for lead in leads {
        let history = enrichment(store, &lead).await?;
        out.push((lead, history));
    }
    Ok(out)
}

/// The support history of a lead: its own address, and everyone at its company domain.
pub async fn enrichment(store: &Store, lead: &LeadRecord) -> Result<LeadEnrichment, StoreError> {
    let domain = lead
        .fields
        .domain
        .as_deref()
        .filter(|_| lead.fields.free_mail != Some(true));
    store
        .lead_enrichment(lead.fields.email.as_deref(), domain)
        .await
}

/// Trains on the stored won/lost history (columns matching `exclude` left out), stores the
/// model — or, with too little history, the default profile — and scores every lead with it.
pub async fn train(store: &Store, exclude: &[String]) -> Result<(Training, Scoring), RankError> {
    let leads = leads_with_history(store).await?;
    let table = feature_table(&leads);
    let training = match LeadModel::train(&table, OUTCOME, "won", exclude) {
        Ok(model) => {
            let report = model.report().clone();
            let saved = store
                .save_lead_model("model", &to_json(&model), &to_json(&report))
                .await?;
            Training::Model {
                version: saved.label(),
                report,
            }
        }
        Err(ScoringError::TooFewOutcomes {
            positives,
            negatives,
            ..
        }) => {
            let message = history_message(positives, negatives);
            // The outcomes counted, so the periodic check knows how many arrived since.
            let report = serde_json::json!({
                "message": message,
                "needed": MIN_OUTCOMES,
                "outcomes": positives + negatives,
            });
            let saved = store
                .save_lead_model("rules", &to_json(&default_profile()), &report)
                .await?;
            Training::Rules {
                version: saved.label(),
                message,
            }
        }
        Err(e) => return Err(e.into()),
    };
    let scoring = score_leads(store, &leads).await?;
    Ok((training, scoring))
}

/// Scores every unmerged lead with the latest stored model (the default profile when none was
/// ever trained).
pub async fn score(store: &Store) -> Result<Scoring, RankError> {
    let leads = leads_with_history(store).await?;
    score_leads(store, &leads).await
}

async fn score_leads(
    store: &Store,
    leads: &[(LeadRecord, LeadEnrichment)],
) -> Result<Scoring, RankError> {
    let table = feature_table(leads);
    let latest = store.latest_lead_model().await?;
    let (version, scores) = match &latest {
        Some(saved) if saved.kind == "model" => {
            let model: LeadModel = serde_json::from_value(saved.model.clone())
                .map_err(|e| RankError::BadModel(saved.label(), e.to_string()))?;
            let scores = model
                .score(&table)
                .into_iter()
                .map(|s| (s.probability, s.tier, s.factors))
                .collect();
            (saved.label(), scores)
        }
        _ => {
            let (version, profile) = match &latest {
                Some(saved) => (
                    saved.label(),
                    serde_json::from_value(saved.model.clone())
                        .map_err(|e| RankError::BadModel(saved.label(), e.to_string()))?,
                ),
                None => ("rules-default".to_owned(), default_profile()),
            };
            (version, rule_scores(&profile, &table))
        }
    };
    let updates: Vec<LeadScoreUpdate> = leads
        .iter()
        .zip(scores)
        .map(
            |((lead, _), (probability, tier, factors))| LeadScoreUpdate {
                lead_id: lead.id,
                probability,
                tier: format!("{tier:?}"),
                factors: to_json(&factors),
            },
        )
        .collect();
    let tier_changes = store.set_lead_scores(&updates, &version).await?;
    Ok(Scoring {
        version,
        scored: updates.len(),
        tier_changes,
    })
}

fn rule_scores(
    profile: &IdealCustomerProfile,
    table: &Table,
) -> Vec<(f64, crate::scoring::Tier, Vec<Factor>)> {
    let scale = max_points(profile);
    profile
        .score(table)
        .into_iter()
        .map(|s| ((s.points / scale).clamp(0.0, 1.0), s.tier, s.factors))
        .collect()
}

fn to_json<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}
