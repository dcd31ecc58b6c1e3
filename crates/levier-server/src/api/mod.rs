//! The REST API under `/api/v1`: JSON in and out, problem documents on error, described by an
//! OpenAPI 3.1 document generated from these handlers (`/api/v1/openapi.json`).

pub mod audit;
pub mod documents;
pub mod groups;
pub mod json;
pub mod search;
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
