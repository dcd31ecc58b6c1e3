//! `levier task list|show|cancel`: the durable tasks seen from the command line.

use crate::cli::TaskCommand;
use crate::exit::{INPUT, coded};
use levier_core::Config;
use levier_core::ids::TaskId;
use levier_store::Store;
use levier_store::tasks::Task;

pub async fn run(config: &Config, cmd: TaskCommand) -> anyhow::Result<()> {
    let store = Store::open(config).await?;
    match cmd {
        TaskCommand::List { limit, json } => {
            let tasks = store.recent_tasks(limit).await?;
            if json {
                return super::print_json(&tasks);
            }
            if tasks.is_empty() {
                println!("no tasks");
            }
            for t in &tasks {
                println!("{}", line(t));
            }
        }
        TaskCommand::Show { id, json } => {
            let task = store
                .task(TaskId(id))
                .await?
                .ok_or_else(|| coded(INPUT, format!("task {id} not found")))?;
            if json {
                return super::print_json(&task);
            }
            println!("{}", line(&task));
            if let Some(e) = &task.last_error {
                println!("last error: {e}");
            }
            if let Some(r) = &task.result {
                println!("result: {r}");
            }
        }
        TaskCommand::Cancel { id } => {
            let status = store.cancel_task(TaskId(id)).await?;
            println!(
                "task {id}: {}",
                serde_json::to_string(&status)?.trim_matches('"')
            );
        }
    }
    Ok(())
}

fn line(t: &Task) -> String {
    let progress = if t.progress_total > 0 {
        format!(" {}/{}", t.progress_done, t.progress_total)
    } else {
        String::new()
    };
    format!(
        "{:>6}  {:<12} {:<10} attempt {}/{}{progress}  {}",
        t.id.0,
        t.kind,
        serde_json::to_string(&t.status)
            .unwrap_or_default()
            .trim_matches('"'),
        t.attempts,
        t.max_attempts,
        t.progress_message
    )
}
