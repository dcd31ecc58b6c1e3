//! `levier backup FILE` and `levier restore FILE`.
//!
//! SQLite: the store writes and checks the copy itself. PostgreSQL: PostgreSQL's own tools are
//! consistent online and restore faithfully, so levier runs `pg_dump`/`pg_restore` (from the
//! PostgreSQL client package) and checks that a dump holds a levier database before restoring it.

use crate::exit::{FAILURE, INPUT, coded};
use crate::lock::DataDirLock;
use levier_core::Config;
use levier_core::config::mask_url_password;
use levier_store::{SQLITE_FILE, Store};
use std::path::Path;
use tokio::process::Command;

pub async fn backup(config: &Config, file: &Path, json: bool) -> anyhow::Result<()> {
    let store = Store::open(config).await?;
    let bytes = if config.database_url.is_empty() {
        store.backup_sqlite(file).await?
    } else {
        pg_dump(&config.database_url, file).await?
    };
    store.close().await;
    if json {
        return super::print_json(&serde_json::json!({ "file": file, "bytes": bytes }));
    }
    println!("backup written to {} ({bytes} bytes)", file.display());
    Ok(())
}

pub async fn restore(config: &Config, file: &Path) -> anyhow::Result<()> {
    let _lock = DataDirLock::acquire(&config.data_dir)?;
    if config.database_url.is_empty() {
        levier_store::backup::restore_sqlite(file, &config.data_dir.join(SQLITE_FILE)).await?;
    } else {
        pg_restore(&config.database_url, file).await?;
    }
    let store = Store::open(config).await?;
    let counts = store.counts().await?;
    store.close().await;
    println!(
        "restored {} ({} users, {} documents, {} events)",
        file.display(),
        counts.users,
        counts.documents,
        counts.events
    );
    Ok(())
}

async fn pg_dump(url: &str, file: &Path) -> anyhow::Result<u64> {
    if file.exists() {
        return Err(coded(
            INPUT,
            format!("{} already exists; choose a new file", file.display()),
        ));
    }
    run_tool(
        url,
        Command::new("pg_dump")
            .arg("--format=custom")
            .arg("--file")
            .arg(file)
            .arg(url),
    )
    .await?;
    Ok(std::fs::metadata(file)?.len())
}

async fn pg_restore(url: &str, file: &Path) -> anyhow::Result<()> {
    let listing = Command::new("pg_restore")
        .arg("--list")
        .arg(file)
        .output()
        .await;
    let is_levier = matches!(&listing, Ok(out) if out.status.success()
        && String::from_utf8_lossy(&out.stdout).contains("TABLE public levier_migrations"));
    if !is_levier {
        return Err(coded(
            INPUT,
            format!(
                "{} is not a levier backup (not a pg_dump archive of a levier database). Nothing was changed",
                file.display()
            ),
        ));
    }
    run_tool(
        url,
        Command::new("pg_restore")
            .args([
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
            ])
            .arg(url)
            .arg(file),
    )
    .await
}

/// Runs a PostgreSQL client tool; its errors are shown with the URL's password masked.
async fn run_tool(url: &str, cmd: &mut Command) -> anyhow::Result<()> {
    let out = cmd.output().await.map_err(|e| {
        coded(FAILURE, format!("cannot run the PostgreSQL client tools ({e}); install them (apt-get install postgresql-client)"))
    })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr).replace(url, &mask_url_password(url));
        return Err(coded(
            FAILURE,
            format!("PostgreSQL tool failed: {}", stderr.trim()),
        ));
    }
    Ok(())
}
