//! The `ingest.folder` durable task, run by the store's task runner against a real store
//! (SQLite, and PostgreSQL when configured): its result, its progress, its cancellation.

mod common;

use common::{TestStore, copy_tree, demo, files_under};
use levier_core::config::TaskConfig;
use levier_core::ids::TaskId;
use levier_ingest::IngestReport;
use levier_ingest::task::{FOLDER_TASK, FolderJob, register};
use levier_store::tasks::{NewTask, Runner, Task, TaskStatus};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

on_both_backends!(
    a_folder_task_stores_the_folder_and_returns_its_report,
    a_folder_task_cancelled_while_running_stops_between_files,
    a_folder_task_with_bad_input_fails_without_retrying,
);

fn runner(t: &TestStore) -> Runner {
    register(Runner::new(
        t.store.clone(),
        "test-worker",
        TaskConfig::default(),
    ))
}

fn job(name: &str, path: &Path, groups: &[&str]) -> FolderJob {
    FolderJob {
        source_name: name.into(),
        path: path.display().to_string(),
        groups: groups.iter().map(|g| g.to_string()).collect(),
        public: false,
    }
}

async fn task(t: &TestStore, id: TaskId) -> Task {
    t.store
        .task(id)
        .await
        .expect("read task")
        .expect("task exists")
}

fn report_of(task: &Task) -> IngestReport {
    serde_json::from_value(task.result.clone().expect("a result")).expect("the result is a report")
}

async fn document_count(t: &TestStore, source: &str) -> usize {
    let id = common::source_id(&t.store, source).await;
    t.store
        .documents_of_source(id)
        .await
        .expect("documents")
        .len()
}

async fn a_folder_task_stores_the_folder_and_returns_its_report(t: &TestStore) {
    let root = t.files.join("docs");
    copy_tree(&demo().join("docs"), &root);
    let count = files_under(&root).len();
    let new = job("docs", &root, &["personnel"]).task();
    assert_eq!(new.kind, FOLDER_TASK);
    let id = t.store.enqueue_task(&new).await.expect("enqueue");
    let runner = runner(t);

    assert!(runner.run_one().await.expect("run"), "the task ran");
    let done = task(t, id).await;
    assert_eq!(done.status, TaskStatus::Succeeded, "{:?}", done.last_error);
    let report = report_of(&done);
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!((report.added, report.unchanged), (count, 0));
    // Progress was recorded file by file, up to the total.
    assert_eq!(
        (done.progress_done, done.progress_total),
        (count as i64, count as i64)
    );
    assert_eq!(document_count(t, "docs").await, count);

    // Run again (a retry after a crash would do the same): nothing is read twice.
    let id = t.store.enqueue_task(&new).await.expect("enqueue");
    assert!(runner.run_one().await.expect("run"));
    let again = report_of(&task(t, id).await);
    assert_eq!(
        (again.added, again.unchanged, again.bytes_read),
        (0, count, 0)
    );
    assert!(!runner.run_one().await.expect("run"), "nothing left to run");
}

async fn a_folder_task_cancelled_while_running_stops_between_files(t: &TestStore) {
    // Enough text that the run is still going when the cancellation arrives: progress is
    // written (and a cancellation noticed) a few times a second, and files are ingested fast.
    let root = t.files.join("notes");
    std::fs::create_dir_all(&root).expect("folder");
    let total = 1500;
    let minutes = "Compte rendu de la réunion d'équipe : les commandes de la semaine sont \
                   parties à l'heure et les retours sont traités sous trois jours.\n\n"
        .repeat(50);
    for n in 0..total {
        std::fs::write(
            root.join(format!("note-{n:04}.md")),
            format!("# Note {n}\n\n## Contexte\n\nCompte rendu numéro {n}.\n\n{minutes}"),
        )
        .expect("write");
    }
    let new = job("notes", &root, &["personnel"]).task();
    let id = t.store.enqueue_task(&new).await.expect("enqueue");
    let runner = Arc::new(runner(t));
    let running = {
        let runner = runner.clone();
        tokio::spawn(async move { runner.run_one().await })
    };

    // Once it has stored a few files, cancel it.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let now = task(t, id).await;
        if now.status == TaskStatus::Running && now.progress_done >= 5 {
            assert_eq!(now.progress_total, total as i64);
            break;
        }
        assert!(
            !now.status.is_final(),
            "the task finished before it could be cancelled: {now:?}"
        );
        assert!(Instant::now() < deadline, "the task never made progress");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    t.store.cancel_task(id).await.expect("cancel");
    assert!(running.await.expect("join").expect("run"));

    let stopped = task(t, id).await;
    assert_eq!(stopped.status, TaskStatus::Cancelled, "{stopped:?}");
    let stored = document_count(t, "notes").await;
    assert!(
        (5..total).contains(&stored),
        "{stored} of {total} documents stored"
    );

    // Enqueued again, it picks up where it stopped.
    let id = t.store.enqueue_task(&new).await.expect("enqueue");
    assert!(runner.run_one().await.expect("run"));
    let done = task(t, id).await;
    assert_eq!(done.status, TaskStatus::Succeeded, "{:?}", done.last_error);
    let report = report_of(&done);
    assert_eq!((report.added, report.unchanged), (total - stored, stored));
    assert_eq!(document_count(t, "notes").await, total);
}

async fn a_folder_task_with_bad_input_fails_without_retrying(t: &TestStore) {
    let runner = runner(t);
    let missing = job("missing", &t.files.join("does-not-exist"), &["personnel"]).task();
    let id = t.store.enqueue_task(&missing).await.expect("enqueue");
    assert!(runner.run_one().await.expect("run"));
    let failed = task(t, id).await;
    assert_eq!((failed.status, failed.attempts), (TaskStatus::Failed, 1));
    assert!(
        failed
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("does-not-exist"),
        "{:?}",
        failed.last_error
    );

    let garbled = NewTask {
        kind: FOLDER_TASK.into(),
        payload: serde_json::json!({ "folder": "/tmp" }),
        max_attempts: 3,
    };
    let id = t.store.enqueue_task(&garbled).await.expect("enqueue");
    assert!(runner.run_one().await.expect("run"));
    let failed = task(t, id).await;
    assert_eq!((failed.status, failed.attempts), (TaskStatus::Failed, 1));
    assert!(
        failed
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("invalid ingest.folder payload"),
        "{:?}",
        failed.last_error
    );
}
