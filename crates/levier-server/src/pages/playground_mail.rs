//! The playground's e-mail half: paste a mail as a customer would send it and see what triage
//! decides and why — spam or not, sent by a machine or not, the category with the ones it
//! weighed and its calibrated confidence ("to review" below the threshold), urgency, language,
//! tone, where the routing rules send it, whether the live pilots let triage acknowledge it
//! and draft a reply, and that draft. The company's stored model decides; nothing is stored,
//! no event is written, no KPI moves.

use crate::AppState;
use crate::api::mail::draft_reply;
use crate::error::{ApiError, ApiResult};
use crate::i18n::Catalog;
use levier_assist::hours::Lang;
use levier_store::mail::{RouteFacts, route_for};
use levier_triage::{MailLimits, Triage, TriageModel, parse_mail, stored_model};
use serde::Deserialize;

use super::playground::percent;

/// Longest mail body tried, in bytes (a mail, not an archive).
const BODY_MAX: u64 = 50_000;

/// The mail form.
#[derive(Deserialize, Default)]
pub struct MailForm {
    #[serde(default)]
    pub(super) from: String,
    #[serde(default)]
    pub(super) subject: String,
    #[serde(default)]
    pub(super) body: String,
}

/// A category weighed, as the page shows it.
pub struct CategoryRow {
    pub(super) label: String,
    pub(super) score: String,
    pub(super) in_scope: bool,
}

/// What triage decided about the mail, ready to show.
pub struct MailOutcome {
    /// `spam`, `automatic`, `to_review` or `routed` (for tests and styles).
    pub(super) verdict: &'static str,
    /// The decision in words.
    pub(super) verdict_label: String,
    pub(super) spam: Option<String>,
    pub(super) automatic: Option<String>,
    pub(super) category: String,
    pub(super) confidence: String,
    pub(super) candidates: Vec<CategoryRow>,
    pub(super) urgency: Option<String>,
    pub(super) language: String,
    pub(super) sentiment: &'static str,
    pub(super) route: String,
    /// Whether the live pilots let triage acknowledge the mail and draft its reply.
    pub(super) automated: bool,
    pub(super) draft: Option<String>,
    pub(super) sources: Vec<String>,
    pub(super) no_draft: Option<String>,
}

/// Triage's decision on the form's mail; a blank or oversized mail, or no trained model, is an
/// error for the page to show.
pub async fn decide(state: &AppState, form: &MailForm, t: &Catalog) -> ApiResult<MailOutcome> {
    let body = crate::desk::message_text("body", &form.body, BODY_MAX)?;
    let model = stored_model(&state.store)
        .await
        .map_err(|e| ApiError::internal(&e))?
        .ok_or_else(|| ApiError::bad_request(t.t("playground.mail.untrained")))?;
    let raw = raw_mail(&form.from, &form.subject, &body);
    let mail = parse_mail("playground", raw.as_bytes(), &MailLimits::default())
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let triage = model.classify(&mail);
    outcome(state, &model, &mail, &triage, t).await
}

/// A minimal message carrying the form's fields; line breaks in the headers are flattened so
/// a pasted subject cannot add headers of its own.
fn raw_mail(from: &str, subject: &str, body: &str) -> String {
    let header = |s: &str| s.replace(['\r', '\n'], " ").trim().to_owned();
    let from = match header(from) {
        f if f.is_empty() => "client@example.fr".to_owned(),
        f => f,
    };
    format!(
        "From: {from}\r\nSubject: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}",
        header(subject)
    )
}

async fn outcome(
    state: &AppState,
    model: &TriageModel,
    mail: &levier_triage::Mail,
    triage: &Triage,
    t: &Catalog,
) -> ApiResult<MailOutcome> {
    let scope = state.store.mail_scope().await?;
    let is_spam = triage.spam.is_some_and(|s| s.spam);
    let category = (!triage.to_review).then(|| triage.category.label.clone());
    let facts = RouteFacts {
        category: category.clone(),
        sender: mail.sender_address().to_lowercase(),
        text: format!("{}\n{}", mail.subject, mail.new_text),
        language: triage.language.clone(),
    };
    let route = route_for(&state.store.mail_rules().await?, &facts);
    let automated = !is_spam && triage.automatic.is_none() && scope.covers(category.as_deref());
    let code = verdict(triage);
    let mut out = MailOutcome {
        verdict: code,
        verdict_label: t.t(&format!("playground.mail.verdict.{code}")),
        spam: triage.spam.map(|s| percent(f64::from(s.probability))),
        automatic: triage
            .automatic
            .map(|a| t.t(&format!("playground.mail.automatic.{}", automatic_code(a)))),
        category: triage.category.label.clone(),
        confidence: percent(f64::from(triage.category.confidence)),
        candidates: model
            .category_candidates(mail)
            .into_iter()
            .map(|(label, p)| CategoryRow {
                in_scope: scope.covers(Some(&label)),
                score: percent(f64::from(p)),
                label,
            })
            .collect(),
        urgency: triage
            .urgency
            .as_ref()
            .map(|u| format!("{} ({})", u.label, percent(f64::from(u.confidence)))),
        language: triage.language.clone().unwrap_or_else(|| "?".into()),
        sentiment: triage.sentiment.name(),
        route: route.label(),
        automated,
        draft: None,
        sources: Vec::new(),
        no_draft: None,
    };
    if !automated {
        out.no_draft = Some(t.t("playground.mail.not-automated"));
        return Ok(out);
    }
    let lang = match triage.language.as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Fr,
    };
    let suggestion = draft_reply(state, facts.text, lang).await?;
    out.sources = suggestion.citations.into_iter().map(|c| c.title).collect();
    out.no_draft = suggestion.unavailable;
    out.draft = suggestion.draft;
    Ok(out)
}

/// The decision's code.
fn verdict(triage: &Triage) -> &'static str {
    if triage.spam.is_some_and(|s| s.spam) {
        "spam"
    } else if triage.automatic.is_some() {
        "automatic"
    } else if triage.to_review {
        "to_review"
    } else {
        "routed"
    }
}

fn automatic_code(a: levier_triage::Automatic) -> &'static str {
    match a {
        levier_triage::Automatic::AutoReply => "auto_reply",
        levier_triage::Automatic::Bounce => "bounce",
        levier_triage::Automatic::Bulk => "bulk",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pasted_subject_cannot_add_headers() {
        let raw = raw_mail("", "Bonjour\r\nBcc: x@evil.test", "Texte");
        assert!(
            raw.starts_with("From: client@example.fr\r\nSubject: Bonjour  Bcc: x@evil.test\r\n")
        );
        assert_eq!(raw.matches("\r\n").count(), 4, "{raw}");
    }
}
