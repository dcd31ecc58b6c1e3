//! Fuzzes the lead file import (gzip, encoding and delimiter detection, column mapping,
//! normalisation): nothing panics, rows come in file order with their lines, every problem
//! renders, and the closing counts add up.
#![no_main]

use levier_leads::{ColumnMapping, CsvOptions, LeadImport};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the delimiter a person may force; detection runs otherwise.
    let Some((&choice, file)) = data.split_first() else {
        return;
    };
    let delimiter = match choice % 4 {
        0 => Some(b';'),
        1 => Some(b','),
        2 => Some(b'\t'),
        _ => None,
    };
    let import = match LeadImport::open(
        std::io::Cursor::new(file.to_vec()),
        CsvOptions { delimiter },
        &ColumnMapping::default(),
    ) {
        Ok(import) => import,
        Err(error) => {
            assert!(!error.to_string().is_empty());
            return;
        }
    };
    check_rows(import);
});

/// Reads every row and checks lines advance, issues render and the summary adds up.
fn check_rows(mut import: LeadImport) {
    for issue in import.file().header_issues() {
        assert!(!issue.to_string().is_empty());
    }
    // The header is line 1 at least: each row comes strictly after the one before.
    let mut last_line = 1;
    for row in import.by_ref() {
        let row = match row {
            Ok(row) => row,
            Err(error) => {
                assert!(!error.to_string().is_empty());
                return;
            }
        };
        assert!(
            row.line > last_line,
            "rows advance: {} after {last_line}",
            row.line
        );
        last_line = row.line;
        for issue in &row.issues {
            assert!(!issue.to_string().is_empty());
        }
    }
    let summary = import.summary();
    assert_eq!(summary.rows, summary.imported + summary.rejected);
}
