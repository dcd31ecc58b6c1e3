//! Versioned schema migrations, run when the store opens.
//!
//! Each migration is portable SQL plus optional backend-specific SQL (triggers differ). The
//! applied versions are recorded in `levier_migrations`; a database that has a version this binary
//! does not know was written by a newer levier and is refused rather than guessed at.

use crate::dialect::LockPurpose;
use crate::{Backend, Store, StoreError, StoreResult};
use levier_core::Timestamp;
use sqlx::Row;

struct Migration {
    version: i64,
    name: &'static str,
    portable: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        portable: include_str!("migrations/0001_initial.sql"),
        sqlite: include_str!("migrations/0001_initial.sqlite.sql"),
        postgres: include_str!("migrations/0001_initial.postgres.sql"),
    },
    Migration {
        version: 2,
        name: "accounts",
        portable: include_str!("migrations/0002_accounts.sql"),
        sqlite: include_str!("migrations/0002_accounts.sqlite.sql"),
        postgres: include_str!("migrations/0002_accounts.postgres.sql"),
    },
    Migration {
        version: 3,
        name: "vectors",
        portable: include_str!("migrations/0003_vectors.sql"),
        sqlite: include_str!("migrations/0003_vectors.sqlite.sql"),
        postgres: include_str!("migrations/0003_vectors.postgres.sql"),
    },
    Migration {
        version: 4,
        name: "vector_changes",
        portable: include_str!("migrations/0004_vector_changes.sql"),
        sqlite: include_str!("migrations/0004_vector_changes.sqlite.sql"),
        postgres: include_str!("migrations/0004_vector_changes.postgres.sql"),
    },
    Migration {
        version: 5,
        name: "support_conversations",
        portable: include_str!("migrations/0005_support_conversations.sql"),
        sqlite: include_str!("migrations/0005_support_conversations.sqlite.sql"),
        postgres: include_str!("migrations/0005_support_conversations.postgres.sql"),
    },
    Migration {
        version: 6,
        name: "support",
        portable: include_str!("migrations/0006_support.sql"),
        sqlite: include_str!("migrations/0006_support.sqlite.sql"),
        postgres: include_str!("migrations/0006_support.postgres.sql"),
    },
    Migration {
        version: 7,
        name: "out_of_scope_examples",
        portable: include_str!("migrations/0007_out_of_scope_examples.sql"),
        sqlite: include_str!("migrations/0007_out_of_scope_examples.sqlite.sql"),
        postgres: include_str!("migrations/0007_out_of_scope_examples.postgres.sql"),
    },
    Migration {
        version: 8,
        name: "customer_feedback",
        portable: include_str!("migrations/0008_customer_feedback.sql"),
        sqlite: include_str!("migrations/0008_customer_feedback.sqlite.sql"),
        postgres: include_str!("migrations/0008_customer_feedback.postgres.sql"),
    },
    Migration {
        version: 9,
        name: "answer_ratings",
        portable: include_str!("migrations/0009_answer_ratings.sql"),
        sqlite: include_str!("migrations/0009_answer_ratings.sqlite.sql"),
        postgres: include_str!("migrations/0009_answer_ratings.postgres.sql"),
    },
    Migration {
        version: 10,
        name: "leads",
        portable: include_str!("migrations/0010_leads.sql"),
        sqlite: include_str!("migrations/0010_leads.sqlite.sql"),
        postgres: include_str!("migrations/0010_leads.postgres.sql"),
    },
    Migration {
        version: 11,
        name: "mail",
        portable: include_str!("migrations/0011_mail.sql"),
        sqlite: include_str!("migrations/0011_mail.sqlite.sql"),
        postgres: include_str!("migrations/0011_mail.postgres.sql"),
    },
    Migration {
        version: 12,
        name: "pilots",
        portable: include_str!("migrations/0012_pilots.sql"),
        sqlite: include_str!("migrations/0012_pilots.sqlite.sql"),
        postgres: include_str!("migrations/0012_pilots.postgres.sql"),
    },
    Migration {
        version: 13,
        name: "test_sets",
        portable: include_str!("migrations/0013_test_sets.sql"),
        sqlite: include_str!("migrations/0013_test_sets.sqlite.sql"),
        postgres: include_str!("migrations/0013_test_sets.postgres.sql"),
    },
    Migration {
        version: 14,
        name: "pilot_surveys",
        portable: include_str!("migrations/0014_pilot_surveys.sql"),
        sqlite: include_str!("migrations/0014_pilot_surveys.sqlite.sql"),
        postgres: include_str!("migrations/0014_pilot_surveys.postgres.sql"),
    },
    Migration {
        version: 15,
        name: "lead_dismissals",
        portable: include_str!("migrations/0015_lead_dismissals.sql"),
        sqlite: include_str!("migrations/0015_lead_dismissals.sqlite.sql"),
        postgres: include_str!("migrations/0015_lead_dismissals.postgres.sql"),
    },
    Migration {
        version: 16,
        name: "event_redactions",
        portable: include_str!("migrations/0016_event_redactions.sql"),
        sqlite: include_str!("migrations/0016_event_redactions.sqlite.sql"),
        postgres: include_str!("migrations/0016_event_redactions.postgres.sql"),
    },
];

/// The schema version this binary writes and expects: the last migration's.
pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].version;

const CREATE_LEDGER: &str = "CREATE TABLE IF NOT EXISTS levier_migrations (
    version BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
)";

/// Brings the schema up to [`SCHEMA_VERSION`], one transaction per migration.
pub(crate) async fn run(store: &Store) -> StoreResult<()> {
    let mut tx = store.write_tx().await?;
    if let Some(lock) = store.backend().exclusive_lock(LockPurpose::Migrations) {
        sqlx::query(&lock).execute(&mut *tx).await?;
    }
    sqlx::query(CREATE_LEDGER).execute(&mut *tx).await?;
    let current = max_version(&mut tx).await?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        tracing::info!(version = m.version, name = m.name, "applying migration");
        let specific = match store.backend() {
            Backend::Sqlite { .. } => m.sqlite,
            Backend::Postgres { .. } => m.postgres,
        };
        let sql = format!("{}\n{}", store.backend().ddl(m.portable), specific);
        sqlx::raw_sql(&sql).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO levier_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(Timestamp::now().millis())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

async fn max_version(conn: &mut sqlx::AnyConnection) -> StoreResult<i64> {
    let row = sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM levier_migrations")
        .fetch_one(conn)
        .await?;
    Ok(row.try_get("v")?)
}

/// The highest migration applied to the database.
pub(crate) async fn current_version(store: &Store) -> StoreResult<i64> {
    let mut conn = store.pool().acquire().await?;
    max_version(&mut conn).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_contiguous_and_end_at_schema_version() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "migration {}", m.name);
        }
        assert_eq!(MIGRATIONS.last().map(|m| m.version), Some(SCHEMA_VERSION));
    }
}
