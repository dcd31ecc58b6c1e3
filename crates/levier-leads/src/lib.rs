//! Lead qualification for levier: the prospects a small company collects (fairs, web forms,
//! CRM exports) made clean, deduplicated and ranked, with the reasons for each rank.
//!
//! - [`LeadImport`] reads a lead file — gzip or not, any common encoding, `;` `,` or tab, French
//!   or English headers mapped by a reusable [`ColumnMapping`] — as a stream of [`Lead`]s with a
//!   per-row report of [`RowIssue`]s: a bad value or row is reported, the others go through.
//! - [`normalise`] holds the validated newtypes a lead's fields are parsed into (names, e-mails,
//!   E.164 phones, companies and legal forms, SIREN/SIRET, postcodes to territories, domains).
//! - [`find_duplicates`] suggests merges (exact keys and fuzzy name + company), [`merge`] merges
//!   keeping history.
//! - [`scoring`] learns the probability that a lead converts from the company's won and lost
//!   history, calibrated, in tiers A–D with each lead's top factors, or ranks by ideal customer
//!   profile rules while the history is too short.
//!
//! - [`qualify`] runs all of this over the store (import, train, score, merge, export), for
//!   the CLI, the server and the demo alike.
//!
//! No HTTP and no file opening: the server and the CLI wire these to files and pages.

mod csv_rows;
mod decode;
mod dedup;
mod error;
mod import;
mod lead;
mod mapping;
mod merge;
pub mod normalise;
pub mod qualify;
mod report;
pub mod scoring;

pub use csv_rows::{CsvOptions, CsvRow, CsvRows};
pub use dedup::{
    DedupConfig, FieldDifference, MatchReason, MergeSuggestion, differences, find_duplicates,
};
pub use error::{ImportError, ScoringError};
pub use import::{ImportSummary, ImportedRow, LeadImport};
pub use lead::Lead;
pub use mapping::{ColumnMapping, Field, Target, unique_headers};
pub use merge::merge;
pub use report::{RowIssue, Severity};
