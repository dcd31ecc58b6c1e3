//! The route table: every route with its access rule. The router is built from this table
//! (see [`crate::router`]), so a route cannot exist without a rule, and the RBAC matrix test
//! walks the same table.

use crate::access::{
    ADMIN, Access, CONTRIBUTORS, FAQ_EDITORS, PILOT_DECIDERS, REPORT_READERS, SUPPORT,
};
use crate::{AppState, api, assets, health, pages, widget};
use axum::routing::{MethodRouter, delete, get, patch, post, put};

/// One route: method, path pattern, who may call it, and its handler.
pub struct Route {
    /// HTTP method.
    pub method: &'static str,
    /// Path pattern (axum syntax).
    pub path: &'static str,
    /// Who may call it.
    pub access: Access,
    /// The handler.
    pub handler: MethodRouter<AppState>,
}

fn r(
    method: &'static str,
    path: &'static str,
    access: Access,
    handler: MethodRouter<AppState>,
) -> Route {
    Route {
        method,
        path,
        access,
        handler,
    }
}

/// Every route of the server.
pub fn table() -> Vec<Route> {
    use Access::{Authenticated, LoopbackOrAdmin, Public, Widget};
    use widget::api as w;
    vec![
        // Operations.
        r("GET", "/healthz", Public, get(health::healthz)),
        r("GET", "/readyz", Public, get(health::readyz)),
        r("GET", "/metrics", LoopbackOrAdmin, get(health::metrics)),
        r("GET", "/assets/{file}", Public, get(assets::serve)),
        r("GET", "/widget.js", Public, get(assets::widget)),
        r("GET", "/demo/site", Public, get(pages::demo::site)),
        r("GET", "/help/{id}", Public, get(pages::help::document)),
        // Accounts.
        r("GET", "/login", Public, get(pages::account::login_page)),
        r("POST", "/login", Public, post(pages::account::login_submit)),
        r(
            "POST",
            "/logout",
            Authenticated,
            post(pages::account::logout),
        ),
        r("GET", "/setup", Public, get(pages::account::setup_page)),
        r("POST", "/setup", Public, post(pages::account::setup_submit)),
        r(
            "POST",
            "/language",
            Public,
            post(pages::account::set_language),
        ),
        // Pages.
        r("GET", "/", Authenticated, get(pages::home::home)),
        r("GET", "/search", Authenticated, get(pages::search::search)),
        r(
            "GET",
            "/search/answer",
            Authenticated,
            get(crate::llm::search::answer),
        ),
        r(
            "POST",
            "/search/rating",
            Authenticated,
            post(pages::search::rate),
        ),
        r(
            "GET",
            "/documents/{id}",
            Authenticated,
            get(pages::search::document),
        ),
        r(
            "GET",
            "/upload",
            CONTRIBUTORS,
            get(pages::search::upload_form),
        ),
        r("POST", "/upload", CONTRIBUTORS, post(pages::search::upload)),
        r("GET", "/settings/users", ADMIN, get(pages::settings::users)),
        r(
            "POST",
            "/settings/users",
            ADMIN,
            post(pages::settings::create_user),
        ),
        r(
            "POST",
            "/settings/users/{id}",
            ADMIN,
            post(pages::settings::update_user),
        ),
        r(
            "GET",
            "/settings/groups",
            ADMIN,
            get(pages::settings::groups),
        ),
        r(
            "POST",
            "/settings/groups",
            ADMIN,
            post(pages::settings::create_group),
        ),
        r(
            "POST",
            "/settings/groups/{slug}/delete",
            ADMIN,
            post(pages::settings::delete_group),
        ),
        r(
            "GET",
            "/settings/tokens",
            Authenticated,
            get(pages::settings::tokens),
        ),
        r(
            "POST",
            "/settings/tokens",
            Authenticated,
            post(pages::settings::create_token),
        ),
        r(
            "POST",
            "/settings/tokens/{id}/revoke",
            Authenticated,
            post(pages::settings::revoke_token),
        ),
        r("GET", "/settings/audit", ADMIN, get(pages::settings::audit)),
        // The websites carrying the widget: snippet, origins, pilot scope.
        r("GET", "/settings/sites", ADMIN, get(pages::sites::list)),
        r("POST", "/settings/sites", ADMIN, post(pages::sites::create)),
        r(
            "GET",
            "/settings/sites/{id}",
            ADMIN,
            get(pages::sites::site),
        ),
        r(
            "POST",
            "/settings/sites/{id}/origins",
            ADMIN,
            post(pages::sites::set_origins),
        ),
        r(
            "POST",
            "/settings/sites/{id}/scope",
            ADMIN,
            post(pages::sites::set_scope),
        ),
        r(
            "POST",
            "/settings/sites/{id}/disable",
            ADMIN,
            post(pages::sites::disable),
        ),
        r("GET", "/emails", SUPPORT, get(pages::emails::list)),
        r("GET", "/emails/{id}", SUPPORT, get(pages::emails::mail)),
        r(
            "POST",
            "/emails/{id}/category",
            SUPPORT,
            post(pages::emails::correct),
        ),
        r("GET", "/inbox", SUPPORT, get(pages::inbox::list)),
        r("GET", "/inbox/{id}", SUPPORT, get(pages::inbox::ticket)),
        r(
            "POST",
            "/inbox/{id}/reply",
            SUPPORT,
            post(pages::inbox::reply),
        ),
        r(
            "POST",
            "/inbox/{id}/note",
            SUPPORT,
            post(pages::inbox::note),
        ),
        r(
            "POST",
            "/inbox/{id}/assign",
            SUPPORT,
            post(pages::inbox::assign),
        ),
        r(
            "POST",
            "/inbox/{id}/verdict",
            SUPPORT,
            post(pages::inbox::verdict),
        ),
        r(
            "POST",
            "/inbox/{id}/phrasing",
            SUPPORT,
            post(pages::inbox::teach),
        ),
        r(
            "POST",
            "/inbox/{id}/out-of-scope",
            SUPPORT,
            post(pages::inbox::out_of_scope),
        ),
        r(
            "POST",
            "/inbox/{id}/resolve",
            SUPPORT,
            post(pages::inbox::resolve),
        ),
        r(
            "POST",
            "/inbox/{id}/reopen",
            SUPPORT,
            post(pages::inbox::reopen),
        ),
        r(
            "GET",
            "/reports",
            REPORT_READERS,
            get(pages::reports::reports),
        ),
        r(
            "POST",
            "/reports/value",
            PILOT_DECIDERS,
            post(pages::reports::set_value),
        ),
        r(
            "GET",
            "/reports/export",
            REPORT_READERS,
            get(pages::reports::export),
        ),
        r(
            "GET",
            "/reports/drill",
            REPORT_READERS,
            get(pages::reports::drill),
        ),
        r(
            "GET",
            "/reports/drill.csv",
            REPORT_READERS,
            get(pages::reports::drill_csv),
        ),
        r(
            "GET",
            "/use-cases",
            REPORT_READERS,
            get(pages::use_cases::use_cases),
        ),
        // Leads: sales work, done by admins and agents.
        r("GET", "/leads", SUPPORT, get(pages::leads::list)),
        r("POST", "/leads/import", SUPPORT, post(pages::leads::import)),
        r("POST", "/leads/train", SUPPORT, post(pages::leads::train)),
        r(
            "POST",
            "/leads/{id}/dismiss",
            SUPPORT,
            post(pages::leads::dismiss),
        ),
        r(
            "POST",
            "/leads/{id}/contacted",
            SUPPORT,
            post(pages::leads::contacted),
        ),
        r(
            "POST",
            "/leads/{id}/merge",
            SUPPORT,
            post(pages::leads::merge),
        ),
        r("POST", "/leads/{id}/won", SUPPORT, post(pages::leads::won)),
        r(
            "POST",
            "/leads/{id}/lost",
            SUPPORT,
            post(pages::leads::lost),
        ),
        r(
            "POST",
            "/leads/{id}/open",
            SUPPORT,
            post(pages::leads::reopen),
        ),
        r(
            "GET",
            "/feedback",
            PILOT_DECIDERS,
            get(pages::feedback::feedback),
        ),
        r("GET", "/pilots", REPORT_READERS, get(pages::pilots::list)),
        r(
            "GET",
            "/pilots/{id}",
            REPORT_READERS,
            get(pages::pilots::show),
        ),
        r(
            "POST",
            "/pilots/{id}/start",
            PILOT_DECIDERS,
            post(pages::pilots::start),
        ),
        r(
            "POST",
            "/pilots/{id}/survey",
            Access::Authenticated,
            post(pages::pilots::answer_survey),
        ),
        r(
            "POST",
            "/pilots/{id}/decision",
            PILOT_DECIDERS,
            post(pages::pilots::decide),
        ),
        // Trying the assistant before going live: the playground and the test sets.
        r(
            "GET",
            "/playground",
            PILOT_DECIDERS,
            get(pages::playground::show),
        ),
        r(
            "POST",
            "/playground",
            PILOT_DECIDERS,
            post(pages::playground::ask),
        ),
        r(
            "POST",
            "/playground/mail",
            PILOT_DECIDERS,
            post(pages::playground::try_mail),
        ),
        r(
            "GET",
            "/test-sets",
            PILOT_DECIDERS,
            get(pages::test_sets::list),
        ),
        r(
            "POST",
            "/test-sets",
            PILOT_DECIDERS,
            post(pages::test_sets::create),
        ),
        r(
            "POST",
            "/test-sets/pilots",
            PILOT_DECIDERS,
            post(pages::test_sets::draft_pilot),
        ),
        r(
            "GET",
            "/test-sets/{id}",
            PILOT_DECIDERS,
            get(pages::test_sets::show),
        ),
        r(
            "POST",
            "/test-sets/{id}/cases",
            PILOT_DECIDERS,
            post(pages::test_sets::add_cases),
        ),
        r(
            "POST",
            "/test-sets/{id}/run",
            PILOT_DECIDERS,
            post(pages::test_sets::run),
        ),
        r("GET", "/faq", FAQ_EDITORS, get(pages::faq::list)),
        r("POST", "/faq", FAQ_EDITORS, post(pages::faq::create)),
        r("POST", "/faq/import", FAQ_EDITORS, post(pages::faq::import)),
        r("GET", "/faq/{id}", FAQ_EDITORS, get(pages::faq::entry)),
        r("POST", "/faq/{id}", FAQ_EDITORS, post(pages::faq::update)),
        r(
            "POST",
            "/faq/{id}/phrasings",
            FAQ_EDITORS,
            post(pages::faq::add_phrasing),
        ),
        r(
            "POST",
            "/faq/{id}/phrasings/delete",
            FAQ_EDITORS,
            post(pages::faq::remove_phrasing),
        ),
        r(
            "POST",
            "/faq/{id}/delete",
            FAQ_EDITORS,
            post(pages::faq::delete),
        ),
        // API.
        r("GET", "/api/v1/openapi.json", Public, get(api::openapi)),
        r("GET", "/api/v1/me", Authenticated, get(api::users::me)),
        r("GET", "/api/v1/users", ADMIN, get(api::users::list)),
        r("POST", "/api/v1/users", ADMIN, post(api::users::create)),
        r(
            "PATCH",
            "/api/v1/users/{id}",
            ADMIN,
            patch(api::users::update),
        ),
        // The websites carrying the widget, and their pilot scope.
        r("GET", "/api/v1/sites", ADMIN, get(api::sites::list)),
        r("POST", "/api/v1/sites", ADMIN, post(api::sites::create)),
        r(
            "PATCH",
            "/api/v1/sites/{id}",
            ADMIN,
            patch(api::sites::update),
        ),
        r(
            "DELETE",
            "/api/v1/sites/{id}",
            ADMIN,
            delete(api::sites::disable),
        ),
        r("GET", "/api/v1/groups", ADMIN, get(api::groups::list)),
        r("POST", "/api/v1/groups", ADMIN, post(api::groups::create)),
        r(
            "DELETE",
            "/api/v1/groups/{slug}",
            ADMIN,
            delete(api::groups::delete),
        ),
        r(
            "GET",
            "/api/v1/tokens",
            Authenticated,
            get(api::tokens::list),
        ),
        r(
            "POST",
            "/api/v1/tokens",
            Authenticated,
            post(api::tokens::create),
        ),
        r(
            "DELETE",
            "/api/v1/tokens/{id}",
            Authenticated,
            delete(api::tokens::revoke),
        ),
        r("GET", "/api/v1/audit", ADMIN, get(api::audit::list)),
        // A person's data under the GDPR: export and erasure, audited.
        r(
            "GET",
            "/api/v1/privacy/export",
            ADMIN,
            get(api::privacy::export),
        ),
        r(
            "POST",
            "/api/v1/privacy/erase",
            ADMIN,
            post(api::privacy::erase),
        ),
        r(
            "GET",
            "/api/v1/search",
            Authenticated,
            get(api::search::search),
        ),
        r(
            "POST",
            "/api/v1/documents",
            CONTRIBUTORS,
            post(api::documents::upload),
        ),
        r(
            "GET",
            "/api/v1/documents/{id}",
            Authenticated,
            get(api::documents::get),
        ),
        r(
            "DELETE",
            "/api/v1/documents/{id}",
            ADMIN,
            delete(api::documents::remove),
        ),
        r("GET", "/api/v1/tasks", ADMIN, get(api::tasks::list)),
        r("GET", "/api/v1/tasks/{id}", ADMIN, get(api::tasks::get)),
        r(
            "POST",
            "/api/v1/tasks/{id}/cancel",
            ADMIN,
            post(api::tasks::cancel),
        ),
        // The public widget (site key, origin and rate limits; see widget::gate).
        r(
            "POST",
            "/api/v1/widget/{site_key}/conversations",
            Widget,
            post(w::start),
        ),
        r(
            "POST",
            "/api/v1/widget/{site_key}/messages",
            Widget,
            post(w::post_message),
        ),
        r(
            "GET",
            "/api/v1/widget/{site_key}/messages",
            Widget,
            get(w::messages),
        ),
        r(
            "GET",
            "/api/v1/widget/{site_key}/stream",
            Widget,
            get(w::events),
        ),
        r(
            "POST",
            "/api/v1/widget/{site_key}/handoff",
            Widget,
            post(w::ask_person),
        ),
        r(
            "POST",
            "/api/v1/widget/{site_key}/stop",
            Widget,
            post(w::stop),
        ),
        r(
            "POST",
            "/api/v1/widget/{site_key}/rating",
            Widget,
            post(w::rate),
        ),
        r(
            "POST",
            "/api/v1/widget/{site_key}/helpful",
            Widget,
            post(w::helpful),
        ),
        // E-mail triage: the shared mailbox and its routing rules.
        r("GET", "/api/v1/leads", SUPPORT, get(api::leads::list)),
        r(
            "GET",
            "/api/v1/leads/duplicates",
            SUPPORT,
            get(api::leads::duplicates),
        ),
        r(
            "POST",
            "/api/v1/leads/import",
            SUPPORT,
            post(api::leads::import),
        ),
        r(
            "POST",
            "/api/v1/leads/train",
            SUPPORT,
            post(api::leads::train),
        ),
        r(
            "GET",
            "/api/v1/leads/mappings",
            SUPPORT,
            get(api::leads::mappings),
        ),
        r(
            "PUT",
            "/api/v1/leads/mappings/{name}",
            SUPPORT,
            put(api::leads::save_mapping),
        ),
        r(
            "POST",
            "/api/v1/leads/{id}/dismiss",
            SUPPORT,
            post(api::leads::dismiss),
        ),
        r("GET", "/api/v1/leads/{id}", SUPPORT, get(api::leads::get)),
        r(
            "POST",
            "/api/v1/leads/{id}/contacted",
            SUPPORT,
            post(api::leads::contacted),
        ),
        r(
            "POST",
            "/api/v1/leads/{id}/outcome",
            SUPPORT,
            post(api::leads::outcome),
        ),
        r(
            "POST",
            "/api/v1/leads/{id}/merge",
            SUPPORT,
            post(api::leads::merge),
        ),
        r("GET", "/api/v1/mails", SUPPORT, get(api::mail::list)),
        r("GET", "/api/v1/mails/{id}", SUPPORT, get(api::mail::get)),
        r(
            "GET",
            "/api/v1/mails/{id}/suggestion",
            SUPPORT,
            get(api::mail::suggestion),
        ),
        r(
            "POST",
            "/api/v1/mails/{id}/category",
            SUPPORT,
            post(api::mail::correct),
        ),
        r("GET", "/api/v1/mail-rules", ADMIN, get(api::mail::rules)),
        r(
            "POST",
            "/api/v1/mail-rules",
            ADMIN,
            post(api::mail::create_rule),
        ),
        r(
            "PUT",
            "/api/v1/mail-rules/{id}",
            ADMIN,
            axum::routing::put(api::mail::update_rule),
        ),
        r(
            "DELETE",
            "/api/v1/mail-rules/{id}",
            ADMIN,
            delete(api::mail::delete_rule),
        ),
        // The agents' inbox.
        r("GET", "/api/v1/tickets", SUPPORT, get(api::inbox::list)),
        r("GET", "/api/v1/tickets/{id}", SUPPORT, get(api::inbox::get)),
        r(
            "POST",
            "/api/v1/tickets/{id}/assign",
            SUPPORT,
            post(api::inbox::assign),
        ),
        r(
            "POST",
            "/api/v1/tickets/{id}/reply",
            SUPPORT,
            post(api::inbox::reply),
        ),
        r(
            "POST",
            "/api/v1/tickets/{id}/notes",
            SUPPORT,
            post(api::inbox::note),
        ),
        r(
            "POST",
            "/api/v1/tickets/{id}/resolve",
            SUPPORT,
            post(api::inbox::resolve),
        ),
        r(
            "POST",
            "/api/v1/tickets/{id}/reopen",
            SUPPORT,
            post(api::inbox::reopen),
        ),
        r(
            "GET",
            "/api/v1/tickets/{id}/stream",
            SUPPORT,
            get(api::inbox::ticket_events),
        ),
        r(
            "GET",
            "/api/v1/inbox/stream",
            SUPPORT,
            get(api::inbox::inbox_events),
        ),
        r(
            "POST",
            "/api/v1/messages/{id}/verdict",
            SUPPORT,
            post(api::inbox::verdict),
        ),
        r(
            "POST",
            "/api/v1/messages/{id}/faq-entry",
            SUPPORT,
            post(api::faq::entry_from_reply),
        ),
        r(
            "POST",
            "/api/v1/messages/{id}/faq-phrasing",
            SUPPORT,
            post(api::faq::phrasing_from_message),
        ),
        r(
            "POST",
            "/api/v1/messages/{id}/out-of-scope",
            SUPPORT,
            post(api::faq::out_of_scope),
        ),
        // The FAQ.
        r("GET", "/api/v1/faq", FAQ_EDITORS, get(api::faq::list)),
        r("POST", "/api/v1/faq", FAQ_EDITORS, post(api::faq::create)),
        r(
            "POST",
            "/api/v1/faq/import",
            FAQ_EDITORS,
            post(api::faq::import),
        ),
        r("GET", "/api/v1/faq/{id}", FAQ_EDITORS, get(api::faq::get)),
        r(
            "PATCH",
            "/api/v1/faq/{id}",
            FAQ_EDITORS,
            patch(api::faq::update),
        ),
        r(
            "DELETE",
            "/api/v1/faq/{id}",
            FAQ_EDITORS,
            delete(api::faq::remove),
        ),
        r(
            "POST",
            "/api/v1/faq/{id}/phrasings",
            FAQ_EDITORS,
            post(api::faq::add_phrasing),
        ),
        r(
            "DELETE",
            "/api/v1/faq/phrasings/{id}",
            FAQ_EDITORS,
            delete(api::faq::remove_phrasing),
        ),
    ]
}
