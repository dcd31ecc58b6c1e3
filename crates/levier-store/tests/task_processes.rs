//! The durable task queue across real OS processes, on SQLite and on PostgreSQL.
//!
//! The test binary re-executes itself: `worker_process` (ignored in normal runs) becomes a task
//! worker when the environment tells it which database to use, so the tests can start several
//! workers on one database, and kill one with SIGKILL in the middle of a task.
#![cfg(unix)]

mod common;

use common::TestStore;
use levier_core::Config;
use levier_core::config::TaskConfig;
use levier_core::ids::TaskId;
use levier_store::Store;
use levier_store::tasks::{NewTask, Runner, TaskContext, TaskFailure, TaskStatus};
use std::collections::{BTreeMap, BTreeSet};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

on_both_backends!(
    two_worker_processes_run_each_task_exactly_once,
    a_task_survives_its_worker_being_killed,
);

/// Set in a worker's environment: how `test.block` behaves (`block` or `complete`).
const ENV_MODE: &str = "LEVIER_TEST_WORKER_MODE";
/// Set in a worker's environment: the SQLite data directory (when no URL is given).
const ENV_DATA_DIR: &str = "LEVIER_TEST_WORKER_DATA_DIR";
/// Set in a worker's environment: the PostgreSQL URL, empty for SQLite.
const ENV_DATABASE_URL: &str = "LEVIER_TEST_WORKER_DATABASE_URL";
/// Set in a worker's environment: where workers leave their marker files.
const ENV_MARKERS: &str = "LEVIER_TEST_WORKER_MARKERS";
/// Set in a worker's environment: how many workers must be ready before any starts working.
const ENV_PEERS: &str = "LEVIER_TEST_WORKER_PEERS";

/// The lease of worker processes: short, so a killed worker's task is retaken quickly.
const WORKER_LEASE_SECS: u64 = 2;

/// How long to wait for workers before declaring a test hung; far above what a healthy run
/// needs, and never used to judge speed.
const DEADLINE: Duration = Duration::from_secs(120);

/// The entry point of worker processes; returns at once in a normal test run.
///
/// It runs a [`Runner`] until killed, and exits by itself if the test that started it dies,
/// so no worker outlives its test even when that test is killed without cleaning up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a worker process started by the other tests of this file"]
async fn worker_process() {
    let Ok(mode) = std::env::var(ENV_MODE) else {
        return;
    };
    let env = |name: &str| std::env::var(name).unwrap_or_default();
    let markers = PathBuf::from(env(ENV_MARKERS));
    let peers: usize = env(ENV_PEERS).parse().expect("peer count");
    let config = Config {
        data_dir: PathBuf::from(env(ENV_DATA_DIR)),
        database_url: env(ENV_DATABASE_URL),
        tasks: TaskConfig {
            workers: 4,
            lease_secs: WORKER_LEASE_SECS,
            max_attempts: 5,
            retry_base_secs: 1,
        },
        ..Config::default()
    };
    let parent = std::os::unix::process::parent_id();
    tokio::spawn(async move {
        loop {
            if std::os::unix::process::parent_id() != parent {
                std::process::exit(0);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });

    let store = Store::open(&config).await.expect("worker opens the store");
    let pid = std::process::id();
    let owner = format!("worker-{pid}");
    let complete_blocked = mode == "complete";
    let mark_dir = markers.clone();
    let block_dir = markers.clone();
    let runner = Runner::new(store, owner, config.tasks.clone())
        .register("test.mark", move |ctx: TaskContext| {
            let dir = mark_dir.clone();
            async move {
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0);
                let marker = dir.join(format!("{}.{pid}.{nanos}", ctx.task.id));
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&marker)
                    .map_err(|e| TaskFailure::Permanent(format!("{}: {e}", marker.display())))?;
                tokio::time::sleep(Duration::from_millis(20)).await;
                Ok(serde_json::json!({"pid": pid, "owner": ctx.owner()}))
            }
        })
        .register("test.block", move |ctx: TaskContext| {
            let dir = block_dir.clone();
            async move {
                std::fs::write(dir.join(format!("started.{pid}")), ctx.task.id.to_string())
                    .map_err(|e| TaskFailure::Permanent(e.to_string()))?;
                if !complete_blocked {
                    std::future::pending::<()>().await;
                }
                Ok(serde_json::json!({"pid": pid, "owner": ctx.owner()}))
            }
        });

    // Start together, so that one worker cannot drain the queue before the other is up.
    std::fs::write(markers.join(format!("ready.{pid}")), "").expect("ready marker");
    let start = Instant::now();
    while count_files(&markers, "ready.") < peers {
        assert!(
            start.elapsed() < DEADLINE,
            "the other workers never started"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // The sender stays alive: the worker runs until its test kills it.
    let (_keep_running, shutdown) = tokio::sync::watch::channel(false);
    runner.run(shutdown).await.expect("runner");
}

/// Worker processes that are killed and reaped when dropped, so that none is left behind even
/// when an assertion fails half-way through a test.
struct Workers {
    children: Vec<Child>,
}

impl Workers {
    fn new() -> Workers {
        Workers {
            children: Vec::new(),
        }
    }

    /// Starts a worker on the test's database and returns its pid. `mode` is how `test.block`
    /// behaves; `peers` is how many workers must be ready before they start claiming.
    fn spawn(&mut self, t: &TestStore, markers: &Path, mode: &str, peers: usize) -> u32 {
        let exe = std::env::current_exe().expect("test binary path");
        let child = Command::new(exe)
            .args(["worker_process", "--exact", "--ignored", "--nocapture"])
            .env(ENV_MODE, mode)
            .env(ENV_DATA_DIR, &t.config.data_dir)
            .env(ENV_DATABASE_URL, &t.config.database_url)
            .env(ENV_MARKERS, markers)
            .env(ENV_PEERS, peers.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start a worker process");
        let pid = child.id();
        self.children.push(child);
        pid
    }

    /// Kills the worker with SIGKILL (no chance to clean up, like a crash) and reaps it.
    fn kill(&mut self, pid: u32) {
        let i = self
            .children
            .iter()
            .position(|c| c.id() == pid)
            .expect("a worker we started");
        let mut child = self.children.swap_remove(i);
        stop(&mut child);
    }

    /// Fails the test if a worker exited by itself: it would otherwise only show as a timeout.
    fn assert_alive(&mut self) {
        for c in &mut self.children {
            let status = c.try_wait().expect("worker status");
            assert!(status.is_none(), "worker {} exited: {status:?}", c.id());
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        for c in &mut self.children {
            stop(c);
        }
    }
}

/// SIGKILLs a child and waits for it; tolerates one that already exited.
fn stop(child: &mut Child) {
    match child.kill() {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::InvalidInput => {}
        Err(e) => eprintln!("could not kill worker {}: {e}", child.id()),
    }
    let _ = child.wait();
}

/// The number of files in `dir` whose name starts with `prefix`.
fn count_files(dir: &Path, prefix: &str) -> usize {
    std::fs::read_dir(dir)
        .expect("read marker dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .count()
}

/// The pids that left a marker for each task id: a `test.mark` run leaves
/// `<task_id>.<pid>.<nanos>`, created with `create_new`, so a task that ran twice has two.
fn markers_by_task(dir: &Path) -> BTreeMap<i64, Vec<u32>> {
    let mut by_task: BTreeMap<i64, Vec<u32>> = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("read marker dir") {
        let name = entry.expect("marker entry").file_name();
        let name = name.to_string_lossy();
        let mut parts = name.split('.');
        let (Some(Ok(id)), Some(Ok(pid))) = (
            parts.next().map(str::parse::<i64>),
            parts.next().map(str::parse::<u32>),
        ) else {
            continue;
        };
        by_task.entry(id).or_default().push(pid);
    }
    by_task
}

/// Polls until `id` reached a final state, checking meanwhile that the workers still run.
async fn wait_until_final(
    store: &Store,
    workers: &mut Workers,
    id: TaskId,
) -> levier_store::tasks::Task {
    let start = Instant::now();
    loop {
        let t = store.task(id).await.expect("read").expect("task exists");
        if t.status.is_final() {
            return t;
        }
        workers.assert_alive();
        assert!(
            start.elapsed() < DEADLINE,
            "task {id} never finished: {t:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn two_worker_processes_run_each_task_exactly_once(t: &TestStore) {
    let markers = tempfile::tempdir().expect("marker dir");
    let mut ids = Vec::new();
    for n in 0..200 {
        ids.push(
            t.store
                .enqueue_task(&NewTask {
                    kind: "test.mark".into(),
                    payload: serde_json::json!({"n": n}),
                    max_attempts: 5,
                })
                .await
                .expect("enqueue"),
        );
    }
    let mut workers = Workers::new();
    let pids: BTreeSet<u32> = (0..2)
        .map(|_| workers.spawn(t, markers.path(), "block", 2))
        .collect();

    let start = Instant::now();
    loop {
        let tasks = t.store.recent_tasks(1000).await.expect("list tasks");
        let failed: Vec<_> = tasks
            .iter()
            .filter(|task| matches!(task.status, TaskStatus::Failed | TaskStatus::Cancelled))
            .collect();
        assert!(failed.is_empty(), "tasks did not succeed: {failed:?}");
        if tasks
            .iter()
            .all(|task| task.status == TaskStatus::Succeeded)
        {
            break;
        }
        workers.assert_alive();
        let left = tasks.iter().filter(|task| !task.status.is_final()).count();
        assert!(
            start.elapsed() < DEADLINE,
            "{left} tasks still unfinished after {DEADLINE:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(workers);

    let by_task = markers_by_task(markers.path());
    let ran_twice: Vec<_> = by_task.iter().filter(|(_, p)| p.len() != 1).collect();
    assert!(
        ran_twice.is_empty(),
        "tasks run more than once: {ran_twice:?}"
    );
    assert_eq!(
        by_task.keys().copied().collect::<BTreeSet<_>>(),
        ids.iter().map(|id| id.0).collect::<BTreeSet<_>>(),
        "every task ran"
    );
    let ran_by: BTreeSet<u32> = by_task.values().flatten().copied().collect();
    assert_eq!(ran_by, pids, "both workers ran tasks");
    for id in ids {
        let done = t.store.task(id).await.expect("read").expect("exists");
        assert_eq!(done.attempts, 1, "{done:?}");
        let pid = by_task[&id.0][0];
        assert_eq!(
            done.result,
            Some(serde_json::json!({"pid": pid, "owner": format!("worker-{pid}")})),
            "the recorded result comes from the worker that ran the task"
        );
    }
}

async fn a_task_survives_its_worker_being_killed(t: &TestStore) {
    let markers = tempfile::tempdir().expect("marker dir");
    let id = t
        .store
        .enqueue_task(&NewTask {
            kind: "test.block".into(),
            payload: serde_json::json!({}),
            max_attempts: 3,
        })
        .await
        .expect("enqueue");
    let mut workers = Workers::new();
    let a = workers.spawn(t, markers.path(), "block", 1);
    let started_a = markers.path().join(format!("started.{a}"));
    let start = Instant::now();
    while !started_a.exists() {
        workers.assert_alive();
        assert!(
            start.elapsed() < DEADLINE,
            "worker A never started the task"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    workers.kill(a);
    let orphaned = t.store.task(id).await.expect("read").expect("exists");
    assert_eq!(orphaned.status, TaskStatus::Running);
    assert_eq!(orphaned.attempts, 1);
    assert_eq!(orphaned.lease_owner, Some(format!("worker-{a}")));

    // B takes the task over once A's lease ran out, and this time the handler completes.
    let b = workers.spawn(t, markers.path(), "complete", 1);
    let done = wait_until_final(&t.store, &mut workers, id).await;
    assert_eq!(done.status, TaskStatus::Succeeded, "{done:?}");
    assert_eq!(done.attempts, 2);
    assert_eq!(
        done.result,
        Some(serde_json::json!({"pid": b, "owner": format!("worker-{b}")}))
    );
    assert_eq!(done.lease_owner, None);
    assert!(markers.path().join(format!("started.{b}")).exists());
}
