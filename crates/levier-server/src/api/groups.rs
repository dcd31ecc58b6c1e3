//! `/api/v1/groups`: access groups.

use super::json::ApiJson;
use crate::AppState;
use crate::admin;
use crate::auth::Caller;
use crate::error::ApiResult;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use utoipa::ToSchema;

/// An access group.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct GroupView {
    /// Stable identifier (lowercase letters, digits, - and _).
    pub slug: String,
    /// Display name.
    pub name: String,
    /// What it covers.
    #[serde(default)]
    pub description: String,
}

/// All access groups (admins).
#[utoipa::path(get, path = "/api/v1/groups", tag = "accounts", responses((status = 200, body = [GroupView])))]
pub async fn list(State(state): State<AppState>) -> ApiResult<Json<Vec<GroupView>>> {
    let groups = state.store.groups().await?;
    Ok(Json(
        groups
            .into_iter()
            .map(|(_, slug, name)| GroupView {
                slug,
                name,
                description: String::new(),
            })
            .collect(),
    ))
}

/// Creates or renames a group (admins).
#[utoipa::path(post, path = "/api/v1/groups", tag = "accounts", request_body = GroupView, responses((status = 201, body = GroupView), (status = 400, description = "invalid field")))]
pub async fn create(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(caller): Extension<Caller>,
    ApiJson(group): ApiJson<GroupView>,
) -> ApiResult<(StatusCode, Json<GroupView>)> {
    admin::create_group(
        &state,
        &caller,
        &peer.ip().to_string(),
        &group.slug,
        &group.name,
        &group.description,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(group)))
}

/// Deletes a group (admins).
#[utoipa::path(delete, path = "/api/v1/groups/{slug}", tag = "accounts", params(("slug" = String, Path, description = "group slug")),
    responses((status = 204, description = "deleted"), (status = 404, description = "no such group")))]
pub async fn delete(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(caller): Extension<Caller>,
    Path(slug): Path<String>,
) -> ApiResult<StatusCode> {
    admin::delete_group(&state, &caller, &peer.ip().to_string(), &slug).await?;
    Ok(StatusCode::NO_CONTENT)
}
