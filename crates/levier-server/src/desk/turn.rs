//! What happens when a customer writes: the message is stored, the assistant answers while it
//! holds the conversation, and what it cannot answer goes to a person with a ticket.

use super::hub::Update;
use super::{Desk, language, sla};
use crate::AppState;
use crate::error::ApiResult;
use axum::http::StatusCode;
use levier_assist::decide::{Action, Decision, HandoffReason, PassageCandidate};
use levier_assist::hours::Lang;
use levier_assist::respond::{BotTurn, Turn};
use levier_core::Timestamp;
use levier_core::ids::{ConversationId, MessageId};
use levier_store::support::{
    Appended, Author, AuthorKind, BotReply, Conversation, ConversationStatus, Handoff, Message,
    MessageView, NewMessage, PilotScope, Site, Ticket, TicketPriority,
};

/// The client keys of the assistant's replies (`reply-to:<message id>`): reserved, refused
/// from clients, so that nobody can take the key of a reply to come.
pub const REPLY_KEY_PREFIX: &str = "reply-to:";

/// Whether a client's key is one of the assistant's.
pub fn reserved_key(key: &str) -> bool {
    key.starts_with(REPLY_KEY_PREFIX)
}

/// Longest subject given to a ticket (the customer's first message, cut).
const SUBJECT_CHARS: usize = 100;

/// Messages read to find a conversation's first customer message.
const FIRST_PAGE: i64 = 50;

/// Appends a message, then announces it to the open streams.
pub async fn append(state: &AppState, new: &NewMessage) -> ApiResult<Appended> {
    let appended = state.store.append_message(new).await?;
    if appended.created {
        state
            .desk
            .hub
            .publish(Update::Message(appended.message.clone()));
    }
    Ok(appended)
}

/// Announces a conversation's status after a change that may have moved it.
pub async fn announce_status(state: &AppState, conversation: ConversationId) -> ApiResult<()> {
    if let Some(c) = state.store.conversation(conversation).await? {
        state.desk.hub.publish(Update::Status {
            conversation_id: c.id,
            status: c.status,
        });
    }
    Ok(())
}

/// 201 for a message this request wrote, 200 when its client key found an earlier one.
pub fn status_of(appended: &Appended) -> StatusCode {
    if appended.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}

/// A customer's message: stored (once per client key), then answered by the assistant if it
/// still holds the conversation (not after a handoff: a person answers then).
pub async fn customer_message(
    state: &AppState,
    site: &Site,
    conversation: &Conversation,
    text: String,
    client_key: Option<String>,
) -> ApiResult<Appended> {
    let new = NewMessage {
        conversation_id: conversation.id,
        author: Author::Customer,
        body: text,
        internal: false,
        client_key,
        metadata: serde_json::json!({}),
    };
    let appended = append(state, &new).await?;
    let Some(current) = state.store.conversation(conversation.id).await? else {
        return Ok(appended);
    };
    if current.status != conversation.status {
        announce_status(state, current.id).await?;
    }
    if appended.created && current.status == ConversationStatus::Bot {
        answer(state, site, &current, &appended.message).await?;
    }
    Ok(appended)
}

/// The assistant's turn on the customer's `message`, stored once whoever runs it (the request
/// that stored the message, or [`super::recover`] after a node stopped in between).
pub async fn answer(
    state: &AppState,
    site: &Site,
    conversation: &Conversation,
    message: &Message,
) -> ApiResult<()> {
    let bot = bot_turn(state, site, conversation, &message.body).await?;
    let written = crate::llm::widget::rewrite(state, conversation, &message.body, bot).await;
    reply(
        state,
        conversation,
        written.bot,
        written.metadata,
        Some(message.id),
    )
    .await
}

/// The customer pressed "talk to a person": a notice, then a ticket (a resolved one is
/// reopened). Nothing new when the conversation already waits for or is held by a person.
pub async fn person_asked(state: &AppState, conversation: &Conversation) -> ApiResult<()> {
    if matches!(
        conversation.status,
        ConversationStatus::Waiting | ConversationStatus::Open
    ) {
        return Ok(());
    }
    let lang = language(conversation);
    let why = "the customer pressed the button asking for a person";
    let bot = handoff_turn(&state.desk, HandoffReason::HumanRequest, why, lang);
    reply(state, conversation, bot, serde_json::Map::new(), None).await
}

/// The assistant's turn on a conversation's message, with the customer's earlier messages.
async fn bot_turn(
    state: &AppState,
    site: &Site,
    conversation: &Conversation,
    message: &str,
) -> ApiResult<BotTurn> {
    let earlier = earlier_messages(state, conversation, message).await?;
    let lang = language(conversation);
    let span = tracing::info_span!("turn", conversation = %conversation.id);
    let turn = assistant_turn(state, &site.pilot_scope, message, earlier, lang);
    Ok(tracing::Instrument::instrument(turn, span).await)
}

/// Asks the assistant off the async threads (it is CPU-bound) what to do with `message` under
/// `scope`; without an assistant, or when it fails, the message goes to a person: an honest
/// "a colleague will answer", never a guess. The widget and the playground and test sets
/// ([`super::trial`]) both go through here, so a trial decides exactly as a customer is answered.
pub async fn assistant_turn(
    state: &AppState,
    scope: &PilotScope,
    message: &str,
    earlier: Vec<String>,
    lang: Lang,
) -> BotTurn {
    let Some(assistant) = state.desk.assistant() else {
        let why = "assistant unavailable";
        return handoff_turn(&state.desk, HandoffReason::Unsure, why, lang);
    };
    // The search for a passage costs a retrieval and embeddings: done before the decision only
    // when a passage may answer, else only for a handoff (the agent sees it on the ticket).
    let before = assistant.answers_from_passages();
    let turn = OwnedTurn {
        message: message.to_owned(),
        earlier,
        language: lang,
        scope: scope.clone(),
        passage: match before {
            true => super::knowledge_base::public_passage(state, message).await,
            false => None,
        },
    };
    let answered = levier_core::cpu::run(move || turn.ask(&*assistant)).await;
    let failure = match answered {
        Ok(Ok(mut bot)) => {
            if !before && bot.decision.handoff_reason().is_some() {
                bot.decision.passage = super::knowledge_base::public_passage(state, message).await;
            }
            return bot;
        }
        Ok(Err(e)) => e.to_string(),
        Err(e) => format!("the assistant stopped: {e}"),
    };
    tracing::warn!(error = %failure, "handing off: the assistant failed");
    handoff_turn(&state.desk, HandoffReason::Unsure, &failure, lang)
}

/// A [`Turn`] that owns its parts, to be moved to a blocking thread.
struct OwnedTurn {
    message: String,
    earlier: Vec<String>,
    language: Lang,
    scope: PilotScope,
    passage: Option<PassageCandidate>,
}

impl OwnedTurn {
    fn ask(
        self,
        assistant: &dyn levier_assist::respond::Respond,
    ) -> Result<BotTurn, levier_assist::respond::RespondError> {
        let earlier: Vec<&str> = self.earlier.iter().map(String::as_str).collect();
        assistant.respond(&Turn {
            message: &self.message,
            earlier: &earlier,
            language: self.language,
            scope: &self.scope,
            at: jiff::Timestamp::now(),
            passage: self.passage,
        })
    }
}

/// The customer's messages before `current`, oldest first.
async fn earlier_messages(
    state: &AppState,
    conversation: &Conversation,
    current: &str,
) -> ApiResult<Vec<String>> {
    let messages =
        super::stream::catch_up(&state.store, conversation.id, None, MessageView::Customer).await?;
    let mut earlier: Vec<String> = messages
        .into_iter()
        .filter(|m| m.author_kind == AuthorKind::Customer)
        .map(|m| m.body)
        .collect();
    if earlier.last().is_some_and(|last| last == current) {
        earlier.pop();
    }
    Ok(earlier)
}

/// A handoff decided by the server itself, with the sentence saying when a person answers.
fn handoff_turn(desk: &Desk, reason: HandoffReason, why: &str, lang: Lang) -> BotTurn {
    let decision = Decision::handoff(reason, why);
    BotTurn::handoff(decision, &desk.hours, jiff::Timestamp::now(), lang)
}

/// Stores the bot's reply with its decision (and `extra`: what a generative model did), and
/// opens the ticket when it hands off. A reply to a customer's message carries a client key
/// naming it, so that it is stored once: a second turn on the same message (a recovery racing
/// the request) finds it taken and stops.
async fn reply(
    state: &AppState,
    conversation: &Conversation,
    bot: BotTurn,
    extra: serde_json::Map<String, serde_json::Value>,
    answering: Option<MessageId>,
) -> ApiResult<()> {
    let mut metadata = serde_json::to_value(&bot).unwrap_or_default();
    if let Some(map) = metadata.as_object_mut() {
        map.extend(extra);
    }
    let new = NewMessage {
        conversation_id: conversation.id,
        author: Author::Bot(bot_reply(&bot.decision)),
        body: bot.reply.clone(),
        internal: false,
        client_key: answering.map(|m| format!("{REPLY_KEY_PREFIX}{}", m.0)),
        metadata,
    };
    match append(state, &new).await {
        Ok(appended) if appended.created => {}
        // Already answered: with these words, or with others (the key is taken).
        Ok(_) => return Ok(()),
        Err(e) if answering.is_some() && e.status == StatusCode::CONFLICT => return Ok(()),
        Err(e) => return Err(e),
    }
    if let Some(reason) = bot.decision.handoff_reason() {
        hand_off(state, conversation, reason, &bot.decision).await?;
        announce_status(state, conversation.id).await?;
    }
    Ok(())
}

/// What kind of reply the store records (answers and clarifications are counted).
fn bot_reply(decision: &Decision) -> BotReply {
    match &decision.action {
        Action::AnswerFaq { entry } => BotReply::Answer {
            confidence: f64::from(decision.confidence),
            source: Some(format!("faq:{}", entry.entry_id)),
        },
        Action::AnswerPassage { passage } => BotReply::Answer {
            confidence: f64::from(passage.confidence),
            source: Some(passage.link.clone()),
        },
        Action::Clarify { options } => BotReply::Clarification {
            confidence: f64::from(options[0].probability),
        },
        Action::Handoff { .. } => BotReply::Notice,
    }
}

/// Opens (or reopens) the conversation's ticket, with the assistant's candidates as suggested
/// answers and the service levels counted in working hours from now.
async fn hand_off(
    state: &AppState,
    conversation: &Conversation,
    reason: HandoffReason,
    decision: &Decision,
) -> ApiResult<Ticket> {
    let desk = &state.desk;
    let now = Timestamp::now();
    let due = |h| sla::working_hours_after(&desk.hours, now, h);
    let handoff = Handoff {
        conversation_id: conversation.id,
        reason: reason.code().to_owned(),
        priority: priority(reason),
        category: decision
            .candidates
            .first()
            .map(|c| c.category.clone())
            .unwrap_or_default(),
        subject: subject(state, conversation).await?,
        suggested_answers: serde_json::to_value(&decision.candidates).unwrap_or_default(),
        first_response_due_at: due(desk.config.first_response_working_hours),
        resolution_due_at: due(desk.config.resolution_working_hours),
    };
    Ok(state.store.hand_off(&handoff, None).await?)
}

/// An unhappy customer or a sensitive topic comes before ordinary questions.
fn priority(reason: HandoffReason) -> TicketPriority {
    match reason {
        HandoffReason::Unhappy | HandoffReason::SensitiveTopic => TicketPriority::High,
        _ => TicketPriority::Normal,
    }
}

/// The ticket's subject: the customer's first message, cut at a word.
async fn subject(state: &AppState, conversation: &Conversation) -> ApiResult<String> {
    if !conversation.subject.is_empty() {
        return Ok(conversation.subject.clone());
    }
    let first = state
        .store
        .messages_after(conversation.id, None, MessageView::Customer, FIRST_PAGE)
        .await?
        .into_iter()
        .find(|m| m.author_kind == AuthorKind::Customer)
        .map(|m| m.body)
        .unwrap_or_default();
    let line = first.lines().next().unwrap_or_default();
    if line.chars().count() <= SUBJECT_CHARS {
        return Ok(line.to_owned());
    }
    let cut: String = line.chars().take(SUBJECT_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    Ok(format!("{cut}…"))
}
