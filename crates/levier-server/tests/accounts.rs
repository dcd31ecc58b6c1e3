//! Accounts end to end: the first-run page, API tokens and their limits, the audit log, the
//! interface language, and who may read the metrics.

mod support;

use axum::http::StatusCode;
use levier_core::Role;
use levier_store::tasks::NewTask;
use serde_json::json;
use std::net::SocketAddr;
use support::{ANON_CSRF, PASSWORD, Req, TestApp, Who, loopback, remote};

// ---------------------------------------------------------------------------------------------
// First run

#[tokio::test]
async fn first_run_creates_the_administrator_from_this_machine_only() {
    let app = TestApp::empty().await;
    let login = app.get("/login").await;
    assert_eq!(login.status, StatusCode::SEE_OTHER);
    assert_eq!(login.location(), Some("/setup"));

    let setup_form = |csrf: &str, password: &str| {
        Req::post("/setup").cookie("levier_csrf", csrf).form(&[
            ("_csrf", csrf),
            ("name", "Camille Martin"),
            ("email", "Camille@Ergolis.test"),
            ("password", password),
        ])
    };

    // Not from elsewhere, not even with a valid double-submit pair.
    let away = app.send(Req::get("/setup").from(remote())).await;
    assert_eq!(away.status, StatusCode::FORBIDDEN);
    assert!(
        away.body.contains("accessible que depuis la machine"),
        "{}",
        away.body
    );
    let away_post = app
        .send(setup_form(ANON_CSRF, "first-admin-pass").from(remote()))
        .await;
    assert_eq!(away_post.status, StatusCode::FORBIDDEN);
    assert!(away_post.set_cookie("levier_session").is_none());
    assert_eq!(app.store.user_count().await.expect("count"), 0);

    let page = app.get("/setup").await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.set_cookie("levier_csrf").expect("csrf cookie");
    assert_eq!(page.csrf_field().as_deref(), Some(csrf.as_str()));

    // CSRF applies here too.
    let forged = app
        .send(Req::post("/setup").form(&[
            ("name", "Mallory"),
            ("email", "mallory@evil.example"),
            ("password", "first-admin-pass"),
        ]))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // A refused password shows the form again.
    let short = app.send(setup_form(&csrf, "short")).await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.store.user_count().await.expect("count"), 0);

    let done = app.send(setup_form(&csrf, "first-admin-pass")).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), Some("/"));
    let cookie = done.set_cookie("levier_session").expect("logged in");

    let admin = app
        .store
        .user_by_email("camille@ergolis.test")
        .await
        .expect("lookup")
        .expect("the administrator exists");
    assert_eq!(admin.role, Role::Admin);
    assert_eq!(admin.display_name, "Camille Martin");
    let audit = app.store.audit_entries(0, 100).await.expect("audit");
    let entry = audit
        .iter()
        .find(|e| e.action == "user.create")
        .expect("user.create audited");
    assert_eq!(entry.target, format!("user:{}", admin.id));
    assert_eq!(entry.actor, "camille@ergolis.test");
    assert_eq!(entry.ip, "127.0.0.1");

    let me = app
        .send(Req::get("/api/v1/me").cookie("levier_session", &cookie))
        .await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["acting_role"], "admin");
    let users = app
        .send(Req::get("/settings/users").cookie("levier_session", &cookie))
        .await;
    assert_eq!(users.status, StatusCode::OK);

    // Closed for good, even from this machine.
    let again = app.get("/setup").await;
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    assert!(
        again.body.contains("La mise en route est terminée"),
        "{}",
        again.body
    );
    let csrf = app.anonymous_csrf(loopback()).await;
    let second = app
        .send(Req::post("/setup").cookie("levier_csrf", &csrf).form(&[
            ("_csrf", csrf.as_str()),
            ("name", "Second"),
            ("email", "second@ergolis.test"),
            ("password", "second-admin-pass"),
        ]))
        .await;
    assert_eq!(second.status, StatusCode::FORBIDDEN);
    assert!(second.set_cookie("levier_session").is_none());
    assert_eq!(app.store.user_count().await.expect("count"), 1);
    assert_eq!(app.get("/login").await.status, StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// API tokens

#[tokio::test]
async fn a_token_never_has_more_rights_than_its_creator() {
    let app = TestApp::new().await;
    let member = Who::Session(app.login(Role::Member).await);
    for role in ["admin", "agent", "champion"] {
        let r = app
            .send(
                Req::post("/api/v1/tokens")
                    .sent_by(&member)
                    .json(&json!({ "name": "x", "role": role })),
            )
            .await;
        let p = r.problem(StatusCode::BAD_REQUEST);
        assert_eq!(p["field"], "role", "{role}: {p}");
    }
    let unknown = app
        .send(
            Req::post("/api/v1/tokens")
                .sent_by(&member)
                .json(&json!({ "name": "x", "role": "boss" })),
        )
        .await;
    assert_eq!(unknown.problem(StatusCode::BAD_REQUEST)["field"], "role");
    let member_id = app.user(Role::Member).id;
    assert!(
        app.store
            .api_tokens(Some(member_id))
            .await
            .expect("tokens")
            .is_empty()
    );

    // An administrator's read-only token cannot mint itself an administrator token.
    let admin = Who::Session(app.login(Role::Admin).await);
    let (_, viewer_secret) = app.create_token(&admin, "read-only", Role::Viewer).await;
    let viewer = Who::Token(viewer_secret);
    let me = app.send(Req::get("/api/v1/me").auth(&viewer)).await;
    assert_eq!(me.json()["acting_role"], "viewer");
    assert_eq!(me.json()["user"]["role"], "admin");
    assert_eq!(
        app.send(Req::get("/api/v1/users").auth(&viewer))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    for role in ["admin", "member"] {
        let r = app
            .send(
                Req::post("/api/v1/tokens")
                    .sent_by(&viewer)
                    .json(&json!({ "name": "escalate", "role": role })),
            )
            .await;
        let p = r.problem(StatusCode::BAD_REQUEST);
        assert_eq!(p["field"], "role", "{p}");
    }
    let page = app
        .send(Req::post("/settings/tokens").sent_by(&viewer).form(&[
            ("name", "escalate"),
            ("role", "admin"),
            ("days", ""),
        ]))
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(!page.body.contains("data-testid=\"new-token\""));
    // Viewer-level tokens are still possible.
    let (_, _) = app
        .create_token(&viewer, "also read-only", Role::Viewer)
        .await;
    let admin_id = app.user(Role::Admin).id;
    let tokens = app.store.api_tokens(Some(admin_id)).await.expect("tokens");
    assert_eq!(tokens.len(), 2);
    assert!(tokens.iter().all(|t| t.role == Role::Viewer));
}

#[tokio::test]
async fn invalid_token_requests_name_the_field_at_fault() {
    let app = TestApp::new().await;
    let member = Who::Session(app.login(Role::Member).await);
    let cases = [
        (json!({ "name": "", "role": "viewer" }), "name"),
        (json!({ "name": "   ", "role": "member" }), "name"),
        (json!({ "name": "x".repeat(101), "role": "viewer" }), "name"),
        (
            json!({ "name": "ok", "role": "viewer", "expires_in_days": 0 }),
            "expires_in_days",
        ),
        (
            json!({ "name": "ok", "role": "viewer", "expires_in_days": 4000 }),
            "expires_in_days",
        ),
        (
            json!({ "name": "ok", "role": "viewer", "expires_in_days": -1 }),
            "expires_in_days",
        ),
        (json!({ "name": 3, "role": "viewer" }), "name"),
    ];
    for (body, field) in cases {
        let r = app
            .send(Req::post("/api/v1/tokens").sent_by(&member).json(&body))
            .await;
        let p = r.problem(StatusCode::BAD_REQUEST);
        assert_eq!(p["field"], field, "{body}: {p}");
    }
}

#[tokio::test]
async fn a_token_secret_is_shown_once_and_revocation_is_immediate() {
    let app = TestApp::new().await;
    let s = app.login(Role::Member).await;
    let member = Who::Session(s.clone());
    let (id, secret) = app.create_token(&member, "tableur", Role::Viewer).await;
    assert!(secret.starts_with("lvr_") && secret.len() == 68, "{secret}");

    let list = app.send(Req::get("/api/v1/tokens").auth(&member)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains(&secret));
    let listed = list.json();
    let t = &listed.as_array().expect("list")[0];
    assert_eq!(t["id"], id);
    assert_eq!(t["prefix"], &secret[..12]);
    assert_eq!(t["role"], "viewer");
    assert!(t["revoked_at"].is_null());
    let admin = Who::Session(app.login(Role::Admin).await);
    let all = app.send(Req::get("/api/v1/tokens").auth(&admin)).await;
    assert!(all.body.contains(&format!("\"id\":{id}")) && !all.body.contains(&secret));
    let page = app.send(Req::get("/settings/tokens").auth(&member)).await;
    assert!(page.body.contains(&secret[..12]) && !page.body.contains(&secret));

    // The page form shows a new secret in its response, and never again.
    let created = app
        .send(Req::post("/settings/tokens").auth(&member).form(&[
            ("_csrf", &s.csrf),
            ("name", "page"),
            ("role", "member"),
            ("days", "30"),
        ]))
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let marker = "data-testid=\"new-token\">";
    let start = created.body.find(marker).expect("secret shown") + marker.len();
    assert!(created.body[start..].starts_with("lvr_"));
    let page_secret = &created.body[start..start + 68];
    let later = app.send(Req::get("/settings/tokens").auth(&member)).await;
    assert!(!later.body.contains(page_secret));
    let by_page = app
        .send(Req::get("/api/v1/me").auth(&Who::Token(page_secret.into())))
        .await;
    assert_eq!(by_page.json()["acting_role"], "member");

    let token = Who::Token(secret.clone());
    let me = app.send(Req::get("/api/v1/me").auth(&token)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["acting_role"], "viewer");

    // Someone else's token cannot be revoked by a non-admin.
    let other = Who::Session(app.login(Role::Viewer).await);
    let theirs = app
        .send(Req::new("DELETE", &format!("/api/v1/tokens/{id}")).sent_by(&other))
        .await;
    theirs.problem(StatusCode::NOT_FOUND);
    assert_eq!(
        app.send(Req::get("/api/v1/me").auth(&token)).await.status,
        StatusCode::OK
    );

    let revoked = app
        .send(Req::new("DELETE", &format!("/api/v1/tokens/{id}")).sent_by(&member))
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.body);
    let refused = app.send(Req::get("/api/v1/me").auth(&token)).await;
    refused.problem(StatusCode::UNAUTHORIZED);
    let refused_page = app.send(Req::get("/").auth(&token)).await;
    assert_eq!(refused_page.status, StatusCode::UNAUTHORIZED);
    // A public route ignores the bad credentials.
    assert_eq!(
        app.send(Req::get("/healthz").auth(&token)).await.status,
        StatusCode::OK
    );
    let twice = app
        .send(Req::new("DELETE", &format!("/api/v1/tokens/{id}")).sent_by(&member))
        .await;
    twice.problem(StatusCode::NOT_FOUND);
    let list = app.send(Req::get("/api/v1/tokens").auth(&member)).await;
    let listed = list.json();
    let t = listed
        .as_array()
        .expect("list")
        .iter()
        .find(|t| t["id"] == id)
        .expect("still listed");
    assert!(t["revoked_at"].is_i64());

    // Malformed credentials are refused, not ignored, on protected routes.
    for value in ["Bearer lvr_nope", "Basic dXNlcjpwYXNz", "Bearer "] {
        let r = app
            .send(Req::get("/api/v1/me").header("authorization", value))
            .await;
        r.problem(StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn account_changes_are_audited() {
    let app = TestApp::new().await;
    let admin = Who::Session(app.login(Role::Admin).await);
    let created = app
        .send(Req::post("/api/v1/users").sent_by(&admin).json(&json!({
            "email": "Nouvelle@Ergolis.test",
            "display_name": "Nouvelle Recrue",
            "role": "member",
            "password": "longenough",
        })))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let user_id = created.json()["id"].as_i64().expect("id");
    assert_eq!(created.json()["email"], "nouvelle@ergolis.test");
    let updated = app
        .send(
            Req::new("PATCH", &format!("/api/v1/users/{user_id}"))
                .sent_by(&admin)
                .json(&json!({ "role": "agent" })),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    assert_eq!(updated.json()["role"], "agent");
    let (token_id, secret) = app.create_token(&admin, "script", Role::Admin).await;
    let by_token = Who::Token(secret);
    let revoked = app
        .send(Req::new("DELETE", &format!("/api/v1/tokens/{token_id}")).auth(&by_token))
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);

    let audit = app.send(Req::get("/api/v1/audit").auth(&admin)).await;
    assert_eq!(audit.status, StatusCode::OK);
    let entries = audit.json();
    let entries = entries.as_array().expect("entries");
    let find = |action: &str, target: String| {
        entries
            .iter()
            .find(|e| e["action"] == action && e["target"] == target)
            .unwrap_or_else(|| panic!("no {action} on {target} in {entries:?}"))
            .clone()
    };
    let create = find("user.create", format!("user:{user_id}"));
    assert_eq!(create["actor"], "admin@ergolis.test");
    assert_eq!(create["ip"], "127.0.0.1");
    assert_eq!(create["details"]["role"], "member");
    let update = find("user.update", format!("user:{user_id}"));
    assert_eq!(update["details"]["role"], "agent");
    find("token.create", format!("token:{token_id}"));
    let revoke = find("token.revoke", format!("token:{token_id}"));
    assert_eq!(revoke["actor"], "admin@ergolis.test (API token)");
    // Newest first.
    let seqs: Vec<i64> = entries
        .iter()
        .map(|e| e["seq"].as_i64().expect("seq"))
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "{seqs:?}");
    assert_eq!(app.audit_actions().await[0].0, "token.revoke");

    let member = Who::Session(app.login(Role::Member).await);
    let denied = app.send(Req::get("/api/v1/audit").auth(&member)).await;
    denied.problem(StatusCode::FORBIDDEN);
    let page = app.send(Req::get("/settings/audit").auth(&admin)).await;
    assert!(page.body.contains("token.revoke"));
}

// ---------------------------------------------------------------------------------------------
// Language

fn html_lang(body: &str) -> Option<&str> {
    let start = body.find("<html lang=\"")? + "<html lang=\"".len();
    Some(&body[start..start + 2])
}

#[tokio::test]
async fn pages_speak_the_visitors_language() {
    let app = TestApp::new().await;
    let fr = app.get("/login").await;
    assert_eq!(html_lang(&fr.body), Some("fr"));
    assert!(fr.body.contains("Connexion") && !fr.body.contains("Log in"));
    let en = app
        .send(Req::get("/login").header("accept-language", "en"))
        .await;
    assert_eq!(html_lang(&en.body), Some("en"));
    assert!(en.body.contains("Log in") && !en.body.contains("Connexion"));
    let weighted = app
        .send(Req::get("/login").header("accept-language", "de-DE, en;q=0.8, fr;q=0.9"))
        .await;
    assert_eq!(html_lang(&weighted.body), Some("fr"));

    // Chosen before login: a cookie.
    let chosen = app
        .send(
            Req::post("/language")
                .cookie("levier_csrf", ANON_CSRF)
                .form(&[("_csrf", ANON_CSRF), ("lang", "en"), ("next", "/login")]),
        )
        .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.body);
    assert_eq!(chosen.location(), Some("/login"));
    assert_eq!(chosen.set_cookie("levier_lang").as_deref(), Some("en"));
    let with_cookie = app
        .send(
            Req::get("/login")
                .cookie("levier_lang", "en")
                .header("accept-language", "fr"),
        )
        .await;
    assert!(with_cookie.body.contains("Log in"));
    let bad = app
        .send(
            Req::post("/language")
                .cookie("levier_csrf", ANON_CSRF)
                .form(&[("_csrf", ANON_CSRF), ("lang", "de")]),
        )
        .await;
    assert_eq!(bad.problem(StatusCode::BAD_REQUEST)["field"], "lang");
    let offsite = app
        .send(
            Req::post("/language")
                .cookie("levier_csrf", ANON_CSRF)
                .form(&[
                    ("_csrf", ANON_CSRF),
                    ("lang", "en"),
                    ("next", "//evil.example"),
                ]),
        )
        .await;
    assert_eq!(offsite.location(), Some("/"));

    // Chosen when logged in: kept in the account, ahead of cookie and browser.
    let s = app.login(Role::Member).await;
    let who = Who::Session(s.clone());
    let home = app.send(Req::get("/").auth(&who)).await;
    assert_eq!(html_lang(&home.body), Some("fr"));
    let set = app
        .send(Req::post("/language").auth(&who).form(&[
            ("_csrf", s.csrf.as_str()),
            ("lang", "en"),
            ("next", "/"),
        ]))
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    assert_eq!(set.location(), Some("/"));
    let home = app
        .send(
            Req::get("/")
                .auth(&who)
                .header("accept-language", "fr")
                .cookie("levier_lang", "fr"),
        )
        .await;
    assert_eq!(html_lang(&home.body), Some("en"));
    assert!(home.body.contains("Log out") && home.body.contains("Welcome, Test member"));
    let member_id = app.user(Role::Member).id;
    assert_eq!(
        app.store
            .user_locale(member_id)
            .await
            .expect("locale")
            .as_deref(),
        Some("en")
    );
    // A new session of the same person keeps it.
    let again = Who::Session(app.login(Role::Member).await);
    let home = app.send(Req::get("/").auth(&again)).await;
    assert_eq!(html_lang(&home.body), Some("en"));
    // Other people are not affected.
    let viewer = Who::Session(app.login(Role::Viewer).await);
    let home = app.send(Req::get("/").auth(&viewer)).await;
    assert_eq!(html_lang(&home.body), Some("fr"));
}

// ---------------------------------------------------------------------------------------------
// Metrics

#[tokio::test]
async fn metrics_are_for_this_machine_or_administrators() {
    let app = TestApp::new().await;
    let admin_s = app.login(Role::Admin).await;
    let admin = Who::Session(admin_s.clone());
    let member = Who::Session(app.login(Role::Member).await);
    let (_, admin_token) = app.create_token(&admin, "prometheus", Role::Admin).await;
    let (_, member_token) = app.create_token(&member, "scraper", Role::Member).await;
    let task = app
        .store
        .enqueue_task(&NewTask {
            kind: "demo.load".into(),
            payload: json!({}),
            max_attempts: 1,
        })
        .await
        .expect("task");
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    let got = app
        .send(Req::get(&format!("/api/v1/tasks/{}", task.0)).auth(&admin))
        .await;
    assert_eq!(got.status, StatusCode::OK);

    let local = app.get("/metrics").await;
    assert_eq!(local.status, StatusCode::OK);
    assert!(
        local
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/plain"))
    );
    assert!(
        local
            .body
            .contains("# TYPE levier_http_requests_total counter")
    );
    assert!(
        local.body.contains(
            "levier_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1"
        ),
        "{}",
        local.body
    );
    // Series are labelled by route pattern, never by raw path.
    assert!(local.body.contains("route=\"/api/v1/tasks/{id}\""));
    assert!(!local.body.contains(&format!("/api/v1/tasks/{}\"", task.0)));

    for peer in ["[::1]:4000", "[::ffff:127.0.0.1]:4000"] {
        let peer: SocketAddr = peer.parse().expect("addr");
        let r = app.send(Req::get("/metrics").from(peer)).await;
        assert_eq!(r.status, StatusCode::OK, "{peer}");
    }

    let anonymous = app.send(Req::get("/metrics").from(remote())).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.location(), Some("/login?next=%2Fmetrics"));
    assert!(!anonymous.body.contains("levier_http"));
    for who in [member.clone(), Who::Token(member_token)] {
        let r = app
            .send(Req::get("/metrics").from(remote()).auth(&who))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(!r.body.contains("levier_http"));
    }
    for who in [admin, Who::Token(admin_token)] {
        let r = app
            .send(Req::get("/metrics").from(remote()).auth(&who))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("levier_http_requests_total"));
    }
    // The admin may log in from elsewhere and be sent on to the metrics.
    let csrf = app.anonymous_csrf(remote()).await;
    let r = app
        .send(
            Req::post("/login")
                .from(remote())
                .cookie("levier_csrf", &csrf)
                .form(&[
                    ("_csrf", csrf.as_str()),
                    ("email", "admin@ergolis.test"),
                    ("password", PASSWORD),
                    ("next", "/metrics"),
                ]),
        )
        .await;
    assert_eq!(r.location(), Some("/metrics"));
}

#[tokio::test]
async fn requests_relayed_by_a_local_proxy_are_not_local() {
    // A reverse proxy on the same host connects from 127.0.0.1 for every visitor; it says so
    // with X-Forwarded-For / Forwarded, and such requests must not get loopback privileges.
    let app = TestApp::empty().await;
    for (name, value) in [
        ("x-forwarded-for", "203.0.113.9"),
        ("forwarded", "for=203.0.113.9"),
    ] {
        let setup = app.send(Req::get("/setup").header(name, value)).await;
        assert_eq!(setup.status, StatusCode::FORBIDDEN, "{name}");
        let metrics = app.send(Req::get("/metrics").header(name, value)).await;
        assert_ne!(metrics.status, StatusCode::OK, "{name}");
    }
    assert_eq!(app.get("/setup").await.status, StatusCode::OK);
    assert_eq!(app.get("/metrics").await.status, StatusCode::OK);
}
