//! The inbox pages: tickets handed to people, most urgent first, page by page, and one
//! ticket's conversation with the forms to take or assign it, judge the assistant's answers,
//! answer, note, resolve and reopen. Every text comes from customers or agents and is escaped
//! by the templates; `assets/inbox.js` keeps both pages live (their event streams).

use super::{Page, Shell, not_found_page, page};
use crate::AppState;
use crate::api::inbox::{assign_ticket, judge, works_the_inbox};
use crate::auth::Caller;
use crate::desk::agent;
use crate::error::{ApiError, ApiResult};
use crate::format::date_time;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use levier_core::Timestamp;
use levier_core::ids::{FaqEntryId, MessageId, TicketId, UserId};
use levier_store::directory::User;
use levier_store::support::{
    AssigneeFilter, AuthorKind, BotVerdict, Conversation, InboxItem, InboxQuery, Message,
    MessageView, Ticket, TicketStatus,
};
use serde::Deserialize;
use std::collections::HashMap;

/// Tickets per inbox page: a screenful an agent can scan, and a bounded query.
const PAGE_SIZE: i64 = 50;

/// The inbox's filters and page.
#[derive(Deserialize, Default)]
pub struct InboxFilter {
    #[serde(default)]
    status: String,
    #[serde(default)]
    who: String,
    /// 1-based; anything unreadable is the first page (a hand-edited address still opens).
    #[serde(default)]
    page: String,
}

impl InboxFilter {
    fn page(&self) -> i64 {
        self.page.trim().parse().unwrap_or(1).max(1)
    }

    /// The inbox's address for page `n` with the same filters.
    fn href(&self, n: i64) -> String {
        let n = n.to_string();
        let pairs = [("status", &self.status), ("who", &self.who), ("page", &n)];
        let kept: Vec<_> = pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        format!(
            "/inbox?{}",
            serde_urlencoded::to_string(kept).unwrap_or_default()
        )
    }
}

/// A line of the inbox.
pub struct TicketRow {
    id: i64,
    conversation: i64,
    subject: String,
    reason: String,
    status: String,
    assignee: String,
    /// Which service level `due` is ("first response before"…); empty when none applies.
    sla: String,
    due: String,
    overdue: bool,
    last: String,
}

/// The previous and next pages' addresses, when they exist.
pub struct Pager {
    number: i64,
    previous: Option<String>,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    shell: Shell,
    tickets: Vec<TicketRow>,
    /// (value, label, selected) of the status filter.
    statuses: Vec<(String, String, bool)>,
    who: String,
    pager: Pager,
}

/// `GET /inbox`: one page of tickets; one more than a page is read to know whether a next
/// page exists without counting.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Query(filter): Query<InboxFilter>,
) -> Response {
    let number = filter.page();
    let query = InboxQuery {
        statuses: TicketStatus::parse(&filter.status).into_iter().collect(),
        assignee: match filter.who.as_str() {
            "me" => AssigneeFilter::User(caller.user.id),
            "unassigned" => AssigneeFilter::Unassigned,
            _ => AssigneeFilter::Anyone,
        },
        limit: Some(PAGE_SIZE + 1),
        offset: Some((number - 1) * PAGE_SIZE),
        ..InboxQuery::default()
    };
    let (mut items, users) = match tokio::try_join!(state.store.inbox(&query), state.store.users())
    {
        Ok(found) => found,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let has_next = items.len() > PAGE_SIZE as usize;
    items.truncate(PAGE_SIZE as usize);
    let Page { shell, cookies } = page(&state, &headers, Some(&caller), "/inbox").await;
    let names = names(&users);
    let now = Timestamp::now();
    let tickets = items
        .into_iter()
        .map(|i| ticket_row(&shell, &names, i, now))
        .collect();
    let pager = Pager {
        number,
        previous: (number > 1).then(|| filter.href(number - 1)),
        next: has_next.then(|| filter.href(number + 1)),
    };
    let template = InboxPage {
        tickets,
        statuses: status_options(&shell, &filter.status),
        who: filter.who,
        pager,
        shell,
    };
    super::render_with(&template, StatusCode::OK, cookies)
}

fn ticket_row(
    shell: &Shell,
    names: &HashMap<UserId, String>,
    i: InboxItem,
    now: Timestamp,
) -> TicketRow {
    let t = &i.ticket;
    let live = !t.status.is_done();
    let due = i.due_at.filter(|_| live);
    let sla = match due {
        None => "",
        Some(_) if t.first_response_at.is_none() && t.first_response_due_at.is_some() => {
            "inbox.sla.first"
        }
        Some(_) => "inbox.sla.resolution",
    };
    TicketRow {
        id: t.id.0,
        conversation: t.conversation_id.0,
        reason: reason_label(shell, t.handoff_reason.as_deref()),
        status: status_label(shell, t.status),
        assignee: assignee_label(shell, names, t.assignee),
        sla: if sla.is_empty() {
            String::new()
        } else {
            shell.t.t(sla)
        },
        due: due.map(date_time).unwrap_or_default(),
        overdue: due.is_some_and(|d| d < now),
        subject: i.subject,
        last: i
            .last_message
            .unwrap_or_default()
            .chars()
            .take(120)
            .collect(),
    }
}

/// The status filter's options, `selected` chosen.
fn status_options(shell: &Shell, selected: &str) -> Vec<(String, String, bool)> {
    [
        TicketStatus::Open,
        TicketStatus::Pending,
        TicketStatus::Resolved,
        TicketStatus::Closed,
    ]
    .map(|s| {
        (
            s.as_str().to_owned(),
            status_label(shell, s),
            s.as_str() == selected,
        )
    })
    .to_vec()
}

fn status_label(shell: &Shell, status: TicketStatus) -> String {
    shell.t.t(&format!("ticket-status.{}", status.as_str()))
}

fn reason_label(shell: &Shell, reason: Option<&str>) -> String {
    reason.map_or_else(String::new, |r| shell.t.t(&format!("reason.{r}")))
}

/// Display names by id: assignees and judges are shown by name.
fn names(users: &[User]) -> HashMap<UserId, String> {
    users
        .iter()
        .map(|u| (u.id, u.display_name.clone()))
        .collect()
}

/// Who holds a ticket, "unassigned" when nobody does (`#id` for a deleted account).
fn assignee_label(shell: &Shell, names: &HashMap<UserId, String>, who: Option<UserId>) -> String {
    match who {
        None => shell.t.t("inbox.unassigned"),
        Some(id) => names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")),
    }
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
    /// The passage of a public document the assistant weighed: (label, link to its public
    /// page), a suggestion for the agent even when the bot did not answer with it.
    passage: Option<(String, String)>,
    /// An assistant's answer (from the FAQ or a document), which agents judge right or wrong.
    answer: bool,
    /// The verdicts already given ("Wrong — Ana"), and the caller's own (`right`, `wrong`).
    verdicts: Vec<String>,
    mine: &'static str,
    /// The generative model that wrote this answer, if one did.
    generated: Option<String>,
}

/// An FAQ entry the assistant considered: "Question (p = 0.42)". On a bot message, the agent
/// can teach the assistant that the customer's question was this entry's.
pub struct Candidate {
    label: String,
    entry_id: i64,
}

/// An agent a ticket may be given to: (id, name, currently holding it).
type AgentOption = (i64, String, bool);

#[derive(Template)]
#[template(path = "ticket.html")]
struct TicketPage {
    shell: Shell,
    id: i64,
    subject: String,
    reason: String,
    status: String,
    done: bool,
    assignee: String,
    /// The caller's own id, for "take it", and whether they already hold the ticket.
    me: i64,
    mine: bool,
    agents: Vec<AgentOption>,
    first_due: String,
    first_response: String,
    resolution_due: String,
    suggested: Vec<Candidate>,
    messages: Vec<MessageRow>,
    error: Option<String>,
    /// When the page was made, sent back with the reply (the handling-time KPI).
    opened_at: i64,
}

/// What a redirect back to the ticket page says.
#[derive(Deserialize, Default)]
pub struct Outcome {
    done: Option<String>,
    error: Option<String>,
}

/// Everything the ticket page shows, read from the store.
struct Loaded {
    ticket: Ticket,
    conversation: Conversation,
    messages: Vec<Message>,
    verdicts: HashMap<MessageId, Vec<BotVerdict>>,
    users: Vec<User>,
}

impl Loaded {
    async fn read(state: &AppState, id: TicketId) -> ApiResult<Loaded> {
        let (ticket, conversation) = agent::ticket_and_conversation(state, id).await?;
        let messages =
            crate::desk::stream::catch_up(&state.store, conversation.id, None, MessageView::Agent)
                .await?;
        let mut verdicts = HashMap::new();
        for m in messages.iter().filter(|m| is_answer(m)) {
            verdicts.insert(m.id, state.store.bot_answer_verdicts(m.id).await?);
        }
        Ok(Loaded {
            ticket,
            conversation,
            messages,
            verdicts,
            users: state.store.users().await?,
        })
    }
}

/// Whether a message is one of the assistant's answers (its decision was to answer, from the
/// FAQ or a passage), as opposed to a clarifying question or a handoff notice.
fn is_answer(m: &Message) -> bool {
    m.author_kind == AuthorKind::Bot
        && m.metadata["decision"]["action"]["action"]
            .as_str()
            .is_some_and(|a| a.starts_with("answer_"))
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
    let loaded = match Loaded::read(&state, TicketId(id)).await {
        Ok(loaded) => loaded,
        Err(e) => return not_found_page(&state, &headers, &caller, &path, e).await,
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
    let status = super::status_for(error.is_some());
    let template = ticket_page(shell, &caller, loaded, error);
    super::render_with(&template, status, cookies)
}

fn ticket_page(shell: Shell, caller: &Caller, l: Loaded, error: Option<String>) -> TicketPage {
    let names = names(&l.users);
    let when = |t: Option<Timestamp>| {
        t.map(date_time)
            .unwrap_or_else(|| shell.t.t("ticket.none-yet"))
    };
    let t = &l.ticket;
    let me = caller.user.id;
    let messages = l
        .messages
        .iter()
        .map(|m| {
            let verdicts = l.verdicts.get(&m.id).map_or(&[][..], Vec::as_slice);
            message_row(&shell, &names, me, m, verdicts)
        })
        .collect();
    TicketPage {
        id: t.id.0,
        subject: l.conversation.subject,
        reason: reason_label(&shell, t.handoff_reason.as_deref()),
        status: status_label(&shell, t.status),
        done: t.status.is_done(),
        assignee: assignee_label(&shell, &names, t.assignee),
        me: me.0,
        mine: t.assignee == Some(me),
        agents: agent_options(&l.users, t.assignee),
        first_due: when(t.first_response_due_at),
        first_response: when(t.first_response_at),
        resolution_due: when(t.resolution_due_at),
        suggested: candidates(&t.suggested_answers),
        messages,
        error,
        opened_at: Timestamp::now().millis(),
        shell,
    }
}

/// The people a ticket may be given to (the same rule as the assignment itself).
fn agent_options(users: &[User], holder: Option<UserId>) -> Vec<AgentOption> {
    users
        .iter()
        .filter(|u| works_the_inbox(u))
        .map(|u| (u.id.0, u.display_name.clone(), holder == Some(u.id)))
        .collect()
}

fn message_row(
    shell: &Shell,
    names: &HashMap<UserId, String>,
    me: UserId,
    m: &Message,
    verdicts: &[BotVerdict],
) -> MessageRow {
    let kind = m.author_kind.as_str();
    let decision = &m.metadata["decision"];
    let author = match m.author_user_id.and_then(|u| names.get(&u)) {
        Some(name) => format!("{} · {name}", shell.t.t(&format!("ticket.{kind}"))),
        None => shell.t.t(&format!("ticket.{kind}")),
    };
    MessageRow {
        id: m.id.0,
        author,
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
        passage: passage(&decision["passage"]),
        answer: is_answer(m),
        verdicts: verdicts
            .iter()
            .map(|v| verdict_label(shell, names, v))
            .collect(),
        mine: verdicts
            .iter()
            .find(|v| v.user_id == me)
            .map_or("", |v| v.verdict.as_str()),
        generated: m.metadata["generated"]["model"].as_str().map(str::to_owned),
    }
}

/// A decision's passage: "Title › Heading: the sentences (cos 0.88)" and its public link.
fn passage(value: &serde_json::Value) -> Option<(String, String)> {
    let title = value["title"].as_str()?;
    let text = value["text"].as_str().unwrap_or_default();
    let cosine = value["confidence"].as_f64().unwrap_or_default();
    let link = value["link"].as_str().unwrap_or_default().to_owned();
    Some((format!("{title} : {text} (cos {cosine:.2})"), link))
}

/// "Wrong — Ana": a verdict and who gave it.
fn verdict_label(shell: &Shell, names: &HashMap<UserId, String>, v: &BotVerdict) -> String {
    let who = names
        .get(&v.user_id)
        .cloned()
        .unwrap_or_else(|| format!("#{}", v.user_id));
    let verdict = shell.t.t(&format!("ticket.verdict.{}", v.verdict.as_str()));
    format!("{verdict} — {who}")
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

/// The reply form: its text, and when its page was made.
#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    opened_at: Option<i64>,
}

/// `POST /inbox/{id}/reply`: the reply, and the time the agent spent on it (from the page's
/// opening to now).
pub async fn reply(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(form): Form<ReplyForm>,
) -> Response {
    let written = agent::reply(&state, &caller, TicketId(id), &form.text).await;
    if written.is_ok()
        && let Some(opened) = form.opened_at
    {
        let ms = Timestamp::now().millis() - opened;
        agent::record_handling(&state, &caller, TicketId(id), ms).await;
    }
    let done = written.map(|delivery| match delivery {
        agent::Delivery::Chat => "replied",
        agent::Delivery::Mailed => "mailed",
        agent::Delivery::NotMailed => "not_mailed",
    });
    back(id, done)
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

/// The "take it" button and the assignee select.
#[derive(Deserialize)]
pub struct AssignForm {
    /// A user id; empty gives the ticket back to nobody.
    #[serde(default)]
    user: String,
}

/// `POST /inbox/{id}/assign`: the same assignment as the API's, from a form.
pub async fn assign(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(form): Form<AssignForm>,
) -> Response {
    let assigned = match form.user.trim() {
        "" => Ok(None),
        user => user
            .parse()
            .map(|u| Some(UserId(u)))
            .map_err(|_| ApiError::invalid_field("user", "user: a user id")),
    };
    let assigned = match assigned {
        Ok(user) => assign_ticket(&state, TicketId(id), user).await,
        Err(e) => Err(e),
    };
    back(id, assigned.map(|_| "assigned"))
}

/// The "correct" and "wrong" buttons of an assistant's answer.
#[derive(Deserialize)]
pub struct VerdictForm {
    /// The assistant's message.
    message: i64,
    /// `right` or `wrong`: the button pressed.
    #[serde(default)]
    verdict: String,
}

/// `POST /inbox/{id}/verdict`: the same verdict as the API's, from the ticket page.
pub async fn verdict(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(form): Form<VerdictForm>,
) -> Response {
    let judged = judge(&state, &caller, MessageId(form.message), &form.verdict).await;
    back(id, judged.map(|_| "judged"))
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

/// The form of a button about one message.
#[derive(Deserialize)]
pub struct MessageForm {
    /// The message.
    message: i64,
}

/// `POST /inbox/{id}/out-of-scope`: a customer's message becomes an example of the questions
/// the assistant hands to a person.
pub async fn out_of_scope(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(form): Form<MessageForm>,
) -> Response {
    let marked = state
        .store
        .mark_out_of_scope(MessageId(form.message), caller.user.id)
        .await
        .map_err(ApiError::from);
    back(id, marked.map(|_| "out_of_scope"))
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
