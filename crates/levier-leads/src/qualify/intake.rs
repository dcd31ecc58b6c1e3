//! A lead file into the store: read and normalised by [`LeadImport`], each lead written with
//! its derived fields (and its past interactions, when the caller has them), every problem
//! reported with its line and column while the other rows go in. A lead whose reference from
//! the source system is already stored is not imported twice, so importing the same export
//! again is harmless.

use super::convert::new_lead;
use crate::csv_rows::CsvOptions;
use crate::error::ImportError;
use crate::import::{ImportSummary, LeadImport};
use crate::mapping::ColumnMapping;
use crate::report::{RowIssue, Severity};
use levier_core::Timestamp;
use levier_core::ids::LeadId;
use levier_store::leads::LeadInteraction;
use levier_store::{Store, StoreError};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Read;

/// Issues kept for the report; beyond, only counted (a million bad rows must not fill memory).
pub const MAX_REPORTED_ISSUES: usize = 10_000;

/// Why an import stopped as a whole (a bad row never stops it).
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The file could not be read at all.
    #[error(transparent)]
    File(#[from] ImportError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How to import.
#[derive(Debug, Default)]
pub struct IntakeOptions {
    /// Delimiter and other reading options.
    pub csv: CsvOptions,
    /// Column mapping (headers it does not name are inferred).
    pub mapping: ColumnMapping,
    /// Past interactions by the leads' reference in the source system.
    pub history: HashMap<String, Vec<LeadInteraction>>,
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IntakeReport {
    /// Rows read, imported, rejected…
    pub summary: ImportSummary,
    /// Leads created.
    pub created: Vec<LeadId>,
    /// Rows skipped because their reference was already stored.
    pub already_stored: u64,
    /// Per-row issues (the first [`MAX_REPORTED_ISSUES`]).
    pub issues: Vec<RowIssue>,
    /// Issues beyond those kept.
    pub issues_not_shown: u64,
    /// The mapping that was applied, to save and reuse.
    pub mapping: ColumnMapping,
}

impl IntakeReport {
    fn push(&mut self, issue: RowIssue) {
        if self.issues.len() < MAX_REPORTED_ISSUES {
            self.issues.push(issue);
        } else {
            self.issues_not_shown += 1;
        }
    }
}

/// Imports a lead file into the store.
pub async fn import_leads<R: Read + Send + 'static>(
    store: &Store,
    source: R,
    options: IntakeOptions,
) -> Result<IntakeReport, IntakeError> {
    import_leads_with_progress(store, source, options, |_| {}).await
}

/// Like [`import_leads`], calling `progress` with the counts so far after each row (a file of
/// a million rows takes minutes: the CLI shows them).
pub async fn import_leads_with_progress<R: Read + Send + 'static>(
    store: &Store,
    source: R,
    options: IntakeOptions,
    mut progress: impl FnMut(&ImportSummary),
) -> Result<IntakeReport, IntakeError> {
    let mut rows = LeadImport::open(source, options.csv, &options.mapping)?;
    let mut report = IntakeReport {
        mapping: rows.mapping(),
        ..IntakeReport::default()
    };
    for issue in rows.file().header_issues().to_vec() {
        report.push(issue);
    }
    while let Some(row) = rows.next() {
        let row = row?;
        progress(rows.summary());
        for issue in row.issues {
            report.push(issue);
        }
        let Some(lead) = row.lead else { continue };
        let (record, issues) = new_lead(&lead, row.line, Timestamp::now());
        for issue in issues {
            report.push(issue);
        }
        if let Some(reference) = &record.external_ref
            && store.lead_by_external_ref(reference).await?.is_some()
        {
            report.already_stored += 1;
            report.push(RowIssue {
                line: row.line,
                column: None,
                severity: Severity::Warning,
                reason: format!("lead {reference} is already stored: not imported again"),
            });
            continue;
        }
        let past = record
            .external_ref
            .as_ref()
            .and_then(|r| options.history.get(r))
            .map(Vec::as_slice)
            .unwrap_or_default();
        report.created.push(store.create_lead(&record, past).await?);
    }
    report.summary = rows.summary().clone();
    Ok(report)
}
