//! The internal search page's generated answer: `GET /search/answer?q=…` streams, as
//! server-sent events, an answer written by the internal Q&A model from the passage that
//! answers the question among the documents the employee may read (the same retrieval as the
//! page's extractive answer, filtered by their access groups), then the checked answer with
//! its sources, or the reason it is not shown (the page keeps the extractive answer). The
//! model is not asked when that passage's relevance to the question (its cosine, when found
//! by meaning) is below the company's `min_relevance`, or when another document's passage is
//! almost as close (`min_margin`): too often another topic's passage, which the model would
//! rewrite faithfully and cite.
//!
//! Events: `draft` (`text`: the answer so far, unchecked), then one of `answer` (`text`,
//! `sources`: `title` and `href` of each cited document) or `fallback` (`reason`). Closing the
//! stream (the page's stop button) stops the model: the generation notices and ends.

use super::{answer_settings, interruption, record_call, record_fallback};
use crate::AppState;
use crate::auth::Caller;
use crate::knowledge;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use levier_assist::llm::UseCase;
use levier_assist::llm::grounded::{
    GroundedRequest, SourcePassage, prepare, stream_answer, strip_citations,
};
use levier_assist::llm::{LlmClient, LlmError};
use levier_assist::{Answer, AnswerMethod};
use std::convert::Infallible;
use tokio::sync::mpsc;

/// Events buffered between the generation and a slow reader; drafts beyond are skipped.
const BUFFER: usize = 32;

/// The question.
#[derive(serde::Deserialize)]
pub struct AnswerQuery {
    /// The employee's question, as typed in the search box.
    #[serde(default)]
    pub q: String,
}

/// Whether the search page offers a generated answer (the internal Q&A model is configured).
pub fn offered(state: &AppState) -> bool {
    state.llm.client(UseCase::InternalQa).is_some()
}

/// `GET /search/answer?q=…`: the generated answer's event stream. Without a model, an index
/// or a passage the employee may read, the stream says `fallback` at once.
pub async fn answer(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<AnswerQuery>,
) -> impl IntoResponse {
    let (tx, rx) = mpsc::channel(BUFFER);
    tokio::spawn(async move {
        let outcome = write(&state, &caller, query.q.trim(), &tx).await;
        let _ = tx.send(outcome).await;
    });
    let events = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|e| (Ok::<Event, Infallible>(e), rx))
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}

/// Writes the answer, sending its drafts on `tx`; returns the last event.
async fn write(state: &AppState, caller: &Caller, q: &str, tx: &mpsc::Sender<Event>) -> Event {
    let Some(client) = state.llm.client(UseCase::InternalQa) else {
        return fallback("not_configured");
    };
    let Some(passage) = readable_passage(state, caller, q).await else {
        return fallback("no_passage");
    };
    match generate(state, &client, q, &passage, tx).await {
        Ok(event) => event,
        Err(reason) => fallback(reason),
    }
}

/// The passage that answers `q` among the documents `caller` may read.
async fn readable_passage(state: &AppState, caller: &Caller, q: &str) -> Option<Answer> {
    let index = state.index.as_ref()?;
    let groups = knowledge::reader_groups(caller);
    match levier_assist::ask(index, &state.store, q, groups).await {
        Ok(asked) => asked.answer,
        Err(e) => {
            tracing::warn!(error = %e, "no passage for the generated answer");
            None
        }
    }
}

/// Streams the model's answer to `q` from `passage`; the checked answer's event, or the
/// reason it is not shown (recorded).
async fn generate(
    state: &AppState,
    client: &LlmClient,
    q: &str,
    passage: &Answer,
    tx: &mpsc::Sender<Event>,
) -> Result<Event, &'static str> {
    let title = passage.source();
    let language = levier_extract::detect_language(q).unwrap_or_else(|| "fr".into());
    let settings = answer_settings(&state.company, &language);
    let passages = [SourcePassage {
        title: &title,
        text: &passage.text,
    }];
    let request = GroundedRequest {
        relevance: (passage.method == AnswerMethod::Semantic).then_some(passage.confidence),
        margin: passage.margin,
        ..GroundedRequest::new(q, &passages, &settings)
    };
    let prepared = prepare(client.config(), &request);
    let (model, store) = (client.config().model.as_str(), &state.store);
    let place = serde_json::json!({ "page": "search" });
    let use_case = UseCase::InternalQa;
    if let Some(weak) = request.weak_source() {
        record_fallback(store, use_case, model, weak.reason(), &prepared, place).await;
        return Err(weak.reason());
    }
    let closed = async {
        tx.closed().await;
        LlmError::Interrupted("stopped")
    };
    let interrupt = async {
        tokio::select! {
            e = closed => e,
            e = interruption(None, super::answer_deadline(state.settings.request_timeout)) => e,
        }
    };
    let draft = |text: &str| {
        let data = serde_json::json!({ "text": strip_citations(text) });
        // A full buffer skips a draft: the next one carries the whole text.
        let _ = tx.try_send(Event::default().event("draft").data(data.to_string()));
    };
    let result = stream_answer(client, &prepared, &request, draft, interrupt).await;
    let generated = match result {
        Ok(generated) => generated,
        Err(e) => {
            record_fallback(store, use_case, model, e.reason(), &prepared, place).await;
            return Err(e.reason());
        }
    };
    record_call(store, use_case, &generated.usage, &prepared, place.clone()).await;
    match generated.outcome {
        Ok(answer) => Ok(answered(&strip_citations(&answer.text), model, passage, q)),
        Err(why) => {
            record_fallback(store, use_case, model, why.reason(), &prepared, place).await;
            Err(why.reason())
        }
    }
}

/// The checked answer with its source, linked to the document at the cited passage.
fn answered(text: &str, model: &str, passage: &Answer, q: &str) -> Event {
    let href = format!(
        "/documents/{}?q={}#c{}",
        passage.document_id.0,
        crate::format::url_encode(q),
        passage.chunk_id.0
    );
    let data = serde_json::json!({
        "text": text,
        "model": model,
        "sources": [{ "title": passage.source(), "href": href }],
    });
    Event::default().event("answer").data(data.to_string())
}

fn fallback(reason: &str) -> Event {
    let data = serde_json::json!({ "reason": reason });
    Event::default().event("fallback").data(data.to_string())
}
