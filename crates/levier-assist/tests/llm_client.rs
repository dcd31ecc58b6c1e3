//! The provider client against real HTTP listeners: a small axum server on loopback that
//! fails the way providers do (503, 429 with Retry-After, a bad request, malformed JSON, a
//! stream cut halfway), and the real llama.cpp server for whole and streamed answers.

mod llm_server;

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use futures_util::StreamExt;
use levier_assist::llm::{
    ApiKeySource, ChatMessage, LlmClient, LlmError, ProviderConfig, Role, StreamEvent, TokenBudget,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const ANSWER: &str = r#"{"choices":[{"message":{"role":"assistant","content":"Bonjour"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":3}}"#;

/// What the stub saw.
#[derive(Default)]
struct Seen {
    requests: AtomicUsize,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    authorization: std::sync::Mutex<Option<String>>,
}

/// Starts a stub provider whose `n`-th request (from 0) is answered by `respond(n)`.
async fn stub(respond: fn(usize) -> Response) -> (String, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    let state = seen.clone();
    let app = Router::new().route(
        "/v1/chat/completions",
        post(move |headers: HeaderMap| {
            let seen = state.clone();
            async move {
                let n = seen.requests.fetch_add(1, Ordering::SeqCst);
                let now = seen.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                seen.most_in_flight.fetch_max(now, Ordering::SeqCst);
                *seen.authorization.lock().expect("lock") = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                // Long enough that concurrent calls would overlap if the limit let them.
                tokio::time::sleep(Duration::from_millis(30)).await;
                seen.in_flight.fetch_sub(1, Ordering::SeqCst);
                respond(n)
            }
        }),
    );
    (llm_server::serve_on_loopback(app).await, seen)
}

fn ok_json(body: &'static str) -> Response {
    ([("content-type", "application/json")], body).into_response()
}

fn config(base_url: &str) -> ProviderConfig {
    let mut config = ProviderConfig::new(base_url, "stub");
    config.retry.base_delay_ms = 1;
    config
}

fn question() -> Vec<ChatMessage> {
    vec![ChatMessage::new(Role::User, "Quels sont vos horaires ?")]
}

#[tokio::test]
async fn a_503_is_retried_until_the_provider_answers() {
    let (url, seen) = stub(|n| match n {
        0 => (StatusCode::SERVICE_UNAVAILABLE, "loading model").into_response(),
        1 => (
            StatusCode::SERVICE_UNAVAILABLE,
            [("retry-after", "0")],
            "busy",
        )
            .into_response(),
        _ => ok_json(ANSWER),
    })
    .await;
    let client = LlmClient::new(config(&url)).expect("client");
    let answer = client
        .complete(&question(), None)
        .await
        .expect("answer after retries");
    assert_eq!(answer.text, "Bonjour");
    assert_eq!(
        (answer.usage.prompt_tokens, answer.usage.completion_tokens),
        (12, 3)
    );
    assert_eq!(seen.requests.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_retry_after_beyond_the_longest_wait_ends_the_retries() {
    let (url, seen) = stub(|_| {
        (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "3600")],
            "slow down",
        )
            .into_response()
    })
    .await;
    let client = LlmClient::new(config(&url)).expect("client");
    let err = client
        .complete(&question(), None)
        .await
        .expect_err("rate limited");
    assert!(
        matches!(err, LlmError::Refused { status: 429, .. }),
        "{err}"
    );
    assert_eq!(seen.requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_bad_request_is_not_retried_and_says_why() {
    let (url, seen) =
        stub(|_| (StatusCode::BAD_REQUEST, "unknown model 'stub'").into_response()).await;
    let client = LlmClient::new(config(&url)).expect("client");
    let err = client
        .complete(&question(), None)
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("unknown model"), "{err}");
    assert_eq!(seen.requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_server_that_is_down_is_retried_then_reported() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let client = LlmClient::new(config(&format!("http://127.0.0.1:{port}/v1"))).expect("client");
    let err = client
        .complete(&question(), None)
        .await
        .expect_err("nobody listens");
    assert!(matches!(err, LlmError::Unreachable { .. }), "{err}");
}

#[tokio::test]
async fn malformed_json_is_an_error_not_an_answer() {
    let (url, _) = stub(|_| ok_json(r#"{"choices": "nope"}"#)).await;
    let client = LlmClient::new(config(&url)).expect("client");
    let err = client
        .complete(&question(), None)
        .await
        .expect_err("malformed");
    assert!(matches!(err, LlmError::Malformed(_)), "{err}");
}

#[tokio::test]
async fn a_stream_cut_halfway_ends_with_an_error_after_its_pieces() {
    let (url, _) = stub(|_| {
        let body = "data: {\"choices\":[{\"delta\":{\"content\":\"Nos horaires\"}}]}\n\n\
                    data: {\"choices\":[{\"delta\":{\"content\":\" sont\"}}]}\n\n";
        ([("content-type", "text/event-stream")], body).into_response()
    })
    .await;
    let client = LlmClient::new(config(&url)).expect("client");
    let events: Vec<_> = client
        .stream(&question(), None)
        .await
        .expect("stream")
        .collect()
        .await;
    assert_eq!(events.len(), 3, "{events:?}");
    assert!(matches!(&events[0], Ok(StreamEvent::Delta(t)) if t == "Nos horaires"));
    assert!(matches!(events[2], Err(LlmError::StreamCut)), "{events:?}");
}

#[tokio::test]
async fn the_key_from_a_file_is_sent_as_a_bearer_token() {
    let (url, seen) = stub(|_| ok_json(ANSWER)).await;
    let path = std::env::temp_dir().join(format!("levier-llm-key-{}", std::process::id()));
    std::fs::write(&path, "sk-test-123\n").expect("key file");
    let mut config = config(&url);
    config.api_key = Some(ApiKeySource::File(path.clone()));
    let client = LlmClient::new(config).expect("client");
    std::fs::remove_file(&path).ok();
    client.complete(&question(), None).await.expect("answer");
    let sent = seen.authorization.lock().expect("lock").clone();
    assert_eq!(sent.as_deref(), Some("Bearer sk-test-123"));
    assert!(!format!("{client:?}").contains("sk-test-123"));
}

#[tokio::test]
async fn a_conversation_over_budget_is_refused_before_any_request() {
    let (url, seen) = stub(|_| ok_json(ANSWER)).await;
    let mut config = config(&url);
    // Each call is estimated at 59 tokens (prompt by length + max_tokens) and uses 15.
    config.max_tokens = 50;
    config.budget = TokenBudget {
        per_day: None,
        per_conversation: Some(70),
    };
    let client = LlmClient::new(config).expect("client");
    client
        .complete(&question(), Some("conv-1"))
        .await
        .expect("first call within budget");
    let err = client
        .complete(&question(), Some("conv-1"))
        .await
        .expect_err("over budget");
    assert!(
        matches!(
            err,
            LlmError::BudgetExceeded {
                scope: "conversation",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(seen.requests.load(Ordering::SeqCst), 1);
    client
        .complete(&question(), Some("conv-2"))
        .await
        .expect("another conversation");
}

#[tokio::test]
async fn calls_beyond_the_concurrency_limit_wait_their_turn() {
    let (url, seen) = stub(|_| ok_json(ANSWER)).await;
    let mut config = config(&url);
    config.max_concurrent = 1;
    let client = LlmClient::new(config).expect("client");
    let messages = question();
    let calls = (0..4).map(|_| client.complete(&messages, None));
    for result in futures_util::future::join_all(calls).await {
        result.expect("answer");
    }
    assert_eq!(seen.requests.load(Ordering::SeqCst), 4);
    assert_eq!(seen.most_in_flight.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_real_local_server_answers_whole_and_streamed() {
    let Some(server) = llm_server::LlamaServer::start().await else {
        return;
    };
    let client = LlmClient::new(server.config()).expect("client");
    let messages = vec![
        ChatMessage::new(Role::System, "Tu réponds en français, en une phrase."),
        ChatMessage::new(Role::User, "Quelle est la capitale de la France ?"),
    ];
    let whole = client.complete(&messages, Some("c")).await.expect("answer");
    assert!(!whole.text.trim().is_empty());
    assert!(
        whole.usage.prompt_tokens > 10 && whole.usage.completion_tokens > 0,
        "{:?}",
        whole.usage
    );
    assert!(whole.usage.local && whole.usage.cost.is_none());
    report("whole", &whole.usage);

    let mut stream = client.stream(&messages, Some("c")).await.expect("stream");
    let (mut text, mut pieces, mut usage) = (String::new(), 0, None);
    while let Some(event) = stream.next().await {
        match event.expect("no error mid-stream") {
            StreamEvent::Delta(piece) => {
                text.push_str(&piece);
                pieces += 1;
            }
            StreamEvent::Done(u) => usage = Some(u),
        }
    }
    let usage = usage.expect("the stream ends with its usage");
    assert!(pieces > 1, "streamed in pieces: {pieces}");
    assert!(!text.trim().is_empty());
    assert!(usage.completion_tokens > 0);
    report("streamed", &usage);
}

/// Prints what a call measured, for the closing note (tests never assert on time).
fn report(what: &str, usage: &levier_assist::llm::Usage) {
    let per_second = usage.completion_tokens as f64 * 1000.0 / usage.latency_ms.max(1) as f64;
    eprintln!(
        "MEASURED {what}: {} prompt + {} completion tokens in {} ms ({per_second:.1} completion tokens/s overall)",
        usage.prompt_tokens, usage.completion_tokens, usage.latency_ms
    );
}
