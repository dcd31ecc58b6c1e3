//! The Leads page ("Prospects"): the qualified leads, best score first, with filters, each
//! lead's tier and the reasons of its score in words, what support knows of it, buttons to
//! record a first contact or the outcome; an upload form to import a CSV export (answered with
//! its per-row report, read with a saved column mapping when one is chosen, the mapping applied
//! saved under a name when one is given); a button asking for a retraining (a `leads.train`
//! task); and the suggested duplicates with the fields that differ, a merge button and a
//! dismiss button ("not the same person", remembered).
//!
//! Forms are post/redirect/get (`?done=`), except the import, which answers with its report.
//! The operations are the API's (`crate::api::leads`). Every text comes from people or files
//! and is escaped by the template.

use super::{Page, Shell, page};
use crate::AppState;
use crate::api::leads::{self as api, ImportParams, LeadParams};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::i18n::Catalog;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use levier_core::ids::LeadId;
use levier_leads::qualify::{self, IntakeReport, StoredSuggestion};
use levier_leads::{FieldDifference, MatchReason};
use levier_store::leads::{LeadColumn, LeadFilter, LeadOutcome, LeadRecord};
use serde::Deserialize;

/// Leads shown at most: the best ones; the filters reach the others. A company's list of a few
/// hundred fits whole; a list of 100,000 must not make a page of 100,000 rows.
const PAGE_ROWS: i64 = 500;

/// Merge suggestions shown at most, the best-ranked leads' first: each merge brings the next.
const PAGE_SUGGESTIONS: usize = 20;

/// The list's filters, and what a redirect back to it says.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    tier: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    region: String,
    done: Option<String>,
}

/// One reason of a lead's score, in words.
pub struct FactorView {
    text: String,
    up: bool,
}

/// A line of the list.
pub struct LeadRow {
    id: i64,
    name: String,
    company: String,
    email: String,
    source: String,
    region: String,
    tier: String,
    percent: String,
    factors: Vec<FactorView>,
    support: String,
    status: String,
    status_label: String,
    contacted: bool,
}

/// A merge suggestion as shown.
pub struct SuggestionView {
    keep: i64,
    keep_name: String,
    merge: i64,
    merge_name: String,
    reasons: String,
    /// (field in words, kept lead's value, other lead's value).
    differences: Vec<(String, String, String)>,
}

/// An import's report as shown.
pub struct ImportView {
    summary: String,
    issues: Vec<String>,
}

#[derive(Template)]
#[template(path = "leads.html")]
struct LeadsPage {
    shell: Shell,
    leads: Vec<LeadRow>,
    suggestions: Vec<SuggestionView>,
    sources: Vec<String>,
    regions: Vec<String>,
    tier: String,
    status: String,
    source: String,
    region: String,
    ranking: String,
    report: Option<ImportView>,
    /// Names of the saved column mappings, for the import form.
    mappings: Vec<String>,
    /// Whether the list was cut at [`PAGE_ROWS`].
    truncated: bool,
    /// The query string of the current filters, for forms to come back to.
    back: String,
}

/// `GET /leads`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Query(query): Query<ListQuery>,
) -> Response {
    match render(&state, &headers, &caller, query, None).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn render(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    query: ListQuery,
    report: Option<IntakeReport>,
) -> ApiResult<Response> {
    let Page { mut shell, cookies } = page(state, headers, Some(caller), "/leads").await;
    let t = shell.t;
    shell.flash = flash(t, query.done.as_deref());
    let params = LeadParams {
        tier: Some(query.tier.clone()),
        status: Some(query.status.clone()),
        source: Some(query.source.clone()),
        region: Some(query.region.clone()),
        limit: Some(PAGE_ROWS),
    };
    let filter = LeadFilter {
        without_records: true,
        ..params.filter()
    };
    let records = state.store.leads(&filter).await?;
    let mut leads = Vec::with_capacity(records.len());
    for record in &records {
        leads.push(row(state, t, record).await?);
    }
    let template = LeadsPage {
        truncated: leads.len() as i64 >= PAGE_ROWS,
        leads,
        suggestions: qualify::suggestions(&state.store)
            .await?
            .iter()
            .take(PAGE_SUGGESTIONS)
            .map(|s| suggestion(t, s))
            .collect(),
        sources: state.store.lead_values(LeadColumn::Source).await?,
        regions: state.store.lead_values(LeadColumn::Region).await?,
        ranking: ranking(state, t).await?,
        report: report.map(|r| import_view(t, &r)),
        mappings: qualify::saved_mappings(&state.store)
            .await?
            .into_iter()
            .map(|m| m.name)
            .collect(),
        back: back_query(&query),
        tier: query.tier,
        status: query.status,
        source: query.source,
        region: query.region,
        shell,
    };
    Ok(super::render_with(
        &template,
        axum::http::StatusCode::OK,
        cookies,
    ))
}

async fn row(state: &AppState, t: &Catalog, l: &LeadRecord) -> ApiResult<LeadRow> {
    let support = qualify::enrichment(&state.store, l).await?;
    let support = match support.last_contact {
        Some(last) if support.conversations > 0 => t
            .t("leads.support")
            .replace("{ $conversations }", &support.conversations.to_string())
            .replace("{ $open }", &support.open_tickets.to_string())
            .replace("{ $last }", &crate::format::date(last)),
        _ => String::new(),
    };
    let (tier, percent, factors) = match &l.score {
        Some(s) => (
            s.tier.clone(),
            format!("{:.0} %", s.probability * 100.0),
            s.factors
                .as_array()
                .map(|f| f.iter().take(3).map(|f| factor(t, f)).collect())
                .unwrap_or_default(),
        ),
        None => ("–".to_owned(), String::new(), Vec::new()),
    };
    Ok(LeadRow {
        id: l.id.0,
        name: l.display_name(),
        company: l.fields.company.clone().unwrap_or_default(),
        email: l.fields.email.clone().unwrap_or_default(),
        source: l.fields.source.clone().unwrap_or_default(),
        region: l.fields.region.clone().unwrap_or_default(),
        tier,
        percent,
        factors,
        support,
        status_label: t.t(&format!("leads.status.{}", l.fields.status)),
        status: l.fields.status.clone(),
        contacted: l.contacted_at.is_some(),
    })
}

/// "Source : recommandation", marked up or down.
fn factor(t: &Catalog, f: &serde_json::Value) -> FactorView {
    let column = f["column"].as_str().unwrap_or_default();
    let value = f["value"].as_str().unwrap_or_default();
    let value = match value {
        "yes" => t.t("leads.yes"),
        "no" => t.t("leads.no"),
        "(missing)" | "" => t.t("leads.missing"),
        v => v.to_owned(),
    };
    FactorView {
        text: format!("{} : {value}", label(t, column)),
        up: f["contribution"].as_f64().unwrap_or_default() >= 0.0,
    }
}

/// A column's name in words; a column the catalogue does not know (an extra column of the
/// file) keeps its header.
fn label(t: &Catalog, column: &str) -> String {
    let key = format!("leads.col.{column}");
    match t.t(&key) {
        text if text == key => column.to_owned(),
        text => text,
    }
}

fn suggestion(t: &Catalog, s: &StoredSuggestion) -> SuggestionView {
    let reasons: Vec<String> = s
        .reasons
        .iter()
        .map(|r| match r {
            MatchReason::Email { value } => t.t1("leads.match.email", "value", value),
            MatchReason::Phone { value } => t.t1("leads.match.phone", "value", value),
            MatchReason::Siret { value } => t.t1("leads.match.siret", "value", value),
            MatchReason::Similar { .. } => t.t("leads.match.similar"),
        })
        .collect();
    SuggestionView {
        keep: s.keep.0,
        keep_name: s.keep_name.clone(),
        merge: s.merge.0,
        merge_name: s.merge_name.clone(),
        reasons: reasons.join(" · "),
        differences: s
            .differences
            .iter()
            .map(|d: &FieldDifference| (label(t, &d.field), d.first.clone(), d.second.clone()))
            .collect(),
    }
}

/// How the list is ranked: the model and its version, or the rules (before any training too)
/// and how many outcomes a model still needs.
async fn ranking(state: &AppState, t: &Catalog) -> ApiResult<String> {
    if let Some(m) = state.store.latest_lead_model().await?
        && m.kind == "model"
    {
        return Ok(t.t1("leads.ranking.model", "version", &m.label()));
    }
    let (won, lost) = state.store.lead_outcome_counts().await?;
    Ok(t.t("leads.ranking.rules")
        .replace("{ $won }", &won.to_string())
        .replace("{ $lost }", &lost.to_string())
        .replace(
            "{ $needed }",
            &levier_leads::scoring::MIN_OUTCOMES.to_string(),
        ))
}

fn import_view(t: &Catalog, r: &IntakeReport) -> ImportView {
    let summary = t
        .t("leads.import.summary")
        .replace("{ $rows }", &r.summary.rows.to_string())
        .replace("{ $created }", &r.created.len().to_string())
        .replace("{ $stored }", &r.already_stored.to_string())
        .replace("{ $rejected }", &r.summary.rejected.to_string())
        .replace("{ $invalid }", &r.summary.invalid_values.to_string());
    let mut issues: Vec<String> = r.issues.iter().map(ToString::to_string).collect();
    if r.issues_not_shown > 0 {
        issues.push(format!("… +{}", r.issues_not_shown));
    }
    ImportView { summary, issues }
}

fn back_query(q: &ListQuery) -> String {
    let pairs = [
        ("tier", &q.tier),
        ("status", &q.status),
        ("source", &q.source),
        ("region", &q.region),
    ];
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::format::url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The confirmation a `?done=` asks for; unknown values say nothing.
fn flash(t: &Catalog, done: Option<&str>) -> Option<String> {
    let key = match done? {
        "contacted" => "leads.done.contacted",
        "won" => "leads.done.won",
        "lost" => "leads.done.lost",
        "open" => "leads.done.open",
        "merged" => "leads.done.merged",
        "dismissed" => "leads.done.dismissed",
        "training" => "leads.done.training",
        _ => return None,
    };
    Some(t.t(key))
}

/// `POST /leads/import`: the uploaded file imported (with the saved mapping chosen, the one
/// applied saved under the name given), answered with its report.
pub async fn import(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    multipart: Multipart,
) -> Response {
    let report = match read_import_form(multipart).await {
        Ok((Some(bytes), params)) => api::import_csv(&state, bytes, &params).await,
        Ok((None, _)) => Err(ApiError::bad_request("choose a CSV file to import")),
        Err(e) => Err(e),
    };
    let rendered = match report {
        Ok(r) => render(&state, &headers, &caller, ListQuery::default(), Some(r)).await,
        Err(e) => Err(e),
    };
    rendered.unwrap_or_else(IntoResponse::into_response)
}

/// The import form: the file, and the `mapping` / `save_mapping` names. Not the search page's
/// upload reader, which keeps only files and access groups.
async fn read_import_form(
    mut multipart: Multipart,
) -> Result<(Option<Vec<u8>>, ImportParams), ApiError> {
    let malformed = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::payload_too_large()
        } else {
            ApiError::bad_request(format!("malformed upload: {e}"))
        }
    };
    let (mut file, mut params) = (None, ImportParams::default());
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_owned();
        let has_file = field.file_name().is_some_and(|f| !f.is_empty());
        let data = field.bytes().await.map_err(malformed)?;
        match name.as_str() {
            "file" if has_file => file = Some(data.to_vec()),
            "mapping" => params.mapping = Some(String::from_utf8_lossy(&data).into_owned()),
            "save_mapping" => {
                params.save_mapping = Some(String::from_utf8_lossy(&data).into_owned())
            }
            _ => {}
        }
    }
    Ok((file, params))
}

/// Where a form came back to.
#[derive(Deserialize)]
pub struct BackForm {
    #[serde(default)]
    back: String,
}

/// The list again, with its filters, saying what was done.
fn back_to(back: &str, done: &str) -> Response {
    let filters = if back.is_empty() {
        String::new()
    } else {
        format!("&{}", back.trim_start_matches(['?', '&']))
    };
    Redirect::to(&format!("/leads?done={done}{filters}")).into_response()
}

/// `POST /leads/{id}/contacted`.
pub async fn contacted(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(form): Form<BackForm>,
) -> Response {
    match api::mark_contacted(&state, &caller, LeadId(id)).await {
        Ok(()) => back_to(&form.back, "contacted"),
        Err(e) => e.into_response(),
    }
}

/// `POST /leads/{id}/won`.
pub async fn won(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(form): Form<BackForm>,
) -> Response {
    outcome(&state, &caller, id, LeadOutcome::Won, &form.back).await
}

/// `POST /leads/{id}/lost`.
pub async fn lost(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(form): Form<BackForm>,
) -> Response {
    outcome(&state, &caller, id, LeadOutcome::Lost, &form.back).await
}

/// `POST /leads/{id}/open`: a closed lead reopened.
pub async fn reopen(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(form): Form<BackForm>,
) -> Response {
    outcome(&state, &caller, id, LeadOutcome::Open, &form.back).await
}

async fn outcome(
    state: &AppState,
    caller: &Caller,
    id: i64,
    outcome: LeadOutcome,
    back: &str,
) -> Response {
    match api::set_outcome(state, caller, LeadId(id), outcome).await {
        Ok(()) => back_to(back, outcome.as_str()),
        Err(e) => e.into_response(),
    }
}

/// The duplicate to merge.
#[derive(Deserialize)]
pub struct MergeForm {
    merge: i64,
}

/// `POST /leads/{id}/merge`.
pub async fn merge(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(form): Form<MergeForm>,
) -> Response {
    match api::merge_leads(&state, &caller, LeadId(id), LeadId(form.merge)).await {
        Ok(()) => back_to("", "merged"),
        Err(e) => e.into_response(),
    }
}

/// `POST /leads/{id}/dismiss`: the suggestion of this lead and `merge` is not one person.
pub async fn dismiss(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(form): Form<MergeForm>,
) -> Response {
    match api::dismiss_pair(&state, &caller, LeadId(id), LeadId(form.merge)).await {
        Ok(()) => back_to("", "dismissed"),
        Err(e) => e.into_response(),
    }
}

/// `POST /leads/train`: a retraining queued (the list is rescored when the task ran).
pub async fn train(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Response {
    match api::queue_training(&state, &caller).await {
        Ok(_) => back_to("", "training"),
        Err(e) => e.into_response(),
    }
}
