//! CSRF protection for every state-changing request made with ambient credentials.
//!
//! Logged-in forms carry the session's token in a hidden `_csrf` field (or scripts send the
//! `X-CSRF-Token` header); forms shown before login use a double-submit cookie. Comparison is
//! constant-time.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{Method, header};

/// The form field that carries the token.
pub const FIELD: &str = "_csrf";

/// True for methods that change state.
pub fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Reads the token sent with a request (header, or `_csrf` in a urlencoded form body), and
/// gives the request back with its body intact. Fails with the body-limit error.
pub async fn sent_token(
    req: Request,
    limit: usize,
) -> Result<(Option<String>, Request), axum::Error> {
    if let Some(v) = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        let token = v.to_string();
        return Ok((Some(token), req));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok((None, req));
    }
    let (parts, body) = req.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, limit).await?;
    let token = form_field(&bytes, FIELD);
    Ok((token, Request::from_parts(parts, Body::from(bytes))))
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Constant-time equality, so the token cannot be guessed byte by byte from timings.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_field_in_a_form() {
        assert_eq!(
            form_field(b"email=a%40b.fr&_csrf=abc123&x=1", FIELD).as_deref(),
            Some("abc123")
        );
        assert_eq!(form_field(b"email=a", FIELD), None);
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
