//! The durable task queue's conformance suite: every case runs on SQLite and on a real
//! PostgreSQL server. Cases that depend on wall-clock time (backoff, lease expiry) poll until
//! the expected state is reached, bounded by a generous deadline, and never assert on timing.

mod common;

use common::TestStore;
use levier_core::EventKind;
use levier_core::config::TaskConfig;
use levier_core::ids::TaskId;
use levier_store::events::EventQuery;
use levier_store::tasks::{Heartbeat, NewTask, Runner, Task, TaskContext, TaskFailure, TaskStatus};
use levier_store::{Store, StoreError, StoreResult};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::watch;

on_both_backends!(
    enqueue_claim_progress_complete,
    claim_finds_nothing_runnable_or_of_other_kinds,
    failures_retry_after_a_backoff_or_fail_permanently,
    failing_every_attempt_ends_failed,
    cancelling_a_queued_task_is_immediate,
    cancelling_a_running_task_stops_it_at_its_next_heartbeat,
    an_expired_lease_is_taken_over_and_the_old_worker_fenced_off,
    an_expired_lease_on_the_last_attempt_fails_the_task,
    runner_run_one_records_each_outcome,
    runner_runs_until_shutdown,
    concurrent_claimers_take_each_task_exactly_once,
    a_task_started_by_its_owner_runs_at_once_and_is_never_handed_out,
);

/// A lease long enough that it never expires during a case, so only the cases about expiry
/// ever see a task change hands.
const LONG_LEASE: Duration = Duration::from_secs(60);

/// How long to wait for a state that depends on wall-clock time (a backoff or a lease to run
/// out) before declaring the case hung; far above what any healthy run needs.
const DEADLINE: Duration = Duration::from_secs(60);

/// A task of `kind` with a payload naming it, so payload round-trips can be checked.
fn new_task(kind: &str, max_attempts: i64) -> NewTask {
    NewTask {
        kind: kind.into(),
        payload: serde_json::json!({"kind": kind, "items": [1, 2, 3]}),
        max_attempts,
    }
}

/// The task as stored now; every case reads through the public API like a dashboard would.
async fn task(store: &Store, id: TaskId) -> Task {
    store
        .task(id)
        .await
        .expect("read task")
        .expect("task exists")
}

/// The `(outcome, attempts)` of every `task_finished` event recorded for `id`, in log order:
/// a task must reach a final state exactly once, so cases compare this to a single entry.
async fn finished_events(store: &Store, id: TaskId) -> Vec<(String, i64)> {
    store
        .events(&EventQuery {
            kinds: vec!["task_finished".into()],
            ..Default::default()
        })
        .await
        .expect("read events")
        .iter()
        .filter_map(|e| match e.kind() {
            Some(EventKind::TaskFinished {
                task_id,
                outcome,
                attempts,
                ..
            }) if task_id == id => Some((outcome, attempts)),
            _ => None,
        })
        .collect()
}

/// Claims until a task is handed out: retries and expired leases become claimable only once
/// wall-clock time has passed, so a single immediate claim would make the case timing-bound.
async fn claim_eventually(store: &Store, owner: &str, kinds: &[&str], lease: Duration) -> Task {
    let start = Instant::now();
    loop {
        if let Some(t) = store.claim_task(owner, kinds, lease).await.expect("claim") {
            return t;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "{owner} could not claim a {kinds:?} task within {DEADLINE:?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Polls until the task satisfies `done`, for states reached by a runner in the background.
async fn wait_for(store: &Store, id: TaskId, what: &str, done: impl Fn(&Task) -> bool) -> Task {
    let start = Instant::now();
    loop {
        let t = task(store, id).await;
        if done(&t) {
            return t;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "task {id} never became {what}: {t:?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Asserts that an operation was refused because the worker no longer holds the task: that
/// refusal is what keeps a worker that lost its lease from overwriting the new owner's work.
fn assert_conflict<T: std::fmt::Debug>(result: StoreResult<T>, what: &str) {
    assert!(
        matches!(result, Err(StoreError::Conflict(_))),
        "{what}: expected a Conflict, got {result:?}"
    );
}

async fn enqueue_claim_progress_complete(t: &TestStore) {
    let s = &t.store;
    let id = s
        .enqueue_task(&new_task("test.echo", 3))
        .await
        .expect("enqueue");
    let queued = task(s, id).await;
    assert_eq!(queued.status, TaskStatus::Queued);
    assert_eq!(queued.attempts, 0);
    assert_eq!(queued.max_attempts, 3);
    assert_eq!(queued.lease_owner, None);
    assert_eq!(queued.payload, new_task("test.echo", 3).payload);
    assert!(queued.finished_at.is_none());

    let claimed = s
        .claim_task("worker-1", &["test.echo"], LONG_LEASE)
        .await
        .expect("claim")
        .expect("a task is runnable");
    assert_eq!(claimed.id, id);
    assert_eq!(claimed.status, TaskStatus::Running);
    assert_eq!(claimed.attempts, 1);
    assert_eq!(claimed.lease_owner.as_deref(), Some("worker-1"));
    assert_eq!(claimed.payload, queued.payload);
    assert_eq!(task(s, id).await, claimed, "claim returns the stored task");

    assert_eq!(
        s.task_progress(id, "worker-1", LONG_LEASE, Some((3, 10, "reading files")))
            .await
            .expect("progress"),
        Heartbeat::Continue
    );
    let running = task(s, id).await;
    assert_eq!(
        (
            running.progress_done,
            running.progress_total,
            running.progress_message.as_str()
        ),
        (3, 10, "reading files")
    );
    // A bare heartbeat renews the lease without touching the progress.
    assert_eq!(
        s.task_progress(id, "worker-1", LONG_LEASE, None)
            .await
            .expect("heartbeat"),
        Heartbeat::Continue
    );
    let running = task(s, id).await;
    assert_eq!(
        (running.progress_done, running.progress_message.as_str()),
        (3, "reading files")
    );
    assert_conflict(
        s.task_progress(id, "someone-else", LONG_LEASE, None).await,
        "heartbeat by a worker that never held the task",
    );
    assert_conflict(
        s.complete_task(id, "someone-else", &serde_json::json!({}))
            .await,
        "completion by a worker that never held the task",
    );

    let result = serde_json::json!({"indexed": 10, "note": "réussi"});
    s.complete_task(id, "worker-1", &result)
        .await
        .expect("complete");
    let done = task(s, id).await;
    assert_eq!(done.status, TaskStatus::Succeeded);
    assert!(done.status.is_final());
    assert_eq!(done.result, Some(result));
    assert_eq!(done.lease_owner, None);
    assert_eq!(done.attempts, 1);
    assert!(done.finished_at.is_some());
    assert_eq!(done.last_error, None);
    assert_eq!(
        finished_events(s, id).await,
        vec![("succeeded".to_string(), 1)]
    );
    let events = s
        .events(&EventQuery {
            kinds: vec!["task_finished".into()],
            ..Default::default()
        })
        .await
        .expect("events");
    assert_eq!(
        events.last().and_then(|e| e.kind()),
        Some(EventKind::TaskFinished {
            task_id: id,
            task_kind: "test.echo".into(),
            outcome: "succeeded".into(),
            attempts: 1,
        })
    );

    assert_conflict(
        s.complete_task(id, "worker-1", &serde_json::json!({}))
            .await,
        "completing twice",
    );
    assert_eq!(finished_events(s, id).await.len(), 1);
    assert!(
        s.claim_task("worker-2", &["test.echo"], LONG_LEASE)
            .await
            .expect("claim")
            .is_none(),
        "a finished task was handed out again"
    );
    let recent = s.recent_tasks(10).await.expect("recent");
    assert_eq!(recent.iter().map(|t| t.id).collect::<Vec<_>>(), vec![id]);
}

async fn claim_finds_nothing_runnable_or_of_other_kinds(t: &TestStore) {
    let s = &t.store;
    assert!(
        s.claim_task("w", &["test.a"], LONG_LEASE)
            .await
            .expect("claim on an empty queue")
            .is_none()
    );
    let first = s
        .enqueue_task(&new_task("test.a", 1))
        .await
        .expect("enqueue");
    let second = s
        .enqueue_task(&new_task("test.b", 1))
        .await
        .expect("enqueue");
    let third = s
        .enqueue_task(&new_task("test.a", 1))
        .await
        .expect("enqueue");

    assert!(
        s.claim_task("w", &["test.other"], LONG_LEASE)
            .await
            .expect("claim of another kind")
            .is_none()
    );
    assert!(
        s.claim_task("w", &[], LONG_LEASE)
            .await
            .expect("claim of no kind")
            .is_none()
    );
    for id in [first, second, third] {
        assert_eq!(task(s, id).await.status, TaskStatus::Queued);
    }

    // Oldest first, among the kinds asked for.
    let kinds = ["test.b", "test.a"];
    let mut order = Vec::new();
    while let Some(claimed) = s.claim_task("w", &kinds, LONG_LEASE).await.expect("claim") {
        order.push(claimed.id);
    }
    assert_eq!(order, vec![first, second, third]);
    assert!(
        s.claim_task("w", &kinds, LONG_LEASE)
            .await
            .expect("claim when all are running")
            .is_none(),
        "a task with a live lease was handed out again"
    );
}

async fn failures_retry_after_a_backoff_or_fail_permanently(t: &TestStore) {
    let s = &t.store;
    let kinds = ["test.flaky"];
    let id = s
        .enqueue_task(&new_task("test.flaky", 3))
        .await
        .expect("enqueue");
    s.claim_task("w", &kinds, LONG_LEASE)
        .await
        .expect("claim")
        .expect("runnable");
    assert_conflict(
        s.fail_task(id, "intruder", "boom", false, Duration::ZERO)
            .await,
        "failure reported by a worker that does not hold the task",
    );
    // An hour of backoff: the retry cannot become due while the case runs.
    assert_eq!(
        s.fail_task(
            id,
            "w",
            "network unreachable",
            false,
            Duration::from_secs(3600)
        )
        .await
        .expect("fail with retry"),
        TaskStatus::Queued
    );
    let requeued = task(s, id).await;
    assert_eq!(requeued.status, TaskStatus::Queued);
    assert_eq!(requeued.attempts, 1);
    assert_eq!(requeued.lease_owner, None);
    assert_eq!(requeued.last_error.as_deref(), Some("network unreachable"));
    assert!(requeued.finished_at.is_none());
    assert!(
        s.claim_task("w", &kinds, LONG_LEASE)
            .await
            .expect("claim during the backoff")
            .is_none(),
        "a task was handed out again before its backoff ended"
    );
    assert!(finished_events(s, id).await.is_empty());

    let bad = s
        .enqueue_task(&new_task("test.bad", 5))
        .await
        .expect("enqueue");
    s.claim_task("w", &["test.bad"], LONG_LEASE)
        .await
        .expect("claim")
        .expect("runnable");
    assert_eq!(
        s.fail_task(bad, "w", "payload is not valid", true, Duration::ZERO)
            .await
            .expect("fail permanently"),
        TaskStatus::Failed
    );
    let failed = task(s, bad).await;
    assert_eq!(failed.status, TaskStatus::Failed);
    assert_eq!(failed.attempts, 1, "a permanent failure is not retried");
    assert_eq!(failed.last_error.as_deref(), Some("payload is not valid"));
    assert_eq!(failed.lease_owner, None);
    assert!(failed.finished_at.is_some());
    assert_eq!(
        finished_events(s, bad).await,
        vec![("failed".to_string(), 1)]
    );
    assert!(
        s.claim_task("w", &["test.bad"], LONG_LEASE)
            .await
            .expect("claim")
            .is_none()
    );
}

async fn failing_every_attempt_ends_failed(t: &TestStore) {
    let s = &t.store;
    let kinds = ["test.doomed"];
    let id = s
        .enqueue_task(&new_task("test.doomed", 2))
        .await
        .expect("enqueue");
    // A tiny backoff, so the retry becomes due almost at once.
    let base = Duration::from_millis(1);

    let first = claim_eventually(s, "w", &kinds, LONG_LEASE).await;
    assert_eq!((first.id, first.attempts), (id, 1));
    assert_eq!(
        s.fail_task(id, "w", "first failure", false, base)
            .await
            .expect("fail"),
        TaskStatus::Queued
    );

    let second = claim_eventually(s, "w", &kinds, LONG_LEASE).await;
    assert_eq!((second.id, second.attempts), (id, 2));
    assert_eq!(second.last_error.as_deref(), Some("first failure"));
    assert_eq!(
        s.fail_task(id, "w", "second failure", false, base)
            .await
            .expect("fail"),
        TaskStatus::Failed,
        "a retryable failure on the last attempt gives up"
    );
    let failed = task(s, id).await;
    assert_eq!(failed.status, TaskStatus::Failed);
    assert_eq!(failed.attempts, 2);
    assert_eq!(failed.last_error.as_deref(), Some("second failure"));
    assert!(failed.finished_at.is_some());
    assert_eq!(
        finished_events(s, id).await,
        vec![("failed".to_string(), 2)]
    );
    assert!(
        s.claim_task("w", &kinds, LONG_LEASE)
            .await
            .expect("claim")
            .is_none()
    );
}

async fn cancelling_a_queued_task_is_immediate(t: &TestStore) {
    let s = &t.store;
    let id = s
        .enqueue_task(&new_task("test.cancel", 3))
        .await
        .expect("enqueue");
    assert_eq!(
        s.cancel_task(id).await.expect("cancel"),
        TaskStatus::Cancelled
    );
    let cancelled = task(s, id).await;
    assert_eq!(cancelled.status, TaskStatus::Cancelled);
    assert_eq!(cancelled.attempts, 0);
    assert!(cancelled.finished_at.is_some());
    assert_eq!(
        finished_events(s, id).await,
        vec![("cancelled".to_string(), 0)]
    );
    assert!(
        s.claim_task("w", &["test.cancel"], LONG_LEASE)
            .await
            .expect("claim")
            .is_none(),
        "a cancelled task was handed out"
    );
    // Asking again changes nothing and records nothing more.
    assert_eq!(
        s.cancel_task(id).await.expect("cancel again"),
        TaskStatus::Cancelled
    );
    assert_eq!(finished_events(s, id).await.len(), 1);

    // A finished task keeps its outcome.
    let done = s
        .enqueue_task(&new_task("test.done", 1))
        .await
        .expect("enqueue");
    s.claim_task("w", &["test.done"], LONG_LEASE)
        .await
        .expect("claim")
        .expect("runnable");
    s.complete_task(done, "w", &serde_json::json!(true))
        .await
        .expect("complete");
    assert_eq!(
        s.cancel_task(done).await.expect("cancel finished"),
        TaskStatus::Succeeded
    );
    assert!(!task(s, done).await.cancel_requested);

    assert!(matches!(
        s.cancel_task(TaskId(999_999)).await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn cancelling_a_running_task_stops_it_at_its_next_heartbeat(t: &TestStore) {
    let s = &t.store;
    let id = s
        .enqueue_task(&new_task("test.long", 3))
        .await
        .expect("enqueue");
    s.claim_task("w", &["test.long"], LONG_LEASE)
        .await
        .expect("claim")
        .expect("runnable");
    assert_eq!(
        s.task_progress(id, "w", LONG_LEASE, Some((1, 4, "step 1")))
            .await
            .expect("progress"),
        Heartbeat::Continue
    );
    assert_eq!(
        s.cancel_task(id).await.expect("cancel"),
        TaskStatus::Running,
        "a running task only gets a request"
    );
    let flagged = task(s, id).await;
    assert!(flagged.cancel_requested);
    assert_eq!(flagged.status, TaskStatus::Running);
    assert!(finished_events(s, id).await.is_empty());

    assert_eq!(
        s.task_progress(id, "w", LONG_LEASE, Some((2, 4, "step 2")))
            .await
            .expect("progress"),
        Heartbeat::CancelRequested
    );
    s.finish_cancelled(id, "w").await.expect("finish cancelled");
    let cancelled = task(s, id).await;
    assert_eq!(cancelled.status, TaskStatus::Cancelled);
    assert_eq!(cancelled.lease_owner, None);
    assert_eq!(
        cancelled.last_error.as_deref(),
        Some("cancelled while running")
    );
    assert!(cancelled.finished_at.is_some());
    assert_eq!(
        finished_events(s, id).await,
        vec![("cancelled".to_string(), 1)]
    );
    assert_conflict(
        s.task_progress(id, "w", LONG_LEASE, None).await,
        "heartbeat after the task was cancelled",
    );
}

async fn an_expired_lease_is_taken_over_and_the_old_worker_fenced_off(t: &TestStore) {
    let s = &t.store;
    let kinds = ["test.lease"];
    let lease = Duration::from_secs(1);
    let id = s
        .enqueue_task(&new_task("test.lease", 3))
        .await
        .expect("enqueue");

    let started = Instant::now();
    let a = s
        .claim_task("worker-a", &kinds, lease)
        .await
        .expect("claim")
        .expect("runnable");
    assert_eq!(a.attempts, 1);
    let early = s
        .claim_task("worker-b", &kinds, lease)
        .await
        .expect("claim");
    // Only meaningful when B asked while A's lease surely held; a slow machine skips it.
    if started.elapsed() < lease - Duration::from_millis(100) {
        assert!(early.is_none(), "a task with a live lease was handed out");
    }

    // Worker A stops heartbeating (it hung or died); B takes the task over once the lease ran out.
    let b = match early {
        Some(b) => b,
        None => claim_eventually(s, "worker-b", &kinds, LONG_LEASE).await,
    };
    assert_eq!(b.id, id);
    assert_eq!(b.attempts, 2);
    assert_eq!(b.lease_owner.as_deref(), Some("worker-b"));
    assert_eq!(b.status, TaskStatus::Running);

    // A wakes up: whatever it reports is refused and changes nothing.
    assert_conflict(
        s.complete_task(id, "worker-a", &serde_json::json!({"by": "a"}))
            .await,
        "completion by the worker whose lease expired",
    );
    assert_conflict(
        s.task_progress(id, "worker-a", lease, Some((9, 9, "a")))
            .await,
        "heartbeat by the worker whose lease expired",
    );
    assert_conflict(
        s.fail_task(id, "worker-a", "a failed", false, Duration::ZERO)
            .await,
        "failure by the worker whose lease expired",
    );
    assert_conflict(
        s.finish_cancelled(id, "worker-a").await,
        "cancellation by the worker whose lease expired",
    );
    let held = task(s, id).await;
    assert_eq!(held.status, TaskStatus::Running);
    assert_eq!(held.lease_owner.as_deref(), Some("worker-b"));
    assert_eq!(held.progress_done, 0);
    assert_eq!(held.last_error, None);

    assert_eq!(
        s.task_progress(id, "worker-b", LONG_LEASE, None)
            .await
            .expect("B's heartbeat"),
        Heartbeat::Continue
    );
    s.complete_task(id, "worker-b", &serde_json::json!({"by": "b"}))
        .await
        .expect("B completes");
    let done = task(s, id).await;
    assert_eq!(done.status, TaskStatus::Succeeded);
    assert_eq!(done.result, Some(serde_json::json!({"by": "b"})));
    assert_eq!(done.attempts, 2);
    assert_eq!(
        finished_events(s, id).await,
        vec![("succeeded".to_string(), 2)]
    );
}

async fn an_expired_lease_on_the_last_attempt_fails_the_task(t: &TestStore) {
    let s = &t.store;
    let kinds = ["test.last"];
    let id = s
        .enqueue_task(&new_task("test.last", 1))
        .await
        .expect("enqueue");
    s.claim_task("worker-a", &kinds, Duration::from_millis(300))
        .await
        .expect("claim")
        .expect("runnable");

    // Other workers keep polling: the task must never be handed out again, and the first claim
    // after the lease ran out records it as failed.
    let start = Instant::now();
    let failed = loop {
        let claimed = s
            .claim_task("worker-b", &kinds, LONG_LEASE)
            .await
            .expect("claim");
        assert!(
            claimed.is_none(),
            "a task past its last attempt was handed out: {claimed:?}"
        );
        let now = task(s, id).await;
        if now.status != TaskStatus::Running {
            break now;
        }
        assert!(start.elapsed() < DEADLINE, "the expired task never failed");
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    assert_eq!(failed.status, TaskStatus::Failed);
    assert_eq!(failed.attempts, 1);
    assert_eq!(failed.lease_owner, None);
    assert!(failed.finished_at.is_some());
    assert!(
        failed
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("stopped responding")),
        "{failed:?}"
    );
    assert_eq!(
        finished_events(s, id).await,
        vec![("failed".to_string(), 1)]
    );
    assert_conflict(
        s.complete_task(id, "worker-a", &serde_json::json!({}))
            .await,
        "completion after the task was given up",
    );
    // Later claims find nothing to fail again.
    assert!(
        s.claim_task("worker-b", &kinds, LONG_LEASE)
            .await
            .expect("claim")
            .is_none()
    );
    assert_eq!(finished_events(s, id).await.len(), 1);
}

async fn a_task_started_by_its_owner_runs_at_once_and_is_never_handed_out(t: &TestStore) {
    let s = &t.store;
    let kinds = ["test.own"];
    let id = s
        .start_task(&new_task("test.own", 1), "node-a", LONG_LEASE)
        .await
        .expect("start");
    let started = task(s, id).await;
    assert_eq!(started.status, TaskStatus::Running);
    assert_eq!(started.lease_owner.as_deref(), Some("node-a"));
    assert!(
        s.claim_task("worker-b", &kinds, LONG_LEASE)
            .await
            .expect("claim")
            .is_none(),
        "a task its owner runs is not handed to a worker"
    );
    s.task_progress(id, "node-a", LONG_LEASE, Some((1, 2, "half")))
        .await
        .expect("progress");
    s.complete_task(id, "node-a", &serde_json::json!({"entries": 2}))
        .await
        .expect("complete");
    let done = task(s, id).await;
    assert_eq!(done.status, TaskStatus::Succeeded);
    assert_eq!(done.result, Some(serde_json::json!({"entries": 2})));
    assert_eq!(
        finished_events(s, id).await,
        vec![("succeeded".to_string(), 1)]
    );
}

/// Task settings for runners under test: retries are due at once (`retry_base_secs` 0), so a
/// requeued task can be run again without waiting.
fn runner_config(workers: u32, lease_secs: u64) -> TaskConfig {
    TaskConfig {
        workers,
        lease_secs,
        max_attempts: 3,
        retry_base_secs: 0,
    }
}

async fn runner_run_one_records_each_outcome(t: &TestStore) {
    let s = &t.store;
    let runner = Runner::new(s.clone(), "runner-1", runner_config(1, 30))
        .register("test.echo", |ctx: TaskContext| async move {
            ctx.progress(1, 2, "half way").await?;
            // The progress is visible to anyone reading the store while the handler runs.
            let seen = ctx
                .store
                .task(ctx.task.id)
                .await
                .map_err(|e| TaskFailure::Retry(e.to_string()))?
                .ok_or_else(|| TaskFailure::Permanent("task vanished".into()))?;
            Ok(serde_json::json!({
                "payload": ctx.task.payload,
                "owner": ctx.owner(),
                "seen": [seen.progress_done, seen.progress_total, seen.progress_message],
                "status": seen.status,
            }))
        })
        .register("test.flaky", |ctx: TaskContext| async move {
            if ctx.task.attempts == 1 {
                Err(TaskFailure::Retry("busy, try later".into()))
            } else {
                Ok(serde_json::json!({"attempt": ctx.task.attempts}))
            }
        })
        .register("test.bad", |_ctx: TaskContext| async move {
            Err(TaskFailure::Permanent("malformed input".into()))
        })
        .register("test.always_busy", |_ctx: TaskContext| async move {
            Err(TaskFailure::Retry("still busy".into()))
        });

    assert!(!runner.run_one().await.expect("run on an empty queue"));
    let unknown = s
        .enqueue_task(&new_task("test.unregistered", 1))
        .await
        .expect("enqueue");
    assert!(
        !runner.run_one().await.expect("run"),
        "a kind without a handler was claimed"
    );
    assert_eq!(task(s, unknown).await.status, TaskStatus::Queued);

    // Success, with the handler's progress and output recorded.
    let echo = s
        .enqueue_task(&new_task("test.echo", 3))
        .await
        .expect("enqueue");
    assert!(runner.run_one().await.expect("run echo"));
    let done = task(s, echo).await;
    assert_eq!(done.status, TaskStatus::Succeeded);
    assert_eq!(
        (
            done.progress_done,
            done.progress_total,
            done.progress_message.as_str()
        ),
        (1, 2, "half way")
    );
    assert_eq!(
        done.result,
        Some(serde_json::json!({
            "payload": new_task("test.echo", 3).payload,
            "owner": "runner-1",
            "seen": [1, 2, "half way"],
            "status": "running",
        }))
    );
    assert_eq!(
        finished_events(s, echo).await,
        vec![("succeeded".to_string(), 1)]
    );

    // A retryable failure is queued again, then succeeds on its second attempt.
    let flaky = s
        .enqueue_task(&new_task("test.flaky", 3))
        .await
        .expect("enqueue");
    assert!(runner.run_one().await.expect("run flaky"));
    let requeued = task(s, flaky).await;
    assert_eq!(requeued.status, TaskStatus::Queued);
    assert_eq!(requeued.attempts, 1);
    assert_eq!(requeued.last_error.as_deref(), Some("busy, try later"));
    assert!(finished_events(s, flaky).await.is_empty());
    assert!(
        runner.run_one().await.expect("run flaky again"),
        "with no backoff the retry is due at once"
    );
    let recovered = task(s, flaky).await;
    assert_eq!(recovered.status, TaskStatus::Succeeded);
    assert_eq!(recovered.attempts, 2);
    assert_eq!(recovered.result, Some(serde_json::json!({"attempt": 2})));

    // A permanent failure is never retried.
    let bad = s
        .enqueue_task(&new_task("test.bad", 3))
        .await
        .expect("enqueue");
    assert!(runner.run_one().await.expect("run bad"));
    let failed = task(s, bad).await;
    assert_eq!(failed.status, TaskStatus::Failed);
    assert_eq!(failed.attempts, 1);
    assert_eq!(failed.last_error.as_deref(), Some("malformed input"));
    assert_eq!(
        finished_events(s, bad).await,
        vec![("failed".to_string(), 1)]
    );

    // A retryable failure on the last attempt gives up.
    let busy = s
        .enqueue_task(&new_task("test.always_busy", 2))
        .await
        .expect("enqueue");
    assert!(runner.run_one().await.expect("first attempt"));
    assert_eq!(task(s, busy).await.status, TaskStatus::Queued);
    assert!(runner.run_one().await.expect("second attempt"));
    let exhausted = task(s, busy).await;
    assert_eq!(exhausted.status, TaskStatus::Failed);
    assert_eq!(exhausted.attempts, 2);
    assert_eq!(exhausted.last_error.as_deref(), Some("still busy"));

    assert!(!runner.run_one().await.expect("nothing left"));
    assert_eq!(task(s, unknown).await.status, TaskStatus::Queued);
}

async fn runner_runs_until_shutdown(t: &TestStore) {
    let s = &t.store;
    // A 2 s lease renewed every ~0.7 s by the runner's heartbeat; `test.slow` outlives it.
    let lease_secs = 2;
    let slow_finished = Arc::new(AtomicBool::new(false));
    let flag = slow_finished.clone();
    let runner = Runner::new(s.clone(), "runner-main", runner_config(4, lease_secs))
        .register("test.quick", |ctx: TaskContext| async move {
            ctx.progress(1, 1, "done").await?;
            Ok(serde_json::json!({"n": ctx.task.payload["n"]}))
        })
        .register("test.slow", move |_ctx: TaskContext| {
            let flag = flag.clone();
            async move {
                tokio::time::sleep(Duration::from_secs(lease_secs) + Duration::from_secs(1)).await;
                flag.store(true, Ordering::SeqCst);
                Ok(serde_json::json!("slow done"))
            }
        })
        .register("test.endless", |ctx: TaskContext| async move {
            // Works until cancelled; `?` on progress is how a handler notices.
            for i in 1.. {
                ctx.progress(i, 0, &format!("tick {i}")).await?;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Ok(serde_json::Value::Null)
        });

    let slow = s
        .enqueue_task(&new_task("test.slow", 3))
        .await
        .expect("enqueue");
    let endless = s
        .enqueue_task(&new_task("test.endless", 3))
        .await
        .expect("enqueue");
    let mut quick = Vec::new();
    for n in 0..10 {
        quick.push(
            s.enqueue_task(&NewTask {
                kind: "test.quick".into(),
                payload: serde_json::json!({"n": n}),
                max_attempts: 3,
            })
            .await
            .expect("enqueue"),
        );
    }

    let (stop, stopped) = watch::channel(false);
    let running = tokio::spawn(runner.run(stopped));

    // While the slow handler outlives its first lease, the heartbeats must keep anyone else
    // from taking it over.
    wait_for(s, slow, "running", |t| t.status == TaskStatus::Running).await;
    while !slow_finished.load(Ordering::SeqCst) {
        let stolen = s
            .claim_task("intruder", &["test.slow"], LONG_LEASE)
            .await
            .expect("intruder claim");
        assert!(
            stolen.is_none(),
            "the runner's heartbeats did not keep its lease: {stolen:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Progress of a running handler is visible, and cancelling stops it.
    wait_for(s, endless, "running with progress", |t| {
        t.status == TaskStatus::Running && t.progress_done >= 1
    })
    .await;
    let ticking = task(s, endless).await;
    assert!(ticking.progress_message.starts_with("tick "), "{ticking:?}");
    assert_eq!(ticking.lease_owner.as_deref(), Some("runner-main"));
    assert_eq!(
        s.cancel_task(endless).await.expect("cancel"),
        TaskStatus::Running
    );
    let cancelled = wait_for(s, endless, "cancelled", |t| t.status.is_final()).await;
    assert_eq!(cancelled.status, TaskStatus::Cancelled);
    assert_eq!(cancelled.attempts, 1);

    for &id in &quick {
        let done = wait_for(s, id, "finished", |t| t.status.is_final()).await;
        assert_eq!(done.status, TaskStatus::Succeeded, "{done:?}");
        assert_eq!(done.attempts, 1);
        assert_eq!(
            done.result,
            Some(serde_json::json!({"n": done.payload["n"]}))
        );
    }
    let slow_done = wait_for(s, slow, "finished", |t| t.status.is_final()).await;
    assert_eq!(slow_done.status, TaskStatus::Succeeded);
    assert_eq!(slow_done.attempts, 1, "the slow task was taken over");
    assert_eq!(slow_done.result, Some(serde_json::json!("slow done")));

    stop.send(true).expect("runner listens");
    tokio::time::timeout(DEADLINE, running)
        .await
        .expect("the runner stops after shutdown")
        .expect("runner task")
        .expect("runner result");

    // Stopped runners claim nothing more.
    let late = s
        .enqueue_task(&new_task("test.quick", 1))
        .await
        .expect("enqueue");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(task(s, late).await.status, TaskStatus::Queued);
}

async fn concurrent_claimers_take_each_task_exactly_once(t: &TestStore) {
    // Two pools on the same database stand for two processes.
    let other = Store::open(&t.config).await.expect("second store");
    let mut ids = BTreeSet::new();
    for _ in 0..100 {
        ids.insert(
            t.store
                .enqueue_task(&new_task("test.many", 3))
                .await
                .expect("enqueue"),
        );
    }
    let mut claimers = Vec::new();
    for w in 0..4 {
        let s = if w % 2 == 0 {
            t.store.clone()
        } else {
            other.clone()
        };
        claimers.push(tokio::spawn(async move {
            let owner = format!("claimer-{w}");
            let mut mine = Vec::new();
            while let Some(claimed) = s
                .claim_task(&owner, &["test.many"], LONG_LEASE)
                .await
                .expect("claim under contention")
            {
                s.complete_task(claimed.id, &owner, &serde_json::json!({"by": owner}))
                    .await
                    .expect("complete under contention");
                mine.push(claimed.id);
            }
            (owner, mine)
        }));
    }
    let mut claimed_by: HashMap<TaskId, Vec<String>> = HashMap::new();
    for c in claimers {
        let (owner, mine) = c.await.expect("claimer");
        for id in mine {
            claimed_by.entry(id).or_default().push(owner.clone());
        }
    }
    let twice: Vec<_> = claimed_by.iter().filter(|(_, o)| o.len() > 1).collect();
    assert!(twice.is_empty(), "tasks claimed more than once: {twice:?}");
    assert_eq!(
        claimed_by.keys().copied().collect::<BTreeSet<_>>(),
        ids,
        "tasks never claimed"
    );
    for (id, owners) in &claimed_by {
        let done = task(&t.store, *id).await;
        assert_eq!(done.status, TaskStatus::Succeeded);
        assert_eq!(done.attempts, 1);
        assert_eq!(done.result, Some(serde_json::json!({"by": owners[0]})));
    }
    let finished = t
        .store
        .events(&EventQuery {
            kinds: vec!["task_finished".into()],
            ..Default::default()
        })
        .await
        .expect("events");
    assert_eq!(finished.len(), 100, "one task_finished event per task");
}
