//! The FAQ's CSV import (API and page) and the FAQ pages, through the real router over a real
//! SQLite store.

mod support;

use axum::http::StatusCode;
use levier_core::Role;
use levier_core::config::ServerConfig;
use support::{Reply, Req, TestApp, Who};

/// Two good rows, one without an answer (line 3), French headers and `;`.
const CSV: &str = "question;réponse;catégorie;langue;variantes;public\n\
                   Quels délais de livraison ?;Sous 3 jours ouvrés.;livraison;fr;délai | quand;oui\n\
                   Où est ma commande ?;;commande;fr;;oui\n\
                   Can I return an item?;Yes, within 30 days.;retours;en;;non\n";

async fn session(app: &TestApp, role: Role) -> Who {
    Who::Session(app.login(role).await)
}

fn csrf(who: &Who) -> String {
    match who {
        Who::Session(s) => s.csrf.clone(),
        _ => String::new(),
    }
}

async fn import_api(app: &TestApp, who: &Who, csv: &str) -> Reply {
    app.send(
        Req::post("/api/v1/faq/import")
            .sent_by(who)
            .body("text/csv", csv.as_bytes().to_vec()),
    )
    .await
}

/// A page form as a browser sends it: the session cookie and the token in the `_csrf` field.
async fn submit(app: &TestApp, who: &Who, path: &str, fields: &[(&str, &str)]) -> Reply {
    let token = csrf(who);
    let mut all = vec![("_csrf", token.as_str())];
    all.extend_from_slice(fields);
    app.send(Req::post(path).auth(who).form(&all)).await
}

/// The upload form's multipart body: the `_csrf` field first, then the file.
fn multipart(token: &str, csv: &str) -> (String, Vec<u8>) {
    let boundary = "----faqboundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"faq.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

fn entry_id(location: Option<&str>) -> i64 {
    let location = location.expect("a redirect");
    location
        .trim_start_matches("/faq/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not an entry's page: {location}"))
}

#[tokio::test]
async fn the_api_imports_good_rows_reports_broken_ones_and_skips_existing_questions() {
    let app = TestApp::new().await;
    let champion = session(&app, Role::Champion).await;
    let r = import_api(&app, &champion, CSV).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let report = r.json();
    assert_eq!(report["created"], 2, "{report}");
    assert_eq!(report["skipped_existing"], 0);
    assert_eq!(
        report["errors"],
        serde_json::json!([{ "line": 3, "column": "réponse", "reason": "empty answer" }])
    );
    let id = app
        .store
        .faq_entry_by_question("Can I return an item?")
        .await
        .expect("read")
        .expect("imported");
    let entry = app.store.faq_entry(id).await.expect("read").expect("entry");
    assert!(!entry.entry.public, "public = non");
    assert_eq!(entry.entry.language, "en");

    let again = import_api(&app, &champion, CSV).await.json();
    assert_eq!(
        (again["created"].clone(), again["skipped_existing"].clone()),
        (0.into(), 2.into())
    );
    let all = app.store.faq_training_set().await.expect("read");
    assert_eq!(all.len(), 2, "nothing duplicated");
}

#[tokio::test]
async fn an_oversized_import_is_refused_with_413() {
    let app = TestApp::with(&ServerConfig {
        body_limit_bytes: 1024,
        ..ServerConfig::default()
    })
    .await;
    let admin = session(&app, Role::Admin).await;
    let big = format!("question,answer\n{}", "Q ?,A.\n".repeat(400));
    let p = import_api(&app, &admin, &big)
        .await
        .problem(StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        p["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("body_limit_bytes"),
        "{p}"
    );
    let token = csrf(&admin);
    let (ct, body) = multipart(&token, &big);
    let r = app
        .send(Req::post("/faq/import").auth(&admin).body(&ct, body))
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(app.store.faq_training_set().await.expect("read").is_empty());
}

#[tokio::test]
async fn an_employee_without_faq_rights_may_neither_import_nor_use_the_pages() {
    let app = TestApp::new().await;
    let member = session(&app, Role::Member).await;
    import_api(&app, &member, CSV)
        .await
        .problem(StatusCode::FORBIDDEN);
    let id = app
        .store
        .create_faq_entry(&levier_store::faq::NewFaqEntry {
            question: "Garantie ?".into(),
            answer: "5 ans.".into(),
            category: String::new(),
            language: "fr".into(),
            public: true,
            phrasings: Vec::new(),
        })
        .await
        .expect("create")
        .0;
    let fields = [
        ("question", "Q ?"),
        ("answer", "A."),
        ("text", "t"),
        ("phrasing", "1"),
    ];
    for path in [
        "/faq".to_string(),
        format!("/faq/{id}"),
        format!("/faq/{id}/phrasings"),
        format!("/faq/{id}/phrasings/delete"),
        format!("/faq/{id}/delete"),
    ] {
        let r = submit(&app, &member, &path, &fields).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "POST {path}");
    }
    let (ct, body) = multipart(&csrf(&member), CSV);
    let r = app
        .send(Req::post("/faq/import").auth(&member).body(&ct, body))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.send(Req::get("/faq").auth(&member)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        app.store
            .faq_entry(levier_core::ids::FaqEntryId(id))
            .await
            .expect("read")
            .is_some()
    );
}

#[tokio::test]
async fn the_pages_create_edit_add_a_phrasing_and_delete_an_entry() {
    let app = TestApp::new().await;
    let agent = session(&app, Role::Agent).await;
    let page = app.send(Req::get("/faq").auth(&agent)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("href=\"/faq\" aria-current=\"page\""),
        "FAQ in the navigation"
    );

    let r = submit(
        &app,
        &agent,
        "/faq",
        &[
            ("question", "Quelle garantie ?"),
            ("answer", "5 ans."),
            ("category", "garantie"),
            ("language", "fr"),
            ("public", "1"),
            ("phrasings", "durée de garantie\ngarantie combien"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = entry_id(r.location());
    let path = format!("/faq/{id}");

    let owner = app.user(Role::Champion).id.0.to_string();
    let r = submit(
        &app,
        &agent,
        &path,
        &[
            ("question", "Quelle est la garantie ?"),
            ("answer", "5 ans sur les structures."),
            ("category", "garantie"),
            ("language", "fr"),
            ("owner", &owner),
            ("review", "2020-01-31"),
        ],
    )
    .await;
    assert_eq!(r.location(), Some(format!("{path}?done=saved").as_str()));
    let saved = app
        .store
        .faq_entry(levier_core::ids::FaqEntryId(id))
        .await
        .expect("read")
        .expect("entry");
    assert_eq!(saved.entry.question, "Quelle est la garantie ?");
    assert!(!saved.entry.public, "unticked");
    assert_eq!(saved.entry.owner.map(|o| o.0.to_string()), Some(owner));
    assert_eq!(saved.phrasings.len(), 3, "the question and two phrasings");

    let r = submit(
        &app,
        &agent,
        &format!("{path}/phrasings"),
        &[("text", "garantie bureau")],
    )
    .await;
    assert_eq!(
        r.location(),
        Some(format!("{path}?done=phrasing-added").as_str())
    );
    let r = submit(
        &app,
        &agent,
        &format!("{path}/phrasings"),
        &[("text", "garantie bureau")],
    )
    .await;
    assert_eq!(
        r.location(),
        Some(format!("{path}?error=duplicate").as_str())
    );
    let shown = app
        .send(Req::get(&format!("{path}?error=duplicate")).auth(&agent))
        .await;
    assert_eq!(shown.status, StatusCode::BAD_REQUEST);
    assert!(shown.body.contains("garantie bureau"));
    assert!(shown.body.contains("2020-01-31"));

    let first = saved.phrasings[1].id.0;
    let first = first.to_string();
    let r = submit(
        &app,
        &agent,
        &format!("{path}/phrasings/delete"),
        &[("phrasing", &first)],
    )
    .await;
    assert_eq!(
        r.location(),
        Some(format!("{path}?done=phrasing-removed").as_str())
    );

    let due = app.send(Req::get("/faq?due=1").auth(&agent)).await;
    assert!(
        due.body.contains("Quelle est la garantie ?"),
        "review date passed"
    );

    let confirm = app
        .send(Req::get(&format!("{path}?confirm=delete")).auth(&agent))
        .await;
    assert!(confirm.body.contains(&format!("action=\"{path}/delete\"")));
    let r = submit(&app, &agent, &format!("{path}/delete"), &[]).await;
    assert_eq!(r.location(), Some("/faq?done=deleted"));
    assert!(app.store.faq_training_set().await.expect("read").is_empty());
}

#[tokio::test]
async fn the_page_imports_a_csv_and_shows_each_error_with_its_line() {
    let app = TestApp::new().await;
    let admin = session(&app, Role::Admin).await;
    let (ct, body) = multipart(&csrf(&admin), CSV);
    let r = app
        .send(Req::post("/faq/import").auth(&admin).body(&ct, body))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("data-testid=\"faq-import-report\""));
    assert!(
        r.body.contains("line 3, column réponse: empty answer"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Quels délais de livraison ?"));

    let (ct, body) = multipart("not-the-token", CSV);
    let r = app
        .send(Req::post("/faq/import").auth(&admin).body(&ct, body))
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "CSRF checked in multipart forms"
    );
}

#[tokio::test]
async fn html_in_a_question_is_shown_escaped() {
    let app = TestApp::new().await;
    let champion = session(&app, Role::Champion).await;
    let r = submit(
        &app,
        &champion,
        "/faq",
        &[
            ("question", "<script>alert(1)</script> ?"),
            ("answer", "<b>non</b>"),
            ("language", "fr"),
        ],
    )
    .await;
    let path = format!("/faq/{}", entry_id(r.location()));
    for page in ["/faq", path.as_str()] {
        let body = app.send(Req::get(page).auth(&champion)).await.body;
        assert!(!body.contains("<script>alert(1)</script>"), "{page}");
        assert!(
            body.contains("&#60;script&#62;alert(1)&#60;/script&#62; ?"),
            "{page}"
        );
    }
}
