//! `levier doctor [--repair]`: is this node's data consistent, and if not, put it right.
//!
//! The store is the truth; the search index and the vectors are derived from it. After a crash
//! (`kill -9`, a power cut) the store is whole — SQLite and PostgreSQL commit or roll back —
//! and the index resumes from the change its last commit records; the doctor proves it rather
//! than trusting it: the store's own integrity check, the index compared chunk by chunk with
//! the store, and the vectors the active model still lacks. Checking is read-only and may run
//! beside a serving node; repairing rebuilds the index, so it needs the node stopped.

use crate::exit::{UNHEALTHY, coded};
use crate::lock::DataDirLock;
use levier_core::Config;
use levier_index::semantic::task::{EMBED_TASK, EmbedJob};
use levier_index::{IndexCheck, IndexError, LexicalIndex};
use levier_store::Store;
use serde::Serialize;

/// Everything the doctor found, and what it repaired.
#[derive(Debug, Serialize)]
struct Diagnosis {
    /// `sqlite` or `postgres`.
    store: &'static str,
    /// What the database reports as damaged (repair: restore a backup).
    store_problems: Vec<String>,
    index: IndexState,
    vectors: VectorState,
    /// What `--repair` did.
    repaired: Vec<String>,
}

/// The lexical index as found.
#[derive(Debug, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
enum IndexState {
    /// It opened and was compared with the store.
    Compared(IndexCheck),
    /// It cannot be opened (damaged, or written by another version).
    Unreadable { reason: String },
}

/// The vectors of semantic search as found.
#[derive(Debug, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
enum VectorState {
    /// No model is configured or installed: search is lexical, nothing to check.
    NotUsed { reason: String },
    /// The wanted model's vectors.
    Counted {
        model: String,
        passages: u64,
        missing: u64,
        /// An embedding task waiting or running will fill the missing vectors.
        task_queued: bool,
    },
}

impl Diagnosis {
    /// Problems that remain (after repairs, when asked).
    fn problems(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .store_problems
            .iter()
            .map(|p| format!("store: {p}"))
            .collect();
        match &self.index {
            IndexState::Unreadable { reason } => out.push(format!("search index: {reason}")),
            IndexState::Compared(c) if !c.is_consistent() => out.push(format!(
                "search index: {} documents missing, {} removed ones still held, {} with other passages than the store's",
                c.missing.len(),
                c.stale.len(),
                c.differing.len()
            )),
            IndexState::Compared(_) => {}
        }
        if let VectorState::Counted {
            missing,
            task_queued: false,
            ..
        } = self.vectors
            && missing > 0
        {
            out.push(format!(
                "vectors: {missing} passages without a vector and no embedding task to compute them"
            ));
        }
        out
    }
}

/// Runs the checks, repairs when asked, prints the diagnosis; fails with [`UNHEALTHY`] when
/// problems remain.
pub async fn run(config: &Config, repair: bool, json: bool) -> anyhow::Result<()> {
    // Repairs rewrite this node's index: no serving node may hold it meanwhile.
    let _lock = repair
        .then(|| DataDirLock::acquire(&config.data_dir))
        .transpose()?;
    let store = Store::open(config).await?;
    let mut diagnosis = diagnose(config, &store).await?;
    if repair {
        diagnosis = repair_all(config, &store, diagnosis).await?;
    }
    store.close().await;
    let problems = diagnosis.problems();
    if json {
        super::print_json(&diagnosis)?;
    } else {
        print_text(&diagnosis, &problems);
    }
    if problems.is_empty() {
        return Ok(());
    }
    let hint = if !diagnosis.store_problems.is_empty() {
        "the store is damaged: restore the last backup (levier restore)"
    } else if repair {
        "the repair did not fix them: see the lines above"
    } else {
        "run levier doctor --repair with the node stopped"
    };
    Err(coded(
        UNHEALTHY,
        format!("{} problem(s) found; {hint}", problems.len()),
    ))
}

async fn diagnose(config: &Config, store: &Store) -> anyhow::Result<Diagnosis> {
    Ok(Diagnosis {
        store: match store.backend() {
            levier_store::Backend::Sqlite { .. } => "sqlite",
            levier_store::Backend::Postgres { .. } => "postgres",
        },
        store_problems: store.integrity_problems().await?,
        index: check_index(config, store).await?,
        vectors: count_vectors(config, store).await?,
        repaired: Vec::new(),
    })
}

async fn check_index(config: &Config, store: &Store) -> anyhow::Result<IndexState> {
    match LexicalIndex::open(&crate::search_index::index_dir(config)) {
        Ok(index) => Ok(IndexState::Compared(index.check(store).await?)),
        Err(e @ (IndexError::Corrupt { .. } | IndexError::Incompatible { .. })) => {
            Ok(IndexState::Unreadable {
                reason: e.to_string(),
            })
        }
        Err(e) => Err(e.into()),
    }
}

async fn count_vectors(config: &Config, store: &Store) -> anyhow::Result<VectorState> {
    let model = match crate::search_index::models(config).wanted() {
        Ok(name) => name,
        Err(reason) => return Ok(VectorState::NotUsed { reason }),
    };
    let task_queued = store.unfinished_task(EMBED_TASK).await?.is_some();
    let registered = store
        .embedding_models()
        .await?
        .into_iter()
        .find(|m| m.name == model);
    let (passages, missing) = match registered {
        Some(m) => {
            let count = store.vector_count(m.id).await?;
            (count.chunks, count.pending())
        }
        // Not embedded yet at all: every passage lacks its vector.
        None => {
            let chunks = store.chunk_ids().await?.len() as u64;
            (chunks, chunks)
        }
    };
    Ok(VectorState::Counted {
        model,
        passages,
        missing,
        task_queued,
    })
}

/// Rebuilds an index that differs from the store, and queues the embedding of missing
/// vectors; then checks again, so what is printed is the state after the repair.
async fn repair_all(
    config: &Config,
    store: &Store,
    diagnosis: Diagnosis,
) -> anyhow::Result<Diagnosis> {
    let mut repaired = Vec::new();
    let dir = crate::search_index::index_dir(config);
    match &diagnosis.index {
        IndexState::Compared(c) if c.is_consistent() && c.applied_seq < c.store_seq => {
            // Only behind: applying the changes it lacks is enough.
            let report = LexicalIndex::open(&dir)?.sync(store).await?;
            repaired.push(format!(
                "search index caught up: {} changes applied, up to change {}",
                report.applied, report.last_seq
            ));
        }
        IndexState::Compared(c) if c.is_consistent() => {}
        _ => {
            let index = LexicalIndex::recreate(&dir)?;
            let report = index.rebuild(store).await?;
            repaired.push(format!(
                "search index rebuilt: {} passages, up to change {}",
                index.chunk_count(),
                report.last_seq
            ));
        }
    }
    if let VectorState::Counted {
        model,
        missing,
        task_queued: false,
        ..
    } = &diagnosis.vectors
        && *missing > 0
    {
        let job = EmbedJob {
            model: model.clone(),
        };
        let id = store.enqueue_task(&job.task()).await?;
        repaired.push(format!(
            "embedding task {id} queued for {missing} passages (a serving node runs it)"
        ));
    }
    let mut after = diagnose(config, store).await?;
    after.repaired = repaired;
    Ok(after)
}

fn print_text(d: &Diagnosis, problems: &[String]) {
    let store = if d.store_problems.is_empty() {
        "sound".to_string()
    } else {
        format!("{} problem(s)", d.store_problems.len())
    };
    println!("store ({}): {store}", d.store);
    match &d.index {
        IndexState::Compared(c) => println!(
            "search index: {} passages, up to change {} of {}; {} documents pending; {}",
            c.chunks_in_index,
            c.applied_seq,
            c.store_seq,
            c.pending_documents,
            if c.is_consistent() {
                "consistent with the store"
            } else {
                "differs from the store"
            }
        ),
        IndexState::Unreadable { reason } => println!("search index: unreadable ({reason})"),
    }
    match &d.vectors {
        VectorState::NotUsed { reason } => println!("vectors: not used ({reason})"),
        VectorState::Counted {
            model,
            passages,
            missing,
            task_queued,
        } => println!(
            "vectors ({model}): {} of {passages} passages{}",
            passages.saturating_sub(*missing),
            if *task_queued {
                "; an embedding task is queued"
            } else {
                ""
            }
        ),
    }
    for r in &d.repaired {
        println!("repaired: {r}");
    }
    for p in problems {
        println!("problem: {p}");
    }
}
