//! `levier demo`: loads the demo company into the data directory (once) and serves it.

use super::serve::serve_with_workers;
use crate::demo::{self, LoadSummary};
use crate::exit::{INPUT, coded};
use crate::lock::DataDirLock;
use levier_core::Config;
use levier_store::Store;
use levier_store::tasks::NewTask;
use std::path::Path;

pub async fn run(config: &Config, fresh: bool, load_only: bool, json: bool) -> anyhow::Result<()> {
    if fresh {
        reset_data_dir(config)?;
    }
    let _lock = DataDirLock::acquire(&config.data_dir)?;
    let store = Store::open(config).await?;
    let loaded = match store.meta(demo::LOADED_KEY).await? {
        Some(_) => None,
        None => Some(load_with_progress(&store, config, json).await?),
    };
    let company = demo::company()?;
    if load_only {
        // Make the documents searchable now, not at the next `serve`.
        crate::search_index::open(config)?.sync(&store).await?;
        let semantic = match super::ingest::embed(config, &store, json).await? {
            super::ingest::Embedded::NoModel { reason } => Some(reason),
            _ => None,
        };
        store.close().await;
        return report(config, &company, loaded.as_ref(), None, semantic, json);
    }
    let name = company.company.name.clone();
    // The server embeds the passages itself (its embedding task) when a model is installed.
    let semantic = crate::search_index::models(config).wanted().err();
    let settings = company.assistant.clone();
    let site_page = demo::site::open_to(&store, &company, &config.addr).await?;
    serve_with_workers(config, store, name, settings, move |addr| {
        let served = Served {
            addr,
            site_page: site_page.as_deref(),
        };
        if let Err(e) = report(
            config,
            &company,
            loaded.as_ref(),
            Some(served),
            semantic,
            json,
        ) {
            tracing::warn!(error = %e, "cannot print the demo summary");
        }
    })
    .await
}

/// Removes the data directory, but only one that levier made (it holds levier.db or nothing).
fn reset_data_dir(config: &Config) -> anyhow::Result<()> {
    if !config.database_url.is_empty() {
        return Err(coded(
            INPUT,
            "--fresh resets the embedded SQLite store only; with PostgreSQL, drop and recreate the database",
        ));
    }
    let dir = &config.data_dir;
    if !dir.exists() {
        return Ok(());
    }
    let ours = dir.join(levier_store::SQLITE_FILE).exists() || is_empty_dir(dir);
    if !ours {
        return Err(coded(
            INPUT,
            format!(
                "{} does not look like a levier data directory (no levier.db); not deleting it",
                dir.display()
            ),
        ));
    }
    let _lock = DataDirLock::acquire(dir)?;
    std::fs::remove_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot delete {}: {e}", dir.display()))
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false)
}

/// Runs the `demo.load` task in this process while drawing its progress.
async fn load_with_progress(
    store: &Store,
    config: &Config,
    json: bool,
) -> anyhow::Result<LoadSummary> {
    let task = NewTask {
        kind: demo::TASK_KIND.into(),
        payload: serde_json::json!({ "data_dir": config.data_dir }),
        max_attempts: 3,
    };
    let result = super::run_task::run(store, config, &task, json)
        .await
        .map_err(|e| anyhow::anyhow!("loading the demo company failed: {e}"))?;
    Ok(serde_json::from_value(result)?)
}

/// Where the demo is served: levier, and the company's page carrying the chat widget.
struct Served<'a> {
    addr: std::net::SocketAddr,
    site_page: Option<&'a str>,
}

fn report(
    config: &Config,
    company: &demo::CompanyFile,
    loaded: Option<&LoadSummary>,
    served: Option<Served>,
    semantic_off: Option<String>,
    json: bool,
) -> anyhow::Result<()> {
    let accounts: Vec<serde_json::Value> = company
        .users
        .iter()
        .map(|u| serde_json::json!({ "email": u.email, "role": u.role, "name": u.name, "password": demo::PASSWORD }))
        .collect();
    if json {
        return super::print_json(&serde_json::json!({
            "data_dir": config.data_dir,
            "url": served.as_ref().map(|s| format!("http://{}", s.addr)),
            "widget_page": served.as_ref().and_then(|s| s.site_page),
            "loaded": loaded,
            "reused": loaded.is_none(),
            "semantic_search": semantic_off.as_ref().map_or_else(
                || serde_json::json!({ "on": true }),
                |why| serde_json::json!({ "on": false, "reason": why }),
            ),
            "accounts": accounts,
        }));
    }
    match loaded {
        Some(s) => println!("{}", s.describe()),
        None => println!(
            "demo company already loaded in {} (use --fresh to reload)",
            config.data_dir.display()
        ),
    }
    match &semantic_off {
        None => println!(
            "semantic search: on (model {})",
            crate::search_index::models(config)
                .wanted()
                .unwrap_or_default()
        ),
        Some(why) => println!(
            "semantic search: off, searching by keywords only — {why}\n  to turn it on: scripts/fetch-models --models-dir {}",
            config.models_dir().display()
        ),
    }
    if let Some(served) = served {
        println!(
            "\n{} is served at http://{}  (Ctrl-C to stop)",
            company.company.name, served.addr
        );
        if let Some(page) = served.site_page {
            println!("its website with the chat widget: {page}");
        }
    }
    println!("\ndemo accounts (password: {}):", demo::PASSWORD);
    for u in &company.users {
        println!("  {:<9} {:<32} {}", u.role, u.email, u.name);
    }
    Ok(())
}
