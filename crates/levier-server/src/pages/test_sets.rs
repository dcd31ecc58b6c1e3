//! Test sets (administrators and AI champions): questions with the answer (an FAQ entry) or
//! the handoff expected of the assistant, run as a task ([`crate::desk::trial`]) and scored by
//! precision and coverage (defined in [`levier_store::test_sets`], and on the page). A pilot
//! with a test set goes live only when the set's latest run reaches its thresholds: the pilot's
//! page shows where it stands ([`pilot_trial`]) and a refused start says which threshold
//! failed and by how much ([`refused`]).
//!
//! Questions are user text: they are only ever inserted by the templates' escaping.

use super::playground::percent;
use super::{Page, page};
use crate::AppState;
use crate::auth::Caller;
use crate::desk::trial::{self, RUN_KIND};
use crate::error::ApiError;
use crate::i18n::Catalog;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use levier_core::Timestamp;
use levier_core::ids::{PilotId, SiteId, TaskId, UseCaseId};
use levier_store::StoreError;
use levier_store::faq::FaqFilter;
use levier_store::pilots::{NewPilot, Pilot, PilotStatus, Scope};
use levier_store::tasks::TaskStatus;
use levier_store::test_sets::{
    Expected, Gate, Given, NewTestSet, Shortfall, TestRun, TestSet, TestSetId, Thresholds,
    parse_cases,
};
use serde::Deserialize;
use std::time::Duration;

/// The list's path.
const LIST: &str = "/test-sets";

/// A run's figures, ready to show.
pub struct Figures {
    /// Precision, as a percentage ("—" when undefined).
    pub precision: String,
    /// Coverage, as a percentage ("—" when undefined).
    pub coverage: String,
    /// "2 / 3" behind the precision.
    pub precision_counts: String,
    /// "2 / 3" behind the coverage.
    pub coverage_counts: String,
    /// Whether the run reached its thresholds.
    pub passed: bool,
    /// Each threshold missed, in words.
    pub shortfalls: Vec<String>,
    /// When the run ended.
    pub when: String,
}

/// A set in the list.
pub struct SetLine {
    id: i64,
    name: String,
    pilot: String,
    thresholds: String,
    latest: Option<Figures>,
}

/// A pilot or use case to choose in a form.
pub struct Named {
    id: i64,
    name: String,
}

#[derive(Template)]
#[template(path = "test_sets.html")]
struct ListPage {
    shell: super::Shell,
    sets: Vec<SetLine>,
    pilots: Vec<Named>,
    use_cases: Vec<Named>,
    sites: Vec<Named>,
    error: Option<String>,
    done: Option<String>,
}

/// A case with its latest outcome.
pub struct CaseLine {
    question: String,
    expected_entry: Option<i64>,
    /// The expected entry's question (or that it no longer exists).
    expected_question: String,
    given: Option<String>,
    confidence: String,
    why: String,
    passed: Option<bool>,
}

/// A run in progress, or its failure.
pub struct TaskLine {
    status: &'static str,
    progress: String,
    error: String,
}

#[derive(Template)]
#[template(path = "test_set.html")]
struct SetPage {
    shell: super::Shell,
    set: TestSet,
    pilot: Option<Named>,
    thresholds: String,
    cases: Vec<CaseLine>,
    latest: Option<Figures>,
    task: Option<TaskLine>,
    error: Option<String>,
    done: Option<String>,
}

/// `?done=…` after an action, `?task=N` after starting a run.
#[derive(Deserialize, Default)]
pub struct After {
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    task: Option<i64>,
}

/// `GET /test-sets`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Query(after): Query<After>,
) -> Response {
    render_list(&state, &headers, &caller, None, after.done).await
}

async fn render_list(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    error: Option<String>,
    done: Option<String>,
) -> Response {
    let Page { shell, cookies } = page(state, headers, Some(caller), LIST).await;
    let built = async {
        let pilots = state.store.pilots().await?;
        let mut sets = Vec::new();
        for set in state.store.test_sets().await? {
            let latest = state.store.latest_test_run(set.id).await?;
            sets.push(SetLine {
                id: set.id.0,
                pilot: pilot_name(&pilots, set.pilot_id),
                thresholds: thresholds_text(shell.t, &set.thresholds),
                latest: latest.map(|r| figures(shell.t, &r)),
                name: set.name,
            });
        }
        let options = |items: Vec<(i64, String)>| {
            items
                .into_iter()
                .map(|(id, name)| Named { id, name })
                .collect::<Vec<_>>()
        };
        let drafts = pilots
            .iter()
            .filter(|p| p.status == PilotStatus::Draft)
            .map(|p| (p.id.0, p.name.clone()))
            .collect();
        let use_cases = state.store.use_cases().await?;
        let sites = state.store.sites().await?;
        Ok::<_, StoreError>((
            sets,
            options(drafts),
            options(
                use_cases
                    .into_iter()
                    .map(|(id, u)| (id.0, u.name))
                    .collect(),
            ),
            options(sites.into_iter().map(|s| (s.id.0, s.name)).collect()),
        ))
    };
    let (sets, pilots, use_cases, sites) = match built.await {
        Ok(b) => b,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let template = ListPage {
        shell,
        sets,
        pilots,
        use_cases,
        sites,
        done: done.filter(|d| DONE.contains(&d.as_str())),
        error,
    };
    let status = super::status_for(template.error.is_some());
    super::render_with(&template, status, cookies)
}

/// The confirmations a page may show.
const DONE: [&str; 4] = ["created", "added", "pilot", "run"];

/// The creation form.
#[derive(Deserialize)]
pub struct NewSetForm {
    name: String,
    #[serde(default)]
    pilot: String,
    min_precision: String,
    min_coverage: String,
    #[serde(default)]
    cases: String,
}

/// `POST /test-sets`: the set and its first cases, or the page again with what is wrong.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Form(form): Form<NewSetForm>,
) -> Response {
    match create_set(&state, &caller, &form).await {
        Ok(id) => Redirect::to(&format!("{LIST}/{}?done=created", id.0)).into_response(),
        Err(e) => render_list(&state, &headers, &caller, Some(e), None).await,
    }
}

async fn create_set(
    state: &AppState,
    caller: &Caller,
    form: &NewSetForm,
) -> Result<TestSetId, String> {
    let cases = parse_cases(&form.cases).map_err(|e| e.to_string())?;
    let pilot_id = match form.pilot.trim() {
        "" => None,
        id => Some(PilotId(
            id.parse().map_err(|_| format!("'{id}' is no pilot"))?,
        )),
    };
    let new = NewTestSet {
        name: form.name.clone(),
        pilot_id,
        thresholds: Thresholds {
            min_precision: share("min_precision", &form.min_precision)?,
            min_coverage: share("min_coverage", &form.min_coverage)?,
        },
        created_by: Some(caller.user.id),
    };
    let store = &state.store;
    let text = |e: StoreError| e.to_string();
    store.check_test_cases(&cases).await.map_err(text)?;
    let id = store.create_test_set(&new).await.map_err(text)?;
    store.add_test_cases(id, &cases).await.map_err(text)?;
    Ok(id)
}

/// A percentage typed in a form (`90`, `87,5`) as a share.
fn share(field: &str, text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .trim_end_matches('%')
        .trim()
        .replace(',', ".")
        .parse()
        .map_err(|_| format!("{field}: '{text}' is not a percentage (0 to 100)"))?;
    Ok(value / 100.0)
}

/// `GET /test-sets/{id}`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Query(after): Query<After>,
) -> Response {
    render_set(&state, &headers, &caller, TestSetId(id), None, after).await
}

async fn render_set(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    id: TestSetId,
    error: Option<ApiError>,
    after: After,
) -> Response {
    let set = match state.store.test_set(id).await {
        Ok(Some(s)) => s,
        Ok(None) => return ApiError::not_found("test set").into_response(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let path = format!("{LIST}/{}", id.0);
    let Page { shell, cookies } = page(state, headers, Some(caller), &path).await;
    let t = shell.t;
    let loaded = async {
        let cases = state.store.test_cases(id).await?;
        let latest = state.store.latest_test_run(id).await?;
        let pilot = match set.pilot_id {
            Some(p) => state.store.pilot(p).await?,
            None => None,
        };
        let task = match after.task {
            Some(task) => state.store.task(TaskId(task)).await?,
            None => None,
        };
        let faq = state.store.faq_entries(&FaqFilter::default()).await?;
        Ok::<_, StoreError>((cases, latest, pilot, task, faq))
    };
    let (cases, latest, pilot, task, faq) = match loaded.await {
        Ok(l) => l,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let cases = cases
        .iter()
        .map(|case| {
            let outcome = latest
                .as_ref()
                .and_then(|r| r.outcomes.iter().find(|o| o.case_id == case.id));
            CaseLine {
                question: case.question.clone(),
                expected_entry: match case.expected {
                    Expected::Entry { entry_id } => Some(entry_id.0),
                    Expected::Handoff => None,
                },
                expected_question: match case.expected {
                    Expected::Entry { entry_id } => faq
                        .iter()
                        .find(|e| e.id == entry_id)
                        .map_or_else(|| t.t("testsets.entry.missing"), |e| e.question.clone()),
                    Expected::Handoff => String::new(),
                },
                given: outcome.map(|o| given_label(t, &o.given)),
                confidence: outcome.map_or(String::new(), |o| percent(o.confidence)),
                why: outcome.map_or(String::new(), |o| o.why.clone()),
                passed: outcome.map(|o| o.passed),
            }
        })
        .collect();
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let template = SetPage {
        pilot: pilot.map(|p| Named {
            id: p.id.0,
            name: p.name,
        }),
        thresholds: thresholds_text(t, &set.thresholds),
        cases,
        latest: latest.as_ref().map(|r| figures(t, r)),
        task: task
            .filter(|task| task.kind == RUN_KIND && task_of(&task.payload) == Some(id.0))
            .map(|task| TaskLine {
                status: task_status(task.status),
                progress: format!("{} / {}", task.progress_done, task.progress_total),
                error: task.last_error.unwrap_or_default(),
            }),
        done: after.done.filter(|d| DONE.contains(&d.as_str())),
        error: error.map(|e| e.detail),
        set,
        shell,
    };
    super::render_with(&template, status, cookies)
}

fn task_of(payload: &serde_json::Value) -> Option<i64> {
    payload
        .get("test_set_id")
        .and_then(serde_json::Value::as_i64)
}

fn task_status(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Queued => "queued",
        TaskStatus::Running => "running",
        TaskStatus::Succeeded => "succeeded",
        TaskStatus::Failed => "failed",
        TaskStatus::Cancelled => "cancelled",
    }
}

/// The form adding cases.
#[derive(Deserialize)]
pub struct CasesForm {
    #[serde(default)]
    cases: String,
}

/// `POST /test-sets/{id}/cases`.
pub async fn add_cases(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(form): Form<CasesForm>,
) -> Response {
    let id = TestSetId(id);
    let added = match parse_cases(&form.cases) {
        Ok(cases) if cases.is_empty() => Err("write at least one case".to_owned()),
        Ok(cases) => state
            .store
            .add_test_cases(id, &cases)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match added {
        Ok(_) => Redirect::to(&format!("{LIST}/{}?done=added", id.0)).into_response(),
        Err(e) => {
            let e = ApiError::bad_request(e);
            render_set(&state, &headers, &caller, id, Some(e), After::default()).await
        }
    }
}

/// `POST /test-sets/{id}/run`: starts the run on this node and shows its progress.
pub async fn run(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Response {
    let id = TestSetId(id);
    match trial::start_run(&state, id, caller.user.id).await {
        Ok(task) => {
            Redirect::to(&format!("{LIST}/{}?done=run&task={}", id.0, task.0)).into_response()
        }
        Err(e) if e.status == StatusCode::NOT_FOUND => e.into_response(),
        Err(e) => render_set(&state, &headers, &caller, id, Some(e), After::default()).await,
    }
}

/// The form preparing a draft pilot to try.
#[derive(Deserialize)]
pub struct DraftPilotForm {
    name: String,
    use_case: i64,
    #[serde(default)]
    categories: String,
    #[serde(default)]
    site: String,
    #[serde(default)]
    weeks: Option<u64>,
}

/// `POST /test-sets/pilots`: a pilot in preparation (draft) with its scope, starting today for
/// a number of weeks, the caller its champion; its baseline and targets are set later.
pub async fn draft_pilot(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Form(form): Form<DraftPilotForm>,
) -> Response {
    let sites = match form.site.trim() {
        "" => Ok(Vec::new()),
        id => id
            .parse()
            .map(|id| vec![SiteId(id)])
            .map_err(|_| format!("'{id}' is no site")),
    };
    let created = match sites {
        Ok(sites) => {
            let starts_at = Timestamp::now();
            let weeks = form.weeks.unwrap_or(8).clamp(1, 52);
            let new = NewPilot {
                use_case_id: UseCaseId(form.use_case),
                name: form.name.clone(),
                scope: Scope {
                    sites,
                    faq_categories: form
                        .categories
                        .split(',')
                        .map(|c| c.trim().to_owned())
                        .filter(|c| !c.is_empty())
                        .collect(),
                    ..Scope::default()
                },
                baseline: Default::default(),
                targets: Vec::new(),
                starts_at,
                ends_at: starts_at.plus(Duration::from_secs(weeks * 7 * 86_400)),
                champions: vec![caller.user.id],
            };
            state
                .store
                .upsert_pilot(&new)
                .await
                .map_err(|e| e.to_string())
        }
        Err(e) => Err(e),
    };
    match created {
        Ok(_) => Redirect::to(&format!("{LIST}?done=pilot")).into_response(),
        Err(e) => render_list(&state, &headers, &caller, Some(e), None).await,
    }
}

/// Where a pilot stands with its test set, for its page.
#[derive(Default)]
pub struct PilotTrial {
    /// The set, if the pilot has one: its id and name.
    pub set: Option<(i64, String)>,
    /// Its latest run's figures.
    pub latest: Option<Figures>,
    /// Why the pilot may not go live yet, in words.
    pub refusal: Option<String>,
    /// The run that let it go live.
    pub admitted: Option<Figures>,
}

/// The test-set section of a pilot's page; a store failure leaves it empty (the rest of the
/// page stays useful) and is logged.
pub async fn pilot_trial(state: &AppState, pilot: &Pilot, t: &Catalog) -> PilotTrial {
    let found = async {
        let gate = state.store.pilot_gate(pilot.id).await?;
        let admitted = state.store.admitting_test_run(pilot.id).await?;
        Ok::<_, StoreError>((gate, admitted))
    };
    let (gate, admitted) = match found.await {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!(pilot = %pilot.id, error = %e, "the pilot's test set is unreadable");
            return PilotTrial::default();
        }
    };
    // Only a draft is held back: a live or closed pilot's set is a record, not a gate.
    let refusal = match pilot.status {
        PilotStatus::Draft => refusal(t, &gate),
        _ => None,
    };
    let (set, latest) = match gate {
        Gate::NoTestSet => (None, None),
        Gate::NeverRun(set) => (Some(set), None),
        Gate::Ran(set, run) => (Some(set), Some(figures(t, &run))),
    };
    PilotTrial {
        set: set.map(|s| (s.id.0, s.name)),
        latest,
        refusal,
        admitted: admitted.map(|r| figures(t, &r)),
    }
}

/// The answer to a start the store refused: the gate's verdict in the page's words (409), or
/// the store's error as it is.
pub async fn refused(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    pilot: PilotId,
    error: StoreError,
) -> Response {
    let gate = match &error {
        StoreError::Conflict(_) => state.store.pilot_gate(pilot).await.ok(),
        _ => None,
    };
    let Page { shell, cookies } = page(
        state,
        headers,
        Some(caller),
        &format!("/pilots/{}", pilot.0),
    )
    .await;
    let Some(text) = gate.as_ref().and_then(|g| refusal(shell.t, g)) else {
        return ApiError::from(error).into_response();
    };
    let title = shell.t.t("testsets.gate.refused");
    let template = super::MessagePage { shell, title, text };
    super::render_with(&template, StatusCode::CONFLICT, cookies)
}

/// Why the gate holds the pilot back, in the page's words.
fn refusal(t: &Catalog, gate: &Gate) -> Option<String> {
    gate.refusal()?;
    Some(match gate {
        Gate::Ran(set, run) => {
            let short = shortfalls(t, run);
            let why = if short.is_empty() {
                t.t("testsets.gate.no-case")
            } else {
                short.join(" ; ")
            };
            format!("{} « {} » : {why}", t.t("testsets.gate.fails"), set.name)
        }
        Gate::NeverRun(set) => format!("{} « {} »", t.t("testsets.gate.never-run"), set.name),
        Gate::NoTestSet => return None,
    })
}

fn shortfalls(t: &Catalog, run: &TestRun) -> Vec<String> {
    run.score
        .shortfalls(&run.thresholds)
        .iter()
        .map(|s| shortfall_text(t, s))
        .collect()
}

/// "précision 50.0 % : 30.0 points sous les 80.0 % exigés".
fn shortfall_text(t: &Catalog, s: &Shortfall) -> String {
    t.t("testsets.shortfall")
        .replace("{ $figure }", &t.t(&format!("testsets.{}", s.figure)))
        .replace("{ $value }", &percent(s.value))
        .replace(
            "{ $gap }",
            &format!("{:.1}", (s.required - s.value) * 100.0),
        )
        .replace("{ $required }", &percent(s.required))
}

fn figures(t: &Catalog, run: &TestRun) -> Figures {
    let s = &run.score;
    Figures {
        precision: s.precision().map_or("—".into(), percent),
        coverage: s.coverage().map_or("—".into(), percent),
        precision_counts: format!("{} / {}", s.correct, s.answers),
        coverage_counts: format!("{} / {}", s.covered, s.expecting_answer),
        passed: run.passed,
        shortfalls: shortfalls(t, run),
        when: crate::format::date_time(run.finished_at),
    }
}

fn thresholds_text(t: &Catalog, th: &Thresholds) -> String {
    format!(
        "{} ≥ {} · {} ≥ {}",
        t.t("testsets.precision"),
        percent(th.min_precision),
        t.t("testsets.coverage"),
        percent(th.min_coverage)
    )
}

fn given_label(t: &Catalog, given: &Given) -> String {
    match given {
        Given::Answer { entry_id: Some(id) } => t.t1("playground.decision.answer_faq", "id", &id.0),
        Given::Answer { entry_id: None } => t.t("playground.decision.answer_passage"),
        Given::Clarify { entry_ids } => {
            let ids: Vec<String> = entry_ids.iter().map(|e| format!("#{}", e.0)).collect();
            format!(
                "{} ({})",
                t.t("playground.decision.clarify"),
                ids.join(", ")
            )
        }
        Given::Handoff { reason } => format!(
            "{} : {}",
            t.t("playground.decision.handoff"),
            t.t(&format!("reason.{reason}"))
        ),
    }
}

fn pilot_name(pilots: &[Pilot], id: Option<PilotId>) -> String {
    id.and_then(|id| pilots.iter().find(|p| p.id == id))
        .map(|p| p.name.clone())
        .unwrap_or_default()
}
