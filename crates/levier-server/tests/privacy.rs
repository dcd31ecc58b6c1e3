//! GDPR export and erasure through the API, over the real router and a real SQLite store: a
//! widget customer who wrote their address, a mail from them, a lead with it and a phrasing an
//! agent taught the assistant from their words; the export gathers it all, the erasure leaves
//! nothing of them (events and the assistant's knowledge included), both are audited without
//! the address, and only admins may call either.

mod support;

use axum::http::StatusCode;
use levier_core::config::SupportConfig;
use levier_core::ids::FaqEntryId;
use levier_core::{Event, EventKind, Role, Timestamp};
use levier_index::{LexicalIndex, Retriever};
use levier_ingest::{Access, FileInput};
use levier_store::directory::NewSource;
use levier_store::events::EventQuery;
use levier_store::faq::NewFaqEntry;
use levier_store::leads::NewLead;
use levier_store::mail::{NewMail, Route};
use levier_store::privacy::person_key;
use std::sync::Arc;
use support::desk::{WidgetClient, set_desk};
use support::{Req, TestApp, Who};

const MARIE: &str = "marie.dupont@exemple.fr";
const EXPORT: &str = "/api/v1/privacy/export?email=Marie.Dupont%40exemple.fr";

/// Marie writes in the widget with her address, an agent teaches the assistant her question;
/// returns the FAQ entry taught.
async fn marie_in_the_widget(app: &TestApp) -> FaqEntryId {
    let widget = WidgetClient::site(app, "Ergolis").await;
    let token = widget.start(app).await;
    let question = "Bonjour, je suis marie.dupont@exemple.fr, où en est ma commande 4521 ?";
    let r = widget.say(app, &token, question).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let message = r.json()["message"]["id"].as_i64().expect("message id");
    let entry = app
        .store
        .create_faq_entry(&NewFaqEntry {
            question: "Où en est ma commande ?".into(),
            answer: "Suivez-la dans votre espace client.".into(),
            category: "livraison".into(),
            language: "fr".into(),
            public: true,
            phrasings: vec![],
        })
        .await
        .expect("entry");
    let agent = Who::Session(app.login(Role::Agent).await);
    let taught = app
        .send(
            Req::post(&format!("/api/v1/messages/{message}/faq-phrasing"))
                .sent_by(&agent)
                .json(&serde_json::json!({ "entry_id": entry.0 })),
        )
        .await;
    assert_eq!(taught.status, StatusCode::CREATED, "{}", taught.body);
    entry
}

/// A mail from her routed to the inbox, a lead with her address, an event naming her.
async fn marie_elsewhere(app: &TestApp) {
    let s = &app.store;
    let mail = s
        .store_mail(&NewMail {
            message_key: "<facture-1@exemple.fr>".into(),
            thread_key: "facture-1".into(),
            source: "imap:INBOX/7".into(),
            from_address: "Marie.Dupont@exemple.fr".into(),
            from_name: "Marie Dupont".into(),
            to_addresses: vec!["support@ergolis.fr".into()],
            subject: "Facture erronée".into(),
            body: "Ma facture 88 est fausse.\n-- \nMarie Dupont".into(),
            new_text: "Ma facture 88 est fausse.".into(),
            category: "facturation".into(),
            confidence: 0.9,
            ..NewMail::default()
        })
        .await
        .expect("mail");
    s.route_mail(mail.mail.id, &Route::default_queue(), serde_json::json!([]))
        .await
        .expect("route");
    s.create_lead(
        &NewLead {
            first_name: "Marie".into(),
            last_name: "Dupont".into(),
            email: Some(MARIE.into()),
            status: "open".into(),
            created_at: Timestamp(1_700_000_000_000),
            ..NewLead::default()
        },
        &[],
    )
    .await
    .expect("lead");
    let place = serde_json::json!({ "page": "widget", "customer": "Marie Dupont" });
    s.append_event(&Event::now(EventKind::LlmFellBack(
        serde_json::json!({ "use_case": "assistant", "reason": "slow", "place": place }),
    )))
    .await
    .expect("event");
}

/// A document naming her (a quote sent to her), in this node's search index.
async fn marie_in_a_document(app: &mut TestApp) -> tempfile::TempDir {
    let s = &app.store;
    s.upsert_group("ventes", "Ventes", "").await.expect("group");
    s.set_user_groups(app.user(Role::Admin).id, &["ventes".into()])
        .await
        .expect("groups");
    let source = s
        .upsert_source(&NewSource {
            name: "devis".into(),
            kind: "folder".into(),
            location: String::new(),
            public: false,
            groups: vec![],
        })
        .await
        .expect("source");
    let text = "# Devis 2291\n\nDevis pour Marie Dupont (marie.dupont@exemple.fr) : fauteuil ergonomique.\n";
    let input = FileInput {
        source_id: source,
        path: "devis-2291.md".into(),
        bytes: text.as_bytes().to_vec(),
        modified_ms: None,
        access: Access {
            groups: vec!["ventes".into()],
            public: false,
        },
    };
    levier_ingest::ingest_file(s, input, &Default::default(), &Default::default())
        .await
        .expect("ingest");
    let dir = tempfile::tempdir().expect("temp dir");
    let index = Arc::new(LexicalIndex::open(dir.path()).expect("index"));
    index.sync(s).await.expect("sync");
    app.state = app
        .state
        .clone()
        .with_index(Arc::new(Retriever::new(index)));
    dir
}

async fn search_hits(app: &TestApp, who: &Who) -> usize {
    let r = app
        .send(Req::get("/api/v1/search?q=dupont").auth(who))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["hits"].as_array().map_or(0, Vec::len)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_exports_then_erases_a_person_and_nothing_of_them_remains() {
    let mut app = TestApp::new().await;
    set_desk(&mut app, SupportConfig::default(), false);
    let entry = marie_in_the_widget(&app).await;
    marie_elsewhere(&app).await;
    let _index_dir = marie_in_a_document(&mut app).await;
    let admin = Who::Session(app.login(Role::Admin).await);
    assert_eq!(search_hits(&app, &admin).await, 1);

    let r = app.send(Req::get(EXPORT).auth(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let record = r.json();
    let held = &record["held"];
    for (kind, n) in [
        ("mails", 1),
        ("leads", 1),
        ("faq_phrasings", 1),
        ("events", 1),
    ] {
        assert_eq!(
            held[kind].as_array().map(Vec::len),
            Some(n),
            "{kind}: {held}"
        );
    }
    let messages = held["messages"].to_string();
    assert!(
        messages.contains("commande 4521") && messages.contains("facture 88"),
        "{messages}"
    );
    assert_eq!(
        record["elsewhere"]["mail_sources"],
        serde_json::json!(["imap:INBOX/7"])
    );

    let r = app
        .send(
            Req::post("/api/v1/privacy/erase")
                .sent_by(&admin)
                .json(&serde_json::json!({ "email": MARIE, "documents": true })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let erasure = r.json();
    assert_eq!(
        erasure["documents_removed"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(search_hits(&app, &admin).await, 0, "search still finds her");
    assert_eq!(erasure["erased"]["leads"], 1, "{erasure}");
    assert!(
        erasure["notes"].to_string().contains("mailbox"),
        "{erasure}"
    );

    let after = app.send(Req::get(EXPORT).auth(&admin)).await.json();
    let left: Vec<_> = after["held"]
        .as_object()
        .expect("held")
        .iter()
        .filter(|(_, rows)| rows.as_array().is_some_and(|r| !r.is_empty()))
        .collect();
    assert!(left.is_empty(), "still held: {left:?}");
    let log = app
        .store
        .events(&EventQuery::default())
        .await
        .expect("events");
    for e in &log {
        let payload = e.payload.to_string().to_lowercase();
        assert!(
            !payload.contains(MARIE) && !payload.contains("marie dupont"),
            "{payload}"
        );
    }
    let phrasings = app
        .store
        .faq_entry(entry)
        .await
        .expect("entry")
        .expect("kept")
        .phrasings;
    assert!(
        phrasings.iter().all(|p| !p.body.contains("4521")),
        "{phrasings:?}"
    );

    let key = person_key(MARIE).expect("key");
    let audit = app.store.audit_entries(0, 50).await.expect("audit");
    let mine: Vec<_> = audit
        .iter()
        .filter(|e| e.target == key)
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(mine, ["privacy.export", "privacy.erase", "privacy.export"]);
    let erase_entry = audit
        .iter()
        .find(|e| e.action == "privacy.erase")
        .expect("erase entry");
    assert_eq!(erase_entry.details["counts"]["leads"], 1);
    assert!(
        audit
            .iter()
            .all(|e| !serde_json::to_string(e).expect("json").contains(MARIE))
    );
}

#[tokio::test]
async fn only_admins_reach_a_person_s_data_and_an_address_is_required() {
    let app = TestApp::new().await;
    let erase = || Req::post("/api/v1/privacy/erase").json(&serde_json::json!({ "email": MARIE }));
    for role in [Role::Agent, Role::Champion, Role::Member] {
        let who = Who::Session(app.login(role).await);
        assert_eq!(
            app.send(Req::get(EXPORT).auth(&who)).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.send(erase().sent_by(&who)).await.status,
            StatusCode::FORBIDDEN
        );
    }
    let admin = Who::Session(app.login(Role::Admin).await);
    let (_, token) = app.create_token(&admin, "script", Role::Member).await;
    let member_token = Who::Token(token);
    assert_eq!(
        app.send(erase().sent_by(&member_token)).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app
        .send(Req::get("/api/v1/privacy/export").auth(&admin))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = app
        .send(
            Req::post("/api/v1/privacy/erase")
                .sent_by(&admin)
                .json(&serde_json::json!({ "email": "marie" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("email"), "{}", r.body);
    assert!(
        app.audit_actions()
            .await
            .iter()
            .all(|(a, _)| !a.starts_with("privacy."))
    );
}
