//! FAQ import from a CSV file, the one way every entry point imports one: the API
//! (`POST /api/v1/faq/import`), the FAQ page's upload form, `levier faq import`, the demo
//! company's loader, and FAQ files found in an ingested folder.
//!
//! Reading the file (delimiter `,` or `;` from the header, UTF-8 with or without BOM or
//! Windows-1252, header names in English or French) is [`levier_extract::faq_csv`]'s job; this
//! module turns its rows into entries with the defaults the assistant expects (language `fr`,
//! public), and stores them without duplicating a question already there. A broken row is
//! reported with its line and, when one is at fault, its column; the other rows still import.

use levier_extract::RowError;
use levier_store::faq::NewFaqEntry;
use levier_store::{Store, StoreError, StoreResult};
use serde::Serialize;

/// The language of a row that names none: the assistant's customers are mostly French.
pub const DEFAULT_LANGUAGE: &str = "fr";

/// A row of the file that can become an entry, with its line to point people at it.
#[derive(Debug, Clone)]
pub struct ParsedEntry {
    /// The line of the row in the file (1-based).
    pub line: u64,
    /// The entry to create.
    pub entry: NewFaqEntry,
}

/// A row that could not be imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportError {
    /// The line of the row in the file (1-based; 1 is the header).
    pub line: u64,
    /// The column at fault, as the header names it, when one is.
    pub column: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}, column {column}: {}", self.line, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

impl From<RowError> for ImportError {
    fn from(e: RowError) -> Self {
        ImportError {
            line: e.line,
            column: e.column,
            reason: e.reason,
        }
    }
}

/// What a file holds: the entries its good rows make, and its broken rows.
#[derive(Debug, Clone, Default)]
pub struct FaqCsv {
    /// Entries, in the file's order.
    pub entries: Vec<ParsedEntry>,
    /// Broken rows, in the file's order.
    pub errors: Vec<ImportError>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Entries created.
    pub created: usize,
    /// Rows whose question was already an entry's (left as they are).
    pub skipped_existing: usize,
    /// Rows not imported, with their line.
    pub errors: Vec<ImportError>,
}

impl ImportReport {
    /// True when not a single row could be read: an unreadable file, a header without the
    /// question and answer columns, or only broken rows. Scripts treat that as a failure;
    /// a file with some broken rows is a partial success.
    pub fn nothing_read(&self) -> bool {
        self.created == 0 && self.skipped_existing == 0 && !self.errors.is_empty()
    }
}

/// Reads an FAQ CSV into entries and row errors.
pub fn parse(bytes: &[u8]) -> FaqCsv {
    let (rows, errors) = levier_extract::faq_csv(bytes);
    from_rows(rows, errors)
}

/// The entries of rows the reader parsed, with their errors.
pub fn from_rows(rows: Vec<levier_extract::FaqRow>, errors: Vec<RowError>) -> FaqCsv {
    FaqCsv {
        entries: rows
            .into_iter()
            .map(|row| ParsedEntry {
                line: row.line,
                entry: NewFaqEntry {
                    question: row.question,
                    answer: row.answer,
                    category: row.category.unwrap_or_default(),
                    language: row.language.unwrap_or_else(|| DEFAULT_LANGUAGE.into()),
                    public: row.public.unwrap_or(true),
                    phrasings: row.variants,
                },
            })
            .collect(),
        errors: errors.into_iter().map(ImportError::from).collect(),
    }
}

/// Imports an FAQ CSV: each good row becomes an entry unless an entry already has its
/// question (so importing the same file twice changes nothing). A row the store refuses is
/// reported like a broken row; only a store failure stops the import.
pub async fn import(store: &Store, bytes: &[u8]) -> StoreResult<ImportReport> {
    store_entries(store, parse(bytes)).await
}

/// Stores the entries of a read file (see [`import`]).
pub async fn store_entries(store: &Store, csv: FaqCsv) -> StoreResult<ImportReport> {
    let FaqCsv { entries, errors } = csv;
    let mut report = ImportReport {
        errors,
        ..ImportReport::default()
    };
    for ParsedEntry { line, entry } in entries {
        if store
            .faq_entry_by_question(&entry.question)
            .await?
            .is_some()
        {
            report.skipped_existing += 1;
            continue;
        }
        match store.create_faq_entry(&entry).await {
            Ok(_) => report.created += 1,
            Err(StoreError::Invalid(reason) | StoreError::Conflict(reason)) => {
                report.errors.push(ImportError {
                    line,
                    column: None,
                    reason,
                });
            }
            Err(e) => return Err(e),
        }
    }
    report.errors.sort_by_key(|e| e.line);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn questions(csv: &FaqCsv) -> Vec<&str> {
        csv.entries
            .iter()
            .map(|e| e.entry.question.as_str())
            .collect()
    }

    #[test]
    fn comma_delimited_with_defaults() {
        let csv = parse(b"question,answer,category\nO\xc3\xb9 ?,\"Lyon, 69003\",contact\n");
        assert!(csv.errors.is_empty(), "{:?}", csv.errors);
        let e = &csv.entries[0];
        assert_eq!((e.line, e.entry.question.as_str()), (2, "Où ?"));
        assert_eq!(e.entry.answer, "Lyon, 69003");
        assert_eq!(e.entry.category, "contact");
        assert_eq!(e.entry.language, "fr", "default language");
        assert!(e.entry.public, "public unless said otherwise");
        assert!(e.entry.phrasings.is_empty());
    }

    #[test]
    fn semicolon_delimited_with_variants_and_public() {
        let csv = parse(
            "question;answer;language;variants;public\n\
             Délai ?;3 jours, parfois 4;en;délai | quand ?;non\n"
                .as_bytes(),
        );
        assert!(csv.errors.is_empty(), "{:?}", csv.errors);
        let e = &csv.entries[0].entry;
        assert_eq!(e.answer, "3 jours, parfois 4");
        assert_eq!(e.language, "en");
        assert_eq!(e.phrasings, ["délai", "quand ?"]);
        assert!(!e.public);
    }

    #[test]
    fn bom_and_french_headers() {
        let csv = parse(
            "\u{feff}Question;Réponse;Catégorie;Langue;Formulations;Public\n\
             Garantie ?;5 ans;garantie;fr;durée garantie;oui\n\
             Retour ?;30 jours;retours;fr;;0\n"
                .as_bytes(),
        );
        assert!(csv.errors.is_empty(), "{:?}", csv.errors);
        assert_eq!(questions(&csv), ["Garantie ?", "Retour ?"]);
        let first = &csv.entries[0].entry;
        assert_eq!(
            (first.answer.as_str(), first.category.as_str()),
            ("5 ans", "garantie")
        );
        assert_eq!(first.phrasings, ["durée garantie"]);
        assert!(first.public);
        assert!(!csv.entries[1].entry.public);
        let unaccented = parse("question,reponse,categorie,variantes\nA ?,B,c,d|e\n".as_bytes());
        assert_eq!(unaccented.entries[0].entry.phrasings, ["d", "e"]);
    }

    #[test]
    fn broken_rows_are_reported_with_their_line_and_the_others_kept() {
        let csv = parse(
            "question;réponse;public\n\
             Un ?;Oui;1\n\
             Deux ?;;1\n\
             Trois ?;Oui;peut-être\n\
             Quatre ?;Oui;0\n\
             \"Cinq ?;Oui;1\n\
             Six ?;Oui;1\n"
                .as_bytes(),
        );
        assert_eq!(questions(&csv), ["Un ?", "Quatre ?"]);
        assert_eq!(csv.entries[1].line, 5);
        let reported: Vec<String> = csv.errors.iter().map(ToString::to_string).collect();
        assert_eq!(reported[0], "line 3, column réponse: empty answer");
        assert_eq!(
            reported[1],
            "line 4, column public: public \"peut-être\" is not one of true, false, oui, non, 1, 0"
        );
        assert!(
            reported[2].starts_with("line 6: unbalanced quote"),
            "{}",
            reported[2]
        );
        assert_eq!(csv.errors.len(), 3);
    }

    #[test]
    fn a_header_without_question_and_answer_is_one_error_on_line_1() {
        let csv = parse(b"titre;texte\nA;B\n");
        assert!(csv.entries.is_empty());
        assert_eq!(csv.errors.len(), 1);
        assert_eq!(csv.errors[0].line, 1);
        assert!(csv.errors[0].reason.contains("question and answer"));
        let report = ImportReport {
            errors: csv.errors,
            ..ImportReport::default()
        };
        assert!(report.nothing_read());
    }
}
