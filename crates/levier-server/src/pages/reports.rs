//! The Reports page: a period's support figures, each with its definition, and the volume of
//! conversations and tickets per day (or week) as a bar chart drawn on the server (SVG: no
//! script, no external library). Figures come from the node's event cache
//! ([`levier_report::EventCache`]), so a reload costs a computation over memory.

use super::{Page, page};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::i18n::{Catalog, Lang};
use askama::Template;
use axum::Extension;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Redirect;
use axum::response::{IntoResponse, Response};
use levier_core::Role;
use levier_core::time::Timestamp;
use levier_report::export::Export;
use levier_report::leads::{LeadKpis, lead_figures};
use levier_report::mail::mail_figures;
use levier_report::pilot::{Compared, compare};
use levier_report::scope::{Channel, Scope};
use levier_report::value::{Actions, ValueInputs, value_figures, value_kpis};
use levier_report::{
    Figure, Period, SupportOptions, Volume, adoption_figures, chart, support_figures,
};
use levier_store::support::report_filters::TicketPick;
use serde::Deserialize;

/// The company's time zone for periods (the business hours' zone when configured).
const ZONE: &str = levier_report::DEFAULT_TIME_ZONE;

/// `?period=2026-11&compare=2026-10` (default: the current month, no comparison).
#[derive(Deserialize, Default)]
pub struct ReportQuery {
    #[serde(default)]
    period: String,
    #[serde(default)]
    compare: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    error: String,
}

/// The figures' filters beyond the period: a channel, a team, a category (empty: any).
struct Filters {
    channel: Channel,
    pick: TicketPick,
}

impl Filters {
    /// The filters given; `None` for a channel that is not one.
    fn read(channel: &str, team: &str, category: &str) -> Option<Filters> {
        let given = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Some(Filters {
            channel: Channel::parse(channel)?,
            pick: TicketPick {
                category: given(category),
                team: given(team),
            },
        })
    }

    /// As a link carries them (`channel=email&team=compta`).
    fn query(&self) -> String {
        let mut pairs = vec![("channel", self.channel.as_str())];
        if let Some(team) = &self.pick.team {
            pairs.push(("team", team));
        }
        if let Some(category) = &self.pick.category {
            pairs.push(("category", category));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    /// The conversations and employees they keep, from the store.
    async fn scope(&self, state: &AppState) -> Result<Scope, ApiError> {
        Ok(Scope {
            channel: self.channel,
            picked: levier_report::load::pick(&state.store, &self.pick)
                .await
                .map_err(internal)?,
            ..Scope::default()
        })
    }
}

/// A section of figures, each beside the compared period's, with its breakdown chart.
struct Section {
    title: String,
    testid: &'static str,
    rows: Vec<Compared>,
    /// A breakdown as bars (`levier_report::chart`: numbers and escaped texts only).
    chart: Option<String>,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    shell: super::Shell,
    period: String,
    compare: String,
    /// The channel shown (`all`, `widget`, `email`).
    channel: &'static str,
    /// The team and category shown (empty: any), with the choices.
    team: String,
    category: String,
    teams: Vec<String>,
    categories: Vec<String>,
    /// The filters as links carry them.
    filters: String,
    error: Option<String>,
    sections: Vec<Section>,
    /// The volume chart (`levier_report::chart`: numbers and escaped texts only).
    chart_svg: String,
    conversations_colour: &'static str,
    tickets_colour: &'static str,
    /// The figures a drill-down opens.
    drillable: &'static [&'static str],
    /// The value estimates, editable by administrators and AI champions.
    inputs: ValueInputs,
    can_edit_inputs: bool,
}

/// A section's figures and the parts of its breakdown, if it has one.
struct Part {
    figures: Vec<Figure>,
    breakdown: Vec<(String, usize)>,
}

/// One period's figures, by section, in the page's order.
struct Figures {
    parts: Vec<Part>,
}

/// Each section's title, test id, breakdown chart title (catalogue keys) and the catalogue
/// prefix of its breakdown's labels (`None`: the labels are the company's own words).
type SectionText = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);

/// The sections, in the page's order.
const SECTIONS: [SectionText; 5] = [
    (
        "reports.support",
        "report-figures",
        Some("reports.reasons"),
        Some("reason."),
    ),
    ("reports.adoption", "adoption-figures", None, None),
    (
        "reports.section.mail",
        "mail-figures",
        Some("reports.mail.categories"),
        None,
    ),
    (
        "reports.section.leads",
        "lead-figures",
        Some("reports.leads.sources"),
        None,
    ),
    (
        "reports.section.value",
        "value-figures",
        Some("reports.value.by_use_case"),
        Some("value.use."),
    ),
];

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
    let compare = query.compare.trim().to_string();
    let inputs = match levier_report::load::value_inputs(&state.store).await {
        Ok(inputs) => inputs,
        Err(e) => return internal(e).into_response(),
    };
    // Only a known code: a link cannot put its own words on the page.
    let mut error = (query.error == "value-inputs").then(|| shell.t.t("reports.value.invalid"));
    let (mut sections, mut volume) = (Vec::new(), Vec::new());
    let filters = Filters::read(&query.channel, &query.team, &query.category).unwrap_or(Filters {
        channel: Channel::All,
        pick: TicketPick::default(),
    });
    let scope = match filters.scope(&state).await {
        Ok(scope) => scope,
        Err(e) => return e.into_response(),
    };
    let (teams, categories) = match choices(&state).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    match periods(&spec, &compare, &zone) {
        Ok((period, other)) => {
            let asked = Asked {
                period: &period,
                other: other.as_ref(),
                scope: &scope,
                pick: &filters.pick,
                inputs: &inputs,
            };
            match page_figures(&state, &asked, &zone, shell.t).await {
                Ok(found) => (sections, volume) = found,
                Err(e) => return e.into_response(),
            }
        }
        Err(e) => error = Some(e.to_string()),
    }
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
        compare,
        channel: filters.channel.as_str(),
        filters: filters.query(),
        team: filters.pick.team.clone().unwrap_or_default(),
        category: filters.pick.category.clone().unwrap_or_default(),
        teams,
        categories,
        error,
        chart_svg,
        conversations_colour: chart::CONVERSATIONS_COLOUR,
        tickets_colour: chart::TICKETS_COLOUR,
        drillable: &levier_report::drill::DRILLABLE,
        sections,
        inputs,
        can_edit_inputs: matches!(caller.role, Role::Admin | Role::Champion),
        shell,
    };
    let status = super::status_for(template.error.is_some());
    super::render_with(&template, status, cookies)
}

/// The period asked and the one to compare with, when given.
fn periods(
    spec: &str,
    compare: &str,
    zone: &jiff::tz::TimeZone,
) -> Result<(Period, Option<Period>), levier_report::ReportError> {
    let period = Period::parse(spec, zone)?;
    let other = match compare {
        "" => None,
        given => Some(Period::parse(given, zone)?),
    };
    Ok((period, other))
}

/// What the page shows: a period, another to compare it with, the conversations counted and
/// the value estimates.
struct Asked<'a> {
    period: &'a Period,
    other: Option<&'a Period>,
    scope: &'a Scope,
    pick: &'a TicketPick,
    inputs: &'a ValueInputs,
}

/// The teams and categories to filter on.
async fn choices(state: &AppState) -> Result<(Vec<String>, Vec<String>), ApiError> {
    let teams = state.store.teams().await?;
    let mut categories = state.store.ticket_categories().await?;
    categories.extend(
        state
            .store
            .mail_categories()
            .await?
            .into_iter()
            .map(|c| c.category),
    );
    categories.sort();
    categories.dedup();
    Ok((teams, categories))
}

/// The page's sections, each figure beside the compared period's, and the period's volume.
async fn page_figures(
    state: &AppState,
    asked: &Asked<'_>,
    zone: &jiff::tz::TimeZone,
    t: &Catalog,
) -> Result<(Vec<Section>, Vec<Volume>), ApiError> {
    let lang = report_lang(t.lang());
    let now = period_figures(state, asked.period, asked, lang).await?;
    let before = match asked.other {
        Some(p) => Some(period_figures(state, p, asked, lang).await?),
        None => None,
    };
    let slices = chart::slices(asked.period, zone).map_err(internal)?;
    let volume = state
        .reports
        .volume(&state.store, &slices, asked.scope)
        .await
        .map_err(internal)?;
    let sections = now
        .parts
        .into_iter()
        .zip(SECTIONS)
        .enumerate()
        .map(|(i, (part, (title, testid, chart_title, prefix)))| {
            let other = before.as_ref().map(|b| &b.parts[i].figures[..]);
            let chart = chart_title
                .filter(|_| !part.breakdown.is_empty())
                .map(|title| {
                    chart::breakdown_svg(&t.t(title), &labelled(t, prefix, part.breakdown))
                });
            Section {
                title: t.t(title),
                testid,
                rows: compare(part.figures, other),
                chart,
            }
        })
        .collect();
    Ok((sections, volume))
}

/// A breakdown's labels as the page shows them: looked up under `prefix` in the page's
/// language (handoff reasons), or as they are.
fn labelled(
    t: &Catalog,
    prefix: Option<&str>,
    parts: Vec<(String, usize)>,
) -> Vec<(String, usize)> {
    let Some(prefix) = prefix else {
        return parts;
    };
    parts
        .into_iter()
        .map(|(label, n)| (t.t(&format!("{prefix}{label}")), n))
        .collect()
}

/// A period's figures in the page's language, in the order of [`SECTIONS`].
async fn period_figures(
    state: &AppState,
    period: &Period,
    asked: &Asked<'_>,
    lang: levier_report::Lang,
) -> Result<Figures, ApiError> {
    let store = &state.store;
    let options = SupportOptions::at(Timestamp::now());
    let support = state
        .reports
        .support(store, period, options, asked.scope)
        .await
        .map_err(internal)?;
    let adoption = state
        .reports
        .adoption(store, period, asked.scope)
        .await
        .map_err(internal)?;
    let mail = levier_report::mail::load_picked(store, period, asked.pick)
        .await
        .map_err(internal)?;
    let leads = levier_report::leads::load(store, period)
        .await
        .map_err(internal)?;
    // Leads belong to no team or category: within such a filter they count for nothing.
    let no_leads = LeadKpis::default();
    let picked = asked.pick.team.is_some() || asked.pick.category.is_some();
    let actions = Actions::of(
        &support,
        &adoption,
        &mail,
        if picked { &no_leads } else { &leads },
    );
    let value = value_kpis(&actions, period, asked.inputs);
    let part = |figures, breakdown| Part { figures, breakdown };
    Ok(Figures {
        parts: vec![
            part(
                support_figures(&support, lang),
                support.handoff_reasons.clone(),
            ),
            part(adoption_figures(&adoption, lang), Vec::new()),
            part(
                mail_figures(&mail, lang),
                levier_report::mail::by_category(&mail),
            ),
            part(
                lead_figures(&leads, lang),
                levier_report::leads::by_source(&leads),
            ),
            part(value_figures(&value, lang), value.breakdown()),
        ],
    })
}

/// The value estimates' form.
#[derive(Deserialize)]
pub struct ValueForm {
    minutes_per_self_served_conversation: f64,
    minutes_per_answered_question: f64,
    minutes_per_routed_mail: f64,
    minutes_per_qualified_lead: f64,
    hourly_cost_eur: f64,
    monthly_running_cost_eur: f64,
    employees: u32,
    #[serde(default)]
    period: String,
}

/// `POST /reports/value`: keeps the company's value estimates, back to the page.
pub async fn set_value(State(state): State<AppState>, Form(form): Form<ValueForm>) -> Response {
    let inputs = ValueInputs {
        minutes_per_self_served_conversation: form.minutes_per_self_served_conversation,
        minutes_per_answered_question: form.minutes_per_answered_question,
        minutes_per_routed_mail: form.minutes_per_routed_mail,
        minutes_per_qualified_lead: form.minutes_per_qualified_lead,
        hourly_cost_eur: form.hourly_cost_eur,
        monthly_running_cost_eur: form.monthly_running_cost_eur,
        employees: form.employees,
    };
    let period = form.period.trim().to_string();
    let back = |error: &str| {
        let pairs = [("period", period.as_str()), ("error", error)];
        let kept: Vec<_> = pairs.iter().filter(|(_, v)| !v.is_empty()).collect();
        let query = serde_urlencoded::to_string(kept).unwrap_or_default();
        Redirect::to(&format!("/reports?{query}#value")).into_response()
    };
    match levier_report::load::set_value_inputs(&state.store, inputs).await {
        Ok(()) => back(""),
        Err(levier_report::ReportError::Input(_)) => back("value-inputs"),
        Err(e) => internal(e).into_response(),
    }
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

/// `?figure=self_service_assumed&period=2026-11`.
#[derive(Deserialize, Default)]
pub struct DrillQuery {
    #[serde(default)]
    figure: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    category: String,
}

/// A line of the drill-down, as shown.
struct DrillLine {
    at: String,
    conversation: String,
    ticket: Option<i64>,
    counted: bool,
    detail: String,
}

#[derive(Template)]
#[template(path = "reports_drill.html")]
struct DrillPage {
    shell: super::Shell,
    figure: String,
    label: String,
    period: String,
    /// The filters as links carry them.
    filters: String,
    lines: Vec<DrillLine>,
    counted: usize,
}

/// `GET /reports/drill`: the conversations and tickets behind a figure of the period.
pub async fn drill(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Query(query): Query<DrillQuery>,
) -> Response {
    let Page { shell, cookies } = page(&state, &headers, Some(&caller), "/reports").await;
    let (zone, period, items) = match drill_items(&state, &query).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let lang = report_lang(shell.t.lang());
    let empty = levier_report::support_kpis(&[], &period, SupportOptions::at(Timestamp::now()));
    let label = support_figures(&empty, lang)
        .into_iter()
        .find(|f| f.id == query.figure)
        .map_or(query.figure.clone(), |f| f.label.to_string());
    let lines: Vec<DrillLine> = items
        .iter()
        .map(|i| DrillLine {
            at: local_time(i.at, &zone),
            conversation: i.conversation.map_or("—".into(), |c| c.0.to_string()),
            ticket: i.ticket.map(|t| t.0),
            counted: i.counted,
            detail: detail_text(&i.detail, &shell),
        })
        .collect();
    let template = DrillPage {
        figure: query.figure.clone(),
        label,
        period: period.label,
        filters: Filters::read(&query.channel, &query.team, &query.category)
            .map(|f| f.query())
            .unwrap_or_default(),
        counted: lines.iter().filter(|l| l.counted).count(),
        lines,
        shell,
    };
    super::render_with(&template, axum::http::StatusCode::OK, cookies)
}

/// `GET /reports/drill.csv`: the same lines as CSV, one per conversation or ticket.
pub async fn drill_csv(State(state): State<AppState>, Query(query): Query<DrillQuery>) -> Response {
    let (zone, period, items) = match drill_items(&state, &query).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let mut csv = String::from("at,conversation_id,ticket_id,counted,detail\n");
    for i in &items {
        let detail = match &i.detail {
            levier_report::drill::Detail::None => String::new(),
            levier_report::drill::Detail::Duration { ms } => ms.to_string(),
            levier_report::drill::Detail::Rating { stars } => stars.to_string(),
            levier_report::drill::Detail::Reason { reason } => reason.clone(),
        };
        csv.push_str(&format!(
            "{},{},{},{},{}\n",
            local_time(i.at, &zone),
            i.conversation.map_or(String::new(), |c| c.0.to_string()),
            i.ticket.map_or(String::new(), |t| t.0.to_string()),
            i.counted,
            detail
        ));
    }
    let name = format!("levier-{}-{}.csv", query.figure, period.label);
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        csv,
    )
        .into_response()
}

/// The period asked (the current month by default) and the items behind the figure; an
/// unknown figure or a bad period is the caller's error.
async fn drill_items(
    state: &AppState,
    query: &DrillQuery,
) -> Result<(jiff::tz::TimeZone, Period, Vec<levier_report::drill::Item>), ApiError> {
    let zone = levier_report::time_zone(ZONE).map_err(internal)?;
    let spec = match query.period.trim() {
        "" => this_month(&zone),
        given => given.to_string(),
    };
    let period = Period::parse(&spec, &zone)
        .map_err(|e| ApiError::invalid_field("period", e.to_string()))?;
    let options = SupportOptions::at(Timestamp::now());
    let scope = Filters::read(&query.channel, &query.team, &query.category)
        .ok_or_else(|| ApiError::invalid_field("channel", "all, widget or email"))?
        .scope(state)
        .await?;
    let items = levier_report::load::drill(&state.store, &period, options, &scope, &query.figure)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            ApiError::invalid_field("figure", format!("no drill-down for '{}'", query.figure))
        })?;
    Ok((zone, period, items))
}

fn detail_text(detail: &levier_report::drill::Detail, shell: &super::Shell) -> String {
    use levier_report::drill::Detail;
    match detail {
        Detail::None => String::new(),
        Detail::Duration { ms } => {
            levier_report::Value::Durations { spread: None }.display_number(*ms as f64)
        }
        Detail::Rating { stars } => format!("{stars}/5"),
        Detail::Reason { reason } => shell.t.t(&format!("reason.{reason}")),
    }
}

/// `2026-11-03 14:05` on the company's clocks.
fn local_time(at: Timestamp, zone: &jiff::tz::TimeZone) -> String {
    jiff::Timestamp::from_millisecond(at.0).map_or(String::new(), |t| {
        t.to_zoned(zone.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    })
}

/// The report crate's language for a page's.
pub(crate) fn report_lang(lang: Lang) -> levier_report::Lang {
    match lang {
        Lang::Fr => levier_report::Lang::Fr,
        Lang::En => levier_report::Lang::En,
    }
}

/// `?period=2026-11&format=pdf&pilot=1`.
#[derive(Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    period: String,
    format: String,
    #[serde(default)]
    pilot: Option<i64>,
}

/// `GET /reports/export`: the period's report as a file to download — PDF (printed by
/// headless Chromium on the server), HTML, Markdown, CSV or JSON — the same file
/// `levier report` writes.
pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Query(query): Query<ExportQuery>,
) -> Response {
    let lang = report_lang(super::language(&state, &headers, Some(&caller)).await);
    match export_file(&state, lang, &query).await {
        Ok((content_type, name, bytes)) => (
            [
                (axum::http::header::CONTENT_TYPE, content_type.to_string()),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// The file's type, name and bytes.
async fn export_file(
    state: &AppState,
    lang: levier_report::Lang,
    query: &ExportQuery,
) -> Result<(&'static str, String, Vec<u8>), ApiError> {
    let zone = levier_report::time_zone(ZONE).map_err(internal)?;
    let spec = match query.period.trim() {
        "" => this_month(&zone),
        given => given.to_string(),
    };
    let period = Period::parse(&spec, &zone)
        .map_err(|e| ApiError::invalid_field("period", e.to_string()))?;
    let export = Export::build(
        &state.store,
        period,
        ZONE,
        query.pilot,
        lang,
        Timestamp::now(),
    )
    .await
    .map_err(|e| match e {
        levier_report::ReportError::Input(message) => ApiError::invalid_field("pilot", message),
        other => internal(other),
    })?;
    let name = format!("levier-{spec}.{}", query.format);
    let file = match query.format.as_str() {
        "pdf" => ("application/pdf", print(export.html()).await?),
        "html" => ("text/html; charset=utf-8", export.html().into_bytes()),
        "md" => (
            "text/markdown; charset=utf-8",
            export.markdown().into_bytes(),
        ),
        "csv" => ("text/csv; charset=utf-8", export.csv().into_bytes()),
        "json" => ("application/json", export.json().to_string().into_bytes()),
        other => {
            return Err(ApiError::invalid_field(
                "format",
                format!("'{other}' is not one of pdf, html, md, csv, json"),
            ));
        }
    };
    Ok((file.0, name, file.1))
}

/// The HTML report printed to PDF by Chromium, off the async threads.
async fn print(html: String) -> Result<Vec<u8>, ApiError> {
    let chromium = levier_report::pdf::find_chromium().ok_or_else(|| {
        ApiError::unavailable("a PDF needs Chromium on the server (or LEVIER_CHROMIUM)")
    })?;
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().map_err(|e| ApiError::internal(&e))?;
        let out = dir.path().join("report.pdf");
        levier_report::pdf::print(&html, &out, &chromium).map_err(internal)?;
        std::fs::read(&out).map_err(|e| ApiError::internal(&e))
    })
    .await
    .map_err(|e| ApiError::internal(&e))?
}
