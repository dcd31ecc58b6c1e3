//! The search page's generated answer, through the real router over a real SQLite store and
//! lexical index, with a stand-in provider on loopback that records what it receives: the
//! employee's answer is written only from a passage they may read (another group's reader
//! gets no answer, and the provider never sees the document), it streams, cites the document
//! with a link, and the page offers it (escaped) only when internal Q&A has a model.

mod support;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::post;
use levier_assist::llm::{LlmUses, ProviderConfig};
use levier_core::Role;
use levier_index::{LexicalIndex, Retriever};
use levier_ingest::{Access, FileInput};
use levier_server::llm::Llm;
use levier_store::directory::NewSource;
use std::sync::{Arc, Mutex};
use support::desk::read_events;
use support::{Req, TestApp, Who};

const PASSAGE: &str = "La grille salariale confidentielle des techniciens.";
const QUESTION: &str = "grille salariale confidentielle des techniciens";

type Received = Arc<Mutex<Vec<String>>>;

/// A provider answering every call with a cited restatement of [`PASSAGE`], in two pieces.
async fn completions(State(received): State<Received>, body: String) -> impl IntoResponse {
    received.lock().expect("lock").push(body);
    let piece = |t: &str| {
        let json = serde_json::json!({ "choices": [{ "delta": { "content": t } }] });
        format!("data: {json}\n\n")
    };
    let body = [
        piece("La grille salariale des techniciens "),
        piece("est confidentielle [P1]."),
        "data: [DONE]\n\n".to_owned(),
    ]
    .concat();
    ([("content-type", "text/event-stream")], Body::from(body))
}

/// The app with one document of group `rh` (read by the member, not by the agent), indexed,
/// and the stand-in provider as the internal Q&A model.
async fn app() -> (TestApp, Received, tempfile::TempDir) {
    let received = Received::default();
    let provider = Router::new()
        .route("/v1/chat/completions", post(completions))
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, provider).await.expect("serve") });
    let mut app = TestApp::new().await;
    let s = &app.store;
    s.upsert_group("rh", "RH", "").await.expect("group");
    s.set_user_groups(app.user(Role::Member).id, &["rh".into()])
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
    let input = FileInput {
        source_id: source,
        path: "salaires.md".into(),
        bytes: format!("# Grille des salaires\n\n{PASSAGE}\n").into_bytes(),
        modified_ms: None,
        access: Access {
            groups: vec!["rh".into()],
            public: false,
        },
    };
    levier_ingest::ingest_file(s, input, &Default::default(), &Default::default())
        .await
        .expect("ingest");
    let dir = tempfile::tempdir().expect("temp dir");
    let index = Arc::new(LexicalIndex::open(dir.path()).expect("index"));
    index.sync(s).await.expect("sync");
    let uses = LlmUses {
        internal_qa: Some(ProviderConfig::new(
            &format!("http://{addr}/v1"),
            "stand-in",
        )),
        ..LlmUses::default()
    };
    app.state = app
        .state
        .clone()
        .with_index(Arc::new(Retriever::new(index)))
        .with_llm(Llm::new(&uses).expect("client"));
    (app, received, dir)
}

/// The events of the generated answer's stream for `who`, read until its last event.
async fn answer_events(app: &TestApp, who: &Who) -> String {
    let path = format!("/search/answer?q={}", QUESTION.replace(' ', "%20"));
    let response = app.open(Req::get(&path).auth(who)).await;
    let mut body = response.into_body().into_data_stream();
    let mut seen = String::new();
    read_events(&mut body, &mut seen, |s| {
        s.contains("event: answer") || s.contains("event: fallback")
    })
    .await;
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_answer_is_written_only_from_what_the_employee_may_read() {
    let (app, received, _dir) = app().await;
    let member = Who::Session(app.login(Role::Member).await);
    let page = app
        .send(Req::get(&format!("/search?q={}", QUESTION.replace(' ', "+"))).auth(&member))
        .await;
    assert!(
        page.body
            .contains("data-generate=\"/search/answer?q=grille"),
        "the page offers the generated answer: {}",
        page.body
    );

    let seen = answer_events(&app, &member).await;
    assert!(seen.contains("event: draft"), "{seen}");
    let answer: serde_json::Value = seen
        .split("\n\n")
        .find(|e| e.contains("event: answer"))
        .and_then(|e| e.lines().find_map(|l| l.strip_prefix("data: ")))
        .map(|d| serde_json::from_str(d).expect("json"))
        .expect("an answer");
    assert_eq!(
        answer["text"],
        "La grille salariale des techniciens est confidentielle."
    );
    assert_eq!(answer["model"], "stand-in");
    let href = answer["sources"][0]["href"].as_str().expect("a link");
    assert!(href.starts_with("/documents/"), "{answer}");
    assert_eq!(received.lock().expect("lock").len(), 1);

    let agent = Who::Session(app.login(Role::Agent).await);
    let seen = answer_events(&app, &agent).await;
    assert!(seen.contains("\"reason\":\"no_passage\""), "{seen}");
    let sent = received.lock().expect("lock").join("\n");
    assert_eq!(
        received.lock().expect("lock").len(),
        1,
        "nothing was asked for the agent: {sent}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_model_the_page_offers_no_generated_answer() {
    let (mut app, _, _dir) = app().await;
    app.state = app.state.clone().with_llm(Llm::default());
    let member = Who::Session(app.login(Role::Member).await);
    let page = app
        .send(Req::get(&format!("/search?q={}", QUESTION.replace(' ', "+"))).auth(&member))
        .await;
    assert!(
        page.body.contains("data-testid=\"answer\""),
        "{}",
        page.body
    );
    assert!(!page.body.contains("data-generate"), "{}", page.body);
    let seen = answer_events(&app, &member).await;
    assert!(seen.contains("\"reason\":\"not_configured\""), "{seen}");
}
