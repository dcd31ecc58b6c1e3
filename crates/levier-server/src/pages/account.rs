//! Logging in and out, the first-run page, and the language switch.

use super::{MessagePage, Page, page};
use crate::AppState;
use crate::auth::login::{LoginError, login};
use crate::auth::{Caller, cookies};
use crate::http::client::is_local;
use askama::Template;
use axum::Extension;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use levier_core::Role;
use levier_core::password::hash_password;
use levier_store::audit::NewAuditEntry;
use levier_store::directory::NewUser;
use serde::Deserialize;
use std::net::SocketAddr;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    shell: super::Shell,
    error: Option<String>,
    email: String,
    next: String,
}

/// Where to go after login: only a path of this site (never `//host` or a full URL). Control
/// characters are refused too: browsers drop tabs and newlines from URLs, so `/\t/host` would
/// become `//host`.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

/// Query of the login page.
#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// `GET /login`.
pub async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Option<Extension<Caller>>,
    Query(q): Query<NextQuery>,
) -> Response {
    if caller.is_some() {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    if state.store.user_count().await.unwrap_or(1) == 0 {
        return Redirect::to("/setup").into_response();
    }
    let p = page(&state, &headers, None, "/login").await;
    p.render_login(
        None,
        String::new(),
        safe_next(q.next.as_deref()),
        StatusCode::OK,
    )
}

impl Page {
    fn render_login(
        self,
        error: Option<String>,
        email: String,
        next: String,
        status: StatusCode,
    ) -> Response {
        let cookies = self.cookies;
        let t = LoginPage {
            shell: self.shell,
            error,
            email,
            next,
        };
        super::render_with(&t, status, cookies)
    }
}

/// The login form.
#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// `POST /login`: a fresh session on success (the old one, if any, is ended: no fixation).
pub async fn login_submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let next = safe_next(form.next.as_deref());
    match login(&state, &form.email, &form.password, Some(peer.ip()), agent).await {
        Ok((_, session)) => {
            if let Some(old) = cookies::get(&headers, cookies::SESSION) {
                let _ = state.store.delete_session(old).await;
            }
            let secure = cookies::over_tls(&headers);
            let mut response = Redirect::to(&next).into_response();
            let cookie = cookies::set(cookies::SESSION, &session.token, None, true, secure);
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
            response
        }
        Err(LoginError::BadCredentials) => {
            let p = page(&state, &headers, None, "/login").await;
            let msg = p.shell.t.t("login.error");
            p.render_login(Some(msg), form.email, next, StatusCode::UNAUTHORIZED)
        }
        Err(LoginError::Throttled(secs)) => {
            let p = page(&state, &headers, None, "/login").await;
            let msg = p.shell.t.t1("login.throttled", "seconds", &secs);
            let mut response =
                p.render_login(Some(msg), form.email, next, StatusCode::TOO_MANY_REQUESTS);
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            response
        }
        Err(LoginError::Failed(e)) => e.into_response(),
    }
}

/// `POST /logout`: ends the session and forgets the cookie.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
) -> Response {
    if let Some(token) = &caller.session_token {
        let _ = state.store.delete_session(token).await;
    }
    let mut response = Redirect::to("/login").into_response();
    let cookie = cookies::set(
        cookies::SESSION,
        "",
        Some(0),
        true,
        cookies::over_tls(&headers),
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    shell: super::Shell,
    error: Option<String>,
}

/// Whether the first-run page may be used: no account yet, and the browser is on this machine.
async fn setup_open(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
) -> Result<bool, Response> {
    if !is_local(headers, Some(peer.ip())) {
        return Ok(false);
    }
    match state.store.user_count().await {
        Ok(n) => Ok(n == 0),
        Err(e) => Err(crate::error::ApiError::from(e).into_response()),
    }
}

async fn setup_closed(state: &AppState, headers: &HeaderMap, peer: SocketAddr) -> Response {
    let p = page(state, headers, None, "/setup").await;
    let key = if is_local(headers, Some(peer.ip())) {
        "setup.closed"
    } else {
        "setup.local-only"
    };
    let text = p.shell.t.t(key);
    let title = p.shell.t.t("setup.title");
    let cookies = p.cookies;
    super::render_with(
        &MessagePage {
            shell: p.shell,
            title,
            text,
        },
        StatusCode::FORBIDDEN,
        cookies,
    )
}

/// `GET /setup`: the first-run page, creating the administrator.
pub async fn setup_page(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    match setup_open(&state, &headers, peer).await {
        Ok(true) => {
            let p = page(&state, &headers, None, "/setup").await;
            let cookies = p.cookies;
            super::render_with(
                &SetupPage {
                    shell: p.shell,
                    error: None,
                },
                StatusCode::OK,
                cookies,
            )
        }
        Ok(false) => setup_closed(&state, &headers, peer).await,
        Err(r) => r,
    }
}

/// The first-run form.
#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `POST /setup`: creates the first administrator, then logs them in.
pub async fn setup_submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SetupForm>,
) -> Response {
    match setup_open(&state, &headers, peer).await {
        Ok(true) => {}
        Ok(false) => return setup_closed(&state, &headers, peer).await,
        Err(r) => return r,
    }
    let created = match hash_password(&form.password) {
        Ok(hash) => {
            let new = NewUser {
                email: form.email.clone(),
                display_name: form.name.trim().to_string(),
                role: Role::Admin,
                password_hash: Some(hash),
                team: None,
                groups: vec![],
            };
            state
                .store
                .create_first_user(&new)
                .await
                .map_err(|e| e.to_string())
        }
        Err(e) => Err(e.to_string()),
    };
    match created {
        Ok(id) => {
            let _ = state
                .store
                .audit(&NewAuditEntry {
                    actor_user_id: Some(id),
                    actor: form.email.trim().to_lowercase(),
                    action: "user.create".into(),
                    target: format!("user:{id}"),
                    details: serde_json::json!({ "role": "admin", "via": "first-run page" }),
                    ip: peer.ip().to_string(),
                })
                .await;
            login_submit(
                State(state),
                ConnectInfo(peer),
                headers,
                Form(LoginForm {
                    email: form.email,
                    password: form.password,
                    next: Some("/".into()),
                }),
            )
            .await
        }
        Err(error) => {
            let p = page(&state, &headers, None, "/setup").await;
            let cookies = p.cookies;
            super::render_with(
                &SetupPage {
                    shell: p.shell,
                    error: Some(error),
                },
                StatusCode::BAD_REQUEST,
                cookies,
            )
        }
    }
}

/// The language switch form.
#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    lang: String,
    next: Option<String>,
}

/// `POST /language`: remembers the choice (in the account when logged in, and in a cookie).
pub async fn set_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Option<Extension<Caller>>,
    Form(form): Form<LanguageForm>,
) -> Response {
    let Some(lang) = crate::i18n::Lang::parse(&form.lang) else {
        return crate::error::ApiError::invalid_field("lang", "expected fr or en").into_response();
    };
    if let Some(Extension(c)) = &caller {
        let _ = state.store.set_user_locale(c.user.id, lang.code()).await;
    }
    let mut response = Redirect::to(&safe_next(form.next.as_deref())).into_response();
    let cookie = cookies::set(
        cookies::LANG,
        lang.code(),
        Some(365 * 24 * 3600),
        false,
        cookies::over_tls(&headers),
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_site() {
        assert_eq!(safe_next(Some("/settings/users")), "/settings/users");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\r\n/evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
