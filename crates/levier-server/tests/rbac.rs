//! The RBAC matrix: every route of `levier_server::routes::table()` called by every kind of
//! caller (anonymous, each role by session, each role by API token), from this machine and from
//! elsewhere, against the outcome its `Access` rule predicts. Also checks the table itself and
//! that it agrees with the OpenAPI document.

mod support;

use axum::http::StatusCode;
use levier_core::Role;
use levier_server::routes::{Route, table};
use levier_store::tasks::NewTask;
use std::collections::BTreeSet;
use std::net::SocketAddr;
use support::{Reply, Req, Session, TestApp, Who, loopback, remote};

/// Real values for the path parameters of the table.
struct Fixtures {
    user_id: i64,
    token_id: i64,
    task_id: i64,
    /// An id of nothing (document, ticket, message, FAQ entry): allowed callers get 404, never
    /// 401/403.
    document_id: i64,
    slug: &'static str,
}

fn concrete_path(route: &Route, f: &Fixtures) -> String {
    let id = if route.path.contains("/users/") {
        f.user_id
    } else if route.path.contains("/tokens/") {
        f.token_id
    } else if route.path.contains("/tasks/") {
        f.task_id
    } else if [
        "/documents/",
        "/tickets/",
        "/messages/",
        "/faq/",
        "/inbox/",
        "/help/",
        "/sites/",
        "/leads/",
        "/emails/",
        "/mails/",
        "/mail-rules/",
        "/test-sets/",
        "/pilots/",
    ]
    .iter()
    .any(|p| route.path.contains(p))
    {
        // Nothing with this id exists: allowed callers get 404, never 401/403.
        f.document_id
    } else {
        0
    };
    let path = route
        .path
        .replace("{id}", &id.to_string())
        .replace("{slug}", f.slug)
        .replace("{file}", "app.css")
        .replace("{site_key}", "no-such-site")
        .replace("{name}", "rbac-check");
    assert!(
        !path.contains('{') && !path.contains("/0/") && !path.ends_with("/0"),
        "no fixture for the parameters of {} {}: extend concrete_path",
        route.method,
        route.path
    );
    path
}

/// The request the matrix sends to a route: harmless bodies that pass the extractors or fail
/// their validation, never anything that would end the callers' sessions or tokens.
fn request(route: &Route, path: &str, who: &Who, peer: SocketAddr) -> Req {
    let req = Req::new(route.method, path).from(peer);
    if route.method == "GET" {
        return req.auth(who);
    }
    let req = req.sent_by(who);
    if path.starts_with("/api/") {
        req.json(&serde_json::json!({}))
    } else if path == "/language" {
        req.form(&[("lang", "fr"), ("next", "/")])
    } else {
        req.form(&[])
    }
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// What went wrong with one call, if anything.
fn check(
    route: &Route,
    path: &str,
    role: Option<Role>,
    loopback: bool,
    r: &Reply,
) -> Option<String> {
    let allowed = route.access.allows(role, loopback);
    let denial_redirect = r.status == StatusCode::SEE_OTHER
        && r.location().is_some_and(|l| l.starts_with("/login?next="));
    if allowed {
        // Statuses a handler itself answers with, which are not the access check's denials.
        let handler_refusal = match (route.method, route.path) {
            // Wrong (empty) credentials, then throttling: the login page is shown again.
            ("POST", "/login") => {
                matches!(
                    r.status,
                    StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS
                ) && r.is_html()
            }
            // Setup is closed once an account exists, or away from this machine.
            ("GET" | "POST", "/setup") => {
                r.status == StatusCode::FORBIDDEN
                    && r.is_html()
                    && !r.body.contains("Accès refusé")
                    && (r.body.contains("La mise en route est terminée")
                        || r.body.contains("accessible que depuis la machine"))
            }
            // The widget's gate refuses an unknown site key, whoever calls.
            (_, p) if p.starts_with("/api/v1/widget/") => {
                r.status == StatusCode::FORBIDDEN
                    && r.is_problem()
                    && r.json()["title"] == levier_server::widget::gate::REFUSED
            }
            _ => false,
        };
        let ok = !denial_redirect
            && !matches!(
                r.status,
                StatusCode::UNAUTHORIZED
                    | StatusCode::FORBIDDEN
                    | StatusCode::METHOD_NOT_ALLOWED
                    | StatusCode::INTERNAL_SERVER_ERROR
            );
        return (!(ok || handler_refusal)).then(|| format!("allowed, got {}", r.status));
    }
    let ok = match (role.is_some(), is_api(path)) {
        (false, true) => {
            r.status == StatusCode::UNAUTHORIZED && r.is_problem() && r.json()["status"] == 401
        }
        (true, true) => {
            r.status == StatusCode::FORBIDDEN && r.is_problem() && r.json()["title"] == "Forbidden"
        }
        (false, false) => {
            r.status == StatusCode::SEE_OTHER
                && r.location() == Some(&format!("/login?next={}", path.replace('/', "%2F")))
        }
        (true, false) => {
            r.status == StatusCode::FORBIDDEN && r.is_html() && r.body.contains("Accès refusé")
        }
    };
    (!ok).then(|| {
        format!(
            "denied, got {} location={:?} body={:.120}",
            r.status,
            r.location(),
            r.body
        )
    })
}

#[tokio::test]
async fn every_route_enforces_its_access_rule_for_every_caller() {
    let app = TestApp::new().await;
    let admin = app.login(Role::Admin).await;
    let fixtures = Fixtures {
        document_id: 424_242,
        user_id: app.user(Role::Viewer).id.0,
        // A token nobody in the matrix authenticates with: revoking it changes nothing else.
        token_id: app
            .create_token(&Who::Session(admin.clone()), "spare", Role::Viewer)
            .await
            .0,
        task_id: app
            .store
            .enqueue_task(&NewTask {
                kind: "demo.load".into(),
                payload: serde_json::json!({}),
                max_attempts: 1,
            })
            .await
            .expect("task")
            .0,
        slug: "compta",
    };
    app.store
        .upsert_group("compta", "Comptabilité", "")
        .await
        .expect("group");

    let mut callers: Vec<(String, Option<Role>, Who)> =
        vec![("anonymous".into(), None, Who::Anonymous)];
    for role in Role::ALL {
        let session = if role == Role::Admin {
            admin.clone()
        } else {
            app.login(role).await
        };
        let (_, token) = app
            .create_token(&Who::Session(session.clone()), "matrix", role)
            .await;
        callers.push((
            format!("{role} by session"),
            Some(role),
            Who::Session(session),
        ));
        callers.push((format!("{role} by token"), Some(role), Who::Token(token)));
    }

    let routes = table();
    let mut failures = Vec::new();
    let mut calls = 0;
    let mut denied = 0;
    for (peer, is_loopback) in [(loopback(), true), (remote(), false)] {
        for route in routes.iter() {
            let path = concrete_path(route, &fixtures);
            for (label, role, who) in &callers {
                // Logging out ends the session: use a throwaway one of the same user.
                let who = match (route.path, who) {
                    ("/logout", Who::Session(_)) => {
                        Who::Session(throwaway_session(&app, role.expect("role")).await)
                    }
                    _ => who.clone(),
                };
                let reply = app.send(request(route, &path, &who, peer)).await;
                calls += 1;
                if !route.access.allows(*role, is_loopback) {
                    denied += 1;
                }
                if let Some(why) = check(route, &path, *role, is_loopback, &reply) {
                    failures.push(format!(
                        "{} {path} as {label} from {peer}: {why}",
                        route.method
                    ));
                }
            }
        }
    }
    assert!(calls >= routes.len() * callers.len() * 2);
    // Both outcomes are exercised in bulk, so the matrix cannot pass vacuously.
    assert!(
        denied > 200 && calls - denied > 200,
        "{denied} denied of {calls}"
    );
    assert!(
        failures.is_empty(),
        "{} of {calls} calls broke the access rules:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A session opened directly in the store (the login form is exercised elsewhere).
async fn throwaway_session(app: &TestApp, role: Role) -> Session {
    let s = app
        .store
        .create_session(
            app.user(role).id,
            std::time::Duration::from_secs(600),
            "127.0.0.1",
            "test",
        )
        .await
        .expect("session");
    Session {
        cookie: s.token,
        csrf: s.csrf,
    }
}

#[tokio::test]
async fn logging_out_by_session_ends_only_that_session() {
    let app = TestApp::new().await;
    let keep = app.login(Role::Member).await;
    let end = throwaway_session(&app, Role::Member).await;
    let r = app
        .send(
            Req::post("/logout")
                .sent_by(&Who::Session(end.clone()))
                .form(&[]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/login"));
    let ended = app
        .send(Req::get("/api/v1/me").auth(&Who::Session(end)))
        .await;
    assert_eq!(ended.status, StatusCode::UNAUTHORIZED);
    let kept = app
        .send(Req::get("/api/v1/me").auth(&Who::Session(keep)))
        .await;
    assert_eq!(kept.status, StatusCode::OK);
}

#[test]
fn the_table_has_no_duplicate_route() {
    let mut seen = BTreeSet::new();
    for route in table() {
        assert!(
            seen.insert((route.method, route.path)),
            "{} {} is declared twice",
            route.method,
            route.path
        );
        assert!(
            ["GET", "POST", "PATCH", "PUT", "DELETE"].contains(&route.method),
            "unexpected method {} for {}",
            route.method,
            route.path
        );
    }
}

#[tokio::test]
async fn the_openapi_document_describes_exactly_the_api_routes() {
    let app = TestApp::empty().await;
    let r = app.get("/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    let routed: BTreeSet<(String, String)> = table()
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/") && r.path != "/api/v1/openapi.json")
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    assert!(!routed.is_empty());
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty() && unrouted.is_empty(),
        "routes missing from the OpenAPI document: {undocumented:?}; documented but not routed: {unrouted:?}"
    );
}
