//! The inbox pages: tickets handed to people, most urgent first, and one ticket's
//! conversation with the forms to answer, note, resolve and reopen. Every text comes from
//! customers or agents and is escaped by the templates.

use super::{Page, Shell, not_found_page, page};
use crate::AppState;
use crate::auth::Caller;
use crate::desk::agent;
use crate::error::ApiError;
use crate::format::date_time;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use levier_core::Timestamp;
use levier_core::ids::{FaqEntryId, MessageId, TicketId};
use levier_store::support::{
    AssigneeFilter, AuthorKind, InboxQuery, Message, MessageView, TicketStatus,
};
use serde::Deserialize;

/// The inbox's filters.
#[derive(Deserialize, Default)]
pub struct InboxFilter {
    #[serde(default)]
    status: String,
    #[serde(default)]
    who: String,
}

/// A line of the inbox.
pub struct TicketRow {
    id: i64,
    subject: String,
    reason: String,
    status: String,
    due: String,
    overdue: bool,
    last: String,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    shell: Shell,
    tickets: Vec<TicketRow>,
    /// (value, label, selected) of the status filter.
    statuses: Vec<(String, String, bool)>,
    who: String,
}

/// `GET /inbox`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Query(filter): Query<InboxFilter>,
) -> Response {
    let query = InboxQuery {
        statuses: TicketStatus::parse(&filter.status).into_iter().collect(),
        assignee: match filter.who.as_str() {
            "me" => AssigneeFilter::User(caller.user.id),
            "unassigned" => AssigneeFilter::Unassigned,
            _ => AssigneeFilter::Anyone,
        },
        limit: Some(500),
        ..InboxQuery::default()
    };
    let items = match state.store.inbox(&query).await {
        Ok(items) => items,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Page { shell, cookies } = page(&state, &headers, Some(&caller), "/inbox").await;
    let now = Timestamp::now();
    let tickets = items
        .into_iter()
        .map(|i| TicketRow {
            id: i.ticket.id.0,
            subject: i.subject,
            reason: reason_label(&shell, i.ticket.handoff_reason.as_deref()),
            status: shell
                .t
                .t(&format!("ticket-status.{}", i.ticket.status.as_str())),
            due: i.due_at.map(date_time).unwrap_or_default(),
            overdue: i.due_at.is_some_and(|d| d < now) && !i.ticket.status.is_done(),
            last: i
                .last_message
                .unwrap_or_default()
                .chars()
                .take(120)
                .collect(),
        })
        .collect();
    let statuses = [
        TicketStatus::Open,
        TicketStatus::Pending,
        TicketStatus::Resolved,
        TicketStatus::Closed,
    ]
    .map(|s| {
        let label = shell.t.t(&format!("ticket-status.{}", s.as_str()));
        (s.as_str().to_owned(), label, s.as_str() == filter.status)
    })
    .to_vec();
    let template = InboxPage {
        tickets,
        statuses,
        who: filter.who,
        shell,
    };
    super::render_with(&template, StatusCode::OK, cookies)
}

fn reason_label(shell: &Shell, reason: Option<&str>) -> String {
    reason.map_or_else(String::new, |r| shell.t.t(&format!("reason.{r}")))
}

/// A message as the ticket page shows it.
pub struct MessageRow {
    id: i64,
    author: String,
    kind: &'static str,
    when: String,
    body: String,
    internal: bool,
    /// The assistant's reason and candidates, for bot messages.
    why: String,
    candidates: Vec<Candidate>,
}

/// An FAQ entry the assistant considered: "Question (p = 0.42)". On a bot message, the agent
/// can teach the assistant that the customer's question was this entry's.
pub struct Candidate {
    label: String,
    entry_id: i64,
}

#[derive(Template)]
#[template(path = "ticket.html")]
struct TicketPage {
    shell: Shell,
    id: i64,
    subject: String,
    reason: String,
    status: String,
    done: bool,
    first_due: String,
    first_response: String,
    resolution_due: String,
    suggested: Vec<Candidate>,
    messages: Vec<MessageRow>,
    error: Option<String>,
}

/// What a redirect back to the ticket page says.
#[derive(Deserialize, Default)]
pub struct Outcome {
    done: Option<String>,
    error: Option<String>,
}

/// `GET /inbox/{id}`.
pub async fn ticket(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Query(outcome): Query<Outcome>,
) -> Response {
    let path = format!("/inbox/{id}");
    let found = agent::ticket_and_conversation(&state, TicketId(id)).await;
    let (ticket, conversation) = match found {
        Ok(found) => found,
        Err(e) => return not_found_page(&state, &headers, &caller, &path, e).await,
    };
    let messages = match crate::desk::stream::catch_up(
        &state.store,
        conversation.id,
        None,
        MessageView::Agent,
    )
    .await
    {
        Ok(m) => m,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Page { mut shell, cookies } = page(&state, &headers, Some(&caller), &path).await;
    shell.flash = outcome
        .done
        .as_deref()
        .map(|d| shell.t.t(&format!("ticket.done.{d}")));
    let error = outcome
        .error
        .is_some()
        .then(|| shell.t.t("ticket.error.text"));
    let when = |t: Option<Timestamp>| {
        t.map(date_time)
            .unwrap_or_else(|| shell.t.t("ticket.none-yet"))
    };
    let template = TicketPage {
        id,
        subject: conversation.subject,
        reason: reason_label(&shell, ticket.handoff_reason.as_deref()),
        status: shell
            .t
            .t(&format!("ticket-status.{}", ticket.status.as_str())),
        done: ticket.status.is_done(),
        first_due: when(ticket.first_response_due_at),
        first_response: when(ticket.first_response_at),
        resolution_due: when(ticket.resolution_due_at),
        suggested: candidates(&ticket.suggested_answers),
        messages: messages.iter().map(|m| message_row(&shell, m)).collect(),
        error,
        shell,
    };
    let status = if template.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    super::render_with(&template, status, cookies)
}

fn message_row(shell: &Shell, m: &Message) -> MessageRow {
    let kind = m.author_kind.as_str();
    let decision = &m.metadata["decision"];
    MessageRow {
        id: m.id.0,
        author: shell.t.t(&format!("ticket.{kind}")),
        kind: match m.author_kind {
            AuthorKind::Customer => "customer",
            AuthorKind::Bot => "bot",
            AuthorKind::Agent => "agent",
            AuthorKind::System => "system",
        },
        when: date_time(m.created_at),
        body: m.body.clone(),
        internal: m.internal,
        why: decision["why"].as_str().unwrap_or_default().to_owned(),
        candidates: candidates(&decision["candidates"]),
    }
}

/// The FAQ candidates of a decision or a ticket.
fn candidates(value: &serde_json::Value) -> Vec<Candidate> {
    value
        .as_array()
        .map(|all| {
            all.iter()
                .map(|c| {
                    let question = c["question"].as_str().unwrap_or_default();
                    let p = c["probability"].as_f64().unwrap_or_default();
                    Candidate {
                        label: format!("{question} (p = {p:.2})"),
                        entry_id: c["entry_id"].as_i64().unwrap_or_default(),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The reply and note forms.
#[derive(Deserialize)]
pub struct TextForm {
    #[serde(default)]
    text: String,
}

/// `POST /inbox/{id}/reply`.
pub async fn reply(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(form): Form<TextForm>,
) -> Response {
    let written = agent::write(&state, &caller, TicketId(id), &form.text, None, false).await;
    back(id, written.map(|_| "replied"))
}

/// `POST /inbox/{id}/note`.
pub async fn note(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(form): Form<TextForm>,
) -> Response {
    let written = agent::write(&state, &caller, TicketId(id), &form.text, None, true).await;
    back(id, written.map(|_| "noted"))
}

/// The "this was the entry's question" button of a candidate.
#[derive(Deserialize)]
pub struct TeachForm {
    /// The bot's message whose candidate it is.
    message: i64,
    /// The entry.
    entry: i64,
}

/// `POST /inbox/{id}/phrasing`: the customer's question before a bot message becomes a
/// phrasing of one of its candidate entries, so the assistant answers it next time (it
/// retrains within seconds).
pub async fn teach(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(form): Form<TeachForm>,
) -> Response {
    let taught = crate::api::faq::teach(
        &state,
        &caller,
        MessageId(form.message),
        FaqEntryId(form.entry),
    )
    .await;
    back(id, taught.map(|_| "taught"))
}

/// `POST /inbox/{id}/resolve`.
pub async fn resolve(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Response {
    let moved = agent::move_ticket(&state, &caller, TicketId(id), TicketStatus::Resolved).await;
    back(id, moved.map(|_| "resolved"))
}

/// `POST /inbox/{id}/reopen`.
pub async fn reopen(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Response {
    let moved = agent::move_ticket(&state, &caller, TicketId(id), TicketStatus::Open).await;
    back(id, moved.map(|_| "reopened"))
}

/// Back to the ticket page saying what happened (post/redirect/get); a refused text is said
/// there too, anything else is answered as is.
fn back(id: i64, outcome: Result<&str, ApiError>) -> Response {
    match outcome {
        Ok(done) => Redirect::to(&format!("/inbox/{id}?done={done}")).into_response(),
        Err(e) if e.field.as_deref() == Some("text") => {
            Redirect::to(&format!("/inbox/{id}?error=text")).into_response()
        }
        Err(e) => e.into_response(),
    }
}
