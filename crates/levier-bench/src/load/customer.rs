//! A simulated widget customer: one conversation at a time, a few questions from the FAQ with
//! pauses between them, each answer awaited on the conversation's stream; sometimes a request
//! for a person, then the agent's reply awaited on the stream too.

use super::follow::{Follow, Received};
use super::{Ctx, LoadOptions, setup_json};
use crate::BenchError;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::Deserialize;
use std::sync::Arc;
use std::time::Instant;

/// Most questions in one conversation before the customer leaves or asks for a person.
const MAX_QUESTIONS: u32 = 3;

/// The start of every client key the customers write: `load-c<customer>-s<session>-q<n>`.
/// Agents read the session back from it.
pub const KEY_PREFIX: &str = "load-";

#[derive(Deserialize)]
struct Started {
    token: String,
}

#[derive(Deserialize)]
struct Shown {
    id: i64,
}

#[derive(Deserialize)]
struct Written {
    replies: Vec<Shown>,
    status: String,
}

#[derive(Deserialize)]
struct Page {
    messages: Vec<Shown>,
}

#[derive(Deserialize)]
struct FaqEntry {
    question: String,
    language: String,
    public: bool,
}

/// The questions customers ask: the public FAQ's, in French when it has any.
pub async fn faq_questions(
    http: &reqwest::Client,
    options: &LoadOptions,
) -> Result<Vec<String>, BenchError> {
    let url = format!("{}/api/v1/faq", options.urls[0]);
    let request = http.get(&url).bearer_auth(&options.agent_tokens[0]);
    let entries: Vec<FaqEntry> = setup_json(request, &format!("reading the FAQ at {url}")).await?;
    let public: Vec<FaqEntry> = entries.into_iter().filter(|e| e.public).collect();
    let french: Vec<String> = public
        .iter()
        .filter(|e| e.language.starts_with("fr"))
        .map(|e| e.question.clone())
        .collect();
    let questions = if french.is_empty() {
        public.into_iter().map(|e| e.question).collect()
    } else {
        french
    };
    if questions.is_empty() {
        return Err(BenchError::LoadSetup(format!(
            "{url} lists no public FAQ entry to ask: load the demo company first (levier demo --load-only)"
        )));
    }
    Ok(questions)
}

/// Checks on every node that the widget admits the site key and origin: an unknown token then
/// gets a 404, where a refused site or origin gets a 403.
pub async fn check_site(http: &reqwest::Client, options: &LoadOptions) -> Result<(), BenchError> {
    for url in &options.urls {
        let widget = format!("{url}/api/v1/widget/{}/messages", options.site_key);
        let response = http
            .get(&widget)
            .header("origin", &options.origin)
            .header("x-conversation-token", "load-check")
            .timeout(super::REQUEST_TIMEOUT)
            .send()
            .await
            .map_err(|e| {
                BenchError::LoadSetup(format!(
                    "{url} does not answer ({e}): is a node listening there?"
                ))
            })?;
        if response.status() != StatusCode::NOT_FOUND {
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            return Err(BenchError::LoadSetup(format!(
                "{url} refuses the widget of site key {} on origin {} (HTTP {status}): {body}",
                options.site_key, options.origin
            )));
        }
    }
    Ok(())
}

/// Customer `index`'s visits until the run's deadline, after its turn in the ramp-up.
pub async fn visit(ctx: Arc<Ctx>, index: usize) {
    let n = ctx.options.conversations as f64;
    tokio::time::sleep(ctx.options.ramp.mul_f64(index as f64 / n)).await;
    let customer = Customer {
        index,
        node: index % ctx.options.urls.len(),
        address: visitor_address(index),
    };
    let mut rng = StdRng::seed_from_u64(ctx.options.seed.wrapping_add(index as u64));
    let mut session = 0;
    while ctx.running() {
        session += 1;
        ctx.record.count("conversations_started");
        if !customer.session(&ctx, session, &mut rng).await {
            // After an error, a pause before the next conversation: no loop of failures.
            ctx.pause(ctx.options.think, &mut rng).await;
        }
    }
}

/// A distinct address per customer (10.0.0.0/8), sent in `X-Forwarded-For`: nodes that trust
/// the load generator as a proxy apply their per-visitor limits to each customer.
fn visitor_address(index: usize) -> String {
    let n = index + 1;
    format!("10.{}.{}.{}", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff)
}

struct Customer {
    index: usize,
    node: usize,
    address: String,
}

impl Customer {
    fn widget(&self, ctx: &Ctx, path: &str) -> String {
        let base = &ctx.options.urls[self.node];
        format!("{base}/api/v1/widget/{}{path}", ctx.options.site_key)
    }

    fn headers(&self, ctx: &Ctx) -> Vec<(&'static str, String)> {
        vec![
            ("origin", ctx.options.origin.clone()),
            ("x-forwarded-for", self.address.clone()),
        ]
    }

    fn request(&self, ctx: &Ctx, method: Method, path: &str, token: &str) -> RequestBuilder {
        let mut request = ctx.http.request(method, self.widget(ctx, path));
        for (name, value) in self.headers(ctx) {
            request = request.header(name, value);
        }
        if token.is_empty() {
            request
        } else {
            request.header("x-conversation-token", token)
        }
    }

    /// One conversation; false when it stopped on an error.
    async fn session(&self, ctx: &Ctx, session: u64, rng: &mut StdRng) -> bool {
        let start = self.request(ctx, Method::POST, "/conversations", "");
        let start = start.json(&serde_json::json!({ "language": "fr" }));
        let Some(Started { token }) = ctx.json("start", start).await else {
            return false;
        };
        let url = self.widget(ctx, &format!("/stream?token={token}"));
        let Some(mut stream) = Follow::open(ctx, url, self.headers(ctx)).await else {
            return false;
        };
        let read = self.request(ctx, Method::GET, "/messages", &token);
        if ctx.json::<Page>("read", read).await.is_none() {
            return false;
        }
        let mut handed_off = false;
        for q in 1..=rng.random_range(1..=MAX_QUESTIONS) {
            if !ctx.pause(ctx.options.think, rng).await {
                return true;
            }
            match self.ask(ctx, &mut stream, &token, session, q, rng).await {
                None => return false,
                Some(true) => {
                    ctx.record.count("handoffs_by_assistant");
                    handed_off = true;
                    break;
                }
                Some(false) => {}
            }
        }
        if !handed_off {
            match self.ask_person(ctx, &mut stream, &token, rng).await {
                None => return false,
                Some(false) => return true,
                Some(true) => {}
            }
        }
        self.agent_reply(ctx, &mut stream, session).await
    }

    /// Asks for a person, for a share of the conversations; `Some(true)` when it did (and the
    /// notice reached the stream), `None` on an error.
    async fn ask_person(
        &self,
        ctx: &Ctx,
        stream: &mut Follow,
        token: &str,
        rng: &mut StdRng,
    ) -> Option<bool> {
        if !rng.random_bool(ctx.options.handoff_share) || !ctx.pause(ctx.options.think, rng).await {
            return Some(false);
        }
        let sent = Instant::now();
        let asked = self.request(ctx, Method::POST, "/handoff", token);
        let page: Page = ctx.json("handoff", asked).await?;
        ctx.record.count("handoffs_asked");
        let ids: Vec<i64> = page.messages.iter().map(|m| m.id).collect();
        self.delivered(ctx, stream, &ids, sent)
            .await
            .then_some(true)
    }

    /// Asks question `q`; `Some(true)` when the assistant handed the conversation to a person,
    /// `None` on an error.
    async fn ask(
        &self,
        ctx: &Ctx,
        stream: &mut Follow,
        token: &str,
        session: u64,
        q: u32,
        rng: &mut StdRng,
    ) -> Option<bool> {
        let question = &ctx.questions[rng.random_range(0..ctx.questions.len())];
        let text = &worded(question, rng);
        let key = format!("{KEY_PREFIX}c{}-s{session}-q{q}", self.index);
        let body = serde_json::json!({ "text": text, "client_key": key });
        let sent = Instant::now();
        let write = self
            .request(ctx, Method::POST, "/messages", token)
            .json(&body);
        let written: Written = ctx.json("write", write).await?;
        if written.status == "bot" && written.replies.is_empty() {
            ctx.record
                .error("write: no answer", format!("{key}: {text}"));
            return None;
        }
        let ids: Vec<i64> = written.replies.iter().map(|m| m.id).collect();
        self.delivered(ctx, stream, &ids, sent)
            .await
            .then_some(written.status != "bot")
    }

    /// Waits for the assistant's messages `ids` on the stream; false (an error each) for those
    /// that do not come.
    async fn delivered(&self, ctx: &Ctx, stream: &mut Follow, ids: &[i64], sent: Instant) -> bool {
        let until = Instant::now() + ctx.options.delivery_timeout;
        let mut all = true;
        for id in ids {
            ctx.record.expect("assistant");
            match stream.wait_for(ctx, until, |m| m.id == *id).await {
                Some(m) => ctx.record.delivered("assistant", Some(m.at - sent), false),
                None => {
                    all = false;
                    ctx.record.error(
                        "assistant message not delivered",
                        format!(
                            "message {id} (customer {}, node {}) not on the stream after {} s",
                            self.index,
                            self.node,
                            ctx.options.delivery_timeout.as_secs()
                        ),
                    );
                }
            }
        }
        all
    }

    /// Waits for an agent's reply on the stream after a handoff.
    async fn agent_reply(&self, ctx: &Ctx, stream: &mut Follow, session: u64) -> bool {
        ctx.record.expect("agent");
        let key = format!("c{}-s{session}", self.index);
        let until = Instant::now() + ctx.options.reply_timeout;
        let by_agent = |m: &Received| m.author == "agent";
        if let Some(m) = stream.wait_for(ctx, until, by_agent).await {
            let sent = ctx.replies().remove(&key);
            let took = sent.as_ref().map(|s| m.at.saturating_duration_since(s.at));
            let cross = sent.is_some_and(|s| s.node != self.node);
            ctx.record.delivered("agent", took, cross);
            return true;
        }
        let sent = ctx.replies().remove(&key);
        let (kind, what) = match sent {
            Some(s) if s.confirmed => (
                "agent reply lost",
                "the agent's reply was accepted but never reached the customer's stream",
            ),
            _ => ("agent reply missing", "no agent replied"),
        };
        let waited = ctx.options.reply_timeout.as_secs();
        ctx.record.error(
            kind,
            format!(
                "{what} within {waited} s (session {key}, node {})",
                self.node
            ),
        );
        false
    }
}

/// Greetings customers put before their question.
const GREETINGS: [&str; 4] = ["", "Bonjour, ", "Bonjour. ", "Re-bonjour, "];

/// `question` as one customer writes it: a greeting or none, and the order it is about. Every
/// text differs, as real customers' do, so no answer comes from the vectors the server
/// remembers of earlier identical messages: the load costs what new wording costs.
fn worded(question: &str, rng: &mut StdRng) -> String {
    let greeting = GREETINGS[rng.random_range(0..GREETINGS.len())];
    let order: u32 = rng.random_range(100_000..1_000_000);
    format!("{greeting}{question} (commande {order})")
}
