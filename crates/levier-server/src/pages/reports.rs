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
    Figure, Granularity, Period, SupportOptions, Volume, adoption_figures, support_figures,
};
use serde::Deserialize;

/// The company's time zone for periods (the business hours' zone when configured).
const ZONE: &str = levier_report::DEFAULT_TIME_ZONE;
/// Height of the chart's drawing area, in SVG units.
const CHART_HEIGHT: f64 = 160.0;
/// Width of one bar slot, in SVG units.
const SLOT: f64 = 22.0;

/// `?period=2026-11` (default: the current month).
#[derive(Deserialize, Default)]
pub struct ReportQuery {
    #[serde(default)]
    period: String,
}

/// One bar pair of the chart, already placed.
pub struct Bar {
    label: String,
    x: f64,
    conversations: usize,
    conversations_height: f64,
    tickets: usize,
    tickets_height: f64,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    shell: super::Shell,
    period: String,
    error: Option<String>,
    figures: Vec<Figure>,
    adoption: Vec<Figure>,
    bars: Vec<Bar>,
    chart_width: f64,
    chart_height: f64,
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
    let (figures, adoption, bars) = match &period {
        Some(p) => match figures_and_bars(&state, p, &zone, shell.t.lang()).await {
            Ok(found) => found,
            Err(e) => return e.into_response(),
        },
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    let template = ReportsPage {
        period: spec,
        error,
        chart_width: SLOT * bars.len() as f64,
        chart_height: CHART_HEIGHT,
        figures,
        adoption,
        bars,
        shell,
    };
    let status = super::status_for(template.error.is_some());
    super::render_with(&template, status, cookies)
}

/// The period's support and adoption figures in the page's language, and its chart.
async fn figures_and_bars(
    state: &AppState,
    period: &Period,
    zone: &jiff::tz::TimeZone,
    lang: Lang,
) -> Result<(Vec<Figure>, Vec<Figure>, Vec<Bar>), ApiError> {
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
    // Days up to two months, weeks beyond: a chart of at most about 60 bars.
    let by = if period.end.0 - period.start.0 <= 62 * 86_400_000 {
        Granularity::Day
    } else {
        Granularity::Week
    };
    let slices = period.slices(by, zone).map_err(internal)?;
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
        bars(&volume),
    ))
}

fn internal(e: levier_report::ReportError) -> ApiError {
    ApiError::internal(&e)
}

/// Bars scaled to the largest count of the chart.
fn bars(volume: &[Volume]) -> Vec<Bar> {
    let top = volume
        .iter()
        .map(|v| v.conversations.max(v.tickets))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let height = |n: usize| (n as f64 / top * CHART_HEIGHT).round();
    volume
        .iter()
        .enumerate()
        .map(|(i, v)| Bar {
            label: v.label.clone(),
            x: SLOT * i as f64,
            conversations: v.conversations,
            conversations_height: height(v.conversations),
            tickets: v.tickets,
            tickets_height: height(v.tickets),
        })
        .collect()
}

/// The current month on the company's clocks (`2026-11`).
fn this_month(zone: &jiff::tz::TimeZone) -> String {
    jiff::Timestamp::now()
        .to_zoned(zone.clone())
        .strftime("%Y-%m")
        .to_string()
}
