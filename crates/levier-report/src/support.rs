//! Support KPIs computed from the event log: volume, the assistant's share of the work, how
//! fast and how well people answered, and how often the assistant was wrong.
//!
//! Every figure is a count of events or of conversations; each field says exactly which.
//! Conversations belong to the period of their first customer message, tickets' figures to
//! the period of the event that measures them (a resolution in November counts in November,
//! whenever the ticket was opened), so periods add up without double counting.

use crate::stats::{Share, Spread};
use levier_core::event::EventKind;
use levier_core::ids::{ConversationId, MessageId, TicketId};
use levier_core::time::Timestamp;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

/// An event and when it happened.
#[derive(Debug, Clone)]
pub struct Dated {
    /// When.
    pub at: Timestamp,
    /// What.
    pub kind: EventKind,
}

/// Settings of the support figures.
#[derive(Debug, Clone, Copy)]
pub struct SupportOptions {
    /// How long a conversation the assistant answered must stay quiet (no new customer
    /// message, no handoff) to count as resolved by it (assumed self-service).
    pub quiet_window: Duration,
    /// The present: a conversation whose quiet window has not ended yet is pending.
    pub now: Timestamp,
}

impl SupportOptions {
    /// The default quiet window (24 hours) at `now`.
    pub fn at(now: Timestamp) -> SupportOptions {
        SupportOptions {
            quiet_window: Duration::from_secs(24 * 3600),
            now,
        }
    }
}

/// The support figures of one period.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SupportKpis {
    /// Conversations whose first customer message falls in the period.
    pub conversations: usize,
    /// Customer messages written in the period.
    pub customer_messages: usize,
    /// Tickets opened (handoffs) in the period.
    pub tickets_opened: usize,
    /// Answers the assistant gave in the period.
    pub bot_answers: usize,
    /// The period's conversations the assistant answered at least once, out of all of them.
    pub involvement: Share,
    /// Of the conversations the assistant answered whose quiet window has ended, those that
    /// stayed quiet after its last answer (no customer message, no handoff) and none of whose
    /// answers an agent marked wrong.
    pub self_service_assumed: Share,
    /// Conversations the assistant answered whose quiet window has not ended yet.
    pub pending: usize,
    /// Of the conversations the assistant answered, those where the customer said one of its
    /// answers helped (their latest word on it, from the widget's "did this help?").
    pub self_service_confirmed: Share,
    /// Involvement × resolution: the share of all conversations the assistant resolved alone.
    pub automation_rate: Option<f64>,
    /// The period's conversations handed to a person, out of all of them.
    pub handoff: Share,
    /// Handed-off conversations by the reason of their first handoff, most frequent first.
    pub handoff_reasons: Vec<(String, usize)>,
    /// Time from a ticket's opening to an agent's first answer, for first answers given in
    /// the period (the assistant's messages never count as a first response).
    pub first_response: Option<Spread>,
    /// First answers given within the ticket's SLA, out of those that had one.
    pub first_response_within_sla: Share,
    /// Time from a ticket's opening to its resolution, for resolutions in the period.
    pub resolution: Option<Spread>,
    /// Resolutions within the ticket's SLA, out of those that had one.
    pub resolution_within_sla: Share,
    /// Time agents spent on a ticket (each reply: from opening the ticket's page to sending
    /// it, an hour at most), summed per ticket up to the period's end, for each resolution in
    /// the period of a ticket agents replied to from its page.
    pub handling: Option<Spread>,
    /// Tickets reopened in the period, out of tickets resolved in it.
    pub reopen: Share,
    /// The assistant's answers of the period that an agent marked wrong (at any time since).
    pub error: Share,
    /// Ratings given in the period.
    pub csat: Option<Csat>,
}

/// Customer satisfaction from ratings of 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Csat {
    /// The mean rating.
    pub average: f64,
    /// Ratings of 4 or 5, out of all ratings (the usual CSAT score).
    pub satisfied: Share,
}

/// What the log says of one conversation.
#[derive(Debug, Default)]
pub(crate) struct Conversation {
    pub(crate) first_message: Option<Timestamp>,
    messages: Vec<Timestamp>,
    answers: Vec<(Timestamp, MessageId)>,
    pub(crate) handoffs: Vec<(Timestamp, String)>,
    /// The customer's latest word on each answer they rated.
    helpful: HashMap<MessageId, bool>,
}

/// Computes the period's figures from `events`, which must cover the period, the 30 days
/// before it (to tell new conversations from resumed ones) and the quiet window after it.
pub fn support_kpis(
    events: &[Dated],
    period: &crate::Period,
    options: SupportOptions,
) -> SupportKpis {
    let conversations = conversations(events);
    let wrong = wrong_answers(events);
    let new: Vec<&Conversation> = conversations
        .values()
        .filter(|c| c.first_message.is_some_and(|at| period.contains(at)))
        .collect();
    let in_period: Vec<&Dated> = events.iter().filter(|e| period.contains(e.at)).collect();
    let (self_service, pending) = self_service(&new, &wrong, options);
    let involvement = Share {
        part: new.iter().filter(|c| c.answered()).count(),
        whole: new.len(),
    };
    let tickets = TicketFigures::of(&in_period);
    SupportKpis {
        conversations: new.len(),
        customer_messages: count(&in_period, |k| {
            matches!(k, EventKind::MessageReceived { .. })
        }),
        tickets_opened: count(&in_period, |k| matches!(k, EventKind::HandedOff { .. })),
        bot_answers: count(&in_period, |k| matches!(k, EventKind::BotAnswered { .. })),
        automation_rate: involvement
            .rate()
            .zip(self_service.rate())
            .map(|(i, r)| i * r),
        self_service_confirmed: Share {
            part: new.iter().filter(|c| c.confirmed()).count(),
            whole: involvement.part,
        },
        involvement,
        self_service_assumed: self_service,
        pending,
        handoff: Share {
            part: new.iter().filter(|c| c.handed_off()).count(),
            whole: new.len(),
        },
        handoff_reasons: reasons(&new),
        first_response: Spread::of(tickets.first_responses),
        first_response_within_sla: tickets.first_response_sla,
        resolution: Spread::of(tickets.resolutions),
        resolution_within_sla: tickets.resolution_sla,
        handling: handling(events, &in_period, period),
        reopen: Share {
            part: tickets.reopened,
            whole: tickets.resolved,
        },
        error: errors(&in_period, &wrong),
        csat: csat(&tickets.ratings),
    }
}

/// Each conversation's messages, answers and handoffs, in the order of the log.
pub(crate) fn conversations(events: &[Dated]) -> HashMap<ConversationId, Conversation> {
    let mut all: HashMap<ConversationId, Conversation> = HashMap::new();
    for e in events {
        match &e.kind {
            EventKind::MessageReceived {
                conversation_id, ..
            } => {
                let c = all.entry(*conversation_id).or_default();
                c.first_message.get_or_insert(e.at);
                c.messages.push(e.at);
            }
            EventKind::BotAnswered {
                conversation_id,
                message_id,
                ..
            } => all
                .entry(*conversation_id)
                .or_default()
                .answers
                .push((e.at, *message_id)),
            EventKind::HandedOff {
                conversation_id,
                reason,
                ..
            } => all
                .entry(*conversation_id)
                .or_default()
                .handoffs
                .push((e.at, reason.clone())),
            EventKind::BotAnswerHelpful {
                conversation_id,
                message_id,
                helpful,
            } => {
                all.entry(*conversation_id)
                    .or_default()
                    .helpful
                    .insert(*message_id, *helpful);
            }
            _ => {}
        }
    }
    all
}

/// Assumed self-service among the conversations the assistant answered, and how many of
/// them are still inside their quiet window.
fn self_service(
    conversations: &[&Conversation],
    wrong: &HashSet<MessageId>,
    options: SupportOptions,
) -> (Share, usize) {
    let (mut share, mut pending) = (Share::default(), 0);
    for c in conversations {
        match c.quiet_outcome(wrong, options) {
            QuietOutcome::NotAnswered => {}
            QuietOutcome::Pending => pending += 1,
            QuietOutcome::Decided(served) => {
                share.whole += 1;
                share.part += usize::from(served);
            }
        }
    }
    (share, pending)
}

/// Where a conversation stands for assumed self-service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QuietOutcome {
    /// The assistant never answered it.
    NotAnswered,
    /// Its quiet window is still running.
    Pending,
    /// Whether it stayed quiet (served by the assistant alone).
    Decided(bool),
}

impl Conversation {
    /// Whether the assistant answered it at least once.
    pub(crate) fn answered(&self) -> bool {
        !self.answers.is_empty()
    }

    /// Whether the customer said one of the assistant's answers helped.
    pub(crate) fn confirmed(&self) -> bool {
        self.answered() && self.helpful.values().any(|&h| h)
    }

    /// Whether it went to a person.
    pub(crate) fn handed_off(&self) -> bool {
        !self.handoffs.is_empty()
    }

    /// Whether it stayed quiet after the assistant's last answer (no customer message, no
    /// handoff in the window, no answer marked wrong).
    pub(crate) fn quiet_outcome(
        &self,
        wrong: &HashSet<MessageId>,
        options: SupportOptions,
    ) -> QuietOutcome {
        let Some(&(last_answer, _)) = self.answers.last() else {
            return QuietOutcome::NotAnswered;
        };
        let window = i64::try_from(options.quiet_window.as_millis()).unwrap_or(i64::MAX);
        let quiet_until = Timestamp(last_answer.0.saturating_add(window));
        let broken = self
            .messages
            .iter()
            .any(|&at| at > last_answer && at <= quiet_until)
            || self.handoffs.iter().any(|(at, _)| *at <= quiet_until)
            || self.answers.iter().any(|(_, id)| wrong.contains(id));
        if !broken && quiet_until > options.now {
            return QuietOutcome::Pending;
        }
        QuietOutcome::Decided(!broken)
    }
}

/// The assistant's answers an agent marked wrong.
pub(crate) fn wrong_answers(events: &[Dated]) -> HashSet<MessageId> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::BotAnswerMarkedWrong { message_id, .. } => Some(*message_id),
            _ => None,
        })
        .collect()
}

/// Handed-off conversations by the reason of their first handoff, most frequent first (then
/// by name, so that reports are stable).
fn reasons(conversations: &[&Conversation]) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for c in conversations {
        if let Some((_, reason)) = c.handoffs.first() {
            *counts.entry(reason).or_default() += 1;
        }
    }
    let mut reasons: Vec<(String, usize)> = counts
        .into_iter()
        .map(|(r, n)| (r.to_string(), n))
        .collect();
    reasons.sort_by_key(|r| std::cmp::Reverse(r.1));
    reasons
}

/// The tickets' events of the period.
#[derive(Default)]
struct TicketFigures {
    first_responses: Vec<i64>,
    first_response_sla: Share,
    resolutions: Vec<i64>,
    resolution_sla: Share,
    resolved: usize,
    reopened: usize,
    ratings: Vec<i64>,
}

impl TicketFigures {
    fn of(events: &[&Dated]) -> TicketFigures {
        let mut t = TicketFigures::default();
        for e in events {
            match &e.kind {
                EventKind::AgentFirstResponse {
                    after_ms,
                    within_sla,
                    ..
                } => {
                    t.first_responses.push(*after_ms);
                    tally(&mut t.first_response_sla, *within_sla);
                }
                EventKind::TicketResolved {
                    after_ms,
                    within_sla,
                    ..
                } => {
                    t.resolutions.push(*after_ms);
                    t.resolved += 1;
                    tally(&mut t.resolution_sla, *within_sla);
                }
                EventKind::TicketReopened { .. } => t.reopened += 1,
                EventKind::CsatGiven { rating, .. } => t.ratings.push(*rating),
                _ => {}
            }
        }
        t
    }
}

/// Per resolution of the period, the time agents spent on its ticket until the period's end.
fn handling(events: &[Dated], in_period: &[&Dated], period: &crate::Period) -> Option<Spread> {
    let spent = time_spent(events, period);
    let per_resolution = in_period
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TicketResolved { ticket_id, .. } => spent.get(ticket_id).copied(),
            _ => None,
        })
        .collect();
    Spread::of(per_resolution)
}

/// The time agents spent on each ticket until the period's end.
pub(crate) fn time_spent(events: &[Dated], period: &crate::Period) -> HashMap<TicketId, i64> {
    let mut spent: HashMap<TicketId, i64> = HashMap::new();
    for e in events.iter().filter(|e| e.at < period.end) {
        if let EventKind::AgentHandled { ticket_id, ms } = &e.kind {
            *spent.entry(*ticket_id).or_default() += ms;
        }
    }
    spent
}

/// Counts an SLA outcome, when the ticket had a due instant.
fn tally(share: &mut Share, within: Option<bool>) {
    if let Some(within) = within {
        share.whole += 1;
        share.part += usize::from(within);
    }
}

/// The period's answers, and those marked wrong.
fn errors(events: &[&Dated], wrong: &HashSet<MessageId>) -> Share {
    let answers: Vec<MessageId> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::BotAnswered { message_id, .. } => Some(*message_id),
            _ => None,
        })
        .collect();
    Share {
        part: answers.iter().filter(|id| wrong.contains(id)).count(),
        whole: answers.len(),
    }
}

/// Satisfaction from the period's ratings.
fn csat(ratings: &[i64]) -> Option<Csat> {
    if ratings.is_empty() {
        return None;
    }
    Some(Csat {
        average: ratings.iter().sum::<i64>() as f64 / ratings.len() as f64,
        satisfied: Share {
            part: ratings.iter().filter(|&&r| r >= 4).count(),
            whole: ratings.len(),
        },
    })
}

/// How many of `events` are of a kind.
fn count(events: &[&Dated], kind: impl Fn(&EventKind) -> bool) -> usize {
    events.iter().filter(|e| kind(&e.kind)).count()
}

/// Volume of one slice of a period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Volume {
    /// The slice's first day (`2026-10-05`).
    pub label: String,
    /// Conversations whose first customer message falls in the slice.
    pub conversations: usize,
    /// Tickets opened in the slice.
    pub tickets: usize,
}

/// Conversations started and tickets opened in each of `slices` (consecutive, in order), in
/// one pass over `events`, which must start 30 days before the first slice (to tell new
/// conversations from resumed ones).
pub fn volume(events: &[Dated], slices: &[crate::Period]) -> Vec<Volume> {
    let mut out: Vec<Volume> = slices
        .iter()
        .map(|s| Volume {
            label: s.label.clone(),
            conversations: 0,
            tickets: 0,
        })
        .collect();
    let slice_of = |at: Timestamp| {
        let i = slices.partition_point(|s| s.end <= at);
        (i < slices.len() && slices[i].contains(at)).then_some(i)
    };
    let firsts = conversations(events)
        .into_values()
        .filter_map(|c| c.first_message);
    for at in firsts {
        if let Some(i) = slice_of(at) {
            out[i].conversations += 1;
        }
    }
    for e in events {
        if let (EventKind::HandedOff { .. }, Some(i)) = (&e.kind, slice_of(e.at)) {
            out[i].tickets += 1;
        }
    }
    out
}
