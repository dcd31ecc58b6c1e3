//! `/api/v1/tasks`: long-running work and its progress.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::{Path, Query, State};
use levier_core::ids::TaskId;
use levier_store::tasks::Task;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A task and its progress.
#[derive(Serialize, ToSchema)]
pub struct TaskView {
    /// Identifier.
    pub id: i64,
    /// Kind, e.g. `demo.load`.
    pub kind: String,
    /// queued, running, succeeded, failed or cancelled.
    pub status: String,
    /// Attempts started.
    pub attempts: i64,
    /// Units done.
    pub progress_done: i64,
    /// Units in all (0 when unknown).
    pub progress_total: i64,
    /// What it is doing.
    pub progress_message: String,
    /// Last failure.
    pub last_error: Option<String>,
    /// Output, once succeeded.
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
    /// Enqueued at, milliseconds since the epoch.
    pub created_at: i64,
    /// Finished at.
    pub finished_at: Option<i64>,
}

impl From<Task> for TaskView {
    fn from(t: Task) -> Self {
        TaskView {
            id: t.id.0,
            kind: t.kind,
            status: serde_json::to_value(t.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            attempts: t.attempts,
            progress_done: t.progress_done,
            progress_total: t.progress_total,
            progress_message: t.progress_message,
            last_error: t.last_error,
            result: t.result,
            created_at: t.created_at.millis(),
            finished_at: t.finished_at.map(|f| f.millis()),
        }
    }
}

/// How many tasks to list.
#[derive(Deserialize, IntoParams)]
pub struct TaskQuery {
    /// 1 to 200, default 50.
    pub limit: Option<i64>,
}

/// Recent tasks, newest first.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "tasks", params(TaskQuery), responses((status = 200, body = [TaskView])))]
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<TaskQuery>,
) -> ApiResult<Json<Vec<TaskView>>> {
    let tasks = state
        .store
        .recent_tasks(q.limit.unwrap_or(50).clamp(1, 200))
        .await?;
    Ok(Json(tasks.into_iter().map(TaskView::from).collect()))
}

/// One task with its progress.
#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "tasks", params(("id" = i64, Path, description = "task id")),
    responses((status = 200, body = TaskView), (status = 404, description = "no such task")))]
pub async fn get(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult<Json<TaskView>> {
    let task = state
        .store
        .task(TaskId(id))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("task {id}")))?;
    Ok(Json(task.into()))
}

/// Cancels a task: at once if queued, at its next progress report if running.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/cancel", tag = "tasks", params(("id" = i64, Path, description = "task id")),
    responses((status = 200, body = TaskView), (status = 404, description = "no such task")))]
pub async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Json<TaskView>> {
    state.store.cancel_task(TaskId(id)).await?;
    get(State(state), Path(id)).await
}
