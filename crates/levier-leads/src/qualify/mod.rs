//! Lead qualification over the store: what the CLI, the server and the demo share, so the
//! three cannot drift apart. Import a file ([`import_leads`]), train and score ([`train`],
//! [`score`]), find and merge duplicates ([`suggestions`], [`merge_stored`]), export
//! ([`export_csv`]); the support history of a lead ([`enrichment`]).

mod convert;
mod duplicates;
mod export;
mod intake;
mod rank;

pub use convert::{outcome_of, parse_date, size_band};
pub use duplicates::{StoredSuggestion, merge_stored, normalised, suggestions};
pub use export::{export_csv, factor_text};
pub use intake::{
    IntakeError, IntakeOptions, IntakeReport, MAX_REPORTED_ISSUES, import_leads,
    import_leads_with_progress,
};
pub use rank::{
    RankError, Scoring, Training, default_profile, enrichment, feature_table, leads_with_history,
    score, train,
};
