//! Trying the support assistant without a customer: the playground's question and the test
//! sets' runs go through [`super::turn::assistant_turn`], the widget's own path, under the
//! scope of a site or of a pilot, and nothing is recorded as a conversation.
//!
//! A run of a test set is a durable task (`test_set.run`) started by this node, where the
//! assistant lives in memory (as its training is, `assistant.train`): shown and followed like
//! every task, renewed by its progress, cancellable; if the node stops, its lease runs out, the
//! task is settled as failed and the run is started again by a person.

use super::turn::assistant_turn;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use levier_assist::decide::{Action, Decision};
use levier_assist::hours::Lang;
use levier_assist::respond::BotTurn;
use levier_core::ids::{FaqEntryId, PilotId, SiteId, TaskId, UserId};
use levier_store::support::PilotScope;
use levier_store::tasks::{Heartbeat, NewTask};
use levier_store::test_sets::{
    CaseOutcome, Given, NewTestRun, Score, TestCase, TestRunId, TestSet, TestSetId,
};
use std::time::Duration;

/// The kind of task that runs a test set.
pub const RUN_KIND: &str = "test_set.run";

/// A run's lease, renewed by every question's progress (a question takes well under a second).
const LEASE: Duration = Duration::from_secs(60);

/// Whose rules a trial follows: a website's pilot scope, a pilot's (as it will be once live),
/// or none (the whole public FAQ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The assistant of every site without a pilot.
    WholeFaq,
    /// A website's assistant.
    Site(SiteId),
    /// A pilot's assistant.
    Pilot(PilotId),
}

impl Target {
    /// Reads `site:3`, `pilot:2` or an empty choice (the whole FAQ).
    pub fn parse(choice: &str) -> ApiResult<Target> {
        let bad = || ApiError::invalid_field("target", format!("'{choice}' is no site or pilot"));
        match choice.trim().split_once(':') {
            None if choice.trim().is_empty() => Ok(Target::WholeFaq),
            Some(("site", id)) => Ok(Target::Site(SiteId(id.parse().map_err(|_| bad())?))),
            Some(("pilot", id)) => Ok(Target::Pilot(PilotId(id.parse().map_err(|_| bad())?))),
            _ => Err(bad()),
        }
    }

    /// The form value that reads back as this target.
    pub fn value(self) -> String {
        match self {
            Target::WholeFaq => String::new(),
            Target::Site(id) => format!("site:{}", id.0),
            Target::Pilot(id) => format!("pilot:{}", id.0),
        }
    }

    /// The scope the assistant answers under.
    pub async fn scope(self, state: &AppState) -> ApiResult<PilotScope> {
        match self {
            Target::WholeFaq => Ok(PilotScope::default()),
            Target::Site(id) => Ok(state
                .store
                .site(id)
                .await?
                .ok_or_else(|| ApiError::not_found("site"))?
                .pilot_scope),
            Target::Pilot(id) => {
                let pilot = state
                    .store
                    .pilot(id)
                    .await?
                    .ok_or_else(|| ApiError::not_found("pilot"))?;
                Ok(state.store.pilot_trial_scope(&pilot).await?)
            }
        }
    }
}

/// What the assistant would do with `question` under `target`'s scope, as the first message
/// of a conversation in `lang`. Nothing is stored.
pub async fn ask(
    state: &AppState,
    target: Target,
    question: &str,
    lang: Lang,
) -> ApiResult<BotTurn> {
    let scope = target.scope(state).await?;
    Ok(assistant_turn(state, &scope, question, Vec::new(), lang).await)
}

/// What a decision did, as a test case records it.
pub fn given(decision: &Decision) -> Given {
    match &decision.action {
        Action::AnswerFaq { entry } => Given::Answer {
            entry_id: Some(FaqEntryId(entry.entry_id)),
        },
        Action::AnswerPassage { .. } => Given::Answer { entry_id: None },
        Action::Clarify { options } => Given::Clarify {
            entry_ids: options.iter().map(|o| FaqEntryId(o.entry_id)).collect(),
        },
        Action::Handoff { reason } => Given::Handoff {
            reason: reason.code().to_owned(),
        },
    }
}

/// Starts a run of `set` on this node and returns its task; the run is recorded when the task
/// succeeds. Refused while the assistant is not trained (every case would be handed off for
/// that reason alone, which says nothing of the FAQ), and for a set without cases.
pub async fn start_run(state: &AppState, set: TestSetId, by: UserId) -> ApiResult<TaskId> {
    let set = state
        .store
        .test_set(set)
        .await?
        .ok_or_else(|| ApiError::not_found("test set"))?;
    if state.desk.assistant().is_none() {
        return Err(ApiError::unavailable(
            "the assistant is not trained yet (it needs the embedding model and the FAQ): \
             try again in a minute",
        ));
    }
    let cases = state.store.test_cases(set.id).await?;
    if cases.is_empty() {
        return Err(ApiError::invalid_field(
            "cases",
            format!(
                "the test set '{}' has no case yet: add some first",
                set.name
            ),
        ));
    }
    let owner = format!("node:{}", std::process::id());
    let new = NewTask {
        kind: RUN_KIND.into(),
        payload: serde_json::json!({ "test_set_id": set.id.0, "cases": cases.len(), "by": by.0 }),
        max_attempts: 1,
    };
    let task = state.store.start_task(&new, &owner, LEASE).await?;
    let run = Run {
        state: state.clone(),
        set,
        cases,
        task,
        owner,
        by,
    };
    tokio::spawn(run.finish());
    Ok(task)
}

/// A run in progress.
struct Run {
    state: AppState,
    set: TestSet,
    cases: Vec<TestCase>,
    task: TaskId,
    owner: String,
    by: UserId,
}

/// Why a run stopped early.
enum Stopped {
    Cancelled,
    Failed(String),
}

impl Run {
    /// Runs every case and settles the task with the run's figures, its cancellation or its
    /// failure.
    async fn finish(self) {
        let store = self.state.store.clone();
        let (task, owner) = (self.task, self.owner.clone());
        let settled = match self.run().await {
            Ok((id, score)) => {
                let result = serde_json::json!({
                    "run": id.0,
                    "precision": score.precision(),
                    "coverage": score.coverage(),
                });
                store.complete_task(task, &owner, &result).await
            }
            Err(Stopped::Cancelled) => store.finish_cancelled(task, &owner).await,
            Err(Stopped::Failed(why)) => store
                .fail_task(task, &owner, &why, true, Duration::ZERO)
                .await
                .map(|_| ()),
        };
        if let Err(e) = settled {
            tracing::warn!(task = %task, error = %e, "a test set run could not be settled");
        }
    }

    async fn run(self) -> Result<(TestRunId, Score), Stopped> {
        let failed = |e: &dyn std::fmt::Display| Stopped::Failed(e.to_string());
        let scope = match self.set.pilot_id {
            Some(pilot) => Target::Pilot(pilot),
            None => Target::WholeFaq,
        }
        .scope(&self.state)
        .await
        .map_err(|e| Stopped::Failed(e.detail))?;
        let total = self.cases.len() as i64;
        let mut outcomes = Vec::with_capacity(self.cases.len());
        for (done, case) in (0..).zip(&self.cases) {
            self.progress(done, total).await?;
            let bot =
                assistant_turn(&self.state, &scope, &case.question, Vec::new(), Lang::Fr).await;
            let d = &bot.decision;
            outcomes.push(CaseOutcome::new(
                case,
                given(d),
                f64::from(d.confidence),
                d.why.clone(),
            ));
        }
        self.progress(total, total).await?;
        let new = NewTestRun {
            test_set_id: self.set.id,
            task_id: Some(self.task),
            started_by: Some(self.by),
            outcomes,
        };
        let score = Score::of(&new.outcomes);
        let id = self
            .state
            .store
            .record_test_run(&new)
            .await
            .map_err(|e| failed(&e))?;
        Ok((id, score))
    }

    /// Reports progress, which renews the lease; a cancellation stops the run.
    async fn progress(&self, done: i64, total: i64) -> Result<(), Stopped> {
        let message = format!("question {} / {total}", (done + 1).min(total));
        let beat = self
            .state
            .store
            .task_progress(self.task, &self.owner, LEASE, Some((done, total, &message)))
            .await
            .map_err(|e| Stopped::Failed(e.to_string()))?;
        match beat {
            Heartbeat::Continue => Ok(()),
            Heartbeat::CancelRequested => Err(Stopped::Cancelled),
        }
    }
}
