//! Administrative operations shared by the API and the settings pages: each validates its
//! input, applies the change and writes the audit entry, so both interfaces behave the same.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use levier_core::ids::UserId;
use levier_core::password::hash_password;
use levier_core::{Role, Timestamp};
use levier_store::audit::NewAuditEntry;
use levier_store::directory::{NewUser, User};
use std::time::Duration;

/// A new account.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct UserInput {
    /// Login e-mail.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Role name: admin, agent, champion, member or viewer.
    pub role: String,
    /// Initial password (8 characters or more).
    pub password: String,
    /// Access groups (slugs).
    #[serde(default)]
    pub groups: Vec<String>,
}

/// Changes to an account; absent fields are left as they are.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct UserChanges {
    /// New role.
    pub role: Option<String>,
    /// Disable (true) or re-enable (false).
    pub disabled: Option<bool>,
    /// Replace the access groups.
    pub groups: Option<Vec<String>>,
}

fn parse_role(field: &str, raw: &str) -> ApiResult<Role> {
    raw.parse()
        .map_err(|e: levier_core::role::UnknownRole| ApiError::invalid_field(field, e.to_string()))
}

/// Writes the audit entry of an action by `caller`; a failure to write it is logged, never
/// hidden from the operator, but does not undo the action already done.
pub(crate) async fn audit(
    state: &AppState,
    caller: &Caller,
    ip: &str,
    action: &str,
    target: String,
    details: serde_json::Value,
) {
    let entry = NewAuditEntry {
        actor_user_id: Some(caller.user.id),
        actor: caller.label(),
        action: action.into(),
        target,
        details,
        ip: ip.into(),
    };
    if let Err(e) = state.store.audit(&entry).await {
        tracing::error!(error = %e, action, "could not write the audit entry");
    }
}

/// Creates an account.
pub async fn create_user(
    state: &AppState,
    caller: &Caller,
    ip: &str,
    input: UserInput,
) -> ApiResult<User> {
    let role = parse_role("role", &input.role)?;
    if input.display_name.trim().is_empty() {
        return Err(ApiError::invalid_field(
            "display_name",
            "a name is required",
        ));
    }
    let hash = hash_password(&input.password)
        .map_err(|e| ApiError::invalid_field("password", e.to_string()))?;
    let new = NewUser {
        email: input.email.clone(),
        display_name: input.display_name.clone(),
        role,
        password_hash: Some(hash),
        team: None,
        groups: input.groups.clone(),
    };
    let id = state.store.create_user(&new, Some(caller.user.id)).await?;
    audit(state, caller, ip, "user.create", format!("user:{id}"), serde_json::json!({ "email": new.email.trim().to_lowercase(), "role": role, "groups": input.groups })).await;
    state
        .store
        .user_by_id(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("user {id}")))
}

/// Applies changes to an account. An admin cannot demote or disable themselves, so an
/// installation always keeps an administrator able to act.
pub async fn update_user(
    state: &AppState,
    caller: &Caller,
    ip: &str,
    id: UserId,
    changes: UserChanges,
) -> ApiResult<User> {
    let user = state
        .store
        .user_by_id(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("user {id}")))?;
    let role = changes
        .role
        .as_deref()
        .map(|r| parse_role("role", r))
        .transpose()?;
    if user.id == caller.user.id
        && (role.is_some_and(|r| r != Role::Admin) || changes.disabled == Some(true))
    {
        return Err(ApiError::conflict(
            "you cannot remove your own administrator rights; ask another administrator",
        ));
    }
    if let Some(groups) = &changes.groups {
        state.store.set_user_groups(id, groups).await?;
    }
    if let Some(role) = role.filter(|r| *r != user.role) {
        state.store.set_user_role(id, role).await?;
        state.store.delete_sessions_of(id).await?;
    }
    if let Some(disabled) = changes.disabled.filter(|d| *d != user.disabled) {
        state.store.set_user_disabled(id, disabled).await?;
        if disabled {
            state.store.delete_sessions_of(id).await?;
        }
    }
    let details =
        serde_json::json!({ "role": role, "disabled": changes.disabled, "groups": changes.groups });
    audit(
        state,
        caller,
        ip,
        "user.update",
        format!("user:{id}"),
        details,
    )
    .await;
    state
        .store
        .user_by_id(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("user {id}")))
}

/// Creates (or renames) an access group.
pub async fn create_group(
    state: &AppState,
    caller: &Caller,
    ip: &str,
    slug: &str,
    name: &str,
    description: &str,
) -> ApiResult<()> {
    let slug = slug.trim().to_lowercase();
    if slug.is_empty()
        || !slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    {
        return Err(ApiError::invalid_field(
            "slug",
            "use lowercase letters, digits, - and _ only",
        ));
    }
    if name.trim().is_empty() {
        return Err(ApiError::invalid_field("name", "a name is required"));
    }
    state
        .store
        .upsert_group(&slug, name.trim(), description.trim())
        .await?;
    audit(
        state,
        caller,
        ip,
        "group.create",
        format!("group:{slug}"),
        serde_json::json!({ "name": name.trim() }),
    )
    .await;
    Ok(())
}

/// Deletes an access group.
pub async fn delete_group(
    state: &AppState,
    caller: &Caller,
    ip: &str,
    slug: &str,
) -> ApiResult<()> {
    if !state.store.delete_group(slug).await? {
        return Err(ApiError::not_found(format!("group {slug}")));
    }
    audit(
        state,
        caller,
        ip,
        "group.delete",
        format!("group:{slug}"),
        serde_json::json!({}),
    )
    .await;
    Ok(())
}

/// Creates an API token for the caller and returns (id, secret).
pub async fn create_token(
    state: &AppState,
    caller: &Caller,
    ip: &str,
    name: &str,
    role: &str,
    days: Option<u64>,
) -> ApiResult<(i64, String)> {
    let role = parse_role("role", role)?;
    // The role this request acts with, not the owner's: a read-only token of an administrator
    // must not mint itself an administrator token.
    if !caller.role.includes(role) {
        return Err(ApiError::invalid_field(
            "role",
            format!(
                "a token cannot have more rights than the role you act with ({})",
                caller.role
            ),
        ));
    }
    let name_len = name.trim().chars().count();
    if name_len == 0 || name_len > 100 {
        return Err(ApiError::invalid_field(
            "name",
            "a token needs a name of 1 to 100 characters",
        ));
    }
    if days == Some(0) || days.is_some_and(|d| d > 3650) {
        return Err(ApiError::invalid_field(
            "expires_in_days",
            "between 1 and 3650 days, or absent for no expiry",
        ));
    }
    let expires = days.map(|d| Timestamp::now().plus(Duration::from_secs(d * 86_400)));
    let (id, secret) = state
        .store
        .create_api_token(&caller.user, name, role, expires)
        .await?;
    audit(
        state,
        caller,
        ip,
        "token.create",
        format!("token:{id}"),
        serde_json::json!({ "name": name.trim(), "role": role, "days": days }),
    )
    .await;
    Ok((id, secret))
}

/// Revokes a token: the caller's own, or anyone's for an admin.
pub async fn revoke_token(state: &AppState, caller: &Caller, ip: &str, id: i64) -> ApiResult<()> {
    let owner = (caller.role != Role::Admin).then_some(caller.user.id);
    if !state.store.revoke_api_token(id, owner).await? {
        return Err(ApiError::not_found(format!("token {id}")));
    }
    audit(
        state,
        caller,
        ip,
        "token.revoke",
        format!("token:{id}"),
        serde_json::json!({}),
    )
    .await;
    Ok(())
}
