//! The widget's door: site key, origin, CORS and the per-address rate limit.
//!
//! The site key is in the path so that a CORS preflight (which carries no custom header) can
//! be answered for the right site. CORS headers are only ever sent for an origin the site
//! allows, so other pages' scripts cannot read the widget's answers.

use crate::AppState;
use crate::auth::cookies::over_tls;
use crate::error::ApiError;
use crate::http::client::visitor_ip;
use axum::extract::{FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use levier_store::support::{Conversation, Site};
use serde::Deserialize;

/// Where the widget's routes live.
pub const PREFIX: &str = "/api/v1/widget/";

/// The header carrying a conversation's token.
pub const TOKEN_HEADER: &str = "x-conversation-token";

/// Title of every refusal by the gate (the RBAC matrix tells them from access denials).
pub const REFUSED: &str = "Widget refused";

/// Admits a widget request or answers it: unknown or disabled site, origin not allowed → 403;
/// preflight → 204; too many requests from the address → 429.
pub async fn admit(state: &AppState, mut req: Request, next: Next) -> Response {
    let key = site_key(req.uri().path()).to_owned();
    let site = match site_of(state, &key).await {
        Ok(site) => site,
        Err(e) => return e.into_response(),
    };
    let origin = page_origin(req.headers());
    if !site.allows_origin(&origin) {
        return refused(
            "this page's origin is not allowed for the site; add it to the site's allowed origins",
        )
        .into_response();
    }
    let mut response = if req.method() == Method::OPTIONS {
        preflight()
    } else if let Some(Err(wait)) =
        visitor_ip(&req, &state.settings.trusted_proxies).map(|ip| state.desk.per_ip.check(&ip))
    {
        ApiError::too_many(
            wait.as_secs() + 1,
            "too many requests from this address; retry later",
        )
        .into_response()
    } else {
        req.extensions_mut().insert(site);
        next.run(req).await
    };
    cors(response.headers_mut(), &origin);
    response
}

/// The origin of the page the widget runs on: the `Origin` header, or, for a same-origin GET
/// (which browsers send without one: `fetch` and `EventSource` from a page levier serves itself,
/// like the demo's customer page), levier's own origin as the browser reached it.
fn page_origin(headers: &HeaderMap) -> String {
    let get = |name: HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(origin) = get(header::ORIGIN) {
        return origin.to_owned();
    }
    match (
        get(HeaderName::from_static("sec-fetch-site")),
        get(header::HOST),
    ) {
        (Some("same-origin"), Some(host)) => {
            let scheme = if over_tls(headers) { "https" } else { "http" };
            format!("{scheme}://{host}")
        }
        _ => String::new(),
    }
}

/// The site key in a widget route's path.
fn site_key(path: &str) -> &str {
    path.strip_prefix(PREFIX)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
}

/// The enabled site of a key.
async fn site_of(state: &AppState, key: &str) -> Result<Site, ApiError> {
    match state.store.site_by_key(key).await? {
        Some(site) if site.enabled() => Ok(site),
        _ => Err(refused(
            "unknown or disabled site key; copy the widget snippet again from levier",
        )),
    }
}

fn refused(detail: &str) -> ApiError {
    ApiError {
        title: REFUSED,
        ..ApiError::forbidden_because(detail)
    }
}

fn preflight() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let h = response.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type, x-conversation-token, last-event-id"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    response
}

/// CORS headers for an allowed origin (never `*`: the answer is for that page only).
fn cors(headers: &mut HeaderMap, origin: &str) {
    if let Ok(value) = HeaderValue::from_str(origin) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
    }
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("retry-after"),
    );
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// The site and the conversation a request's token names on it. The token comes in the
/// `X-Conversation-Token` header, or in the `token` query parameter for `EventSource`, which
/// cannot send headers. A token of another site, or none, is a 404.
pub struct WidgetConversation {
    /// The site (admitted by the gate).
    pub site: Site,
    /// The conversation.
    pub conversation: Conversation,
}

impl FromRequestParts<AppState> for WidgetConversation {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let site = WidgetSite::from_request_parts(parts, state).await?.0;
        let header = parts
            .headers
            .get(TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let query = Query::<TokenQuery>::try_from_uri(&parts.uri)
            .ok()
            .and_then(|q| q.0.token);
        let token = header.or(query).unwrap_or_default();
        match state
            .store
            .conversation_by_token(site.id, token.trim())
            .await?
        {
            Some(conversation) => Ok(WidgetConversation { site, conversation }),
            None => Err(ApiError::not_found("conversation (unknown token)")),
        }
    }
}

/// The site the gate admitted.
pub struct WidgetSite(pub Site);

impl FromRequestParts<AppState> for WidgetSite {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Site>()
            .cloned()
            .map(WidgetSite)
            .ok_or_else(|| refused("the request did not pass the widget's gate"))
    }
}
