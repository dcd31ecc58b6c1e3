//! Reads from the store the events a period's figures need.

use crate::adoption::{AdoptionKpis, adoption_kpis};
use crate::figures::{Lang, support_figures};
use crate::pilot::{ProgressRow, progress};
use crate::scope::{Channel, Picked, Scope};
use crate::support::{Dated, SupportKpis, SupportOptions, Volume, support_kpis};
use crate::value::ValueInputs;
use crate::{Period, ReportError};
use jiff::tz::TimeZone;
use levier_core::time::Timestamp;
use levier_store::Store;
use levier_store::events::EventQuery;
use levier_store::faq::FaqFilter;
use levier_store::pilots::Pilot;
use levier_store::support::report_filters::TicketPick;
use std::collections::HashSet;
use std::time::Duration;

/// How far before a period the log is read to tell a new conversation from one that resumes:
/// a conversation silent for longer counts again as new when the customer comes back.
pub const LOOKBACK: Duration = Duration::from_secs(30 * 24 * 3600);

/// The events reports read, by stored name.
pub(crate) const REPORT_KINDS: [&str; 12] = [
    "message_received",
    "bot_answered",
    "handed_off",
    "agent_first_response",
    "agent_handled",
    "ticket_resolved",
    "ticket_reopened",
    "csat_given",
    "bot_answer_marked_wrong",
    "bot_answer_helpful",
    "question_asked",
    "answer_rated",
];

/// The support figures of `period`, read from the store's log (a one-off report; a
/// dashboard keeps an [`crate::cache::EventCache`]).
pub async fn support(
    store: &Store,
    period: &Period,
    options: SupportOptions,
) -> Result<SupportKpis, ReportError> {
    support_in(store, period, options, &Scope::default()).await
}

/// The support figures of `period` for the conversations `scope` counts (a pilot's websites,
/// a channel).
pub async fn support_in(
    store: &Store,
    period: &Period,
    options: SupportOptions,
    scope: &Scope,
) -> Result<SupportKpis, ReportError> {
    let events = scope.filter(support_events(store, period, options).await?);
    Ok(support_kpis(&events, period, options))
}

/// The events a period's support figures read: from [`LOOKBACK`] before it to its quiet
/// window after it.
async fn support_events(
    store: &Store,
    period: &Period,
    options: SupportOptions,
) -> Result<Vec<Dated>, ReportError> {
    let query = EventQuery {
        from: Some(lookback_start(period)),
        until: Some(period.end.plus(options.quiet_window)),
        kinds: REPORT_KINDS.iter().map(|k| k.to_string()).collect(),
        ..EventQuery::default()
    };
    Ok(dated(store, &query).await?.1)
}

/// The conversations and tickets `scope` counts behind a support figure of `period` (see
/// [`crate::drill`]);
/// `None` for a figure without a drill-down.
pub async fn drill(
    store: &Store,
    period: &Period,
    options: SupportOptions,
    scope: &Scope,
    figure: &str,
) -> Result<Option<Vec<crate::drill::Item>>, ReportError> {
    if !crate::drill::DRILLABLE.contains(&figure) {
        return Ok(None);
    }
    let events = scope.filter(support_events(store, period, options).await?);
    Ok(crate::drill::behind(&events, period, options, figure))
}

/// A pilot's figures against its baseline, as of `now`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PilotReport {
    /// The pilot so far: from its start to its end or `now`, whichever comes first.
    pub current: Period,
    /// The measured baseline period, when it has one.
    pub baseline: Option<Period>,
    /// Each support figure, baseline against pilot, with the targets.
    pub rows: Vec<ProgressRow>,
}

/// The support figures of `pilot`'s scope over its baseline period and over the pilot so far.
pub async fn pilot(
    store: &Store,
    pilot: &Pilot,
    now: Timestamp,
    zone: &TimeZone,
    lang: Lang,
) -> Result<PilotReport, ReportError> {
    let options = SupportOptions::at(now);
    let end = pilot.ends_at.min(now).max(pilot.starts_at);
    let current = Period::between(pilot.starts_at, end, zone)?;
    let baseline = match (pilot.baseline.from, pilot.baseline.until) {
        (Some(from), Some(until)) => Some(Period::between(from, until, zone)?),
        _ => None,
    };
    let figures = |events: Vec<Dated>, period: &Period| {
        let scope = pilot_scope(pilot);
        let events = scope.filter(events);
        support_figures(&support_kpis(&events, period, options), lang)
    };
    let now_figures = figures(support_events(store, &current, options).await?, &current);
    let base_figures = match &baseline {
        Some(p) => Some(figures(support_events(store, p, options).await?, p)),
        None => None,
    };
    let rows = progress(pilot, base_figures.as_deref(), &now_figures, lang);
    Ok(PilotReport {
        current,
        baseline,
        rows,
    })
}

/// The conversations a pilot's figures count: those of its websites, on its channel when it
/// names only one.
pub fn pilot_scope(pilot: &Pilot) -> Scope {
    let channel = match &pilot.scope.channels[..] {
        [one] => Channel::parse(one).unwrap_or_default(),
        _ => Channel::All,
    };
    Scope {
        sites: pilot.scope.sites.clone(),
        channel,
        ..Scope::default()
    }
}

/// The adoption figures of `period`, read from the store's log.
pub async fn adoption(store: &Store, period: &Period) -> Result<AdoptionKpis, ReportError> {
    let query = EventQuery {
        from: Some(period.start),
        until: Some(period.end),
        kinds: vec!["question_asked".into(), "answer_rated".into()],
        ..EventQuery::default()
    };
    let (_, events) = dated(store, &query).await?;
    Ok(adoption_kpis(&events, period))
}

/// What a team and/or category filter keeps, from the store: the conversations whose ticket
/// is of the category or handled by the team, the FAQ entries of the category (whose answers
/// put a conversation in it), the team's employees. `None` when neither is given.
pub async fn pick(store: &Store, pick: &TicketPick) -> Result<Option<Picked>, ReportError> {
    if pick.category.is_none() && pick.team.is_none() {
        return Ok(None);
    }
    let conversations = store
        .ticket_conversations(pick)
        .await?
        .into_iter()
        .collect();
    // The assistant's answers belong to no team: with a team, only tickets count.
    let sources = match (&pick.category, &pick.team) {
        (Some(category), None) => store
            .faq_entries(&FaqFilter {
                category: Some(category.clone()),
                ..FaqFilter::default()
            })
            .await?
            .iter()
            .map(|e| format!("faq:{}", e.id.0))
            .collect(),
        _ => HashSet::new(),
    };
    let employees = match &pick.team {
        Some(team) => Some(
            store
                .users()
                .await?
                .into_iter()
                .filter(|u| u.team.as_deref() == Some(team.as_str()))
                .map(|u| u.id)
                .collect(),
        ),
        None => None,
    };
    Ok(Some(Picked {
        conversations,
        sources,
        employees,
    }))
}

/// Conversations started and tickets opened in each of `slices`, read from the store's log.
pub async fn volume(store: &Store, slices: &[Period]) -> Result<Vec<Volume>, ReportError> {
    volume_in(store, slices, &Scope::default()).await
}

/// [`volume`] of the conversations `scope` counts.
pub async fn volume_in(
    store: &Store,
    slices: &[Period],
    scope: &Scope,
) -> Result<Vec<Volume>, ReportError> {
    let (Some(first), Some(last)) = (slices.first(), slices.last()) else {
        return Ok(Vec::new());
    };
    let query = EventQuery {
        from: Some(lookback_start(first)),
        until: Some(last.end),
        kinds: vec!["message_received".into(), "handed_off".into()],
        ..EventQuery::default()
    };
    let (_, events) = dated(store, &query).await?;
    Ok(crate::support::volume(&scope.filter(events), slices))
}

/// The meta key the company's value estimates are kept under.
const VALUE_INPUTS: &str = "report.value_inputs";

/// The company's value estimates ([`ValueInputs::default`] until someone edits them).
pub async fn value_inputs(store: &Store) -> Result<ValueInputs, ReportError> {
    Ok(store
        .meta(VALUE_INPUTS)
        .await?
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default())
}

/// Keeps the company's value estimates, once checked.
pub async fn set_value_inputs(store: &Store, inputs: ValueInputs) -> Result<(), ReportError> {
    let inputs = inputs.checked().map_err(ReportError::Input)?;
    let text = serde_json::to_string(&inputs).map_err(|e| ReportError::Input(e.to_string()))?;
    store.set_meta(VALUE_INPUTS, &text).await?;
    Ok(())
}

/// The events of `kinds` up to `until` (all of them when `None`), dated, in the log's order;
/// kinds this binary does not know are skipped. The mail and lead figures read through it.
pub(crate) async fn dated_kinds(
    store: &Store,
    kinds: &[&str],
    until: Option<Timestamp>,
) -> Result<Vec<Dated>, ReportError> {
    let query = EventQuery {
        until,
        kinds: kinds.iter().map(|k| k.to_string()).collect(),
        ..EventQuery::default()
    };
    Ok(store
        .events(&query)
        .await?
        .into_iter()
        .filter_map(|e| e.kind().map(|kind| Dated { at: e.at, kind }))
        .collect())
}

/// The first instant a period's figures read: its start moved back by [`LOOKBACK`].
pub(crate) fn lookback_start(period: &Period) -> Timestamp {
    let back = i64::try_from(LOOKBACK.as_millis()).unwrap_or(i64::MAX);
    Timestamp(period.start.0.saturating_sub(back))
}

/// The events of reports `query` selects, sorted by instant, with the last sequence number
/// read (`query.after_seq` when none). Other kinds, and kinds this binary does not know
/// (written by a newer one), are skipped.
pub(crate) async fn dated(
    store: &Store,
    query: &EventQuery,
) -> Result<(i64, Vec<Dated>), ReportError> {
    let stored = store.events(query).await?;
    let last = stored.last().map_or(query.after_seq, |e| e.seq);
    let mut events: Vec<Dated> = stored
        .into_iter()
        .filter(|e| REPORT_KINDS.contains(&e.kind_name.as_str()))
        .filter_map(|e| e.kind().map(|kind| Dated { at: e.at, kind }))
        .collect();
    // The log is in sequence order; events written by several nodes may carry instants a
    // little out of that order.
    events.sort_by_key(|e| e.at);
    Ok((last, events))
}
