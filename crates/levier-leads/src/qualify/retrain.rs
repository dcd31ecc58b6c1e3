//! Retraining as a durable task (`leads.train`): asked for from the Leads page or the API, and
//! enqueued by the serving nodes when enough outcomes arrived since the last training, so the
//! model follows the company's results without anyone remembering to retrain. The task trains
//! with [`train`] (the model is stored and scores every lead; the store records the task's
//! `task_finished` event and a `lead_scored` event for each lead whose tier moved).

use super::rank::{RankError, train};
use levier_core::ids::{TaskId, UserId};
use levier_store::tasks::{NewTask, Runner, TaskContext, TaskFailure};
use levier_store::{Store, StoreError};
use std::time::Duration;
use tokio::sync::watch;

/// The kind of the task that retrains the lead scoring model.
pub const TRAIN_TASK: &str = "leads.train";
/// New won or lost outcomes since the last training that make retraining worth it: fewer
/// barely move a model learnt from at least a hundred.
pub const RETRAIN_AFTER_OUTCOMES: usize = 20;
/// How often serving nodes look for new outcomes.
const CHECK_EVERY: Duration = Duration::from_secs(600);

/// Enqueues a retraining, unless one is already waiting or running (its id is returned then):
/// pressing "Retrain" twice trains once.
pub async fn enqueue_training(
    store: &Store,
    asked_by: Option<UserId>,
    why: &str,
) -> Result<TaskId, StoreError> {
    if let Some(task) = store.unfinished_task(TRAIN_TASK).await? {
        return Ok(task.id);
    }
    store
        .enqueue_task(&NewTask {
            kind: TRAIN_TASK.into(),
            payload: serde_json::json!({ "asked_by": asked_by.map(|u| u.0), "why": why }),
            max_attempts: 3,
        })
        .await
}

/// Won and lost outcomes the latest stored model (or rule set) was made from; 0 when none.
async fn outcomes_at_last_training(store: &Store) -> Result<usize, StoreError> {
    let Some(saved) = store.latest_lead_model().await? else {
        return Ok(0);
    };
    let count = |key: &str| saved.report[key].as_u64().unwrap_or(0) as usize;
    Ok(count("positives") + count("negatives") + count("outcomes"))
}

/// Enqueues a retraining when at least [`RETRAIN_AFTER_OUTCOMES`] outcomes arrived since the
/// last one and there is enough history for a model; returns the task when it did.
pub async fn enqueue_if_due(store: &Store) -> Result<Option<TaskId>, StoreError> {
    let (won, lost) = store.lead_outcome_counts().await?;
    let enough = won.min(lost) >= crate::scoring::MIN_OUTCOMES;
    let new = (won + lost).saturating_sub(outcomes_at_last_training(store).await?);
    if !enough || new < RETRAIN_AFTER_OUTCOMES {
        return Ok(None);
    }
    let why = format!("{new} new outcomes since the last training");
    enqueue_training(store, None, &why).await.map(Some)
}

/// Checks for new outcomes every [`CHECK_EVERY`] until `stop` (on each serving node with task
/// workers; two nodes enqueueing at once still train once, see [`enqueue_training`]).
pub async fn follow(store: Store, mut stop: watch::Receiver<bool>) {
    loop {
        if let Err(e) = enqueue_if_due(&store).await {
            tracing::warn!("lead retraining check: {e}");
        }
        tokio::select! {
            _ = tokio::time::sleep(CHECK_EVERY) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Registers the handler of [`TRAIN_TASK`].
pub fn register(runner: Runner) -> Runner {
    runner.register(TRAIN_TASK, |ctx: TaskContext| async move {
        let (training, scoring) = train(&ctx.store, &[]).await.map_err(|e| match e {
            RankError::Store(e) => TaskFailure::Retry(e.to_string()),
            e => TaskFailure::Permanent(e.to_string()),
        })?;
        Ok(serde_json::json!({ "training": training, "scoring": scoring }))
    })
}
