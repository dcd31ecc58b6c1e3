//! Resolving the caller of a request from its session cookie or its API token.

use super::cookies;
use crate::AppState;
use crate::error::ApiError;
use axum::http::{HeaderMap, header};
use levier_core::Role;
use levier_store::directory::User;

/// How the caller authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A browser session (cookie): state-changing requests need the CSRF token.
    Session,
    /// An API token (Authorization: Bearer): no ambient credentials, so no CSRF.
    Token,
}

/// The authenticated caller of a request, inserted as an extension by the access check.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The account.
    pub user: User,
    /// The role this request acts with (a token's may be lower than its owner's).
    pub role: Role,
    /// How they authenticated.
    pub via: Via,
    /// The session's CSRF token, for pages to embed in forms.
    pub csrf: Option<String>,
    /// The session cookie value, to end it at logout.
    pub session_token: Option<String>,
}

impl Caller {
    /// A readable identity for the audit log.
    pub fn label(&self) -> String {
        match self.via {
            Via::Session => self.user.email.clone(),
            Via::Token => format!("{} (API token)", self.user.email),
        }
    }
}

/// The caller, if the request carries valid credentials. A bearer token that is present but
/// invalid is an error (a script should learn its token is wrong), a stale cookie is not.
pub async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<Option<Caller>, ApiError> {
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(ApiError::unauthorized)?;
        return match state.store.api_token_user(token).await? {
            Some((user, role)) => Ok(Some(Caller {
                user,
                role,
                via: Via::Token,
                csrf: None,
                session_token: None,
            })),
            None => Err(ApiError::unauthorized()),
        };
    }
    let Some(token) = cookies::get(headers, cookies::SESSION) else {
        return Ok(None);
    };
    Ok(state.store.session(token).await?.map(|s| Caller {
        role: s.user.role,
        user: s.user,
        via: Via::Session,
        csrf: Some(s.csrf),
        session_token: Some(token.to_string()),
    }))
}
