//! `levier serve`: the web server plus this node's task workers, until Ctrl-C or SIGTERM.

use crate::lock::DataDirLock;
use levier_assist::AssistantSettings;
use levier_assist::hours::BusinessHours;
use levier_core::Config;
use levier_index::Retriever;
use levier_index::semantic::follow::Models;
use levier_server::AppState;
use levier_server::desk::Desk;
use levier_store::Store;
use levier_store::tasks::Runner;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::watch;

pub async fn run(config: &Config) -> anyhow::Result<()> {
    let _lock = DataDirLock::acquire(&config.data_dir)?;
    let store = Store::open(config).await?;
    let company = store.meta("company.name").await?.unwrap_or_default();
    let settings = assistant_settings(&config.assistant)?;
    serve_with_workers(config, store, company, settings, |addr| {
        tracing::info!(%addr, "levier is listening");
        eprintln!("levier is listening on http://{addr}");
    })
    .await
}

/// The `[assistant]` section of the configuration as the assistant's settings (the defaults
/// where it says nothing); a misspelt key or a wrong value is an error naming it.
pub fn assistant_settings(section: &toml::Table) -> anyhow::Result<AssistantSettings> {
    toml::Value::Table(section.clone())
        .try_into()
        .map_err(|e| anyhow::anyhow!("configuration [assistant]: {e}"))
}

/// The `[llm]` section as the uses it configures; a misspelt key is an error naming it.
pub fn llm_uses(section: &toml::Table) -> anyhow::Result<levier_assist::llm::LlmUses> {
    toml::Value::Table(section.clone())
        .try_into()
        .map_err(|e| anyhow::anyhow!("configuration [llm]: {e}"))
}

/// The generative models of the `[llm]` section (none when it is empty); a misspelt key, or an
/// API key that cannot be read, stops the start with a message naming it.
pub fn llm(section: &toml::Table) -> anyhow::Result<levier_server::llm::Llm> {
    let uses = llm_uses(section)?;
    for (name, config) in [
        ("assistant", &uses.assistant),
        ("internal_qa", &uses.internal_qa),
    ] {
        if let Some(config) = config {
            tracing::info!(use_case = name, model = %config.model, local = config.local, "generative answers on");
        }
    }
    Ok(levier_server::llm::Llm::new(&uses)?)
}

/// Serves `store` and runs the task workers, with the support assistant's `settings`;
/// returns after a graceful shutdown.
pub async fn serve_with_workers(
    config: &Config,
    store: Store,
    company: String,
    settings: AssistantSettings,
    on_ready: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    if config.smtp.enabled() {
        // Refuse to start with an unusable [smtp] (password not found…) rather than queue
        // mails that no worker can send.
        levier_triage::Mailer::new(&config.smtp)?;
    }
    let (stop_tx, stop_rx) = watch::channel(false);
    let index = crate::search_index::open(config)?;
    let follower = tokio::spawn(index.clone().follow(
        store.clone(),
        crate::search_index::FOLLOW_EVERY,
        stop_rx.clone(),
    ));
    let search = Arc::new(Retriever::new(index));
    let models = crate::search_index::models(config);
    let runs_tasks = config.tasks.workers > 0;
    let semantic = tokio::spawn(levier_index::semantic::follow::follow(
        search.clone(),
        store.clone(),
        models.clone(),
        crate::search_index::FOLLOW_EVERY,
        runs_tasks,
        stop_rx.clone(),
    ));
    let hours = BusinessHours::new(&settings.hours)?;
    let desk = Desk::new(&config.support, hours, None);
    let state = AppState::new(store.clone(), company, &config.server)
        .with_index(search)
        .with_desk(desk)
        .with_smtp(config.smtp.enabled())
        .with_llm(llm(&config.llm)?);
    let assistant = tokio::spawn(crate::assistant::follow(
        state.desk.clone(),
        store.clone(),
        models.clone(),
        settings,
        stop_rx.clone(),
    ));
    let recovery = tokio::spawn(levier_server::desk::recover::follow(
        state.clone(),
        stop_rx.clone(),
    ));
    // With PostgreSQL, messages published on this node reach agents and customers on others.
    let relay = tokio::spawn(levier_server::desk::relay::follow(
        state.clone(),
        stop_rx.clone(),
    ));
    let schedules = (runs_tasks && !config.reports.schedule.is_empty()).then(|| {
        tokio::spawn(crate::schedule::follow(
            store.clone(),
            config.reports.schedule.clone(),
            stop_rx.clone(),
        ))
    });
    // Nodes that run tasks also enqueue a lead retraining when enough outcomes arrived.
    let retraining = runs_tasks.then(|| {
        tokio::spawn(levier_leads::qualify::follow(
            store.clone(),
            stop_rx.clone(),
        ))
    });
    let worker = runs_tasks.then(|| tokio::spawn(task_runner(config, &store, models).run(stop_rx)));
    let shutdown = async move {
        wait_for_signal().await;
        tracing::info!("shutting down: finishing requests and tasks in progress");
        let _ = stop_tx.send(true);
    };
    levier_server::serve(state, &config.addr, on_ready, shutdown).await?;
    if let Some(worker) = worker {
        worker.await??;
    }
    follower.await?;
    semantic.await?;
    assistant.await?;
    recovery.await?;
    relay.await?;
    if let Some(schedules) = schedules {
        schedules.await?;
    }
    if let Some(retraining) = retraining {
        retraining.await?;
    }
    store.close().await;
    Ok(())
}

/// A task runner with every kind of task this binary knows; embedding tasks share `models`'
/// encoders with the node's search.
pub fn task_runner(config: &Config, store: &Store, models: Arc<Models>) -> Runner {
    let runner = Runner::new(store.clone(), worker_id(), config.tasks.clone());
    let runner = levier_ingest::task::register(crate::demo::register(runner));
    let runner = crate::schedule::register(runner, config.reports.schedule.clone());
    let runner = register_mail(runner, config);
    let runner = levier_leads::qualify::register(runner);
    levier_index::semantic::task::register_task(runner, models)
}

/// The `mail.send` handler when `[smtp]` is configured. A mailer that cannot be built leaves
/// the mails queued (no handler claims them) until the configuration is fixed.
fn register_mail(runner: Runner, config: &Config) -> Runner {
    if !config.smtp.enabled() {
        return runner;
    }
    match levier_triage::Mailer::new(&config.smtp) {
        Ok(mailer) => levier_triage::outbox::register(runner, mailer),
        Err(e) => {
            tracing::error!("mails stay queued, not sent: {e}");
            runner
        }
    }
}

/// Identifies this process among the workers sharing a store.
pub fn worker_id() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "node".into());
    format!("{host}:{}", std::process::id())
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The configuration template with its `[assistant]` example uncommented.
    fn template_with_assistant() -> String {
        let template = levier_core::config::commented_template();
        let (head, example) = template
            .split_once("# [assistant.policy]")
            .expect("the template shows [assistant]");
        let example = format!("# [assistant.policy]{example}");
        let uncommented: Vec<&str> = example
            .lines()
            .map(|l| l.strip_prefix("# ").unwrap_or(l))
            .collect();
        format!("{head}{}", uncommented.join("\n"))
    }

    #[test]
    fn the_template_s_assistant_example_is_valid_and_typos_are_refused() {
        let config = Config::from_toml(&template_with_assistant(), Path::new("/x/levier.toml"))
            .expect("the example parses");
        let settings = assistant_settings(&config.assistant).expect("valid settings");
        assert_eq!(settings.hours.timezone, "Europe/Paris");
        assert_eq!(settings.sensitive.topics.len(), 1);
        BusinessHours::new(&settings.hours).expect("valid hours");

        let typo: toml::Table = toml::from_str("[policy]\nanswer_a = 0.8").expect("toml");
        let e = assistant_settings(&typo)
            .expect_err("unknown key")
            .to_string();
        assert!(e.contains("answer_a") && e.contains("[assistant]"), "{e}");
    }
}
