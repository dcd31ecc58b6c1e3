//! `/api/v1/faq`: the FAQ the assistant answers from, managed by agents and champions, and
//! agents' replies turned into FAQ knowledge in one call. A CSV file imports many entries at
//! once ([`import`], shared with the FAQ page's upload form).

use super::json::ApiJson;
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use levier_core::Timestamp;
use levier_core::ids::{FaqEntryId, FaqPhrasingId, MessageId, UserId};
use levier_ingest::faq::ImportReport;
use levier_store::faq::{
    FaqEdit, FaqEntry, FaqEntryWithPhrasings, FaqFilter, NewFaqEntry, PhrasingOrigin,
};
use levier_store::support::{AuthorKind, Message, MessageView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Which entries to list.
#[derive(Deserialize, IntoParams)]
pub struct FaqParams {
    /// Only this category.
    pub category: Option<String>,
    /// Only this language.
    pub language: Option<String>,
    /// Text in the question, answer or a phrasing.
    pub q: Option<String>,
}

/// An entry to create.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEntryBody {
    /// The canonical question.
    pub question: String,
    /// The answer given to customers.
    pub answer: String,
    /// Category (`livraison`…).
    #[serde(default)]
    pub category: String,
    /// Language code; `fr` when absent.
    #[serde(default)]
    pub language: Option<String>,
    /// Whether customers may receive it (default true).
    #[serde(default)]
    pub public: Option<bool>,
    /// Other ways of asking.
    #[serde(default)]
    pub phrasings: Vec<String>,
}

/// Changes to an entry; absent fields keep their value.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditBody {
    /// The canonical question.
    pub question: Option<String>,
    /// The answer.
    pub answer: Option<String>,
    /// Category.
    pub category: Option<String>,
    /// Language code.
    pub language: Option<String>,
    /// Whether customers may receive it.
    pub public: Option<bool>,
    /// Who keeps it right (user id).
    pub owner: Option<i64>,
    /// When to check it again (milliseconds since the epoch).
    pub review_at: Option<i64>,
}

/// A phrasing to add.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhrasingBody {
    /// The question as people ask it.
    pub text: String,
}

/// An agent's reply made into a new entry; the question is the customer's message the reply
/// answers unless given.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FromReplyBody {
    /// The question; the customer's last message before the reply when absent.
    #[serde(default)]
    pub question: Option<String>,
    /// Category.
    #[serde(default)]
    pub category: String,
    /// Language code; the conversation's when absent.
    #[serde(default)]
    pub language: Option<String>,
}

/// A customer's question made into a phrasing of an entry.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ToPhrasingBody {
    /// The entry the question belongs to.
    pub entry_id: i64,
}

/// What was created.
#[derive(Serialize, ToSchema)]
pub struct Created {
    /// Its id.
    pub id: i64,
}

/// FAQ entries matching the filters.
#[utoipa::path(get, path = "/api/v1/faq", tag = "faq", params(FaqParams), responses((status = 200, description = "FAQ entries")))]
pub async fn list(
    State(state): State<AppState>,
    Query(p): Query<FaqParams>,
) -> ApiResult<Json<Vec<FaqEntry>>> {
    let filter = FaqFilter {
        category: p.category,
        language: p.language,
        text: p.q,
    };
    Ok(Json(state.store.faq_entries(&filter).await?))
}

/// Creates an entry.
#[utoipa::path(post, path = "/api/v1/faq", tag = "faq", request_body = NewEntryBody,
    responses((status = 201, body = Created), (status = 400, description = "invalid field"), (status = 409, description = "same question exists")))]
pub async fn create(
    State(state): State<AppState>,
    ApiJson(b): ApiJson<NewEntryBody>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let new = NewFaqEntry {
        question: b.question,
        answer: b.answer,
        category: b.category,
        language: b.language.unwrap_or_else(|| "fr".into()),
        public: b.public.unwrap_or(true),
        phrasings: b.phrasings,
    };
    created(state.store.create_faq_entry(&new).await?.0)
}

/// An entry with its phrasings.
#[utoipa::path(get, path = "/api/v1/faq/{id}", tag = "faq", params(("id" = i64, Path, description = "entry id")),
    responses((status = 200, description = "the entry and its phrasings"), (status = 404, description = "no such entry")))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Json<FaqEntryWithPhrasings>> {
    Ok(Json(entry(&state, FaqEntryId(id)).await?))
}

/// Changes an entry.
#[utoipa::path(patch, path = "/api/v1/faq/{id}", tag = "faq", params(("id" = i64, Path, description = "entry id")), request_body = EditBody,
    responses((status = 204, description = "changed"), (status = 400, description = "invalid field"), (status = 404, description = "no such entry")))]
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<EditBody>,
) -> ApiResult<StatusCode> {
    let id = FaqEntryId(id);
    let current = entry(&state, id).await?.entry;
    let edit = FaqEdit {
        question: b.question.unwrap_or(current.question),
        answer: b.answer.unwrap_or(current.answer),
        category: b.category.unwrap_or(current.category),
        language: b.language.unwrap_or(current.language),
        public: b.public.unwrap_or(current.public),
        owner: b.owner.map(UserId).or(current.owner),
        review_at: b.review_at.map(Timestamp).or(current.review_at),
    };
    state.store.update_faq_entry(id, &edit).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes an entry.
#[utoipa::path(delete, path = "/api/v1/faq/{id}", tag = "faq", params(("id" = i64, Path, description = "entry id")),
    responses((status = 204, description = "deleted"), (status = 404, description = "no such entry")))]
pub async fn remove(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult<StatusCode> {
    state.store.delete_faq_entry(FaqEntryId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a phrasing to an entry.
#[utoipa::path(post, path = "/api/v1/faq/{id}/phrasings", tag = "faq", params(("id" = i64, Path, description = "entry id")), request_body = PhrasingBody,
    responses((status = 201, body = Created), (status = 400, description = "empty text"), (status = 404, description = "no such entry"), (status = 409, description = "same phrasing exists")))]
pub async fn add_phrasing(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<PhrasingBody>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = state
        .store
        .add_faq_phrasing(
            FaqEntryId(id),
            &b.text,
            PhrasingOrigin::Manual,
            Some(caller.user.id),
        )
        .await?;
    created(id.0)
}

/// Removes a phrasing.
#[utoipa::path(delete, path = "/api/v1/faq/phrasings/{id}", tag = "faq", params(("id" = i64, Path, description = "phrasing id")),
    responses((status = 204, description = "removed"), (status = 404, description = "no such phrasing")))]
pub async fn remove_phrasing(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    state.store.remove_faq_phrasing(FaqPhrasingId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Imports FAQ entries from a CSV file sent as the body (`text/csv`): columns question,
/// answer, category, language, variants (`|`-separated), public; `,` or `;`; English or French
/// header names. Questions already in the FAQ are skipped; broken rows are reported with their
/// line and the others imported.
#[utoipa::path(post, path = "/api/v1/faq/import", tag = "faq",
    request_body(content_type = "text/csv", description = "the FAQ file"),
    responses((status = 200, description = "`{created, skipped_existing, errors: [{line, column, reason}]}`"),
        (status = 413, description = "larger than server.body_limit_bytes")))]
pub async fn import(State(state): State<AppState>, body: Body) -> ApiResult<Json<ImportReport>> {
    let bytes = axum::body::to_bytes(body, state.settings.body_limit)
        .await
        .map_err(|_| ApiError::payload_too_large())?;
    Ok(Json(import_csv(&state, &bytes).await?))
}

/// Imports an FAQ CSV file: the API above and the FAQ page's upload form.
pub async fn import_csv(state: &AppState, bytes: &[u8]) -> ApiResult<ImportReport> {
    Ok(levier_ingest::faq::import(&state.store, bytes).await?)
}

/// Makes an agent's reply a new FAQ entry: its text is the answer, the customer's question
/// before it the question.
#[utoipa::path(post, path = "/api/v1/messages/{id}/faq-entry", tag = "faq", params(("id" = i64, Path, description = "the agent's message id")), request_body = FromReplyBody,
    responses((status = 201, body = Created), (status = 400, description = "not an agent's reply, or no question"), (status = 404, description = "no such message")))]
pub async fn entry_from_reply(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<FromReplyBody>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let reply = message(&state, MessageId(id)).await?;
    if reply.author_kind != AuthorKind::Agent || reply.internal {
        return Err(ApiError::bad_request(format!(
            "message {id} is not an agent's reply to the customer"
        )));
    }
    let question = match b.question.filter(|q| !q.trim().is_empty()) {
        Some(q) => q,
        None => customer_question(&state, &reply).await?,
    };
    let language = match b.language {
        Some(l) => l,
        None => conversation_language(&state, &reply).await?,
    };
    let new = NewFaqEntry {
        question,
        answer: reply.body,
        category: b.category,
        language,
        public: true,
        phrasings: Vec::new(),
    };
    created(state.store.create_faq_entry(&new).await?.0)
}

/// Adds the customer's question (the message itself, or the one an agent's reply answers) as
/// a phrasing of an entry.
#[utoipa::path(post, path = "/api/v1/messages/{id}/faq-phrasing", tag = "faq", params(("id" = i64, Path, description = "a customer's message, or an agent's reply")), request_body = ToPhrasingBody,
    responses((status = 201, body = Created), (status = 400, description = "no customer question"), (status = 404, description = "no such message or entry"), (status = 409, description = "same phrasing exists")))]
pub async fn phrasing_from_message(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ToPhrasingBody>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = teach(&state, &caller, MessageId(id), FaqEntryId(b.entry_id)).await?;
    created(id.0)
}

/// Marks a customer's message as outside the FAQ: the assistant learns it, with the others,
/// as an example of the questions it must hand to a person (it retrains within seconds).
#[utoipa::path(post, path = "/api/v1/messages/{id}/out-of-scope", tag = "faq", params(("id" = i64, Path, description = "a customer's message")),
    responses((status = 201, description = "a new example"), (status = 200, description = "already an example"), (status = 400, description = "not a customer's message"), (status = 404, description = "no such message")))]
pub async fn out_of_scope(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    let created = state
        .store
        .mark_out_of_scope(MessageId(id), caller.user.id)
        .await?;
    Ok(if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    })
}

/// Adds the customer's question of message `m` (the message itself, or the customer's message
/// before it) as an agent's phrasing of `entry`: the API above and the ticket page's button.
pub async fn teach(
    state: &AppState,
    caller: &Caller,
    m: MessageId,
    entry: FaqEntryId,
) -> ApiResult<FaqPhrasingId> {
    let m = message(state, m).await?;
    let question = if m.author_kind == AuthorKind::Customer {
        m.body
    } else {
        customer_question(state, &m).await?
    };
    Ok(state
        .store
        .add_faq_phrasing(
            entry,
            &question,
            PhrasingOrigin::Agent,
            Some(caller.user.id),
        )
        .await?)
}

fn created(id: i64) -> ApiResult<(StatusCode, Json<Created>)> {
    Ok((StatusCode::CREATED, Json(Created { id })))
}

async fn entry(state: &AppState, id: FaqEntryId) -> ApiResult<FaqEntryWithPhrasings> {
    state
        .store
        .faq_entry(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("FAQ entry {id}")))
}

async fn message(state: &AppState, id: MessageId) -> ApiResult<Message> {
    state
        .store
        .message(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("message {id}")))
}

/// The customer's last message before `m`: the question it answers.
async fn customer_question(state: &AppState, m: &Message) -> ApiResult<String> {
    let earlier = state
        .store
        .messages_after(m.conversation_id, None, MessageView::Customer, i64::MAX)
        .await?;
    earlier
        .into_iter()
        .take_while(|e| e.id < m.id)
        .filter(|e| e.author_kind == AuthorKind::Customer)
        .last()
        .map(|e| e.body)
        .ok_or_else(|| {
            ApiError::bad_request(format!("no customer question before message {}", m.id))
        })
}

async fn conversation_language(state: &AppState, m: &Message) -> ApiResult<String> {
    let conversation = state.store.conversation(m.conversation_id).await?;
    Ok(conversation
        .and_then(|c| c.language)
        .unwrap_or_else(|| "fr".into()))
}
