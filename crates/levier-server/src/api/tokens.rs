//! `/api/v1/tokens`: API tokens of the caller (all tokens for admins).

use super::json::ApiJson;
use crate::AppState;
use crate::admin;
use crate::auth::Caller;
use crate::error::ApiResult;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use levier_core::Role;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use utoipa::ToSchema;

/// A token as listed: never its secret.
#[derive(Serialize, ToSchema)]
pub struct TokenView {
    /// Identifier.
    pub id: i64,
    /// Owner's e-mail.
    pub owner: String,
    /// What it is for.
    pub name: String,
    /// First characters of the secret.
    pub prefix: String,
    /// Role it acts with.
    pub role: String,
    /// Expiry, milliseconds since the epoch.
    pub expires_at: Option<i64>,
    /// Revocation time, if revoked.
    pub revoked_at: Option<i64>,
    /// Last use.
    pub last_used_at: Option<i64>,
}

/// A token to create.
#[derive(Deserialize, ToSchema)]
pub struct NewToken {
    /// What it is for.
    pub name: String,
    /// Role it acts with (at most the caller's).
    pub role: String,
    /// Validity in days; absent for no expiry.
    pub expires_in_days: Option<u64>,
}

/// A created token: the secret is in this response only.
#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    /// Identifier.
    pub id: i64,
    /// The secret, to send as `Authorization: Bearer …`. Shown once.
    pub token: String,
}

/// Tokens of the caller (all, for admins).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts", responses((status = 200, body = [TokenView])))]
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> ApiResult<Json<Vec<TokenView>>> {
    let owner = (caller.role != Role::Admin).then_some(caller.user.id);
    let tokens = state.store.api_tokens(owner).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| TokenView {
                id: t.id,
                owner: t.user_email,
                name: t.name,
                prefix: t.prefix,
                role: t.role.as_str().into(),
                expires_at: t.expires_at.map(|x| x.millis()),
                revoked_at: t.revoked_at.map(|x| x.millis()),
                last_used_at: t.last_used_at.map(|x| x.millis()),
            })
            .collect(),
    ))
}

/// Creates a token for the caller.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = NewToken, responses((status = 201, body = CreatedToken), (status = 400, description = "invalid field")))]
pub async fn create(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(caller): Extension<Caller>,
    ApiJson(new): ApiJson<NewToken>,
) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    let (id, token) = admin::create_token(
        &state,
        &caller,
        &peer.ip().to_string(),
        &new.name,
        &new.role,
        new.expires_in_days,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { id, token })))
}

/// Revokes a token (the caller's own; any, for admins).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", params(("id" = i64, Path, description = "token id")),
    responses((status = 204, description = "revoked"), (status = 404, description = "no such token of yours")))]
pub async fn revoke(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    admin::revoke_token(&state, &caller, &peer.ip().to_string(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
