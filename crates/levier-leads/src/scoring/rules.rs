//! Ranking by an ideal customer profile while the history is too short to learn from: a few
//! rules a sales manager writes ("a company address is worth 20 points, Île-de-France 15…"),
//! summed into a score, with the rules that fired as the reasons.

use super::features::parse_number;
use super::model::{Factor, MIN_OUTCOMES, Tier};
use super::table::Table;
use crate::normalise::text::fold;
use serde::{Deserialize, Serialize};

/// What a rule checks in one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "is", rename_all = "snake_case")]
pub enum Condition {
    /// The cell is filled.
    Filled,
    /// The cell is one of these values (case- and accent-insensitively).
    OneOf {
        /// The values.
        values: Vec<String>,
    },
    /// The cell is a number of at least this.
    AtLeast {
        /// The bound.
        value: f64,
    },
}

/// One rule of the profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// The column it reads.
    pub column: String,
    /// What it checks.
    pub condition: Condition,
    /// Points it adds when it holds (negative to penalise).
    pub points: f64,
}

/// An ideal customer profile: rules and the scores from which a lead is tier A, B, C.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdealCustomerProfile {
    /// The rules.
    pub rules: Vec<Rule>,
    /// Minimum points for tiers A, B and C.
    pub tier_points: [f64; 3],
}

/// A lead ranked by rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleScore {
    /// Points.
    pub points: f64,
    /// Tier.
    pub tier: Tier,
    /// The rules that held, as factors (contribution = points).
    pub factors: Vec<Factor>,
}

impl IdealCustomerProfile {
    /// Scores every row of a table.
    pub fn score(&self, table: &Table) -> Vec<RuleScore> {
        let columns: Vec<Option<usize>> =
            self.rules.iter().map(|r| table.column(&r.column)).collect();
        table
            .rows
            .iter()
            .map(|row| {
                let factors: Vec<Factor> = self
                    .rules
                    .iter()
                    .zip(&columns)
                    .filter_map(|(rule, at)| {
                        let cell = at.map_or("", |c| row[c].trim());
                        holds(&rule.condition, cell).then(|| Factor {
                            column: rule.column.clone(),
                            value: cell.to_owned(),
                            contribution: rule.points,
                        })
                    })
                    .collect();
                let points = factors.iter().map(|f| f.contribution).sum();
                RuleScore {
                    points,
                    tier: self.tier(points),
                    factors,
                }
            })
            .collect()
    }

    fn tier(&self, points: f64) -> Tier {
        match self.tier_points {
            [a, _, _] if points >= a => Tier::A,
            [_, b, _] if points >= b => Tier::B,
            [_, _, c] if points >= c => Tier::C,
            _ => Tier::D,
        }
    }
}

/// What to tell a person whose history is too short for a model.
pub fn history_message(positives: usize, negatives: usize) -> String {
    let missing_won = MIN_OUTCOMES.saturating_sub(positives);
    let missing_lost = MIN_OUTCOMES.saturating_sub(negatives);
    format!(
        "leads are ranked by your ideal customer profile rules: a learnt score needs {MIN_OUTCOMES} won and {MIN_OUTCOMES} lost leads, you have {positives} won and {negatives} lost ({missing_won} more won and {missing_lost} more lost to go)"
    )
}

fn holds(condition: &Condition, cell: &str) -> bool {
    match condition {
        Condition::Filled => !cell.is_empty(),
        Condition::OneOf { values } => {
            let cell = fold(cell);
            values.iter().any(|v| fold(v) == cell)
        }
        Condition::AtLeast { value } => parse_number(cell).is_some_and(|n| n >= *value),
    }
}
