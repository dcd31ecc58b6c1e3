//! `/api/v1/documents`: add, read and remove documents.

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::knowledge;
use axum::extract::{ConnectInfo, Multipart, Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Serialize;
use std::net::SocketAddr;
use utoipa::ToSchema;

/// What an upload did.
#[derive(Serialize, ToSchema)]
pub struct UploadResult {
    /// Documents added.
    pub added: usize,
    /// Documents replaced by a new version (same file name).
    pub updated: usize,
    /// Documents whose content did not change.
    pub unchanged: usize,
    /// Files that could not be read, each with its reason.
    pub failed: Vec<FailureView>,
}

/// A file that could not be read.
#[derive(Serialize, ToSchema)]
pub struct FailureView {
    /// The file.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// A document with its passages.
#[derive(Serialize, ToSchema)]
pub struct DocumentView {
    /// Identifier.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Media type.
    pub media_type: String,
    /// Language.
    pub language: Option<String>,
    /// Version.
    pub version: i64,
    /// Groups that may read it.
    pub groups: Vec<String>,
    /// Its text.
    pub text: Option<String>,
    /// Passages (id, headings, text).
    pub passages: Vec<PassageView>,
}

/// A passage.
#[derive(Serialize, ToSchema)]
pub struct PassageView {
    /// Identifier (as in search hits).
    pub id: i64,
    /// Headings above it.
    pub heading_path: Vec<String>,
    /// Text.
    pub text: String,
}

/// Adds documents: `multipart/form-data` with one or more `file` parts and one or more `group`
/// fields (the groups that may read them; yours unless you are an admin).
#[utoipa::path(post, path = "/api/v1/documents", tag = "documents",
    request_body(content_type = "multipart/form-data", description = "file parts and group fields"),
    responses((status = 201, body = UploadResult), (status = 400, description = "no file or no group"), (status = 413, description = "too large")))]
pub async fn upload(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(caller): Extension<Caller>,
    multipart: Multipart,
) -> ApiResult<(StatusCode, Json<UploadResult>)> {
    let (files, groups) = crate::pages::search::read_upload(multipart).await?;
    let report =
        knowledge::ingest_uploads(&state, &caller, &peer.ip().to_string(), files, groups).await?;
    Ok((
        StatusCode::CREATED,
        Json(UploadResult {
            added: report.added,
            updated: report.updated,
            unchanged: report.unchanged,
            failed: report
                .failed
                .into_iter()
                .map(|f| FailureView {
                    path: f.path,
                    reason: f.reason,
                })
                .collect(),
        }),
    ))
}

/// A document the caller may read (404 otherwise).
#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "documents", params(("id" = i64, Path, description = "document id")),
    responses((status = 200, body = DocumentView), (status = 404, description = "no such document, or not readable by you")))]
pub async fn get(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> ApiResult<Json<DocumentView>> {
    let d = knowledge::readable_document(&state, &caller, id).await?;
    Ok(Json(DocumentView {
        id: d.id.0,
        title: d.title,
        media_type: d.media_type,
        language: d.language,
        version: d.version,
        groups: d.groups,
        text: d.body,
        passages: d
            .chunks
            .into_iter()
            .map(|c| PassageView {
                id: c.id.0,
                heading_path: c.heading_path,
                text: c.body,
            })
            .collect(),
    }))
}

/// Removes a document (admins).
#[utoipa::path(delete, path = "/api/v1/documents/{id}", tag = "documents", params(("id" = i64, Path, description = "document id")),
    responses((status = 204, description = "removed"), (status = 404, description = "no such document")))]
pub async fn remove(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    knowledge::remove_document(&state, &caller, &peer.ip().to_string(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
