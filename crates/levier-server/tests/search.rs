//! Internal search through the server: access groups inside every search (results, counts,
//! facets, snippets) and in the document viewer, uploads, and bad queries.

mod support;

use axum::http::StatusCode;
use levier_core::Role;
use levier_index::{LexicalIndex, Retriever};
use levier_ingest::{Access, FileInput};
use levier_store::directory::NewSource;
use std::sync::Arc;
use support::{Req, TestApp, Who};

/// An app whose member reads group `rh` and whose agent reads group `finance`, with one
/// document in each, indexed.
async fn app_with_documents() -> (TestApp, i64, i64, tempfile::TempDir) {
    let mut app = TestApp::new().await;
    let s = &app.store;
    s.upsert_group("rh", "RH", "").await.expect("group");
    s.upsert_group("finance", "Finance", "")
        .await
        .expect("group");
    s.set_user_groups(app.user(Role::Member).id, &["rh".into()])
        .await
        .expect("groups");
    s.set_user_groups(app.user(Role::Agent).id, &["finance".into()])
        .await
        .expect("groups");
    let source = s
        .upsert_source(&NewSource {
            name: "docs".into(),
            kind: "folder".into(),
            location: String::new(),
            public: false,
            groups: vec![],
        })
        .await
        .expect("source");
    let mut ids = Vec::new();
    for (path, text, group) in [
        (
            "salaires.md",
            "# Grille des salaires\n\nLa grille salariale confidentielle des techniciens.\n",
            "rh",
        ),
        (
            "budget.md",
            "# Budget prévisionnel\n\nLe budget prévisionnel confidentiel de l'entrepôt.\n",
            "finance",
        ),
    ] {
        let input = FileInput {
            source_id: source,
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
            modified_ms: None,
            access: Access {
                groups: vec![group.into()],
                public: false,
            },
        };
        levier_ingest::ingest_file(s, input, &Default::default(), &Default::default())
            .await
            .expect("ingest");
        ids.push(
            s.document_id(source, path)
                .await
                .expect("lookup")
                .expect("stored")
                .0,
        );
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let index = Arc::new(LexicalIndex::open(dir.path()).expect("index"));
    index.sync(s).await.expect("sync");
    app.state = app
        .state
        .clone()
        .with_index(Arc::new(Retriever::new(index)));
    (app, ids[0], ids[1], dir)
}

async fn token(app: &TestApp, role: Role) -> Who {
    let session = Who::Session(app.login(role).await);
    let (_, secret) = app.create_token(&session, "search", role).await;
    Who::Token(secret)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_never_sees_another_groups_documents() {
    let (app, rh_doc, finance_doc, _dir) = app_with_documents().await;
    let member = token(&app, Role::Member).await;
    let agent = token(&app, Role::Agent).await;

    let own = app
        .send(Req::get("/api/v1/search?q=grille%20salariale").auth(&member))
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert_eq!(own.json()["total"], 1);
    assert_eq!(own.json()["mode"], "lexical");

    for query in [
        "budget%20pr%C3%A9visionnel",
        "confidentiel",
        "entrep%C3%B4t",
    ] {
        let other = app
            .send(Req::get(&format!("/api/v1/search?q={query}")).auth(&member))
            .await;
        let body = other.json();
        assert!(
            !other.body.contains("prévisionnel"),
            "{query}: {}",
            other.body
        );
        assert!(
            body["hits"]
                .as_array()
                .expect("hits")
                .iter()
                .all(|h| h["document_id"] != finance_doc),
            "{query}"
        );
        let facet_total: u64 = body["media_types"]
            .as_array()
            .expect("facets")
            .iter()
            .map(|f| f["count"].as_u64().unwrap_or(0))
            .sum();
        assert_eq!(
            facet_total,
            body["total"].as_u64().unwrap_or(0),
            "{query}: facets count only readable matches"
        );
    }
    let confidential = app
        .send(Req::get("/api/v1/search?q=confidentiel").auth(&member))
        .await;
    assert_eq!(
        confidential.json()["total"],
        1,
        "only the member's own document matches"
    );

    assert_eq!(
        app.send(Req::get(&format!("/api/v1/documents/{finance_doc}")).auth(&member))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.send(Req::get(&format!("/api/v1/documents/{rh_doc}")).auth(&member))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.send(Req::get(&format!("/api/v1/documents/{rh_doc}")).auth(&agent))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let finance = app
        .send(Req::get(&format!("/api/v1/documents/{finance_doc}")).auth(&agent))
        .await;
    assert!(finance.body.contains("prévisionnel"), "{}", finance.body);

    let session = Who::Session(app.login(Role::Member).await);
    let page = app
        .send(Req::get(&format!("/documents/{finance_doc}?q=budget")).auth(&session))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!page.body.contains("prévisionnel"));
    let results = app.send(Req::get("/search?q=budget").auth(&session)).await;
    assert_eq!(results.status, StatusCode::OK);
    assert!(
        !results.body.contains("prévisionnel"),
        "the search page leaks: {}",
        results.body
    );
    let viewer = app
        .send(Req::get(&format!("/documents/{rh_doc}?q=salariale")).auth(&session))
        .await;
    assert!(
        viewer.body.contains("<mark>salariale</mark>"),
        "{}",
        viewer.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_queries_say_what_is_wrong() {
    let (app, _, _, _dir) = app_with_documents().await;
    let member = token(&app, Role::Member).await;
    let empty = app
        .send(Req::get("/api/v1/search?q=%20%20").auth(&member))
        .await;
    assert_eq!(empty.problem(StatusCode::BAD_REQUEST)["field"], "q");
    let mode = app
        .send(Req::get("/api/v1/search?q=budget&mode=fuzzy").auth(&member))
        .await;
    assert_eq!(mode.problem(StatusCode::BAD_REQUEST)["field"], "mode");
    // No embedding model on this server: a dense search still answers, lexically, and says so.
    let dense = app
        .send(Req::get("/api/v1/search?q=budget&mode=dense").auth(&member))
        .await;
    assert_eq!(dense.status, StatusCode::OK);
    assert_eq!(dense.json()["mode"], "lexical");
    assert!(
        dense.json()["notice"]
            .as_str()
            .is_some_and(|n| n.contains("semantic search is unavailable")),
        "{}",
        dense.json()
    );
    let date = app
        .send(Req::get("/api/v1/search?q=budget&from=hier").auth(&member))
        .await;
    assert_eq!(date.problem(StatusCode::BAD_REQUEST)["field"], "from");
    assert_eq!(
        app.send(Req::get("/api/v1/search?q=budget")).await.status,
        StatusCode::UNAUTHORIZED
    );
}

fn multipart(files: &[(&str, &str)], groups: &[&str]) -> (String, Vec<u8>) {
    let boundary = "levierboundary7";
    let mut body = String::new();
    for g in groups {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"group\"\r\n\r\n{g}\r\n"
        ));
    }
    for (name, text) in files {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/markdown\r\n\r\n{text}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_share_only_with_the_uploaders_groups() {
    let (app, _, _, _dir) = app_with_documents().await;
    let member = token(&app, Role::Member).await;
    let (ct, body) = multipart(
        &[("note.md", "# Note\n\nUne note de service.")],
        &["finance"],
    );
    let refused = app
        .send(Req::post("/api/v1/documents").auth(&member).body(&ct, body))
        .await;
    assert_eq!(refused.problem(StatusCode::BAD_REQUEST)["field"], "group");

    let (ct, body) = multipart(
        &[
            (
                "../../etc/passwd.md",
                "# Traversée\n\nUne tentative de chemin.",
            ),
            ("vide.txt", ""),
        ],
        &["rh"],
    );
    let done = app
        .send(Req::post("/api/v1/documents").auth(&member).body(&ct, body))
        .await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.body);
    let report = done.json();
    assert_eq!(report["added"], 1);
    assert_eq!(report["failed"][0]["path"], "vide.txt", "{report}");
    let uploads = app.store.source_names().await.expect("sources");
    let (&source, _) = uploads
        .iter()
        .find(|(_, n)| n.as_str() == "uploads")
        .expect("uploads source");
    assert!(
        app.store
            .document_id(source, "passwd.md")
            .await
            .expect("lookup")
            .is_some(),
        "the name is reduced to its last part"
    );

    let viewer = token(&app, Role::Viewer).await;
    let (ct, body) = multipart(&[("x.md", "# X")], &["rh"]);
    assert_eq!(
        app.send(Req::post("/api/v1/documents").auth(&viewer).body(&ct, body))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

/// The events of one kind in the log.
async fn events_of(app: &TestApp, kind: &str) -> Vec<serde_json::Value> {
    let query = levier_store::events::EventQuery {
        kinds: vec![kind.into()],
        ..Default::default()
    };
    let events = app.store.events(&query).await.expect("events");
    events.into_iter().map(|e| e.payload).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_counts_once_and_its_answer_can_be_rated_with_a_comment() {
    let (app, rh_doc, _, _dir) = app_with_documents().await;
    let session = app.login(Role::Member).await;
    let csrf = session.csrf.clone();
    let member = Who::Session(session);
    let q = "grille salariale confidentielle des techniciens";
    let path = format!("/search?q={}", q.replace(' ', "%20"));
    let page = app.send(Req::get(&path).auth(&member)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"data-testid="answer-rating""#),
        "{}",
        page.body
    );
    let asked = events_of(&app, "question_asked").await;
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0]["answered"], true);

    let document = rh_doc.to_string();
    let form = [
        ("_csrf", csrf.as_str()),
        ("q", q),
        ("document", document.as_str()),
        ("comment", "Il manque la grille des cadres <b>2026</b>"),
        ("useful", "0"),
    ];
    let rated = app
        .send(Req::post("/search/rating").auth(&member).form(&form))
        .await;
    assert_eq!(rated.status, StatusCode::SEE_OTHER, "{}", rated.body);
    let back = rated.location().expect("back to the search").to_string();
    assert!(back.ends_with("&rated=1"), "{back}");
    let page = app.send(Req::get(&back).auth(&member)).await;
    assert!(
        page.body.contains(r#"data-testid="answer-rated""#),
        "{}",
        page.body
    );
    assert_eq!(
        events_of(&app, "question_asked").await.len(),
        1,
        "not asked twice"
    );
    let ratings = app.store.answer_ratings(&[], 10).await.expect("ratings");
    assert_eq!(ratings.len(), 1);
    assert_eq!(
        ratings[0].comment,
        "Il manque la grille des cadres <b>2026</b>"
    );
    assert!(!ratings[0].useful);
    assert_eq!(events_of(&app, "answer_rated").await[0]["useful"], false);

    // The Reports page counts them (its period: the current month).
    let admin = Who::Session(app.login(Role::Admin).await);
    let reports = app.send(Req::get("/reports").auth(&admin)).await;
    let body = &reports.body;
    assert!(
        body.contains(
            r#"<tr data-figure="questions"><td>Questions posées</td><td class="value">1</td>"#
        ),
        "{body}"
    );
    assert!(
        body.contains(r#"<td class="value">0.0 % (0/1)</td>"#),
        "{body}"
    );
}
