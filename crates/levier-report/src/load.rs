//! Reads from the store the events a period's figures need.

use crate::support::{Dated, SupportKpis, SupportOptions, support_kpis};
use crate::{Period, ReportError};
use levier_core::time::Timestamp;
use levier_store::Store;
use levier_store::events::EventQuery;
use std::time::Duration;

/// How far before a period the log is read to tell a new conversation from one that resumes:
/// a conversation silent for longer counts again as new when the customer comes back.
pub const LOOKBACK: Duration = Duration::from_secs(30 * 24 * 3600);

/// The support events, by stored name.
const SUPPORT_KINDS: [&str; 8] = [
    "message_received",
    "bot_answered",
    "handed_off",
    "agent_first_response",
    "ticket_resolved",
    "ticket_reopened",
    "csat_given",
    "bot_answer_marked_wrong",
];

/// The support figures of `period`, from the store's log.
pub async fn support(
    store: &Store,
    period: &Period,
    options: SupportOptions,
) -> Result<SupportKpis, ReportError> {
    let until = period.end.plus(options.quiet_window);
    let events = dated(store, back(period.start, LOOKBACK), until, &SUPPORT_KINDS).await?;
    Ok(support_kpis(&events, period, options))
}

/// The events of `kinds` from `from` (included) to `until` (excluded), oldest first; kinds
/// this binary does not know (written by a newer one) are skipped.
async fn dated(
    store: &Store,
    from: Timestamp,
    until: Timestamp,
    kinds: &[&str],
) -> Result<Vec<Dated>, ReportError> {
    let stored = store
        .events(&EventQuery {
            from: Some(from),
            until: Some(until),
            kinds: kinds.iter().map(|k| k.to_string()).collect(),
            ..EventQuery::default()
        })
        .await?;
    let mut events: Vec<Dated> = stored
        .into_iter()
        .filter_map(|e| e.kind().map(|kind| Dated { at: e.at, kind }))
        .collect();
    // The log is in sequence order; events written by several nodes may carry instants a
    // little out of that order.
    events.sort_by_key(|e| e.at);
    Ok(events)
}

/// `at` moved back by `d` (saturating).
fn back(at: Timestamp, d: Duration) -> Timestamp {
    Timestamp(at.0.saturating_sub(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)))
}
