//! Drill-down: the conversations and tickets behind a support figure, each marked whether it
//! counts in the figure's numerator, so that a person can check any number by opening what
//! it counts. It reads the conversations with the same predicates as [`crate::support`].

use crate::Period;
use crate::support::{Dated, QuietOutcome, SupportOptions, conversations, wrong_answers};
use levier_core::event::EventKind;
use levier_core::ids::{ConversationId, TicketId};
use levier_core::time::Timestamp;
use std::collections::HashMap;

/// The figures a drill-down can open.
pub const DRILLABLE: [&str; 12] = [
    "conversations",
    "involvement",
    "self_service_assumed",
    "self_service_confirmed",
    "handoff",
    "tickets_opened",
    "first_response",
    "resolution",
    "handling_time",
    "reopen",
    "error",
    "csat",
];

/// A conversation or ticket behind a figure.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Item {
    /// The conversation.
    pub conversation: Option<ConversationId>,
    /// Its ticket, when it has one.
    pub ticket: Option<TicketId>,
    /// The instant that puts it in the period.
    pub at: Timestamp,
    /// Whether it counts in the figure's numerator (every item counts in a count or a
    /// duration; a share's denominator is all the items).
    pub counted: bool,
    /// What it contributes: a duration in milliseconds, a rating, a handoff reason.
    pub detail: Detail,
}

/// What an item contributes to its figure.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Detail {
    /// Nothing beyond being counted.
    None,
    /// A duration in milliseconds.
    Duration {
        /// The duration.
        ms: i64,
    },
    /// A rating from 1 to 5.
    Rating {
        /// The rating.
        stars: i64,
    },
    /// The reason of a handoff.
    Reason {
        /// The reason.
        reason: String,
    },
}

/// The items behind `figure` over `period`, by instant; `None` for a figure without a
/// drill-down. `events` must cover what [`crate::support::support_kpis`] reads.
pub fn behind(
    events: &[Dated],
    period: &Period,
    options: SupportOptions,
    figure: &str,
) -> Option<Vec<Item>> {
    let mut items = match figure {
        "conversations"
        | "involvement"
        | "self_service_assumed"
        | "self_service_confirmed"
        | "handoff" => conversation_items(events, period, options, figure),
        "tickets_opened" | "first_response" | "resolution" | "handling_time" | "reopen"
        | "csat" => ticket_items(events, period, figure),
        "error" => answer_items(events, period),
        _ => return None,
    };
    items.sort_by_key(|i| i.at);
    Some(items)
}

/// The period's new conversations, counted by the figure's predicate.
fn conversation_items(
    events: &[Dated],
    period: &Period,
    options: SupportOptions,
    figure: &str,
) -> Vec<Item> {
    let wrong = wrong_answers(events);
    let tickets = tickets_of(events);
    conversations(events)
        .into_iter()
        .filter_map(|(id, c)| {
            let at = c.first_message.filter(|at| period.contains(*at))?;
            let counted = match figure {
                "involvement" => c.answered(),
                "self_service_confirmed" if !c.answered() => return None,
                "self_service_confirmed" => c.confirmed(),
                "self_service_assumed" => match c.quiet_outcome(&wrong, options) {
                    QuietOutcome::Decided(served) => served,
                    QuietOutcome::NotAnswered | QuietOutcome::Pending => return None,
                },
                "handoff" => c.handed_off(),
                _ => true,
            };
            let detail = c
                .handoffs
                .first()
                .map_or(Detail::None, |(_, reason)| Detail::Reason {
                    reason: reason.clone(),
                });
            Some(Item {
                conversation: Some(id),
                ticket: tickets.iter().find(|(_, c)| **c == id).map(|(t, _)| *t),
                at,
                counted,
                detail,
            })
        })
        .collect()
}

/// The tickets whose event of the figure's kind falls in the period (for the reopen rate, the
/// reopenings: its denominator is the resolutions' list).
fn ticket_items(events: &[Dated], period: &Period, figure: &str) -> Vec<Item> {
    let tickets = tickets_of(events);
    let spent = crate::support::time_spent(events, period);
    let item = |ticket: TicketId, at: Timestamp, counted: bool, detail: Detail| Item {
        conversation: tickets.get(&ticket).copied(),
        ticket: Some(ticket),
        at,
        counted,
        detail,
    };
    events
        .iter()
        .filter(|e| period.contains(e.at))
        .filter_map(|e| match (&e.kind, figure) {
            (
                EventKind::HandedOff {
                    ticket_id, reason, ..
                },
                "tickets_opened",
            ) => Some(item(
                *ticket_id,
                e.at,
                true,
                Detail::Reason {
                    reason: reason.clone(),
                },
            )),
            (
                EventKind::AgentFirstResponse {
                    ticket_id,
                    after_ms,
                    ..
                },
                "first_response",
            )
            | (
                EventKind::TicketResolved {
                    ticket_id,
                    after_ms,
                    ..
                },
                "resolution",
            ) => Some(item(
                *ticket_id,
                e.at,
                true,
                Detail::Duration { ms: *after_ms },
            )),
            (EventKind::TicketResolved { ticket_id, .. }, "handling_time") => spent
                .get(ticket_id)
                .map(|ms| item(*ticket_id, e.at, true, Detail::Duration { ms: *ms })),
            (EventKind::TicketReopened { ticket_id, .. }, "reopen") => {
                Some(item(*ticket_id, e.at, true, Detail::None))
            }
            (EventKind::CsatGiven { ticket_id, rating }, "csat") => Some(item(
                *ticket_id,
                e.at,
                *rating >= 4,
                Detail::Rating { stars: *rating },
            )),
            _ => None,
        })
        .collect()
}

/// The period's answers of the assistant, counted when an agent marked them wrong.
fn answer_items(events: &[Dated], period: &Period) -> Vec<Item> {
    let wrong = wrong_answers(events);
    let tickets = tickets_of(events);
    events
        .iter()
        .filter(|e| period.contains(e.at))
        .filter_map(|e| match &e.kind {
            EventKind::BotAnswered {
                conversation_id,
                message_id,
                ..
            } => Some(Item {
                conversation: Some(*conversation_id),
                ticket: tickets
                    .iter()
                    .find(|(_, c)| *c == conversation_id)
                    .map(|(t, _)| *t),
                at: e.at,
                counted: wrong.contains(message_id),
                detail: Detail::None,
            }),
            _ => None,
        })
        .collect()
}

/// Each ticket's conversation, from the handoffs.
fn tickets_of(events: &[Dated]) -> HashMap<TicketId, ConversationId> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::HandedOff {
                conversation_id,
                ticket_id,
                ..
            } => Some((*ticket_id, *conversation_id)),
            _ => None,
        })
        .collect()
}
