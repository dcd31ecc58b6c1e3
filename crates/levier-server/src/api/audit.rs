//! `/api/v1/audit`: the audit log (admins).

use crate::AppState;
use crate::error::ApiResult;
use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Paging of the audit log.
#[derive(Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Only entries before this sequence number (for the next page).
    pub before: Option<i64>,
    /// How many (1 to 500, default 100).
    pub limit: Option<i64>,
}

/// An audit entry.
#[derive(Serialize, ToSchema)]
pub struct AuditView {
    /// Position in the log.
    pub seq: i64,
    /// When, milliseconds since the epoch.
    pub at: i64,
    /// Who acted.
    pub actor: String,
    /// What was done.
    pub action: String,
    /// On what.
    pub target: String,
    /// Details.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// From which address.
    pub ip: String,
}

/// The newest audit entries first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "accounts", params(AuditQuery), responses((status = 200, body = [AuditView])))]
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Vec<AuditView>>> {
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    let entries = state
        .store
        .audit_entries(q.before.unwrap_or(0), limit)
        .await?;
    Ok(Json(
        entries
            .into_iter()
            .map(|e| AuditView {
                seq: e.seq,
                at: e.at.millis(),
                actor: e.actor,
                action: e.action,
                target: e.target,
                details: e.details,
                ip: e.ip,
            })
            .collect(),
    ))
}
