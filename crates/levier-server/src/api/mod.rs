//! The REST API under `/api/v1`: JSON in and out, problem documents on error, described by an
//! OpenAPI 3.1 document generated from these handlers (`/api/v1/openapi.json`).

pub mod audit;
pub mod documents;
pub mod faq;
pub mod groups;
pub mod inbox;
pub mod json;
pub mod leads;
pub mod mail;
pub mod privacy;
pub mod search;
pub mod sites;
pub mod tasks;
pub mod tokens;
pub mod users;

use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

/// The OpenAPI document of the API.
#[derive(OpenApi)]
#[openapi(
    info(title = "levier API", description = "Self-hosted AI assistant for small and medium businesses."),
    paths(
        users::me, users::list, users::create, users::update,
        groups::list, groups::create, groups::delete,
        tokens::list, tokens::create, tokens::revoke,
        audit::list,
        tasks::list, tasks::get, tasks::cancel,
        search::search, documents::upload, documents::get, documents::remove,
        crate::widget::api::start, crate::widget::api::post_message, crate::widget::api::messages,
        crate::widget::api::events, crate::widget::api::ask_person, crate::widget::api::rate,
        crate::widget::api::helpful,
        crate::widget::api::stop,
        inbox::list, inbox::get, inbox::assign, inbox::reply, inbox::note, inbox::resolve,
        inbox::reopen, inbox::ticket_events, inbox::inbox_events, inbox::verdict,
        faq::list, faq::create, faq::import, faq::get, faq::update, faq::remove, faq::add_phrasing,
        faq::remove_phrasing, faq::entry_from_reply, faq::phrasing_from_message, faq::out_of_scope,
        sites::list, sites::create, sites::update, sites::disable,
        mail::list, mail::get, mail::suggestion, mail::correct, mail::rules, mail::create_rule, mail::update_rule,
        mail::delete_rule,
        leads::list, leads::get, leads::import, leads::train, leads::contacted, leads::outcome,
        leads::duplicates, leads::merge,
        leads::mappings, leads::save_mapping, leads::dismiss,
        privacy::export, privacy::erase,
    ),
    modifiers(&Security),
    security(("bearer" = []), ("session" = []))
)]
pub struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("lvr_…")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "levier_session",
                "browser session; state-changing requests also need the X-CSRF-Token header",
            ))),
        );
    }
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}
