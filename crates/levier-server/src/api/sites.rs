//! `/api/v1/sites`: the websites carrying the chat widget, their allowed origins and their
//! pilot scope (which customer questions the assistant may answer there, and how sure it must
//! be). Admins only; every change is audited.

use super::json::ApiJson;
use crate::AppState;
use crate::admin::audit;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use levier_core::ids::SiteId;
use levier_store::support::{NewSite, PilotScope, Site};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use utoipa::ToSchema;

/// What the assistant may answer on a site (empty lists allow everything).
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ScopeView {
    /// FAQ categories the assistant may answer from.
    pub categories: Vec<String>,
    /// FAQ entry ids the assistant may answer.
    pub intents: Vec<String>,
    /// Calibrated probability of being right at or above which the bot answers on this site
    /// (none: the company's policy).
    pub answer_at: Option<f32>,
}

impl From<PilotScope> for ScopeView {
    fn from(s: PilotScope) -> Self {
        ScopeView {
            categories: s.categories,
            intents: s.intents,
            answer_at: s.answer_at,
        }
    }
}

impl From<ScopeView> for PilotScope {
    fn from(s: ScopeView) -> Self {
        PilotScope {
            categories: s.categories,
            intents: s.intents,
            answer_at: s.answer_at,
        }
    }
}

/// A site, with the snippet to paste into its pages.
#[derive(Serialize, ToSchema)]
pub struct SiteView {
    /// Identifier.
    pub id: i64,
    /// Name shown to agents.
    pub name: String,
    /// The public key the widget's snippet carries.
    pub site_key: String,
    /// Origins the widget may run on.
    pub allowed_origins: Vec<String>,
    /// Language of conversations when the visitor's is unknown.
    pub default_language: String,
    /// What the assistant may answer there.
    pub pilot_scope: ScopeView,
    /// Whether the widget works there.
    pub enabled: bool,
    /// The `<script>` tag to paste into the site's pages.
    pub snippet: String,
}

/// A site to create.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSiteView {
    /// Name shown to agents.
    pub name: String,
    /// Origins (`https://www.example.fr`) the widget may run on.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// `fr` (default) or `en`.
    #[serde(default)]
    pub default_language: String,
    /// What the assistant may answer there.
    #[serde(default)]
    pub pilot_scope: ScopeView,
}

/// Changes to a site; absent fields stay as they are.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteEdit {
    /// New allowed origins.
    pub allowed_origins: Option<Vec<String>>,
    /// New pilot scope.
    pub pilot_scope: Option<ScopeView>,
}

/// Every site (admins).
#[utoipa::path(get, path = "/api/v1/sites", tag = "support", responses((status = 200, body = [SiteView])))]
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<SiteView>>> {
    let base = base_url(&headers);
    let sites = state.store.sites().await?;
    Ok(Json(sites.into_iter().map(|s| view(s, &base)).collect()))
}

/// Creates a site with a new key (admins).
#[utoipa::path(post, path = "/api/v1/sites", tag = "support", request_body = NewSiteView,
    responses((status = 201, body = SiteView), (status = 400, description = "invalid field")))]
pub async fn create(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    ApiJson(new): ApiJson<NewSiteView>,
) -> ApiResult<(StatusCode, Json<SiteView>)> {
    let new = NewSite {
        name: new.name,
        allowed_origins: new.allowed_origins,
        default_language: new.default_language,
        pilot_scope: new.pilot_scope.into(),
    };
    let site = create_site(&state, &caller, &peer.ip().to_string(), &new).await?;
    Ok((StatusCode::CREATED, Json(view(site, &base_url(&headers)))))
}

/// Changes a site's origins or pilot scope (admins).
#[utoipa::path(patch, path = "/api/v1/sites/{id}", tag = "support", request_body = SiteEdit,
    params(("id" = i64, Path, description = "site id")),
    responses((status = 200, body = SiteView), (status = 400, description = "invalid field"), (status = 404, description = "no such site")))]
pub async fn update(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    ApiJson(edit): ApiJson<SiteEdit>,
) -> ApiResult<Json<SiteView>> {
    let ip = peer.ip().to_string();
    let scope = edit.pilot_scope.map(PilotScope::from);
    let site = update_site(
        &state,
        &caller,
        &ip,
        SiteId(id),
        edit.allowed_origins.as_deref(),
        scope.as_ref(),
    )
    .await?;
    Ok(Json(view(site, &base_url(&headers))))
}

/// Disables a site: its widget stops working, its conversations stay (admins).
#[utoipa::path(delete, path = "/api/v1/sites/{id}", tag = "support",
    params(("id" = i64, Path, description = "site id")),
    responses((status = 204, description = "disabled"), (status = 404, description = "no such site")))]
pub async fn disable(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    disable_site(&state, &caller, &peer.ip().to_string(), SiteId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Creates a site and audits it (the API's and the settings page's way).
pub(crate) async fn create_site(
    state: &AppState,
    caller: &Caller,
    ip: &str,
    new: &NewSite,
) -> ApiResult<Site> {
    let site = state.store.create_site(new).await?;
    let details = serde_json::json!({ "name": site.name, "origins": site.allowed_origins });
    audit(state, caller, ip, "site.create", target(site.id), details).await;
    Ok(site)
}

/// Replaces a site's origins and/or pilot scope (absent: unchanged) and audits the result.
pub(crate) async fn update_site(
    state: &AppState,
    caller: &Caller,
    ip: &str,
    id: SiteId,
    origins: Option<&[String]>,
    scope: Option<&PilotScope>,
) -> ApiResult<Site> {
    if let Some(origins) = origins {
        state.store.set_site_origins(id, origins).await?;
    }
    if let Some(scope) = scope {
        state.store.set_site_pilot_scope(id, scope).await?;
    }
    let site = site(state, id).await?;
    let details = serde_json::json!({
        "origins": site.allowed_origins,
        "pilot_scope": site.pilot_scope,
    });
    audit(state, caller, ip, "site.update", target(id), details).await;
    Ok(site)
}

/// Disables a site and audits it.
pub(crate) async fn disable_site(
    state: &AppState,
    caller: &Caller,
    ip: &str,
    id: SiteId,
) -> ApiResult<()> {
    state.store.disable_site(id).await?;
    let details = serde_json::json!({});
    audit(state, caller, ip, "site.disable", target(id), details).await;
    Ok(())
}

/// A site by id, or a 404.
pub(crate) async fn site(state: &AppState, id: SiteId) -> ApiResult<Site> {
    state
        .store
        .site(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("site {}", id.0)))
}

fn target(id: SiteId) -> String {
    format!("site:{}", id.0)
}

fn view(site: Site, base: &str) -> SiteView {
    SiteView {
        snippet: snippet(base, &site.site_key),
        id: site.id.0,
        enabled: site.enabled(),
        name: site.name,
        site_key: site.site_key,
        allowed_origins: site.allowed_origins,
        default_language: site.default_language,
        pilot_scope: site.pilot_scope.into(),
    }
}

/// The one tag a site's pages need: the widget's script, served by this levier, with the key.
pub fn snippet(base: &str, site_key: &str) -> String {
    format!(r#"<script src="{base}/widget.js" data-site-key="{site_key}" defer></script>"#)
}

/// This server's address as the caller reached it (the widget is served from there), https
/// when a proxy in front says so.
pub(crate) fn base_url(headers: &HeaderMap) -> String {
    let header = |name: &str| headers.get(name).and_then(|h| h.to_str().ok());
    let host = header("host")
        .filter(|h| !h.contains(['"', '<', '>', ' ', '/']))
        .unwrap_or("localhost");
    let scheme = match header("x-forwarded-proto") {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}
