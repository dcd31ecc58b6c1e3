//! Opening each backend safely: a damaged SQLite file is refused, never overwritten; an
//! unreachable PostgreSQL server is reported with its URL (password masked).

use crate::{Backend, Store, StoreError, StoreResult};
use levier_core::config::{StoreConfig, mask_url_password};
use sqlx::any::AnyPoolOptions;
use sqlx::{Executor, Row};
use std::io::Read;
use std::path::Path;
use std::time::Duration;

/// `PRAGMA application_id` of levier's SQLite files ("LEVR"), to recognise our own databases
/// and backups.
pub(crate) const SQLITE_APPLICATION_ID: i64 = 0x4C45_5652;

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

pub(crate) async fn sqlite(path: &Path, cfg: &StoreConfig) -> StoreResult<Store> {
    sqlx::any::install_default_drivers();
    let existed = check_sqlite_file(path)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::io(format!("creating data directory {}", dir.display()), e))?;
    }
    let mode = if existed { "rw" } else { "rwc" };
    let url = format!("sqlite://{}?mode={mode}", path.display());
    let busy = cfg.busy_timeout_ms;
    let pool = AnyPoolOptions::new()
        .max_connections(cfg.max_connections)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                conn.execute(
                    format!(
                        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {busy}; \
                         PRAGMA synchronous = NORMAL;"
                    )
                    .as_str(),
                )
                .await?;
                Ok(())
            })
        })
        .connect(&url)
        .await
        .map_err(|e| StoreError::Corrupt {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    let store = Store {
        pool,
        backend: Backend::Sqlite {
            path: path.to_path_buf(),
        },
    };
    check_sqlite_identity(&store, path).await?;
    sqlx::query("PRAGMA journal_mode = WAL")
        .execute(store.pool())
        .await?;
    Ok(store)
}

/// Returns whether the file exists, after checking it starts like a SQLite database.
fn check_sqlite_file(path: &Path) -> StoreResult<bool> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(StoreError::io(format!("opening {}", path.display()), e)),
    };
    let mut header = [0u8; 16];
    let read = file
        .read(&mut header)
        .map_err(|e| StoreError::io(format!("reading {}", path.display()), e))?;
    if read == 0 {
        return Ok(true);
    }
    if read < 16 || &header != SQLITE_HEADER {
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            message: "the file does not start with the SQLite header".into(),
        });
    }
    Ok(true)
}

/// A SQLite file is ours when it carries levier's application id, or is brand new (no tables).
async fn check_sqlite_identity(store: &Store, path: &Path) -> StoreResult<()> {
    let corrupt = |e: sqlx::Error| StoreError::Corrupt {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let check: String = sqlx::query("PRAGMA quick_check")
        .fetch_one(store.pool())
        .await
        .and_then(|r| r.try_get(0))
        .map_err(corrupt)?;
    if check != "ok" {
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            message: format!("integrity check: {check}"),
        });
    }
    let app_id: i64 = sqlx::query("PRAGMA application_id")
        .fetch_one(store.pool())
        .await
        .and_then(|r| r.try_get(0))
        .map_err(corrupt)?;
    let tables: i64 = sqlx::query("SELECT COUNT(*) FROM sqlite_master")
        .fetch_one(store.pool())
        .await
        .and_then(|r| r.try_get(0))
        .map_err(corrupt)?;
    match (app_id, tables) {
        (SQLITE_APPLICATION_ID, _) => Ok(()),
        (0, 0) => {
            sqlx::query(&format!("PRAGMA application_id = {SQLITE_APPLICATION_ID}"))
                .execute(store.pool())
                .await?;
            Ok(())
        }
        _ => Err(StoreError::NotLevier {
            location: path.display().to_string(),
            message: format!("application id {app_id:#x}, {tables} schema objects"),
        }),
    }
}

pub(crate) async fn postgres(url: &str, cfg: &StoreConfig) -> StoreResult<Store> {
    sqlx::any::install_default_drivers();
    let masked_url = mask_url_password(url);
    let pool = AnyPoolOptions::new()
        .max_connections(cfg.max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await
        .map_err(|e| StoreError::Unreachable {
            url: masked_url.clone(),
            message: e.to_string().replace(url, &masked_url),
        })?;
    Ok(Store {
        pool,
        backend: Backend::Postgres { masked_url },
    })
}
