//! The intent classifier: training with held-out calibration, prediction, out-of-scope decision.

use crate::IntentError;
use crate::calibration::{Calibrator, Method};
use crate::embedder::{Embedder, check_vectors, embed_checked};
use crate::features::{FeatureConfig, Featuriser};
use crate::folds;
use crate::linear::{Linear, TrainConfig};
use crate::threshold::{self, HeldOut};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Intents listed in a [`Prediction`], most probable first.
pub const RANKED: usize = 10;

/// A text labelled with the intent it expresses (for the assistant: a FAQ entry's id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    /// The message or phrasing.
    pub text: String,
    /// Its intent.
    pub label: String,
}

/// What a classifier is trained on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingSet {
    /// In-scope examples: at least two intents.
    pub examples: Vec<Example>,
    /// Messages that match no intent, if any are known. They become a class of their own,
    /// and they are what the out-of-scope threshold is tuned against.
    pub out_of_scope: Vec<String>,
}

/// How a classifier is trained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntentConfig {
    /// Seed of every random choice (folds, mini-batch order): same data, same model.
    pub seed: u64,
    /// Features of the linear model.
    pub features: FeatureConfig,
    /// Optimisation of the linear model.
    pub train: TrainConfig,
    /// Calibration of the confidence.
    pub calibration: Method,
    /// Folds the training set is cut into for held-out predictions.
    pub folds: usize,
    /// Folds are used, in order, until this many held-out predictions are gathered (all folds
    /// for small sets): a few thousand points calibrate as well as fifteen thousand, at a
    /// fraction of the training time.
    pub held_out_target: usize,
    /// Share of the messages it would answer right that may be handed off instead: sets the
    /// out-of-scope threshold (see [`crate::threshold`]).
    pub max_handoff: f32,
}

impl Default for IntentConfig {
    fn default() -> Self {
        IntentConfig {
            seed: 42,
            features: FeatureConfig::default(),
            train: TrainConfig::default(),
            calibration: Method::Auto,
            folds: 5,
            held_out_target: 3000,
            max_handoff: 0.01,
        }
    }
}

/// An intent and the model's probability for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredIntent {
    /// The intent.
    pub label: String,
    /// The linear model's probability (not calibrated).
    pub probability: f32,
}

/// The classifier's answer for one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    /// In-scope intents, most probable first (at most [`RANKED`]).
    pub ranked: Vec<ScoredIntent>,
    /// Calibrated probability that the first ranked intent is the right one.
    pub confidence: f32,
    /// The message matches no intent well enough: hand it to a person.
    pub out_of_scope: bool,
}

impl Prediction {
    /// The intent, unless the message is out of scope.
    pub fn intent(&self) -> Option<&str> {
        match self.ranked.first() {
            Some(top) if !self.out_of_scope => Some(&top.label),
            _ => None,
        }
    }

    /// The model's probability of the top intent: what the out-of-scope threshold compares.
    pub fn score(&self) -> f32 {
        self.ranked.first().map_or(0.0, |top| top.probability)
    }
}

/// What training measured on its held-out predictions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldOutSummary {
    /// Held-out predictions (in-scope and out-of-scope examples).
    pub predictions: usize,
    /// Of them, out-of-scope examples.
    pub out_of_scope: usize,
    /// Share of in-scope held-out examples whose top intent was right (before the threshold).
    pub accuracy: f32,
}

/// A trained intent classifier. Serialisable: store it, load it, predict with the same encoder
/// it was trained with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IntentClassifier {
    /// In-scope intents; class `labels.len()` is out of scope when `has_oos_class`.
    labels: Vec<String>,
    has_oos_class: bool,
    featuriser: Featuriser,
    linear: Linear,
    calibrator: Calibrator,
    /// Messages whose score is below this are out of scope.
    threshold: f32,
    held_out: HeldOutSummary,
    config: IntentConfig,
}

impl IntentClassifier {
    /// Embeds the training set with `embedder` (in batches) and trains on it.
    pub fn train(
        set: &TrainingSet,
        embedder: &dyn Embedder,
        config: &IntentConfig,
    ) -> Result<Self, IntentError> {
        let texts = validate(set, config)?;
        let vectors = embed_checked(embedder, &texts)?;
        Self::train_embedded(set, &vectors, config)
    }

    /// Trains on a training set whose texts are already embedded: `vectors` holds one vector
    /// per example, then one per out-of-scope text, in order.
    pub fn train_embedded(
        set: &TrainingSet,
        vectors: &[Vec<f32>],
        config: &IntentConfig,
    ) -> Result<Self, IntentError> {
        let texts = validate(set, config)?;
        check_vectors(vectors, texts.len())?;
        let (labels, classes) = class_indices(set);
        let has_oos_class = !set.out_of_scope.is_empty();
        let n_classes = labels.len() + usize::from(has_oos_class);
        let data = Data {
            texts: &texts,
            vectors,
            classes: &classes,
            n_classes,
            oos_class: has_oos_class.then_some(labels.len()),
        };
        let (final_model, held_out) = rayon::join(
            || Model::fit(&data, None, config),
            || held_out_predictions(&data, config),
        );
        let scores: Vec<f32> = held_out.iter().map(|p| p.score).collect();
        let right: Vec<bool> = held_out.iter().map(|p| p.right).collect();
        let calibrator = Calibrator::fit(config.calibration, &scores, &right);
        let threshold = threshold::for_handoff_budget(&held_out, config.max_handoff);
        let in_scope: Vec<&HeldOut> = held_out.iter().filter(|p| !p.out_of_scope).collect();
        let held_out = HeldOutSummary {
            predictions: held_out.len(),
            out_of_scope: held_out.len() - in_scope.len(),
            accuracy: in_scope.iter().filter(|p| p.right).count() as f32
                / in_scope.len().max(1) as f32,
        };
        Ok(IntentClassifier {
            labels,
            has_oos_class,
            featuriser: final_model.featuriser,
            linear: final_model.linear,
            calibrator,
            threshold,
            held_out,
            config: config.clone(),
        })
    }

    /// Classifies one message.
    pub fn predict(&self, embedder: &dyn Embedder, text: &str) -> Result<Prediction, IntentError> {
        Ok(self.predict_many(embedder, &[text])?.remove(0))
    }

    /// Classifies messages, embedding them in batches.
    pub fn predict_many(
        &self,
        embedder: &dyn Embedder,
        texts: &[&str],
    ) -> Result<Vec<Prediction>, IntentError> {
        if let Some(i) = texts.iter().position(|t| t.trim().is_empty()) {
            let what = if texts.len() == 1 {
                "the message".into()
            } else {
                format!("message {i}")
            };
            return Err(IntentError::EmptyText { what });
        }
        let vectors = embed_checked(embedder, texts)?;
        texts
            .iter()
            .zip(&vectors)
            .map(|(text, vector)| self.predict_embedded(text, vector))
            .collect()
    }

    /// Classifies a message already embedded.
    pub fn predict_embedded(&self, text: &str, vector: &[f32]) -> Result<Prediction, IntentError> {
        if vector.len() != self.featuriser.embedding_dim() {
            return Err(IntentError::BadEmbedding {
                expected: format!("a vector of length {}", self.featuriser.embedding_dim()),
                got: format!("one of length {}", vector.len()),
            });
        }
        let probabilities = self
            .linear
            .probabilities(&self.featuriser.row(text, vector));
        let mut ranked: Vec<(usize, f32)> = probabilities[..self.labels.len()]
            .iter()
            .copied()
            .enumerate()
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(RANKED);
        let score = ranked.first().map_or(0.0, |r| r.1);
        Ok(Prediction {
            ranked: ranked
                .into_iter()
                .map(|(i, probability)| ScoredIntent {
                    label: self.labels[i].clone(),
                    probability,
                })
                .collect(),
            confidence: self.calibrator.probability(score),
            out_of_scope: score < self.threshold,
        })
    }

    /// The intents it knows, sorted.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Whether out-of-scope examples were part of training.
    pub fn has_oos_class(&self) -> bool {
        self.has_oos_class
    }

    /// The score ([`Prediction::score`]) below which a message is out of scope.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// Moves the out-of-scope line (e.g. to the score whose calibrated confidence an
    /// administrator chose).
    pub fn set_threshold(&mut self, threshold: f32) {
        self.threshold = threshold;
    }

    /// The calibration fitted on held-out predictions.
    pub fn calibrator(&self) -> &Calibrator {
        &self.calibrator
    }

    /// What training measured on held-out predictions.
    pub fn held_out(&self) -> &HeldOutSummary {
        &self.held_out
    }

    /// The configuration it was trained with.
    pub fn config(&self) -> &IntentConfig {
        &self.config
    }
}

/// A training set as classes and embedded texts.
struct Data<'a> {
    texts: &'a [&'a str],
    vectors: &'a [Vec<f32>],
    classes: &'a [usize],
    n_classes: usize,
    oos_class: Option<usize>,
}

/// The features and weights of one fit (the final model, or one fold's).
struct Model {
    featuriser: Featuriser,
    linear: Linear,
}

impl Model {
    /// Fits on every example, or on those whose `fold_of` differs from `fold`.
    fn fit(data: &Data, fold: Option<(&[usize], usize)>, config: &IntentConfig) -> Self {
        let keep: Vec<usize> = (0..data.texts.len())
            .filter(|&i| fold.is_none_or(|(fold_of, f)| fold_of[i] != f))
            .collect();
        let texts: Vec<&str> = keep.iter().map(|&i| data.texts[i]).collect();
        let vectors: Vec<Vec<f32>> = keep.iter().map(|&i| data.vectors[i].clone()).collect();
        let classes: Vec<usize> = keep.iter().map(|&i| data.classes[i]).collect();
        let featuriser = Featuriser::fit(&texts, &vectors, &config.features);
        let rows: Vec<_> = texts
            .iter()
            .zip(&vectors)
            .map(|(t, v)| featuriser.row(t, v))
            .collect();
        let seed = config.seed ^ fold.map_or(0, |(_, f)| f as u64 + 1);
        let linear = Linear::train(
            &rows,
            &classes,
            data.n_classes,
            featuriser.sparse_dim(),
            &config.train,
            seed,
        );
        Model { featuriser, linear }
    }

    /// Top in-scope class and its probability.
    fn top_in_scope(&self, text: &str, vector: &[f32], oos_class: Option<usize>) -> (usize, f32) {
        let probabilities = self
            .linear
            .probabilities(&self.featuriser.row(text, vector));
        probabilities
            .iter()
            .copied()
            .enumerate()
            .filter(|&(c, _)| Some(c) != oos_class)
            .fold((0, f32::NEG_INFINITY), |best, (c, p)| {
                if p > best.1 { (c, p) } else { best }
            })
    }
}

/// Predictions on held-out folds, each by a model fitted without that fold; the folds run in
/// parallel.
fn held_out_predictions(data: &Data, config: &IntentConfig) -> Vec<HeldOut> {
    let fold_of = folds::stratified(data.classes, config.folds, config.seed);
    let mut used = Vec::new();
    let mut gathered = 0;
    for f in 0..config.folds {
        if gathered >= config.held_out_target {
            break;
        }
        used.push(f);
        gathered += fold_of.iter().filter(|&&g| g == f).count();
    }
    let per_fold: Vec<Vec<HeldOut>> = used
        .par_iter()
        .map(|&f| {
            let model = Model::fit(data, Some((&fold_of, f)), config);
            (0..data.texts.len())
                .filter(|&i| fold_of[i] == f)
                .map(|i| {
                    let (top, score) =
                        model.top_in_scope(data.texts[i], &data.vectors[i], data.oos_class);
                    let out_of_scope = Some(data.classes[i]) == data.oos_class;
                    HeldOut {
                        score,
                        right: !out_of_scope && top == data.classes[i],
                        out_of_scope,
                    }
                })
                .collect()
        })
        .collect();
    per_fold.concat()
}

/// Sorted intent names, and each example's class index (out-of-scope texts last, as the class
/// after the intents).
fn class_indices(set: &TrainingSet) -> (Vec<String>, Vec<usize>) {
    let index: BTreeMap<&str, usize> = set
        .examples
        .iter()
        .map(|e| e.label.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .enumerate()
        .map(|(i, l)| (l, i))
        .collect();
    let oos = index.len();
    let classes = set
        .examples
        .iter()
        .map(|e| index[e.label.as_str()])
        .chain(set.out_of_scope.iter().map(|_| oos))
        .collect();
    (index.into_keys().map(str::to_owned).collect(), classes)
}

/// Checks the training set and configuration; returns every text to embed, in order.
fn validate<'a>(set: &'a TrainingSet, config: &IntentConfig) -> Result<Vec<&'a str>, IntentError> {
    if config.folds < 2 || config.train.batch == 0 {
        return Err(IntentError::Config(
            "folds must be at least 2 and batch at least 1".into(),
        ));
    }
    let first = set.examples.first().ok_or(IntentError::NoExamples)?;
    if set.examples.iter().all(|e| e.label == first.label) {
        return Err(IntentError::OneIntent(first.label.clone()));
    }
    for (i, e) in set.examples.iter().enumerate() {
        if e.label.trim().is_empty() {
            return Err(IntentError::EmptyLabel { index: i });
        }
        if e.text.trim().is_empty() {
            let what = format!("training example {i} (intent '{}')", e.label);
            return Err(IntentError::EmptyText { what });
        }
    }
    if let Some(i) = set.out_of_scope.iter().position(|t| t.trim().is_empty()) {
        let what = format!("out-of-scope example {i}");
        return Err(IntentError::EmptyText { what });
    }
    Ok(set
        .examples
        .iter()
        .map(|e| e.text.as_str())
        .chain(set.out_of_scope.iter().map(String::as_str))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hashed bag of words: texts sharing words get close vectors, with no model needed.
    struct BagOfWords;

    impl Embedder for BagOfWords {
        fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, IntentError> {
            Ok(texts
                .iter()
                .map(|t| {
                    let mut v = vec![0.01f32; 64];
                    for word in t.split_whitespace() {
                        let h = word
                            .bytes()
                            .fold(7u64, |h, b| h.wrapping_mul(31) ^ u64::from(b));
                        v[(h % 64) as usize] += 1.0;
                    }
                    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                    v.iter().map(|x| x / norm).collect()
                })
                .collect())
        }
    }

    fn set(examples: &[(&str, &str)], out_of_scope: &[&str]) -> TrainingSet {
        TrainingSet {
            examples: examples
                .iter()
                .map(|(text, label)| Example {
                    text: (*text).into(),
                    label: (*label).into(),
                })
                .collect(),
            out_of_scope: out_of_scope.iter().map(|t| (*t).into()).collect(),
        }
    }

    fn small_set() -> TrainingSet {
        set(
            &[
                ("where is my parcel", "delivery"),
                ("my parcel has not arrived", "delivery"),
                ("when will my order be delivered", "delivery"),
                ("track my parcel please", "delivery"),
                ("I want a refund", "refund"),
                ("refund my order please", "refund"),
                ("how do I get my money back", "refund"),
                ("can I have a refund", "refund"),
                ("reset my password", "password"),
                ("I forgot my password", "password"),
                ("password does not work", "password"),
                ("change my password", "password"),
            ],
            &["what is the weather", "tell me a joke", "who won the match"],
        )
    }

    fn train(set: &TrainingSet) -> Result<IntentClassifier, IntentError> {
        IntentClassifier::train(set, &BagOfWords, &IntentConfig::default())
    }

    #[test]
    fn learns_intents_from_a_few_examples() {
        let classifier = train(&small_set()).expect("trains");
        assert_eq!(classifier.labels(), ["delivery", "password", "refund"]);
        assert!(classifier.has_oos_class());
        let p = classifier
            .predict(&BagOfWords, "my parcel is late")
            .expect("predicts");
        assert_eq!(p.ranked[0].label, "delivery", "{p:?}");
        assert_eq!(p.ranked.len(), 3);
        assert!(
            p.ranked
                .windows(2)
                .all(|w| w[0].probability >= w[1].probability)
        );
        assert!((0.0..=1.0).contains(&p.confidence));
        assert_eq!(classifier.held_out().predictions, 15);
        assert_eq!(classifier.held_out().out_of_scope, 3);
    }

    #[test]
    fn a_stored_model_predicts_the_same() {
        let classifier = train(&small_set()).expect("trains");
        let json = serde_json::to_string(&classifier).expect("serialises");
        let loaded: IntentClassifier = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(
            json,
            serde_json::to_string(&loaded).expect("serialises again")
        );
        for text in ["refund please", "what is the weather", "password"] {
            assert_eq!(
                classifier.predict(&BagOfWords, text).expect("predicts"),
                loaded.predict(&BagOfWords, text).expect("predicts")
            );
        }
    }

    #[test]
    fn training_is_deterministic() {
        let a = serde_json::to_string(&train(&small_set()).expect("trains")).expect("json");
        let b = serde_json::to_string(&train(&small_set()).expect("trains")).expect("json");
        assert_eq!(a, b);
    }

    #[test]
    fn bad_input_is_refused_with_a_reason() {
        assert!(matches!(
            train(&TrainingSet::default()),
            Err(IntentError::NoExamples)
        ));
        let one = set(&[("a", "x"), ("b", "x")], &["c"]);
        assert!(matches!(train(&one), Err(IntentError::OneIntent(l)) if l == "x"));
        let empty_text = set(&[("a", "x"), ("  ", "y")], &[]);
        let err = train(&empty_text).expect_err("empty text");
        assert_eq!(err.to_string(), "training example 1 (intent 'y') is empty");
        let empty_label = set(&[("a", "x"), ("b", "")], &[]);
        assert!(matches!(
            train(&empty_label),
            Err(IntentError::EmptyLabel { index: 1 })
        ));
        let empty_oos = set(&[("a", "x"), ("b", "y")], &[""]);
        assert!(matches!(
            train(&empty_oos),
            Err(IntentError::EmptyText { .. })
        ));
        let classifier = train(&small_set()).expect("trains");
        let err = classifier
            .predict(&BagOfWords, " ")
            .expect_err("empty message");
        assert_eq!(err.to_string(), "the message is empty");
        let err = classifier
            .predict_embedded("hello", &[0.5; 3])
            .expect_err("wrong length");
        assert!(matches!(err, IntentError::BadEmbedding { .. }));
    }

    #[test]
    fn the_threshold_hands_off_at_most_the_budget() {
        let mut examples = small_set();
        examples.out_of_scope.clear();
        let config = IntentConfig {
            max_handoff: 0.25,
            ..IntentConfig::default()
        };
        let classifier = IntentClassifier::train(&examples, &BagOfWords, &config).expect("trains");
        assert!(!classifier.has_oos_class());
        let answered = examples
            .examples
            .iter()
            .filter(|e| {
                let p = classifier.predict(&BagOfWords, &e.text).expect("predicts");
                p.intent() == Some(e.label.as_str())
            })
            .count();
        assert!(classifier.threshold() > 0.0);
        assert!(answered >= 9, "{answered} of 12 training examples answered");
    }
}
