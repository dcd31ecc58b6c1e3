//! `/api/v1/leads`: the qualified lead list (best score first, with filters), one lead with the
//! reasons of its score and what support knows of it, a CSV import with its per-row report,
//! first contact and outcome, and duplicates with their merge. The operations are shared with
//! the Leads page (like [`import_csv`]), so the two cannot drift apart; the work itself is
//! `levier_leads::qualify`'s, shared with the CLI. Saved column mappings are listed, saved and
//! named on an import; retraining is a durable task (`leads.train`), answered with its id;
//! a merge suggestion can be dismissed for good.

use super::json::ApiJson;
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use levier_core::Timestamp;
use levier_core::ids::LeadId;
use levier_leads::ColumnMapping;
use levier_leads::qualify::{
    self, IntakeError, IntakeOptions, IntakeReport, MappingError, NamedMapping, RankError,
    StoredSuggestion,
};
use levier_store::leads::{LeadEnrichment, LeadFilter, LeadMerge, LeadOutcome, LeadRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Which leads to list.
#[derive(Deserialize, IntoParams, Default)]
pub struct LeadParams {
    /// Only this tier (`A`–`D`).
    pub tier: Option<String>,
    /// Only this status (`open`, `won`, `lost`).
    pub status: Option<String>,
    /// Only this source.
    pub source: Option<String>,
    /// Only this région.
    pub region: Option<String>,
    /// At most this many (the best first); all when absent.
    pub limit: Option<i64>,
}

impl LeadParams {
    /// The store's filter; empty values mean "any".
    pub fn filter(&self) -> LeadFilter {
        let some = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        LeadFilter {
            tier: some(&self.tier),
            status: some(&self.status),
            source: some(&self.source),
            region: some(&self.region),
            limit: self.limit.unwrap_or(0).max(0),
            ..LeadFilter::default()
        }
    }
}

/// One lead with the reasons of its score and its support history.
#[derive(Serialize)]
pub struct LeadDetail {
    /// The lead.
    pub lead: LeadRecord,
    /// Its score's factors in words, strongest first.
    pub explanation: Vec<String>,
    /// Conversations and tickets from the same person or company.
    pub support: LeadEnrichment,
    /// Leads merged into it.
    pub merges: Vec<LeadMerge>,
}

/// The outcome to record.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeBody {
    /// `won`, `lost` or `open` (reopens).
    #[schema(value_type = String)]
    pub outcome: LeadOutcome,
}

/// The lead to merge into the one addressed, or to dismiss as its duplicate.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    /// The suggestion's other lead: merged into the lead of the path (and leaves the list), or
    /// dismissed as not the same person.
    pub merge: i64,
}

/// How an import reads the file's headers.
#[derive(Deserialize, IntoParams, Default)]
pub struct ImportParams {
    /// Use the column mapping saved under this name (headers it does not know are inferred).
    pub mapping: Option<String>,
    /// Save the mapping applied under this name, for the next import.
    pub save_mapping: Option<String>,
}

impl ImportParams {
    fn named(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }
}

/// A retraining asked for.
#[derive(Serialize, ToSchema)]
pub struct TrainingQueued {
    /// The `leads.train` task (`GET /api/v1/tasks/{id}` follows it); an unfinished one is
    /// reused.
    pub task: i64,
}

/// The leads, best score first.
#[utoipa::path(get, path = "/api/v1/leads", tag = "leads", params(LeadParams),
    responses((status = 200, description = "leads, best score first")))]
pub async fn list(
    State(state): State<AppState>,
    Query(p): Query<LeadParams>,
) -> ApiResult<Json<Vec<LeadRecord>>> {
    Ok(Json(state.store.leads(&p.filter()).await?))
}

/// One lead with the explanation of its score.
#[utoipa::path(get, path = "/api/v1/leads/{id}", tag = "leads", params(("id" = i64, Path, description = "lead id")),
    responses((status = 200, description = "the lead, its explanation and support history"), (status = 404, description = "no such lead")))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Json<LeadDetail>> {
    Ok(Json(detail(&state, LeadId(id)).await?))
}

/// A lead with everything the page and the API show of it.
pub async fn detail(state: &AppState, id: LeadId) -> ApiResult<LeadDetail> {
    let lead = state
        .store
        .lead(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("lead {}", id.0)))?;
    let explanation = lead
        .score
        .as_ref()
        .and_then(|s| s.factors.as_array())
        .map(|f| f.iter().map(qualify::factor_text).collect())
        .unwrap_or_default();
    Ok(LeadDetail {
        support: qualify::enrichment(&state.store, &lead).await?,
        merges: state.store.lead_merges(id).await?,
        explanation,
        lead,
    })
}

/// Imports leads from a CSV file sent as the body (`text/csv`; `;` `,` or tab; any common
/// encoding; French or English headers). Bad rows and values are reported with their line,
/// column and reason; the others are imported and every lead is scored again.
#[utoipa::path(post, path = "/api/v1/leads/import", tag = "leads",
    request_body(content_type = "text/csv", description = "the lead file"),
    responses((status = 200, description = "`{summary, created, already_stored, issues: [{line, column, severity, reason}]}`"),
        (status = 400, description = "the file cannot be read as CSV"),
        (status = 404, description = "no column mapping saved under `mapping`"),
        (status = 413, description = "larger than server.body_limit_bytes")),
    params(ImportParams))]
pub async fn import(
    State(state): State<AppState>,
    Query(p): Query<ImportParams>,
    body: Body,
) -> ApiResult<Json<IntakeReport>> {
    let bytes = axum::body::to_bytes(body, state.settings.body_limit)
        .await
        .map_err(|_| ApiError::payload_too_large())?;
    Ok(Json(import_csv(&state, bytes.to_vec(), &p).await?))
}

/// Imports a lead file (with the saved mapping named, saving the one applied when asked) and
/// rescores: the API above and the page's upload form.
pub async fn import_csv(
    state: &AppState,
    bytes: Vec<u8>,
    params: &ImportParams,
) -> ApiResult<IntakeReport> {
    let mapping = match ImportParams::named(&params.mapping) {
        Some(name) => qualify::saved_mapping(&state.store, name)
            .await
            .map_err(mapping_error)?,
        None => ColumnMapping::default(),
    };
    let options = IntakeOptions {
        mapping,
        ..IntakeOptions::default()
    };
    let report = qualify::import_leads(&state.store, std::io::Cursor::new(bytes), options)
        .await
        .map_err(|e| match e {
            IntakeError::File(e) => ApiError::bad_request(format!("the file cannot be read: {e}")),
            IntakeError::Store(e) => e.into(),
        })?;
    if let Some(name) = ImportParams::named(&params.save_mapping) {
        qualify::save_mapping(&state.store, name, &report.mapping).await?;
    }
    if !report.created.is_empty() {
        qualify::score(&state.store).await.map_err(rank_error)?;
    }
    Ok(report)
}

fn mapping_error(e: MappingError) -> ApiError {
    match e {
        MappingError::Unknown(_) => ApiError::not_found(e.to_string()),
        MappingError::Unreadable(..) => ApiError::bad_request(e.to_string()),
        MappingError::Store(e) => e.into(),
    }
}

/// The saved column mappings, by name.
#[utoipa::path(get, path = "/api/v1/leads/mappings", tag = "leads",
    responses((status = 200, description = "`[{name, mapping: {columns: {header: target}}}]`")))]
pub async fn mappings(State(state): State<AppState>) -> ApiResult<Json<Vec<NamedMapping>>> {
    Ok(Json(qualify::saved_mappings(&state.store).await?))
}

/// Saves (or replaces) a column mapping under a name, for imports to name it.
#[utoipa::path(put, path = "/api/v1/leads/mappings/{name}", tag = "leads",
    params(("name" = String, Path, description = "the mapping's name")),
    request_body(content_type = "application/json", description = "`{columns: {header: {field: \"email\"} | {extra: \"name\"} | \"ignore\"}}`"),
    responses((status = 204, description = "saved"), (status = 400, description = "not a column mapping, or no name")))]
pub async fn save_mapping(
    State(state): State<AppState>,
    Path(name): Path<String>,
    ApiJson(mapping): ApiJson<ColumnMapping>,
) -> ApiResult<StatusCode> {
    qualify::save_mapping(&state.store, &name, &mapping).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Asks for a retraining on the won/lost history (or the rules when it is too short): a
/// durable task, so a long training neither holds the request nor is lost by a restart.
#[utoipa::path(post, path = "/api/v1/leads/train", tag = "leads",
    responses((status = 202, description = "`{task}`: the `leads.train` task queued (or the one already waiting)")))]
pub async fn train(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> ApiResult<(StatusCode, Json<TrainingQueued>)> {
    let task = queue_training(&state, &caller).await?;
    Ok((StatusCode::ACCEPTED, Json(TrainingQueued { task: task.0 })))
}

/// Queues a retraining asked for by `caller`.
pub async fn queue_training(
    state: &AppState,
    caller: &Caller,
) -> ApiResult<levier_core::ids::TaskId> {
    Ok(qualify::enqueue_training(&state.store, Some(caller.user.id), "asked for").await?)
}

/// A training or scoring failure as an API error.
pub fn rank_error(e: RankError) -> ApiError {
    match e {
        RankError::Store(e) => e.into(),
        e => ApiError::internal(&e),
    }
}

/// Records the first contact with a lead (later calls change nothing).
#[utoipa::path(post, path = "/api/v1/leads/{id}/contacted", tag = "leads", params(("id" = i64, Path, description = "lead id")),
    responses((status = 204, description = "recorded"), (status = 404, description = "no such lead")))]
pub async fn contacted(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    mark_contacted(&state, &caller, LeadId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records a first contact by `caller`.
pub async fn mark_contacted(state: &AppState, caller: &Caller, id: LeadId) -> ApiResult<()> {
    state
        .store
        .mark_lead_contacted(id, Some(caller.user.id), Timestamp::now())
        .await?;
    Ok(())
}

/// Records that a lead was won or lost (or reopens it).
#[utoipa::path(post, path = "/api/v1/leads/{id}/outcome", tag = "leads", params(("id" = i64, Path, description = "lead id")),
    request_body = OutcomeBody,
    responses((status = 204, description = "recorded"), (status = 400, description = "unknown outcome"), (status = 404, description = "no such lead")))]
pub async fn outcome(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<OutcomeBody>,
) -> ApiResult<StatusCode> {
    set_outcome(&state, &caller, LeadId(id), b.outcome).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records an outcome decided by `caller`.
pub async fn set_outcome(
    state: &AppState,
    caller: &Caller,
    id: LeadId,
    outcome: LeadOutcome,
) -> ApiResult<()> {
    state
        .store
        .set_lead_outcome(id, outcome, Some(caller.user.id), Timestamp::now())
        .await?;
    Ok(())
}

/// Pairs of leads that look like one person, with the fields that differ.
#[utoipa::path(get, path = "/api/v1/leads/duplicates", tag = "leads",
    responses((status = 200, description = "merge suggestions: keep, merge, reasons, differences")))]
pub async fn duplicates(State(state): State<AppState>) -> ApiResult<Json<Vec<StoredSuggestion>>> {
    Ok(Json(qualify::suggestions(&state.store).await?))
}

/// Merges another lead into this one; both records are kept in the merge history.
#[utoipa::path(post, path = "/api/v1/leads/{id}/merge", tag = "leads", params(("id" = i64, Path, description = "the lead kept")),
    request_body = MergeBody,
    responses((status = 204, description = "merged"), (status = 400, description = "already merged, or the same lead"), (status = 404, description = "no such lead")))]
pub async fn merge(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<MergeBody>,
) -> ApiResult<StatusCode> {
    merge_leads(&state, &caller, LeadId(id), LeadId(b.merge)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Merges `other` into `keep` on behalf of `caller`.
pub async fn merge_leads(
    state: &AppState,
    caller: &Caller,
    keep: LeadId,
    other: LeadId,
) -> ApiResult<()> {
    qualify::merge_stored(&state.store, keep, other, Some(caller.user.id)).await?;
    Ok(())
}

/// Dismisses a merge suggestion: the two leads are not one person, and the pair is not
/// suggested again.
#[utoipa::path(post, path = "/api/v1/leads/{id}/dismiss", tag = "leads", params(("id" = i64, Path, description = "one lead of the suggestion")),
    request_body = MergeBody,
    responses((status = 204, description = "dismissed"), (status = 400, description = "the same lead twice"), (status = 404, description = "no such lead")))]
pub async fn dismiss(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<MergeBody>,
) -> ApiResult<StatusCode> {
    dismiss_pair(&state, &caller, LeadId(id), LeadId(b.merge)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Dismisses the suggestion of `a` and `b` on behalf of `caller`.
pub async fn dismiss_pair(
    state: &AppState,
    caller: &Caller,
    a: LeadId,
    b: LeadId,
) -> ApiResult<()> {
    qualify::dismiss(&state.store, a, b, Some(caller.user.id)).await?;
    Ok(())
}
