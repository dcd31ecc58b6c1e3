//! The stylesheet and scripts, embedded in the binary: no CDN, works offline.

use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

const FILES: &[(&str, &str, &str)] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../assets/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/app.js"),
    ),
    (
        "inbox.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/inbox.js"),
    ),
];

/// The chat widget that customers' sites embed (`<script src=".../widget.js" data-site-key=…>`).
const WIDGET: &str = include_str!("../assets/widget.js");

/// A short hash of the assets' content: pages link `/assets/app.css?v=HASH`, so the long cache
/// lifetime never serves a stale file after an upgrade.
pub fn fingerprint() -> &'static str {
    static FINGERPRINT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    FINGERPRINT.get_or_init(|| {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        for (_, _, body) in FILES {
            hash.update(body.as_bytes());
        }
        hex::encode(&hash.finalize()[..6])
    })
}

/// The widget's entity tag: a short hash of its content.
fn widget_etag() -> &'static str {
    static ETAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ETAG.get_or_init(|| {
        use sha2::{Digest, Sha256};
        format!(
            "\"{}\"",
            hex::encode(&Sha256::digest(WIDGET.as_bytes())[..6])
        )
    })
}

/// `GET /assets/{file}`.
pub async fn serve(Path(file): Path<String>) -> Response {
    match FILES.iter().find(|(name, _, _)| *name == file) {
        Some((_, mime, body)) => (
            [
                (header::CONTENT_TYPE, *mime),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            *body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `GET /widget.js`. Customers' pages embed this address as it is, without a version, so it
/// cannot be cached for a year like `/assets/…`: browsers keep it an hour, then revalidate it by
/// its hash (304 when unchanged), so an upgrade of levier reaches every site within the hour.
pub async fn widget(headers: HeaderMap) -> Response {
    let etag = widget_etag();
    let cached = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    let head = [
        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
        (header::CACHE_CONTROL, "public, max-age=3600"),
        (header::ETAG, etag),
    ];
    if cached {
        (StatusCode::NOT_MODIFIED, head).into_response()
    } else {
        (head, WIDGET).into_response()
    }
}
