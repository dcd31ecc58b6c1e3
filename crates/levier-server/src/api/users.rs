//! `/api/v1/me` and `/api/v1/users`.

use super::json::ApiJson;
use crate::AppState;
use crate::admin::{self, UserChanges, UserInput};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use levier_core::ids::UserId;
use levier_store::directory::User;
use serde::Serialize;
use std::net::SocketAddr;
use utoipa::ToSchema;

/// An account as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct UserView {
    /// Identifier.
    pub id: i64,
    /// Login e-mail.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: String,
    /// Team.
    pub team: Option<String>,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
    /// Access groups.
    pub groups: Vec<String>,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        UserView {
            id: u.id.0,
            email: u.email,
            display_name: u.display_name,
            role: u.role.as_str().into(),
            team: u.team,
            disabled: u.disabled,
            groups: u.groups,
        }
    }
}

/// The caller, and the role this request acts with.
#[derive(Serialize, ToSchema)]
pub struct Me {
    /// The account.
    pub user: UserView,
    /// The role of this request (an API token's may be lower than the account's).
    pub acting_role: String,
}

/// Who am I.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", responses((status = 200, body = Me), (status = 401, description = "not authenticated")))]
pub async fn me(Extension(caller): Extension<Caller>) -> Json<Me> {
    Json(Me {
        acting_role: caller.role.as_str().into(),
        user: caller.user.into(),
    })
}

/// All accounts (admins).
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", responses((status = 200, body = [UserView]), (status = 403, description = "not an admin")))]
pub async fn list(State(state): State<AppState>) -> ApiResult<Json<Vec<UserView>>> {
    Ok(Json(
        state
            .store
            .users()
            .await?
            .into_iter()
            .map(UserView::from)
            .collect(),
    ))
}

/// Creates an account (admins).
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = UserInput,
    responses((status = 201, body = UserView), (status = 400, description = "invalid field"), (status = 409, description = "e-mail already used")))]
pub async fn create(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(caller): Extension<Caller>,
    ApiJson(input): ApiJson<UserInput>,
) -> ApiResult<(StatusCode, Json<UserView>)> {
    let user = admin::create_user(&state, &caller, &peer.ip().to_string(), input).await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

/// Changes an account's role, groups or status (admins).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "accounts", request_body = UserChanges,
    params(("id" = i64, Path, description = "user id")),
    responses((status = 200, body = UserView), (status = 404, description = "no such user")))]
pub async fn update(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    ApiJson(changes): ApiJson<UserChanges>,
) -> ApiResult<Json<UserView>> {
    if id <= 0 {
        return Err(ApiError::not_found(format!("user {id}")));
    }
    Ok(Json(
        admin::update_user(&state, &caller, &peer.ip().to_string(), UserId(id), changes)
            .await?
            .into(),
    ))
}
