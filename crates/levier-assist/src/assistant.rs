//! The support assistant: for each customer message, the handoff signals, the FAQ entries it
//! may ask about, the decision, and the words sent back.

use crate::decide::{Action, Decision, Evidence, Policy, decide};
use crate::faq_matcher::{FaqKnowledge, FaqMatcher};
use crate::hours::{BusinessHours, HoursConfig, HoursError, Lang};
use crate::respond::{AnswerSource, BotTurn, ClarifyOption, Respond, RespondError, Turn};
use crate::signals::{PatternError, SensitiveConfig, SignalDetector};
use levier_intent::{IntentConfig, IntentError};
use levier_ml::SentenceEncoder;
use serde::Deserialize;
use std::sync::Arc;

/// The company's settings of the assistant (`[assistant]` in the configuration).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AssistantSettings {
    /// When to answer, clarify or hand off.
    pub policy: Policy,
    /// When people are there to take over.
    pub hours: HoursConfig,
    /// Topics people handle.
    pub sensitive: SensitiveConfig,
}

/// Why the assistant could not be built.
#[derive(Debug, thiserror::Error)]
pub enum AssistantError {
    /// The FAQ could not be learnt (too few entries, a model failure).
    #[error("the FAQ could not be learnt: {0}")]
    Training(#[from] IntentError),
    /// A sensitive topic's phrase is malformed.
    #[error("[assistant.sensitive]: {0}")]
    Sensitive(#[from] PatternError),
    /// The business hours are malformed.
    #[error("[assistant.hours]: {0}")]
    Hours(#[from] HoursError),
}

/// A trained assistant.
pub struct Assistant {
    encoder: Arc<SentenceEncoder>,
    faq: FaqMatcher,
    signals: SignalDetector,
    hours: BusinessHours,
    policy: Policy,
}

impl Assistant {
    /// Learns the FAQ `entries`, and the messages agents marked as outside it
    /// (`out_of_scope`), with `encoder`, and takes the company's `settings`. CPU-bound (every
    /// phrasing is embedded): seconds for a few hundred phrasings.
    pub fn train(
        encoder: Arc<SentenceEncoder>,
        entries: Vec<FaqKnowledge>,
        out_of_scope: Vec<String>,
        settings: &AssistantSettings,
    ) -> Result<Self, AssistantError> {
        let signals = SignalDetector::new(&settings.sensitive)?;
        let hours = BusinessHours::new(&settings.hours)?;
        let faq = FaqMatcher::train(
            entries,
            out_of_scope,
            encoder.as_ref(),
            &IntentConfig::default(),
        )?;
        Ok(Self {
            encoder,
            faq,
            signals,
            hours,
            policy: settings.policy.clone(),
        })
    }

    /// The decision for `turn`, with its evidence.
    pub fn decide(&self, turn: &Turn<'_>) -> Result<Decision, RespondError> {
        let signals = self.signals.detect(turn.message, turn.earlier);
        let found = self
            .faq
            .candidates(self.encoder.as_ref(), turn.message)
            .map_err(|e| RespondError::Model(e.to_string()))?;
        let evidence = Evidence {
            signals,
            candidates: found.candidates,
            confidence: found.confidence,
            out_of_scope: found.out_of_scope,
            passage: turn.passage.clone(),
        };
        Ok(decide(evidence, &self.policy, turn.scope))
    }
}

impl Respond for Assistant {
    fn answers_from_passages(&self) -> bool {
        self.policy.passages
    }

    fn respond(&self, turn: &Turn<'_>) -> Result<BotTurn, RespondError> {
        let decision = self.decide(turn)?;
        let (reply, options, source) = match &decision.action {
            Action::Handoff { .. } => {
                return Ok(BotTurn::handoff(
                    decision,
                    &self.hours,
                    turn.at,
                    turn.language,
                ));
            }
            Action::AnswerFaq { entry } => {
                let source = AnswerSource {
                    title: entry.question.clone(),
                    link: None,
                };
                (entry.answer.clone(), Vec::new(), Some(source))
            }
            Action::AnswerPassage { passage } => {
                let source = AnswerSource {
                    title: passage.title.clone(),
                    link: Some(passage.link.clone()),
                };
                (passage.text.clone(), Vec::new(), Some(source))
            }
            Action::Clarify { options } => {
                let buttons = options
                    .iter()
                    .map(|o| ClarifyOption {
                        entry_id: o.entry_id,
                        question: o.question.clone(),
                    })
                    .collect();
                (clarify_words(turn.language).to_string(), buttons, None)
            }
        };
        Ok(BotTurn {
            decision,
            reply,
            options,
            source,
        })
    }
}

fn clarify_words(language: Lang) -> &'static str {
    match language {
        Lang::Fr => "Votre question porte-t-elle sur l'un de ces sujets ?",
        Lang::En => "Which of these is your question about?",
    }
}
