//! Importing a lead file: rows read by [`CsvRows`], columns mapped by a [`ColumnMapping`],
//! values normalised into a [`Lead`], every problem reported per row. An iterator, so a file of
//! a million rows flows through in bounded memory.

use crate::csv_rows::{CsvOptions, CsvRows};
use crate::error::ImportError;
use crate::lead::Lead;
use crate::mapping::{ColumnMapping, Target};
use crate::report::{RowIssue, Severity};
use serde::Serialize;
use std::io::Read;

/// One row of the file, imported or not.
#[derive(Debug, Clone)]
pub struct ImportedRow {
    /// The row's line in the file.
    pub line: u64,
    /// The lead, unless the row was rejected.
    pub lead: Option<Lead>,
    /// What was wrong with the row or its values.
    pub issues: Vec<RowIssue>,
}

/// Counts of an import, for the closing message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Non-blank data rows read.
    pub rows: u64,
    /// Leads imported.
    pub imported: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Values refused (their leads were imported without them).
    pub invalid_values: u64,
    /// Warnings.
    pub warnings: u64,
}

impl ImportSummary {
    /// What to tell a person about a file that imported nothing, if so.
    pub fn nothing_imported(&self) -> Option<&'static str> {
        match (self.rows, self.imported) {
            (0, _) => Some("the file has a header but no rows: nothing to import"),
            (_, 0) => Some("every row was rejected: see the report"),
            _ => None,
        }
    }
}

/// A lead file being imported.
pub struct LeadImport {
    rows: CsvRows,
    targets: Vec<Target>,
    summary: ImportSummary,
}

impl LeadImport {
    /// Opens a file (see [`CsvRows::open`]) and maps its columns with `mapping` (headers it
    /// does not name are inferred).
    pub fn open<R: Read + Send + 'static>(
        source: R,
        options: CsvOptions,
        mapping: &ColumnMapping,
    ) -> Result<Self, ImportError> {
        let rows = CsvRows::open(source, options)?;
        let targets = mapping.resolve(rows.headers());
        Ok(LeadImport {
            rows,
            targets,
            summary: ImportSummary::default(),
        })
    }

    /// The rows' reader (headers, encoding, delimiter, header issues).
    pub fn file(&self) -> &CsvRows {
        &self.rows
    }

    /// The mapping in force, to save and reuse.
    pub fn mapping(&self) -> ColumnMapping {
        ColumnMapping {
            columns: self
                .rows
                .headers()
                .iter()
                .cloned()
                .zip(self.targets.iter().cloned())
                .collect(),
        }
    }

    /// The counts so far (final once the iterator is exhausted).
    pub fn summary(&self) -> &ImportSummary {
        &self.summary
    }

    fn count(&mut self, row: &ImportedRow) {
        self.summary.rows += 1;
        if row.lead.is_some() {
            self.summary.imported += 1;
        } else {
            self.summary.rejected += 1;
        }
        for issue in &row.issues {
            match issue.severity {
                Severity::Invalid => self.summary.invalid_values += 1,
                Severity::Warning => self.summary.warnings += 1,
                Severity::Rejected => {}
            }
        }
    }
}

impl Iterator for LeadImport {
    type Item = Result<ImportedRow, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        let row = match self.rows.next()? {
            Ok(row) => row,
            Err(e) => return Some(Err(e)),
        };
        let mut issues = row.issues;
        let lead = if issues.iter().any(|i| i.severity == Severity::Rejected) {
            None
        } else {
            let (lead, lead_issues) =
                Lead::from_row(row.line, self.rows.headers(), &self.targets, &row.values);
            issues.extend(lead_issues);
            Some(lead)
        };
        let imported = ImportedRow {
            line: row.line,
            lead,
            issues,
        };
        self.count(&imported);
        Some(Ok(imported))
    }
}
