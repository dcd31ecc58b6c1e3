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

#[path = "../../levier-triage/tests/common/smtp_sink.rs"]
mod smtp_sink;

/// A worker running `mail.send` tasks through the sink, as `levier serve`'s would.
fn mail_worker(app: &TestApp, sink: &smtp_sink::SmtpSink) -> levier_store::tasks::Runner {
    let config = levier_core::config::SmtpConfig {
        host: "127.0.0.1".into(),
        port: sink.port(),
        security: levier_core::config::SmtpSecurity::None,
        from: "Support Ergolis <support@ergolis.fr>".into(),
        ..Default::default()
    };
    let mailer = levier_triage::Mailer::new(&config).expect("mailer");
    let runner = levier_store::tasks::Runner::new(
        app.store.clone(),
        "test-worker",
        levier_core::config::TaskConfig::default(),
    );
    levier_triage::outbox::register(runner, mailer)
}

/// The ticket a routed mail opened.
async fn ticket_of(app: &TestApp, mail: i64) -> i64 {
    let mail = app.store.mail(mail).await.expect("read").expect("mail");
    mail.ticket_id.expect("routed").0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_from_the_ticket_page_reaches_the_smtp_sink_threaded() {
    let sink = smtp_sink::SmtpSink::start().await;
    let mut app = TestApp::new().await;
    app.state = app.state.clone().with_smtp(true);
    let agent = Who::Session(app.login(Role::Agent).await);
    let mail = routed_mail(&app, "orig-42@exemple.fr", "Colis en retard", "livraison").await;
    let ticket = ticket_of(&app, mail).await;

    let text = "Bonjour, votre colis part demain.";
    let r = app
        .send(
            Req::post(&format!("/inbox/{ticket}/reply"))
                .sent_by(&agent)
                .form(&[("text", text)]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location(),
        Some(format!("/inbox/{ticket}?done=mailed").as_str())
    );
    let worker = mail_worker(&app, &sink);
    assert!(worker.run_one().await.expect("run"), "a mail.send task");

    let got = &sink.wait_for(1).await[0];
    assert_eq!(got.to, vec!["client@exemple.fr"]);
    assert_eq!(
        got.header("In-Reply-To").as_deref(),
        Some("<orig-42@exemple.fr>")
    );
    assert_eq!(
        got.header("References").as_deref(),
        Some("<orig-42@exemple.fr>")
    );
    assert_eq!(
        got.header("Subject").as_deref(),
        Some("Re: Colis en retard")
    );
    assert!(got.data.contains(text), "{}", got.data);

    // A recipient refused for good: no retry, and the ticket page says so.
    sink.reject_next(1);
    let r = app
        .send(
            Req::post(&format!("/inbox/{ticket}/reply"))
                .sent_by(&agent)
                .form(&[("text", "Encore un mot.")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(worker.run_one().await.expect("run"));
    assert!(!worker.run_one().await.expect("run"), "not retried");
    assert_eq!(sink.received().len(), 1);
    let r = app
        .send(Req::get(&format!("/inbox/{ticket}")).auth(&agent))
        .await;
    assert!(r.body.contains("reply not sent by e-mail"), "{}", r.body);
    assert!(r.body.contains("no such mailbox"), "{}", r.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_a_reply_to_a_mail_is_stored_and_said_unsent() {
    let app = TestApp::new().await;
    let agent = Who::Session(app.login(Role::Agent).await);
    let mail = routed_mail(&app, "orig-7@exemple.fr", "Facture", "facturation").await;
    let ticket = ticket_of(&app, mail).await;
    let r = app
        .send(
            Req::post(&format!("/inbox/{ticket}/reply"))
                .sent_by(&agent)
                .form(&[("text", "Bonjour, la voici.")]),
        )
        .await;
    assert_eq!(
        r.location(),
        Some(format!("/inbox/{ticket}?done=not_mailed").as_str())
    );
    let r = app
        .send(Req::get(r.location().expect("back")).auth(&agent))
        .await;
    assert!(r.body.contains("Bonjour, la voici."), "stored");
    assert!(
        r.body.contains("non envoyée") || r.body.contains("not sent"),
        "{}",
        r.body
    );
    assert!(
        app.store
            .unfinished_task(levier_triage::outbox::SEND_TASK)
            .await
            .expect("tasks")
            .is_none(),
        "nothing queued"
    );
}

/// The demo company's triage model, stored as the company's.
async fn store_demo_model(app: &TestApp) {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/emails");
    let set = levier_triage::read_labelled_folder(&folder, &levier_triage::MailLimits::default())
        .expect("labels");
    let examples: Vec<_> = set.into_iter().map(|m| m.example).collect();
    let model = levier_triage::TriageModel::train(&examples, &Default::default()).expect("train");
    levier_triage::save_model(&app.store, &model)
        .await
        .expect("save");
}

/// A live pilot that lets triage handle invoices only.
async fn invoice_pilot(app: &TestApp) {
    use levier_store::pilots::{Baseline, NewPilot, Scope};
    let use_case_id = app
        .store
        .upsert_use_case(&levier_store::knowledge::NewUseCase {
            name: "Tri des e-mails".into(),
            process: "support".into(),
            pain: "boîte partagée".into(),
            frequency_per_month: 400,
            minutes_per_occurrence: 3,
            people_involved: 2,
            data_available: "archives".into(),
            risk: "basse".into(),
            impact: 4,
            feasibility: 4,
        })
        .await
        .expect("use case");
    let pilot = app
        .store
        .upsert_pilot(&NewPilot {
            use_case_id,
            name: "Factures par e-mail".into(),
            scope: Scope {
                channels: vec!["email".into()],
                mail_categories: vec!["facturation".into()],
                ..Scope::default()
            },
            baseline: Baseline::default(),
            targets: Vec::new(),
            starts_at: levier_core::Timestamp(0),
            ends_at: levier_core::Timestamp(i64::MAX / 2),
            champions: Vec::new(),
        })
        .await
        .expect("pilot");
    app.store.start_pilot(pilot).await.expect("start");
}

/// The playground's mail form: triage's decision with the categories weighed, the route and
/// whether the live pilots automate the mail; the pasted mail escaped; nothing recorded;
/// champions and admins only; a clear message while no model is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_playground_tries_triage_within_the_pilots_scope_and_records_nothing() {
    let app = TestApp::new().await;
    let champion = Who::Session(app.login(Role::Champion).await);
    let try_mail = |subject: &str, body: &str| {
        Req::post("/playground/mail").sent_by(&champion).form(&[
            ("from", "Claire <claire@client.fr>"),
            ("subject", subject),
            ("body", body),
        ])
    };
    let delivery = "Bonjour, ma commande passée la semaine dernière n'est toujours pas arrivée. \
                    Pouvez-vous me dire où en est la livraison ? Merci d'avance.";
    let untrained = app.send(try_mail("Commande en retard", delivery)).await;
    assert_eq!(untrained.status, StatusCode::BAD_REQUEST);
    assert!(
        untrained.body.contains("Aucun modèle de tri"),
        "{}",
        untrained.body
    );

    store_demo_model(&app).await;
    invoice_pilot(&app).await;
    let before = app
        .store
        .events(&Default::default())
        .await
        .expect("events")
        .len();

    let r = app
        .send(try_mail("<b>Commande</b> en retard", delivery))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#"data-verdict="routed""#), "{}", r.body);
    assert!(
        r.body.contains("&#60;b&#62;Commande&#60;/b&#62;"),
        "escaped"
    );
    assert!(!r.body.contains("<b>Commande</b>"));
    assert!(r.body.contains(r#"data-testid="mail-trial-candidates""#));
    assert!(r.body.contains("queue:"), "the default route: {}", r.body);
    assert!(
        r.body.contains(r#"data-testid="mail-trial-automated">✗"#),
        "a delivery mail is outside the invoice pilot\n{}",
        r.body
    );

    let invoice = "Bonjour, la facture FA-2026-118 reçue ce mois-ci compte deux fois la même \
                   ligne. Pouvez-vous nous envoyer un avoir et une facture corrigée ? Merci.";
    let r = app.send(try_mail("Facture en double", invoice)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body
            .contains(r#"data-testid="mail-trial-category">facturation<"#),
        "{}",
        r.body
    );
    assert!(
        r.body.contains(r#"data-testid="mail-trial-automated">✓"#),
        "{}",
        r.body
    );

    let after = app
        .store
        .events(&Default::default())
        .await
        .expect("events")
        .len();
    assert_eq!(before, after, "trying triage records nothing");
    let agent = Who::Session(app.login(Role::Agent).await);
    let refused = app
        .send(
            Req::post("/playground/mail")
                .sent_by(&agent)
                .form(&[("body", delivery)]),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

/// A mail outside the live pilots' categories gets no drafted reply, and says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_outside_the_live_pilots_gets_no_drafted_reply() {
    let app = TestApp::new().await;
    invoice_pilot(&app).await;
    let agent = Who::Session(app.login(Role::Agent).await);
    let mut id = routed_mail(&app, "late@client.fr", "Commande en retard", "livraison").await;
    // A mail triage was sure about (the helper stores it to review).
    let sure = NewMail {
        message_key: "sure@client.fr".into(),
        thread_key: "sure@client.fr".into(),
        from_address: "client@exemple.fr".into(),
        subject: "Livraison".into(),
        body: "Où est mon colis ?".into(),
        new_text: "Où est mon colis ?".into(),
        attachments: serde_json::json!([]),
        category: "livraison".into(),
        confidence: 0.9,
        sentiment: "neutre".into(),
        to_review: false,
        ..NewMail::default()
    };
    id = id.max(app.store.store_mail(&sure).await.expect("store").mail.id);
    app.store
        .route_mail(id, &Route::default_queue(), serde_json::json!([]))
        .await
        .expect("route");
    let r = app
        .send(Req::get(&format!("/api/v1/mails/{id}/suggestion")).auth(&agent))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let body: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    assert!(body["draft"].is_null(), "{body}");
    assert!(
        body["unavailable"]
            .as_str()
            .is_some_and(|why| why.contains("facturation")),
        "{body}"
    );
}
