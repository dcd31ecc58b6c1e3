//! This node's support assistant: trained from the store's public FAQ with the search's
//! embedding model, trained again whenever the FAQ changes (an agent's reply turned into a
//! phrasing is answered by the bot at the next question), and handed to the server's desk.

use levier_assist::faq_matcher::FaqKnowledge;
use levier_assist::{Assistant, AssistantSettings};
use levier_index::semantic::follow::Models;
use levier_server::desk::Desk;
use levier_store::Store;
use levier_store::faq::FaqEntryWithPhrasings;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How often the FAQ is checked for changes: a new phrasing is learnt within seconds.
pub const CHECK_EVERY: Duration = Duration::from_secs(5);

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
        let entries: Vec<FaqKnowledge> = store
            .faq_training_set()
            .await?
            .into_iter()
            .filter(|e| e.entry.public)
            .map(knowledge)
            .collect();
        let fingerprint = fingerprint(&entries);
        if self.fingerprint == Some(fingerprint) {
            self.seen_seq = Some(seq);
            return Ok(());
        }
        if entries.len() < 2 {
            desk.set_assistant(None);
            self.fingerprint = Some(fingerprint);
            self.seen_seq = Some(seq);
            anyhow::bail!(
                "the FAQ has fewer than two public entries: every message goes to a person"
            );
        }
        let name = models.wanted().map_err(anyhow::Error::msg)?;
        let (models_name, settings) = (name.clone(), settings.clone());
        let encoder = models.encoder(&models_name)?;
        let count = entries.len();
        let assistant =
            tokio::task::spawn_blocking(move || Assistant::train(encoder, entries, &settings))
                .await??;
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

fn fingerprint(entries: &[FaqKnowledge]) -> u64 {
    let mut hasher = DefaultHasher::new();
    entries.hash(&mut hasher);
    hasher.finish()
}
