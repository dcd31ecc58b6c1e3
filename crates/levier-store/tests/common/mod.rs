//! Test support: a fresh store on each backend.
//!
//! SQLite stores live in a temporary directory. PostgreSQL stores each get a new database on
//! the server named by `LEVIER_TEST_POSTGRES_URL` (which `.ci/run` starts). Without that
//! variable the PostgreSQL half prints that it did not run — and fails under CI.
#![allow(dead_code)]

use levier_core::Config;
use levier_store::Store;
use sqlx::Connection;
use std::sync::atomic::{AtomicU32, Ordering};

/// A store under test and what is needed to reopen it.
pub struct TestStore {
    pub store: Store,
    pub config: Config,
    _dir: tempfile::TempDir,
}

pub async fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        data_dir: dir.path().join("data"),
        ..Config::default()
    };
    let store = Store::open(&config).await.expect("open sqlite store");
    TestStore {
        store,
        config,
        _dir: dir,
    }
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
        "levier_t{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
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
    let store = Store::open(&config).await.expect("open postgres store");
    Some(TestStore {
        store,
        config,
        _dir: dir,
    })
}

/// Runs raw SQL against the store's database, bypassing the store (to simulate tampering).
pub async fn raw_sql(config: &Config, sql: &str) -> Result<(), sqlx::Error> {
    sqlx::any::install_default_drivers();
    let url = if config.database_url.is_empty() {
        format!(
            "sqlite://{}",
            config.data_dir.join(levier_store::SQLITE_FILE).display()
        )
    } else {
        config.database_url.clone()
    };
    let mut conn = sqlx::AnyConnection::connect(&url).await?;
    sqlx::raw_sql(sql).execute(&mut conn).await?;
    Ok(())
}

/// Declares each conformance case once and runs it on both backends.
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

/// The use case pilots in tests try: the FAQ chatbot.
pub async fn faq_use_case(s: &Store) -> levier_core::ids::UseCaseId {
    s.upsert_use_case(&levier_store::knowledge::NewUseCase {
        name: "FAQ chatbot".into(),
        process: "support".into(),
        pain: "questions répétitives".into(),
        frequency_per_month: 300,
        minutes_per_occurrence: 6,
        people_involved: 2,
        data_available: "FAQ".into(),
        risk: "basse".into(),
        impact: 4,
        feasibility: 5,
    })
    .await
    .expect("use case")
}
