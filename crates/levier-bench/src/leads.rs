//! `levier bench leads`: lead scoring quality on a won/lost history (bank marketing, X
//! Education, or a company's own export), through the product's own code: the file read by
//! levier-leads's CSV reader, the model trained and calibrated by [`LeadModel::train`].
//!
//! Without an evaluation file, a stratified, seeded share of the training file is held out
//! (`--holdout`, `--seed`) and never seen by training.

use crate::BenchError;
use levier_leads::scoring::metrics::{brier, lift, pr_auc, roc_auc};
use levier_leads::scoring::{Exclusion, LeadModel, ModelKind, Table, stratified_split};
use levier_leads::{CsvOptions, CsvRows};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Share of leads whose lift is reported: the top fifth a salesperson calls first.
const LIFT_SHARE: f64 = 0.2;

/// What to measure.
#[derive(Debug, Clone)]
pub struct LeadsOptions {
    /// The history to train on (CSV, gzip accepted).
    pub train: PathBuf,
    /// The evaluation file (same columns); `None` holds out part of `train`.
    pub eval: Option<PathBuf>,
    /// The outcome column.
    pub target: String,
    /// The outcome value meaning won.
    pub positive: String,
    /// Columns left out (names, or prefixes ending in `*`): the leakage guard.
    pub drop: Vec<String>,
    /// The delimiter, when not detected.
    pub delimiter: Option<u8>,
    /// Share of `train` held out when there is no `eval`.
    pub holdout: f64,
    /// Seed of the holdout split.
    pub seed: u64,
}

/// What a lead scoring benchmark measured.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LeadsReport {
    /// The training file.
    pub train: String,
    /// The evaluation file, or the held-out share of `train`.
    pub eval: String,
    /// Rows trained on (outcome known).
    pub train_rows: usize,
    /// Rows evaluated (outcome known).
    pub eval_rows: usize,
    /// Rows of either file rejected for their shape.
    pub rejected_rows: usize,
    /// Share of won leads among the evaluated ones.
    pub eval_positive_rate: f64,
    /// The model training picked.
    pub model: ModelKind,
    /// ROC AUC of the logistic regression on training's own held-out fifth.
    pub selection_auc_logistic: f64,
    /// Of the boosted trees.
    pub selection_auc_trees: f64,
    /// Trees kept by early stopping.
    pub trees: usize,
    /// Features after encoding.
    pub features: usize,
    /// Columns left out and why.
    pub excluded: Vec<Exclusion>,
    /// ROC AUC of the calibrated probabilities on the evaluated rows.
    pub roc_auc: f64,
    /// Average precision.
    pub pr_auc: f64,
    /// Won share in the top 20 % over the won share overall.
    pub lift_top_20pct: f64,
    /// Brier score of the calibrated probabilities.
    pub brier: f64,
    /// Seconds to train (model choice, calibration and refit included; reading excluded).
    pub train_seconds: f64,
}

/// Trains on the history, scores the evaluation rows and reports ranking and calibration.
pub fn run(options: &LeadsOptions) -> Result<LeadsReport, BenchError> {
    let (table, mut rejected_rows) = read(&options.train, options.delimiter)?;
    let (train, eval, eval_name) = match &options.eval {
        Some(path) => {
            let (eval, rejected) = read(path, options.delimiter)?;
            rejected_rows += rejected;
            (table, eval, path.display().to_string())
        }
        None => {
            let (train, eval) = holdout(&table, options)?;
            let name = format!(
                "{:.0} % of {} held out (stratified, seed {})",
                options.holdout * 100.0,
                options.train.display(),
                options.seed
            );
            (train, eval, name)
        }
    };
    let started = Instant::now();
    let model = LeadModel::train(&train, &options.target, &options.positive, &options.drop)
        .map_err(BenchError::Scoring)?;
    let train_seconds = started.elapsed().as_secs_f64();
    let target = column(&eval, &options.target)?;
    let outcomes = eval.outcomes(target, &options.positive);
    let known: Vec<usize> = (0..outcomes.len())
        .filter(|&i| outcomes[i].is_some())
        .collect();
    let eval = eval.subset(&known);
    let labels: Vec<bool> = known.iter().map(|&i| outcomes[i] == Some(true)).collect();
    let probabilities = model.probabilities(&eval);
    let report = model.report();
    Ok(LeadsReport {
        train: options.train.display().to_string(),
        eval: eval_name,
        train_rows: report.positives + report.negatives,
        eval_rows: labels.len(),
        rejected_rows,
        eval_positive_rate: labels.iter().filter(|&&l| l).count() as f64
            / labels.len().max(1) as f64,
        model: report.picked,
        selection_auc_logistic: report.logistic_auc,
        selection_auc_trees: report.trees_auc,
        trees: report.trees,
        features: report.features,
        excluded: model.features().excluded.clone(),
        roc_auc: roc_auc(&probabilities, &labels),
        pr_auc: pr_auc(&probabilities, &labels),
        lift_top_20pct: lift(&probabilities, &labels, LIFT_SHARE),
        brier: brier(&probabilities, &labels),
        train_seconds,
    })
}

/// Reads a lead file into a table, with the number of rows rejected for their shape.
fn read(path: &Path, delimiter: Option<u8>) -> Result<(Table, usize), BenchError> {
    let io = |source| BenchError::Io {
        path: path.to_owned(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    let rows = CsvRows::open(file, CsvOptions { delimiter }).map_err(|e| BenchError::LeadFile {
        path: path.to_owned(),
        source: e,
    })?;
    Table::from_csv(rows).map_err(|e| BenchError::LeadFile {
        path: path.to_owned(),
        source: e,
    })
}

fn column(table: &Table, name: &str) -> Result<usize, BenchError> {
    table.column(name).ok_or_else(|| {
        BenchError::Scoring(levier_leads::ScoringError::NoTarget(
            name.to_owned(),
            table.columns.join(", "),
        ))
    })
}

/// Splits the training table, stratified on the outcome (rows without one stay in training,
/// where they are ignored).
fn holdout(table: &Table, options: &LeadsOptions) -> Result<(Table, Table), BenchError> {
    let target = column(table, &options.target)?;
    let outcomes = table.outcomes(target, &options.positive);
    let labels: Vec<bool> = outcomes.iter().map(|o| *o == Some(true)).collect();
    let (kept, held) = stratified_split(&labels, options.holdout, options.seed);
    Ok((table.subset(&kept), table.subset(&held)))
}
