//! `/api/v1/tickets`, `/api/v1/messages` and `/api/v1/inbox`: the agents' side of customer
//! conversations (support roles).

use super::json::ApiJson;
use crate::AppState;
use crate::access::SUPPORT;
use crate::auth::Caller;
use crate::desk::{agent, stream, turn};
use crate::error::{ApiError, ApiResult};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::{Extension, Json};
use levier_core::ids::{MessageId, TicketId, UserId};
use levier_store::directory::User;
use levier_store::support::Verdict;
use levier_store::support::{
    Appended, AssigneeFilter, Conversation, InboxItem, InboxQuery, Message, MessageView, Ticket,
    TicketStatus,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Inbox filters.
#[derive(Deserialize, IntoParams)]
pub struct InboxParams {
    /// Statuses, comma-separated (`open,pending`); all when absent.
    pub status: Option<String>,
    /// `me`, `unassigned`, or a user id; everyone's when absent.
    pub assignee: Option<String>,
    /// Handoff reason (`human_request`, `unsure`…).
    pub reason: Option<String>,
    /// Text in the subject or the last message.
    pub q: Option<String>,
    /// At most this many.
    pub limit: Option<i64>,
}

/// A ticket with its whole conversation, internal notes and the assistant's decisions
/// (each bot message's `metadata.decision`: action, reason, candidates with probabilities).
#[derive(Serialize)]
pub struct TicketDetail {
    /// The ticket.
    pub ticket: Ticket,
    /// Its conversation.
    pub conversation: Conversation,
    /// Every message, notes included, oldest first.
    pub messages: Vec<Message>,
}

/// Who takes a ticket.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    /// The agent's user id; `null` to unassign.
    pub user_id: Option<i64>,
}

/// An agent's message or note.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentText {
    /// The text (plain text).
    pub text: String,
    /// A key of the client's choosing against double submission.
    #[serde(default)]
    pub client_key: Option<String>,
    /// For a reply: the milliseconds the agent spent on it, as the client measured it (from
    /// opening the ticket to sending); counted in the handling-time KPI, at most one hour.
    #[serde(default)]
    pub handling_ms: Option<i64>,
}

/// An agent's verdict on an assistant's answer.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerdictBody {
    /// `right` or `wrong`.
    pub verdict: String,
}

/// The inbox: tickets matching the filters, the most urgent service level first.
#[utoipa::path(get, path = "/api/v1/tickets", tag = "inbox", params(InboxParams),
    responses((status = 200, description = "inbox items: ticket, subject, last message, due_at"), (status = 400, description = "invalid filter")))]
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(p): Query<InboxParams>,
) -> ApiResult<Json<Vec<InboxItem>>> {
    let statuses = p
        .status
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            TicketStatus::parse(s).map_err(|_| {
                ApiError::invalid_field("status", format!("status: unknown status '{s}'"))
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let query = InboxQuery {
        statuses,
        assignee: assignee(p.assignee.as_deref(), caller.user.id)?,
        reason: p.reason.filter(|r| !r.trim().is_empty()),
        text: p.q,
        limit: Some(p.limit.unwrap_or(200).clamp(1, 1000)),
        offset: None,
    };
    Ok(Json(state.store.inbox(&query).await?))
}

fn assignee(value: Option<&str>, me: UserId) -> ApiResult<AssigneeFilter> {
    Ok(match value.map(str::trim) {
        None | Some("") => AssigneeFilter::Anyone,
        Some("me") => AssigneeFilter::User(me),
        Some("unassigned") => AssigneeFilter::Unassigned,
        Some(id) => AssigneeFilter::User(UserId(id.parse().map_err(|_| {
            ApiError::invalid_field("assignee", "assignee: me, unassigned or a user id")
        })?)),
    })
}

/// A ticket with its whole conversation.
#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "inbox", params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, description = "ticket, conversation and every message with its metadata"), (status = 404, description = "no such ticket")))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Json<TicketDetail>> {
    let (ticket, conversation) = agent::ticket_and_conversation(&state, TicketId(id)).await?;
    let messages =
        stream::catch_up(&state.store, conversation.id, None, MessageView::Agent).await?;
    Ok(Json(TicketDetail {
        ticket,
        conversation,
        messages,
    }))
}

/// Gives the ticket to an agent, or to nobody.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/assign", tag = "inbox", params(("id" = i64, Path, description = "ticket id")),
    request_body = AssignBody, responses((status = 204, description = "assigned"), (status = 400, description = "the user may not work the inbox"), (status = 404, description = "no such ticket or user")))]
pub async fn assign(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AssignBody>,
) -> ApiResult<StatusCode> {
    assign_ticket(&state, TicketId(id), body.user_id.map(UserId)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Gives ticket `id` to `user`, or to nobody. Shared by this API and the ticket page so both
/// refuse the same: an unknown user (404), or one who may not work the inbox (400: the ticket
/// would sit with someone who cannot open it).
pub async fn assign_ticket(state: &AppState, id: TicketId, user: Option<UserId>) -> ApiResult<()> {
    if let Some(user) = user {
        let found = state.store.user_by_id(user).await?;
        let found = found.ok_or_else(|| ApiError::not_found(format!("user {user}")))?;
        if !works_the_inbox(&found) {
            return Err(ApiError::invalid_field(
                "user_id",
                format!("user_id: user {user} may not work the inbox"),
            ));
        }
    }
    state.store.assign_ticket(id, user).await?;
    Ok(())
}

/// Whether tickets may be given to `user`: an active account whose role opens the inbox (the
/// same rule as the inbox's routes).
pub fn works_the_inbox(user: &User) -> bool {
    !user.disabled && SUPPORT.allows(Some(user.role), false)
}

/// Answers the customer (they see it at once on the widget's stream).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/reply", tag = "inbox", params(("id" = i64, Path, description = "ticket id")),
    request_body = AgentText, responses((status = 201, description = "the message"), (status = 400, description = "empty text"), (status = 404, description = "no such ticket")))]
pub async fn reply(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AgentText>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    let appended = agent::write(
        &state,
        &caller,
        TicketId(id),
        &body.text,
        body.client_key,
        false,
    )
    .await?;
    // Once per reply: a repeated request (same client key) stored nothing new.
    if let (Some(ms), true) = (body.handling_ms, appended.created) {
        agent::record_handling(&state, &caller, TicketId(id), ms).await;
    }
    written(appended)
}

/// Writes an internal note (never shown to the customer).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/notes", tag = "inbox", params(("id" = i64, Path, description = "ticket id")),
    request_body = AgentText, responses((status = 201, description = "the note"), (status = 400, description = "empty text"), (status = 404, description = "no such ticket")))]
pub async fn note(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AgentText>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    written(
        agent::write(
            &state,
            &caller,
            TicketId(id),
            &body.text,
            body.client_key,
            true,
        )
        .await?,
    )
}

fn written(appended: Appended) -> ApiResult<(StatusCode, Json<Message>)> {
    Ok((turn::status_of(&appended), Json(appended.message)))
}

/// Marks the ticket resolved (the customer may then rate it).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/resolve", tag = "inbox", params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, description = "the ticket"), (status = 404, description = "no such ticket")))]
pub async fn resolve(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> ApiResult<Json<Ticket>> {
    let ticket = agent::move_ticket(&state, &caller, TicketId(id), TicketStatus::Resolved).await?;
    Ok(Json(ticket))
}

/// Reopens a resolved ticket.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/reopen", tag = "inbox", params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, description = "the ticket"), (status = 404, description = "no such ticket")))]
pub async fn reopen(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> ApiResult<Json<Ticket>> {
    let ticket = agent::move_ticket(&state, &caller, TicketId(id), TicketStatus::Open).await?;
    Ok(Json(ticket))
}

/// Marks an assistant's answer right or wrong.
#[utoipa::path(post, path = "/api/v1/messages/{id}/verdict", tag = "inbox", params(("id" = i64, Path, description = "the assistant's message id")),
    request_body = VerdictBody, responses((status = 204, description = "recorded"), (status = 400, description = "not an assistant's message, or unknown verdict"), (status = 404, description = "no such message")))]
pub async fn verdict(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<VerdictBody>,
) -> ApiResult<StatusCode> {
    judge(&state, &caller, MessageId(id), &body.verdict).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records `caller`'s verdict (`right` or `wrong`) on an assistant's message. Shared by this API
/// and the ticket page's buttons: the store records `bot_answer_marked_wrong` for a "wrong".
pub async fn judge(
    state: &AppState,
    caller: &Caller,
    message: MessageId,
    verdict: &str,
) -> ApiResult<()> {
    let verdict = Verdict::parse(verdict.trim())
        .map_err(|_| ApiError::invalid_field("verdict", "verdict: right or wrong"))?;
    state
        .store
        .judge_bot_answer(message, caller.user.id, verdict)
        .await?;
    Ok(())
}

/// One ticket's conversation as server-sent events (notes included); `Last-Event-ID` replays
/// what was missed.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/stream", tag = "inbox", params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, description = "text/event-stream of messages"), (status = 404, description = "no such ticket")))]
pub async fn ticket_events(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let (_, conversation) = agent::ticket_and_conversation(&state, TicketId(id)).await?;
    let live = crate::desk::stream::subscribe(&state.desk, conversation.id)?;
    let after = stream::last_event_id(&headers);
    let missed = match after {
        Some(_) => {
            stream::catch_up(&state.store, conversation.id, after, MessageView::Agent).await?
        }
        None => Vec::new(),
    };
    Ok(stream::messages(missed, live, agent_json))
}

/// Every new message of every conversation, as server-sent events (the inbox's live view).
#[utoipa::path(get, path = "/api/v1/inbox/stream", tag = "inbox",
    responses((status = 200, description = "text/event-stream of messages")))]
pub async fn inbox_events(State(state): State<AppState>) -> impl IntoResponse {
    stream::messages(Vec::new(), state.desk.hub.inbox(), agent_json)
}

fn agent_json(m: &Message) -> Option<serde_json::Value> {
    serde_json::to_value(m).ok()
}
