//! Rate limits of the public endpoints. Login throttling has its tests in security.rs and the
//! widget's message flood in widget.rs; here, every endpoint of the public widget counts
//! against the visitor's address and, once it is spent, answers 429 with `Retry-After`.

mod support;

use axum::http::StatusCode;
use levier_core::config::SupportConfig;
use support::desk::{WidgetClient, set_desk};
use support::{Req, TestApp, remote_n};

/// Every widget endpoint, as (method, path after the site key, JSON body if any).
const ENDPOINTS: &[(&str, &str, Option<&str>)] = &[
    ("POST", "/conversations", Some("{}")),
    ("POST", "/messages", Some(r#"{"text":"bonjour"}"#)),
    ("GET", "/messages", None),
    ("GET", "/stream", None),
    ("POST", "/handoff", None),
    ("POST", "/stop", None),
    ("POST", "/rating", Some(r#"{"rating":5}"#)),
    (
        "POST",
        "/helpful",
        Some(r#"{"message_id":1,"helpful":true}"#),
    ),
];

#[tokio::test]
async fn every_widget_endpoint_answers_429_with_retry_after_once_the_address_is_spent() {
    let mut app = TestApp::new().await;
    let config = SupportConfig {
        requests_per_minute_per_ip: 1,
        ..SupportConfig::default()
    };
    set_desk(&mut app, config, true);
    let widget = WidgetClient::site(&app, "Ergolis").await;
    let token = widget.start(&app).await;

    for (n, (method, path, body)) in ENDPOINTS.iter().enumerate() {
        let address = remote_n(u8::try_from(n + 10).expect("small"));
        let request = || {
            let req = widget
                .req(method, path)
                .from(address)
                .header("x-conversation-token", &token);
            match body {
                Some(b) => req.body("application/json", b.as_bytes().to_vec()),
                None => req,
            }
        };
        // The address's only request of the minute is served (whatever its outcome)…
        let first = app.send(request()).await;
        assert_ne!(
            first.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{method} {path}: {}",
            first.body
        );
        // …the next one is refused, saying when to come back.
        let second = app.send(request()).await;
        let p = second.problem(StatusCode::TOO_MANY_REQUESTS);
        assert!(
            p["detail"].as_str().is_some_and(|d| d.contains("retry")),
            "{p}"
        );
        let wait: u64 = second
            .header("retry-after")
            .unwrap_or_else(|| panic!("{method} {path}: no Retry-After"))
            .parse()
            .expect("seconds");
        assert!((1..=61).contains(&wait), "{method} {path}: {wait}");
    }
    // Another address is not affected.
    let elsewhere = widget
        .req("GET", "/messages")
        .from(remote_n(200))
        .header("x-conversation-token", &token);
    assert_eq!(app.send(elsewhere).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_first_run_setup_is_closed_to_other_machines() {
    let app = TestApp::empty().await;
    let form = [
        ("name", "Intrus"),
        ("email", "intrus@evil.example"),
        ("password", "longenough-password"),
    ];
    let csrf = support::ANON_CSRF;
    let r = app
        .send(
            Req::post("/setup")
                .from(support::remote())
                .cookie("levier_csrf", csrf)
                .form(&[&form[..], &[("_csrf", csrf)]].concat()),
        )
        .await;
    assert!(
        r.status.is_success() || r.status.is_client_error(),
        "{}",
        r.body
    );
    assert_eq!(app.store.user_count().await.expect("count"), 0);
}
