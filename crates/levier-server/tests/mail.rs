//! E-mail triage through the real router over a real SQLite store: the mail list and its
//! filters, a correction that reroutes the mail and its ticket, routing rules (admins only,
//! invalid fields named), the Emails page escaping hostile mail content, and the drafted reply.

mod support;

use axum::http::StatusCode;
use levier_core::Role;
use levier_store::mail::{NewMail, Route};
use support::{Req, TestApp, Who};

/// Stores and routes a mail; returns its id.
async fn routed_mail(app: &TestApp, key: &str, subject: &str, category: &str) -> i64 {
    let new = NewMail {
        message_key: key.into(),
        thread_key: key.into(),
        from_address: "client@exemple.fr".into(),
        subject: subject.into(),
        body: "Bonjour, <script>alert(1)</script> ma commande n'est pas arrivée.".into(),
        new_text: "Bonjour, ma commande n'est pas arrivée.".into(),
        attachments: serde_json::json!([]),
        category: category.into(),
        confidence: 0.42,
        sentiment: "neutre".into(),
        to_review: true,
        ..NewMail::default()
    };
    let id = app.store.store_mail(&new).await.expect("store").mail.id;
    app.store
        .route_mail(id, &Route::default_queue(), serde_json::json!([]))
        .await
        .expect("route");
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_list_and_correct_mails_and_admins_write_rules() {
    let app = TestApp::new().await;
    let agent = Who::Session(app.login(Role::Agent).await);
    let admin = Who::Session(app.login(Role::Admin).await);
    let id = routed_mail(&app, "<1@x>", "Colis en retard", "livraison").await;
    routed_mail(&app, "<2@x>", "Facture", "facturation").await;

    let r = app
        .send(Req::get("/api/v1/mails?category=livraison").auth(&agent))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json().as_array().map(Vec::len), Some(1));
    assert_eq!(r.json()[0]["route"], "queue:général");

    // A rule for invoices to the accounting team, written by an admin (agents may not).
    let rule = serde_json::json!({
        "name": "Factures", "categories": ["facturation"],
        "target_kind": "team", "target": "compta", "enabled": true
    });
    let r = app
        .send(Req::post("/api/v1/mail-rules").sent_by(&agent).json(&rule))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .send(Req::post("/api/v1/mail-rules").sent_by(&admin).json(&rule))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let no_target = serde_json::json!({ "name": "Vide", "target": " " });
    let r = app
        .send(
            Req::post("/api/v1/mail-rules")
                .sent_by(&admin)
                .json(&no_target),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("target"), "{}", r.body);

    // The correction reroutes the mail by the new rule, and its ticket follows.
    let r = app
        .send(
            Req::post(&format!("/api/v1/mails/{id}/category"))
                .sent_by(&agent)
                .json(&serde_json::json!({ "category": "facturation" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mail = r.json();
    assert_eq!(mail["category"], "facturation");
    assert_eq!(mail["to_review"], false);
    assert_eq!(mail["route"], "team:compta");
    let ticket = mail["ticket_id"].as_i64().expect("ticket");
    let r = app
        .send(Req::get(&format!("/api/v1/tickets/{ticket}")).auth(&agent))
        .await;
    assert!(r.body.contains("facturation"), "{}", r.body);
    let r = app
        .send(
            Req::post("/api/v1/mails/999999/category")
                .sent_by(&agent)
                .json(&serde_json::json!({ "category": "autre" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emails_page_escapes_mail_content_and_corrects_in_one_form() {
    let app = TestApp::new().await;
    let agent = Who::Session(app.login(Role::Agent).await);
    let id = routed_mail(&app, "<h@x>", "<img src=x onerror=alert(1)>", "livraison").await;

    let r = app.send(Req::get("/emails").auth(&agent)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("&#60;img src=x onerror=alert(1)&#62;"),
        "escaped subject"
    );
    assert!(!r.body.contains("<img src=x"), "no markup from the mail");
    assert!(r.body.contains(r#"data-testid="to-review""#));

    let r = app
        .send(Req::get(&format!("/emails/{id}")).auth(&agent))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    assert!(!r.body.contains("<script>alert(1)"));
    assert!(r.body.contains(r#"data-testid="suggestion""#));

    let r = app
        .send(
            Req::post(&format!("/emails/{id}/category"))
                .sent_by(&agent)
                .form(&[("category", "technique"), ("back", "https://evil.example/")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location(),
        Some(format!("/emails?done=corrected#mail-{id}").as_str())
    );
    let corrected = app.store.mail(id).await.expect("read").expect("mail");
    assert_eq!(corrected.mail.category, "technique");

    let r = app
        .send(Req::get(&format!("/api/v1/mails/{id}/suggestion")).auth(&agent))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.json()["unavailable"].is_string(),
        "no assistant in this test: {}",
        r.body
    );

    let viewer = Who::Session(app.login(Role::Viewer).await);
    let r = app.send(Req::get("/emails").auth(&viewer)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
