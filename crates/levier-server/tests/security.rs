//! Web security of the server: CSRF, body limits and JSON errors, output escaping, security
//! headers and request ids, session fixation and logout, login throttling, open redirects.

mod support;

use axum::http::StatusCode;
use levier_core::Role;
use levier_core::config::ServerConfig;
use serde_json::json;
use support::{PASSWORD, Req, TestApp, Who, loopback, remote, remote_n};

// ---------------------------------------------------------------------------------------------
// CSRF

#[tokio::test]
async fn session_requests_that_change_state_need_the_session_csrf_token() {
    let app = TestApp::new().await;
    let s = app.login(Role::Member).await;
    let who = Who::Session(s.clone());
    let body = json!({ "name": "script", "role": "viewer" });

    let none = app
        .send(Req::post("/api/v1/tokens").auth(&who).json(&body))
        .await;
    let p = none.problem(StatusCode::FORBIDDEN);
    assert_eq!(p["title"], "CSRF token missing or wrong");

    let wrong = app
        .send(
            Req::post("/api/v1/tokens")
                .auth(&who)
                .header("x-csrf-token", &"f".repeat(64))
                .json(&body),
        )
        .await;
    wrong.problem(StatusCode::FORBIDDEN);

    // The anonymous double-submit pair does not stand in for the session's token.
    let double_submit = app
        .send(
            Req::post("/api/v1/tokens")
                .auth(&who)
                .cookie("levier_csrf", support::ANON_CSRF)
                .header("x-csrf-token", support::ANON_CSRF)
                .json(&body),
        )
        .await;
    double_submit.problem(StatusCode::FORBIDDEN);

    // Nothing was created by the refused requests.
    let member = app.user(Role::Member).id;
    assert!(
        app.store
            .api_tokens(Some(member))
            .await
            .expect("tokens")
            .is_empty()
    );

    let right = app
        .send(
            Req::post("/api/v1/tokens")
                .auth(&who)
                .header("x-csrf-token", &s.csrf)
                .json(&body),
        )
        .await;
    assert_eq!(right.status, StatusCode::CREATED, "{}", right.body);

    // Forms carry it in the `_csrf` field.
    let form_wrong = app
        .send(
            Req::post("/language")
                .auth(&who)
                .form(&[("_csrf", "nope"), ("lang", "en")]),
        )
        .await;
    assert_eq!(form_wrong.status, StatusCode::FORBIDDEN);
    let form_right = app
        .send(
            Req::post("/language")
                .auth(&who)
                .form(&[("_csrf", &s.csrf), ("lang", "en")]),
        )
        .await;
    assert_eq!(
        form_right.status,
        StatusCode::SEE_OTHER,
        "{}",
        form_right.body
    );

    // A session's token is not valid for another session.
    let other = app.login(Role::Viewer).await;
    let crossed = app
        .send(
            Req::post("/logout")
                .auth(&Who::Session(other.clone()))
                .header("x-csrf-token", &s.csrf)
                .form(&[]),
        )
        .await;
    assert_eq!(crossed.status, StatusCode::FORBIDDEN);
    let still = app
        .send(Req::get("/api/v1/me").auth(&Who::Session(other)))
        .await;
    assert_eq!(still.status, StatusCode::OK);
}

#[tokio::test]
async fn anonymous_forms_need_the_double_submit_cookie() {
    let app = TestApp::new().await;
    let email = app.user(Role::Member).email.clone();
    let csrf = app.anonymous_csrf(loopback()).await;
    let creds = [("email", email.as_str()), ("password", PASSWORD)];

    // Neither cookie nor field.
    let bare = app.send(Req::post("/login").form(&creds)).await;
    bare.problem(StatusCode::FORBIDDEN);
    // The field without the cookie (a cross-site form cannot read or set the cookie).
    let field_only = app
        .send(Req::post("/login").form(&[
            ("_csrf", csrf.as_str()),
            ("email", &email),
            ("password", PASSWORD),
        ]))
        .await;
    field_only.problem(StatusCode::FORBIDDEN);
    // The cookie without the field.
    let cookie_only = app
        .send(
            Req::post("/login")
                .cookie("levier_csrf", &csrf)
                .form(&creds),
        )
        .await;
    cookie_only.problem(StatusCode::FORBIDDEN);
    // Both, not matching.
    let mismatch = app
        .send(Req::post("/login").cookie("levier_csrf", &csrf).form(&[
            ("_csrf", &"0".repeat(64)),
            ("email", &email),
            ("password", PASSWORD),
        ]))
        .await;
    mismatch.problem(StatusCode::FORBIDDEN);
    for r in [&bare, &field_only, &cookie_only, &mismatch] {
        assert!(r.set_cookie("levier_session").is_none());
    }

    let ok = app.login_attempt(loopback(), &email, PASSWORD, &csrf).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert!(ok.set_cookie("levier_session").is_some());
}

#[tokio::test]
async fn api_token_callers_need_no_csrf_token() {
    let app = TestApp::new().await;
    let s = app.login(Role::Admin).await;
    let (_, token) = app
        .create_token(&Who::Session(s), "script", Role::Admin)
        .await;
    let who = Who::Token(token);
    let created = app
        .send(
            Req::post("/api/v1/groups")
                .auth(&who)
                .json(&json!({ "slug": "rh", "name": "RH" })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let deleted = app
        .send(Req::new("DELETE", "/api/v1/groups/rh").auth(&who))
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.body);
    // A form post by token, too.
    let form = app
        .send(
            Req::post("/settings/groups")
                .auth(&who)
                .form(&[("slug", "compta"), ("name", "Compta")]),
        )
        .await;
    assert_eq!(form.status, StatusCode::SEE_OTHER, "{}", form.body);
}

// ---------------------------------------------------------------------------------------------
// Bodies

#[tokio::test]
async fn an_oversized_body_is_refused_with_a_413_problem() {
    let app = TestApp::with(&ServerConfig {
        body_limit_bytes: 1024,
        ..ServerConfig::default()
    })
    .await;
    let s = app.login(Role::Admin).await;
    let (_, token) = app
        .create_token(&Who::Session(s.clone()), "script", Role::Admin)
        .await;
    let big = json!({
        "email": "big@ergolis.test",
        "display_name": "x".repeat(4096),
        "role": "member",
        "password": "longenough",
    });
    for who in [Who::Token(token), Who::Session(s.clone())] {
        let r = app
            .send(Req::post("/api/v1/users").sent_by(&who).json(&big))
            .await;
        let p = r.problem(StatusCode::PAYLOAD_TOO_LARGE);
        assert!(
            p["detail"]
                .as_str()
                .expect("detail")
                .contains("body_limit_bytes")
        );
        assert!(r.header("x-request-id").is_some());
    }
    // A form read by the CSRF check is held to the same limit.
    let name = "x".repeat(4096);
    let form = app
        .send(Req::post("/settings/users").auth(&Who::Session(s)).form(&[
            ("name", &name),
            ("email", "big@ergolis.test"),
            ("role", "member"),
            ("password", "longenough"),
        ]))
        .await;
    form.problem(StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        app.store
            .user_by_email("big@ergolis.test")
            .await
            .expect("lookup")
            .is_none()
    );
}

#[tokio::test]
async fn malformed_json_gets_a_problem_naming_the_field() {
    let app = TestApp::new().await;
    let s = app.login(Role::Admin).await;
    let (_, token) = app
        .create_token(&Who::Session(s), "script", Role::Admin)
        .await;
    let who = Who::Token(token);
    let post = |body: serde_json::Value| Req::post("/api/v1/users").sent_by(&who).json(&body);

    let role = app
        .send(post(json!({
            "email": "x@y.fr", "display_name": "X", "role": "boss", "password": "longenough"
        })))
        .await;
    let p = role.problem(StatusCode::BAD_REQUEST);
    assert_eq!(p["field"], "role", "{p}");

    let groups = app
        .send(post(json!({
            "email": "x@y.fr", "display_name": "X", "role": "member",
            "password": "longenough", "groups": "compta"
        })))
        .await;
    let p = groups.problem(StatusCode::BAD_REQUEST);
    assert_eq!(p["field"], "groups", "{p}");

    let missing = app
        .send(post(
            json!({ "email": "x@y.fr", "role": "member", "password": "longenough" }),
        ))
        .await;
    let p = missing.problem(StatusCode::BAD_REQUEST);
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("display_name"),
        "{p}"
    );

    let short = app
        .send(post(json!({
            "email": "x@y.fr", "display_name": "X", "role": "member", "password": "short"
        })))
        .await;
    let p = short.problem(StatusCode::BAD_REQUEST);
    assert_eq!(p["field"], "password", "{p}");

    let syntax = app
        .send(
            Req::post("/api/v1/users")
                .sent_by(&who)
                .body("application/json", b"{\"email\": ".to_vec()),
        )
        .await;
    syntax.problem(StatusCode::BAD_REQUEST);

    let patch = app
        .send(
            Req::new(
                "PATCH",
                &format!("/api/v1/users/{}", app.user(Role::Viewer).id.0),
            )
            .sent_by(&who)
            .json(&json!({ "disabled": "yes" })),
        )
        .await;
    let p = patch.problem(StatusCode::BAD_REQUEST);
    assert_eq!(p["field"], "disabled", "{p}");

    let text = app
        .send(
            Req::post("/api/v1/users")
                .sent_by(&who)
                .body("text/plain", b"email=x@y.fr".to_vec()),
        )
        .await;
    text.problem(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let no_type = app.send(Req::post("/api/v1/groups").sent_by(&who)).await;
    no_type.problem(StatusCode::UNSUPPORTED_MEDIA_TYPE);

    assert!(
        app.store
            .user_by_email("x@y.fr")
            .await
            .expect("lookup")
            .is_none()
    );
}

#[tokio::test]
async fn api_errors_from_routing_are_problem_documents() {
    let app = TestApp::new().await;
    let s = app.login(Role::Admin).await;
    let who = Who::Session(s);
    let unknown = app.send(Req::get("/api/v1/nope").auth(&who)).await;
    unknown.problem(StatusCode::NOT_FOUND);
    let method = app
        .send(
            Req::new("PUT", "/api/v1/users")
                .sent_by(&who)
                .json(&json!({})),
        )
        .await;
    method.problem(StatusCode::METHOD_NOT_ALLOWED);
    let missing_task = app.send(Req::get("/api/v1/tasks/999999").auth(&who)).await;
    missing_task.problem(StatusCode::NOT_FOUND);
    let page = app.get("/nope").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.is_html());
}

// ---------------------------------------------------------------------------------------------
// Output escaping, headers, request ids

/// Whether `<tag>` appears HTML-escaped (askama writes `&#60;`; `&lt;` is as good).
fn escaped(body: &str, tag: &str) -> bool {
    body.contains(&format!("&lt;{tag}&gt;")) || body.contains(&format!("&#60;{tag}&#62;"))
}

#[tokio::test]
async fn user_content_is_escaped_in_pages() {
    let app = TestApp::new().await;
    let raw = "<script>alert(1)</script>";
    app.add_user("xss@ergolis.test", raw, Role::Member).await;

    let admin = app.login(Role::Admin).await;
    let users = app
        .send(Req::get("/settings/users").auth(&Who::Session(admin)))
        .await;
    assert_eq!(users.status, StatusCode::OK);
    assert!(escaped(&users.body, "script"), "{}", users.body);
    assert!(users.body.contains("alert(1)"));
    assert!(!users.body.contains(raw));

    let xss = app.login_email("xss@ergolis.test").await;
    let home = app.send(Req::get("/").auth(&Who::Session(xss))).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(escaped(&home.body, "script"), "{}", home.body);
    assert!(!home.body.contains(raw));

    // The login form echoes the e-mail typed, escaped.
    let csrf = app.anonymous_csrf(loopback()).await;
    let echoed = app
        .login_attempt(
            loopback(),
            "\"><script>alert(2)</script>",
            "wrong-password",
            &csrf,
        )
        .await;
    assert_eq!(echoed.status, StatusCode::UNAUTHORIZED);
    assert!(!echoed.body.contains("<script>alert(2)"));
}

fn assert_security_headers(what: &str, r: &support::Reply) {
    let csp = r.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("script-src 'self'"), "{what}: CSP {csp:?}");
    assert!(
        csp.contains("frame-ancestors 'none'"),
        "{what}: CSP {csp:?}"
    );
    assert!(!csp.contains("unsafe-inline"), "{what}: CSP {csp:?}");
    assert_eq!(
        r.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(r.header("x-frame-options"), Some("DENY"), "{what}");
    let id = r.header("x-request-id").unwrap_or_default();
    assert!(!id.is_empty(), "{what}: no x-request-id");
}

#[tokio::test]
async fn every_response_has_security_headers_and_a_request_id() {
    let app = TestApp::with(&ServerConfig {
        body_limit_bytes: 1024,
        ..ServerConfig::default()
    })
    .await;
    let member = app.login(Role::Member).await;
    let who = Who::Session(member.clone());
    let replies = vec![
        ("login page", app.get("/login").await),
        ("health", app.get("/healthz").await),
        ("asset", app.get("/assets/app.css").await),
        ("missing asset", app.get("/assets/nope.js").await),
        ("page 404", app.get("/nope").await),
        ("api 404", app.get("/api/v1/nope").await),
        ("anonymous api", app.get("/api/v1/me").await),
        ("anonymous page", app.get("/settings/users").await),
        ("home", app.send(Req::get("/").auth(&who)).await),
        (
            "forbidden page",
            app.send(Req::get("/settings/users").auth(&who)).await,
        ),
        (
            "forbidden api",
            app.send(Req::get("/api/v1/users").auth(&who)).await,
        ),
        (
            "csrf",
            app.send(Req::post("/logout").auth(&who).form(&[])).await,
        ),
        (
            "too large",
            app.send(
                Req::post("/api/v1/tokens")
                    .sent_by(&who)
                    .json(&json!({ "name": "x".repeat(2048), "role": "viewer" })),
            )
            .await,
        ),
        ("setup closed", app.get("/setup").await),
        ("openapi", app.get("/api/v1/openapi.json").await),
        ("metrics", app.get("/metrics").await),
    ];
    let mut ids = std::collections::BTreeSet::new();
    for (what, r) in &replies {
        assert_security_headers(what, r);
        ids.insert(r.header("x-request-id").unwrap_or_default().to_string());
    }
    assert_eq!(
        ids.len(),
        replies.len(),
        "request ids are not unique: {ids:?}"
    );

    // A sane incoming id is echoed back; anything else is replaced.
    let echoed = app
        .send(Req::get("/healthz").header("x-request-id", "support-ticket_42"))
        .await;
    assert_eq!(echoed.header("x-request-id"), Some("support-ticket_42"));
    let echoed_err = app
        .send(Req::get("/api/v1/me").header("x-request-id", "abc-123"))
        .await;
    assert_eq!(echoed_err.status, StatusCode::UNAUTHORIZED);
    assert_eq!(echoed_err.header("x-request-id"), Some("abc-123"));
    for insane in ["has space", "<script>", &"a".repeat(65), "a.b"] {
        let r = app
            .send(Req::get("/healthz").header("x-request-id", insane))
            .await;
        let id = r.header("x-request-id").expect("id");
        assert_ne!(id, insane);
        assert!(
            !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()),
            "{id}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Sessions

#[tokio::test]
async fn login_issues_a_fresh_session_and_ends_the_previous_one() {
    let app = TestApp::new().await;
    let email = app.user(Role::Member).email.clone();

    // A value planted by an attacker before login is not adopted.
    let csrf = app.anonymous_csrf(loopback()).await;
    let planted = "a".repeat(64);
    let r = app
        .send(
            Req::post("/login")
                .cookie("levier_session", &planted)
                .cookie("levier_csrf", &csrf)
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("email", &email),
                    ("password", PASSWORD),
                ]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let first = r.set_cookie("levier_session").expect("session cookie");
    assert_ne!(first, planted);
    assert_eq!(first.len(), 64);
    let line = r.set_cookie_line("levier_session").expect("cookie");
    assert!(line.contains("HttpOnly") && line.contains("SameSite=Lax") && line.contains("Path=/"));
    assert!(!line.contains("Secure"), "no TLS here: {line}");
    let planted_me = app
        .send(Req::get("/api/v1/me").cookie("levier_session", &planted))
        .await;
    assert_eq!(planted_me.status, StatusCode::UNAUTHORIZED);

    // Logging in again over a live session replaces it.
    let s1 = app.session_of(first).await;
    let r = app
        .send(Req::post("/login").auth(&Who::Session(s1.clone())).form(&[
            ("_csrf", s1.csrf.as_str()),
            ("email", &email),
            ("password", PASSWORD),
        ]))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let second = r.set_cookie("levier_session").expect("session cookie");
    assert_ne!(second, s1.cookie);
    let old = app
        .send(Req::get("/api/v1/me").auth(&Who::Session(s1.clone())))
        .await;
    old.problem(StatusCode::UNAUTHORIZED);
    let old_page = app.send(Req::get("/").auth(&Who::Session(s1))).await;
    assert_eq!(old_page.status, StatusCode::SEE_OTHER);
    assert_eq!(old_page.location(), Some("/login?next=%2F"));
    let s2 = app.session_of(second).await;
    let me = app
        .send(Req::get("/api/v1/me").auth(&Who::Session(s2.clone())))
        .await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["user"]["email"], email);

    // Behind TLS, the cookie is Secure.
    let csrf = app.anonymous_csrf(loopback()).await;
    let tls = app
        .send(
            Req::post("/login")
                .header("x-forwarded-proto", "https")
                .cookie("levier_csrf", &csrf)
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("email", &email),
                    ("password", PASSWORD),
                ]),
        )
        .await;
    assert!(
        tls.set_cookie_line("levier_session")
            .expect("cookie")
            .contains("Secure")
    );

    // Logout ends the session server-side and clears the cookie.
    let out = app
        .send(
            Req::post("/logout")
                .sent_by(&Who::Session(s2.clone()))
                .form(&[]),
        )
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), Some("/login"));
    let cleared = out
        .set_cookie_line("levier_session")
        .expect("clearing cookie");
    assert!(cleared.starts_with("levier_session=;") && cleared.contains("Max-Age=0"));
    let after = app
        .send(Req::get("/").auth(&Who::Session(s2.clone())))
        .await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(after.location(), Some("/login?next=%2F"));
    let api_after = app
        .send(Req::get("/api/v1/me").auth(&Who::Session(s2)))
        .await;
    api_after.problem(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn disabling_or_demoting_a_user_ends_their_sessions() {
    let app = TestApp::new().await;
    let admin = Who::Session(app.login(Role::Admin).await);
    let agent = Who::Session(app.login(Role::Agent).await);
    let member = Who::Session(app.login(Role::Member).await);
    let patch = |role: Role, body: serde_json::Value| {
        Req::new("PATCH", &format!("/api/v1/users/{}", app.user(role).id.0))
            .sent_by(&admin)
            .json(&body)
    };
    let r = app
        .send(patch(Role::Member, json!({ "disabled": true })))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.send(Req::get("/api/v1/me").auth(&member)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let csrf = app.anonymous_csrf(loopback()).await;
    let relog = app
        .login_attempt(loopback(), &app.user(Role::Member).email, PASSWORD, &csrf)
        .await;
    assert_eq!(
        relog.status,
        StatusCode::UNAUTHORIZED,
        "a disabled account cannot log in"
    );

    let r = app
        .send(patch(Role::Agent, json!({ "role": "viewer" })))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.send(Req::get("/api/v1/me").auth(&agent)).await.status,
        StatusCode::UNAUTHORIZED
    );

    // An administrator cannot lock themselves out.
    let r = app
        .send(patch(Role::Admin, json!({ "role": "member" })))
        .await;
    r.problem(StatusCode::CONFLICT);
}

// ---------------------------------------------------------------------------------------------
// Throttling

#[tokio::test]
async fn five_failures_on_an_account_lock_it_for_a_minute_even_from_other_addresses() {
    let app = TestApp::new().await;
    let email = app.user(Role::Member).email.clone();
    let csrf = app.anonymous_csrf(loopback()).await;
    // Each attempt from a different address, so only the account's counter trips.
    for n in 1..=5 {
        let r = app
            .login_attempt(remote_n(n), &email, "wrong-password", &csrf)
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "attempt {n}: {}",
            r.body
        );
        assert!(r.header("retry-after").is_none());
    }
    let sixth = app
        .login_attempt(remote_n(6), &email, PASSWORD, &csrf)
        .await;
    assert_eq!(
        sixth.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        sixth.body
    );
    let wait: u64 = sixth
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((1..=61).contains(&wait), "{wait}");
    assert!(sixth.set_cookie("levier_session").is_none());
    assert!(sixth.body.contains("Trop de tentatives"), "{}", sixth.body);
    // Differently spelt, same account.
    let upper = app
        .login_attempt(remote_n(7), &email.to_uppercase(), PASSWORD, &csrf)
        .await;
    assert_eq!(upper.status, StatusCode::TOO_MANY_REQUESTS);

    // Other accounts are not affected.
    let other = app
        .login_attempt(remote_n(8), &app.user(Role::Viewer).email, PASSWORD, &csrf)
        .await;
    assert_eq!(other.status, StatusCode::SEE_OTHER, "{}", other.body);
}

#[tokio::test]
async fn five_failures_from_one_address_lock_that_address() {
    let app = TestApp::new().await;
    let csrf = app.anonymous_csrf(remote()).await;
    for (n, role) in Role::ALL.into_iter().enumerate() {
        let r = app
            .login_attempt(remote(), &app.user(role).email, "wrong-password", &csrf)
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let extra = app
        .add_user("fresh@ergolis.test", "Fresh", Role::Member)
        .await;
    assert!(extra.0 > 0);
    let sixth = app
        .login_attempt(remote(), "fresh@ergolis.test", PASSWORD, &csrf)
        .await;
    assert_eq!(
        sixth.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        sixth.body
    );
    assert!(sixth.header("retry-after").is_some());
    // The same account from elsewhere is fine: it is the address that is throttled.
    let elsewhere = app
        .login_attempt(remote_n(9), "fresh@ergolis.test", PASSWORD, &csrf)
        .await;
    assert_eq!(
        elsewhere.status,
        StatusCode::SEE_OTHER,
        "{}",
        elsewhere.body
    );
}

// ---------------------------------------------------------------------------------------------
// Redirects after login

#[tokio::test]
async fn after_login_the_redirect_stays_on_this_site() {
    let app = TestApp::new().await;
    let email = app.user(Role::Admin).email.clone();
    let csrf = app.anonymous_csrf(loopback()).await;
    let login_next = |next: &str| {
        Req::post("/login").cookie("levier_csrf", &csrf).form(&[
            ("_csrf", csrf.as_str()),
            ("email", &email),
            ("password", PASSWORD),
            ("next", next),
        ])
    };
    let r = app.send(login_next("/settings/users")).await;
    assert_eq!(r.location(), Some("/settings/users"));
    // Browsers drop tabs and newlines from URLs: `/\t/evil` would become `//evil`.
    for evil in [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
    ] {
        let r = app.send(login_next(evil)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{evil:?}: {}", r.body);
        assert_eq!(r.location(), Some("/"), "{evil:?}");
    }
    // A logged-in visitor of /login is sent on at once: same rule.
    let s = app.login(Role::Admin).await;
    for query in ["next=%2F%09%2Fevil.example", "next=%2F%2Fevil.example"] {
        let r = app
            .send(Req::get(&format!("/login?{query}")).auth(&Who::Session(s.clone())))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location(), Some("/"), "{query}");
    }
}
