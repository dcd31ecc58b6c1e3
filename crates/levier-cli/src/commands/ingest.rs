//! `levier ingest PATH`: bring a folder (kept in sync on later runs) or a single file into
//! the store, then into this node's search index.

use crate::lock::DataDirLock;
use levier_core::Config;
use levier_ingest::task::FolderJob;
use levier_ingest::{Access, FileInput, IngestReport};
use levier_store::Store;
use levier_store::directory::NewSource;
use std::path::Path;

/// What to ingest, from the command line.
pub struct IngestArgs<'a> {
    /// A folder or a file.
    pub path: &'a Path,
    /// Groups that may read the documents.
    pub groups: Vec<String>,
    /// Customers may see them.
    pub public: bool,
    /// Print JSON.
    pub json: bool,
}

pub async fn run(config: &Config, args: IngestArgs<'_>) -> anyhow::Result<()> {
    let path = std::fs::canonicalize(args.path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.path.display()))?;
    let groups = if args.groups.is_empty() {
        vec!["personnel".to_string()]
    } else {
        args.groups
    };
    let store = Store::open(config).await?;
    for g in &groups {
        if !store.groups().await?.iter().any(|(_, slug, _)| slug == g) {
            return Err(crate::exit::coded(
                crate::exit::INPUT,
                format!(
                    "unknown group '{g}': create it first (web settings or API), or choose another with --group"
                ),
            ));
        }
    }
    let ingestion = async {
        if path.is_dir() {
            let job = FolderJob {
                source_name: path.display().to_string(),
                path: path.display().to_string(),
                groups,
                public: args.public,
            };
            let outcome = super::run_task::run(&store, config, &job.task(), args.json).await?;
            Ok::<IngestReport, anyhow::Error>(serde_json::from_value(outcome)?)
        } else {
            ingest_one_file(&store, &path, groups, args.public).await
        }
    };
    // Without a server holding the data directory, this command indexes, and does so while
    // the files go in rather than after them (a running server follows the store itself).
    let lock = DataDirLock::acquire(&config.data_dir).ok();
    let index = lock.as_ref().and_then(|_| open_index(config));
    let (report, indexed) = match &index {
        Some(index) => {
            let (report, synced) = index.sync_during(&store, ingestion).await;
            (report?, indexed_ok(synced))
        }
        None => (ingestion.await?, false),
    };
    let embedded = match &lock {
        Some(_) => embed(config, &store, args.json).await?,
        None => Embedded::ByServer,
    };
    drop(lock);
    store.close().await;
    if args.json {
        return super::print_json(
            &serde_json::json!({ "report": report, "indexed": indexed, "embedding": embedded }),
        );
    }
    match &embedded {
        Embedded::Done { model, passages } => {
            println!("semantic search: {passages} passage(s) embedded with {model}");
        }
        Embedded::NoModel { reason } => println!("semantic search is off: {reason}"),
        Embedded::ByServer => {}
    }
    println!("{}: {}", path.display(), report.summary());
    for f in &report.failed {
        println!("  failed: {}: {}", f.path, f.reason);
    }
    if !indexed {
        println!("(a running levier server indexes the changes within a second)");
    }
    Ok(())
}

/// What happened to the new passages' vectors.
#[derive(serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub(crate) enum Embedded {
    /// Embedded here.
    Done { model: String, passages: u64 },
    /// No usable model: search stays lexical.
    NoModel { reason: String },
    /// A running server embeds them (its embedding task).
    ByServer,
}

/// Embeds the passages that lack vectors, through the same durable task a server runs.
pub(crate) async fn embed(config: &Config, store: &Store, quiet: bool) -> anyhow::Result<Embedded> {
    let models = crate::search_index::models(config);
    let model = match models.wanted() {
        Ok(name) => name,
        Err(reason) => return Ok(Embedded::NoModel { reason }),
    };
    let job = levier_index::semantic::task::EmbedJob {
        model: model.clone(),
    };
    // The documents are in: a model that fails to load leaves search lexical, it does not
    // fail the ingestion.
    Ok(
        match super::run_task::run(store, config, &job.task(), quiet).await {
            Ok(outcome) => Embedded::Done {
                model,
                passages: outcome["embedded"].as_u64().unwrap_or(0),
            },
            Err(e) => Embedded::NoModel {
                reason: e.to_string(),
            },
        },
    )
}

/// A single file goes into the `files` source under its own name.
async fn ingest_one_file(
    store: &Store,
    path: &Path,
    groups: Vec<String>,
    public: bool,
) -> anyhow::Result<IngestReport> {
    let source = NewSource {
        name: "files".into(),
        kind: "upload".into(),
        location: String::new(),
        public: false,
        groups: vec![],
    };
    let source_id = store.upsert_source(&source).await?;
    let bytes =
        std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let modified_ms = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_millis() as i64);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let input = FileInput {
        source_id,
        path: name,
        bytes,
        modified_ms,
        access: Access { groups, public },
    };
    Ok(
        levier_ingest::ingest_file(store, input, &Default::default(), &Default::default())
            .await?
            .report,
    )
}

/// Brings the index up to date when no server holds the data directory (a running server
/// follows the store itself). Returns whether it did.
pub async fn sync_index_if_free(config: &Config, store: &Store) -> bool {
    let Ok(_lock) = DataDirLock::acquire(&config.data_dir) else {
        return false;
    };
    match open_index(config) {
        Some(index) => indexed_ok(index.sync(store).await),
        None => false,
    }
}

/// This node's index, or `None` with a warning when it cannot be opened.
fn open_index(config: &Config) -> Option<std::sync::Arc<levier_index::LexicalIndex>> {
    crate::search_index::open(config)
        .inspect_err(|e| tracing::warn!(error = %e, "could not open the search index"))
        .ok()
}

/// Whether a sync went through, with a warning when it did not.
fn indexed_ok(synced: levier_index::IndexResult<levier_index::SyncReport>) -> bool {
    synced
        .inspect_err(|e| tracing::warn!(error = %e, "could not update the search index"))
        .is_ok()
}
