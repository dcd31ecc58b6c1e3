//! How well a triage model would do on a company's own labelled mails, by k-fold
//! cross-validation: each mail is classified by a model trained without it (folds stratified
//! by category), so a few dozen mails give an honest estimate.

use std::collections::BTreeSet;

use rayon::prelude::*;
use serde::Serialize;

use crate::error::TriageError;
use crate::labelled::LabelledMail;
use crate::model::{TrainingMail, Triage, TriageConfig, TriageModel};

/// Precision, recall and F1 of one label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelScore {
    /// The label.
    pub label: String,
    /// Share of mails given this label that have it.
    pub precision: f64,
    /// Share of mails with this label given it.
    pub recall: f64,
    /// Their harmonic mean.
    pub f1: f64,
    /// Mails with this label.
    pub support: usize,
}

/// What cross-validation measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrossValidation {
    /// Mails in the set.
    pub mails: usize,
    /// Folds.
    pub folds: usize,
    /// Macro-averaged F1 of the category over non-spam mails, every mail given its top category
    /// (as if there were no "to review").
    pub category_macro_f1: f64,
    /// Share of non-spam mails whose top category is right.
    pub category_accuracy: f64,
    /// Share of non-spam mails marked "to review".
    pub to_review_share: f64,
    /// Share of the mails not marked "to review" whose category is right.
    pub accuracy_when_sure: f64,
    /// Per-category scores (top category, no "to review").
    pub per_category: Vec<LabelScore>,
    /// Macro-F1 of the urgency, when labelled.
    pub urgency_macro_f1: Option<f64>,
    /// Share of all mails whose spam verdict is right (`None` without a spam filter).
    pub spam_accuracy: Option<f64>,
    /// Non-spam mails marked spam.
    pub spam_false_positives: usize,
    /// Share of labelled mails whose lexicon sentiment matches the label.
    pub sentiment_agreement: Option<f64>,
    /// Share of labelled mails whose detected language matches the label.
    pub language_agreement: Option<f64>,
}

/// Classifies every mail with a model trained on the other folds and scores the results.
pub fn cross_validate(
    set: &[LabelledMail],
    folds: usize,
    config: &TriageConfig,
) -> Result<CrossValidation, TriageError> {
    let classes = class_indices(set);
    let fold_of = levier_intent::stratified(&classes, folds, config.seed);
    let per_fold: Vec<Vec<(usize, Triage)>> = (0..folds)
        .into_par_iter()
        .map(|fold| {
            let train: Vec<TrainingMail> = (0..set.len())
                .filter(|&i| fold_of[i] != fold)
                .map(|i| set[i].example.clone())
                .collect();
            let model = TriageModel::train(&train, config)?;
            Ok((0..set.len())
                .filter(|&i| fold_of[i] == fold)
                .map(|i| (i, model.classify(&set[i].example.mail)))
                .collect())
        })
        .collect::<Result<_, TriageError>>()?;
    let mut triages: Vec<(usize, Triage)> = per_fold.into_iter().flatten().collect();
    triages.sort_by_key(|(i, _)| *i);
    let triages: Vec<Triage> = triages.into_iter().map(|(_, t)| t).collect();
    Ok(score(set, &triages, folds))
}

/// Scores a trained model on labelled mails it never saw (a held-out part of a labelled set,
/// or another company's). The result's `folds` is 1: one split, not a cross-validation.
pub fn evaluate(model: &TriageModel, test: &[LabelledMail]) -> CrossValidation {
    let triages: Vec<Triage> = test
        .par_iter()
        .map(|m| model.classify(&m.example.mail))
        .collect();
    score(test, &triages, 1)
}

/// Splits a labelled set into mails to train on and about `fraction` of them held out, the
/// same share of every category (and of spam) on each side, the same split for the same seed.
/// Returns the indices of both parts.
pub fn held_out_split(set: &[LabelledMail], fraction: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let parts = (1.0 / fraction.clamp(0.01, 0.5)).round() as usize;
    let fold_of = levier_intent::stratified(&class_indices(set), parts, seed);
    (0..set.len()).partition(|&i| fold_of[i] != 0)
}

fn score(set: &[LabelledMail], triages: &[Triage], folds: usize) -> CrossValidation {
    let wanted: Vec<usize> = (0..set.len()).filter(|&i| !set[i].example.spam).collect();
    let categories: Vec<(&str, &str)> = wanted
        .iter()
        .map(|&i| {
            (
                set[i].example.category.as_str(),
                triages[i].category.label.as_str(),
            )
        })
        .collect();
    let sure: Vec<usize> = wanted
        .iter()
        .copied()
        .filter(|&i| !triages[i].to_review)
        .collect();
    let urgencies: Vec<(&str, &str)> = wanted
        .iter()
        .filter_map(|&i| {
            let truth = set[i].example.urgency.as_deref()?;
            Some((truth, triages[i].urgency.as_ref()?.label.as_str()))
        })
        .collect();
    let spam: Vec<(bool, bool)> = (0..set.len())
        .filter_map(|i| Some((set[i].example.spam, triages[i].spam?.spam)))
        .collect();
    let per_category = label_scores(&categories);
    CrossValidation {
        mails: set.len(),
        folds,
        category_macro_f1: mean(per_category.iter().map(|s| s.f1)),
        category_accuracy: share(categories.iter().map(|(t, p)| t == p)),
        to_review_share: share(wanted.iter().map(|&i| triages[i].to_review)),
        accuracy_when_sure: share(
            sure.iter()
                .map(|&i| set[i].example.category == triages[i].category.label),
        ),
        per_category,
        urgency_macro_f1: (!urgencies.is_empty())
            .then(|| mean(label_scores(&urgencies).iter().map(|s| s.f1))),
        spam_accuracy: (!spam.is_empty()).then(|| share(spam.iter().map(|(t, p)| t == p))),
        spam_false_positives: spam.iter().filter(|(t, p)| !t && *p).count(),
        sentiment_agreement: agreement(set, |i| {
            Some((set[i].sentiment.as_deref()?, triages[i].sentiment.name()))
        }),
        language_agreement: agreement(set, |i| {
            Some((
                set[i].language.as_deref()?,
                triages[i].language.as_deref().unwrap_or(""),
            ))
        }),
    }
}

/// Share of the mails that have a label whose prediction matches it.
fn agreement<'a>(
    set: &[LabelledMail],
    pair: impl Fn(usize) -> Option<(&'a str, &'a str)>,
) -> Option<f64> {
    let pairs: Vec<(&str, &str)> = (0..set.len()).filter_map(pair).collect();
    (!pairs.is_empty()).then(|| share(pairs.iter().map(|(t, p)| t == p)))
}

/// Precision, recall and F1 of every label that occurs as truth or prediction.
pub fn label_scores(pairs: &[(&str, &str)]) -> Vec<LabelScore> {
    let labels: BTreeSet<&str> = pairs.iter().flat_map(|&(t, p)| [t, p]).collect();
    labels
        .into_iter()
        .map(|label| {
            let hit = pairs
                .iter()
                .filter(|&&(t, p)| t == label && p == label)
                .count() as f64;
            let predicted = pairs.iter().filter(|&&(_, p)| p == label).count() as f64;
            let support = pairs.iter().filter(|&&(t, _)| t == label).count();
            let precision = if predicted > 0.0 {
                hit / predicted
            } else {
                0.0
            };
            let recall = if support > 0 {
                hit / support as f64
            } else {
                0.0
            };
            let f1 = if precision + recall > 0.0 {
                2.0 * precision * recall / (precision + recall)
            } else {
                0.0
            };
            LabelScore {
                label: label.to_owned(),
                precision,
                recall,
                f1,
                support,
            }
        })
        .collect()
}

/// Each mail's stratum: its category, spam as a stratum of its own.
fn class_indices(set: &[LabelledMail]) -> Vec<usize> {
    let stratum = |m: &LabelledMail| {
        if m.example.spam {
            "\u{0}spam".to_owned()
        } else {
            m.example.category.clone()
        }
    };
    let names: BTreeSet<String> = set.iter().map(stratum).collect();
    let names: Vec<String> = names.into_iter().collect();
    set.iter()
        .map(|m| names.binary_search(&stratum(m)).unwrap_or(0))
        .collect()
}

fn share(flags: impl Iterator<Item = bool>) -> f64 {
    let (mut yes, mut all) = (0usize, 0usize);
    for flag in flags {
        all += 1;
        yes += usize::from(flag);
    }
    if all == 0 {
        0.0
    } else {
        yes as f64 / all as f64
    }
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let values: Vec<f64> = values.collect();
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}
