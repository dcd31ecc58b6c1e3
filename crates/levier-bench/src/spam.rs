//! `levier bench spam`: the triage spam filter ([`levier_triage::SpamFilter`], trained exactly as
//! the product trains it) by stratified k-fold cross-validation on Enron-Spam's layout: a
//! tar.gz with one plain-text mail per file under `…/ham/` and `…/spam/`, each starting with a
//! `Subject:` line. Each file becomes an RFC 5322 message (its subject line as the header, the
//! rest as the body) and goes through [`levier_triage::parse_mail`], the product's parser.
//!
//! The threshold and the calibration are chosen by the filter on out-of-fold predictions of
//! its training folds; the test fold is only ever predicted. The same mails, written one after
//! another into an mbox until it reaches [`MBOX_TARGET_BYTES`], measure mailbox parsing speed.
//!
//! Measured on enron1 (5,172 mails: 3,672 ham, 1,500 spam; 5 folds, seed 42), release build
//! on 2 cores shared with other builds; each row changes the one before it (scikit-learn on the
//! same set: multinomial naive Bayes 0.979, linear SVM 0.986):
//!
//! | features, training, threshold                           | accuracy   | false-positive rate | recall |
//! |---------------------------------------------------------|------------|---------------------|--------|
//! | word uni+bigrams, NB-weighted, false positive costs 5   | 0.9814     | 0.38 %              | 0.945  |
//! | + character 3–5-grams, not NB-weighted                  | 0.9874     | 0.44 %              | 0.967  |
//! | + NB weighting                                          | 0.9884     | 0.41 %              | 0.970  |
//! | false positive costs 3, 3 inner folds                   | 0.9892     | 0.46 %              | 0.974  |
//! | subject weight 1 instead of 0.5                         | 0.9894     | 0.60 %              | 0.978  |
//! | subject 0.5, L2 1e-7, 16 epochs                         | 0.9898     | 0.49 %              | 0.977  |
//! | **L2 0, 24 epochs** (the default until issue 8)         | **0.9898** | **0.46 %**          | 0.976  |
//! | + counts of `!`, `$`, `%` as facts                      | 0.9894     | 0.60 %              | 0.978  |
//! | 500,000 terms instead of 200,000                        | 0.9896     | 0.46 %              | 0.975  |
//!
//! Speed of that default (the same run, machine otherwise idle): training 9.7 s per fold (the
//! inner out-of-fold models included), 6,225 mails classified per second on 2 threads (3,000
//! on one), 136 MB/s of mbox parsed into mails on one thread.
//!
//! The threshold is where most of the trade lives: the same model ranks mails alike, and the
//! cost of a false positive moves hams marked spam against spams missed.
//!
//! How much one measurement moves: the same filter on the same mails read in another order
//! (sorted by file name instead of the archive's order, so other folds) scores 0.9874 (16
//! hams marked spam, 49 spams missed) instead of 0.9898 — a spread of a dozen mails, more
//! than what separates the rows above. A linear SVM (dual coordinate descent, NB-weighted
//! features) averaged with the logistic regression on calibrated log-odds did not help:
//! 0.9880 with 26 hams marked spam (0.71 %) and 36 spams missed in the archive's order,
//! 0.9874 (20 and 45) in the other, for 64 s of training per fold instead of 47 — so the
//! logistic regression alone stays the default (`SpamConfig::learner`).
//!
//! Tried after (issue 8; same 5 folds, errors as hams marked spam / spams missed, the default
//! 17 / 36, `missed + 3 × hams marked` = 87; 2 cores shared with other builds, so the speeds
//! in these runs were 2,100–2,400 mails/s and 19–25 s of training per fold), none kept:
//!
//! | change                                                       | accuracy | FPR    | errors  |
//! |--------------------------------------------------------------|----------|--------|---------|
//! | body's shape as a third TF-IDF (below), weight 0.5           | 0.9880   | 0.54 % | 20 / 42 |
//! | the same, weight 0.2                                         | 0.9903   | 0.52 % | 19 / 31 |
//! | the same, weight 0.1                                         | 0.9898   | 0.57 % | 21 / 32 |
//! | weight 0.2, 5 inner folds instead of 3                       | 0.9894   | 0.46 % | 17 / 38 |
//! | naive Bayes averaged with the regression (calibrated)        | 0.9838   | 0.76 % | 28 / 56 |
//! | the 3 inner-fold models averaged instead of one on all mails | 0.9878   | 0.49 % | 18 / 45 |
//!
//! The shape: each symbol (`!`, `$`, `%`…) a token, each number its length, each word mixing
//! letters and digits one token, as words and word pairs. Naive Bayes: the sum of a row's
//! log-count-ratio-weighted features, Platt-calibrated on the inner folds like the SVM.
//!
//! The best row (shape at 0.2) gains 3 errors but loses 2 more hams, which costs as much
//! under the filter's own objective (88 against 87), and sits inside the spread of a dozen
//! mails that the folds' order alone gives; choosing its weight on these test folds would be
//! tuning on them. `per_fold` in the report shows where the errors fall (that default: 3/7,
//! 5/5, 2/4, 4/7, 3/13).
//!
//! Second round (issue 8), each variant chosen on the training folds only: the filter's own
//! objective (`missed + 3 × hams marked`) on its inner out-of-fold predictions, summed over
//! the 5 outer folds' training sets ("inner" below), the test folds only reported. Debug
//! build (levier-intent at opt-level 3), 2 cores shared with other builds, `--no-mbox`:
//!
//! | change (from the default of the time unless said)              | inner | accuracy | errors  |
//! |----------------------------------------------------------------|-------|----------|---------|
//! | none (17 / 36)                                                 | 482   | 0.9898   | 17 / 36 |
//! | digits mapped to `0` before both TF-IDFs                       | 533   | 0.9876   | 24 / 40 |
//! | body character 2–6-grams instead of 3–5                        | 496   | 0.9894   | 22 / 33 |
//! | 20,000 body characters instead of 6,000                        | 475   | 0.9898   | 17 / 36 |
//! | 48 epochs instead of 24                                        | 492   | 0.9888   | 21 / 37 |
//! | 12 epochs                                                      | 475   | 0.9896   | 17 / 37 |
//! | SVM and logistic regression (`SpamLearner::Both`)              | 520   | 0.9880   | 26 / 36 |
//! | subject character 3–5-grams, subject weight 0.5                | 403   | 0.9905   | 18 / 31 |
//! | the same, subject weight 0.35                                  | 452   | 0.9890   | 19 / 38 |
//! | **the same, subject weight 0.7** (the default)                 | 397   | **0.9907** | 17 / 31 |
//! | the same, subject weight 1                                     | 398   | 0.9880   | 19 / 43 |
//! | subject 3–5-grams at 0.5, 50,000 subject terms                 | 416   | 0.9905   | 17 / 32 |
//! | subject 2–5-grams at 0.5                                       | 423   | 0.9892   | 19 / 37 |
//! | subject 3–5-grams at 0.5, SVM and logistic regression          | 481   | 0.9870   | 18 / 49 |
//! | subject 3–5-grams at 0.5, false positive costs 4               | —     | 0.9907   | 17 / 31 |
//!
//! (With cost 4 the inner objective is another sum; at cost 3 its 69 / 201 would be 408.)
//! The character n-grams of the subject are the one change the inner folds clearly prefer
//! (a sixth fewer inner errors, in every variant that has them): many missed spams had an
//! innocuous body and a subject in broken words (`inoencnt neigbhour teen gteting`, `he rbv
//! i agr a`) that no whole word of the vocabulary matched. The subject's weight is flat from
//! 0.5 to 1 on the inner folds (403, 397, 398) while the test folds move by 14 errors
//! between 0.7 and 1 — the noise of a single 5-fold measurement; 0.99 needs at most 51
//! errors, and the default's 48 is inside that noise. With other folds (`--seed 7`) the old
//! default made 20 / 43 errors (0.9878, inner 434) and this one 19 / 33 (0.9899, 0.52 %,
//! inner 401): the gain holds, but there the target is missed by a mail on each side (52
//! errors where 0.99 allows 51, 19 hams marked spam where 0.5 % allows 18). The same default
//! run with the mbox (`--folds 5 --json`, no other flag) made the same 17 / 31 errors.
//! The subject's n-grams cost about 60 more terms per mail to look up (against some 1,880 of
//! the body's: +3 % of the per-mail work). `per_fold` of the default: 3/5, 4/4, 4/5, 3/9, 3/8.

use crate::BenchError;
use levier_triage::{Mail, MailLimits, SpamConfig, SpamFilter, parse_mail, read_mailbox};
use rayon::prelude::*;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Size of the synthetic mailbox whose parsing speed is measured.
pub const MBOX_TARGET_BYTES: usize = 100_000_000;

/// What to measure.
#[derive(Debug, Clone)]
pub struct SpamOptions {
    /// The tar.gz of `ham/` and `spam/` files.
    pub dataset: PathBuf,
    /// Folds of the cross-validation.
    pub folds: usize,
    /// Seed of the folds (and of training).
    pub seed: u64,
    /// Also time parsing of a synthetic mbox of about [`MBOX_TARGET_BYTES`].
    pub mbox: bool,
}

/// What a spam benchmark measured.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SpamReport {
    /// The data set file.
    pub dataset: String,
    /// Mails read.
    pub mails: usize,
    /// Of which spam.
    pub spam: usize,
    /// Folds.
    pub folds: usize,
    /// Share of mails judged right.
    pub accuracy: f64,
    /// Share of mails judged spam that are.
    pub precision: f64,
    /// Share of spams caught.
    pub recall: f64,
    /// Share of hams judged spam: the costly error.
    pub false_positive_rate: f64,
    /// Hams judged spam.
    pub false_positives: usize,
    /// Spams let through.
    pub false_negatives: usize,
    /// Mean seconds to train on the other folds (out-of-fold threshold selection included).
    pub train_seconds: f64,
    /// Mails classified per second from parsed mails, on every core.
    pub mails_per_second: f64,
    /// The same on one thread.
    pub mails_per_second_one_thread: f64,
    /// Threads of the parallel measurement.
    pub threads: usize,
    /// Mails per second parsed from their raw bytes (one thread).
    pub parse_mails_per_second: f64,
    /// Megabytes per second of mbox parsed into mails (one thread), when measured.
    pub mbox_mb_per_second: Option<f64>,
    /// Size of that mbox in bytes.
    pub mbox_bytes: Option<usize>,
    /// Each fold's errors: how far the total owes to one fold.
    pub per_fold: Vec<FoldReport>,
}

/// One test fold's errors and the threshold its filter chose.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FoldReport {
    /// Mails of the fold.
    pub mails: usize,
    /// Hams judged spam.
    pub false_positives: usize,
    /// Spams let through.
    pub false_negatives: usize,
    /// The filter's threshold, chosen on its training folds.
    pub threshold: f32,
    /// Seconds to train it.
    pub train_seconds: f64,
}

/// A labelled raw message.
struct Sample {
    raw: Vec<u8>,
    spam: bool,
}

/// Runs the benchmark.
pub fn run(options: &SpamOptions) -> Result<SpamReport, BenchError> {
    if options.folds < 2 {
        return Err(malformed(
            &options.dataset,
            "--folds must be at least 2".into(),
        ));
    }
    let samples = read_dataset(&options.dataset)?;
    let limits = MailLimits::default();
    let started = Instant::now();
    let mails = samples
        .iter()
        .enumerate()
        .map(|(i, s)| parse_mail(&format!("mail {i}"), &s.raw, &limits))
        .collect::<Result<Vec<Mail>, _>>()
        .map_err(BenchError::Triage)?;
    let parse_seconds = started.elapsed().as_secs_f64();
    let labels: Vec<bool> = samples.iter().map(|s| s.spam).collect();
    let outcome = cross_validate(&mails, &labels, options)?;
    let mbox = options
        .mbox
        .then(|| {
            let raws: Vec<&[u8]> = samples.iter().map(|s| s.raw.as_slice()).collect();
            mbox_speed(&raws, &limits)
        })
        .transpose()?;
    Ok(report(options, &labels, &outcome, parse_seconds, mbox))
}

/// Confusion counts and timings of the folds.
#[derive(Debug, Default)]
struct Outcome {
    true_positives: usize,
    false_positives: usize,
    false_negatives: usize,
    true_negatives: usize,
    train_seconds: f64,
    classify_seconds: f64,
    classify_seconds_one_thread: f64,
    folds: Vec<FoldReport>,
}

fn cross_validate(
    mails: &[Mail],
    labels: &[bool],
    options: &SpamOptions,
) -> Result<Outcome, BenchError> {
    let classes: Vec<usize> = labels.iter().map(|&s| usize::from(s)).collect();
    let fold_of = levier_intent::stratified(&classes, options.folds, options.seed);
    let config = SpamConfig {
        seed: options.seed,
        ..SpamConfig::default()
    };
    let mut outcome = Outcome::default();
    for fold in 0..options.folds {
        let (train, test): (Vec<usize>, Vec<usize>) =
            (0..mails.len()).partition(|&i| fold_of[i] != fold);
        let train_mails: Vec<&Mail> = train.iter().map(|&i| &mails[i]).collect();
        let train_labels: Vec<bool> = train.iter().map(|&i| labels[i]).collect();
        let started = Instant::now();
        let filter =
            SpamFilter::train(&train_mails, &train_labels, &config).map_err(BenchError::Triage)?;
        let train_seconds = started.elapsed().as_secs_f64();
        outcome.train_seconds += train_seconds;
        let started = Instant::now();
        let verdicts: Vec<bool> = test
            .par_iter()
            .map(|&i| filter.predict(&mails[i]).spam)
            .collect();
        outcome.classify_seconds += started.elapsed().as_secs_f64();
        let started = Instant::now();
        test.iter().for_each(|&i| {
            std::hint::black_box(filter.predict(&mails[i]));
        });
        outcome.classify_seconds_one_thread += started.elapsed().as_secs_f64();
        let (before_fp, before_fn) = (outcome.false_positives, outcome.false_negatives);
        for (&i, &spam) in test.iter().zip(&verdicts) {
            match (labels[i], spam) {
                (true, true) => outcome.true_positives += 1,
                (false, true) => outcome.false_positives += 1,
                (true, false) => outcome.false_negatives += 1,
                (false, false) => outcome.true_negatives += 1,
            }
        }
        outcome.folds.push(FoldReport {
            mails: test.len(),
            false_positives: outcome.false_positives - before_fp,
            false_negatives: outcome.false_negatives - before_fn,
            threshold: filter.threshold(),
            train_seconds,
        });
        tracing::info!(fold, threshold = filter.threshold(), "fold done");
    }
    Ok(outcome)
}

fn report(
    options: &SpamOptions,
    labels: &[bool],
    o: &Outcome,
    parse_seconds: f64,
    mbox: Option<(usize, f64)>,
) -> SpamReport {
    let n = labels.len();
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    SpamReport {
        dataset: options.dataset.display().to_string(),
        mails: n,
        spam: labels.iter().filter(|&&s| s).count(),
        folds: options.folds,
        accuracy: ratio(o.true_positives + o.true_negatives, n),
        precision: ratio(o.true_positives, o.true_positives + o.false_positives),
        recall: ratio(o.true_positives, o.true_positives + o.false_negatives),
        false_positive_rate: ratio(o.false_positives, o.false_positives + o.true_negatives),
        false_positives: o.false_positives,
        false_negatives: o.false_negatives,
        train_seconds: o.train_seconds / options.folds as f64,
        mails_per_second: n as f64 / o.classify_seconds,
        mails_per_second_one_thread: n as f64 / o.classify_seconds_one_thread,
        threads: rayon::current_num_threads(),
        parse_mails_per_second: n as f64 / parse_seconds,
        mbox_mb_per_second: mbox.map(|(bytes, seconds)| bytes as f64 / 1e6 / seconds),
        mbox_bytes: mbox.map(|(bytes, _)| bytes),
        per_fold: o.folds.clone(),
    }
}

/// Every `ham/` and `spam/` file of the archive, as an RFC 5322 message.
fn read_dataset(path: &Path) -> Result<Vec<Sample>, BenchError> {
    let io = |source| BenchError::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut samples = Vec::new();
    for entry in archive.entries().map_err(io)? {
        let mut entry = entry.map_err(io)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry.path().map_err(io)?.to_string_lossy().into_owned();
        let spam = match name.rsplit('/').nth(1) {
            Some("spam") => true,
            Some("ham") => false,
            _ => continue,
        };
        let mut text = Vec::new();
        entry.read_to_end(&mut text).map_err(io)?;
        samples.push(Sample {
            raw: as_message(&text),
            spam,
        });
    }
    if samples.iter().all(|s| s.spam) || samples.iter().all(|s| !s.spam) {
        return Err(malformed(
            path,
            "the archive needs files under both ham/ and spam/".into(),
        ));
    }
    Ok(samples)
}

/// `Subject: …` then the body: the subject line becomes the header, a blank line separates it
/// from the body. A file without a subject line is all body.
fn as_message(text: &[u8]) -> Vec<u8> {
    let (first, rest) = match text.iter().position(|&b| b == b'\n') {
        Some(at) => (&text[..at], &text[at + 1..]),
        None => (text, &[][..]),
    };
    let mut raw = Vec::with_capacity(text.len() + 4);
    if first.starts_with(b"Subject:") {
        raw.extend_from_slice(first.trim_ascii_end());
        raw.extend_from_slice(b"\r\n\r\n");
        raw.extend_from_slice(rest);
    } else {
        raw.extend_from_slice(b"Subject: \r\n\r\n");
        raw.extend_from_slice(text);
    }
    raw
}

/// Parses an mbox of `messages` repeated to [`MBOX_TARGET_BYTES`]: its size and the seconds
/// it took (one thread, mails dropped as they come). Shared by the spam and triage benches.
pub(crate) fn mbox_speed(
    messages: &[&[u8]],
    limits: &MailLimits,
) -> Result<(usize, f64), BenchError> {
    let mut mbox = Vec::with_capacity(MBOX_TARGET_BYTES + 1_000_000);
    while !messages.is_empty() && mbox.len() < MBOX_TARGET_BYTES {
        for raw in messages {
            mbox.extend_from_slice(b"From sender@example.com Mon Jan  1 00:00:00 2001\n");
            for line in raw.split_inclusive(|&b| b == b'\n') {
                if line.starts_with(b"From ") {
                    mbox.push(b'>');
                }
                mbox.extend_from_slice(line);
            }
            mbox.extend_from_slice(b"\n\n");
        }
    }
    let started = Instant::now();
    let mut failed = 0usize;
    for entry in read_mailbox("synthetic.mbox", &mbox, limits).map_err(BenchError::Triage)? {
        failed += usize::from(entry.mail.is_err());
    }
    let seconds = started.elapsed().as_secs_f64();
    if failed > 0 {
        tracing::warn!(failed, "mails of the synthetic mbox could not be parsed");
    }
    Ok((mbox.len(), seconds))
}

fn malformed(path: &Path, reason: String) -> BenchError {
    BenchError::Malformed {
        path: path.to_owned(),
        line: 0,
        reason,
    }
}
