//! `/api/v1/mails` and `/api/v1/mail-rules`: the shared mailbox as triage sorted it (filter by
//! category, "to review", spam), a person's correction of a mail's category (recorded, fed
//! back as training data, and the mail rerouted with its ticket), and the routing rules.
//! Agents and admins read and correct mails; admins edit the rules.

use super::json::ApiJson;
use crate::AppState;
use crate::admin::audit;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use levier_assist::decide::{FaqCandidate, PassageCandidate};
use levier_assist::hours::Lang;
use levier_assist::respond::Turn;
use levier_store::mail::{MailQuery, MailRule, MailRuleSpec, StoredMail};
use levier_store::pilots::MailScope;
use levier_store::support::PilotScope;
use levier_triage::TriageError;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use utoipa::{IntoParams, ToSchema};

/// Filters of the mail list.
#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct MailFilter {
    /// Only this category.
    pub category: Option<String>,
    /// Only mails to review (`true`) or only sure ones (`false`).
    pub to_review: Option<bool>,
    /// Only spam (`true`) or only non-spam (`false`).
    pub spam: Option<bool>,
    /// At most this many (default 200, newest first).
    pub limit: Option<i64>,
}

impl MailFilter {
    /// The store's query for these filters.
    pub fn query(&self) -> MailQuery {
        MailQuery {
            category: self
                .category
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
            to_review: self.to_review,
            spam: self.spam,
            limit: Some(self.limit.unwrap_or(200).clamp(1, 1000)),
        }
    }
}

/// A person's choice of category.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryChoice {
    /// The category (one of the model's, e.g. `facturation`).
    pub category: String,
}

/// Mails, newest first (agents and admins).
#[utoipa::path(get, path = "/api/v1/mails", tag = "mail", params(MailFilter),
    responses((status = 200, description = "the mails, with their classification and route")))]
pub async fn list(
    State(state): State<AppState>,
    Query(filter): Query<MailFilter>,
) -> ApiResult<Json<Vec<StoredMail>>> {
    Ok(Json(state.store.mails(&filter.query()).await?))
}

/// One mail (agents and admins).
#[utoipa::path(get, path = "/api/v1/mails/{id}", tag = "mail",
    params(("id" = i64, Path, description = "mail id")),
    responses((status = 200, description = "the mail"), (status = 404, description = "no such mail")))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Json<StoredMail>> {
    Ok(Json(mail(&state, id).await?))
}

/// Sets a mail's category: the correction is recorded (the error-rate KPI), becomes training
/// data, and the mail and its ticket are routed again (agents and admins).
#[utoipa::path(post, path = "/api/v1/mails/{id}/category", tag = "mail", request_body = CategoryChoice,
    params(("id" = i64, Path, description = "mail id")),
    responses((status = 200, description = "the mail as corrected"), (status = 400, description = "invalid category"), (status = 404, description = "no such mail")))]
pub async fn correct(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    ApiJson(choice): ApiJson<CategoryChoice>,
) -> ApiResult<Json<StoredMail>> {
    Ok(Json(
        correct_category(&state, &caller, id, &choice.category).await?,
    ))
}

/// A reply drafted for a mail from the company's knowledge, with its sources, for the agent
/// to edit: the support assistant's FAQ matcher and the public documents' passage, the same
/// code that suggests answers on the assistant's tickets.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Suggestion {
    /// The draft, in the mail's language; `None` when nothing in the knowledge answers.
    pub draft: Option<String>,
    /// Where the draft comes from (`FAQ : question`, a document's title) and its link.
    pub citations: Vec<Citation>,
    /// Calibrated probability that the best FAQ entry is the right one.
    pub confidence: f32,
    /// The FAQ entries weighed, most likely first.
    #[schema(value_type = Object)]
    pub faq: Vec<FaqCandidate>,
    /// Why there is no suggestion at all (the assistant is still training…).
    pub unavailable: Option<String>,
}

/// A source of a drafted reply.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Citation {
    /// What it is.
    pub title: String,
    /// Where to read it.
    pub link: String,
}

/// Under this calibrated confidence no FAQ answer is drafted (the passage may still be).
const DRAFT_FROM_FAQ_AT: f32 = 0.5;

/// A reply drafted for the mail (agents and admins); also stored as the suggested answers of
/// its ticket when it has none yet, so the inbox shows them.
#[utoipa::path(get, path = "/api/v1/mails/{id}/suggestion", tag = "mail",
    params(("id" = i64, Path, description = "mail id")),
    responses((status = 200, body = Suggestion), (status = 404, description = "no such mail")))]
pub async fn suggestion(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Json<Suggestion>> {
    let mail = mail(&state, id).await?;
    Ok(Json(suggest(&state, &mail).await?))
}

/// Drafts a reply to `mail` from the FAQ (the assistant's matcher) or a public document's
/// passage, with the sources, and gives its ticket the FAQ candidates when it has none. A mail
/// outside the live pilots' mail categories gets none.
pub(crate) async fn suggest(state: &AppState, mail: &StoredMail) -> ApiResult<Suggestion> {
    let text = format!("{}\n{}", mail.mail.subject, mail.mail.new_text);
    let lang = match mail.mail.language.as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Fr,
    };
    let scope = state.store.mail_scope().await?;
    let category = levier_triage::route_facts(mail).category;
    if !scope.covers(category.as_deref()) {
        let mut s = draft(lang, Vec::new(), 0.0, None);
        s.unavailable = Some(outside_pilots(&scope));
        return Ok(s);
    }
    let suggestion = draft_reply(state, text, lang).await?;
    if let Some(ticket) = mail.ticket_id {
        let candidates = serde_json::to_value(&suggestion.faq).unwrap_or_default();
        state.store.suggest_for_ticket(ticket, &candidates).await?;
    }
    Ok(suggestion)
}

/// Drafts a reply to a mail's `text` from the FAQ (the assistant's matcher) or a public
/// document's passage, with the sources (also what the playground shows).
pub(crate) async fn draft_reply(
    state: &AppState,
    text: String,
    lang: Lang,
) -> ApiResult<Suggestion> {
    let passage = crate::desk::knowledge_base::public_passage(state, &text).await;
    let Some(assistant) = state.desk.assistant() else {
        let mut s = draft(lang, Vec::new(), 0.0, passage);
        s.unavailable = s
            .draft
            .is_none()
            .then(|| "the support assistant is not trained yet".to_owned());
        return Ok(s);
    };
    let turn_passage = passage.clone();
    let decided = levier_core::cpu::run(move || {
        assistant.respond(&Turn {
            message: &text,
            earlier: &[],
            language: lang,
            scope: &PilotScope::default(),
            at: jiff::Timestamp::now(),
            passage: turn_passage,
        })
    })
    .await
    .map_err(|e| ApiError::internal(&e))?
    .map_err(|e| ApiError::internal(&e))?;
    let decision = decided.decision;
    Ok(draft(
        lang,
        decision.candidates,
        decision.confidence,
        passage,
    ))
}

/// Why a mail outside the live pilots' mail categories gets no draft: people answer it as
/// before the pilot, so the pilot is measured on its own scope.
fn outside_pilots(scope: &MailScope) -> String {
    let categories = match scope {
        MailScope::Categories(list) => list.join(", "),
        MailScope::Everything => String::new(),
    };
    format!("outside the live pilots' mail categories ({categories}): no reply is drafted")
}

/// The draft: a greeting, the FAQ answer when the matcher is sure enough, else the passage,
/// and a closing; with the sources.
fn draft(
    lang: Lang,
    faq: Vec<FaqCandidate>,
    confidence: f32,
    passage: Option<PassageCandidate>,
) -> Suggestion {
    let (hello, bye) = match lang {
        Lang::Fr => ("Bonjour,", "Cordialement,"),
        Lang::En => ("Hello,", "Kind regards,"),
    };
    let best = faq.first().filter(|_| confidence >= DRAFT_FROM_FAQ_AT);
    let (body, citation) = match (best, passage) {
        (Some(c), _) => (
            c.answer.clone(),
            Citation {
                title: format!("FAQ : {}", c.question),
                link: format!("/faq/{}", c.entry_id),
            },
        ),
        (None, Some(p)) => (
            p.text.clone(),
            Citation {
                title: p.title,
                link: p.link,
            },
        ),
        (None, None) => {
            return Suggestion {
                draft: None,
                citations: Vec::new(),
                confidence,
                faq,
                unavailable: None,
            };
        }
    };
    Suggestion {
        draft: Some(format!("{hello}\n\n{body}\n\n{bye}")),
        citations: vec![citation],
        confidence,
        faq,
        unavailable: None,
    }
}

/// The routing rules, in the order they are tried (admins).
#[utoipa::path(get, path = "/api/v1/mail-rules", tag = "mail",
    responses((status = 200, description = "the rules")))]
pub async fn rules(State(state): State<AppState>) -> ApiResult<Json<Vec<MailRule>>> {
    Ok(Json(state.store.mail_rules().await?))
}

/// Adds a routing rule (admins).
#[utoipa::path(post, path = "/api/v1/mail-rules", tag = "mail",
    responses((status = 201, description = "the rule"), (status = 400, description = "invalid field")))]
pub async fn create_rule(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(caller): Extension<Caller>,
    ApiJson(spec): ApiJson<MailRuleSpec>,
) -> ApiResult<(StatusCode, Json<MailRule>)> {
    let rule = state.store.create_mail_rule(&spec).await?;
    audit_rule(&state, &caller, &peer, "mail_rule.create", &rule).await;
    Ok((StatusCode::CREATED, Json(rule)))
}

/// Replaces a routing rule (admins).
#[utoipa::path(put, path = "/api/v1/mail-rules/{id}", tag = "mail",
    params(("id" = i64, Path, description = "rule id")),
    responses((status = 200, description = "the rule"), (status = 400, description = "invalid field"), (status = 404, description = "no such rule")))]
pub async fn update_rule(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    ApiJson(spec): ApiJson<MailRuleSpec>,
) -> ApiResult<Json<MailRule>> {
    let rule = state.store.update_mail_rule(id, &spec).await?;
    audit_rule(&state, &caller, &peer, "mail_rule.update", &rule).await;
    Ok(Json(rule))
}

/// Removes a routing rule; mails it routed keep their route (admins).
#[utoipa::path(delete, path = "/api/v1/mail-rules/{id}", tag = "mail",
    params(("id" = i64, Path, description = "rule id")),
    responses((status = 204, description = "removed"), (status = 404, description = "no such rule")))]
pub async fn delete_rule(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    state.store.delete_mail_rule(id).await?;
    let ip = peer.ip().to_string();
    let target = format!("mail_rule:{id}");
    audit(
        &state,
        &caller,
        &ip,
        "mail_rule.delete",
        target,
        serde_json::json!({}),
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}

/// A mail by id, or a 404.
pub(crate) async fn mail(state: &AppState, id: i64) -> ApiResult<StoredMail> {
    state
        .store
        .mail(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("mail {id}")))
}

/// The correction as the API and the Emails page make it.
pub(crate) async fn correct_category(
    state: &AppState,
    caller: &Caller,
    id: i64,
    category: &str,
) -> ApiResult<StoredMail> {
    levier_triage::correct_category(&state.store, id, category, caller.user.id)
        .await
        .map_err(|e| match e {
            TriageError::Store(e) => ApiError::from(e),
            other => ApiError::internal(&other),
        })
}

async fn audit_rule(
    state: &AppState,
    caller: &Caller,
    peer: &SocketAddr,
    action: &str,
    rule: &MailRule,
) {
    let details = serde_json::to_value(&rule.spec).unwrap_or_default();
    let target = format!("mail_rule:{}", rule.id);
    audit(
        state,
        caller,
        &peer.ip().to_string(),
        action,
        target,
        details,
    )
    .await;
}
