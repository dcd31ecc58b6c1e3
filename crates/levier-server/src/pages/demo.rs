//! `GET /demo/site`: the demo company's public website, a stand-in for a customer's site that
//! embeds the chat widget exactly as a real site would (`<script src="/widget.js"
//! data-site-key=…>`), so that `levier demo` shows the widget working. Only the demo loader
//! records a demo site; on any other install the page does not exist.

use crate::AppState;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

/// Meta key holding the demo site's widget key, written by the demo loader.
pub const SITE_KEY_META: &str = "demo.site_key";

#[derive(Template)]
#[template(path = "demo_site.html")]
struct DemoSite {
    site_key: String,
    company: String,
    en: bool,
    assets: &'static str,
}

/// The page's language: French unless `?lang=en` (the widget follows the page's `lang`).
#[derive(Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

/// The demo company's page with the widget; 404 unless the demo is loaded.
pub async fn site(State(state): State<AppState>, Query(q): Query<LangQuery>) -> Response {
    let key = match state.store.meta(SITE_KEY_META).await {
        Ok(Some(key)) => key,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let page = DemoSite {
        site_key: key,
        company: state.company.clone(),
        en: q.lang.as_deref() == Some("en"),
        assets: crate::assets::fingerprint(),
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => ApiError::internal(&e).into_response(),
    }
}
