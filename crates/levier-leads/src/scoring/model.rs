//! The lead scoring model: trained on the company's won/lost history, picked between logistic
//! regression, boosted trees and their blend by ROC AUC on out-of-fold predictions,
//! calibrated, and able to say for each lead its probability, its tier and the columns that
//! weigh most.
//!
//! The history is cut into five stratified folds; each candidate is fitted on four and
//! predicts the fifth (the trees stop early on it), so every outcome is predicted once by a
//! model that never saw it. Neither model wins everywhere, so the choice is measured, not
//! assumed. Out-of-fold ROC AUC on the training part (80 %, seed 1) of the public sets of
//! `levier bench leads` (release build; the blend's is not in the bench's JSON):
//!
//! | set | logistic regression | boosted trees | picked |
//! |---|---|---|---|
//! | bank marketing (26,360 rows, `duration` dropped) | 0.794 | 0.806 | trees |
//! | X Education (5,911 rows, leaky columns dropped) | 0.894 | 0.906 | trees |
//!
//! Trees win on both (the bank set's effects are thresholds on economic indicators and
//! `pdays`; X Education's are interactions of time on site with the lead's origin), the
//! regression stays close and is kept as a candidate: on a small company's history of a few
//! hundred leads it is often the better one.
//!
//! Screened and not kept (seeds 1–5 and 7 of `levier bench leads`, mean out-of-fold ROC AUC
//! of the picked model, bank / X Education, baseline 0.8026 / 0.9069, held-out 0.8084 /
//! 0.9112): a target encoding of each categorical column as an extra feature for the trees
//! (the smoothed log-odds of the outcome per level, 20 or 200 rows of prior, computed on each
//! fold's fitting rows by five inner folds so no row sees its own outcome), 0.8004 / 0.9075
//! and 0.8007 / 0.9076, worse on bank; ten folds instead of five, 0.8033 / 0.9080 (held-out
//! 0.8088 / 0.9113) for twice the training time.
//!
//! The kept model is the five fold models, their log-odds averaged (no refit: each saw 80 % of
//! the history, and averaging them steadies the trees). Calibration reuses levier-intent's
//! [`Calibrator`] (Platt below 1,000 outcomes, isotonic from there) fitted on the out-of-fold
//! log-odds of every outcome.

use super::boosting::{BoostConfig, Boosted};
use super::features::{ColumnEncoding, FeatureSpec, Matrix, display_level, level_of};
use super::metrics::roc_auc;
use super::split::stratified_folds;
use super::table::Table;
use crate::error::ScoringError;
use levier_intent::{Calibrator, Method};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Won and lost outcomes each needed before a model is trained: below, the held-out fifth
/// would hold a handful of won leads, and neither the choice of model nor the calibration
/// would mean anything.
pub const MIN_OUTCOMES: usize = 50;
/// Folds of the history: each model is fitted on all but one and predicts that one, so every
/// outcome is predicted once by a model that never saw it (to pick the model and calibrate).
const FOLDS: usize = 5;
/// Seed of the folds, so retraining on the same history gives the same model.
const FOLDS_SEED: u64 = 7;
/// Factors given per lead.
const TOP_FACTORS: usize = 5;

/// Which model the history chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// Logistic regression.
    Logistic,
    /// Gradient-boosted trees.
    BoostedTrees,
    /// The mean of both models' log-odds: their errors differ (the trees' steps, the
    /// regression's straight lines), so the mean often ranks better than either.
    Blend,
}

/// The fitted model of either kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Fitted {
    Logistic(super::logistic::Logistic),
    BoostedTrees(Boosted),
    Blend {
        logistic: super::logistic::Logistic,
        trees: Boosted,
    },
}

impl Fitted {
    fn log_odds(&self, row: &[f32]) -> f64 {
        match self {
            Fitted::Logistic(m) => m.log_odds(row),
            Fitted::BoostedTrees(m) => m.log_odds(row),
            Fitted::Blend { logistic, trees } => {
                (logistic.log_odds(row) + trees.log_odds(row)) / 2.0
            }
        }
    }

    fn contributions(&self, row: &[f32]) -> Vec<f64> {
        match self {
            Fitted::Logistic(m) => m.contributions(row),
            Fitted::BoostedTrees(m) => m.contributions(row, row.len()),
            Fitted::Blend { logistic, trees } => {
                let from_trees = trees.contributions(row, row.len());
                logistic
                    .contributions(row)
                    .iter()
                    .zip(from_trees)
                    .map(|(a, b)| (a + b) / 2.0)
                    .collect()
            }
        }
    }

    fn trees(&self) -> Option<usize> {
        match self {
            Fitted::Logistic(_) => None,
            Fitted::BoostedTrees(m) | Fitted::Blend { trees: m, .. } => Some(m.trees()),
        }
    }
}

/// The three candidate models fitted on all folds but one, and their log-odds on that one.
struct FoldModels {
    /// The held-out rows.
    rows: Vec<usize>,
    /// Logistic, trees, blend.
    models: [Fitted; 3],
    /// Each model's log-odds of the held-out rows.
    held_out: [Vec<f64>; 3],
}

impl FoldModels {
    fn fit(x: &Matrix, y: &[bool], folds: &[usize], k: usize) -> Self {
        let (valid_rows, fit_rows): (Vec<usize>, Vec<usize>) =
            (0..y.len()).partition(|&i| folds[i] == k);
        let (fx, fy) = (take_rows(x, &fit_rows), pick(y, &fit_rows));
        let (vx, vy) = (take_rows(x, &valid_rows), pick(y, &valid_rows));
        let logistic = super::logistic::Logistic::fit(&fx, &fy);
        // Each fold's trees draw their own rows and features, so the five differ more and
        // their average steadies the score more.
        let config = BoostConfig {
            seed: FOLDS_SEED + k as u64,
            ..BoostConfig::default()
        };
        let trees = Boosted::fit(&fx, &fy, Some((&vx, &vy)), &config);
        let models = [
            Fitted::Logistic(logistic.clone()),
            Fitted::BoostedTrees(trees.clone()),
            Fitted::Blend { logistic, trees },
        ];
        let held_out = models
            .each_ref()
            .map(|m| (0..vx.rows()).map(|i| m.log_odds(vx.row(i))).collect());
        FoldModels {
            rows: valid_rows,
            models,
            held_out,
        }
    }
}

/// What training measured, to show beside the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingReport {
    /// Won outcomes learnt from.
    pub positives: usize,
    /// Lost outcomes.
    pub negatives: usize,
    /// Held-out ROC AUC of the logistic regression.
    pub logistic_auc: f64,
    /// Held-out ROC AUC of the boosted trees.
    pub trees_auc: f64,
    /// Held-out ROC AUC of the blend of both.
    pub blend_auc: f64,
    /// Trees kept by early stopping.
    pub trees: usize,
    /// The model kept.
    pub picked: ModelKind,
    /// Features after encoding.
    pub features: usize,
}

/// A lead's tier: A the best, D the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Tier {
    /// The top 10 % of the history's scores: call first.
    A,
    /// The next 20 %.
    B,
    /// The next 30 %.
    C,
    /// The rest.
    D,
}

/// One column's weight in a lead's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    /// The column.
    pub column: String,
    /// The lead's value in it.
    pub value: String,
    /// Its contribution to the log-odds, relative to the average lead (positive: raises the
    /// chances).
    pub contribution: f64,
}

/// A lead's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadScore {
    /// Calibrated probability of conversion.
    pub probability: f64,
    /// Tier.
    pub tier: Tier,
    /// The columns that weigh most, strongest first.
    pub factors: Vec<Factor>,
}

/// A trained lead scoring model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadModel {
    spec: FeatureSpec,
    /// One model per fold of the history, their log-odds averaged.
    fitted: Vec<Fitted>,
    calibrator: Calibrator,
    /// Probabilities from which a lead is tier A, B, C (the history's 90th, 70th and 40th
    /// percentiles).
    tier_cuts: [f64; 3],
    report: TrainingReport,
}

impl LeadModel {
    /// Trains on the rows of `table` whose `target` column is filled (`positive` = won), the
    /// columns matching `exclude` left out (see [`super::table::excluded`]).
    pub fn train(
        table: &Table,
        target: &str,
        positive: &str,
        exclude: &[String],
    ) -> Result<Self, ScoringError> {
        let target_at = table
            .column(target)
            .ok_or_else(|| ScoringError::NoTarget(target.to_owned(), table.columns.join(", ")))?;
        let (history, y) = labelled(table, target_at, positive);
        let positives = y.iter().filter(|&&l| l).count();
        let negatives = y.len() - positives;
        if positives < MIN_OUTCOMES || negatives < MIN_OUTCOMES {
            return Err(ScoringError::TooFewOutcomes {
                positives,
                negatives,
                needed: MIN_OUTCOMES,
            });
        }
        let spec = FeatureSpec::fit(&history, target_at, exclude)?;
        let x = spec.encode(&history);
        let folds = stratified_folds(&y, FOLDS, FOLDS_SEED);
        let per_fold: Vec<FoldModels> = (0..FOLDS)
            .into_par_iter()
            .map(|k| FoldModels::fit(&x, &y, &folds, k))
            .collect();
        let mut held_out = [vec![0.0; y.len()], vec![0.0; y.len()], vec![0.0; y.len()]];
        for fold in &per_fold {
            for (c, scores) in fold.held_out.iter().enumerate() {
                for (&row, &score) in fold.rows.iter().zip(scores) {
                    held_out[c][row] = score;
                }
            }
        }
        let aucs = held_out.each_ref().map(|scores| roc_auc(scores, &y));
        let best = (0..3).fold(0, |best, c| if aucs[c] > aucs[best] { c } else { best });
        let scores32: Vec<f32> = held_out[best].iter().map(|&s| s as f32).collect();
        let calibrator = Calibrator::fit(Method::Auto, &scores32, &y);
        let trees = per_fold
            .iter()
            .map(|f| f.models[1].trees().unwrap_or(0))
            .sum::<usize>()
            / FOLDS;
        let fitted: Vec<Fitted> = per_fold
            .into_iter()
            .map(|f| f.models.into_iter().nth(best))
            .collect::<Option<_>>()
            .unwrap_or_default();
        let report = TrainingReport {
            positives,
            negatives,
            logistic_auc: aucs[0],
            trees_auc: aucs[1],
            blend_auc: aucs[2],
            trees,
            picked: [
                ModelKind::Logistic,
                ModelKind::BoostedTrees,
                ModelKind::Blend,
            ][best],
            features: x.width,
        };
        let mut model = LeadModel {
            spec,
            fitted,
            calibrator,
            tier_cuts: [0.0; 3],
            report,
        };
        model.tier_cuts = model.percentiles(&x, [0.9, 0.7, 0.4]);
        Ok(model)
    }

    /// What training measured.
    pub fn report(&self) -> &TrainingReport {
        &self.report
    }

    /// The feature encoding (used and excluded columns).
    pub fn features(&self) -> &FeatureSpec {
        &self.spec
    }

    /// The calibrated probability of every row of a table.
    pub fn probabilities(&self, table: &Table) -> Vec<f64> {
        let x = self.spec.encode(table);
        (0..x.rows()).map(|i| self.probability(x.row(i))).collect()
    }

    /// Scores every row of a table with its tier and top factors.
    pub fn score(&self, table: &Table) -> Vec<LeadScore> {
        let x = self.spec.encode(table);
        let names = self.spec.feature_names();
        (0..x.rows())
            .map(|i| {
                let row = x.row(i);
                let probability = self.probability(row);
                let mut by_column = vec![0.0; self.spec.columns.len()];
                for fitted in &self.fitted {
                    for (feature, c) in fitted.contributions(row).iter().enumerate() {
                        by_column[names[feature].column] += c / self.fitted.len() as f64;
                    }
                }
                LeadScore {
                    probability,
                    tier: self.tier(probability),
                    factors: self.factors(&by_column, table, i),
                }
            })
            .collect()
    }

    fn probability(&self, row: &[f32]) -> f64 {
        f64::from(self.calibrator.probability(self.raw(row) as f32))
    }

    fn raw(&self, row: &[f32]) -> f64 {
        self.fitted.iter().map(|f| f.log_odds(row)).sum::<f64>() / self.fitted.len().max(1) as f64
    }

    fn tier(&self, probability: f64) -> Tier {
        match self.tier_cuts {
            [a, _, _] if probability >= a => Tier::A,
            [_, b, _] if probability >= b => Tier::B,
            [_, _, c] if probability >= c => Tier::C,
            _ => Tier::D,
        }
    }

    /// The columns of largest contribution, with the lead's value in each.
    fn factors(&self, by_column: &[f64], table: &Table, row: usize) -> Vec<Factor> {
        let mut order: Vec<usize> = (0..by_column.len())
            .filter(|&c| by_column[c] != 0.0)
            .collect();
        order.sort_by(|&a, &b| by_column[b].abs().total_cmp(&by_column[a].abs()));
        order
            .into_iter()
            .take(TOP_FACTORS)
            .map(|c| {
                let column = self.spec.column_name(c).to_owned();
                let cell = table
                    .column(&column)
                    .map_or("", |p| table.rows[row][p].trim());
                let value = match &self.spec.columns[c] {
                    ColumnEncoding::Categorical { .. } => display_level(level_of(cell)).to_owned(),
                    ColumnEncoding::Numeric { .. } if cell.is_empty() => "(missing)".to_owned(),
                    ColumnEncoding::Numeric { .. } => cell.to_owned(),
                };
                Factor {
                    column,
                    value,
                    contribution: by_column[c],
                }
            })
            .collect()
    }

    /// The probabilities at the given quantiles of the history's rows.
    fn percentiles(&self, x: &Matrix, quantiles: [f64; 3]) -> [f64; 3] {
        let mut probabilities: Vec<f64> =
            (0..x.rows()).map(|i| self.probability(x.row(i))).collect();
        probabilities.sort_by(f64::total_cmp);
        let at = |q: f64| {
            let i = ((probabilities.len() as f64 - 1.0) * q).round() as usize;
            probabilities.get(i).copied().unwrap_or(0.0)
        };
        quantiles.map(at)
    }
}

/// The rows whose outcome is known, and their outcomes.
fn labelled(table: &Table, target: usize, positive: &str) -> (Table, Vec<bool>) {
    let outcomes = table.outcomes(target, positive);
    let known: Vec<usize> = (0..outcomes.len())
        .filter(|&i| outcomes[i].is_some())
        .collect();
    let y = known.iter().map(|&i| outcomes[i] == Some(true)).collect();
    (table.subset(&known), y)
}

fn take_rows(x: &Matrix, rows: &[usize]) -> Matrix {
    let mut data = Vec::with_capacity(rows.len() * x.width);
    for &i in rows {
        data.extend_from_slice(x.row(i));
    }
    Matrix {
        width: x.width,
        data,
    }
}

fn pick(y: &[bool], rows: &[usize]) -> Vec<bool> {
    rows.iter().map(|&i| y[i]).collect()
}
