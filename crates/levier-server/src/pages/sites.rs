//! The "Sites" settings pages (admins): the websites carrying the chat widget, the snippet to
//! paste into their pages, their allowed origins and their pilot scope (which customer
//! questions the assistant may answer there, and how sure it must be).
//!
//! Every change goes through the same functions as the API (`crate::api::sites`), which write
//! the audit entry. Forms are post/redirect/get; a refused form shows the page again (400)
//! with what was typed and why it was refused. Names, origins and questions are escaped by the
//! templates, and so is the snippet.

use super::{NavItem, Page, Shell, not_found_page, page, settings_nav};
use crate::AppState;
use crate::api::sites::{
    base_url, create_site, disable_site, site as find_site, snippet, update_site,
};
use crate::auth::Caller;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use levier_core::ids::SiteId;
use levier_store::faq::{FaqEntry, FaqFilter};
use levier_store::support::{NewSite, PilotScope};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::net::SocketAddr;

/// The list's path, also the sub-navigation's entry for every site's page.
const LIST: &str = "/settings/sites";

/// The languages a site's conversations may default to.
const LANGUAGES: [&str; 2] = ["fr", "en"];

/// What a redirect asks a page to say, or to show.
#[derive(Deserialize, Default)]
pub struct SitesQuery {
    done: Option<String>,
    /// `disable`: show the confirmation step of disabling the site.
    confirm: Option<String>,
}

/// The confirmation a `?done=` asks for; unknown values say nothing.
fn flash(shell: &Shell, done: Option<&str>) -> Option<String> {
    let key = match done? {
        "created" => "sites.done.created",
        "origins" => "sites.done.origins",
        "scope" => "sites.done.scope",
        "disabled" => "sites.done.disabled",
        _ => return None,
    };
    Some(shell.t.t(key))
}

/// The message `key` in the caller's language.
async fn text(state: &AppState, headers: &HeaderMap, caller: &Caller, key: &str) -> String {
    crate::i18n::catalog(super::language(state, headers, Some(caller)).await).t(key)
}

/// Origins as typed in a textarea: one a line, blank lines ignored.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// A site's line in the list.
pub struct SiteRow {
    id: i64,
    name: String,
    key: String,
    enabled: bool,
    origins: Vec<String>,
    scope: String,
}

/// The new-site form as typed (shown again when refused).
#[derive(Deserialize, Default)]
pub struct NewSiteForm {
    #[serde(default)]
    name: String,
    /// One origin a line.
    #[serde(default)]
    origins: String,
    #[serde(default)]
    language: String,
}

#[derive(Template)]
#[template(path = "settings_sites.html")]
struct SitesPage {
    shell: Shell,
    subnav: Vec<NavItem>,
    sites: Vec<SiteRow>,
    languages: Vec<(String, String)>,
    form: NewSiteForm,
    error: Option<String>,
}

/// A pilot scope in one line: what is allowed, and the threshold.
fn scope_summary(shell: &Shell, scope: &PilotScope) -> String {
    let t = shell.t;
    let mut parts = Vec::new();
    if !scope.categories.is_empty() {
        parts.push(t.t1(
            "sites.scope.summary.categories",
            "list",
            &scope.categories.join(", "),
        ));
    }
    if !scope.intents.is_empty() {
        parts.push(t.t1("sites.scope.summary.entries", "count", &scope.intents.len()));
    }
    if parts.is_empty() {
        parts.push(t.t("sites.scope.summary.all"));
    }
    if let Some(p) = scope.answer_at {
        parts.push(t.t1("sites.scope.summary.threshold", "value", &p));
    }
    parts.join(" · ")
}

fn language_options(shell: &Shell) -> Vec<(String, String)> {
    LANGUAGES
        .iter()
        .map(|l| (l.to_string(), shell.t.t(&format!("lang.{l}"))))
        .collect()
}

async fn list_page(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    done: Option<&str>,
    form: NewSiteForm,
    error: Option<String>,
) -> Response {
    let sites = match state.store.sites().await {
        Ok(s) => s,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Page { mut shell, cookies } = page(state, headers, Some(caller), LIST).await;
    shell.flash = flash(&shell, done);
    let template = SitesPage {
        subnav: settings_nav(shell.t, caller.role, LIST),
        sites: sites
            .into_iter()
            .map(|s| SiteRow {
                id: s.id.0,
                enabled: s.enabled(),
                scope: scope_summary(&shell, &s.pilot_scope),
                name: s.name,
                key: s.site_key,
                origins: s.allowed_origins,
            })
            .collect(),
        languages: language_options(&shell),
        form,
        error,
        shell,
    };
    let status = super::status_for(template.error.is_some());
    super::render_with(&template, status, cookies)
}

/// `GET /settings/sites`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Query(query): Query<SitesQuery>,
) -> Response {
    let form = NewSiteForm {
        language: "fr".into(),
        ..NewSiteForm::default()
    };
    list_page(&state, &headers, &caller, query.done.as_deref(), form, None).await
}

/// `POST /settings/sites`: creates a site and opens its page (with the snippet).
pub async fn create(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Form(form): Form<NewSiteForm>,
) -> Response {
    let new = NewSite {
        name: form.name.clone(),
        allowed_origins: lines(&form.origins),
        default_language: form.language.clone(),
        pilot_scope: PilotScope::default(),
    };
    match create_site(&state, &caller, &peer.ip().to_string(), &new).await {
        Ok(site) => Redirect::to(&format!("{LIST}/{}?done=created", site.id.0)).into_response(),
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            let key = if form.name.trim().is_empty() {
                "sites.error.name"
            } else {
                "sites.error.origins"
            };
            let error = Some(text(&state, &headers, &caller, key).await);
            list_page(&state, &headers, &caller, None, form, error).await
        }
        Err(e) => e.into_response(),
    }
}

/// A FAQ entry offered in the scope's list: (id, "id — question", selected).
type EntryOption = (String, String, bool);

/// The FAQ entries of one category: (category, entries).
type EntryGroup = (String, Vec<EntryOption>);

#[derive(Template)]
#[template(path = "settings_site.html")]
struct SitePage {
    shell: Shell,
    subnav: Vec<NavItem>,
    id: i64,
    name: String,
    key: String,
    enabled: bool,
    language: String,
    snippet: String,
    /// The origins textarea's text.
    origins: String,
    /// Every FAQ category (and any the scope names that no longer exists), ticked or not.
    categories: Vec<(String, bool)>,
    /// Every FAQ entry by category (and any the scope names that no longer exists).
    entries: Vec<EntryGroup>,
    /// The entries list's height.
    entries_size: usize,
    /// The threshold field's text.
    answer_at: String,
    confirm_disable: bool,
    error: Option<String>,
}

/// What a refused form typed, shown again instead of the stored values.
#[derive(Default)]
struct Draft {
    origins: Option<String>,
    scope: Option<ScopeDraft>,
}

/// The scope form's values.
struct ScopeDraft {
    categories: Vec<String>,
    intents: Vec<String>,
    answer_at: String,
}

impl From<&PilotScope> for ScopeDraft {
    fn from(s: &PilotScope) -> Self {
        ScopeDraft {
            categories: s.categories.clone(),
            intents: s.intents.clone(),
            answer_at: s.answer_at.map(|p| p.to_string()).unwrap_or_default(),
        }
    }
}

/// One site's page; a missing site is a 404 page.
async fn site_page(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    id: i64,
    query: &SitesQuery,
    draft: Draft,
    error: Option<String>,
) -> Response {
    let path = format!("{LIST}/{id}");
    let site = match find_site(state, SiteId(id)).await {
        Ok(site) => site,
        Err(e) => return not_found_page(state, headers, caller, &path, e).await,
    };
    let faq = match state.store.faq_entries(&FaqFilter::default()).await {
        Ok(entries) => entries,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Page { mut shell, cookies } = page(state, headers, Some(caller), &path).await;
    shell.flash = flash(&shell, query.done.as_deref());
    let scope = draft
        .scope
        .unwrap_or_else(|| ScopeDraft::from(&site.pilot_scope));
    let categories = category_choices(&faq, &scope);
    let (entries, count) = entry_choices(&shell, &faq, &scope);
    let template = SitePage {
        subnav: settings_nav(shell.t, caller.role, LIST),
        id,
        snippet: snippet(&base_url(headers), &site.site_key),
        origins: draft
            .origins
            .unwrap_or_else(|| site.allowed_origins.join("\n")),
        categories,
        entries_size: (count + entries.len()).clamp(2, 14),
        entries,
        answer_at: scope.answer_at,
        confirm_disable: query.confirm.as_deref() == Some("disable") && site.enabled(),
        enabled: site.enabled(),
        language: shell.t.t(&format!("lang.{}", site.default_language)),
        name: site.name,
        key: site.site_key,
        error,
        shell,
    };
    let status = super::status_for(template.error.is_some());
    super::render_with(&template, status, cookies)
}

/// The FAQ's categories as checkboxes, with those the scope names ticked (kept even when no
/// entry has them any more, so that saving does not drop them).
fn category_choices(faq: &[FaqEntry], scope: &ScopeDraft) -> Vec<(String, bool)> {
    let mut names: BTreeSet<String> = faq
        .iter()
        .map(|e| e.category.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    names.extend(scope.categories.iter().cloned());
    names
        .into_iter()
        .map(|c| {
            let ticked = scope.categories.contains(&c);
            (c, ticked)
        })
        .collect()
}

/// The FAQ's entries as options grouped by category (the store lists them by category, then
/// question), with how many options there are. Entries the scope names that no longer exist
/// stay selected, so saving keeps them.
fn entry_choices(shell: &Shell, faq: &[FaqEntry], scope: &ScopeDraft) -> (Vec<EntryGroup>, usize) {
    let uncategorized = shell.t.t("sites.scope.uncategorized");
    let mut entries: Vec<EntryGroup> = Vec::new();
    for e in faq {
        let id = e.id.0.to_string();
        let selected = scope.intents.contains(&id);
        let option = (id, format!("{} — {}", e.id.0, e.question), selected);
        let category = match e.category.trim() {
            "" => uncategorized.as_str(),
            c => c,
        };
        match entries.last_mut() {
            Some((label, options)) if label == category => options.push(option),
            _ => entries.push((category.to_string(), vec![option])),
        }
    }
    let gone: Vec<EntryOption> = scope
        .intents
        .iter()
        .filter(|intent| !faq.iter().any(|e| e.id.0.to_string() == **intent))
        .map(|intent| (intent.clone(), intent.clone(), true))
        .collect();
    let count = faq.len() + gone.len();
    if !gone.is_empty() {
        entries.push((shell.t.t("sites.scope.entry-gone"), gone));
    }
    (entries, count)
}

/// `GET /settings/sites/{id}` (`?confirm=disable`: the disabling's confirmation step).
pub async fn site(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Query(query): Query<SitesQuery>,
) -> Response {
    site_page(
        &state,
        &headers,
        &caller,
        id,
        &query,
        Draft::default(),
        None,
    )
    .await
}

/// After a site's form: back to its page saying so, or the page again with the refusal.
#[allow(clippy::too_many_arguments)]
async fn answer(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    id: i64,
    result: Result<(), ApiError>,
    done: &str,
    refusal: &str,
    draft: Draft,
) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!("{LIST}/{id}?done={done}")).into_response(),
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            let error = Some(text(state, headers, caller, refusal).await);
            let query = SitesQuery::default();
            site_page(state, headers, caller, id, &query, draft, error).await
        }
        Err(e) => {
            let path = format!("{LIST}/{id}");
            not_found_page(state, headers, caller, &path, e).await
        }
    }
}

/// The origins form.
#[derive(Deserialize)]
pub struct OriginsForm {
    /// One origin a line.
    #[serde(default)]
    origins: String,
}

/// `POST /settings/sites/{id}/origins`.
pub async fn set_origins(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(form): Form<OriginsForm>,
) -> Response {
    let origins = lines(&form.origins);
    let ip = peer.ip().to_string();
    let result = update_site(&state, &caller, &ip, SiteId(id), Some(&origins), None)
        .await
        .map(drop);
    let draft = Draft {
        origins: Some(form.origins),
        scope: None,
    };
    answer(
        &state,
        &headers,
        &caller,
        id,
        result,
        "origins",
        "sites.error.origins",
        draft,
    )
    .await
}

/// `POST /settings/sites/{id}/scope`: `category` and `intent` repeat (checkboxes, a multiple
/// select), so the form is read as pairs; `answer_at` is empty for the company's default.
pub async fn set_scope(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let values = |name: &str| -> Vec<String> {
        fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let draft = ScopeDraft {
        categories: values("category"),
        intents: values("intent"),
        answer_at: values("answer_at").concat(),
    };
    let result = match parse_threshold(&draft.answer_at) {
        Some(answer_at) => {
            let scope = PilotScope {
                categories: draft.categories.clone(),
                intents: draft.intents.clone(),
                answer_at,
            };
            let ip = peer.ip().to_string();
            update_site(&state, &caller, &ip, SiteId(id), None, Some(&scope))
                .await
                .map(drop)
        }
        None => Err(ApiError::invalid_field("answer_at", "not a number")),
    };
    let draft = Draft {
        origins: None,
        scope: Some(draft),
    };
    answer(
        &state,
        &headers,
        &caller,
        id,
        result,
        "scope",
        "sites.error.threshold",
        draft,
    )
    .await
}

/// The threshold field: `Some(None)` when empty (the company's default), `None` when not a
/// number; a decimal comma is accepted. Whether it is between 0 and 1 is the store's check.
fn parse_threshold(text: &str) -> Option<Option<f32>> {
    let text = text.trim();
    if text.is_empty() {
        return Some(None);
    }
    text.replace(',', ".").parse::<f32>().ok().map(Some)
}

/// `POST /settings/sites/{id}/disable`: the confirmation step's button.
pub async fn disable(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Response {
    let ip = peer.ip().to_string();
    match disable_site(&state, &caller, &ip, SiteId(id)).await {
        Ok(()) => Redirect::to(&format!("{LIST}/{id}?done=disabled")).into_response(),
        Err(e) => {
            let path = format!("{LIST}/{id}");
            not_found_page(&state, &headers, &caller, &path, e).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_read_with_a_point_or_a_comma() {
        assert_eq!(parse_threshold(" "), Some(None));
        assert_eq!(parse_threshold("0,8"), Some(Some(0.8)));
        assert_eq!(parse_threshold("0.95"), Some(Some(0.95)));
        assert_eq!(
            parse_threshold("1.5"),
            Some(Some(1.5)),
            "the store refuses it"
        );
        assert_eq!(parse_threshold("haut"), None);
    }

    #[test]
    fn origins_are_one_a_line() {
        assert_eq!(
            lines(" https://a.fr \r\n\nhttps://b.fr\n"),
            vec!["https://a.fr".to_string(), "https://b.fr".to_string()]
        );
    }
}
