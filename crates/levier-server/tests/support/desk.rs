//! Conversations in tests: a site carrying the widget, a widget client, a deterministic
//! stand-in for the assistant, and a reader of event streams.

use super::{Reply, Req, TestApp, remote};
use axum::http::StatusCode;
use futures_util::StreamExt;
use levier_assist::decide::{Action, Decision, FaqCandidate, HandoffReason};
use levier_assist::hours::{BusinessHours, HoursConfig};
use levier_assist::respond::{AnswerSource, BotTurn, Respond, RespondError, Turn};
use levier_core::config::SupportConfig;
use levier_server::desk::Desk;
use levier_store::support::NewSite;
use std::sync::Arc;
use std::time::Duration;

/// The origin the test site allows.
pub const ORIGIN: &str = "https://www.ergolis.fr";

/// TEST DOUBLE of the assistant, for the HTTP plumbing only (the real one is
/// levier-assist's): "livraison" is answered from FAQ entry 1, "retour ou échange" asks
/// which of entries 2 and 3, "panne" fails, a message the server found a passage for is
/// answered with it, anything else is handed off as unsure with entry 2 as a weak candidate.
pub struct TestRespondDouble;

fn candidate(id: i64, p: f32) -> FaqCandidate {
    FaqCandidate {
        entry_id: id,
        question: format!("Question {id} ?"),
        answer: format!("Réponse {id}."),
        category: "livraison".into(),
        probability: p,
    }
}

impl Respond for TestRespondDouble {
    fn answers_from_passages(&self) -> bool {
        true
    }

    fn respond(&self, turn: &Turn<'_>) -> Result<BotTurn, RespondError> {
        let (action, candidates, reply) = if turn.message.contains("livraison") {
            let best = candidate(1, 0.95);
            let reply = best.answer.clone();
            (
                Action::AnswerFaq {
                    entry: best.clone(),
                },
                vec![best],
                reply,
            )
        } else if turn.message.contains("retour ou échange") {
            let options = [candidate(2, 0.5), candidate(3, 0.4)];
            let reply = "Vous voulez dire :".to_string();
            (
                Action::Clarify {
                    options: options.clone(),
                },
                options.to_vec(),
                reply,
            )
        } else if turn.message.contains("panne") {
            return Err(RespondError::Model("test double failure".into()));
        } else if let Some(passage) = turn.passage.clone() {
            let reply = passage.text.clone();
            (Action::AnswerPassage { passage }, Vec::new(), reply)
        } else {
            let reason = HandoffReason::Unsure;
            let reply = "Un conseiller va vous répondre.".to_string();
            (Action::Handoff { reason }, vec![candidate(2, 0.4)], reply)
        };
        let source = match &action {
            Action::AnswerFaq { .. } => Some(AnswerSource {
                title: "Question 1 ?".into(),
                link: None,
            }),
            Action::AnswerPassage { passage } => Some(AnswerSource {
                title: passage.title.clone(),
                link: Some(passage.link.clone()),
            }),
            _ => None,
        };
        Ok(BotTurn {
            decision: Decision {
                action,
                why: format!("test double; {} earlier", turn.earlier.len()),
                signals: Vec::new(),
                confidence: candidates.first().map_or(0.0, |c| c.probability),
                candidates,
                passage: None,
            },
            reply,
            options: Vec::new(),
            source,
        })
    }
}

/// Gives the app these support settings and, when `assistant`, the test double.
pub fn set_desk(app: &mut TestApp, config: SupportConfig, assistant: bool) {
    let hours = BusinessHours::new(&HoursConfig::default()).expect("hours");
    let respond: Option<Arc<dyn Respond>> = assistant.then(|| Arc::new(TestRespondDouble) as _);
    app.state = app
        .state
        .clone()
        .with_desk(Desk::new(&config, hours, respond));
}

/// A website carrying the widget, seen from a visitor's browser.
pub struct WidgetClient {
    /// The site's public key.
    pub key: String,
    /// The page's origin.
    pub origin: String,
}

impl WidgetClient {
    /// Creates a site allowing [`ORIGIN`].
    pub async fn site(app: &TestApp, name: &str) -> WidgetClient {
        let site = app
            .store
            .create_site(&NewSite {
                name: name.into(),
                allowed_origins: vec![ORIGIN.into()],
                default_language: "fr".into(),
                pilot_scope: Default::default(),
            })
            .await
            .expect("site");
        WidgetClient {
            key: site.site_key,
            origin: ORIGIN.into(),
        }
    }

    /// A request to `/api/v1/widget/{key}{suffix}` from the page, from a visitor's address.
    pub fn req(&self, method: &str, suffix: &str) -> Req {
        Req::new(method, &format!("/api/v1/widget/{}{suffix}", self.key))
            .from(remote())
            .header("origin", &self.origin)
    }

    /// Starts a conversation; returns its token.
    pub async fn start(&self, app: &TestApp) -> String {
        let r = app
            .send(
                self.req("POST", "/conversations")
                    .json(&serde_json::json!({})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.json()["token"].as_str().expect("token").to_string()
    }

    /// The customer writes `text` in the conversation of `token`.
    pub async fn say(&self, app: &TestApp, token: &str, text: &str) -> Reply {
        app.send(
            self.req("POST", "/messages")
                .header("x-conversation-token", token)
                .json(&serde_json::json!({ "text": text })),
        )
        .await
    }

    /// The conversation's visible messages.
    pub async fn messages(&self, app: &TestApp, token: &str) -> serde_json::Value {
        let r = app
            .send(
                self.req("GET", "/messages")
                    .header("x-conversation-token", token),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()
    }
}

/// Reads an event stream until `done` holds for what was read; panics after 10 s.
pub async fn read_events(
    body: &mut (impl futures_util::Stream<Item = Result<axum::body::Bytes, axum::Error>> + Unpin),
    seen: &mut String,
    done: impl Fn(&str) -> bool,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !done(seen) {
        let chunk = tokio::time::timeout_at(deadline, body.next())
            .await
            .unwrap_or_else(|_| panic!("event stream timed out; read so far:\n{seen}"))
            .expect("stream open")
            .expect("chunk");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
}

/// The `data:` payloads of the `message` events read so far.
pub fn event_data(seen: &str) -> Vec<serde_json::Value> {
    seen.split("\n\n")
        .filter(|e| e.contains("event: message"))
        .filter_map(|e| e.lines().find_map(|l| l.strip_prefix("data: ")))
        .map(|d| serde_json::from_str(d).expect("json data"))
        .collect()
}
