//! Server-rendered pages (askama templates, escaped by default) in the user's language.
//!
//! Each page gets a [`Shell`]: the language catalogue, the navigation the caller's role may
//! use (sections not built yet are absent), and the CSRF token its forms carry.

pub mod account;
pub mod demo;
pub mod emails;
pub mod faq;
pub mod feedback;
pub mod help;
pub mod home;
pub mod inbox;
pub mod leads;
pub mod pilots;
pub mod playground;
pub mod playground_mail;
pub mod reports;
pub mod search;
pub mod settings;
pub mod sites;
pub mod test_sets;
pub mod use_cases;

use crate::AppState;
use crate::auth::{Caller, cookies};
use crate::i18n::{Catalog, Lang, catalog};
use askama::Template;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use levier_core::Role;

/// A link of the navigation.
pub struct NavItem {
    /// Target.
    pub href: &'static str,
    /// Label in the page's language.
    pub label: String,
    /// Whether it is the current section.
    pub current: bool,
}

/// The logged-in person shown in the header.
pub struct ShellUser {
    /// Display name.
    pub name: String,
    /// Role in the page's language.
    pub role_label: String,
}

/// What every page's layout needs.
pub struct Shell {
    /// The catalogue of the page's language.
    pub t: &'static Catalog,
    /// The company's name (empty before one is set).
    pub company: String,
    /// A fingerprint of the stylesheet and script, so browsers fetch them again after an upgrade.
    pub assets: &'static str,
    /// The logged-in person, if any.
    pub user: Option<ShellUser>,
    /// The token forms must carry.
    pub csrf: String,
    /// Main navigation.
    pub nav: Vec<NavItem>,
    /// A one-line confirmation to show.
    pub flash: Option<String>,
    /// This page's path, for the language switch to come back to.
    pub path: String,
}

/// A shell plus the cookies the response must set (the anonymous CSRF cookie).
pub struct Page {
    /// The layout data.
    pub shell: Shell,
    cookies: Vec<String>,
}

/// The language of a page: the user's preference, then the cookie, then Accept-Language.
pub async fn language(state: &AppState, headers: &HeaderMap, caller: Option<&Caller>) -> Lang {
    if let Some(c) = caller
        && let Ok(Some(code)) = state.store.user_locale(c.user.id).await
        && let Some(lang) = Lang::parse(&code)
    {
        return lang;
    }
    cookies::get(headers, cookies::LANG)
        .and_then(Lang::parse)
        .or_else(|| Lang::from_accept_language(headers))
        .unwrap_or(Lang::Fr)
}

/// The role's name in a language.
pub fn role_label(t: &Catalog, role: Role) -> String {
    t.t(&format!("role.{role}"))
}

/// Builds the page context for `path`.
pub async fn page(
    state: &AppState,
    headers: &HeaderMap,
    caller: Option<&Caller>,
    path: &str,
) -> Page {
    let t = catalog(language(state, headers, caller).await);
    let mut set = Vec::new();
    let csrf = match caller.and_then(|c| c.csrf.clone()) {
        Some(token) => token,
        None => match cookies::get(headers, cookies::CSRF) {
            Some(existing) if existing.len() == 64 => existing.to_string(),
            _ => {
                let fresh = levier_store::accounts::new_secret();
                set.push(cookies::set(
                    cookies::CSRF,
                    &fresh,
                    None,
                    true,
                    cookies::over_tls(headers),
                ));
                fresh
            }
        },
    };
    let nav = caller
        .map(|c| main_nav(t, c.role, path))
        .unwrap_or_default();
    Page {
        shell: Shell {
            t,
            company: state.company.clone(),
            assets: crate::assets::fingerprint(),
            user: caller.map(|c| ShellUser {
                name: c.user.display_name.clone(),
                role_label: role_label(t, c.role),
            }),
            csrf,
            nav,
            flash: None,
            path: path.to_string(),
        },
        cookies: set,
    }
}

fn main_nav(t: &Catalog, role: Role, path: &str) -> Vec<NavItem> {
    let settings = if role == Role::Admin {
        "/settings/users"
    } else {
        "/settings/tokens"
    };
    let mut items = vec![
        NavItem {
            href: "/",
            label: t.t("nav.home"),
            current: path == "/",
        },
        NavItem {
            href: "/search",
            label: t.t("nav.search"),
            current: path == "/search",
        },
    ];
    if matches!(role, Role::Admin | Role::Agent) {
        items.push(NavItem {
            href: "/inbox",
            label: t.t("nav.inbox"),
            current: path.starts_with("/inbox"),
        });
        items.push(NavItem {
            href: "/emails",
            label: t.t("nav.emails"),
            current: path.starts_with("/emails"),
        });
        items.push(NavItem {
            href: "/leads",
            label: t.t("nav.leads"),
            current: path.starts_with("/leads"),
        });
    }
    if matches!(role, Role::Admin | Role::Agent | Role::Champion) {
        items.push(NavItem {
            href: "/faq",
            label: t.t("nav.faq"),
            current: path.starts_with("/faq"),
        });
    }
    if matches!(role, Role::Admin | Role::Agent | Role::Champion) {
        items.push(NavItem {
            href: "/reports",
            label: t.t("nav.reports"),
            current: path.starts_with("/reports"),
        });
        items.push(NavItem {
            href: "/use-cases",
            label: t.t("nav.usecases"),
            current: path.starts_with("/use-cases"),
        });
        items.push(NavItem {
            href: "/pilots",
            label: t.t("nav.pilots"),
            current: path.starts_with("/pilots"),
        });
        if role != Role::Agent {
            items.push(NavItem {
                href: "/feedback",
                label: t.t("nav.feedback"),
                current: path.starts_with("/feedback"),
            });
        }
    }
    if matches!(role, Role::Admin | Role::Champion) {
        items.push(NavItem {
            href: "/playground",
            label: t.t("nav.playground"),
            current: path.starts_with("/playground") || path.starts_with("/test-sets"),
        });
    }
    if role != Role::Viewer {
        items.push(NavItem {
            href: "/upload",
            label: t.t("nav.upload"),
            current: path == "/upload",
        });
    }
    items.push(NavItem {
        href: settings,
        label: t.t("nav.settings"),
        current: path.starts_with("/settings"),
    });
    items
}

/// The settings sub-navigation for a role.
pub fn settings_nav(t: &Catalog, role: Role, path: &str) -> Vec<NavItem> {
    let all: [(&'static str, &str, bool); 5] = [
        ("/settings/users", "nav.users", true),
        ("/settings/groups", "nav.groups", true),
        ("/settings/sites", "nav.sites", true),
        ("/settings/tokens", "nav.tokens", false),
        ("/settings/audit", "nav.audit", true),
    ];
    all.into_iter()
        .filter(|(_, _, admin_only)| !admin_only || role == Role::Admin)
        .map(|(href, key, _)| NavItem {
            href,
            label: t.t(key),
            current: path == href,
        })
        .collect()
}

impl Page {
    /// Renders a template with this page's cookies.
    pub fn render(self, template: &impl Template, status: StatusCode) -> Response {
        render_with(template, status, self.cookies)
    }
}

/// The status of a page that may show an error about what was sent: 400 with the error, else
/// 200 (the page is shown either way, so the person can correct the form).
fn status_for(has_error: bool) -> StatusCode {
    if has_error {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    }
}

fn render_with(template: &impl Template, status: StatusCode, cookies: Vec<String>) -> Response {
    let mut response = match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => crate::error::ApiError::internal(&e).into_response(),
    };
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(&c) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// A page with a title and a sentence (errors, confirmations).
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    /// Layout.
    pub shell: Shell,
    /// Heading.
    pub title: String,
    /// Text.
    pub text: String,
}

/// A "not found" page for a 404 from an operation; any other error as a problem document.
pub async fn not_found_page(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    path: &str,
    e: crate::error::ApiError,
) -> Response {
    if e.status != StatusCode::NOT_FOUND {
        return e.into_response();
    }
    let Page { shell, cookies } = page(state, headers, Some(caller), path).await;
    let title = shell.t.t("error.not-found");
    let text = e.detail.clone();
    render_with(
        &MessagePage { shell, title, text },
        StatusCode::NOT_FOUND,
        cookies,
    )
}

/// The page shown when a logged-in user opens a page their role does not allow. Static and
/// bilingual: it is produced by the access check, before the page's language is known.
pub fn forbidden_page() -> Html<&'static str> {
    Html(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>Accès refusé — Access denied</title>\
         <link rel=\"stylesheet\" href=\"/assets/app.css\"></head><body><main id=\"main\"><section class=\"card narrow\">\
         <h1>Accès refusé</h1><p>Votre rôle ne permet pas d'ouvrir cette page. Demandez à un administrateur.</p>\
         <p lang=\"en\">Access denied: your role does not allow this page. Ask an administrator.</p>\
         <p><a href=\"/\">Accueil — Home</a></p></section></main></body></html>",
    )
}
