//! Embedding as a durable task (`embeddings.build`): the chunks that lack the model's vectors
//! are embedded with progress, resumably (a retried or restarted run starts from the chunks
//! still without a vector), and the model becomes the active one when every chunk has its
//! vector — until then searches keep using the previous model's.

use super::embed::{EmbedProgress, EmbedReport, embed_pending};
use super::follow::Models;
use super::{activate_if_ready, register};
use levier_store::tasks::{NewTask, Runner, TaskContext, TaskFailure};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The kind of the embedding task.
pub const EMBED_TASK: &str = "embeddings.build";

/// What an embedding task is asked to do.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmbedJob {
    /// The model (its name in the models directory).
    pub model: String,
}

impl EmbedJob {
    /// The task to enqueue for this job.
    pub fn task(&self) -> NewTask {
        NewTask {
            kind: EMBED_TASK.into(),
            payload: serde_json::to_value(self).unwrap_or_default(),
            max_attempts: 3,
        }
    }
}

/// Registers the embedding handler on a task runner.
pub fn register_task(runner: Runner, models: Arc<Models>) -> Runner {
    runner.register(EMBED_TASK, move |ctx: TaskContext| {
        let models = models.clone();
        async move { run(ctx, models).await }
    })
}

async fn run(ctx: TaskContext, models: Arc<Models>) -> Result<serde_json::Value, TaskFailure> {
    let job: EmbedJob = serde_json::from_value(ctx.task.payload.clone())
        .map_err(|e| TaskFailure::Permanent(format!("invalid {EMBED_TASK} payload: {e}")))?;
    let name = job.model.clone();
    let encoder = tokio::task::spawn_blocking(move || models.encoder(&name))
        .await
        .map_err(|e| TaskFailure::Retry(e.to_string()))?
        .map_err(|e| TaskFailure::Permanent(e.to_string()))?;
    let retry = |e: crate::IndexError| TaskFailure::Retry(e.to_string());
    let model = register(&ctx.store, &encoder).await.map_err(retry)?;
    let mut report = TaskReport {
        ctx: &ctx,
        model: &job.model,
        stopped_by: None,
    };
    let done = embed_pending(&ctx.store, &encoder, &model, &mut report)
        .await
        .map_err(retry)?;
    if let Some(failure) = report.stopped_by {
        return Err(failure);
    }
    let active = activate_if_ready(&ctx.store, &model).await.map_err(retry)?;
    Ok(serde_json::json!({ "model": job.model, "embedded": done.done, "active": active }))
}

/// Writes a run's progress to its task (renewing the lease) and stops it when cancelled.
struct TaskReport<'a> {
    ctx: &'a TaskContext,
    model: &'a str,
    /// Why the last report stopped the run.
    stopped_by: Option<TaskFailure>,
}

impl EmbedReport for TaskReport<'_> {
    async fn report(&mut self, p: EmbedProgress) -> bool {
        let message = format!(
            "{} of {} titles and passages embedded with {}",
            p.done, p.total, self.model
        );
        match self
            .ctx
            .progress(p.done as i64, p.total as i64, &message)
            .await
        {
            Ok(()) => true,
            Err(e) => {
                self.stopped_by = Some(e);
                false
            }
        }
    }
}
