//! The assistant's answer to a customer, written by a generative model from the passage the
//! assistant chose (an FAQ entry or a passage of a public document). The decision stays the
//! assistant's: the model only rewords an answer levier would have given, and what it writes
//! is shown only if it passes the checks; otherwise the extractive answer is stored, with the
//! reason recorded. The customer watches the answer being written (`draft` events on the
//! conversation's stream) and can stop it.

use super::{answer_settings, interruption, record_call, record_fallback};
use crate::AppState;
use crate::desk::hub::Update;
use levier_assist::decide::Action;
use levier_assist::hours::Lang;
use levier_assist::llm::UseCase;
use levier_assist::llm::grounded::{
    Generated, GroundedRequest, SourcePassage, prepare, stream_answer, strip_citations,
};
use levier_assist::respond::BotTurn;
use levier_store::support::Conversation;
use std::time::{Duration, Instant};

/// Shortest time between two drafts sent to the customer: enough to look live, few enough
/// that a slow reader's stream never lags behind the hub.
const DRAFT_EVERY: Duration = Duration::from_millis(100);

/// What generation made of a turn: the turn to store, and what its message records of the
/// model (`generated`: the model and citations; or `llm_fallback`: the model and the reason).
pub struct Rewritten {
    /// The turn, its reply rewritten when the generated answer passed.
    pub bot: BotTurn,
    /// Keys to add to the stored message's metadata.
    pub metadata: serde_json::Map<String, serde_json::Value>,
}

/// `bot` with its reply written by the assistant's model when one is configured and the turn
/// answers from a passage; `bot` as it is otherwise, or when the generated answer fails.
pub async fn rewrite(
    state: &AppState,
    conversation: &Conversation,
    question: &str,
    bot: BotTurn,
) -> Rewritten {
    let unchanged = |bot| Rewritten {
        bot,
        metadata: serde_json::Map::new(),
    };
    let Some(client) = state.llm.client(UseCase::Assistant) else {
        return unchanged(bot);
    };
    let Some(Answered {
        title,
        text,
        relevance,
        margin,
    }) = answered_passage(&bot)
    else {
        return unchanged(bot);
    };
    let language = match crate::desk::language(conversation) {
        Lang::En => "en",
        Lang::Fr => "fr",
    };
    let settings = answer_settings(&state.company, language);
    let passages = [SourcePassage {
        title: &title,
        text: &text,
    }];
    let conversation_key = conversation.id.0.to_string();
    let request = GroundedRequest {
        conversation: Some(&conversation_key),
        relevance,
        margin,
        ..GroundedRequest::new(question, &passages, &settings)
    };
    let prepared = prepare(client.config(), &request);
    let model = client.config().model.clone();
    let place = serde_json::json!({ "conversation_id": conversation.id.0 });
    if let Some(weak) = request.weak_source() {
        let (store, reason) = (&state.store, weak.reason());
        record_fallback(store, UseCase::Assistant, &model, reason, &prepared, place).await;
        return fell_back(bot, &model, reason);
    }
    let writing = state.llm.writing(conversation.id);
    let mut drafts = Drafts::new(state, conversation);
    let interrupt = interruption(
        Some(writing.stop.clone()),
        super::answer_deadline(state.settings.request_timeout),
    );
    let result = stream_answer(
        &client,
        &prepared,
        &request,
        |text| drafts.send(text),
        interrupt,
    )
    .await;
    drop(writing);
    drafts.end();
    let generated = match result {
        Ok(generated) => generated,
        Err(e) => {
            tracing::warn!(error = %e, "the extractive answer replaces the generated one");
            let (store, reason) = (&state.store, e.reason());
            record_fallback(store, UseCase::Assistant, &model, reason, &prepared, place).await;
            return fell_back(bot, &model, reason);
        }
    };
    record_call(
        &state.store,
        UseCase::Assistant,
        &generated.usage,
        &prepared,
        place.clone(),
    )
    .await;
    let mut bot = bot;
    match shown(&mut bot, &model, generated) {
        Ok(metadata) => Rewritten { bot, metadata },
        Err(reason) => {
            let store = &state.store;
            record_fallback(store, UseCase::Assistant, &model, reason, &prepared, place).await;
            fell_back(bot, &model, reason)
        }
    }
}

/// The passage a turn answers with.
struct Answered {
    /// Its FAQ entry's question or its document's title.
    title: String,
    /// The entry's answer or the passage's text.
    text: String,
    /// For a document passage, retrieval's confidence in it ([`GroundedRequest::relevance`]).
    /// An FAQ entry has none: the assistant answers with one only at a calibrated probability
    /// of being right (its policy's `answer_at`), which is the evidence its source is the
    /// question's.
    relevance: Option<f32>,
    /// For a document passage, its margin over another document ([`GroundedRequest::margin`]).
    margin: Option<f32>,
}

/// The passage the turn answers with, if it answers with one.
fn answered_passage(bot: &BotTurn) -> Option<Answered> {
    match &bot.decision.action {
        Action::AnswerFaq { entry } => Some(Answered {
            title: entry.question.clone(),
            text: entry.answer.clone(),
            relevance: None,
            margin: None,
        }),
        Action::AnswerPassage { passage } => Some(Answered {
            title: passage.title.clone(),
            text: passage.text.clone(),
            relevance: Some(passage.confidence),
            margin: passage.margin,
        }),
        _ => None,
    }
}

/// Puts the generated reply in `bot` when it passed the checks, returning what the stored
/// message records of it; else leaves `bot` alone and says why.
fn shown(
    bot: &mut BotTurn,
    model: &str,
    generated: Generated,
) -> Result<serde_json::Map<String, serde_json::Value>, &'static str> {
    let answer = generated.outcome.map_err(|fallback| fallback.reason())?;
    bot.reply = strip_citations(&answer.text);
    let mut metadata = serde_json::Map::new();
    metadata.insert(
        "generated".into(),
        serde_json::json!({
            "model": model,
            "citations": answer.citations,
            "raw": generated.raw,
            "completion_tokens": generated.usage.completion_tokens,
        }),
    );
    Ok(metadata)
}

/// The extractive turn, recording which model's answer it replaced and why.
fn fell_back(bot: BotTurn, model: &str, reason: &str) -> Rewritten {
    let mut metadata = serde_json::Map::new();
    metadata.insert(
        "llm_fallback".into(),
        serde_json::json!({ "model": model, "reason": reason }),
    );
    Rewritten { bot, metadata }
}

/// The drafts of one answer, sent to the conversation's streams at most every
/// [`DRAFT_EVERY`].
struct Drafts<'a> {
    state: &'a AppState,
    conversation: levier_core::ids::ConversationId,
    last: Option<Instant>,
}

impl<'a> Drafts<'a> {
    fn new(state: &'a AppState, conversation: &Conversation) -> Self {
        Drafts {
            state,
            conversation: conversation.id,
            last: None,
        }
    }

    fn send(&mut self, text: &str) {
        if self.last.is_some_and(|at| at.elapsed() < DRAFT_EVERY) {
            return;
        }
        self.last = Some(Instant::now());
        self.publish(strip_citations(text));
    }

    /// The draft is over: the stored reply follows.
    fn end(&self) {
        self.publish(String::new());
    }

    fn publish(&self, text: String) {
        self.state.desk.hub.publish_to_conversation(Update::Draft {
            conversation_id: self.conversation,
            text,
        });
    }
}
