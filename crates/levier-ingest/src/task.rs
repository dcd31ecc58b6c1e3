//! Ingestion as a durable task (`ingest.folder`): the API and the CLI enqueue it, a worker runs
//! it with progress, and a crash resumes it (files already stored are skipped as unchanged).

use crate::{IngestError, Progress, sync_folder};
use levier_extract::{ChunkOptions, Limits};
use levier_store::directory::NewSource;
use levier_store::tasks::{NewTask, Runner, TaskContext, TaskFailure};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// The kind of the folder-sync task.
pub const FOLDER_TASK: &str = "ingest.folder";

/// What a folder-sync task is asked to do.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FolderJob {
    /// The source's name (unique), e.g. the folder's path.
    pub source_name: String,
    /// The folder.
    pub path: String,
    /// Groups that may read its documents (a folder's `.levier.toml` may override).
    pub groups: Vec<String>,
    /// Whether customers may see them.
    #[serde(default)]
    pub public: bool,
}

impl FolderJob {
    /// The task to enqueue for this job.
    pub fn task(&self) -> NewTask {
        NewTask {
            kind: FOLDER_TASK.into(),
            payload: serde_json::to_value(self).unwrap_or_default(),
            max_attempts: 3,
        }
    }
}

/// How often a run's progress is written to its task. Each report is a write transaction:
/// one per file cost as much as storing the file. Cancellation is noticed at the next write.
const PROGRESS_EVERY: Duration = Duration::from_millis(200);

/// Reports a run's progress to its task (renewing the lease) and stops it when cancelled.
struct TaskProgress<'a> {
    ctx: &'a TaskContext,
    /// Why the last report stopped the run: a cancellation, or a store failure worth a retry.
    stopped_by: Option<TaskFailure>,
    /// When progress was last written.
    written: Option<Instant>,
}

impl Progress for TaskProgress<'_> {
    async fn report(
        &mut self,
        done: usize,
        total: usize,
        current: &str,
    ) -> Result<(), IngestError> {
        let due = self.written.is_none_or(|at| at.elapsed() >= PROGRESS_EVERY);
        if !due && done < total {
            return Ok(());
        }
        self.written = Some(Instant::now());
        self.ctx
            .progress(done as i64, total as i64, current)
            .await
            .map_err(|e| {
                let stopped = IngestError::Stopped(format!("{e:?}"));
                self.stopped_by = Some(e);
                stopped
            })
    }
}

/// Registers the ingestion handlers on a task runner.
pub fn register(runner: Runner) -> Runner {
    runner.register(FOLDER_TASK, |ctx: TaskContext| async move {
        let job: FolderJob = serde_json::from_value(ctx.task.payload.clone())
            .map_err(|e| TaskFailure::Permanent(format!("invalid {FOLDER_TASK} payload: {e}")))?;
        let source = NewSource {
            name: job.source_name.clone(),
            kind: "folder".into(),
            location: job.path.clone(),
            public: job.public,
            groups: job.groups.clone(),
        };
        let mut progress = TaskProgress {
            ctx: &ctx,
            stopped_by: None,
            written: None,
        };
        match sync_folder(
            &ctx.store,
            &source,
            &Limits::default(),
            &ChunkOptions::default(),
            &mut progress,
        )
        .await
        {
            Ok(report) => {
                serde_json::to_value(report).map_err(|e| TaskFailure::Permanent(e.to_string()))
            }
            // Stopped by a progress report: cancelled, or the store failed recording progress
            // (then retry: nobody asked to cancel).
            Err(IngestError::Stopped(_)) => {
                Err(progress.stopped_by.take().unwrap_or(TaskFailure::Cancelled))
            }
            Err(e @ (IngestError::Rules(_) | IngestError::Io { .. })) => {
                Err(TaskFailure::Permanent(e.to_string()))
            }
            Err(e) => Err(TaskFailure::Retry(e.to_string())),
        }
    })
}
