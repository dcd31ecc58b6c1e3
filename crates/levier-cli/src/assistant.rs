//! This node's support assistant: trained from the store's public FAQ with the search's
//! embedding model, trained again whenever the FAQ changes (an agent's reply turned into a
//! phrasing is answered by the bot at the next question), and handed to the server's desk.
//!
//! Each training runs as a task of kind [`TRAIN_KIND`], started by this node (the assistant
//! lives in the memory of the node that serves it, so no other worker may take it over): it
//! is listed with the other tasks (`levier task list`, the API), with what it learnt or why it
//! failed.

use levier_assist::faq_matcher::FaqKnowledge;
use levier_assist::{Assistant, AssistantSettings};
use levier_index::semantic::follow::Models;
use levier_server::desk::Desk;
use levier_store::Store;
use levier_store::faq::FaqEntryWithPhrasings;
use levier_store::tasks::NewTask;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How often the FAQ is checked for changes: a new phrasing is learnt within seconds.
pub const CHECK_EVERY: Duration = Duration::from_secs(5);

/// The kind of the training tasks.
pub const TRAIN_KIND: &str = "assistant.train";

/// How long a training may take before its task counts as abandoned (the node died): training
/// embeds every phrasing, seconds for a few hundred, minutes for tens of thousands.
const TRAIN_LEASE: Duration = Duration::from_secs(30 * 60);

/// Keeps the desk's assistant trained on the current FAQ until `stop`.
pub async fn follow(
    desk: Arc<Desk>,
    store: Store,
    models: Arc<Models>,
    settings: AssistantSettings,
    mut stop: watch::Receiver<bool>,
) {
    let mut trained = Trained::default();
    loop {
        if let Err(e) = trained.refresh(&desk, &store, &models, &settings).await {
            trained.report(&e.to_string());
        }
        tokio::select! {
            _ = tokio::time::sleep(CHECK_EVERY) => {}
            _ = stop.changed() => return,
        }
    }
}

/// What the assistant in place was trained on, the store's change sequence when it was, and
/// the last problem reported (each problem is logged once, not every few seconds).
#[derive(Default)]
struct Trained {
    fingerprint: Option<u64>,
    seen_seq: Option<i64>,
    problem: Option<String>,
}

impl Trained {
    async fn refresh(
        &mut self,
        desk: &Desk,
        store: &Store,
        models: &Models,
        settings: &AssistantSettings,
    ) -> anyhow::Result<()> {
        // Every FAQ write records a change: while the sequence stands still, the FAQ has not
        // changed and is not read again.
        let seq = store.last_change_seq().await?;
        if self.seen_seq == Some(seq) {
            return Ok(());
        }
        let knowledge = Knowledge::read(store).await?;
        let fingerprint = fingerprint(&knowledge);
        if self.fingerprint == Some(fingerprint) {
            self.seen_seq = Some(seq);
            return Ok(());
        }
        if knowledge.entries.len() < 2 {
            desk.set_assistant(None);
            self.fingerprint = Some(fingerprint);
            self.seen_seq = Some(seq);
            anyhow::bail!(
                "the FAQ has fewer than two public entries: every message goes to a person"
            );
        }
        let name = models.wanted().map_err(anyhow::Error::msg)?;
        let encoder = models.encoder(&name)?;
        let count = knowledge.entries.len();
        let assistant = train_as_task(store, encoder, knowledge, settings, &name).await?;
        desk.set_assistant(Some(Arc::new(assistant)));
        self.fingerprint = Some(fingerprint);
        self.seen_seq = Some(seq);
        self.problem = None;
        tracing::info!(entries = count, model = %name, "support assistant trained on the FAQ");
        Ok(())
    }

    fn report(&mut self, problem: &str) {
        if self.problem.as_deref() != Some(problem) {
            tracing::warn!(%problem, "support assistant not (re)trained");
            self.problem = Some(problem.to_string());
        }
    }
}

/// Trains the assistant on `entries`, recorded as a task of this node: succeeded with what was
/// learnt, or failed with the reason.
async fn train_as_task(
    store: &Store,
    encoder: Arc<levier_ml::SentenceEncoder>,
    knowledge: Knowledge,
    settings: &AssistantSettings,
    model: &str,
) -> anyhow::Result<Assistant> {
    let Knowledge {
        entries,
        out_of_scope,
    } = knowledge;
    let phrasings: usize = entries.iter().map(|e| 1 + e.phrasings.len()).sum();
    let summary = serde_json::json!({
        "entries": entries.len(),
        "phrasings": phrasings,
        "out_of_scope_examples": out_of_scope.len(),
        "model": model,
    });
    let new = NewTask {
        kind: TRAIN_KIND.into(),
        payload: summary.clone(),
        max_attempts: 1,
    };
    let owner = crate::commands::serve::worker_id();
    let task = store.start_task(&new, &owner, TRAIN_LEASE).await?;
    let started = Instant::now();
    let settings = settings.clone();
    let trained = tokio::task::spawn_blocking(move || {
        Assistant::train(encoder, entries, out_of_scope, &settings)
    })
    .await
    .map_err(anyhow::Error::from)
    .and_then(|t| t.map_err(anyhow::Error::from));
    match trained {
        Ok(assistant) => {
            let mut result = summary;
            result["seconds"] = started.elapsed().as_secs_f64().into();
            store.complete_task(task, &owner, &result).await?;
            Ok(assistant)
        }
        Err(e) => {
            let reason = e.to_string();
            store
                .fail_task(task, &owner, &reason, true, Duration::ZERO)
                .await?;
            Err(e)
        }
    }
}

/// What the assistant learns: the public FAQ entries with their phrasings, and the messages
/// agents marked as outside the FAQ.
#[derive(Hash)]
struct Knowledge {
    entries: Vec<FaqKnowledge>,
    out_of_scope: Vec<String>,
}

impl Knowledge {
    async fn read(store: &Store) -> anyhow::Result<Knowledge> {
        let entries = store
            .faq_training_set()
            .await?
            .into_iter()
            .filter(|e| e.entry.public)
            .map(knowledge)
            .collect();
        let out_of_scope = store.out_of_scope_examples().await?;
        Ok(Knowledge {
            entries,
            out_of_scope,
        })
    }
}

/// An entry with its phrasings as the matcher learns it.
fn knowledge(e: FaqEntryWithPhrasings) -> FaqKnowledge {
    FaqKnowledge {
        id: e.entry.id.0,
        question: e.entry.question,
        answer: e.entry.answer,
        category: e.entry.category,
        phrasings: e.phrasings.into_iter().map(|p| p.body).collect(),
    }
}

fn fingerprint(knowledge: &Knowledge) -> u64 {
    let mut hasher = DefaultHasher::new();
    knowledge.hash(&mut hasher);
    hasher.finish()
}
