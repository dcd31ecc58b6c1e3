//! Security headers on every response, and problem documents for bare error statuses.

use crate::error::ApiError;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Scripts, styles and images only from levier itself: no inline script can run, so an
/// injected `<script>` in user content is inert even if escaping ever failed.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Adds the headers, and replaces the empty bodies of error statuses produced by layers
/// (timeout, body limit, unknown route, wrong method) under /api with problem documents.
pub async fn middleware(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let mut response = next.run(req).await;
    let status = response.status();
    let has_type = response.headers().contains_key(header::CONTENT_TYPE);
    if is_api && !has_type && (status.is_client_error() || status.is_server_error()) {
        let request_id = response.headers().get("x-request-id").cloned();
        response = ApiError::from_status(status).into_response();
        if let Some(id) = request_id {
            response.headers_mut().insert("x-request-id", id);
        }
    } else if status == StatusCode::PAYLOAD_TOO_LARGE && !has_type {
        response = ApiError::payload_too_large().into_response();
    }
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}
