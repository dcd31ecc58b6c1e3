//! Injection end to end, through the real router over a real SQLite store.
//!
//! SQL: hostile strings (quotes, `'; DROP TABLE`, `%`, `_`, backslashes, NUL, very long) in
//! every value a caller controls that reaches SQL — search, FAQ, inbox, lead, mail and audit
//! filters, names of users, groups, sites and mail rules — match literally (a `%` filter does not
//! match everything), never cause a 500, and leave the tables whole.
//!
//! HTML/JS: markup written by one person (a visitor, a customer's mail, an agent, an editor, an
//! uploader, an importer, an administrator) is shown to the others escaped on every page that
//! shows it, including the pages that insert prepared HTML (search snippets, the document view).

mod support;

use axum::http::StatusCode;
use levier_core::Role;
use levier_core::config::SupportConfig;
use levier_index::{LexicalIndex, Retriever};
use levier_store::mail::{NewMail, Route};
use serde_json::json;
use std::sync::Arc;
use support::desk::{WidgetClient, set_desk};
use support::{Reply, Req, TestApp, Who};

/// Strings that break naive SQL, LIKE patterns or C strings.
fn hostile() -> Vec<String> {
    vec![
        "'; DROP TABLE users; --".into(),
        "\" OR 1=1 --".into(),
        "') OR ('1'='1".into(),
        "%".into(),
        "_".into(),
        "\\".into(),
        "%' OR '%'='".into(),
        "a\u{0}b".into(),
        "x".repeat(5_000),
    ]
}

/// `path?key=value`, the value percent-encoded.
fn with_query(path: &str, key: &str, value: &str) -> String {
    let query = serde_urlencoded::to_string([(key, value)]).expect("query");
    format!("{path}?{query}")
}

/// The response is a success or a refusal with a problem document, never a server error.
/// (A query string that does not parse is refused by axum's own `Query` extractor, in plain
/// text: a 400 all the same.)
fn assert_handled(what: &str, r: &Reply) {
    let refused = r.is_problem()
        || (r.status == StatusCode::BAD_REQUEST
            && r.body.starts_with("Failed to deserialize query string"));
    assert!(
        r.status.is_success() || (r.status.is_client_error() && refused),
        "{what}: {} {}",
        r.status,
        r.body
    );
}

/// The JSON array of a successful list, asserting the answer is one.
fn list(what: &str, r: &Reply) -> Vec<serde_json::Value> {
    assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.body);
    r.json()
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("{what}: not a list: {}", r.body))
}

/// An administrator's API token (no CSRF token needed).
async fn admin_token(app: &TestApp) -> Who {
    let session = Who::Session(app.login(Role::Admin).await);
    Who::Token(app.create_token(&session, "injection", Role::Admin).await.1)
}

async fn get(app: &TestApp, who: &Who, path: &str) -> Reply {
    app.send(Req::get(path).auth(who)).await
}

async fn post(app: &TestApp, who: &Who, path: &str, body: serde_json::Value) -> Reply {
    app.send(Req::post(path).sent_by(who).json(&body)).await
}

// ---------------------------------------------------------------------------------------------
// SQL

#[tokio::test]
async fn faq_filters_match_hostile_text_literally() {
    let app = TestApp::new().await;
    let admin = admin_token(&app).await;
    for question in [
        "Remise de 50% sur les lots ?",
        "Code promo NOEL_2026 ?",
        "Chemin C:\\partage ?",
        "Livraison en 48 h ?",
    ] {
        let r = post(
            &app,
            &admin,
            "/api/v1/faq",
            json!({ "question": question, "answer": "Oui.", "category": "général" }),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{question}: {}", r.body);
    }
    let found = |q: &'static str| {
        let app = &app;
        let admin = &admin;
        async move {
            list(
                q,
                &get(app, admin, &with_query("/api/v1/faq", "q", q)).await,
            )
        }
    };
    // Wildcards and the escape character are plain characters.
    assert_eq!(found("%").await.len(), 1);
    assert_eq!(
        found("%").await[0]["question"],
        "Remise de 50% sur les lots ?"
    );
    assert_eq!(found("_").await.len(), 1);
    assert_eq!(found("\\").await.len(), 1);
    assert_eq!(found("50%").await.len(), 1);
    assert_eq!(
        found("l_vraison").await.len(),
        0,
        "`_` is not a one-letter wildcard"
    );
    for h in hostile() {
        for key in ["q", "category", "language"] {
            let r = get(&app, &admin, &with_query("/api/v1/faq", key, &h)).await;
            assert_handled(&format!("faq {key}={h:.40}"), &r);
            if r.status == StatusCode::OK && !["%", "_", "\\"].contains(&h.as_str()) {
                assert_eq!(r.json(), json!([]), "faq {key}={h:.40}");
            }
        }
    }
    assert_eq!(
        list("all", &get(&app, &admin, "/api/v1/faq").await).len(),
        4
    );
}

#[tokio::test]
async fn inbox_filters_match_hostile_text_literally() {
    let mut app = TestApp::new().await;
    set_desk(&mut app, SupportConfig::default(), true);
    let widget = WidgetClient::site(&app, "Ergolis").await;
    for text in ["J'ai eu 50% de remise, merci", "Bonjour, une question"] {
        let token = widget.start(&app).await;
        let r = widget.say(&app, &token, text).await;
        assert_eq!(r.json()["status"], "waiting", "{}", r.body);
    }
    let admin = admin_token(&app).await;
    let tickets = |key: &'static str, value: String| {
        let (app, admin) = (&app, &admin);
        async move { get(app, admin, &with_query("/api/v1/tickets", key, &value)).await }
    };
    assert_eq!(list("%", &tickets("q", "%".into()).await).len(), 1);
    assert_eq!(list("_", &tickets("q", "_".into()).await).len(), 0);
    for h in hostile() {
        for key in ["q", "status", "assignee", "reason", "limit"] {
            let r = tickets(key, h.clone()).await;
            assert_handled(&format!("tickets {key}={h:.40}"), &r);
            if key == "q" && r.status == StatusCode::OK && h != "%" {
                assert_eq!(r.json(), json!([]), "tickets q={h:.40}");
            }
        }
    }
    assert_eq!(
        list("all", &get(&app, &admin, "/api/v1/tickets").await).len(),
        2
    );
}

#[tokio::test]
async fn lead_mail_audit_and_search_filters_survive_hostile_values() {
    let (app, _index, _dir) = indexed_app().await;
    let admin = admin_token(&app).await;
    let csv = "Prénom;Nom;Courriel;Société;Source\nAnne;Durand;anne@durand.fr;Durand SA;salon\n";
    let r = app
        .send(
            Req::post("/api/v1/leads/import")
                .sent_by(&admin)
                .body("text/csv", csv.as_bytes().to_vec()),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let session = Who::Session(app.login(Role::Member).await);
    for h in hostile() {
        for (path, key) in [
            ("/api/v1/leads", "tier"),
            ("/api/v1/leads", "status"),
            ("/api/v1/leads", "source"),
            ("/api/v1/leads", "region"),
            ("/api/v1/leads", "limit"),
            ("/api/v1/mails", "category"),
            ("/api/v1/mails", "status"),
            ("/api/v1/audit", "before"),
            ("/api/v1/audit", "limit"),
            ("/api/v1/search", "q"),
            ("/api/v1/search", "source"),
            ("/api/v1/search", "lang"),
            ("/api/v1/search", "type"),
            ("/api/v1/users", "q"),
        ] {
            let r = get(&app, &admin, &with_query(path, key, &h)).await;
            assert_handled(&format!("{path} {key}={h:.40}"), &r);
            if path == "/api/v1/leads" && r.status == StatusCode::OK {
                assert_eq!(r.json(), json!([]), "{path} {key}={h:.40}");
            }
        }
        // The page's search box too.
        let page = get(&app, &session, &with_query("/search", "q", &h)).await;
        assert!(
            page.status.is_success() || page.status.is_client_error(),
            "{}",
            page.status
        );
    }
    assert_eq!(
        list("leads", &get(&app, &admin, "/api/v1/leads").await).len(),
        1
    );
    let hits = get(&app, &admin, "/api/v1/search?q=confidentielle").await;
    assert_eq!(hits.json()["total"], 1, "{}", hits.body);
    assert_eq!(
        list("users", &get(&app, &admin, "/api/v1/users").await).len(),
        Role::ALL.len()
    );
}

#[tokio::test]
async fn hostile_names_are_stored_as_written() {
    let app = TestApp::new().await;
    write_hostile_names(&app).await;
    // The fixture's accounts are all still there and can still log in.
    for role in Role::ALL {
        app.login(role).await;
    }
}

/// PostgreSQL refuses a NUL character in text, where SQLite stores it: the answer must still be
/// a refusal, not a server error.
#[tokio::test]
async fn hostile_names_are_stored_as_written_or_refused_on_postgresql() {
    let Some(mut app) = TestApp::on_postgres("injection").await else {
        return;
    };
    let email = "admin@ergolis.test";
    let id = app.add_user(email, "Admin", Role::Admin).await;
    app.users.insert(
        Role::Admin,
        support::TestUser {
            id,
            email: email.into(),
        },
    );
    write_hostile_names(&app).await;
    let admin = admin_token(&app).await;
    for h in hostile() {
        for (path, key) in [
            ("/api/v1/faq", "q"),
            ("/api/v1/tickets", "q"),
            ("/api/v1/leads", "source"),
        ] {
            let r = get(&app, &admin, &with_query(path, key, &h)).await;
            assert_handled(&format!("{path} {key}={h:.40}"), &r);
        }
    }
    app.login(Role::Admin).await;
}

/// Writes each hostile string as the name of a user, a group, a site, a mail rule and as an FAQ
/// entry, through the API; what is accepted must read back exactly as written.
async fn write_hostile_names(app: &TestApp) {
    let admin = admin_token(app).await;
    for (n, h) in hostile().into_iter().enumerate() {
        let what = format!("{h:.40}");
        let user = post(
            app,
            &admin,
            "/api/v1/users",
            json!({ "email": format!("u{n}@ergolis.test"), "display_name": h,
                    "role": "member", "password": "longenough" }),
        )
        .await;
        assert_handled(&format!("user {what}"), &user);
        let group = post(
            app,
            &admin,
            "/api/v1/groups",
            json!({ "slug": format!("g{n}"), "name": h, "description": h }),
        )
        .await;
        assert_handled(&format!("group {what}"), &group);
        let bad_slug = post(
            app,
            &admin,
            "/api/v1/groups",
            json!({ "slug": h, "name": "x" }),
        )
        .await;
        assert_handled(&format!("group slug {what}"), &bad_slug);
        let site = post(
            app,
            &admin,
            "/api/v1/sites",
            json!({ "name": h, "default_language": "fr" }),
        )
        .await;
        assert_handled(&format!("site {what}"), &site);
        let rule = post(
            app,
            &admin,
            "/api/v1/mail-rules",
            json!({ "name": h, "categories": [h], "target_kind": "team",
                    "target": "compta", "enabled": true }),
        )
        .await;
        assert_handled(&format!("mail rule {what}"), &rule);
        let faq = post(
            app,
            &admin,
            "/api/v1/faq",
            json!({ "question": format!("{h} ?"), "answer": h, "category": h }),
        )
        .await;
        assert_handled(&format!("faq {what}"), &faq);
        // What was accepted reads back exactly as written.
        if user.status == StatusCode::CREATED {
            let users = list("users", &get(app, &admin, "/api/v1/users").await);
            assert!(
                users.iter().any(|u| u["display_name"] == h.as_str()),
                "user {what}"
            );
        }
        if group.status == StatusCode::CREATED {
            let groups = list("groups", &get(app, &admin, "/api/v1/groups").await);
            assert!(
                groups.iter().any(|g| g["name"] == h.as_str()),
                "group {what}"
            );
        }
        if site.status == StatusCode::CREATED {
            let sites = list("sites", &get(app, &admin, "/api/v1/sites").await);
            assert!(sites.iter().any(|s| s["name"] == h.as_str()), "site {what}");
        }
        if faq.status == StatusCode::CREATED {
            let id = faq.json()["id"].as_i64().expect("id");
            let entry = get(app, &admin, &format!("/api/v1/faq/{id}")).await;
            assert_eq!(entry.json()["entry"]["answer"], h.as_str(), "faq {what}");
        }
    }
}

/// An app with a lexical index holding one uploaded document; the directory holds the index.
async fn indexed_app() -> (TestApp, Arc<LexicalIndex>, tempfile::TempDir) {
    let mut app = TestApp::new().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let index = Arc::new(LexicalIndex::open(dir.path()).expect("index"));
    app.state = app
        .state
        .clone()
        .with_index(Arc::new(Retriever::new(Arc::clone(&index))));
    let admin = admin_token(&app).await;
    let r = upload(
        &app,
        &admin,
        "note.md",
        "# Note\n\nUne note confidentielle.",
    )
    .await;
    assert_eq!(r.json()["added"], 1, "{}", r.body);
    index.sync(&app.store).await.expect("sync");
    (app, index, dir)
}

/// Uploads one Markdown file for everyone in group `tous`, as an administrator.
async fn upload(app: &TestApp, admin: &Who, name: &str, text: &str) -> Reply {
    app.store
        .upsert_group("tous", "Tous", "")
        .await
        .expect("group");
    for role in [Role::Admin, Role::Member] {
        app.store
            .set_user_groups(app.user(role).id, &["tous".into()])
            .await
            .expect("groups");
    }
    let boundary = "levierboundary7";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"group\"\r\n\r\ntous\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: text/markdown\r\n\r\n{text}\r\n--{boundary}--\r\n"
    );
    let r = app
        .send(Req::post("/api/v1/documents").sent_by(admin).body(
            &format!("multipart/form-data; boundary={boundary}"),
            body.into_bytes(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r
}

// ---------------------------------------------------------------------------------------------
// HTML and JavaScript

/// Markup that runs if a page inserts it raw: a script, an event handler, and an attribute
/// breaker that closes a quoted value first.
const XSS: &str = "\"'><script>alert(1)</script><img src=x onerror=alert(2)>";

/// The page shows the payload, and only escaped.
fn assert_escaped(what: &str, page: &Reply) {
    assert_eq!(page.status, StatusCode::OK, "{what}: {}", page.body);
    for raw in ["<script>alert(1)", "<img src=x"] {
        assert!(
            !page.body.contains(raw),
            "{what}: {raw:?} appears raw:\n{}",
            page.body
        );
    }
    let shown = ["&#60;script&#62;alert(1)", "&lt;script&gt;alert(1)"]
        .iter()
        .any(|e| page.body.contains(e));
    assert!(
        shown,
        "{what}: the payload is not shown escaped:\n{}",
        page.body
    );
}

#[tokio::test]
async fn names_written_by_administrators_are_escaped() {
    let app = TestApp::new().await;
    let admin = admin_token(&app).await;
    let r = post(
        &app,
        &admin,
        "/api/v1/groups",
        json!({ "slug": "rh", "name": XSS, "description": XSS }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = post(
        &app,
        &admin,
        "/api/v1/sites",
        json!({ "name": XSS, "default_language": "fr" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let site = r.json()["id"].as_i64().expect("site id");
    let r = post(
        &app,
        &admin,
        "/api/v1/users",
        json!({ "email": "x@ergolis.test", "display_name": XSS, "role": "member",
                "password": support::PASSWORD, "groups": ["rh"] }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    let session = Who::Session(app.login(Role::Admin).await);
    for path in [
        "/settings/groups".to_string(),
        "/settings/users".to_string(),
        "/settings/sites".to_string(),
        format!("/settings/sites/{site}"),
    ] {
        assert_escaped(&path, &get(&app, &session, &path).await);
    }
    // The audit page shows what was written in the entries' details.
    let audit = get(&app, &session, "/settings/audit").await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(!audit.body.contains("<script>alert(1)"), "{}", audit.body);
    // A member of the group sees its name on the upload form.
    let member = Who::Session(app.login_email("x@ergolis.test").await);
    assert_escaped("home of the hostile user", &get(&app, &member, "/").await);
}

#[tokio::test]
async fn faq_entries_are_escaped() {
    let app = TestApp::new().await;
    let admin = admin_token(&app).await;
    let r = post(
        &app,
        &admin,
        "/api/v1/faq",
        json!({ "question": format!("{XSS} ?"), "answer": XSS, "category": XSS }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().expect("id");
    let r = post(
        &app,
        &admin,
        &format!("/api/v1/faq/{id}/phrasings"),
        json!({ "text": XSS }),
    )
    .await;
    assert_handled("phrasing", &r);
    let editor = Who::Session(app.login(Role::Agent).await);
    assert_escaped("/faq", &get(&app, &editor, "/faq").await);
    assert_escaped(
        "/faq/{id}",
        &get(&app, &editor, &format!("/faq/{id}")).await,
    );
}

#[tokio::test]
async fn conversations_mails_and_agents_words_are_escaped() {
    let mut app = TestApp::new().await;
    set_desk(&mut app, SupportConfig::default(), true);
    // A visitor writes markup in the widget.
    let widget = WidgetClient::site(&app, "Ergolis").await;
    let token = widget.start(&app).await;
    let r = widget.say(&app, &token, XSS).await;
    assert_eq!(r.json()["status"], "waiting", "{}", r.body);
    // A customer's mail carries it in its sender's name, address, subject and body.
    let mail = NewMail {
        message_key: "<1@x>".into(),
        thread_key: "<1@x>".into(),
        from_address: "\"><script>alert(1)</script>@exemple.fr".into(),
        from_name: XSS.into(),
        subject: XSS.into(),
        body: XSS.into(),
        new_text: XSS.into(),
        attachments: json!([]),
        category: XSS.into(),
        confidence: 0.4,
        sentiment: "neutre".into(),
        to_review: true,
        ..NewMail::default()
    };
    let mail_id = app.store.store_mail(&mail).await.expect("store").mail.id;
    app.store
        .route_mail(mail_id, &Route::default_queue(), json!([]))
        .await
        .expect("route");

    // An agent whose name is markup takes each ticket, replies and writes a note.
    app.add_user("pirate@ergolis.test", XSS, Role::Agent).await;
    let pirate = Who::Session(app.login_email("pirate@ergolis.test").await);
    let admin = Who::Session(app.login(Role::Admin).await);
    let tickets = list("tickets", &get(&app, &admin, "/api/v1/tickets").await);
    assert_eq!(tickets.len(), 2);
    let ids: Vec<i64> = tickets
        .iter()
        .map(|t| t["ticket"]["id"].as_i64().expect("id"))
        .collect();
    for id in &ids {
        let r = post(
            &app,
            &pirate,
            &format!("/api/v1/tickets/{id}/assign"),
            json!({ "user_id": null }),
        )
        .await;
        assert_handled("assign", &r);
        let r = post(
            &app,
            &pirate,
            &format!("/api/v1/tickets/{id}/reply"),
            json!({ "text": XSS }),
        )
        .await;
        assert!(r.status.is_success(), "reply: {}", r.body);
        let r = post(
            &app,
            &pirate,
            &format!("/api/v1/tickets/{id}/notes"),
            json!({ "text": XSS }),
        )
        .await;
        assert!(r.status.is_success(), "note: {}", r.body);
    }

    // Another person reads them.
    assert_escaped("/inbox", &get(&app, &admin, "/inbox").await);
    for id in &ids {
        assert_escaped(
            &format!("/inbox/{id}"),
            &get(&app, &admin, &format!("/inbox/{id}")).await,
        );
    }
    assert_escaped("/emails", &get(&app, &admin, "/emails").await);
    assert_escaped(
        &format!("/emails/{mail_id}"),
        &get(&app, &admin, &format!("/emails/{mail_id}")).await,
    );
    // The visitor reads the agent's reply as JSON text, which the widget shows as text.
    let messages = widget.messages(&app, &token).await;
    assert!(messages.to_string().contains("alert(2)"), "{messages}");
}

#[tokio::test]
async fn documents_their_names_and_the_query_are_escaped() {
    let (app, index, _dir) = indexed_app().await;
    let admin = admin_token(&app).await;
    // Plain text keeps markup as text (Markdown and HTML readers drop tags), and a text file's
    // title is its name.
    let text = format!("Texte piégé {XSS} confidentiel.\n");
    let name = "'><img src=x onerror=alert(3)>.txt";
    let r = upload(&app, &admin, name, &text).await;
    assert_eq!(r.json()["added"], 1, "{}", r.body);
    index.sync(&app.store).await.expect("sync");

    let member = Who::Session(app.login(Role::Admin).await);
    let page = get(&app, &member, "/search?q=pi%C3%A9g%C3%A9").await;
    assert_escaped("search results", &page);
    assert!(
        !page.body.contains("<img src=x onerror=alert(3)"),
        "{}",
        page.body
    );
    let hits = get(&app, &admin, "/api/v1/search?q=pi%C3%A9g%C3%A9").await;
    let id = hits.json()["hits"][0]["document_id"].as_i64().expect("hit");
    let doc = get(&app, &member, &format!("/documents/{id}?q=pi%C3%A9g%C3%A9")).await;
    assert_escaped("document view", &doc);
    // The query is echoed escaped.
    let echoed = get(&app, &member, &with_query("/search", "q", XSS)).await;
    assert_eq!(echoed.status, StatusCode::OK);
    assert!(!echoed.body.contains("<script>alert(1)"), "{}", echoed.body);
}

#[tokio::test]
async fn imported_leads_are_escaped() {
    let app = TestApp::new().await;
    let admin = admin_token(&app).await;
    let cell = XSS.replace('"', "\"\"");
    let csv = format!(
        "Prénom;Nom;Courriel;Société;Source;Statut\n\
         \"{cell}\";\"{cell}\";anne@durand.fr;\"{cell}\";\"{cell}\";en cours\n"
    );
    let r = app
        .send(
            Req::post("/api/v1/leads/import")
                .sent_by(&admin)
                .body("text/csv", csv.into_bytes()),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let agent = Who::Session(app.login(Role::Agent).await);
    assert_escaped("/leads", &get(&app, &agent, "/leads").await);
}
