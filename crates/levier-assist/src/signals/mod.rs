//! Handoff signals: what in a customer's message means a person should take over — an
//! unhappy customer, an explicit request for a person, or a topic the company wants people
//! to handle — in French and English.
//!
//! # Precision and recall
//!
//! A false handoff costs an agent a minute; a missed angry customer costs the customer, and
//! often the customer relationship. So detection favours recall on anger and on requests
//! for a person: one cue is enough (one anger word, one insult, a mention of a lawyer, a
//! message in capitals, "!!!"), and long words forgive a typo. Precision is kept where it is
//! cheap, on the ordinary questions of a shop's customers: cancelling an order, a late
//! parcel, "payer en 3 fois", "débité deux fois" trigger nothing, because ambiguous words
//! only count in company (see `lexicon.rs`), and "toujours pas"/"encore"/"still" only count
//! once the customer has written before in the conversation. The measured trade-off on the
//! demo company's labelled messages is in `tests/signals.rs`.
//!
//! Detection is linear in the length of the message (word lookups, patterns with small
//! bounded gaps, one linear-time regex for amounts), so a 100 kB paste costs milliseconds,
//! and it never fails: empty text, markup or control characters simply yield fewer words.

mod amount;
mod history;
mod lexicon;
mod pattern;
mod sensitive;
mod shape;
mod text;

pub use amount::{EuroAmount, euro_amounts};
pub use pattern::PatternError;
pub use sensitive::{RefundRule, SensitiveConfig, TopicConfig};

use pattern::Matcher;
use serde::Serialize;

/// Longest evidence quoted to the agent, in bytes (cut at a character boundary).
const EVIDENCE_MAX_BYTES: usize = 160;

/// Why a conversation should go to a person; the reason code recorded in events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    /// Anger, threats to leave or to sue, insults, a repeated complaint, shouting.
    Unhappy,
    /// The customer asks for a person.
    HumanRequest,
    /// A topic the company wants people to handle.
    SensitiveTopic,
}

impl SignalKind {
    /// The reason code: `unhappy`, `human_request`, `sensitive_topic`.
    pub fn reason(self) -> &'static str {
        match self {
            SignalKind::Unhappy => "unhappy",
            SignalKind::HumanRequest => "human_request",
            SignalKind::SensitiveTopic => "sensitive_topic",
        }
    }
}

/// What exactly was noticed, finer than [`SignalKind`], for the agent and for tuning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cue {
    /// Anger or exasperation ("inadmissible", "j'en ai marre", "ridiculous").
    Anger,
    /// Insults or swearing.
    Insult,
    /// A threat to leave or to post bad reviews ("je vais voir ailleurs", "cancel my account").
    Leaving,
    /// Legal action or consumer bodies ("avocat", "mise en demeure", "DGCCRF", "sue").
    Legal,
    /// A complaint made before ("je vous ai déjà écrit", "for the third time", or the same
    /// message again).
    Repeated,
    /// A message mostly in capitals.
    Shouting,
    /// "!!!", "???".
    Punctuation,
    /// An explicit request for a person.
    PersonRequested,
    /// A phrase of a configured sensitive topic.
    Topic,
    /// A refund above the configured amount.
    RefundAmount,
}

impl Cue {
    /// The kind of handoff this cue calls for.
    pub fn kind(self) -> SignalKind {
        match self {
            Cue::PersonRequested => SignalKind::HumanRequest,
            Cue::Topic | Cue::RefundAmount => SignalKind::SensitiveTopic,
            _ => SignalKind::Unhappy,
        }
    }
}

/// One reason to hand the conversation to a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signal {
    /// The reason.
    pub kind: SignalKind,
    /// What was noticed.
    pub cue: Cue,
    /// The customer's words that raised it, as written (shortened), so the agent sees why.
    pub evidence: String,
    /// The topic's name, for sensitive topics.
    pub topic: Option<String>,
}

/// What a lexicon entry means when found.
#[derive(Debug, Clone, Copy)]
enum Tag {
    Cue(Cue),
    /// "toujours pas", "encore": a repeated complaint if the customer wrote before.
    Returning,
    /// The index of a configured topic.
    Topic(usize),
    RefundIntent,
}

/// The built-in lexicon and one company's sensitive topics, compiled once.
#[derive(Debug, Clone)]
pub struct SignalDetector {
    matcher: Matcher<Tag>,
    topics: Vec<String>,
    refund: Option<RefundRule>,
}

impl SignalDetector {
    /// Compiles the built-in lexicon with `config`'s topics; fails on a malformed phrase.
    pub fn new(config: &SensitiveConfig) -> Result<Self, PatternError> {
        let builtin = [
            (lexicon::ANGER, Tag::Cue(Cue::Anger)),
            (lexicon::INSULT, Tag::Cue(Cue::Insult)),
            (lexicon::LEAVING, Tag::Cue(Cue::Leaving)),
            (lexicon::LEGAL, Tag::Cue(Cue::Legal)),
            (lexicon::REPEATED, Tag::Cue(Cue::Repeated)),
            (lexicon::REPEATED_IF_RETURNING, Tag::Returning),
            (lexicon::HUMAN_REQUEST, Tag::Cue(Cue::PersonRequested)),
            (lexicon::REFUND_INTENT, Tag::RefundIntent),
        ];
        let builtin = builtin
            .into_iter()
            .flat_map(|(list, tag)| list.iter().map(move |p| (p.to_string(), tag)));
        let topics = config.topics.iter().enumerate().flat_map(|(i, topic)| {
            topic
                .phrases
                .iter()
                .map(move |p| (p.clone(), Tag::Topic(i)))
        });
        Ok(SignalDetector {
            matcher: Matcher::new(builtin.chain(topics))?,
            topics: config.topics.iter().map(|t| t.name.clone()).collect(),
            refund: config.refund.clone(),
        })
    }

    /// The reasons to hand `message` to a person, one per cue (and topic), first evidence
    /// kept; empty when the assistant may answer. `earlier` holds the customer's previous
    /// messages in this conversation, oldest first: a repeated complaint needs them.
    pub fn detect(&self, message: &str, earlier: &[&str]) -> Vec<Signal> {
        let words = text::words(message);
        let spans: Vec<_> = words.iter().map(|w| w.span.clone()).collect();
        let canonical = self.matcher.canonical(&words);
        let mut out = Collected::default();
        let (mut returning, mut refund_intent) = (None, false);
        for found in self.matcher.find(&canonical, &spans) {
            let evidence = &message[found.span];
            match *found.tag {
                Tag::Cue(cue) => out.add(cue, None, evidence),
                Tag::Topic(i) => out.add(Cue::Topic, Some(&self.topics[i]), evidence),
                Tag::Returning => returning = returning.or(Some(evidence)),
                Tag::RefundIntent => refund_intent = true,
            }
        }
        if !earlier.is_empty() {
            let same = || history::same_complaint(&canonical, earlier);
            if let Some(evidence) = returning.map(str::to_string).or_else(same) {
                out.add(Cue::Repeated, None, &evidence);
            }
        }
        if let Some(evidence) = shape::shouting(message) {
            out.add(Cue::Shouting, None, &evidence);
        }
        if let Some(evidence) = shape::insistent_punctuation(message) {
            out.add(Cue::Punctuation, None, &evidence);
        }
        if refund_intent {
            self.refund_above_threshold(message, &mut out);
        }
        out.0
    }

    fn refund_above_threshold(&self, message: &str, out: &mut Collected) {
        let Some(rule) = &self.refund else { return };
        if let Some(amount) = euro_amounts(message)
            .into_iter()
            .find(|a| rule.exceeded_by(a.cents))
        {
            out.add(Cue::RefundAmount, Some(&rule.topic), &message[amount.span]);
        }
    }
}

/// Signals found so far, one per cue and topic.
#[derive(Default)]
struct Collected(Vec<Signal>);

impl Collected {
    fn add(&mut self, cue: Cue, topic: Option<&str>, evidence: &str) {
        if self
            .0
            .iter()
            .any(|s| s.cue == cue && s.topic.as_deref() == topic)
        {
            return;
        }
        self.0.push(Signal {
            kind: cue.kind(),
            cue,
            evidence: shorten(evidence.trim()),
            topic: topic.map(str::to_string),
        });
    }
}

fn shorten(text: &str) -> String {
    if text.len() <= EVIDENCE_MAX_BYTES {
        return text.to_string();
    }
    let cut = (0..=EVIDENCE_MAX_BYTES)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    format!("{}…", &text[..cut])
}
