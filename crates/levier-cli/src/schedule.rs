//! Scheduled reports (`[[reports.schedule]]`): after each week or month, the report of the
//! period that ended is written into the schedule's folder, as a durable task so that a
//! crash or a restart does not lose it.
//!
//! Each serving node with task workers looks once a minute for periods not yet reported and
//! enqueues their task, recorded in the store's meta under the schedule and period, so a
//! period is reported once (two nodes checking in the same instant can both enqueue it: the
//! second task then rewrites the same file).

use crate::cli::{ReportFormat, ReportLang};
use crate::commands::report::{self, Request};
use clap::ValueEnum;
use levier_core::Timestamp;
use levier_core::config::ReportSchedule;
use levier_report::period::last_complete;
use levier_report::{DEFAULT_TIME_ZONE, time_zone};
use levier_store::Store;
use levier_store::tasks::{NewTask, Runner, TaskContext, TaskFailure};
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::watch;

/// The kind of the task that writes one scheduled report.
pub const TASK_KIND: &str = "report.scheduled";

/// How often nodes look for periods to report.
const CHECK_EVERY: Duration = Duration::from_secs(60);

/// Enqueues the report of each schedule's last whole period once, until `stop`.
pub async fn follow(store: Store, schedules: Vec<ReportSchedule>, mut stop: watch::Receiver<bool>) {
    loop {
        for schedule in &schedules {
            if let Err(e) = enqueue_due(&store, schedule, Timestamp::now()).await {
                tracing::warn!(schedule = %schedule.name, "scheduled report: {e:#}");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(CHECK_EVERY) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Enqueues the report of `schedule`'s last whole period as of `now`, unless already done;
/// returns the period's label when it enqueued one.
pub async fn enqueue_due(
    store: &Store,
    schedule: &ReportSchedule,
    now: Timestamp,
) -> anyhow::Result<Option<String>> {
    let zone = time_zone(DEFAULT_TIME_ZONE)?;
    let period = last_complete(schedule.every, now, &zone)?;
    let key = format!("report.schedule.{}.{}", schedule.name, period.label);
    if store.meta(&key).await?.is_some() {
        return Ok(None);
    }
    let task = store
        .enqueue_task(&NewTask {
            kind: TASK_KIND.into(),
            payload: serde_json::json!({"schedule": schedule.name, "period": period.label}),
            max_attempts: 3,
        })
        .await?;
    store.set_meta(&key, &task.0.to_string()).await?;
    Ok(Some(period.label))
}

/// Registers the handler that writes a scheduled report.
pub fn register(runner: Runner, schedules: Vec<ReportSchedule>) -> Runner {
    runner.register(TASK_KIND, move |ctx: TaskContext| {
        let schedules = schedules.clone();
        async move { write(&ctx, &schedules).await }
    })
}

/// Writes the report the task names into its schedule's folder.
async fn write(
    ctx: &TaskContext,
    schedules: &[ReportSchedule],
) -> Result<serde_json::Value, TaskFailure> {
    let field = |name: &str| {
        ctx.task.payload[name]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| TaskFailure::Permanent(format!("the task payload has no {name}")))
    };
    let (name, period) = (field("schedule")?, field("period")?);
    let schedule = schedules.iter().find(|s| s.name == name).ok_or_else(|| {
        TaskFailure::Permanent(format!(
            "no schedule '{name}' in the configuration any more"
        ))
    })?;
    std::fs::create_dir_all(&schedule.folder)
        .map_err(|e| TaskFailure::Retry(format!("creating {}: {e}", schedule.folder.display())))?;
    let file = file_name(schedule, &period);
    let request = request(schedule, &period, file.clone())?;
    report::produce(&ctx.store, &request)
        .await
        .map_err(|e| TaskFailure::Retry(format!("{e:#}")))?;
    if !schedule.email.is_empty() {
        let (to, lang) = (&schedule.email, &schedule.lang);
        levier_triage::outbox::enqueue_report(&ctx.store, to, &name, &period, lang, &file)
            .await
            .map_err(|e| TaskFailure::Retry(format!("queueing the mail: {e}")))?;
    }
    Ok(serde_json::json!({"file": file}))
}

/// `FOLDER/levier-NAME-PERIOD.EXT`.
pub fn file_name(schedule: &ReportSchedule, period: &str) -> PathBuf {
    schedule.folder.join(format!(
        "levier-{}-{period}.{}",
        schedule.name, schedule.format
    ))
}

fn request(schedule: &ReportSchedule, period: &str, out: PathBuf) -> Result<Request, TaskFailure> {
    let format = ReportFormat::from_str(&schedule.format, true)
        .map_err(|e| TaskFailure::Permanent(format!("format: {e}")))?;
    let lang = ReportLang::from_str(&schedule.lang, true)
        .map_err(|e| TaskFailure::Permanent(format!("lang: {e}")))?;
    Ok(Request {
        period: period.to_string(),
        time_zone: DEFAULT_TIME_ZONE.into(),
        format,
        lang,
        pilot: schedule.pilot,
        out: Some(out),
    })
}
