//! Opening each backend safely: a damaged SQLite file is refused, never overwritten; an
//! unreachable PostgreSQL server is reported with its URL (password masked).

use crate::{Backend, Store, StoreError, StoreResult};
use levier_core::config::{StoreConfig, mask_url_password};
use sqlx::any::AnyPoolOptions;
use sqlx::{Connection, Executor, Row};
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
    // Opening a file read-write creates `-wal`/`-shm` files next to a WAL-mode database, and
    // closing the last connection checkpoints the WAL into the file and deletes it; a pool also
    // retries a connection that fails to set up until its timeout, losing the cause. So an
    // existing file is first examined through one read-only connection, which never writes,
    // checkpoints or deletes anything: immutable (no locks, no side files) when the file stands
    // alone; reading the WAL, which may hold committed transactions the file lacks, when a
    // `-wal` file is there (SQLite may then add the `-shm` index next to it).
    let non_empty = std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
    let examined = if non_empty {
        Some(examine_untouched(path).await?)
    } else {
        None
    };
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
        clock: Default::default(),
        listen_url: None,
    };
    if let Err(e) = check_sqlite_identity(&store, path, examined).await {
        // Close before reporting, so no connection lingers on a file we refused.
        store.close().await;
        return Err(e);
    }
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

/// The file next to the database with `suffix` appended to its name (`-wal`, `-shm`).
fn sibling(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// What the integrity and identity checks found in a sound SQLite file.
enum Identity {
    /// It carries levier's application id.
    Levier,
    /// A blank database: no schema objects and no application id.
    Blank,
}

/// Checks an existing file through a read-only connection, so that a damaged or foreign file
/// is refused without being touched.
async fn examine_untouched(path: &Path) -> StoreResult<Identity> {
    let mode = if sibling(path, "-wal").exists() {
        "ro"
    } else {
        "ro&immutable=true"
    };
    let url = format!("sqlite://{}?mode={mode}", path.display());
    let mut conn = sqlx::AnyConnection::connect(&url)
        .await
        .map_err(|e| StoreError::Corrupt {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    let found = identity(&mut conn, path).await;
    let _ = conn.close().await;
    found
}

/// A SQLite file is ours when it carries levier's application id, or is brand new (no tables),
/// in which case it is stamped with levier's id. `examined` is what [`examine_untouched`]
/// found, if it ran, so that the integrity check does not run twice.
async fn check_sqlite_identity(
    store: &Store,
    path: &Path,
    examined: Option<Identity>,
) -> StoreResult<()> {
    let mut conn = store
        .pool()
        .acquire()
        .await
        .map_err(|e| StoreError::Corrupt {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    let found = match examined {
        Some(found) => found,
        None => identity(&mut conn, path).await?,
    };
    if let Identity::Blank = found {
        sqlx::query(&format!("PRAGMA application_id = {SQLITE_APPLICATION_ID}"))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Runs SQLite's quick integrity check, then tells levier's databases from blank and foreign
/// ones.
async fn identity(conn: &mut sqlx::AnyConnection, path: &Path) -> StoreResult<Identity> {
    let corrupt = |e: sqlx::Error| StoreError::Corrupt {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let check: String = sqlx::query("PRAGMA quick_check")
        .fetch_one(&mut *conn)
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
        .fetch_one(&mut *conn)
        .await
        .and_then(|r| r.try_get(0))
        .map_err(corrupt)?;
    let tables: i64 = sqlx::query("SELECT COUNT(*) FROM sqlite_master")
        .fetch_one(&mut *conn)
        .await
        .and_then(|r| r.try_get(0))
        .map_err(corrupt)?;
    match (app_id, tables) {
        (SQLITE_APPLICATION_ID, _) => Ok(Identity::Levier),
        (0, 0) => Ok(Identity::Blank),
        _ => Err(StoreError::NotLevier {
            location: path.display().to_string(),
            message: format!("application id {app_id:#x}, {tables} schema objects"),
        }),
    }
}

pub(crate) async fn postgres(url: &str, cfg: &StoreConfig) -> StoreResult<Store> {
    sqlx::any::install_default_drivers();
    let masked_url = mask_url_password(url);
    let unreachable = |e: sqlx::Error| StoreError::Unreachable {
        url: masked_url.clone(),
        message: e.to_string().replace(url, &masked_url),
    };
    // One direct connection first: a pool would retry until its timeout and then report the
    // timeout, hiding the real cause (connection refused, authentication failed…).
    let probe = tokio::time::timeout(Duration::from_secs(10), sqlx::AnyConnection::connect(url))
        .await
        .map_err(|_| StoreError::Unreachable {
            url: masked_url.clone(),
            message: "no answer within 10 s".into(),
        })?
        .map_err(unreachable)?;
    probe.close().await.map_err(unreachable)?;
    let pool = AnyPoolOptions::new()
        .max_connections(cfg.max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await
        .map_err(unreachable)?;
    Ok(Store {
        pool,
        backend: Backend::Postgres { masked_url },
        clock: Default::default(),
        listen_url: Some(url.into()),
    })
}
