//! What can stop an import or a training as a whole (a row's problems are [`crate::RowIssue`]s,
//! not errors).

/// Why a lead file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Nothing in the file, or only blank lines.
    #[error("the file is empty: nothing to import (expected a header line, then one lead a line)")]
    Empty,
    /// The bytes are not text (a spreadsheet saved as .xlsx, an image…).
    #[error("the file is not text ({0}): export the spreadsheet as CSV")]
    NotText(String),
    /// Reading failed.
    #[error("cannot read the file: {0}")]
    Io(std::io::Error),
    /// The CSV reader failed (an I/O error underneath).
    #[error("cannot read the CSV: {0}")]
    Csv(csv::Error),
}

/// Why a scoring model could not be trained.
#[derive(Debug, thiserror::Error)]
pub enum ScoringError {
    /// The outcome column is not in the file.
    #[error("no column '{0}' for the outcome (columns: {1})")]
    NoTarget(String, String),
    /// Too few won or lost outcomes to learn from: rules apply instead.
    #[error(
        "{positives} won and {negatives} lost outcomes: a model needs at least {needed} of each; until then leads are ranked by the ideal customer profile rules"
    )]
    TooFewOutcomes {
        /// Won outcomes.
        positives: usize,
        /// Lost outcomes.
        negatives: usize,
        /// Needed of each.
        needed: usize,
    },
    /// No column is left to learn from once excluded and identifier columns are dropped.
    #[error("no feature column left after excluding {0}")]
    NoFeatures(String),
}
