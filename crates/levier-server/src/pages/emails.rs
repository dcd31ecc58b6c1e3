//! The Emails page (agents and admins): the shared mailbox as triage sorted it — groups by
//! category with their counts, the mails "to review" (triage was not sure enough) first, then
//! the queue filtered by category, each with its confidence, route and ticket — and a
//! correction of the category in one click, which goes through the API's function (recorded,
//! fed back as training data, mail and ticket rerouted).
//!
//! Mail content is hostile input: subjects, senders and bodies are only ever inserted by the
//! templates' escaping, never as markup.

use super::{Page, Shell, page};
use crate::AppState;
use crate::api::mail::{MailFilter, Suggestion, correct_category, mail as find_mail, suggest};
use crate::auth::Caller;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use levier_store::mail::{CategoryCount, MailCorrection, MailQuery, StoredMail};
use serde::Deserialize;

/// The page's path.
const LIST: &str = "/emails";

/// Filters and confirmations of the list.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EmailsQuery {
    category: Option<String>,
    /// `1`: spam only.
    spam: Option<String>,
    done: Option<String>,
}

/// A mail's line.
pub struct MailRow {
    id: i64,
    subject: String,
    sender: String,
    category: String,
    confidence: String,
    urgency: String,
    route: String,
    ticket: Option<i64>,
    to_review: bool,
}

#[derive(Template)]
#[template(path = "emails.html")]
struct EmailsPage {
    shell: Shell,
    groups: Vec<CategoryCount>,
    current: String,
    spam_only: bool,
    review: Vec<MailRow>,
    queue: Vec<MailRow>,
    categories: Vec<String>,
    /// Where a correction in the queue returns to.
    queue_back: String,
}

#[derive(Template)]
#[template(path = "email.html")]
struct EmailPage {
    shell: Shell,
    summary: MailRow,
    /// Where a correction returns to.
    back: String,
    mail: StoredMail,
    attachments: Vec<(String, String)>,
    corrections: Vec<MailCorrection>,
    categories: Vec<String>,
    /// The reply drafted from the knowledge, when drafting worked.
    suggestion: Option<Suggestion>,
}

/// A correction as the form sends it.
#[derive(Deserialize)]
pub struct CorrectionForm {
    category: String,
    /// Where to go back to (a path of this page only).
    #[serde(default)]
    back: String,
}

fn row(m: &StoredMail) -> MailRow {
    let sender = if m.mail.from_name.is_empty() {
        m.mail.from_address.clone()
    } else {
        format!("{} <{}>", m.mail.from_name, m.mail.from_address)
    };
    MailRow {
        id: m.id,
        subject: m.mail.subject.clone(),
        sender,
        category: m.mail.category.clone(),
        confidence: format!("{:.0} %", 100.0 * m.mail.confidence),
        urgency: m.mail.urgency.clone().unwrap_or_default(),
        route: m.route.clone().unwrap_or_default(),
        ticket: m.ticket_id.map(|t| t.0),
        to_review: m.mail.to_review,
    }
}

/// The default taxonomy and any other category mails carry.
fn categories(groups: &[CategoryCount]) -> Vec<String> {
    let mut out: Vec<String> = levier_triage::DEFAULT_CATEGORIES
        .iter()
        .map(|c| c.to_string())
        .collect();
    for g in groups {
        if !g.category.is_empty() && !out.contains(&g.category) {
            out.push(g.category.clone());
        }
    }
    out
}

fn flash(shell: &Shell, done: Option<&str>) -> Option<String> {
    (done? == "corrected").then(|| shell.t.t("emails.done.corrected"))
}

/// `GET /emails`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Query(q): Query<EmailsQuery>,
) -> Response {
    match list_page(&state, &headers, &caller, q).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn list_page(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    q: EmailsQuery,
) -> Result<Response, ApiError> {
    let spam_only = q.spam.as_deref() == Some("1");
    let filter = MailFilter {
        category: q.category.clone(),
        spam: Some(spam_only),
        ..MailFilter::default()
    };
    let queue = state.store.mails(&filter.query()).await?;
    let review = state
        .store
        .mails(&MailQuery {
            to_review: Some(true),
            spam: Some(false),
            limit: Some(100),
            ..MailQuery::default()
        })
        .await?;
    let groups = state.store.mail_categories().await?;
    let Page { mut shell, cookies } = page(state, headers, Some(caller), LIST).await;
    shell.flash = flash(&shell, q.done.as_deref());
    let queue_back = match &q.category {
        Some(c) if !c.is_empty() => format!("{LIST}?category={c}"),
        _ if spam_only => format!("{LIST}?spam=1"),
        _ => LIST.to_owned(),
    };
    let template = EmailsPage {
        queue_back,
        categories: categories(&groups),
        current: q.category.unwrap_or_default(),
        spam_only,
        review: review.iter().map(row).collect(),
        queue: queue
            .iter()
            .filter(|m| !m.mail.to_review || spam_only)
            .map(row)
            .collect(),
        groups,
        shell,
    };
    Ok(super::render_with(&template, StatusCode::OK, cookies))
}

/// `GET /emails/{id}`: the whole mail, escaped, with its classification and corrections.
pub async fn mail(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Response {
    match mail_page(&state, &headers, &caller, id).await {
        Ok(response) => response,
        Err(e) => super::not_found_page(&state, &headers, &caller, LIST, e).await,
    }
}

async fn mail_page(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    id: i64,
) -> Result<Response, ApiError> {
    let mail = find_mail(state, id).await?;
    let corrections = state.store.mail_corrections(id).await?;
    let groups = state.store.mail_categories().await?;
    let suggestion = match suggest(state, &mail).await {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::warn!(mail = id, error = %e.detail, "no reply suggested for the mail");
            None
        }
    };
    let Page { shell, cookies } = page(state, headers, Some(caller), LIST).await;
    let attachments = mail
        .mail
        .attachments
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            let name = a["name"].as_str().unwrap_or_default().to_owned();
            let text = a["text"]
                .as_str()
                .or(a["error"].as_str())
                .unwrap_or_default();
            (name, text.to_owned())
        })
        .collect();
    let template = EmailPage {
        summary: row(&mail),
        back: format!("{LIST}/{id}"),
        categories: categories(&groups),
        attachments,
        corrections,
        suggestion,
        mail,
        shell,
    };
    Ok(super::render_with(&template, StatusCode::OK, cookies))
}

/// `POST /emails/{id}/category`: the one-click correction, then back to where it was made.
pub async fn correct(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(form): Form<CorrectionForm>,
) -> Response {
    match correct_category(&state, &caller, id, &form.category).await {
        Ok(_) => Redirect::to(&back_to(&form.back, id)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The page a correction returns to: a path of the Emails page only (never another site),
/// with the confirmation.
fn back_to(back: &str, id: i64) -> String {
    let safe = back.starts_with(LIST)
        && !back.contains(['#', '\\', '\r', '\n'])
        && !back.starts_with("//");
    let base = if safe { back } else { LIST };
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}done=corrected#mail-{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_correction_returns_only_to_the_emails_page() {
        assert_eq!(
            back_to("/emails?category=autre", 3),
            "/emails?category=autre&done=corrected#mail-3"
        );
        assert_eq!(
            back_to("https://evil.example/", 3),
            "/emails?done=corrected#mail-3"
        );
        assert_eq!(back_to("/emails/3", 3), "/emails/3?done=corrected#mail-3");
    }
}
