//! Consistent backups and restores.
//!
//! On SQLite `VACUUM INTO` writes a consistent copy while the server runs; the copy is itself a
//! levier database (same application id), so restoring checks it is one, that its schema is not
//! newer than this binary's, and swaps it in atomically. On PostgreSQL the standard tools do this
//! better than levier could: `pg_dump --format=custom` and `pg_restore --clean` (see docs).

use crate::connect::SQLITE_APPLICATION_ID;
use crate::{Backend, SCHEMA_VERSION, Store, StoreError, StoreResult, events};
use levier_core::{Event, EventKind};
use sqlx::Row;
use std::path::Path;

impl Store {
    /// Writes a consistent copy of the SQLite database to `dest` (which must not exist).
    pub async fn backup_sqlite(&self, dest: &Path) -> StoreResult<u64> {
        if !matches!(self.backend(), Backend::Sqlite { .. }) {
            return Err(StoreError::Invalid(
                "levier backup copies the embedded SQLite store; for PostgreSQL use pg_dump --format=custom \
                 (see docs/OPERATIONS.md)"
                    .into(),
            ));
        }
        if dest.exists() {
            return Err(StoreError::Invalid(format!(
                "{} already exists; choose a new file",
                dest.display()
            )));
        }
        let target = dest
            .to_str()
            .ok_or_else(|| StoreError::Invalid("backup path is not UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(self.pool())
            .await?;
        let bytes = std::fs::metadata(dest)
            .map_err(|e| StoreError::io(format!("reading {}", dest.display()), e))?
            .len();
        events::append_in_new(
            self,
            &Event::now(EventKind::BackupWritten {
                bytes: bytes as i64,
            }),
        )
        .await?;
        Ok(bytes)
    }
}

/// Replaces the SQLite database at `db` by the backup `src`, after checking that `src` is a
/// levier database this binary can read. Nothing is changed when a check fails. The server
/// must be stopped (the caller holds the data directory's lock).
pub async fn restore_sqlite(src: &Path, db: &Path) -> StoreResult<()> {
    let not_backup = |message: String| StoreError::NotABackup {
        path: src.to_path_buf(),
        message,
    };
    let mut header = [0u8; 16];
    let read = std::fs::File::open(src)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut header))
        .map_err(|e| not_backup(format!("cannot read it ({e})")))?;
    if read < 16 || &header != b"SQLite format 3\0" {
        return Err(not_backup("it is not a SQLite database".into()));
    }
    check_backup(src)
        .await
        .map_err(|e| not_backup(e.to_string()))?;
    let staging = db.with_extension("db.restoring");
    std::fs::copy(src, &staging).map_err(|e| {
        StoreError::io(
            format!("copying {} to {}", src.display(), staging.display()),
            e,
        )
    })?;
    for suffix in ["-wal", "-shm"] {
        let side = db.with_file_name(format!(
            "{}{suffix}",
            db.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("levier.db")
        ));
        if side.exists() {
            std::fs::remove_file(&side)
                .map_err(|e| StoreError::io(format!("removing {}", side.display()), e))?;
        }
    }
    std::fs::rename(&staging, db)
        .map_err(|e| StoreError::io(format!("replacing {}", db.display()), e))
}

/// Checks `src` as it will be copied: alone. Immutable mode reads the file only, ignoring any
/// `-wal` next to it (the copy leaves it behind too), and never creates, locks or writes a file.
async fn check_backup(src: &Path) -> Result<(), String> {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=ro&immutable=true", src.display());
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .map_err(|e| e.to_string())?;
    let checked = check_backup_contents(&mut conn).await;
    let _ = sqlx::Connection::close(conn).await;
    checked
}

async fn check_backup_contents(conn: &mut sqlx::AnyConnection) -> Result<(), String> {
    let app_id: i64 = sqlx::query("PRAGMA application_id")
        .fetch_one(&mut *conn)
        .await
        .and_then(|r| r.try_get(0))
        .map_err(|e| e.to_string())?;
    if app_id != SQLITE_APPLICATION_ID {
        return Err(format!("application id {app_id:#x} is not levier's"));
    }
    let version: i64 = sqlx::query("SELECT COALESCE(MAX(version), 0) FROM levier_migrations")
        .fetch_one(&mut *conn)
        .await
        .and_then(|r| r.try_get(0))
        .map_err(|e| format!("no migration ledger ({e})"))?;
    if version > SCHEMA_VERSION {
        return Err(format!(
            "it has schema version {version}, newer than this levier's {SCHEMA_VERSION}"
        ));
    }
    let problems = crate::consistency::sqlite_integrity(conn)
        .await
        .map_err(|e| e.to_string())?;
    if !problems.is_empty() {
        return Err(format!("integrity check failed: {}", problems.join("; ")));
    }
    Ok(())
}
