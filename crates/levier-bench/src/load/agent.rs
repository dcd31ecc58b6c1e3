//! A simulated agent: looks at the inbox for unassigned open tickets, claims one, reads its
//! conversation, replies after a moment and resolves it; until every customer has finished,
//! so that the last handoffs are answered too.

use super::customer::KEY_PREFIX;
use super::{Ctx, LoadOptions, ReplySent, setup_json};
use crate::BenchError;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use reqwest::RequestBuilder;
use serde::Deserialize;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// Tickets read from the inbox at a time; each agent picks one at random among them, so that
/// agents seldom reach for the same one.
const INBOX_PAGE: usize = 10;

/// An agent: its token, the node it works on and who the server says it is.
pub struct Agent {
    index: usize,
    node: usize,
    token: String,
    user_id: i64,
}

#[derive(Deserialize)]
struct Me {
    user: User,
}

#[derive(Deserialize)]
struct User {
    id: i64,
}

#[derive(Deserialize)]
struct InboxItem {
    ticket: Ticket,
}

#[derive(Deserialize)]
struct Ticket {
    id: i64,
    assignee: Option<i64>,
    handoff_reason: Option<String>,
}

#[derive(Deserialize)]
struct TicketDetail {
    ticket: Ticket,
    messages: Vec<Message>,
}

#[derive(Deserialize)]
struct Message {
    author_kind: String,
    client_key: Option<String>,
}

/// The agents of the run, each token checked on the node its agent works on (agent `i` on
/// node `i + 1`, the next after its customers').
pub async fn identify(
    http: &reqwest::Client,
    options: &LoadOptions,
) -> Result<Vec<Agent>, BenchError> {
    let mut agents = Vec::new();
    for (index, token) in options.agent_tokens.iter().enumerate() {
        let node = (index + 1) % options.urls.len();
        let url = format!("{}/api/v1/me", options.urls[node]);
        let what = format!("agent token #{} at {url}", index + 1);
        let me: Me = setup_json(http.get(&url).bearer_auth(token), &what).await?;
        agents.push(Agent {
            index,
            node,
            token: token.clone(),
            user_id: me.user.id,
        });
    }
    Ok(agents)
}

/// The agent's work until every customer has finished: the next ticket at once after one is
/// handled, a pause of about `agent_poll` only when the inbox had nothing to take.
pub async fn work(ctx: Arc<Ctx>, agent: Agent) {
    let mut rng = StdRng::seed_from_u64(ctx.options.seed ^ (0xa6e7 + agent.index as u64));
    let mut busy = false;
    while !ctx.customers_done.load(Ordering::Acquire) {
        if !busy {
            let poll = ctx.options.agent_poll.mul_f64(rng.random_range(0.5..1.5));
            tokio::time::sleep(poll).await;
        }
        let path = format!("/api/v1/tickets?status=open&assignee=unassigned&limit={INBOX_PAGE}");
        let items = ctx
            .json::<Vec<InboxItem>>("inbox", agent.get(&ctx, &path))
            .await;
        busy = match items.as_deref().and_then(|i| i.choose(&mut rng)) {
            Some(item) => {
                agent.handle(&ctx, item.ticket.id, &mut rng).await;
                true
            }
            None => false,
        };
    }
}

impl Agent {
    fn get(&self, ctx: &Ctx, path: &str) -> RequestBuilder {
        let url = format!("{}{path}", ctx.options.urls[self.node]);
        ctx.http.get(url).bearer_auth(&self.token)
    }

    fn post(&self, ctx: &Ctx, path: &str, body: serde_json::Value) -> RequestBuilder {
        let url = format!("{}{path}", ctx.options.urls[self.node]);
        ctx.http.post(url).bearer_auth(&self.token).json(&body)
    }

    /// Claims ticket `id`, and answers and resolves it unless another agent claimed it too.
    async fn handle(&self, ctx: &Ctx, id: i64, rng: &mut StdRng) {
        let path = format!("/api/v1/tickets/{id}");
        let claim = serde_json::json!({ "user_id": self.user_id });
        if ctx
            .send("assign", self.post(ctx, &format!("{path}/assign"), claim))
            .await
            .is_none()
        {
            return;
        }
        let opened = Instant::now();
        let Some(detail) = ctx
            .json::<TicketDetail>("ticket", self.get(ctx, &path))
            .await
        else {
            return;
        };
        if detail.ticket.assignee != Some(self.user_id) {
            ctx.record.count("claims_lost");
            return;
        }
        let reason = detail.ticket.handoff_reason.as_deref().unwrap_or("none");
        ctx.record.count(format!("handoff_reason_{reason}"));
        let writing = ctx.options.agent_think.mul_f64(rng.random_range(0.5..1.5));
        tokio::time::sleep(writing).await;
        let session = session_of(&detail.messages);
        if !self.reply(ctx, id, session.as_deref(), opened).await {
            return;
        }
        ctx.record.count("tickets_answered");
        let resolve = self.post(ctx, &format!("{path}/resolve"), serde_json::json!({}));
        ctx.send("resolve", resolve).await;
    }

    /// Replies to ticket `id`, telling the customer's `session` (when it is one of this run's)
    /// when and from which node; true when the server accepted it.
    async fn reply(&self, ctx: &Ctx, id: i64, session: Option<&str>, opened: Instant) -> bool {
        if let Some(key) = session {
            let sent = ReplySent {
                at: Instant::now(),
                node: self.node,
                confirmed: false,
            };
            ctx.replies().insert(key.to_owned(), sent);
        }
        let text = format!(
            "Bonjour, je suis l'agent {} et je reprends votre demande (ticket {id}).",
            self.index + 1
        );
        let body = serde_json::json!({
            "text": text,
            "client_key": format!("load-agent{}-t{id}", self.index + 1),
            "handling_ms": opened.elapsed().as_millis() as i64,
        });
        let path = format!("/api/v1/tickets/{id}/reply");
        let accepted = ctx
            .send("reply", self.post(ctx, &path, body))
            .await
            .is_some();
        if let Some(key) = session {
            let mut replies = ctx.replies();
            if !accepted {
                replies.remove(key);
            } else if let Some(sent) = replies.get_mut(key) {
                sent.confirmed = true;
            }
        }
        accepted
    }
}

/// The customer's session key (`c<customer>-s<session>`) from the client key of its first
/// message, for a conversation of this run.
fn session_of(messages: &[Message]) -> Option<String> {
    let key = messages
        .iter()
        .filter(|m| m.author_kind == "customer")
        .find_map(|m| m.client_key.as_deref()?.strip_prefix(KEY_PREFIX))?;
    let (session, _question) = key.rsplit_once('-')?;
    Some(session.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_comes_from_the_first_customer_key_of_this_run() {
        let message = |author: &str, key: Option<&str>| Message {
            author_kind: author.into(),
            client_key: key.map(str::to_owned),
        };
        let messages = [
            message("bot", Some("reply-to:4")),
            message("customer", None),
            message("customer", Some("load-c12-s3-q1")),
        ];
        assert_eq!(session_of(&messages).as_deref(), Some("c12-s3"));
        assert_eq!(session_of(&[message("customer", Some("widget-1"))]), None);
    }
}
