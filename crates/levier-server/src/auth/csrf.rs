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
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let boundary = multipart_boundary(content_type);
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    if !is_form && boundary.is_none() {
        return Ok((None, req));
    }
    let (parts, body) = req.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, limit).await?;
    let token = match boundary {
        Some(b) => multipart_field(&bytes, &b, FIELD),
        None => form_field(&bytes, FIELD),
    };
    Ok((token, Request::from_parts(parts, Body::from(bytes))))
}

/// The boundary of a `multipart/form-data` body: upload forms (documents, FAQ CSV) carry the
/// token as a form field like the others.
fn multipart_boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The value of the plain (non-file) part `name` of a multipart body.
fn multipart_field(body: &[u8], boundary: &str, name: &str) -> Option<String> {
    let delimiter = format!("--{boundary}");
    let wanted = format!("name=\"{name}\"");
    split(body, delimiter.as_bytes()).find_map(|part| {
        let head_end = find(part, b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&part[..head_end]);
        if !head.contains(&wanted) || head.contains("filename=") {
            return None;
        }
        let value = &part[head_end + 4..];
        let value = value.strip_suffix(b"\r\n").unwrap_or(value);
        std::str::from_utf8(value).ok().map(str::to_string)
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The pieces of `body` between occurrences of `delimiter`.
fn split<'a>(mut body: &'a [u8], delimiter: &'a [u8]) -> impl Iterator<Item = &'a [u8]> {
    std::iter::from_fn(move || {
        if body.is_empty() {
            return None;
        }
        let (piece, rest) = match find(body, delimiter) {
            Some(at) => (&body[..at], &body[at + delimiter.len()..]),
            None => (body, &[][..]),
        };
        body = rest;
        Some(piece)
    })
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

    #[test]
    fn finds_the_field_in_a_multipart_form() {
        let ct = "multipart/form-data; boundary=----x42";
        let body = b"------x42\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntok3n\r\n\
            ------x42\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.csv\"\r\n\r\na;b\r\n------x42--\r\n";
        let boundary = multipart_boundary(ct).unwrap();
        assert_eq!(
            multipart_field(body, &boundary, FIELD).as_deref(),
            Some("tok3n")
        );
        assert_eq!(multipart_field(body, &boundary, "other"), None);
        assert_eq!(multipart_boundary("application/json"), None);
    }
}
