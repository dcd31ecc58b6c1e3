//! The playground (administrators and AI champions): ask the support assistant a question as a
//! customer of a chosen website, or of a pilot still in preparation, would, and see what it
//! decides and why — the action, the FAQ candidates with their scores, the calibrated
//! confidence, the reason and the words the customer would read. The question goes through the
//! widget's own decision ([`crate::desk::trial`]) and nothing is recorded: no conversation, no
//! event, no KPI moves.
//!
//! The page's second form tries e-mail triage the same way ([`super::playground_mail`]).
//!
//! The question is the caller's text: it is only ever inserted by the template's escaping.

use super::playground_mail::{self, MailForm, MailOutcome};
use super::{Page, page};
use crate::AppState;
use crate::auth::Caller;
use crate::desk::trial::{self, Target};
use crate::error::ApiError;
use crate::i18n::Catalog;
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use levier_assist::decide::{Action, Decision};
use levier_assist::hours::Lang;
use levier_assist::respond::BotTurn;
use levier_assist::signals::SignalKind;
use levier_store::pilots::PilotStatus;
use levier_store::support::PilotScope;
use serde::Deserialize;

/// The page's path.
pub const PATH: &str = "/playground";

/// A choice of whose assistant answers.
pub struct Choice {
    value: String,
    label: String,
}

/// An FAQ candidate as the page shows it.
pub struct CandidateRow {
    entry_id: i64,
    question: String,
    category: String,
    score: String,
    in_scope: bool,
}

/// What the assistant decided, ready to show.
pub struct Outcome {
    /// `answer_faq`, `answer_passage`, `clarify` or `handoff` (for tests and styles).
    action: &'static str,
    /// The decision in words.
    label: String,
    confidence: String,
    why: String,
    reply: String,
    signals: Vec<String>,
    candidates: Vec<CandidateRow>,
    passage: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "playground.html")]
struct PlaygroundPage {
    shell: super::Shell,
    choices: Vec<Choice>,
    target: String,
    english: bool,
    question: String,
    outcome: Option<Outcome>,
    trained: bool,
    error: Option<String>,
    mail: MailForm,
    mail_outcome: Option<MailOutcome>,
    mail_error: Option<String>,
}

/// The playground's form.
#[derive(Deserialize, Default)]
pub struct AskForm {
    #[serde(default)]
    target: String,
    #[serde(default)]
    question: String,
    #[serde(default)]
    lang: String,
}

/// `GET /playground`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
) -> Response {
    render(&state, &headers, &caller, Asked::Nothing).await
}

/// `POST /playground/mail`: triage's decision on the mail, shown and forgotten.
pub async fn try_mail(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Form(form): Form<MailForm>,
) -> Response {
    render(&state, &headers, &caller, Asked::Mail(form)).await
}

/// What the page was asked.
enum Asked {
    /// Nothing yet.
    Nothing,
    /// A customer's question for the assistant, and its decision.
    Question(AskForm, Box<Result<(BotTurn, PilotScope), ApiError>>),
    /// A mail for triage (decided with the page's language at hand).
    Mail(MailForm),
}

/// `POST /playground`: the question's decision, shown and forgotten.
pub async fn ask(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Form(form): Form<AskForm>,
) -> Response {
    let decided = decide(&state, &form).await;
    render(
        &state,
        &headers,
        &caller,
        Asked::Question(form, Box::new(decided)),
    )
    .await
}

/// The turn for the form's question; a blank or oversized question, or an unknown site or
/// pilot, is an error for the page to show.
async fn decide(state: &AppState, form: &AskForm) -> Result<(BotTurn, PilotScope), ApiError> {
    let max = state.desk.config.message_max_bytes;
    let question = crate::desk::message_text("question", &form.question, max)?;
    let target = Target::parse(&form.target)?;
    let lang = if form.lang == "en" {
        Lang::En
    } else {
        Lang::Fr
    };
    let scope = target.scope(state).await?;
    let turn = trial::ask(state, target, &question, lang).await?;
    Ok((turn, scope))
}

async fn render(state: &AppState, headers: &HeaderMap, caller: &Caller, asked: Asked) -> Response {
    let choices = match choices(state).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let Page { shell, cookies } = page(state, headers, Some(caller), PATH).await;
    let (mut form, mut outcome, mut error) = (AskForm::default(), None, None);
    let (mut mail, mut mail_outcome, mut mail_error) = (MailForm::default(), None, None);
    match asked {
        Asked::Nothing => {}
        Asked::Question(asked, decided) => {
            form = asked;
            match *decided {
                Ok((turn, scope)) => outcome = Some(self::outcome(shell.t, &turn, &scope)),
                Err(e) => error = Some(e.detail),
            }
        }
        Asked::Mail(asked) => {
            match playground_mail::decide(state, &asked, shell.t).await {
                Ok(found) => mail_outcome = Some(found),
                Err(e) => mail_error = Some(e.detail),
            }
            mail = asked;
        }
    }
    let status = super::status_for(error.is_some() || mail_error.is_some());
    let template = PlaygroundPage {
        choices,
        target: form.target,
        english: form.lang == "en",
        question: form.question,
        outcome,
        trained: state.desk.assistant().is_some(),
        error,
        mail,
        mail_outcome,
        mail_error,
        shell,
    };
    super::render_with(&template, status, cookies)
}

/// The whole FAQ, each website, and each pilot not closed yet.
async fn choices(state: &AppState) -> Result<Vec<Choice>, ApiError> {
    let mut out = vec![Choice {
        value: Target::WholeFaq.value(),
        label: String::new(),
    }];
    for site in state.store.sites().await? {
        out.push(Choice {
            value: Target::Site(site.id).value(),
            label: site.name,
        });
    }
    for pilot in state.store.pilots().await? {
        if pilot.status != PilotStatus::Closed {
            out.push(Choice {
                value: Target::Pilot(pilot.id).value(),
                label: pilot.name,
            });
        }
    }
    Ok(out)
}

/// The decision in the page's words.
fn outcome(t: &Catalog, turn: &BotTurn, scope: &PilotScope) -> Outcome {
    let d = &turn.decision;
    Outcome {
        action: action_code(d),
        label: decision_label(t, d),
        confidence: percent(f64::from(d.confidence)),
        why: d.why.clone(),
        reply: turn.reply.clone(),
        signals: d
            .signals
            .iter()
            .map(|s| format!("{} « {} »", t.t(signal_key(s.kind)), s.evidence))
            .collect(),
        candidates: d
            .candidates
            .iter()
            .map(|c| CandidateRow {
                entry_id: c.entry_id,
                question: c.question.clone(),
                category: c.category.clone(),
                score: percent(f64::from(c.probability)),
                in_scope: scope.allows_entry(c.entry_id, &c.category),
            })
            .collect(),
        passage: d
            .passage
            .as_ref()
            .map(|p| (p.title.clone(), percent(f64::from(p.confidence)))),
    }
}

/// The action's code, as tests and the test sets name it.
pub fn action_code(d: &Decision) -> &'static str {
    match d.action {
        Action::AnswerFaq { .. } => "answer_faq",
        Action::AnswerPassage { .. } => "answer_passage",
        Action::Clarify { .. } => "clarify",
        Action::Handoff { .. } => "handoff",
    }
}

/// "Répond avec l'entrée n° 3", "Transfère à un conseiller : Hors de la FAQ"…
fn decision_label(t: &Catalog, d: &Decision) -> String {
    match &d.action {
        Action::AnswerFaq { entry } => {
            t.t1("playground.decision.answer_faq", "id", &entry.entry_id)
        }
        Action::AnswerPassage { .. } => t.t("playground.decision.answer_passage"),
        Action::Clarify { .. } => t.t("playground.decision.clarify"),
        Action::Handoff { reason } => format!(
            "{} : {}",
            t.t("playground.decision.handoff"),
            t.t(&format!("reason.{}", reason.code()))
        ),
    }
}

/// A signal's name: the handoff reason it raises.
fn signal_key(kind: SignalKind) -> &'static str {
    match kind {
        SignalKind::HumanRequest => "reason.human_request",
        SignalKind::Unhappy => "reason.unhappy",
        SignalKind::SensitiveTopic => "reason.sensitive_topic",
    }
}

/// A share as a percentage with one decimal.
pub fn percent(share: f64) -> String {
    format!("{:.1} %", share * 100.0)
}
