//! Who may call each route. Every route is declared with its [`Access`] rule in
//! [`crate::routes::table`], and the router is built from that table, so a route without a rule
//! cannot exist; the RBAC matrix test walks the same table.

use crate::AppState;
use crate::auth::{Via, caller, csrf};
use crate::error::ApiError;
use crate::http::client::{is_local, peer_ip};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use levier_core::Role;

/// The rule of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, logged in or not (login page, health).
    Public,
    /// The public chat widget: no session or token is read and no CSRF applies (it sends no
    /// ambient credentials); the site key, the `Origin` and rate limits admit the request
    /// ([`crate::widget::gate`]).
    Widget,
    /// Only from this machine, or an admin from anywhere (metrics).
    LoopbackOrAdmin,
    /// Any logged-in user.
    Authenticated,
    /// Logged-in users with one of these roles.
    Roles(&'static [Role]),
}

impl Access {
    /// Whether a caller with `role` (None: anonymous) from a loopback address or not may call.
    pub fn allows(self, role: Option<Role>, loopback: bool) -> bool {
        match self {
            Access::Public | Access::Widget => true,
            Access::LoopbackOrAdmin => loopback || role == Some(Role::Admin),
            Access::Authenticated => role.is_some(),
            Access::Roles(roles) => role.is_some_and(|r| roles.contains(&r)),
        }
    }
}

/// Only administrators.
pub const ADMIN: Access = Access::Roles(&[Role::Admin]);

/// Everyone who may add documents: all but read-only viewers.
pub const CONTRIBUTORS: Access =
    Access::Roles(&[Role::Admin, Role::Agent, Role::Champion, Role::Member]);

/// People who handle customer conversations: the inbox, tickets, replies.
pub const SUPPORT: Access = Access::Roles(&[Role::Admin, Role::Agent]);

/// People who read the KPIs: administrators, agents (their work's figures) and AI champions
/// (the pilots they lead).
pub const REPORT_READERS: Access = Access::Roles(&[Role::Admin, Role::Agent, Role::Champion]);
/// People who start pilots and close them with a decision: administrators and AI champions.
pub const PILOT_DECIDERS: Access = Access::Roles(&[Role::Admin, Role::Champion]);
/// People who keep the FAQ the assistant answers from.
pub const FAQ_EDITORS: Access = Access::Roles(&[Role::Admin, Role::Agent, Role::Champion]);

/// Enforces the route's rule, then CSRF for state-changing session requests, and hands the
/// [`Caller`] to the handler as an extension.
pub async fn enforce(
    State((state, access)): State<(AppState, Access)>,
    mut req: Request,
    next: Next,
) -> Response {
    if access == Access::Widget {
        return crate::widget::gate::admit(&state, req, next).await;
    }
    let is_api = req.uri().path().starts_with("/api/");
    let caller = match caller::resolve(&state, req.headers()).await {
        Ok(c) => c,
        Err(e) if access == Access::Public => {
            tracing::debug!(error = %e.detail, "ignoring bad credentials on a public route");
            None
        }
        Err(e) => return e.into_response(),
    };
    let loopback = is_local(req.headers(), peer_ip(&req));
    if !access.allows(caller.as_ref().map(|c| c.role), loopback) {
        return deny(caller.is_some(), is_api, req.uri().path());
    }
    if csrf::is_unsafe(req.method()) {
        let expected = match &caller {
            Some(c) if c.via == Via::Token => None,
            Some(c) => c.csrf.clone(),
            None => crate::auth::cookies::get(req.headers(), crate::auth::cookies::CSRF)
                .map(str::to_string),
        };
        let needs_check = !matches!(&caller, Some(c) if c.via == Via::Token);
        if needs_check {
            let (sent, rebuilt) = match csrf::sent_token(req, state.settings.body_limit).await {
                Ok(x) => x,
                Err(_) => return ApiError::payload_too_large().into_response(),
            };
            req = rebuilt;
            let valid = matches!((&sent, &expected), (Some(s), Some(e)) if csrf::same(s, e));
            if !valid {
                return ApiError::csrf().into_response();
            }
        }
    }
    if let Some(c) = caller {
        req.extensions_mut().insert(c);
    }
    next.run(req).await
}

fn deny(logged_in: bool, is_api: bool, path: &str) -> Response {
    match (logged_in, is_api) {
        (false, true) => ApiError::unauthorized().into_response(),
        (true, true) => ApiError::forbidden().into_response(),
        (false, false) => Redirect::to(&format!("/login?next={}", crate::format::url_encode(path)))
            .into_response(),
        (true, false) => (StatusCode::FORBIDDEN, crate::pages::forbidden_page()).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert!(Access::Public.allows(None, false));
        assert!(!Access::Authenticated.allows(None, true));
        assert!(Access::Authenticated.allows(Some(Role::Viewer), false));
        assert!(ADMIN.allows(Some(Role::Admin), false));
        assert!(!ADMIN.allows(Some(Role::Agent), true));
        assert!(Access::LoopbackOrAdmin.allows(None, true));
        assert!(!Access::LoopbackOrAdmin.allows(Some(Role::Member), false));
        assert_eq!(
            crate::format::url_encode("/settings/users"),
            "%2Fsettings%2Fusers"
        );
    }
}
