//! Test support: a fresh store on each backend, and files to ingest.
//!
//! SQLite stores live in a temporary directory. PostgreSQL stores each get a new database on
//! the server named by `LEVIER_TEST_POSTGRES_URL` (which `scripts/test` starts). Without that
//! variable the PostgreSQL half prints that it did not run — and fails under CI.
#![allow(dead_code)]

use levier_core::Config;
use levier_store::Store;
use sqlx::Connection;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

/// A store under test, and a scratch folder for the files to ingest.
pub struct TestStore {
    pub store: Store,
    pub config: Config,
    /// Scratch space for the test's folders (the database lives elsewhere).
    pub files: PathBuf,
    _dir: tempfile::TempDir,
}

/// The access groups the cases use, created before any document references them.
pub const GROUPS: &[&str] = &[
    "public",
    "personnel",
    "rh",
    "finance",
    "commercial",
    "it",
    "direction",
];

async fn open(config: Config, dir: tempfile::TempDir) -> TestStore {
    let store = Store::open(&config).await.expect("open store");
    for g in GROUPS {
        store
            .upsert_group(g, &format!("Groupe {g}"), "")
            .await
            .expect("create group");
    }
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files).expect("scratch folder");
    TestStore {
        store,
        config,
        files,
        _dir: dir,
    }
}

pub async fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        data_dir: dir.path().join("data"),
        ..Config::default()
    };
    open(config, dir).await
}

/// The server URL for PostgreSQL tests, or None (after saying so loudly) when not configured.
pub fn postgres_url() -> Option<String> {
    match std::env::var("LEVIER_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").is_err(),
                "LEVIER_TEST_POSTGRES_URL must be set in CI: the PostgreSQL half of the suite would not run"
            );
            eprintln!(
                "*** PostgreSQL NOT TESTED: set LEVIER_TEST_POSTGRES_URL (scripts/test does) ***"
            );
            None
        }
    }
}

/// A brand-new database on the test server, returned as its URL.
pub async fn fresh_postgres_database() -> Option<String> {
    let url = postgres_url()?;
    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "levier_ingest_t{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    sqlx::any::install_default_drivers();
    let mut admin = sqlx::AnyConnection::connect(&url)
        .await
        .expect("connect to test PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&url);
    Some(format!("{base}/{name}"))
}

pub async fn postgres() -> Option<TestStore> {
    let url = fresh_postgres_database().await?;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        data_dir: dir.path().join("data"),
        database_url: url,
        ..Config::default()
    };
    Some(open(config, dir).await)
}

/// Declares each case once and runs it on both backends.
#[macro_export]
macro_rules! on_both_backends {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let t = $crate::common::sqlite().await;
                    super::$case(&t).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let Some(t) = $crate::common::postgres().await else { return };
                    super::$case(&t).await;
                }
            )*
        }
    };
}

/// The repository's `demo/` folder.
pub fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo")
}

/// Copies a folder tree (files and folders only).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Every file under `dir`, recursively, as paths relative to it with `/` separators, sorted.
pub fn files_under(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read folder") {
            let path = entry.expect("folder entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("under root");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The modification time of a file.
pub fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .expect("modification time")
}

/// Sets the modification time of a file.
pub fn set_mtime(path: &Path, when: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(when))
        .expect("set modification time");
}

/// Writes a file and gives it a modification time surely different from its previous one
/// (file systems with coarse timestamps would otherwise keep it within the same tick).
pub fn rewrite(path: &Path, bytes: &[u8]) {
    let before = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    std::fs::write(path, bytes).expect("write file");
    let after = before.map_or_else(SystemTime::now, |b| b + Duration::from_secs(7));
    set_mtime(path, after);
}

/// The id of a registered source, by name.
pub async fn source_id(store: &Store, name: &str) -> levier_core::ids::SourceId {
    store
        .source_names()
        .await
        .expect("list sources")
        .into_iter()
        .find_map(|(id, n)| (n == name).then_some(id))
        .unwrap_or_else(|| panic!("no source named {name}"))
}
