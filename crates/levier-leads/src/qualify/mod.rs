//! Lead qualification over the store: what the CLI, the server and the demo share, so the
//! three cannot drift apart. Import a file ([`import_leads`]), train and score ([`train`],
//! [`score`]), find and merge duplicates ([`suggestions`], [`merge_stored`]), export
//! ([`export_csv`]); the support history of a lead ([`enrichment`]); retrain as a durable task
//! ([`enqueue_training`], [`register`]).

mod convert;
mod duplicates;
mod export;
mod intake;
mod mappings;
mod rank;
mod retrain;

pub use convert::{outcome_of, parse_date, size_band};
pub use duplicates::{StoredSuggestion, dismiss, merge_stored, normalised, suggestions};
pub use export::{export_csv, factor_text};
pub use intake::{
    IntakeError, IntakeOptions, IntakeReport, MAX_REPORTED_ISSUES, import_leads,
    import_leads_with_progress,
};
pub use mappings::{MappingError, NamedMapping, save_mapping, saved_mapping, saved_mappings};
pub use rank::{
    RankError, Scoring, Training, default_profile, enrichment, feature_table, leads_with_history,
    score, train,
};
pub use retrain::{
    RETRAIN_AFTER_OUTCOMES, TRAIN_TASK, enqueue_if_due, enqueue_training, follow, register,
};
