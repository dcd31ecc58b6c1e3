//! What happens in one of the demo's past conversations, drawn at random but with the rates
//! of a small company's support before and during an assistant pilot: how many conversations
//! the assistant settles, why the others go to people, how fast people answer, how customers
//! rate it.

use super::clock::{Instant, MINUTE};
use jiff::tz::TimeZone;
use levier_core::ids::UserId;
use levier_store::faq::FaqEntry;
use levier_store::support::TicketPriority;
use rand::Rng;
use rand::rngs::StdRng;

/// The two phases of the demo's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// Before the pilot: the website's chat is a contact form, every conversation goes to
    /// people.
    Baseline,
    /// The assistant answers the FAQ categories of the pilot's scope.
    Pilot,
}

/// One thing that happens in a conversation.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Action {
    /// The customer writes.
    Customer(String),
    /// The assistant answers from an FAQ entry.
    Bot {
        /// The answer.
        body: String,
        /// Its confidence.
        confidence: f64,
        /// `faq:ID`.
        source: String,
    },
    /// The customer says whether the assistant's last answer helped.
    Helpful(bool),
    /// The conversation goes to people.
    HandOff {
        /// Why (a reason of the desk: `outside_pilot`, `unsure`, `human_request`, `unhappy`).
        reason: &'static str,
        /// The FAQ category of the question.
        category: String,
        /// How urgent.
        priority: TicketPriority,
    },
    /// An agent answers.
    Agent {
        /// Who.
        agent: UserId,
        /// What.
        body: String,
        /// How long they spent on it, in milliseconds.
        handled_ms: i64,
    },
    /// An agent marks the assistant's last answer wrong.
    MarkWrong(UserId),
    /// An agent resolves the ticket.
    Resolve(UserId),
    /// The customer rates the resolution (1 to 5).
    Rate(i64),
}

/// A conversation: actions at instants, in order.
pub(super) type Script = Vec<(Instant, Action)>;

/// Who and what a conversation can be drawn from.
pub(super) struct Cast<'a> {
    /// The company's FAQ (customers ask its questions).
    pub faq: &'a [FaqEntry],
    /// The FAQ categories the pilot lets the assistant answer.
    pub pilot_categories: &'a [&'a str],
    /// The people who answer customers.
    pub agents: &'a [UserId],
    /// The company's time zone (its working hours).
    pub zone: &'a TimeZone,
}

/// Customers who ask for a person after the assistant's answer.
const ASK_PERSON: [&str; 3] = [
    "Je voudrais parler à un conseiller, s'il vous plaît.",
    "Ça ne répond pas à ma question, je peux avoir quelqu'un ?",
    "Pouvez-vous me mettre en relation avec une personne ?",
];

/// Unhappy customers.
const UNHAPPY: [&str; 3] = [
    "C'est la deuxième fois que je pose la question, c'est inadmissible.",
    "Je suis très mécontent, ma commande n'est toujours pas arrivée.",
    "Votre service est vraiment décevant, je veux une réponse rapide.",
];

/// A customer coming back after a resolution.
const COME_BACK: &str = "Finalement le problème persiste, pouvez-vous regarder à nouveau ?";

/// Draws a conversation starting at `start`.
pub(super) fn conversation(
    rng: &mut StdRng,
    cast: &Cast<'_>,
    phase: Phase,
    start: Instant,
) -> Script {
    let entry = &cast.faq[rng.random_range(0..cast.faq.len())];
    let mut script = vec![(start, Action::Customer(entry.question.clone()))];
    let in_scope = cast.pilot_categories.contains(&entry.category.as_str());
    let reason = match phase {
        Phase::Baseline => "outside_pilot",
        Phase::Pilot if !in_scope => "outside_pilot",
        Phase::Pilot if rng.random_bool(0.15) => "unsure",
        Phase::Pilot => match bot_answers(rng, entry, start, &mut script) {
            Some(reason) => reason,
            None => return script,
        },
    };
    let at = script.last().map_or(start, |(at, _)| *at).after(MINUTE / 2);
    let priority = if reason == "unhappy" {
        TicketPriority::High
    } else {
        TicketPriority::Normal
    };
    script.push((
        at,
        Action::HandOff {
            reason,
            category: entry.category.clone(),
            priority,
        },
    ));
    people_answer(rng, cast, phase, entry, at, &mut script);
    script
}

/// The assistant answers; returns why people take over, `None` when the customer is served.
fn bot_answers(
    rng: &mut StdRng,
    entry: &FaqEntry,
    start: Instant,
    script: &mut Script,
) -> Option<&'static str> {
    let answered = start.after(3_000);
    script.push((
        answered,
        Action::Bot {
            body: entry.answer.clone(),
            confidence: rng.random_range(0.72..0.97),
            source: format!("faq:{}", entry.id.0),
        },
    ));
    let later = answered.after(rng.random_range(1..4) * MINUTE);
    match rng.random_range(0..100) {
        0..30 => {
            script.push((later, Action::Helpful(true)));
            None
        }
        30..75 => None,
        75..84 => {
            script.push((later, Action::Helpful(false)));
            let text = ASK_PERSON[rng.random_range(0..ASK_PERSON.len())];
            script.push((later.after(MINUTE), Action::Customer(text.into())));
            Some("human_request")
        }
        84..94 => {
            let text = ASK_PERSON[rng.random_range(0..ASK_PERSON.len())];
            script.push((later, Action::Customer(text.into())));
            Some("human_request")
        }
        _ => {
            let text = UNHAPPY[rng.random_range(0..UNHAPPY.len())];
            script.push((later, Action::Customer(text.into())));
            Some("unhappy")
        }
    }
}

/// An agent answers, resolves, maybe hears back; the customer maybe rates.
fn people_answer(
    rng: &mut StdRng,
    cast: &Cast<'_>,
    phase: Phase,
    entry: &FaqEntry,
    handed_off: Instant,
    script: &mut Script,
) {
    let agent = cast.agents[rng.random_range(0..cast.agents.len())];
    let (response_median, resolution_median) = match phase {
        // Minutes: fewer, better-prepared tickets in the pilot are answered sooner.
        Phase::Baseline => (240.0, 1_500.0),
        Phase::Pilot => (95.0, 840.0),
    };
    let replied = handed_off
        .after_minutes(spread(rng, response_median))
        .in_business_hours(cast.zone, rng);
    if script.iter().any(|(_, a)| matches!(a, Action::Bot { .. })) && rng.random_bool(0.25) {
        script.push((replied, Action::MarkWrong(agent)));
    }
    script.push((
        replied,
        Action::Agent {
            agent,
            body: format!("Bonjour,\n\n{}\n\nBonne journée,", entry.answer),
            handled_ms: handling(rng, phase),
        },
    ));
    let resolved = replied
        .after_minutes(spread(rng, resolution_median))
        .in_business_hours(cast.zone, rng);
    script.push((resolved, Action::Resolve(agent)));
    let mut last = resolved;
    if rng.random_bool(0.06) {
        let back = resolved.after_minutes(spread(rng, 600.0));
        let answered = back
            .after_minutes(spread(rng, 60.0))
            .in_business_hours(cast.zone, rng);
        script.push((back, Action::Customer(COME_BACK.into())));
        script.push((
            answered,
            Action::Agent {
                agent,
                body: "Nous reprenons votre demande, merci de votre patience.".into(),
                handled_ms: handling(rng, phase),
            },
        ));
        last = answered
            .after_minutes(spread(rng, 240.0))
            .in_business_hours(cast.zone, rng);
        script.push((last, Action::Resolve(agent)));
    }
    if rng.random_bool(0.35) {
        script.push((
            last.after_minutes(spread(rng, 30.0)),
            Action::Rate(stars(rng, phase)),
        ));
    }
}

/// A duration around `median` minutes, spread like real handling times (most short, a few
/// long): the median times e^x with x uniform in [-1, 1].
fn spread(rng: &mut StdRng, median: f64) -> f64 {
    median * rng.random_range(-1.0f64..1.0).exp()
}

/// The minutes an agent spends on a reply: less during the pilot, when the assistant
/// suggests the FAQ's answer.
fn handling(rng: &mut StdRng, phase: Phase) -> i64 {
    let median = match phase {
        Phase::Baseline => 9.0,
        Phase::Pilot => 6.0,
    };
    (spread(rng, median) * MINUTE as f64) as i64
}

/// A rating, slightly better during the pilot (answers come sooner).
fn stars(rng: &mut StdRng, phase: Phase) -> i64 {
    let weights: [u32; 5] = match phase {
        Phase::Baseline => [6, 9, 18, 37, 30],
        Phase::Pilot => [4, 6, 14, 36, 40],
    };
    let mut draw = rng.random_range(0..weights.iter().sum::<u32>());
    for (i, w) in weights.iter().enumerate() {
        if draw < *w {
            return i as i64 + 1;
        }
        draw -= w;
    }
    5
}
