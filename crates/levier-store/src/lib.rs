//! levier's source of truth.
//!
//! One [`Store`] type is the interface every capability uses; it runs on the embedded SQLite
//! file (default) or on a shared PostgreSQL server, chosen by the configuration. The few
//! differences between the two live in [`dialect`]; the rest is portable SQL. Besides the domain
//! tables (documents, the FAQ in [`faq`], the support assistant's conversations and tickets in
//! [`support`]…), the store holds the durable task queue ([`tasks`]), the append-only event log
//! ([`events`]) and the change sequence derived indexes follow ([`changes`]).

pub mod accounts;
pub mod answer_ratings;
pub mod audit;
pub mod backup;
mod bulk;
pub mod changes;
mod clock;
mod connect;
pub mod consistency;
pub mod dialect;
pub mod directory;
pub mod documents;
mod error;
pub mod events;
pub mod faq;
mod filter;
pub mod knowledge;
pub mod leads;
pub mod mail;
mod meta;
mod migrations;
pub mod pilot_surveys;
pub mod pilots;
pub mod privacy;
mod row;
pub mod signals;
pub mod support;
pub mod tasks;
pub mod test_sets;
mod text_enum;
mod tx;
pub mod vectors;

pub use clock::ManualClock;
pub use dialect::Backend;
pub use error::{StoreError, StoreResult};
pub use migrations::SCHEMA_VERSION;

use levier_core::Config;
use sqlx::AnyPool;

/// The store: a connection pool and the backend it talks to. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    clock: clock::Clock,
    /// The PostgreSQL URL, password included, for the listeners of [`signals`], which need a
    /// connection of their own; `None` on SQLite. Never shown (`Store` is not `Debug`).
    listen_url: Option<std::sync::Arc<str>>,
}

/// The SQLite file name inside the data directory.
pub const SQLITE_FILE: &str = "levier.db";

impl Store {
    /// Opens the store the configuration names, creating it if needed, and brings its schema
    /// up to date. Refuses a damaged SQLite file or a database written by a newer levier.
    pub async fn open(config: &Config) -> StoreResult<Store> {
        let store = if config.database_url.is_empty() {
            connect::sqlite(&config.data_dir.join(SQLITE_FILE), &config.store).await?
        } else {
            connect::postgres(&config.database_url, &config.store).await?
        };
        migrations::run(&store).await?;
        Ok(store)
    }

    /// Which backend this store runs on.
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// True when the database answers and its schema is the one this binary expects.
    pub async fn ready(&self) -> StoreResult<()> {
        let version = migrations::current_version(self).await?;
        if version != SCHEMA_VERSION {
            return Err(StoreError::Invalid(format!(
                "schema version {version}, expected {SCHEMA_VERSION}"
            )));
        }
        Ok(())
    }

    /// Closes every connection; later calls fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }
}
