//! Running a durable task in this process while drawing its progress: what `levier demo` and
//! `levier ingest` do, so that a long job survives a crash (the task stays in the store and is
//! resumed by the next run or by a server) yet feels like a plain command.

use super::serve::task_runner;
use indicatif::{ProgressBar, ProgressStyle};
use levier_core::Config;
use levier_store::Store;
use levier_store::tasks::{NewTask, Task, TaskStatus};
use std::io::IsTerminal;
use std::time::Duration;

/// Enqueues `task`, runs the queue here until it is final, and returns its output (or its
/// failure as an error). The bar is hidden with `--json` or when stderr is not a terminal.
pub async fn run(
    store: &Store,
    config: &Config,
    task: &NewTask,
    quiet: bool,
) -> anyhow::Result<serde_json::Value> {
    let id = store.enqueue_task(task).await?;
    let bar = if quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg:40!} [{bar:30}] {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let runner = task_runner(config, store, crate::search_index::models(config));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    // The worker is stopped by asking, never aborted: an aborted store call could leave a
    // transaction open.
    let work = tokio::spawn(async move {
        while !*stop_rx.borrow() {
            if !runner.run_one().await? {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Ok::<(), levier_store::StoreError>(())
    });
    let task = wait(store, id, &bar).await;
    let _ = stop_tx.send(true);
    work.await??;
    bar.finish_and_clear();
    let task = task?;
    match task.status {
        TaskStatus::Succeeded => Ok(task.result.unwrap_or_default()),
        _ => Err(anyhow::anyhow!(
            "task {} ({}) {}: {}",
            task.id,
            task.kind,
            serde_json::to_string(&task.status)?.trim_matches('"'),
            task.last_error
                .unwrap_or_else(|| "no reason recorded".into())
        )),
    }
}

async fn wait(
    store: &Store,
    id: levier_core::ids::TaskId,
    bar: &ProgressBar,
) -> anyhow::Result<Task> {
    loop {
        let task = store
            .task(id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("task {id} vanished"))?;
        bar.set_length(task.progress_total.max(0) as u64);
        bar.set_position(task.progress_done.max(0) as u64);
        bar.set_message(task.progress_message.clone());
        if task.status.is_final() {
            return Ok(task);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
