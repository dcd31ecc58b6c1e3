//! Settings pages: users, groups, API tokens and the audit log.

use super::{NavItem, Page, Shell, page, role_label, settings_nav};
use crate::AppState;
use crate::admin::{self, UserChanges, UserInput};
use crate::auth::Caller;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use levier_core::Role;
use levier_core::ids::UserId;
use serde::Deserialize;
use std::net::SocketAddr;

/// A role as offered in a select: (name, label).
type RoleOption = (String, String);

fn role_options(page: &Shell, allowed: impl Fn(Role) -> bool) -> Vec<RoleOption> {
    Role::ALL
        .into_iter()
        .filter(|r| allowed(*r))
        .map(|r| (r.as_str().to_string(), role_label(page.t, r)))
        .collect()
}

fn split_groups(raw: &str) -> Vec<String> {
    raw.split([',', ' '])
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Flash message keys a redirect may ask for.
#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
    before: Option<i64>,
}

fn flash(shell: &mut Shell, done: &Done) {
    let key = match done.done.as_deref() {
        Some("user-created") => "users.created",
        Some("user-updated") => "users.updated",
        Some("group-created") => "groups.created",
        Some("group-deleted") => "groups.deleted",
        _ => return,
    };
    shell.flash = Some(shell.t.t(key));
}

/// A user row of the users page.
pub struct UserRow {
    id: i64,
    name: String,
    email: String,
    role: String,
    role_label: String,
    groups: String,
    disabled: bool,
}

#[derive(Template)]
#[template(path = "settings_users.html")]
struct UsersPage {
    shell: Shell,
    subnav: Vec<NavItem>,
    users: Vec<UserRow>,
    roles: Vec<RoleOption>,
    error: Option<String>,
}

async fn users_page(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    done: &Done,
    error: Option<String>,
) -> Response {
    let users = match state.store.users().await {
        Ok(u) => u,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Page { mut shell, cookies } = page(state, headers, Some(caller), "/settings/users").await;
    flash(&mut shell, done);
    let status = super::status_for(error.is_some());
    let template = UsersPage {
        subnav: settings_nav(shell.t, caller.role, "/settings/users"),
        users: users
            .into_iter()
            .map(|u| UserRow {
                id: u.id.0,
                role_label: role_label(shell.t, u.role),
                role: u.role.as_str().into(),
                name: u.display_name,
                email: u.email,
                groups: u.groups.join(", "),
                disabled: u.disabled,
            })
            .collect(),
        roles: role_options(&shell, |_| true),
        error,
        shell,
    };
    super::render_with(&template, status, cookies)
}

/// `GET /settings/users`.
pub async fn users(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Query(done): Query<Done>,
) -> Response {
    users_page(&state, &headers, &caller, &done, None).await
}

/// The new-user form.
#[derive(Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    groups: String,
    #[serde(default)]
    password: String,
}

/// `POST /settings/users`.
pub async fn create_user(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Form(form): Form<NewUserForm>,
) -> Response {
    let input = UserInput {
        email: form.email,
        display_name: form.name,
        role: form.role,
        password: form.password,
        groups: split_groups(&form.groups),
    };
    match admin::create_user(&state, &caller, &peer.ip().to_string(), input).await {
        Ok(_) => Redirect::to("/settings/users?done=user-created").into_response(),
        Err(e) => users_page(&state, &headers, &caller, &Done::default(), Some(e.detail)).await,
    }
}

/// The user-update form.
#[derive(Deserialize)]
pub struct UpdateUserForm {
    role: Option<String>,
    groups: Option<String>,
    #[serde(default)]
    action: String,
}

/// `POST /settings/users/{id}`.
pub async fn update_user(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(form): Form<UpdateUserForm>,
) -> Response {
    let changes = match form.action.as_str() {
        "enable" => UserChanges {
            disabled: Some(false),
            ..UserChanges::default()
        },
        "disable" => UserChanges {
            disabled: Some(true),
            ..UserChanges::default()
        },
        _ => UserChanges {
            role: form.role,
            groups: form.groups.as_deref().map(split_groups),
            disabled: None,
        },
    };
    match admin::update_user(&state, &caller, &peer.ip().to_string(), UserId(id), changes).await {
        Ok(_) => Redirect::to("/settings/users?done=user-updated").into_response(),
        Err(e) => users_page(&state, &headers, &caller, &Done::default(), Some(e.detail)).await,
    }
}

#[derive(Template)]
#[template(path = "settings_groups.html")]
struct GroupsPage {
    shell: Shell,
    subnav: Vec<NavItem>,
    groups: Vec<(String, String)>,
    error: Option<String>,
}

async fn groups_page(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    done: &Done,
    error: Option<String>,
) -> Response {
    let groups = match state.store.groups().await {
        Ok(g) => g,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Page { mut shell, cookies } = page(state, headers, Some(caller), "/settings/groups").await;
    flash(&mut shell, done);
    let status = super::status_for(error.is_some());
    let template = GroupsPage {
        subnav: settings_nav(shell.t, caller.role, "/settings/groups"),
        groups: groups
            .into_iter()
            .map(|(_, slug, name)| (slug, name))
            .collect(),
        error,
        shell,
    };
    super::render_with(&template, status, cookies)
}

/// `GET /settings/groups`.
pub async fn groups(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Query(done): Query<Done>,
) -> Response {
    groups_page(&state, &headers, &caller, &done, None).await
}

/// The new-group form.
#[derive(Deserialize)]
pub struct GroupForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
}

/// `POST /settings/groups`.
pub async fn create_group(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Form(form): Form<GroupForm>,
) -> Response {
    match admin::create_group(
        &state,
        &caller,
        &peer.ip().to_string(),
        &form.slug,
        &form.name,
        &form.description,
    )
    .await
    {
        Ok(()) => Redirect::to("/settings/groups?done=group-created").into_response(),
        Err(e) => groups_page(&state, &headers, &caller, &Done::default(), Some(e.detail)).await,
    }
}

/// `POST /settings/groups/{slug}/delete`.
pub async fn delete_group(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Path(slug): Path<String>,
) -> Response {
    match admin::delete_group(&state, &caller, &peer.ip().to_string(), &slug).await {
        Ok(()) => Redirect::to("/settings/groups?done=group-deleted").into_response(),
        Err(e) => groups_page(&state, &headers, &caller, &Done::default(), Some(e.detail)).await,
    }
}

/// A token row of the tokens page.
pub struct TokenRow {
    id: i64,
    name: String,
    owner: String,
    prefix: String,
    role_label: String,
    expires: String,
    last_used: String,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "settings_tokens.html")]
struct TokensPage {
    shell: Shell,
    subnav: Vec<NavItem>,
    tokens: Vec<TokenRow>,
    roles: Vec<RoleOption>,
    created: Option<String>,
    error: Option<String>,
}

async fn tokens_page(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    created: Option<String>,
    error: Option<String>,
) -> Response {
    let owner = (caller.role != Role::Admin).then_some(caller.user.id);
    let tokens = match state.store.api_tokens(owner).await {
        Ok(t) => t,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Page { shell, cookies } = page(state, headers, Some(caller), "/settings/tokens").await;
    let never = shell.t.t("tokens.never");
    let status = super::status_for(error.is_some());
    let template = TokensPage {
        subnav: settings_nav(shell.t, caller.role, "/settings/tokens"),
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                id: t.id,
                role_label: role_label(shell.t, t.role),
                name: t.name,
                owner: t.user_email,
                prefix: t.prefix,
                expires: t
                    .expires_at
                    .map_or_else(|| never.clone(), crate::format::date),
                last_used: t
                    .last_used_at
                    .map_or_else(|| never.clone(), crate::format::date_time),
                revoked: t.revoked_at.is_some(),
            })
            .collect(),
        roles: role_options(&shell, |r| caller.role.includes(r)),
        created,
        error,
        shell,
    };
    let mut response = super::render_with(&template, status, cookies);
    // The page may show a token's secret: never keep it in a cache or in the history.
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

/// `GET /settings/tokens`.
pub async fn tokens(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
) -> Response {
    tokens_page(&state, &headers, &caller, None, None).await
}

/// The new-token form.
#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    days: String,
}

/// `POST /settings/tokens`: shows the secret once, in this response only.
pub async fn create_token(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Form(form): Form<TokenForm>,
) -> Response {
    let days = match form.days.trim() {
        "" => Ok(None),
        d => d
            .parse::<u64>()
            .map(Some)
            .map_err(|_| "validity must be a whole number of days".to_string()),
    };
    let result = match days {
        Ok(days) => admin::create_token(
            &state,
            &caller,
            &peer.ip().to_string(),
            &form.name,
            &form.role,
            days,
        )
        .await
        .map_err(|e| e.detail),
        Err(e) => Err(e),
    };
    match result {
        Ok((_, secret)) => tokens_page(&state, &headers, &caller, Some(secret), None).await,
        Err(e) => tokens_page(&state, &headers, &caller, None, Some(e)).await,
    }
}

/// `POST /settings/tokens/{id}/revoke`.
pub async fn revoke_token(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Response {
    match admin::revoke_token(&state, &caller, &peer.ip().to_string(), id).await {
        Ok(()) => Redirect::to("/settings/tokens").into_response(),
        Err(e) => tokens_page(&state, &headers, &caller, None, Some(e.detail)).await,
    }
}

/// An entry of the audit page.
pub struct AuditRow {
    when: String,
    actor: String,
    action: String,
    target: String,
    details: String,
    ip: String,
}

#[derive(Template)]
#[template(path = "settings_audit.html")]
struct AuditPage {
    shell: Shell,
    subnav: Vec<NavItem>,
    entries: Vec<AuditRow>,
    older: Option<i64>,
}

/// Entries shown per audit page.
const AUDIT_PAGE: i64 = 100;

/// `GET /settings/audit`.
pub async fn audit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Query(q): Query<Done>,
) -> Response {
    let entries = match state
        .store
        .audit_entries(q.before.unwrap_or(0), AUDIT_PAGE)
        .await
    {
        Ok(e) => e,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let older = (entries.len() as i64 == AUDIT_PAGE)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    let Page { shell, cookies } = page(&state, &headers, Some(&caller), "/settings/audit").await;
    let template = AuditPage {
        subnav: settings_nav(shell.t, caller.role, "/settings/audit"),
        entries: entries
            .into_iter()
            .map(|e| AuditRow {
                when: crate::format::date_time(e.at),
                actor: e.actor,
                action: e.action,
                target: e.target,
                details: e.details.to_string(),
                ip: e.ip,
            })
            .collect(),
        older,
        shell,
    };
    super::render_with(&template, StatusCode::OK, cookies)
}
