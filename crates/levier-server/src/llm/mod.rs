//! Generative answers in the product: the clients of the configured providers (`[llm.*]`), the
//! stop buttons of answers being written, and the events that record every call and every
//! answer that was not shown. Without a configured use, nothing here runs and levier answers
//! as before (extractive answers, handoffs).
//!
//! [`widget`] rewrites the assistant's extractive answer to a customer; [`search`] writes the
//! answer of the internal search page. Both stream the answer while it is written, check it
//! whole (citations, support, leaks, language), and show the extractive answer when it fails.

pub mod search;
pub mod widget;

use levier_assist::llm::grounded::{AnswerSettings, Prepared};
use levier_assist::llm::{LlmClient, LlmError, LlmUses, Usage, UseCase};
use levier_core::event::{Event, EventKind};
use levier_core::ids::ConversationId;
use levier_store::Store;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::Notify;

/// Longest time an answer may take to be written, whatever the provider's own timeouts say:
/// the request's timeout less a margin to store the reply, so that past it the customer gets
/// the extractive answer rather than an error or a conversation that seems hung.
pub fn answer_deadline(request_timeout: Duration) -> Duration {
    request_timeout
        .saturating_sub(Duration::from_secs(10))
        .max(Duration::from_secs(5))
}

/// The node's generative models, per use, and the answers being written.
#[derive(Default)]
pub struct Llm {
    clients: HashMap<UseCase, Arc<LlmClient>>,
    /// The answers being written to customers, by conversation: the stop button wakes them.
    writing: Mutex<HashMap<ConversationId, Arc<Notify>>>,
}

impl Llm {
    /// The clients of the configured uses the server serves (the assistant, internal Q&A).
    /// A key that cannot be read fails here, at start, not at a customer's first question.
    pub fn new(uses: &LlmUses) -> Result<Llm, LlmError> {
        let mut clients = HashMap::new();
        for use_case in [UseCase::Assistant, UseCase::InternalQa] {
            if let Some(config) = uses.for_use(use_case) {
                clients.insert(use_case, Arc::new(LlmClient::new(config.clone())?));
            }
        }
        Ok(Llm {
            clients,
            writing: Mutex::default(),
        })
    }

    /// The client of `use_case`, when one is configured.
    pub fn client(&self, use_case: UseCase) -> Option<Arc<LlmClient>> {
        self.clients.get(&use_case).cloned()
    }

    /// Asks the answer being written in `conversation` to stop; false when none is.
    pub fn stop(&self, conversation: ConversationId) -> bool {
        match self.lock().get(&conversation) {
            Some(stop) => {
                stop.notify_one();
                true
            }
            None => false,
        }
    }

    /// Registers an answer being written in `conversation`; its stop signal lasts as long as
    /// the returned guard.
    fn writing(&self, conversation: ConversationId) -> Writing<'_> {
        let stop = Arc::new(Notify::new());
        self.lock().insert(conversation, stop.clone());
        Writing {
            llm: self,
            conversation,
            stop,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ConversationId, Arc<Notify>>> {
        self.writing.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// An answer being written; unregisters its stop signal when dropped.
struct Writing<'a> {
    llm: &'a Llm,
    conversation: ConversationId,
    stop: Arc<Notify>,
}

impl Drop for Writing<'_> {
    fn drop(&mut self) {
        let mut writing = self.llm.lock();
        if writing
            .get(&self.conversation)
            .is_some_and(|s| Arc::ptr_eq(s, &self.stop))
        {
            writing.remove(&self.conversation);
        }
    }
}

/// What ends a call early: `stop` (a stop button) or the deadline.
async fn interruption(stop: Option<Arc<Notify>>, deadline: Duration) -> LlmError {
    let stopped = async {
        match stop {
            Some(stop) => stop.notified().await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        () = stopped => LlmError::Interrupted("stopped"),
        () = tokio::time::sleep(deadline) => LlmError::Interrupted("timeout"),
    }
}

/// The company's answer settings in `language` (`fr`, `en`), with the default thresholds.
fn answer_settings(company: &str, language: &str) -> AnswerSettings {
    let (language, tone) = match language {
        "en" => ("en", "polite, warm and concise"),
        _ => ("fr", "vouvoiement, chaleureux et concis"),
    };
    let company = if company.is_empty() {
        "l'entreprise"
    } else {
        company
    };
    AnswerSettings::new(company, language, tone)
}

/// Records that a provider was called, with what was sent (prompt hash, redactions).
async fn record_call(
    store: &Store,
    use_case: UseCase,
    usage: &Usage,
    prepared: &Prepared,
    place: serde_json::Value,
) {
    let mut payload = usage.event_payload(use_case, Some(&prepared.audit));
    payload["place"] = place;
    record(store, EventKind::LlmCalled(payload)).await;
}

/// Records that a generated answer was not shown, and why.
async fn record_fallback(
    store: &Store,
    use_case: UseCase,
    model: &str,
    reason: &str,
    prepared: &Prepared,
    place: serde_json::Value,
) {
    let payload = serde_json::json!({
        "use_case": use_case.name(),
        "model": model,
        "reason": reason,
        "prompt_sha256": prepared.audit.prompt_sha256,
        "redactions": prepared.audit.counts,
        "place": place,
    });
    record(store, EventKind::LlmFellBack(payload)).await;
}

/// An event that cannot be written is logged: the answer still reaches its reader.
async fn record(store: &Store, kind: EventKind) {
    if let Err(e) = store.append_event(&Event::now(kind)).await {
        tracing::warn!(error = %e, "LLM event not recorded");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_stop_reaches_the_answer_being_written_and_only_while_it_is() {
        let llm = Llm::default();
        let conversation = ConversationId(7);
        assert!(!llm.stop(conversation), "nothing is being written");
        let writing = llm.writing(conversation);
        let stop = writing.stop.clone();
        assert!(llm.stop(conversation));
        let why = interruption(Some(stop), Duration::from_secs(60)).await;
        assert_eq!(why.reason(), "stopped");
        drop(writing);
        assert!(!llm.stop(conversation), "the guard unregistered it");
    }

    #[tokio::test]
    async fn the_deadline_interrupts_an_answer_nobody_stops() {
        let why = interruption(None, Duration::from_millis(5)).await;
        assert_eq!(why.reason(), "timeout");
    }
}
