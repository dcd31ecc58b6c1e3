//! `/api/v1/privacy`: a person's data under the GDPR (admins): export everything held about an
//! address, or erase it. Each call is audited (who, whose data as a hash of the address, how
//! many rows of each kind); an export whose audit entry cannot be written is not returned.

use super::json::ApiJson;
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use axum::extract::{ConnectInfo, Query, State};
use axum::{Extension, Json};
use levier_store::privacy::{Erasure, PersonRecord, audit_entry};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use utoipa::{IntoParams, ToSchema};

/// Whose data.
#[derive(Deserialize, IntoParams)]
pub struct ExportQuery {
    /// The person's e-mail address.
    pub email: Option<String>,
}

/// Whose data to erase.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseBody {
    /// The person's e-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Also remove the company documents that mention the address (each audited as
    /// `document.remove`); a folder's file comes back at its next ingestion unless it is
    /// removed there too.
    #[serde(default)]
    pub documents: bool,
}

/// The erasure report, and the documents removed when asked.
#[derive(Serialize)]
pub struct Erased {
    /// What the store erased and could not reach.
    #[serde(flatten)]
    pub erasure: Erasure,
    /// Ids of the documents removed (`documents: true`).
    pub documents_removed: Vec<i64>,
}

/// Everything held about the person: their rows by kind, and what holds their data elsewhere
/// (documents mentioning them, backups, mail sources).
#[utoipa::path(get, path = "/api/v1/privacy/export", tag = "accounts", params(ExportQuery),
    responses((status = 200, description = "the person's record (`email`, `held`, `elsewhere`)"),
        (status = 400, description = "no or invalid e-mail address"), (status = 403, description = "not an admin")))]
pub async fn export(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Json<PersonRecord>> {
    let email = required_email(q.email)?;
    let record = state.store.export_person(&email).await?;
    let ip = peer.ip().to_string();
    audit(
        &state,
        &caller,
        &ip,
        "privacy.export",
        &email,
        &record.counts(),
    )
    .await?;
    Ok(Json(record))
}

/// Erases the person's data in one transaction: rows erased per kind, what it could not reach
/// (backups, mail sources, documents) and what remains to do; with `documents`, the
/// documents mentioning the address are removed too, and this node's index follows at once.
#[utoipa::path(post, path = "/api/v1/privacy/erase", tag = "accounts", request_body = EraseBody,
    responses((status = 200, description = "the erasure report (`erased`, `elsewhere`, `notes`)"),
        (status = 400, description = "no or invalid e-mail address"), (status = 403, description = "not an admin")))]
pub async fn erase(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(caller): Extension<Caller>,
    ApiJson(body): ApiJson<EraseBody>,
) -> ApiResult<Json<Erased>> {
    let email = required_email(body.email)?;
    let erasure = state.store.erase_person(&email).await?;
    let ip = peer.ip().to_string();
    audit(
        &state,
        &caller,
        &ip,
        "privacy.erase",
        &email,
        &erasure.erased,
    )
    .await?;
    let mut documents_removed = Vec::new();
    if body.documents {
        for id in erasure
            .elsewhere
            .documents
            .iter()
            .filter_map(|d| d["id"].as_i64())
        {
            crate::knowledge::remove_document(&state, &caller, &ip, id).await?;
            documents_removed.push(id);
        }
        // This node's index follows the store at once, so its next search no longer finds
        // them; other nodes' follow within their usual delay.
        if let Some(index) = &state.index {
            index
                .lexical()
                .sync(&state.store)
                .await
                .map_err(|e| ApiError::internal(&e))?;
        }
    }
    Ok(Json(Erased {
        erasure,
        documents_removed,
    }))
}

fn required_email(email: Option<String>) -> ApiResult<String> {
    email.filter(|e| !e.trim().is_empty()).ok_or_else(|| {
        ApiError::invalid_field("email", "email: the person's e-mail address is required")
    })
}

async fn audit(
    state: &AppState,
    caller: &Caller,
    ip: &str,
    action: &str,
    email: &str,
    counts: &BTreeMap<&'static str, usize>,
) -> ApiResult<()> {
    let entry = audit_entry(
        action,
        email,
        counts,
        Some(caller.user.id),
        caller.label(),
        ip.to_owned(),
    )?;
    state.store.audit(&entry).await?;
    Ok(())
}
