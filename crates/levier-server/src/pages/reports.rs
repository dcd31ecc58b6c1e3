//! The Reports page: a period's support figures, each with its definition, and the volume of
//! conversations and tickets per day (or week) as a bar chart drawn on the server (SVG: no
//! script, no external library). Figures come from the node's event cache
//! ([`levier_report::EventCache`]), so a reload costs a computation over memory.

use super::{Page, page};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::i18n::Lang;
use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use levier_core::time::Timestamp;
use levier_report::{
    Figure, Period, SupportOptions, Volume, adoption_figures, chart, support_figures,
};
use serde::Deserialize;

/// The company's time zone for periods (the business hours' zone when configured).
const ZONE: &str = levier_report::DEFAULT_TIME_ZONE;

/// `?period=2026-11` (default: the current month).
#[derive(Deserialize, Default)]
pub struct ReportQuery {
    #[serde(default)]
    period: String,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    shell: super::Shell,
    period: String,
    error: Option<String>,
    figures: Vec<Figure>,
    adoption: Vec<Figure>,
    /// The volume chart (`levier_report::chart`: numbers and escaped texts only).
    chart_svg: String,
    conversations_colour: &'static str,
    tickets_colour: &'static str,
}

/// `GET /reports`.
pub async fn reports(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Query(query): Query<ReportQuery>,
) -> Response {
    let Page { shell, cookies } = page(&state, &headers, Some(&caller), "/reports").await;
    let zone = match levier_report::time_zone(ZONE) {
        Ok(zone) => zone,
        Err(e) => return ApiError::internal(&e).into_response(),
    };
    let spec = match query.period.trim() {
        "" => this_month(&zone),
        given => given.to_string(),
    };
    let (period, error) = match Period::parse(&spec, &zone) {
        Ok(p) => (Some(p), None),
        Err(e) => (None, Some(e.to_string())),
    };
    let (figures, adoption, volume) = match &period {
        Some(p) => match figures_and_volume(&state, p, &zone, shell.t.lang()).await {
            Ok(found) => found,
            Err(e) => return e.into_response(),
        },
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    let t = shell.t;
    let chart_svg = chart::volume_svg(
        &volume,
        chart::ChartText {
            title: &t.t("reports.chart.title"),
            conversations: &t.t("reports.chart.conversations"),
            tickets: &t.t("reports.chart.tickets"),
        },
    );
    let template = ReportsPage {
        period: spec,
        error,
        chart_svg,
        conversations_colour: chart::CONVERSATIONS_COLOUR,
        tickets_colour: chart::TICKETS_COLOUR,
        figures,
        adoption,
        shell,
    };
    let status = super::status_for(template.error.is_some());
    super::render_with(&template, status, cookies)
}

/// The period's support and adoption figures in the page's language, and its volume.
async fn figures_and_volume(
    state: &AppState,
    period: &Period,
    zone: &jiff::tz::TimeZone,
    lang: Lang,
) -> Result<(Vec<Figure>, Vec<Figure>, Vec<Volume>), ApiError> {
    let store = &state.store;
    let options = SupportOptions::at(Timestamp::now());
    let kpis = state
        .reports
        .support(store, period, options)
        .await
        .map_err(internal)?;
    let lang = match lang {
        Lang::Fr => levier_report::Lang::Fr,
        Lang::En => levier_report::Lang::En,
    };
    let slices = chart::slices(period, zone).map_err(internal)?;
    let volume = state
        .reports
        .volume(store, &slices)
        .await
        .map_err(internal)?;
    let adoption = state
        .reports
        .adoption(store, period)
        .await
        .map_err(internal)?;
    Ok((
        support_figures(&kpis, lang),
        adoption_figures(&adoption, lang),
        volume,
    ))
}

fn internal(e: levier_report::ReportError) -> ApiError {
    ApiError::internal(&e)
}

/// The current month on the company's clocks (`2026-11`).
fn this_month(zone: &jiff::tz::TimeZone) -> String {
    jiff::Timestamp::now()
        .to_zoned(zone.clone())
        .strftime("%Y-%m")
        .to_string()
}
