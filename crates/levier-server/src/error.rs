//! Errors as `application/problem+json` (RFC 9457): each says what was wrong and what to do.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use levier_store::StoreError;
use serde::Serialize;

/// An error returned by the API.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Short, stable summary of the problem type.
    pub title: &'static str,
    /// What happened and what to do, for this occurrence.
    pub detail: String,
    /// The request field at fault, when one is.
    pub field: Option<String>,
    /// Seconds to wait before retrying (429).
    pub retry_after: Option<u64>,
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'a str,
    status: u16,
    detail: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

impl ApiError {
    fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            title,
            detail: detail.into(),
            field: None,
            retry_after: None,
        }
    }

    /// The request is malformed.
    pub fn bad_request(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "Bad request", detail)
    }

    /// One field of the request is invalid.
    pub fn invalid_field(field: impl Into<String>, detail: impl Into<String>) -> ApiError {
        ApiError {
            field: Some(field.into()),
            ..ApiError::new(StatusCode::BAD_REQUEST, "Invalid field", detail)
        }
    }

    /// No valid credentials were given.
    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Authentication required",
            "log in, or send an API token in the Authorization header (Bearer lvr_…)",
        )
    }

    /// The caller may not do this.
    pub fn forbidden() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "your role does not allow this action; ask an administrator",
        )
    }

    /// The caller may not do this, for a reason of its own (not a role).
    pub fn forbidden_because(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "Forbidden", detail)
    }

    /// One field is larger than its limit.
    pub fn field_too_large(field: impl Into<String>, detail: impl Into<String>) -> ApiError {
        ApiError {
            field: Some(field.into()),
            ..ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "Payload too large", detail)
        }
    }

    /// A state-changing request without the right CSRF token.
    pub fn csrf() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "CSRF token missing or wrong",
            "reload the page and submit the form again (API clients: send X-CSRF-Token, or use an API token)",
        )
    }

    /// Nothing here.
    pub fn not_found(what: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "Not found",
            format!("{} not found", what.into()),
        )
    }

    /// The request conflicts with existing data.
    pub fn conflict(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "Conflict", detail)
    }

    /// A part of the server is not available.
    pub fn unavailable(detail: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Service unavailable",
            detail,
        )
    }

    /// Too many attempts; retry after some seconds.
    pub fn too_many(retry_after: u64, detail: impl Into<String>) -> ApiError {
        ApiError {
            retry_after: Some(retry_after.max(1)),
            ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "Too many requests", detail)
        }
    }

    /// The body is larger than the configured limit.
    pub fn payload_too_large() -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Payload too large",
            "the request body exceeds the server's limit (server.body_limit_bytes)",
        )
    }

    /// Unexpected failure; the details go to the log, not to the client.
    pub fn internal(error: &dyn std::fmt::Display) -> ApiError {
        tracing::error!(%error, "request failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal error",
            "the server failed to handle the request; the error is in its log (see the x-request-id header)",
        )
    }

    /// A problem response for a bare status produced by a layer (timeout, method not allowed…).
    pub fn from_status(status: StatusCode) -> ApiError {
        let detail = match status {
            StatusCode::REQUEST_TIMEOUT => {
                "the request took longer than the server's limit (server.request_timeout_secs)"
            }
            StatusCode::METHOD_NOT_ALLOWED => {
                "this path does not accept that method; see /api/v1/openapi.json"
            }
            StatusCode::NOT_FOUND => "no such endpoint; see /api/v1/openapi.json",
            StatusCode::PAYLOAD_TOO_LARGE => return ApiError::payload_too_large(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "send the body as application/json",
            _ => "the request could not be handled",
        };
        ApiError::new(status, status.canonical_reason().unwrap_or("Error"), detail)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Problem {
            kind: "about:blank",
            title: self.title,
            status: self.status.as_u16(),
            detail: &self.detail,
            field: self.field.as_deref(),
        };
        let mut response = (self.status, Json(&body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Conflict(what) => ApiError::conflict(format!("{what} already exists")),
            StoreError::NotFound { what, id } => ApiError::not_found(format!("{what} {id}")),
            StoreError::Invalid(msg) => ApiError::bad_request(msg),
            // PostgreSQL refuses a NUL character in text (SQLSTATE 22021) where SQLite stores
            // it: that is the caller's input, not a server failure.
            StoreError::Database(e)
                if e.as_database_error()
                    .and_then(|db| db.code())
                    .is_some_and(|code| code == "22021") =>
            {
                ApiError::bad_request(
                    "the text contains a NUL character (\\u0000), which cannot be stored: remove it",
                )
            }
            other => ApiError::internal(&other),
        }
    }
}

/// Results of API handlers.
pub type ApiResult<T> = Result<T, ApiError>;
