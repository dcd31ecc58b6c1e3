//! Runs tasks: claims them, renews their lease while their handler works, and records the
//! outcome. One runner per process; it runs up to `workers` tasks at once.

use super::{Heartbeat, Task, TaskStatus};
use crate::{Store, StoreResult};
use levier_core::config::TaskConfig;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::{Semaphore, watch};

/// Why a handler did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskFailure {
    /// Worth another attempt (a network error, a busy resource).
    Retry(String),
    /// Will fail the same way again (bad input): do not retry.
    Permanent(String),
    /// The handler stopped because cancellation was requested.
    Cancelled,
}

/// What a handler returns: its output, or why it failed.
pub type HandlerResult = Result<serde_json::Value, TaskFailure>;

/// The code that performs one kind of task.
pub type Handler =
    Arc<dyn Fn(TaskContext) -> Pin<Box<dyn Future<Output = HandlerResult> + Send>> + Send + Sync>;

/// What a handler gets: the task and a way to report progress.
#[derive(Clone)]
pub struct TaskContext {
    /// The task being run.
    pub task: Task,
    /// The store, for the handler's own work.
    pub store: Store,
    owner: String,
    lease: Duration,
    cancelled: Arc<AtomicBool>,
}

impl TaskContext {
    /// Records progress (and renews the lease). Returns `Err(Cancelled)` when the task was
    /// cancelled or taken over, so handlers can stop with `?`.
    pub async fn progress(&self, done: i64, total: i64, message: &str) -> Result<(), TaskFailure> {
        if self.cancelled.load(Ordering::Relaxed) {
            return Err(TaskFailure::Cancelled);
        }
        match self
            .store
            .task_progress(
                self.task.id,
                &self.owner,
                self.lease,
                Some((done, total, message)),
            )
            .await
        {
            Ok(Heartbeat::Continue) => Ok(()),
            Ok(Heartbeat::CancelRequested) | Err(crate::StoreError::Conflict(_)) => {
                self.cancelled.store(true, Ordering::Relaxed);
                Err(TaskFailure::Cancelled)
            }
            // A passing store error is not a cancellation: let the task be retried.
            Err(e) => Err(TaskFailure::Retry(format!(
                "reporting progress failed: {e}"
            ))),
        }
    }

    /// The worker identity holding this task.
    pub fn owner(&self) -> &str {
        &self.owner
    }
}

/// Claims and runs tasks of the registered kinds until shut down.
pub struct Runner {
    store: Store,
    owner: String,
    config: TaskConfig,
    handlers: HashMap<String, Handler>,
    poll: Duration,
}

impl Runner {
    /// A runner identified as `owner` (unique per process, e.g. `host:pid`).
    pub fn new(store: Store, owner: impl Into<String>, config: TaskConfig) -> Runner {
        Runner {
            store,
            owner: owner.into(),
            config,
            handlers: HashMap::new(),
            poll: Duration::from_millis(250),
        }
    }

    /// Registers the handler of a task kind.
    pub fn register<F, Fut>(mut self, kind: &str, handler: F) -> Runner
    where
        F: Fn(TaskContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.handlers.insert(
            kind.to_string(),
            Arc::new(move |ctx| Box::pin(handler(ctx))),
        );
        self
    }

    /// Runs until `shutdown` becomes true, then waits for the tasks in progress to finish.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) -> StoreResult<()> {
        let slots = Arc::new(Semaphore::new(self.config.workers.max(1) as usize));
        let kinds: Vec<String> = self.handlers.keys().cloned().collect();
        let this = Arc::new(self);
        loop {
            if *shutdown.borrow() {
                break;
            }
            let permit = tokio::select! {
                p = slots.clone().acquire_owned() => p.map_err(|_| crate::StoreError::Invalid("runner closed".into()))?,
                changed = shutdown.changed() => {
                    // A dropped sender means nobody can ask us to stop any more: stop now.
                    if changed.is_err() { break; }
                    continue;
                }
            };
            let kind_refs: Vec<&str> = kinds.iter().map(String::as_str).collect();
            match this
                .store
                .claim_task(&this.owner, &kind_refs, this.lease())
                .await
            {
                Ok(Some(task)) => {
                    let runner = this.clone();
                    tokio::spawn(async move {
                        runner.execute(task).await;
                        drop(permit);
                    });
                }
                Ok(None) => {
                    drop(permit);
                    tokio::select! {
                        _ = tokio::time::sleep(this.poll) => {}
                        changed = shutdown.changed() => if changed.is_err() { break },
                    }
                }
                Err(e) => {
                    drop(permit);
                    tracing::warn!(error = %e, "claiming a task failed; retrying");
                    tokio::time::sleep(this.poll * 4).await;
                }
            }
        }
        let all = this.config.workers.max(1);
        let _ = slots.acquire_many(all).await;
        Ok(())
    }

    /// Claims and runs at most one task; returns whether one ran. For the CLI and tests.
    pub async fn run_one(&self) -> StoreResult<bool> {
        let kinds: Vec<&str> = self.handlers.keys().map(String::as_str).collect();
        match self
            .store
            .claim_task(&self.owner, &kinds, self.lease())
            .await?
        {
            Some(task) => {
                self.execute(task).await;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn lease(&self) -> Duration {
        Duration::from_secs(self.config.lease_secs.max(1))
    }

    async fn execute(&self, task: Task) {
        let Some(handler) = self.handlers.get(&task.kind).cloned() else {
            return;
        };
        let id = task.id;
        let cancelled = Arc::new(AtomicBool::new(false));
        let ctx = TaskContext {
            task,
            store: self.store.clone(),
            owner: self.owner.clone(),
            lease: self.lease(),
            cancelled: cancelled.clone(),
        };
        tracing::info!(task = %id, kind = %ctx.task.kind, attempt = ctx.task.attempts, "task started");
        let mut work = tokio::spawn(handler(ctx));
        let beat = self.lease() / 3;
        let outcome = loop {
            tokio::select! {
                joined = &mut work => break joined.unwrap_or_else(|e| Err(TaskFailure::Retry(format!("handler panicked: {e}")))),
                _ = tokio::time::sleep(beat) => {
                    match self.store.task_progress(id, &self.owner, self.lease(), None).await {
                        Ok(Heartbeat::Continue) => {}
                        Ok(Heartbeat::CancelRequested) => cancelled.store(true, Ordering::Relaxed),
                        Err(e) => {
                            // Another worker owns the task now: stop ours so it never runs twice.
                            tracing::warn!(task = %id, error = %e, "lease lost; stopping the handler");
                            work.abort();
                            return;
                        }
                    }
                }
            }
        };
        self.record(id, outcome).await;
    }

    async fn record(&self, id: levier_core::ids::TaskId, outcome: HandlerResult) {
        let retry_base = Duration::from_secs(self.config.retry_base_secs);
        let recorded = match outcome {
            Ok(result) => self
                .store
                .complete_task(id, &self.owner, &result)
                .await
                .map(|_| TaskStatus::Succeeded),
            Err(TaskFailure::Cancelled) => self
                .store
                .finish_cancelled(id, &self.owner)
                .await
                .map(|_| TaskStatus::Cancelled),
            Err(TaskFailure::Retry(msg)) => {
                self.store
                    .fail_task(id, &self.owner, &msg, false, retry_base)
                    .await
            }
            Err(TaskFailure::Permanent(msg)) => {
                self.store
                    .fail_task(id, &self.owner, &msg, true, retry_base)
                    .await
            }
        };
        match recorded {
            Ok(status) => tracing::info!(task = %id, ?status, "task finished"),
            Err(e) => tracing::warn!(task = %id, error = %e, "could not record the task's outcome"),
        }
    }
}
