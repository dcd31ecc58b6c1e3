//! The durable task queue: long work (ingestion, embedding, reindexing, reports) survives
//! crashes and restarts.
//!
//! A worker claims a task with a lease and renews it by heartbeats while it works. A worker that
//! dies stops renewing; once the lease expires another worker takes the task again. On
//! PostgreSQL claims use `FOR UPDATE SKIP LOCKED`, so many workers on many nodes claim in
//! parallel and never the same task; on SQLite the single writer lock gives the same guarantee.
//! Finishing requires still holding the lease, so a worker that lost its lease cannot overwrite
//! the outcome of the one that took over.

mod runner;

pub use runner::{Handler, HandlerResult, Runner, TaskContext, TaskFailure};

use crate::tx::WriteTx;
use crate::{Store, StoreError, StoreResult, events};
use levier_core::ids::TaskId;
use levier_core::{Event, EventKind, Timestamp};
use sqlx::Row;
use std::time::Duration;

/// Work to enqueue.
#[derive(Debug, Clone)]
pub struct NewTask {
    /// What to do, e.g. `demo.load`; a handler is registered for each kind.
    pub kind: String,
    /// The handler's input.
    pub payload: serde_json::Value,
    /// Attempts before giving up.
    pub max_attempts: i64,
}

/// Where a task is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskStatus {
    /// Waiting for a worker (possibly until a retry time).
    Queued,
    /// Claimed by a worker holding a lease.
    Running,
    /// Done.
    Succeeded,
    /// Gave up after its attempts, or its handler failed permanently.
    Failed,
    /// Cancelled by a person.
    Cancelled,
}

impl TaskStatus {
    fn parse(s: &str) -> StoreResult<TaskStatus> {
        Ok(match s {
            "queued" => TaskStatus::Queued,
            "running" => TaskStatus::Running,
            "succeeded" => TaskStatus::Succeeded,
            "failed" => TaskStatus::Failed,
            "cancelled" => TaskStatus::Cancelled,
            other => {
                return Err(StoreError::Invalid(format!(
                    "unknown task status '{other}'"
                )));
            }
        })
    }

    /// True once the task will not run again.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            TaskStatus::Succeeded | TaskStatus::Failed | TaskStatus::Cancelled
        )
    }
}

/// A task as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Task {
    /// Identifier returned by [`Store::enqueue_task`].
    pub id: TaskId,
    /// Its kind.
    pub kind: String,
    /// Its input.
    pub payload: serde_json::Value,
    /// Its state.
    pub status: TaskStatus,
    /// Attempts started so far.
    pub attempts: i64,
    /// Attempts allowed.
    pub max_attempts: i64,
    /// The worker holding it, while running.
    pub lease_owner: Option<String>,
    /// Units of work done.
    pub progress_done: i64,
    /// Units of work in all (0 when unknown).
    pub progress_total: i64,
    /// What it is doing now.
    pub progress_message: String,
    /// The last failure's message.
    pub last_error: Option<String>,
    /// The handler's output, once succeeded.
    pub result: Option<serde_json::Value>,
    /// A cancellation was asked while it ran.
    pub cancel_requested: bool,
    /// When it was enqueued.
    pub created_at: Timestamp,
    /// When it reached a final state.
    pub finished_at: Option<Timestamp>,
}

/// What a heartbeat tells the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heartbeat {
    /// Keep going; the lease was renewed.
    Continue,
    /// Someone asked to cancel: stop and call [`Store::finish_cancelled`].
    CancelRequested,
}

const TASK_COLUMNS: &str = "id, kind, payload, status, attempts, max_attempts, lease_owner, progress_done,
    progress_total, progress_message, last_error, result, cancel_requested, created_at, finished_at";

impl Store {
    /// Enqueues a task and returns its id; it runs as soon as a worker is free.
    pub async fn enqueue_task(&self, new: &NewTask) -> StoreResult<TaskId> {
        let now = Timestamp::now().millis();
        let row = sqlx::query(
            "INSERT INTO tasks (kind, payload, status, max_attempts, run_after, created_at, updated_at)
             VALUES ($1, $2, 'queued', $3, $4, $4, $4) RETURNING id",
        )
        .bind(&new.kind)
        .bind(new.payload.to_string())
        .bind(new.max_attempts.max(1))
        .bind(now)
        .fetch_one(self.pool())
        .await?;
        Ok(TaskId(row.try_get("id")?))
    }

    /// Records a task that `owner` runs itself, right now, instead of leaving it to the
    /// workers: work tied to this process (the node's own copy of the support assistant is
    /// trained where it serves), shown and followed like every task. No worker handles its
    /// kind: if the process dies, the lease runs out and the task is settled as failed.
    pub async fn start_task(
        &self,
        new: &NewTask,
        owner: &str,
        lease: Duration,
    ) -> StoreResult<TaskId> {
        let now = Timestamp::now();
        let row = sqlx::query(
            "INSERT INTO tasks (kind, payload, status, attempts, max_attempts, lease_owner, lease_until,
             run_after, created_at, updated_at)
             VALUES ($1, $2, 'running', 1, $3, $4, $5, $6, $6, $6) RETURNING id",
        )
        .bind(&new.kind)
        .bind(new.payload.to_string())
        .bind(new.max_attempts.max(1))
        .bind(owner)
        .bind(now.plus(lease).millis())
        .bind(now.millis())
        .fetch_one(self.pool())
        .await?;
        Ok(TaskId(row.try_get("id")?))
    }

    /// Claims the oldest runnable task of one of `kinds` for `owner`, for `lease`.
    /// A running task whose lease expired (its worker died) is runnable again.
    pub async fn claim_task(
        &self,
        owner: &str,
        kinds: &[&str],
        lease: Duration,
    ) -> StoreResult<Option<Task>> {
        if kinds.is_empty() {
            return Ok(None);
        }
        let now = Timestamp::now();
        self.fail_exhausted(now).await?;
        let placeholders: Vec<String> = (0..kinds.len()).map(|i| format!("${}", i + 4)).collect();
        let sql = format!(
            "UPDATE tasks SET status = 'running', lease_owner = $1, lease_until = $2,
             attempts = attempts + 1, updated_at = $3
             WHERE id = (SELECT id FROM tasks
                 WHERE ((status = 'queued' AND run_after <= $3) OR (status = 'running' AND lease_until < $3))
                 AND kind IN ({}) ORDER BY run_after, id LIMIT 1 {})
             RETURNING {TASK_COLUMNS}",
            placeholders.join(", "),
            self.backend().skip_locked()
        );
        let mut query = sqlx::query(&sql)
            .bind(owner)
            .bind(now.plus(lease).millis())
            .bind(now.millis());
        for k in kinds {
            query = query.bind(*k);
        }
        let row = query.fetch_optional(self.pool()).await?;
        row.as_ref().map(task_from_row).transpose()
    }

    /// Settles the running tasks whose lease expired and that must not run again: failed after
    /// their last allowed attempt, cancelled when a cancellation was asked.
    async fn fail_exhausted(&self, now: Timestamp) -> StoreResult<()> {
        let mut tx = self.write_tx().await?;
        let rows = sqlx::query(
            "UPDATE tasks SET status = 'failed', lease_owner = NULL, finished_at = $1, updated_at = $1,
             last_error = COALESCE(last_error, 'its worker stopped responding on every attempt')
             WHERE status = 'running' AND lease_until < $1 AND attempts >= max_attempts AND cancel_requested = 0
             RETURNING id, kind, attempts",
        )
        .bind(now.millis())
        .fetch_all(&mut *tx)
        .await?;
        for row in rows {
            record_finish(&mut tx, &row, "failed").await?;
        }
        // A task whose worker died after a cancellation was asked is cancelled, not run again.
        let rows = sqlx::query(
            "UPDATE tasks SET status = 'cancelled', lease_owner = NULL, finished_at = $1, updated_at = $1
             WHERE status = 'running' AND lease_until < $1 AND cancel_requested = 1
             RETURNING id, kind, attempts",
        )
        .bind(now.millis())
        .fetch_all(&mut *tx)
        .await?;
        for row in rows {
            record_finish(&mut tx, &row, "cancelled").await?;
        }
        tx.commit().await
    }

    /// Renews the lease and records progress. Fails with [`StoreError::Conflict`] when `owner`
    /// no longer holds the task (its lease expired and another worker took it).
    pub async fn task_progress(
        &self,
        id: TaskId,
        owner: &str,
        lease: Duration,
        progress: Option<(i64, i64, &str)>,
    ) -> StoreResult<Heartbeat> {
        let now = Timestamp::now();
        let (done, total, message) = progress.unwrap_or((-1, -1, ""));
        let row = sqlx::query(
            "UPDATE tasks SET lease_until = $1, updated_at = $2,
             progress_done = CASE WHEN $3 >= 0 THEN $3 ELSE progress_done END,
             progress_total = CASE WHEN $4 >= 0 THEN $4 ELSE progress_total END,
             progress_message = CASE WHEN $3 >= 0 THEN $5 ELSE progress_message END
             WHERE id = $6 AND lease_owner = $7 AND status = 'running'
             RETURNING cancel_requested",
        )
        .bind(now.plus(lease).millis())
        .bind(now.millis())
        .bind(done)
        .bind(total)
        .bind(message)
        .bind(id.0)
        .bind(owner)
        .fetch_optional(self.pool())
        .await?;
        match row {
            None => Err(lease_lost(id, owner)),
            Some(r) if r.try_get::<i64, _>("cancel_requested")? != 0 => {
                Ok(Heartbeat::CancelRequested)
            }
            Some(_) => Ok(Heartbeat::Continue),
        }
    }

    /// Records success with the handler's output.
    pub async fn complete_task(
        &self,
        id: TaskId,
        owner: &str,
        result: &serde_json::Value,
    ) -> StoreResult<()> {
        self.finish(id, owner, "succeeded", None, Some(result.to_string()))
            .await
    }

    /// Records a stop after a cancellation request.
    pub async fn finish_cancelled(&self, id: TaskId, owner: &str) -> StoreResult<()> {
        self.finish(
            id,
            owner,
            "cancelled",
            Some("cancelled while running"),
            None,
        )
        .await
    }

    /// Records a failure: the task is queued again after a backoff (`retry_base` doubled at
    /// each attempt, at most an hour) unless it was its last attempt or `permanent` is set.
    pub async fn fail_task(
        &self,
        id: TaskId,
        owner: &str,
        error: &str,
        permanent: bool,
        retry_base: Duration,
    ) -> StoreResult<TaskStatus> {
        let task = self.task(id).await?.ok_or_else(|| not_found(id))?;
        if permanent || task.attempts >= task.max_attempts {
            self.finish(id, owner, "failed", Some(error), None).await?;
            return Ok(TaskStatus::Failed);
        }
        let exponent = u32::try_from(task.attempts.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
        let delay = retry_base
            .saturating_mul(2u32.saturating_pow(exponent))
            .min(Duration::from_secs(3600));
        let now = Timestamp::now();
        let updated = sqlx::query(
            "UPDATE tasks SET status = 'queued', lease_owner = NULL, lease_until = NULL, last_error = $1,
             run_after = $2, updated_at = $3 WHERE id = $4 AND lease_owner = $5 AND status = 'running'",
        )
        .bind(error)
        .bind(now.plus(delay).millis())
        .bind(now.millis())
        .bind(id.0)
        .bind(owner)
        .execute(self.pool())
        .await?
        .rows_affected();
        if updated == 0 {
            return Err(lease_lost(id, owner));
        }
        Ok(TaskStatus::Queued)
    }

    /// Asks to cancel a task: a queued task is cancelled at once; a running one is flagged and
    /// its worker stops at its next heartbeat. Returns the status after the request.
    pub async fn cancel_task(&self, id: TaskId) -> StoreResult<TaskStatus> {
        let now = Timestamp::now().millis();
        let mut tx = self.write_tx().await?;
        let queued = sqlx::query(
            "UPDATE tasks SET status = 'cancelled', finished_at = $1, updated_at = $1
             WHERE id = $2 AND status = 'queued' RETURNING id, kind, attempts",
        )
        .bind(now)
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = queued {
            record_finish(&mut tx, &row, "cancelled").await?;
            tx.commit().await?;
            return Ok(TaskStatus::Cancelled);
        }
        sqlx::query("UPDATE tasks SET cancel_requested = 1, updated_at = $1 WHERE id = $2 AND status = 'running'")
            .bind(now)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(self.task(id).await?.ok_or_else(|| not_found(id))?.status)
    }

    /// A task by id.
    pub async fn task(&self, id: TaskId) -> StoreResult<Option<Task>> {
        let row = sqlx::query(&format!("SELECT {TASK_COLUMNS} FROM tasks WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(task_from_row).transpose()
    }

    /// The oldest task of `kind` that has not finished (queued or running), if any: lets work
    /// that is asked for again and again (embedding new chunks) be enqueued once at a time.
    pub async fn unfinished_task(&self, kind: &str) -> StoreResult<Option<Task>> {
        let row = sqlx::query(&format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE kind = $1 AND status IN ('queued', 'running')
             ORDER BY id LIMIT 1"
        ))
        .bind(kind)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(task_from_row).transpose()
    }

    /// The most recent tasks, newest first.
    pub async fn recent_tasks(&self, limit: i64) -> StoreResult<Vec<Task>> {
        let rows = sqlx::query(&format!(
            "SELECT {TASK_COLUMNS} FROM tasks ORDER BY id DESC LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(task_from_row).collect()
    }

    async fn finish(
        &self,
        id: TaskId,
        owner: &str,
        status: &str,
        error: Option<&str>,
        result: Option<String>,
    ) -> StoreResult<()> {
        let now = Timestamp::now().millis();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "UPDATE tasks SET status = $1, last_error = COALESCE($2, last_error), result = $3,
             lease_owner = NULL, lease_until = NULL, finished_at = $4, updated_at = $4
             WHERE id = $5 AND lease_owner = $6 AND status = 'running' RETURNING id, kind, attempts",
        )
        .bind(status)
        .bind(error)
        .bind(result)
        .bind(now)
        .bind(id.0)
        .bind(owner)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| lease_lost(id, owner))?;
        record_finish(&mut tx, &row, status).await?;
        tx.commit().await
    }
}

/// Appends the `task_finished` event in the transaction that finishes the task.
async fn record_finish(
    tx: &mut WriteTx,
    row: &sqlx::any::AnyRow,
    outcome: &str,
) -> StoreResult<()> {
    let event = Event::now(EventKind::TaskFinished {
        task_id: TaskId(row.try_get("id")?),
        task_kind: row.try_get("kind")?,
        outcome: outcome.to_string(),
        attempts: row.try_get("attempts")?,
    });
    events::append_in(tx, &event).await?;
    Ok(())
}

fn lease_lost(id: TaskId, owner: &str) -> StoreError {
    StoreError::Conflict(format!(
        "task {id} is no longer held by worker {owner} (lease expired or cancelled)"
    ))
}

fn not_found(id: TaskId) -> StoreError {
    StoreError::NotFound {
        what: "task",
        id: id.to_string(),
    }
}

fn task_from_row(row: &sqlx::any::AnyRow) -> StoreResult<Task> {
    let payload: String = row.try_get("payload")?;
    let status: String = row.try_get("status")?;
    let result: Option<String> = row.try_get("result")?;
    Ok(Task {
        id: TaskId(row.try_get("id")?),
        kind: row.try_get("kind")?,
        payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
        status: TaskStatus::parse(&status)?,
        attempts: row.try_get("attempts")?,
        max_attempts: row.try_get("max_attempts")?,
        lease_owner: row.try_get("lease_owner")?,
        progress_done: row.try_get("progress_done")?,
        progress_total: row.try_get("progress_total")?,
        progress_message: row.try_get("progress_message")?,
        last_error: row.try_get("last_error")?,
        result: result.and_then(|r| serde_json::from_str(&r).ok()),
        cancel_requested: row.try_get::<i64, _>("cancel_requested")? != 0,
        created_at: Timestamp(row.try_get("created_at")?),
        finished_at: row.try_get::<Option<i64>, _>("finished_at")?.map(Timestamp),
    })
}
