//! The per-row report of an import: every row refused, every value refused and every value
//! changed in a way a person should know of, with the line and column, so nothing is dropped
//! without a word.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How serious an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The row was not imported.
    Rejected,
    /// One value was refused; the lead was imported without it (the value is kept aside).
    Invalid,
    /// The value was imported, with a change or a doubt worth a look.
    Warning,
}

/// One issue of one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowIssue {
    /// The line in the file, from 1 (the header is line 1).
    pub line: u64,
    /// The column at fault, as named in the header, when one is.
    pub column: Option<String>,
    /// How serious.
    pub severity: Severity,
    /// What is wrong and, where it helps, what to do.
    pub reason: String,
}

impl fmt::Display for RowIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Rejected => "row rejected",
            Severity::Invalid => "value refused",
            Severity::Warning => "warning",
        };
        match &self.column {
            Some(column) => write!(
                f,
                "line {}, {column}: {severity}: {}",
                self.line, self.reason
            ),
            None => write!(f, "line {}: {severity}: {}", self.line, self.reason),
        }
    }
}
