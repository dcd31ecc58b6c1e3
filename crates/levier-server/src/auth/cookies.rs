//! Reading and writing the few cookies levier uses.

use axum::http::{HeaderMap, header};

/// The session cookie: an opaque random value, HttpOnly.
pub const SESSION: &str = "levier_session";
/// The anonymous CSRF cookie, for forms shown before login (double-submit).
pub const CSRF: &str = "levier_csrf";
/// The interface language chosen before login.
pub const LANG: &str = "levier_lang";

/// The value of cookie `name` in the request, if present.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// True when the request reached us over TLS (directly or through a proxy that says so), in
/// which case cookies get the `Secure` attribute.
pub fn over_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure when over TLS; `max_age`
/// None makes a session cookie, Some(0) deletes it.
pub fn set(name: &str, value: &str, max_age: Option<u64>, http_only: bool, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; SameSite=Lax");
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reads_and_writes() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; levier_session=abc; b=2"),
        );
        assert_eq!(get(&h, SESSION), Some("abc"));
        assert_eq!(get(&h, "missing"), None);
        assert_eq!(
            set(SESSION, "x", None, true, true),
            "levier_session=x; Path=/; SameSite=Lax; HttpOnly; Secure"
        );
        assert!(set(LANG, "fr", Some(0), false, false).ends_with("Max-Age=0"));
    }
}
