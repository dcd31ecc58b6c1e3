//! Pilots (step 2 and 3 of the adoption method): the list, and each pilot's page with its
//! scope, its figures against the baseline and its targets, the weekly volume across the
//! baseline and the pilot, and — for administrators and AI champions — starting it and
//! closing it with a decision.

use super::{Page, page};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use levier_core::Role;
use levier_core::ids::PilotId;
use levier_core::time::Timestamp;
use levier_report::load::PilotReport;
use levier_report::period::local_date;
use levier_report::{Granularity, Period, chart};
use levier_store::pilot_surveys::SurveyAnswer;
use levier_store::pilots::{Decision, Pilot, PilotStatus};
use serde::Deserialize;

/// A pilot in the list.
struct Line {
    id: i64,
    name: String,
    status: String,
    dates: String,
}

#[derive(Template)]
#[template(path = "pilots.html")]
struct PilotsPage {
    shell: super::Shell,
    pilots: Vec<Line>,
}

#[derive(Template)]
#[template(path = "pilot.html")]
struct PilotPage {
    shell: super::Shell,
    pilot: Pilot,
    status: String,
    dates: String,
    baseline_dates: String,
    use_case: String,
    champions: Vec<String>,
    report: PilotReport,
    met: usize,
    /// Weekly volume across the baseline and the pilot (`levier_report::chart`: numbers and
    /// escaped texts only).
    chart_svg: String,
    can_decide: bool,
    done: Option<String>,
    /// The pilot's test set and whether it lets the pilot go live.
    trial: super::test_sets::PilotTrial,
    /// Its users' answers to its survey, the latest first.
    survey: Vec<SurveyAnswer>,
    /// Their mean score.
    survey_mean: Option<f64>,
}

/// `GET /pilots`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
) -> Response {
    let pilots = match state.store.pilots().await {
        Ok(p) => p,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Page { shell, cookies } = page(&state, &headers, Some(&caller), "/pilots").await;
    let zone = zone();
    let pilots = pilots
        .iter()
        .map(|p| Line {
            id: p.id.0,
            name: p.name.clone(),
            status: shell.t.t(status_key(p.status)),
            dates: dates(p.starts_at, p.ends_at, &zone),
        })
        .collect();
    let template = PilotsPage { shell, pilots };
    super::render_with(&template, StatusCode::OK, cookies)
}

/// `?done=started|closed` after an action.
#[derive(Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

/// `GET /pilots/{id}`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Response {
    let pilot = match state.store.pilot(PilotId(id)).await {
        Ok(Some(p)) => p,
        Ok(None) => return ApiError::not_found("pilot").into_response(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let path = format!("/pilots/{id}");
    let Page { shell, cookies } = page(&state, &headers, Some(&caller), &path).await;
    let lang = super::reports::report_lang(shell.t.lang());
    let zone = zone();
    let now = Timestamp::now();
    let report = match levier_report::load::pilot(&state.store, &pilot, now, &zone, lang).await {
        Ok(r) => r,
        Err(e) => return ApiError::internal(&e).into_response(),
    };
    let chart_svg = match volume_chart(&state, &pilot, &report, &zone, &shell).await {
        Ok(svg) => svg,
        Err(e) => return e.into_response(),
    };
    let (use_case, champions) = match names(&state, &pilot).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let survey = match state.store.pilot_survey(pilot.id).await {
        Ok(answers) => answers,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let template = PilotPage {
        survey_mean: (!survey.is_empty())
            .then(|| survey.iter().map(|a| a.score).sum::<i64>() as f64 / survey.len() as f64),
        survey,
        status: shell.t.t(status_key(pilot.status)),
        dates: dates(pilot.starts_at, pilot.ends_at, &zone),
        baseline_dates: report
            .baseline
            .as_ref()
            .map_or(String::new(), |b| dates(b.start, b.end, &zone)),
        met: report.rows.iter().filter(|r| r.met == Some(true)).count(),
        can_decide: matches!(caller.role, Role::Admin | Role::Champion),
        done: done
            .done
            .filter(|d| ["started", "closed"].contains(&d.as_str())),
        trial: super::test_sets::pilot_trial(&state, &pilot, shell.t).await,
        use_case,
        champions,
        chart_svg,
        report,
        pilot,
        shell,
    };
    super::render_with(&template, StatusCode::OK, cookies)
}

/// The use case's name and the champions' names.
async fn names(state: &AppState, pilot: &Pilot) -> Result<(String, Vec<String>), ApiError> {
    let use_case = state
        .store
        .use_cases()
        .await?
        .into_iter()
        .find(|(id, _)| *id == pilot.use_case_id)
        .map(|(_, u)| u.name)
        .unwrap_or_default();
    let champions = state
        .store
        .users()
        .await?
        .into_iter()
        .filter(|u| pilot.champions.contains(&u.id))
        .map(|u| u.display_name)
        .collect();
    Ok((use_case, champions))
}

/// Conversations and tickets per week from the baseline's start to the pilot's present.
async fn volume_chart(
    state: &AppState,
    pilot: &Pilot,
    report: &PilotReport,
    zone: &jiff::tz::TimeZone,
    shell: &super::Shell,
) -> Result<String, ApiError> {
    let start = report
        .baseline
        .as_ref()
        .map_or(pilot.starts_at, |b| b.start.min(pilot.starts_at));
    let span = Period::between(start, report.current.end, zone).map_err(internal)?;
    let weeks = span.slices(Granularity::Week, zone).map_err(internal)?;
    let scope = levier_report::load::pilot_scope(pilot);
    let volume = state
        .reports
        .volume(&state.store, &weeks, &scope)
        .await
        .map_err(internal)?;
    let t = shell.t;
    Ok(chart::volume_svg(
        &volume,
        chart::ChartText {
            title: &t.t("pilots.chart"),
            conversations: &t.t("reports.chart.conversations"),
            tickets: &t.t("reports.chart.tickets"),
        },
    ))
}

/// `POST /pilots/{id}/start`: refused, with the reason, while its test set does not pass.
pub async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Response {
    match state.store.start_tested_pilot(PilotId(id)).await {
        Ok(_) => Redirect::to(&format!("/pilots/{id}?done=started")).into_response(),
        Err(e) => super::test_sets::refused(&state, &headers, &caller, PilotId(id), e).await,
    }
}

/// The survey's form.
#[derive(Deserialize)]
pub struct SurveyForm {
    score: i64,
    #[serde(default)]
    comment: String,
}

/// `POST /pilots/{id}/survey`: a person's answer to a live pilot's survey, back home.
pub async fn answer_survey(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(form): Form<SurveyForm>,
) -> Response {
    let answered = state
        .store
        .answer_pilot_survey(PilotId(id), caller.user.id, form.score, &form.comment)
        .await;
    match answered {
        Ok(()) => Redirect::to("/?done=survey").into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// The closing form.
#[derive(Deserialize)]
pub struct DecisionForm {
    decision: String,
    #[serde(default)]
    note: String,
}

/// `POST /pilots/{id}/decision`.
pub async fn decide(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Response {
    let decision = match Decision::parse(&form.decision) {
        Ok(d) => d,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let closed = state
        .store
        .close_pilot(PilotId(id), decision, &form.note, caller.user.id)
        .await;
    match closed {
        Ok(()) => Redirect::to(&format!("/pilots/{id}?done=closed")).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

fn zone() -> jiff::tz::TimeZone {
    levier_report::time_zone(levier_report::DEFAULT_TIME_ZONE).unwrap_or(jiff::tz::TimeZone::UTC)
}

fn internal(e: levier_report::ReportError) -> ApiError {
    ApiError::internal(&e)
}

/// `2026-09-01 → 2027-03-01` in the company's days.
fn dates(start: Timestamp, end: Timestamp, zone: &jiff::tz::TimeZone) -> String {
    match (local_date(start, zone), local_date(end, zone)) {
        (Ok(a), Ok(b)) => format!("{a} → {b}"),
        _ => String::new(),
    }
}

fn status_key(status: PilotStatus) -> &'static str {
    match status {
        PilotStatus::Draft => "pilots.status.draft",
        PilotStatus::Live => "pilots.status.live",
        PilotStatus::Closed => "pilots.status.closed",
    }
}
