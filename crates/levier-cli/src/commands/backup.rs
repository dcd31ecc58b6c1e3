//! `levier backup FILE` and `levier restore FILE`.

use crate::exit::{INPUT, coded};
use crate::lock::DataDirLock;
use levier_core::Config;
use levier_store::{SQLITE_FILE, Store};
use std::path::Path;

pub async fn backup(config: &Config, file: &Path, json: bool) -> anyhow::Result<()> {
    let store = Store::open(config).await?;
    let bytes = store.backup_sqlite(file).await?;
    store.close().await;
    if json {
        return super::print_json(&serde_json::json!({ "file": file, "bytes": bytes }));
    }
    println!("backup written to {} ({bytes} bytes)", file.display());
    Ok(())
}

pub async fn restore(config: &Config, file: &Path) -> anyhow::Result<()> {
    if !config.database_url.is_empty() {
        return Err(coded(
            INPUT,
            "levier restore replaces the embedded SQLite store; for PostgreSQL use \
             pg_restore --clean --dbname URL FILE (see docs/OPERATIONS.md)",
        ));
    }
    let _lock = DataDirLock::acquire(&config.data_dir)?;
    levier_store::backup::restore_sqlite(file, &config.data_dir.join(SQLITE_FILE)).await?;
    let store = Store::open(config).await?;
    let counts = store.counts().await?;
    store.close().await;
    println!(
        "restored {} into {} ({} users, {} documents, {} events)",
        file.display(),
        config.data_dir.display(),
        counts.users,
        counts.documents,
        counts.events
    );
    Ok(())
}
