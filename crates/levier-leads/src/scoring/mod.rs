//! Lead scoring: the probability that a lead converts, learnt from the company's won and lost
//! history ([`LeadModel`]), or points from an [`IdealCustomerProfile`] while that history is
//! too short ([`MIN_OUTCOMES`] of each outcome), with each lead's tier and reasons.

mod boosting;
mod features;
mod logistic;
pub mod metrics;
mod model;
mod rules;
mod split;
mod table;

pub use boosting::BoostConfig;
pub use features::{ColumnEncoding, Exclusion, FeatureSpec};
pub use model::{Factor, LeadModel, LeadScore, MIN_OUTCOMES, ModelKind, Tier, TrainingReport};
pub use rules::{Condition, IdealCustomerProfile, Rule, RuleScore, history_message};
pub use split::stratified_split;
pub use table::{Table, excluded};
