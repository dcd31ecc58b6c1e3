//! The widget's endpoints: start a conversation, write, read, follow, ask for a person, rate.

use super::gate::{WidgetConversation, WidgetSite};
use super::view::WidgetMessage;
use crate::AppState;
use crate::api::json::ApiJson;
use crate::desk::{message_text, stream, turn};
use crate::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use levier_core::ids::MessageId;
use levier_store::support::{Conversation, ConversationStatus, MessageView, NewConversation};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Messages returned by one read.
const PAGE: i64 = 200;

/// Longest client key.
const CLIENT_KEY_MAX: usize = 100;

/// A conversation to start.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartBody {
    /// The visitor's language (`fr`, `en`); the site's default when absent.
    #[serde(default)]
    pub language: Option<String>,
}

/// A started conversation.
#[derive(Serialize, ToSchema)]
pub struct Started {
    /// The conversation's token, shown once: the widget keeps it and sends it in
    /// `X-Conversation-Token`.
    pub token: String,
    /// Its language.
    pub language: Option<String>,
    /// Who holds it (`bot` at first).
    pub status: String,
}

/// A customer message.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageBody {
    /// The text (plain text).
    pub text: String,
    /// A key of the widget's choosing: a retry with the same key does not write twice.
    #[serde(default)]
    pub client_key: Option<String>,
}

/// A message written, and what followed it.
#[derive(Serialize, ToSchema)]
pub struct Written {
    /// The customer's message.
    pub message: WidgetMessage,
    /// The messages after it (the assistant's reply).
    pub replies: Vec<WidgetMessage>,
    /// Who holds the conversation now (`bot`, `waiting`, `open`, `resolved`).
    pub status: String,
}

/// Where to read from.
#[derive(Deserialize, IntoParams)]
pub struct AfterQuery {
    /// Only messages after this id.
    pub after: Option<i64>,
}

/// A page of the conversation.
#[derive(Serialize, ToSchema)]
pub struct Page {
    /// Who holds the conversation.
    pub status: String,
    /// Visible messages, oldest first.
    pub messages: Vec<WidgetMessage>,
}

/// A rating of the resolution.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingBody {
    /// 1 (very unhappy) to 5 (very happy).
    pub rating: i64,
    /// What the customer adds.
    #[serde(default)]
    pub comment: Option<String>,
}

/// Whether one of the assistant's answers helped.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HelpfulBody {
    /// The assistant's message.
    #[schema(value_type = i64)]
    pub message_id: MessageId,
    /// True when it helped.
    pub helpful: bool,
}

/// Starts a conversation on the site.
#[utoipa::path(post, path = "/api/v1/widget/{site_key}/conversations", tag = "widget", security(()),
    params(("site_key" = String, Path, description = "the site's public key")), request_body = StartBody,
    responses((status = 201, body = Started), (status = 403, description = "unknown site or origin not allowed"), (status = 429, description = "too many requests")))]
pub async fn start(
    State(state): State<AppState>,
    WidgetSite(site): WidgetSite,
    ApiJson(body): ApiJson<StartBody>,
) -> ApiResult<(StatusCode, Json<Started>)> {
    let language = body.language.map(|l| l.trim().chars().take(10).collect());
    let started = state
        .store
        .start_conversation(&NewConversation {
            site_id: site.id,
            contact_id: None,
            language,
        })
        .await?;
    let c = started.conversation;
    let status = c.status.as_str().to_owned();
    Ok((
        StatusCode::CREATED,
        Json(Started {
            token: started.token,
            language: c.language,
            status,
        }),
    ))
}

/// The customer writes; the assistant's reply (or the handoff notice) comes back with it.
#[utoipa::path(post, path = "/api/v1/widget/{site_key}/messages", tag = "widget", security(()),
    params(("site_key" = String, Path, description = "the site's public key"), ("x-conversation-token" = String, Header, description = "the conversation's token")),
    request_body = MessageBody,
    responses((status = 201, body = Written), (status = 200, body = Written, description = "the same client key was already written"),
        (status = 400, description = "empty text"), (status = 404, description = "unknown token"), (status = 413, description = "text too long"), (status = 429, description = "too many messages")))]
pub async fn post_message(
    State(state): State<AppState>,
    WidgetConversation { site, conversation }: WidgetConversation,
    ApiJson(body): ApiJson<MessageBody>,
) -> ApiResult<(StatusCode, Json<Written>)> {
    let text = message_text("text", &body.text, state.desk.config.message_max_bytes)?;
    let client_key = body.client_key.map(|k| k.trim().to_owned());
    if client_key
        .as_deref()
        .is_some_and(|k| k.is_empty() || k.len() > CLIENT_KEY_MAX || turn::reserved_key(k))
    {
        return Err(ApiError::invalid_field(
            "client_key",
            format!(
                "client_key: between 1 and {CLIENT_KEY_MAX} characters, not starting with '{}'",
                turn::REPLY_KEY_PREFIX
            ),
        ));
    }
    if let Err(wait) = state.desk.per_conversation.check(&conversation.id) {
        return Err(ApiError::too_many(
            wait.as_secs() + 1,
            "too many messages in this conversation; wait a moment",
        ));
    }
    let appended = turn::customer_message(&state, &site, &conversation, text, client_key).await?;
    let replies = visible_after(&state, &conversation, Some(appended.message.id)).await?;
    let status = current_status(&state, &conversation).await?;
    let code = turn::status_of(&appended);
    let message = WidgetMessage::of(&appended.message)
        .ok_or_else(|| ApiError::internal(&"a customer message is never internal"))?;
    Ok((
        code,
        Json(Written {
            message,
            replies,
            status,
        }),
    ))
}

/// The conversation's visible messages after `after`.
#[utoipa::path(get, path = "/api/v1/widget/{site_key}/messages", tag = "widget", security(()),
    params(("site_key" = String, Path, description = "the site's public key"), ("x-conversation-token" = String, Header, description = "the conversation's token"), AfterQuery),
    responses((status = 200, body = Page), (status = 404, description = "unknown token")))]
pub async fn messages(
    State(state): State<AppState>,
    WidgetConversation { conversation, .. }: WidgetConversation,
    Query(q): Query<AfterQuery>,
) -> ApiResult<Json<Page>> {
    let messages = visible_after(&state, &conversation, q.after.map(MessageId)).await?;
    Ok(Json(Page {
        status: conversation.status.as_str().to_owned(),
        messages,
    }))
}

/// New messages as server-sent events (`message` events, id = message id); after a
/// reconnection, `Last-Event-ID` replays what was missed. Internal notes never appear.
#[utoipa::path(get, path = "/api/v1/widget/{site_key}/stream", tag = "widget", security(()),
    params(("site_key" = String, Path, description = "the site's public key"), ("token" = Option<String>, Query, description = "the conversation's token, for EventSource (or the X-Conversation-Token header)")),
    responses((status = 200, description = "text/event-stream of WidgetMessage"), (status = 404, description = "unknown token")))]
pub async fn events(
    State(state): State<AppState>,
    WidgetConversation { conversation, .. }: WidgetConversation,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let live = crate::desk::stream::subscribe(&state.desk, conversation.id)?;
    let after = stream::last_event_id(&headers);
    let missed =
        stream::catch_up(&state.store, conversation.id, after, MessageView::Customer).await?;
    Ok(stream::messages(missed, live, WidgetMessage::json))
}

/// The customer asks for a person: the conversation is handed off (reason `human_request`).
#[utoipa::path(post, path = "/api/v1/widget/{site_key}/handoff", tag = "widget", security(()),
    params(("site_key" = String, Path, description = "the site's public key"), ("x-conversation-token" = String, Header, description = "the conversation's token")),
    responses((status = 200, body = Page, description = "the notice written to the customer"), (status = 404, description = "unknown token")))]
pub async fn ask_person(
    State(state): State<AppState>,
    WidgetConversation { conversation, .. }: WidgetConversation,
) -> ApiResult<Json<Page>> {
    let before = state
        .store
        .messages_after(conversation.id, None, MessageView::Customer, i64::MAX)
        .await?
        .last()
        .map(|m| m.id);
    turn::person_asked(&state, &conversation).await?;
    let messages = visible_after(&state, &conversation, before).await?;
    let status = current_status(&state, &conversation).await?;
    Ok(Json(Page { status, messages }))
}

/// The customer stops the answer being written (the widget's stop button): the model's
/// answer is dropped and the assistant's extractive answer is stored in its place. Behind a
/// load balancer the answer may be written by another node: that node is asked (202).
#[utoipa::path(post, path = "/api/v1/widget/{site_key}/stop", tag = "widget", security(()),
    params(("site_key" = String, Path, description = "the site's public key"), ("x-conversation-token" = String, Header, description = "the conversation's token")),
    responses((status = 204, description = "stopped"), (status = 202, description = "the other nodes were asked to stop it"), (status = 404, description = "unknown token, or no answer is being written")))]
pub async fn stop(
    State(state): State<AppState>,
    WidgetConversation { conversation, .. }: WidgetConversation,
) -> ApiResult<StatusCode> {
    if state.llm.stop(conversation.id) {
        Ok(StatusCode::NO_CONTENT)
    } else if state.desk.hub.relay_stop(conversation.id) {
        Ok(StatusCode::ACCEPTED)
    } else {
        Err(ApiError::from_status(StatusCode::NOT_FOUND))
    }
}

/// The customer rates the resolution of their conversation, once per resolution.
#[utoipa::path(post, path = "/api/v1/widget/{site_key}/rating", tag = "widget", security(()),
    params(("site_key" = String, Path, description = "the site's public key"), ("x-conversation-token" = String, Header, description = "the conversation's token")),
    request_body = RatingBody,
    responses((status = 204, description = "recorded"), (status = 400, description = "rating not between 1 and 5, or not resolved"), (status = 409, description = "already rated")))]
pub async fn rate(
    State(state): State<AppState>,
    WidgetConversation { conversation, .. }: WidgetConversation,
    ApiJson(body): ApiJson<RatingBody>,
) -> ApiResult<StatusCode> {
    if !(1..=5).contains(&body.rating) {
        return Err(ApiError::invalid_field("rating", "rating: between 1 and 5"));
    }
    let Some(ticket) = state.store.ticket_for_conversation(conversation.id).await? else {
        return Err(ApiError::bad_request(
            "this conversation was not resolved by a person",
        ));
    };
    let comment = body
        .comment
        .map(|c| c.chars().take(2000).collect::<String>());
    state
        .store
        .rate_ticket(ticket.id, body.rating, comment.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The customer says whether one of the assistant's answers in their conversation helped
/// ("did this answer help?"); a change of mind replaces the earlier word.
#[utoipa::path(post, path = "/api/v1/widget/{site_key}/helpful", tag = "widget", security(()),
    params(("site_key" = String, Path, description = "the site's public key"), ("x-conversation-token" = String, Header, description = "the conversation's token")),
    request_body = HelpfulBody,
    responses((status = 204, description = "recorded"), (status = 400, description = "not an answer of the assistant"), (status = 404, description = "no such message in this conversation")))]
pub async fn helpful(
    State(state): State<AppState>,
    WidgetConversation { conversation, .. }: WidgetConversation,
    ApiJson(body): ApiJson<HelpfulBody>,
) -> ApiResult<StatusCode> {
    state
        .store
        .rate_bot_answer(conversation.id, body.message_id, body.helpful)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn visible_after(
    state: &AppState,
    conversation: &Conversation,
    after: Option<MessageId>,
) -> ApiResult<Vec<WidgetMessage>> {
    let messages = state
        .store
        .messages_after(conversation.id, after, MessageView::Customer, PAGE)
        .await?;
    Ok(messages.iter().filter_map(WidgetMessage::of).collect())
}

async fn current_status(state: &AppState, conversation: &Conversation) -> ApiResult<String> {
    let status = state
        .store
        .conversation(conversation.id)
        .await?
        .map_or(ConversationStatus::Bot, |c| c.status);
    Ok(status.as_str().to_owned())
}
