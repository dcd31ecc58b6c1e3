//! Reads from the store the events a period's figures need.

use crate::adoption::{AdoptionKpis, adoption_kpis};
use crate::support::{Dated, SupportKpis, SupportOptions, Volume, support_kpis};
use crate::{Period, ReportError};
use levier_core::time::Timestamp;
use levier_store::Store;
use levier_store::events::EventQuery;
use std::time::Duration;

/// How far before a period the log is read to tell a new conversation from one that resumes:
/// a conversation silent for longer counts again as new when the customer comes back.
pub const LOOKBACK: Duration = Duration::from_secs(30 * 24 * 3600);

/// The events reports read, by stored name.
pub(crate) const REPORT_KINDS: [&str; 11] = [
    "message_received",
    "bot_answered",
    "handed_off",
    "agent_first_response",
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
    let from = lookback_start(period);
    let until = period.end.plus(options.quiet_window);
    let query = EventQuery {
        from: Some(from),
        until: Some(until),
        kinds: REPORT_KINDS.iter().map(|k| k.to_string()).collect(),
        ..EventQuery::default()
    };
    let (_, events) = dated(store, &query).await?;
    Ok(support_kpis(&events, period, options))
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

/// Conversations started and tickets opened in each of `slices`, read from the store's log.
pub async fn volume(store: &Store, slices: &[Period]) -> Result<Vec<Volume>, ReportError> {
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
    Ok(crate::support::volume(&events, slices))
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
