//! A label learnt from a few examples per label (a mail's category, its urgency), with a
//! calibrated confidence.
//!
//! It is the support assistant's intent classifier (levier-intent: TF-IDF word and character
//! n-grams, multinomial logistic regression, Platt or isotonic calibration on out-of-fold
//! predictions) with its sentence-embedding half switched off: triage must work on a machine
//! without the embedding model, and on a few dozen mails per label the n-grams carry the
//! signal. The classifier takes one vector per text; a constant one-dimensional vector given
//! a weight of zero contributes nothing.

use levier_intent::{
    Example, FeatureConfig, IntentClassifier, IntentConfig, TfidfConfig, TrainingSet,
};
use serde::{Deserialize, Serialize};

use crate::error::TriageError;

/// The vector each text stands with: see the module's documentation.
const NO_EMBEDDING: [f32; 1] = [1.0];

/// A label and how sure the model is of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labelled {
    /// The most probable label.
    pub label: String,
    /// Calibrated probability that it is the right one.
    pub confidence: f32,
}

/// A trained text → label model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LabelModel {
    classifier: IntentClassifier,
}

impl LabelModel {
    /// Trains on `(text, label)` pairs: at least two labels.
    pub fn train(examples: &[(String, String)], seed: u64) -> Result<Self, TriageError> {
        let set = TrainingSet {
            examples: examples
                .iter()
                .map(|(text, label)| Example {
                    text: text.clone(),
                    label: label.clone(),
                })
                .collect(),
            out_of_scope: Vec::new(),
        };
        let vectors = vec![NO_EMBEDDING.to_vec(); examples.len()];
        let classifier = IntentClassifier::train_embedded(&set, &vectors, &config(seed))?;
        Ok(LabelModel { classifier })
    }

    /// The label of a text. An empty text gets the most frequent-looking label at a low
    /// confidence rather than an error: a mail with no words still needs a place.
    pub fn predict(&self, text: &str) -> Labelled {
        let text = if text.trim().is_empty() { "-" } else { text };
        match self.classifier.predict_embedded(text, &NO_EMBEDDING) {
            Ok(prediction) => Labelled {
                label: prediction
                    .ranked
                    .first()
                    .map(|r| r.label.clone())
                    .unwrap_or_default(),
                confidence: prediction.confidence,
            },
            Err(_) => Labelled {
                label: self.labels().first().cloned().unwrap_or_default(),
                confidence: 0.0,
            },
        }
    }

    /// The labels weighed for a text, most probable first, with the linear model's
    /// probability (not calibrated): what a person trying the model sees beside the choice.
    pub fn ranked(&self, text: &str) -> Vec<(String, f32)> {
        let text = if text.trim().is_empty() { "-" } else { text };
        self.classifier
            .predict_embedded(text, &NO_EMBEDDING)
            .map(|p| {
                p.ranked
                    .into_iter()
                    .map(|r| (r.label, r.probability))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The labels it knows, sorted.
    pub fn labels(&self) -> &[String] {
        self.classifier.labels()
    }
}

/// The intent classifier's configuration with n-grams only, at full weight.
fn config(seed: u64) -> IntentConfig {
    IntentConfig {
        seed,
        features: FeatureConfig {
            embedding_weight: 0.0,
            tfidf: Some(TfidfConfig::default()),
            tfidf_weight: 1.0,
        },
        ..IntentConfig::default()
    }
}
