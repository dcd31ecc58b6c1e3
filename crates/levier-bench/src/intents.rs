//! `levier bench intents`: intent accuracy and out-of-scope detection of the support
//! assistant's classifier ([`levier_intent::IntentClassifier`], trained exactly as the assistant
//! trains it) on a labelled set: CLINC150's `data_full.json` or a CSV of texts and labels.
//!
//! The out-of-scope threshold is whatever training chose on held-out parts of the training
//! data; the evaluation examples are only ever predicted.

use crate::BenchError;
use crate::metrics::percentile;
use crate::retrieval::Latency;
use crate::vector_cache::VectorCache;
use levier_intent::{Embedder, Example, IntentClassifier, IntentConfig, IntentError, TrainingSet};
use levier_ml::SentenceEncoder;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

/// Seed of the `--holdout` split.
const HOLDOUT_SEED: u64 = 7;
/// Texts embedded between two writes to the vectors cache, so an interrupted run keeps most.
const CACHE_CHUNK: usize = 1024;
/// Bins of the expected calibration error.
const CALIBRATION_BINS: usize = 10;

/// The layout of the data files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntentFormat {
    /// CLINC150's `data_full.json`: lists of `[text, intent]` under `train`, `oos_train`, and
    /// SPLIT / `oos_SPLIT` for evaluation.
    Clinc,
    /// A CSV with a header: the text column (`text`, `utterance`, else the first) and the label
    /// column (`label`, `category`, `intent`, else the second). No out-of-scope examples.
    Csv,
}

/// What to measure.
#[derive(Debug, Clone)]
pub struct IntentOptions {
    /// The training file.
    pub train: PathBuf,
    /// The evaluation file (`None` with `holdout`: the held-out part of `train`).
    pub eval: Option<PathBuf>,
    /// The layout of both files.
    pub format: IntentFormat,
    /// The evaluation split of a CLINC file (`val`, `test`…).
    pub split: String,
    /// Evaluate on this share of `train` (stratified, seeded) and train on the rest.
    pub holdout: Option<f64>,
    /// The embedding model's directory.
    pub model: PathBuf,
    /// Where query vectors are kept between runs (development only: train_seconds and
    /// predict_ms_p50 then measure the cache, not the encoder).
    pub vectors_cache: Option<PathBuf>,
}

/// What an intent benchmark measured.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IntentReport {
    /// The training file.
    pub train: String,
    /// What was evaluated: the evaluation file and split, or the held-out share of `train`.
    pub eval: String,
    /// In-scope training examples.
    pub train_examples: usize,
    /// Out-of-scope training examples.
    pub train_oos: usize,
    /// Intents.
    pub intents: usize,
    /// In-scope evaluation examples.
    pub eval_examples: usize,
    /// Out-of-scope evaluation examples.
    pub eval_oos: usize,
    /// Share of evaluation messages answered right: the right intent, or out of scope for an
    /// out-of-scope message. Without out-of-scope training examples there is no out-of-scope
    /// class to predict and this is the top intent's accuracy.
    pub accuracy: f64,
    /// Share of in-scope messages given the right intent and not sent out of scope (without
    /// out-of-scope training examples: the top intent's accuracy, as `accuracy`).
    pub in_scope_accuracy: f64,
    /// Share of in-scope messages whose top intent is right, whatever the threshold.
    pub top1_accuracy: f64,
    /// Share of in-scope messages sent out of scope (handed to a person).
    pub handoff_rate: f64,
    /// Share of out-of-scope messages sent out of scope (null without any).
    pub oos_recall: Option<f64>,
    /// Share of messages sent out of scope that were (null without any).
    pub oos_precision: Option<f64>,
    /// Area under the ROC curve of the out-of-scope score (1 − top probability; null without
    /// any out-of-scope message).
    pub oos_auroc: Option<f64>,
    /// Expected calibration error of the confidence (10 equal-width bins, all messages).
    pub calibration_ece: f64,
    /// The out-of-scope threshold training chose (on the model's probability of its top intent).
    pub threshold: f32,
    /// The hand-off budget it was chosen for: the share of held-out right answers it may send
    /// out of scope.
    pub max_handoff: f32,
    /// Held-out predictions training calibrated on.
    pub held_out_predictions: usize,
    /// Seconds to train, embedding the training texts included (loading the model excluded).
    pub train_seconds: f64,
    /// Of which, embedding.
    pub embed_seconds: f64,
    /// Seconds to load the model.
    pub model_load_seconds: f64,
    /// Time to classify one message, embedding included, in milliseconds.
    pub predict_ms: Latency,
    /// The same without embedding: the classifier's own share.
    pub classify_ms: Latency,
    /// Texts the encoder embedded (the rest came from the vectors cache).
    pub embedded_texts: usize,
    /// Whether a vectors cache was used (then the times measure the cache).
    pub vectors_cache: bool,
}

/// A labelled data set: in-scope examples and out-of-scope texts.
#[derive(Debug, Default)]
struct Labelled {
    examples: Vec<Example>,
    out_of_scope: Vec<String>,
}

/// Trains the assistant's classifier on the training data, classifies every evaluation message
/// one at a time and reports accuracy, out-of-scope detection, calibration and speed.
pub fn run(options: &IntentOptions) -> Result<IntentReport, BenchError> {
    let (train, eval, eval_name) = load(options)?;
    let started = Instant::now();
    let name = options
        .model
        .file_name()
        .map_or_else(|| "model".into(), |n| n.to_string_lossy().into_owned());
    let encoder = SentenceEncoder::load(&options.model, &name)?;
    let model_load_seconds = started.elapsed().as_secs_f64();
    let embedder = BenchEmbedder::new(encoder, options.vectors_cache.as_deref())?;
    let set = TrainingSet {
        examples: train.examples,
        out_of_scope: train.out_of_scope,
    };
    let started = Instant::now();
    let classifier =
        IntentClassifier::train(&set, &embedder, &IntentConfig::default()).map_err(intent_error)?;
    let train_seconds = started.elapsed().as_secs_f64();
    let embed_seconds = embedder.seconds();
    tracing::info!(train_seconds, embed_seconds, "classifier trained");
    let outcomes = classify(&classifier, &embedder, &eval)?;
    let scores = Scores::of(&outcomes, classifier.has_oos_class());
    Ok(IntentReport {
        train: options.train.display().to_string(),
        eval: eval_name,
        train_examples: set.examples.len(),
        train_oos: set.out_of_scope.len(),
        intents: classifier.labels().len(),
        eval_examples: eval.examples.len(),
        eval_oos: eval.out_of_scope.len(),
        accuracy: scores.accuracy,
        in_scope_accuracy: scores.in_scope_accuracy,
        top1_accuracy: scores.top1_accuracy,
        handoff_rate: scores.handoff_rate,
        oos_recall: scores.oos_recall,
        oos_precision: scores.oos_precision,
        oos_auroc: auroc(&outcomes),
        calibration_ece: expected_calibration_error(&outcomes),
        threshold: classifier.threshold(),
        max_handoff: classifier.config().max_handoff,
        held_out_predictions: classifier.held_out().predictions,
        train_seconds,
        embed_seconds,
        model_load_seconds,
        predict_ms: latency(outcomes.iter().map(|o| o.ms)),
        classify_ms: latency(outcomes.iter().map(|o| o.ms - o.embed_ms)),
        embedded_texts: embedder.embedded(),
        vectors_cache: options.vectors_cache.is_some(),
    })
}

/// How one evaluation message was classified.
struct Outcome {
    /// The message was out of scope.
    oos: bool,
    /// Its top intent was the labelled one.
    top_right: bool,
    /// It was sent out of scope.
    flagged: bool,
    /// The model's probability of its top intent.
    score: f32,
    /// The calibrated confidence.
    confidence: f32,
    /// Time to classify it, in milliseconds.
    ms: f64,
    /// Of which, embedding it.
    embed_ms: f64,
}

/// Classifies each evaluation message alone, as the assistant would, timing each.
fn classify(
    classifier: &IntentClassifier,
    embedder: &BenchEmbedder,
    eval: &Labelled,
) -> Result<Vec<Outcome>, BenchError> {
    let messages = eval
        .examples
        .iter()
        .map(|e| (e.text.as_str(), Some(e.label.as_str())))
        .chain(eval.out_of_scope.iter().map(|t| (t.as_str(), None)));
    messages
        .map(|(text, label)| {
            let (started, embedding) = (Instant::now(), embedder.seconds());
            let p = classifier.predict(embedder, text).map_err(intent_error)?;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            let embed_ms = (embedder.seconds() - embedding) * 1000.0;
            let top = p.ranked.first().map(|s| s.label.as_str());
            Ok(Outcome {
                oos: label.is_none(),
                top_right: label.is_some() && top == label,
                flagged: p.out_of_scope,
                score: p.score(),
                confidence: p.confidence,
                ms,
                embed_ms,
            })
        })
        .collect()
}

/// Percentiles of times in milliseconds.
fn latency(times: impl Iterator<Item = f64>) -> Latency {
    let mut sorted: Vec<f64> = times.collect();
    sorted.sort_by(f64::total_cmp);
    Latency {
        p50: percentile(&sorted, 50.0),
        p95: percentile(&sorted, 95.0),
        p99: percentile(&sorted, 99.0),
    }
}

/// The accuracy figures of a run.
struct Scores {
    accuracy: f64,
    in_scope_accuracy: f64,
    top1_accuracy: f64,
    handoff_rate: f64,
    oos_recall: Option<f64>,
    oos_precision: Option<f64>,
}

impl Scores {
    /// Without an out-of-scope class the classifier always answers with its top intent (its
    /// threshold only says when to hand off), so accuracy is top-1 accuracy.
    fn of(outcomes: &[Outcome], has_oos_class: bool) -> Self {
        let share = |n: usize, d: usize| (d > 0).then(|| n as f64 / d as f64);
        let count = |f: &dyn Fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
        let in_scope = count(&|o| !o.oos);
        let oos = count(&|o| o.oos);
        let top1 = count(&|o| o.top_right);
        let answered_right = count(&|o| o.top_right && !o.flagged);
        let caught = count(&|o| o.oos && o.flagged);
        let flagged = count(&|o| o.flagged);
        let top1_accuracy = share(top1, in_scope).unwrap_or(0.0);
        let (accuracy, in_scope_accuracy) = if has_oos_class {
            (
                share(answered_right + caught, outcomes.len()).unwrap_or(0.0),
                share(answered_right, in_scope).unwrap_or(0.0),
            )
        } else {
            (share(top1, outcomes.len()).unwrap_or(0.0), top1_accuracy)
        };
        Scores {
            accuracy,
            in_scope_accuracy,
            top1_accuracy,
            handoff_rate: share(flagged - caught, in_scope).unwrap_or(0.0),
            oos_recall: share(caught, oos),
            oos_precision: (oos > 0).then(|| share(caught, flagged).unwrap_or(0.0)),
        }
    }
}

/// Probability that an out-of-scope message scores lower than an in-scope one (ties count
/// half): the out-of-scope detector's quality at every threshold at once.
fn auroc(outcomes: &[Outcome]) -> Option<f64> {
    let mut ranked: Vec<(f32, bool)> = outcomes.iter().map(|o| (o.score, o.oos)).collect();
    let oos = ranked.iter().filter(|r| r.1).count() as f64;
    let in_scope = ranked.len() as f64 - oos;
    if oos == 0.0 || in_scope == 0.0 {
        return None;
    }
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Mann–Whitney: for each in-scope message, the out-of-scope ones below it (ties half).
    let (mut below, mut pairs, mut i) = (0.0, 0.0, 0);
    while i < ranked.len() {
        let j = i + ranked[i..]
            .iter()
            .take_while(|r| r.0 == ranked[i].0)
            .count();
        let tied_oos = ranked[i..j].iter().filter(|r| r.1).count() as f64;
        let tied_in = (j - i) as f64 - tied_oos;
        pairs += tied_in * (below + tied_oos / 2.0);
        below += tied_oos;
        i = j;
    }
    Some(pairs / (oos * in_scope))
}

/// Mean gap between confidence and the rate of right answers over equal-width confidence bins,
/// weighted by the bins' sizes (an out-of-scope message's answer is never right).
fn expected_calibration_error(outcomes: &[Outcome]) -> f64 {
    let mut bins = vec![(0.0f64, 0.0f64, 0usize); CALIBRATION_BINS];
    for o in outcomes {
        let b = ((o.confidence * CALIBRATION_BINS as f32) as usize).min(CALIBRATION_BINS - 1);
        bins[b].0 += f64::from(o.confidence);
        bins[b].1 += f64::from(u8::from(o.top_right));
        bins[b].2 += 1;
    }
    let total = outcomes.len().max(1) as f64;
    bins.iter()
        .map(|&(confidence, right, _)| (confidence - right).abs() / total)
        .sum()
}

/// The encoder, with the vectors cache in front of it if one is given, counting what it embeds
/// and for how long.
struct BenchEmbedder {
    encoder: SentenceEncoder,
    cache: Option<Mutex<VectorCache>>,
    /// (texts embedded by the encoder, seconds spent in `embed`).
    counters: Mutex<(usize, f64)>,
}

impl BenchEmbedder {
    fn new(encoder: SentenceEncoder, cache_dir: Option<&Path>) -> Result<Self, BenchError> {
        let cache = cache_dir
            .map(|dir| VectorCache::open(dir, &encoder.identity().weights_sha256, encoder.dim()))
            .transpose()?
            .map(Mutex::new);
        Ok(BenchEmbedder {
            encoder,
            cache,
            counters: Mutex::new((0, 0.0)),
        })
    }

    fn embedded(&self) -> usize {
        self.counters.lock().map_or(0, |c| c.0)
    }

    fn seconds(&self) -> f64 {
        self.counters.lock().map_or(0.0, |c| c.1)
    }

    /// Vectors from the cache, the missing ones embedded and added to it. Keys carry the query
    /// role, so that they never collide with `bench retrieval`'s passage vectors in a shared
    /// cache directory.
    fn embed_cached(
        &self,
        cache: &Mutex<VectorCache>,
        texts: &[&str],
    ) -> Result<Vec<Vec<f32>>, IntentError> {
        let mut cache = cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let keys: Vec<String> = texts.iter().map(|t| format!("query: {t}")).collect();
        let missing: Vec<usize> = (0..texts.len())
            .filter(|&i| cache.get(&keys[i]).is_none())
            .collect();
        if !missing.is_empty() {
            let missing_texts: Vec<&str> = missing.iter().map(|&i| texts[i]).collect();
            let fresh = Embedder::embed(&self.encoder, &missing_texts)?;
            self.count(missing.len());
            let entries: Vec<(&str, &[f32])> = missing
                .iter()
                .zip(&fresh)
                .map(|(&i, v)| (keys[i].as_str(), v.as_slice()))
                .collect();
            cache
                .insert(&entries)
                .map_err(|e| IntentError::BadEmbedding {
                    expected: "a writable vectors cache".into(),
                    got: e.to_string(),
                })?;
        }
        Ok(keys
            .iter()
            .map(|k| cache.get(k).map(<[f32]>::to_vec).unwrap_or_default())
            .collect())
    }

    fn count(&self, texts: usize) {
        if let Ok(mut c) = self.counters.lock() {
            c.0 += texts;
        }
    }
}

impl Embedder for BenchEmbedder {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, IntentError> {
        let started = Instant::now();
        let vectors = match &self.cache {
            Some(cache) => texts
                .chunks(CACHE_CHUNK)
                .map(|chunk| self.embed_cached(cache, chunk))
                .collect::<Result<Vec<_>, _>>()
                .map(|parts| parts.concat()),
            None => {
                self.count(texts.len());
                Embedder::embed(&self.encoder, texts)
            }
        };
        if let Ok(mut c) = self.counters.lock() {
            c.1 += started.elapsed().as_secs_f64();
        }
        vectors
    }
}

fn intent_error(e: IntentError) -> BenchError {
    match e {
        IntentError::Model(e) => BenchError::Model(e),
        e => BenchError::Intent(e),
    }
}

/// The training data, the evaluation data and a description of the latter.
fn load(options: &IntentOptions) -> Result<(Labelled, Labelled, String), BenchError> {
    let eval_is_train = options.eval.as_ref().is_none_or(|e| *e == options.train);
    match (options.holdout, &options.eval) {
        (Some(share), _) if eval_is_train => {
            let all = read(&options.train, options.format, "train")?;
            let (train, eval) = holdout(all, share);
            let name = format!(
                "{} (held-out {share} of train, seed {HOLDOUT_SEED})",
                options.train.display()
            );
            Ok((train, eval, name))
        }
        (Some(_), _) => Err(BenchError::Intent(IntentError::Config(
            "--holdout evaluates on part of --train: give no other --eval".into(),
        ))),
        (None, None) => Err(BenchError::Intent(IntentError::Config(
            "give --eval FILE, or --holdout SHARE to evaluate on part of --train".into(),
        ))),
        (None, Some(eval_path)) => {
            let train = read(&options.train, options.format, "train")?;
            let eval = read(eval_path, options.format, &options.split)?;
            let name = match options.format {
                IntentFormat::Clinc => format!("{} (split {})", eval_path.display(), options.split),
                IntentFormat::Csv => eval_path.display().to_string(),
            };
            Ok((train, eval, name))
        }
    }
}

/// Reads a split of a data file (`split` matters for CLINC only).
fn read(path: &Path, format: IntentFormat, split: &str) -> Result<Labelled, BenchError> {
    let bytes = std::fs::read(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => BenchError::Missing {
            path: path.to_path_buf(),
            what: "the intent data file".into(),
        },
        _ => BenchError::Io {
            path: path.to_path_buf(),
            source,
        },
    })?;
    match format {
        IntentFormat::Clinc => read_clinc(path, &bytes, split),
        IntentFormat::Csv => read_csv(path, &bytes),
    }
}

/// `split` and `oos_split` of a CLINC150 file.
fn read_clinc(path: &Path, bytes: &[u8], split: &str) -> Result<Labelled, BenchError> {
    let mut file: BTreeMap<String, Vec<(String, String)>> =
        serde_json::from_slice(bytes).map_err(|e| BenchError::Malformed {
            path: path.to_path_buf(),
            line: e.line(),
            reason: format!("{e} (a CLINC150 file maps split names to lists of [text, intent])"),
        })?;
    let examples = file.remove(split).ok_or_else(|| BenchError::Missing {
        path: path.to_path_buf(),
        what: format!(
            "split '{split}' (keys: {})",
            file.keys().cloned().collect::<Vec<_>>().join(", ")
        ),
    })?;
    Ok(Labelled {
        examples: examples
            .into_iter()
            .map(|(text, label)| Example { text, label })
            .collect(),
        out_of_scope: file
            .remove(&format!("oos_{split}"))
            .unwrap_or_default()
            .into_iter()
            .map(|(text, _)| text)
            .collect(),
    })
}

/// The rows of a labelled CSV.
fn read_csv(path: &Path, bytes: &[u8]) -> Result<Labelled, BenchError> {
    let malformed = |line: usize, reason: String| BenchError::Malformed {
        path: path.to_path_buf(),
        line,
        reason,
    };
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|e| malformed(1, e.to_string()))?
        .clone();
    let column = |names: &[&str], fallback: usize| {
        header
            .iter()
            .position(|h| names.contains(&h.trim().to_lowercase().as_str()))
            .unwrap_or(fallback)
    };
    let (text, label) = (
        column(&["text", "utterance"], 0),
        column(&["label", "category", "intent"], 1),
    );
    let mut examples = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| malformed(i + 2, e.to_string()))?;
        match (record.get(text), record.get(label)) {
            (Some(t), Some(l)) => examples.push(Example {
                text: t.into(),
                label: l.into(),
            }),
            _ => return Err(malformed(i + 2, "fewer than two columns".into())),
        }
    }
    Ok(Labelled {
        examples,
        out_of_scope: Vec::new(),
    })
}

/// Splits off `share` of each intent's examples (at least one when the intent has two or
/// more), and of the out-of-scope texts, seeded.
fn holdout(all: Labelled, share: f64) -> (Labelled, Labelled) {
    let mut rng = StdRng::seed_from_u64(HOLDOUT_SEED);
    let mut by_label: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in all.examples {
        by_label.entry(e.label).or_default().push(e.text);
    }
    let (mut train, mut eval) = (Labelled::default(), Labelled::default());
    let mut cut = |texts: &mut Vec<String>| {
        texts.shuffle(&mut rng);
        let n = ((texts.len() as f64 * share).round() as usize)
            .clamp(usize::from(texts.len() > 1), texts.len().saturating_sub(1));
        texts.split_off(texts.len() - n)
    };
    for (label, mut texts) in by_label {
        let held = cut(&mut texts);
        let example = |text| Example {
            text,
            label: label.clone(),
        };
        eval.examples.extend(held.into_iter().map(example));
        train.examples.extend(texts.into_iter().map(example));
    }
    let mut oos = all.out_of_scope;
    eval.out_of_scope = cut(&mut oos);
    train.out_of_scope = oos;
    (train, eval)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(score: f32, oos: bool) -> Outcome {
        Outcome {
            oos,
            top_right: !oos,
            flagged: score < 0.5,
            score,
            confidence: score,
            ms: 1.0,
            embed_ms: 0.5,
        }
    }

    #[test]
    fn auroc_counts_pairs_in_order_and_ties_half() {
        let separated = [
            outcome(0.1, true),
            outcome(0.2, true),
            outcome(0.8, false),
            outcome(0.9, false),
        ];
        assert_eq!(auroc(&separated), Some(1.0));
        let reversed = [outcome(0.9, true), outcome(0.1, false)];
        assert_eq!(auroc(&reversed), Some(0.0));
        let tied = [outcome(0.5, true), outcome(0.5, false), outcome(0.9, false)];
        assert_eq!(auroc(&tied), Some(0.75));
        assert_eq!(auroc(&[outcome(0.5, false)]), None);
    }

    #[test]
    fn scores_count_out_of_scope_answers_as_right_only_when_flagged() {
        let outcomes = [
            outcome(0.9, false), // answered right
            outcome(0.3, false), // right intent but handed off
            outcome(0.2, true),  // caught
            outcome(0.7, true),  // missed
        ];
        let s = Scores::of(&outcomes, true);
        assert_eq!(s.accuracy, 0.5);
        assert_eq!(s.in_scope_accuracy, 0.5);
        assert_eq!(s.top1_accuracy, 1.0);
        assert_eq!(s.handoff_rate, 0.5);
        assert_eq!(s.oos_recall, Some(0.5));
        assert_eq!(s.oos_precision, Some(0.5));
        let in_scope_only = Scores::of(&outcomes[..2], false);
        assert_eq!(in_scope_only.accuracy, 1.0);
        assert_eq!(in_scope_only.oos_recall, None);
        assert_eq!(in_scope_only.oos_precision, None);
    }

    #[test]
    fn csv_columns_are_found_by_name() {
        let csv = b"intent,utterance\ngreet,hello there\nbye,\"see you, friend\"\n";
        let set = read_csv(Path::new("x.csv"), csv).expect("reads");
        assert_eq!(
            set.examples,
            vec![
                Example {
                    text: "hello there".into(),
                    label: "greet".into()
                },
                Example {
                    text: "see you, friend".into(),
                    label: "bye".into()
                },
            ]
        );
    }

    #[test]
    fn clinc_splits_come_with_their_out_of_scope_part() {
        let json = br#"{"val": [["hi", "greet"]], "oos_val": [["weather?", "oos"]], "train": []}"#;
        let set = read_clinc(Path::new("d.json"), json, "val").expect("reads");
        assert_eq!(set.examples.len(), 1);
        assert_eq!(set.out_of_scope, vec!["weather?".to_string()]);
        let err = read_clinc(Path::new("d.json"), json, "test").expect_err("no test split");
        assert!(err.to_string().contains("split 'test'"), "{err}");
    }

    #[test]
    fn holdout_takes_a_share_of_each_intent_and_is_reproducible() {
        let all = || Labelled {
            examples: (0..50)
                .map(|i| Example {
                    text: format!("text {i}"),
                    label: format!("l{}", i % 5),
                })
                .chain([Example {
                    text: "alone".into(),
                    label: "single".into(),
                }])
                .collect(),
            out_of_scope: (0..10).map(|i| format!("oos {i}")).collect(),
        };
        let (train, eval) = holdout(all(), 0.2);
        assert_eq!(eval.examples.len(), 10);
        assert_eq!(eval.out_of_scope.len(), 2);
        assert_eq!(train.examples.len() + eval.examples.len(), 51);
        assert!(train.examples.iter().any(|e| e.text == "alone"));
        for label in ["l0", "l4"] {
            assert_eq!(eval.examples.iter().filter(|e| e.label == label).count(), 2);
        }
        let (_, again) = holdout(all(), 0.2);
        assert_eq!(eval.examples, again.examples);
    }
}
