//! Which FAQ entry a customer message asks about: the intent classifier of `levier-intent`,
//! trained with one intent per entry on the entry's question and its phrasings (imported
//! variants, agents' corrections).
//!
//! The answers are not examples. With them, the first candidate was right more often on the
//! demo company's labelled messages (92 of 104 answerable messages at confidence ≥ 0.3, against
//! 86), but the confidence separated right from wrong less well: at 0.9, 28 of 30 answers right
//! against 23 of 23 without (tests/assistant.rs).

use crate::decide::FaqCandidate;
use levier_intent::{Embedder, Example, IntentClassifier, IntentConfig, IntentError, TrainingSet};
use std::collections::HashMap;

/// Candidates handed to the decision: the best two decide a clarification, the others are
/// shown to the agent.
const CANDIDATES: usize = 5;

/// An FAQ entry as the matcher learns it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FaqKnowledge {
    /// The entry's id in the store.
    pub id: i64,
    /// Its question.
    pub question: String,
    /// Its answer.
    pub answer: String,
    /// Its category.
    pub category: String,
    /// Other ways customers ask it.
    pub phrasings: Vec<String>,
}

/// What the matcher says about a message.
#[derive(Debug, Clone, PartialEq)]
pub struct FaqMatch {
    /// Entries, most probable first, with the model's probabilities.
    pub candidates: Vec<FaqCandidate>,
    /// Calibrated probability that the first candidate is the right one.
    pub confidence: f32,
    /// The message is unlike every entry.
    pub out_of_scope: bool,
}

/// A trained FAQ matcher.
pub struct FaqMatcher {
    classifier: IntentClassifier,
    entries: HashMap<String, FaqKnowledge>,
}

impl FaqMatcher {
    /// Trains on `entries` (at least two). Messages labelled by agents can be added as
    /// phrasings of their entry; `out_of_scope` are messages known to match none.
    pub fn train(
        entries: Vec<FaqKnowledge>,
        out_of_scope: Vec<String>,
        embedder: &dyn Embedder,
        config: &IntentConfig,
    ) -> Result<Self, IntentError> {
        let examples = entries.iter().flat_map(examples_of).collect();
        let set = TrainingSet {
            examples,
            out_of_scope,
        };
        let classifier = IntentClassifier::train(&set, embedder, config)?;
        let entries = entries.into_iter().map(|e| (e.id.to_string(), e)).collect();
        Ok(Self {
            classifier,
            entries,
        })
    }

    /// The entries `message` may be asking about.
    pub fn candidates(
        &self,
        embedder: &dyn Embedder,
        message: &str,
    ) -> Result<FaqMatch, IntentError> {
        let prediction = self.classifier.predict(embedder, message)?;
        let candidates = prediction
            .ranked
            .iter()
            .filter_map(|scored| {
                let entry = self.entries.get(&scored.label)?;
                Some(FaqCandidate {
                    entry_id: entry.id,
                    question: entry.question.clone(),
                    answer: entry.answer.clone(),
                    category: entry.category.clone(),
                    probability: scored.probability,
                })
            })
            .take(CANDIDATES)
            .collect();
        Ok(FaqMatch {
            candidates,
            confidence: prediction.confidence,
            out_of_scope: prediction.out_of_scope,
        })
    }
}

/// The question and every phrasing, labelled with the entry's id.
fn examples_of(entry: &FaqKnowledge) -> impl Iterator<Item = Example> + '_ {
    std::iter::once(&entry.question)
        .chain(&entry.phrasings)
        .filter(|text| !text.trim().is_empty())
        .map(|text| Example {
            text: text.clone(),
            label: entry.id.to_string(),
        })
}
