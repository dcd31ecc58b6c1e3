//! Benchmarks of levier on public data sets, run through the product's own code paths.
//!
//! `levier bench retrieval` ([`retrieval::run`]) reads a BEIR-layout set ([`dataset`]), ingests
//! each corpus entry as a Markdown file through a [`levier_ingest::Pipeline`] (extraction,
//! chunking, the store) into a temporary data directory, brings the lexical index up to date
//! with [`levier_index::LexicalIndex::sync`], runs every judged query of a split one at a time
//! and reports quality ([`metrics`]), ingestion throughput and query speed as one JSON object.
//! Dense and hybrid modes also embed every chunk through levier-ml into the store's vectors and
//! search the vector index (alone, or fused with the lexical list by [`levier_index::fusion`]).

pub mod answers;
pub mod dataset;
mod dense;
pub mod intents;
pub mod leads;
pub mod load;
pub mod metrics;
pub mod report;
pub mod retrieval;
pub mod scale;
pub mod spam;
pub mod triage;
mod vector_cache;

pub use intents::{IntentFormat, IntentOptions, IntentReport};
pub use retrieval::{Fusion, Latency, Mode, RetrievalOptions, RetrievalReport};

use std::path::PathBuf;

/// A configuration whose data directory is a fresh temporary directory (removed when the
/// returned guard drops): each benchmark measures from an empty store and index.
fn temporary_data_dir(
    prefix: &str,
) -> Result<(tempfile::TempDir, levier_core::Config), BenchError> {
    let tmp = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .map_err(BenchError::TempDir)?;
    let config = levier_core::Config {
        data_dir: tmp.path().join("data"),
        ..levier_core::Config::default()
    };
    Ok((tmp, config))
}

/// Why a benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// A file or directory of the data set is missing.
    #[error(
        "{path} not found: {what} (a BEIR-layout data set holds corpus.jsonl[.gz], queries.jsonl and qrels/SPLIT.tsv)"
    )]
    Missing {
        /// Where it was looked for.
        path: PathBuf,
        /// What was expected there.
        what: String,
    },
    /// A file of the data set cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A line of a data set file is not in the expected format.
    #[error("{path}, line {line}: {reason}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// The line, from 1.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// The split has no judgement file.
    #[error(
        "unknown split '{split}': no {dir}/{split}.tsv; available: {}",
        list(available)
    )]
    UnknownSplit {
        /// The split asked for.
        split: String,
        /// The judgements directory.
        dir: PathBuf,
        /// The splits that exist.
        available: Vec<String>,
    },
    /// The split judges no query of `queries.jsonl` as having a relevant document.
    #[error("split '{split}' has no query with a relevant document (score > 0) in queries.jsonl")]
    NoJudgedQueries {
        /// The split.
        split: String,
    },
    /// The temporary data directory cannot be created.
    #[error("cannot create a temporary data directory: {0}")]
    TempDir(std::io::Error),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] levier_store::StoreError),
    /// Ingestion failed as a whole (not one document).
    #[error(transparent)]
    Ingest(#[from] levier_ingest::IngestError),
    /// The index failed.
    #[error(transparent)]
    Index(#[from] levier_index::IndexError),
    /// The embedding model could not be loaded or run.
    #[error(transparent)]
    Model(#[from] levier_ml::MlError),
    /// The generative model's provider cannot be used as configured.
    #[error(transparent)]
    Llm(#[from] levier_assist::llm::LlmError),
    /// A report could not be computed.
    #[error(transparent)]
    Report(#[from] levier_report::ReportError),
    /// The intent classifier refused its training data or options.
    #[error(transparent)]
    Intent(levier_intent::IntentError),
    /// A lead file could not be read as a whole.
    #[error("{path}: {source}")]
    LeadFile {
        /// The file.
        path: PathBuf,
        /// Why.
        source: levier_leads::ImportError,
    },
    /// The lead scoring model refused its history or options.
    #[error(transparent)]
    Scoring(levier_leads::ScoringError),
    /// A mail of the spam data set could not be read, or the spam filter refused its data.
    #[error(transparent)]
    Triage(levier_triage::TriageError),
    /// The load test's options cannot work together.
    #[error("{0}")]
    LoadOptions(String),
    /// The nodes under load could not be prepared for the run (unreachable, a token or the
    /// widget's site refused, no FAQ to ask from).
    #[error("cannot start the load: {0}")]
    LoadSetup(String),
    /// Dense or hybrid retrieval was asked for without a model directory.
    #[error("--mode {0} needs an embedding model: give --model DIR")]
    NoModel(&'static str),
}

impl BenchError {
    /// Whether the error is about the data set or model given (as opposed to the machine or
    /// levier).
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            BenchError::Missing { .. }
                | BenchError::Malformed { .. }
                | BenchError::UnknownSplit { .. }
                | BenchError::NoJudgedQueries { .. }
                | BenchError::NoModel(_)
                | BenchError::LoadOptions(_)
                | BenchError::Intent(_)
                | BenchError::LeadFile { .. }
                | BenchError::Scoring(_)
                | BenchError::Triage(_)
                | BenchError::Model(
                    levier_ml::MlError::MissingFile { .. }
                        | levier_ml::MlError::CorruptFile { .. }
                        | levier_ml::MlError::Unsupported { .. }
                )
        )
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}
