//! One person's data, for the GDPR's rights of access and erasure: [`Store::export_person`]
//! gathers everything the store holds about an e-mail address, [`Store::erase_person`] erases
//! it in one transaction and says what it could not reach.
//!
//! # Where a person's data lives
//!
//! Found by address (case-insensitive), then by the rows that address leads to:
//!
//! - **Support contacts** (`contacts`: address, name, phone, company) → erased (deleted).
//! - **Conversations** — the contact's, those opened for their mails, and (for a customer, not
//!   an employee) widget conversations where they wrote their address (the widget asks for
//!   none: customers type it) — stay, counted by the KPIs, with their subject blanked and every
//!   **message**'s text replaced by [`ERASED`] (agents' replies name the customer too); their
//!   **tickets** lose the CSAT comment and the drafted answers, keep status, times and rating.
//! - **What the assistant learnt from their messages**: agents' FAQ phrasings with the words
//!   of one of their messages and out-of-scope examples taken from them → deleted, with a
//!   change recorded so every node's assistant retrains without them.
//! - **Mails** they sent, or sent to them alone (a reply from the company): sender, recipients,
//!   subject, bodies and attachments' text blanked; the row stays with its message key (a new
//!   fetch of the same mail from the IMAP server is not imported again), category and times
//!   (the e-mail KPIs). Mails to them among other recipients lose their address from the
//!   recipients, nothing else (they are the sender's and the others').
//! - **Other people's messages** that mention their address (a customer writing to an
//!   employee): the address is replaced in the text, the message stays.
//! - **Leads** with their address → deleted with their interactions and merge records (the
//!   lead events keep ids, tier and channel only).
//! - **Their account**, when they are an employee: address and name replaced, password
//!   removed, account disabled, sessions and API tokens deleted, the question and comment of
//!   their answer ratings and their pilot survey comments blanked. The rows stay (KPIs count
//!   them by user id, which then names no one).
//! - **Login throttling** rows keyed by their address → deleted; **finished tasks** whose
//!   payload or result holds it (a sent reply's recipient) → payload and result cleared.
//! - **The event log**: payloads hold ids, not names; any string naming them (address, phone,
//!   full name) is replaced through the controlled rewrite of `privacy/events.rs`.
//!
//! Not erased, and said so in the [`Erasure`] report:
//!
//! - **Company documents** that mention the address (the lexical index and the vectors hold
//!   documents only: conversations and mails are never indexed or embedded): listed; the
//!   server and the CLI remove them after the erasure when asked, and the index follows.
//! - **Backups** written before (listed with their dates) and PostgreSQL dumps levier does not
//!   see; mails still in the mailbox or files they were imported from (their sources listed).
//! - **The audit log** (append-only by design): entries by an employee keep their address as
//!   the actor. An export or erasure is itself audited under [`person_key`], never the address.

mod events;
mod mentioned;
mod mentions;
mod person;
mod sections;

pub use mentions::ERASED;

use crate::audit::NewAuditEntry;
use crate::changes::{self, ChangeOp, Entity};
use crate::{Backend, Store, StoreResult};
use levier_core::ids::UserId;
use person::{Person, normalise_email};
use sections::SECTIONS;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet};

/// Everything the store holds about a person.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PersonRecord {
    /// The address asked about, normalised.
    pub email: String,
    /// Their rows, by kind (`contacts`, `messages`, `mails`, `leads`, `events`…), each row an
    /// object of its columns.
    pub held: BTreeMap<&'static str, Vec<serde_json::Value>>,
    /// What holds their data out of an erasure's reach.
    pub elsewhere: Elsewhere,
}

impl PersonRecord {
    /// How many rows of each kind (only kinds with rows).
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        self.held
            .iter()
            .filter(|(_, rows)| !rows.is_empty())
            .map(|(kind, rows)| (*kind, rows.len()))
            .collect()
    }

    /// True when the store holds nothing erasable about them.
    pub fn is_empty(&self) -> bool {
        self.held.values().all(Vec::is_empty)
    }
}

/// Where their data is that an erasure does not reach.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Elsewhere {
    /// Company documents mentioning the address (`id`, `title`).
    pub documents: Vec<serde_json::Value>,
    /// Backups of the store written so far (`at`, `bytes`), from the event log.
    pub backups: Vec<serde_json::Value>,
    /// Where their mails were imported from (`imap:INBOX/42`, a file): the mail is still there.
    pub mail_sources: Vec<String>,
}

/// What an erasure did.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Erasure {
    /// Rows erased (deleted or anonymised) per kind.
    pub erased: BTreeMap<&'static str, usize>,
    /// What it could not reach.
    pub elsewhere: Elsewhere,
    /// What the operator still has to do about it, in words.
    pub notes: Vec<&'static str>,
}

impl Erasure {
    fn new(record: PersonRecord, backend: &Backend) -> Erasure {
        let e = &record.elsewhere;
        let notes = [
            (
                !e.backups.is_empty(),
                "Backups written before this erasure still hold the data: erase again after restoring one.",
            ),
            (
                matches!(backend, Backend::Postgres { .. }),
                "Dumps of the PostgreSQL database (pg_dump, replicas' archives) are not known to levier and still hold the data.",
            ),
            (
                !e.mail_sources.is_empty(),
                "Their mails are still in the mailbox or files they were imported from: delete them there.",
            ),
            (
                !e.documents.is_empty(),
                "Documents mentioning the address are the company's: the erasure itself leaves them; --documents (API: \"documents\": true) removes them after it, else edit or remove them at their source. The index follows.",
            ),
            (
                !record.held["account"].is_empty(),
                "Audit entries by their account keep its address: the audit log is append-only.",
            ),
        ];
        Erasure {
            erased: record.counts(),
            notes: notes
                .into_iter()
                .filter(|(on, _)| *on)
                .map(|(_, n)| n)
                .collect(),
            elsewhere: record.elsewhere,
        }
    }
}

/// The audit entry of an export (`privacy.export`) or erasure (`privacy.erase`): who asked,
/// whose data (as [`person_key`]) and how many rows of each kind, never the data itself.
pub fn audit_entry(
    action: &str,
    email: &str,
    counts: &BTreeMap<&'static str, usize>,
    actor_user_id: Option<UserId>,
    actor: String,
    ip: String,
) -> StoreResult<NewAuditEntry> {
    Ok(NewAuditEntry {
        actor_user_id,
        actor,
        action: action.into(),
        target: person_key(email)?,
        details: serde_json::json!({ "counts": counts }),
        ip,
    })
}

/// How the audit log names a person: `person:sha256:` and the hash of the normalised address.
/// Whoever knows the address can find the entries about it; the log itself holds no address.
pub fn person_key(email: &str) -> StoreResult<String> {
    let email = normalise_email(email)?;
    Ok(format!(
        "person:sha256:{}",
        hex::encode(Sha256::digest(email.as_bytes()))
    ))
}

impl Store {
    /// Everything the store holds about the person with this address.
    pub async fn export_person(&self, email: &str) -> StoreResult<PersonRecord> {
        let email = normalise_email(email)?;
        // One transaction, as the erasure reads it: the record is one consistent state, not
        // kinds read before and after a concurrent write.
        let mut tx = self.write_tx().await?;
        let person = Person::find(&mut tx, &email).await?;
        let (record, _) = read(&mut tx, &person).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Erases the person's data in one transaction (see the module's map): counts per kind,
    /// and what is out of reach.
    pub async fn erase_person(&self, email: &str) -> StoreResult<Erasure> {
        let key = person_key(email)?;
        let email = normalise_email(email)?;
        let mut tx = self.write_tx().await?;
        let person = Person::find(&mut tx, &email).await?;
        let (record, rewrites) = read(&mut tx, &person).await?;
        for section in SECTIONS {
            let rows = &record.held[section.name];
            if !rows.is_empty() {
                section.erase(&mut tx, &person, rows).await?;
            }
        }
        let reason = format!("erasure of {key}");
        events::rewrite(&mut tx, &rewrites.naming, &reason, self.now().millis()).await?;
        mentioned::erase(&mut tx, &rewrites.mentions).await?;
        record_learnt_changes(&mut tx, &record).await?;
        tx.commit().await?;
        Ok(Erasure::new(record, self.backend()))
    }
}

/// The person's record, and what an erasure rewrites in place.
async fn read(conn: &mut AnyConnection, person: &Person) -> StoreResult<(PersonRecord, Rewrites)> {
    let mut held = BTreeMap::new();
    for section in SECTIONS {
        held.insert(section.name, section.read(conn, person).await?);
    }
    let naming = events::naming(conn, person).await?;
    held.insert("events", naming.iter().map(|n| n.row.clone()).collect());
    let mentions = mentioned::read(conn, person).await?;
    held.insert(
        "messages_mentioning",
        mentions.iter().map(|m| m.row.clone()).collect(),
    );
    let mail_sources = held["mails"]
        .iter()
        .filter_map(|m| m["source"].as_str())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let elsewhere = Elsewhere {
        documents: documents_mentioning(conn, person).await?,
        backups: backups(conn).await?,
        mail_sources,
    };
    let record = PersonRecord {
        email: person.email.clone(),
        held,
        elsewhere,
    };
    Ok((record, Rewrites { naming, mentions }))
}

/// What an erasure rewrites in place rather than through [`SECTIONS`]: event payloads, and
/// other people's messages that mention the person.
struct Rewrites {
    naming: Vec<events::Naming>,
    mentions: Vec<mentioned::Mention>,
}

/// Every node's assistant follows the change sequence: the entries that lost a phrasing are
/// re-read, the deleted out-of-scope examples dropped.
async fn record_learnt_changes(
    tx: &mut crate::tx::WriteTx,
    record: &PersonRecord,
) -> StoreResult<()> {
    let ids = |kind: &str, column: &str| -> Vec<i64> {
        let set: BTreeSet<i64> = record.held[kind]
            .iter()
            .filter_map(|r| r[column].as_i64())
            .collect();
        set.into_iter().collect()
    };
    let entries = ids("faq_phrasings", "faq_entry_id");
    if !entries.is_empty() {
        changes::record_many_in(tx, Entity::FaqEntry, &entries, ChangeOp::Upsert).await?;
    }
    let examples = ids("faq_out_of_scope", "id");
    if !examples.is_empty() {
        changes::record_many_in(tx, Entity::OutOfScopeExample, &examples, ChangeOp::Delete).await?;
    }
    Ok(())
}

/// Documents whose title or text mentions the address.
async fn documents_mentioning(
    conn: &mut AnyConnection,
    person: &Person,
) -> StoreResult<Vec<serde_json::Value>> {
    let rows = sqlx::query(
        "SELECT id, title, COALESCE(body, '') AS body FROM documents
         WHERE LOWER(title) LIKE $1 ESCAPE '\\' OR LOWER(COALESCE(body, '')) LIKE $1 ESCAPE '\\'
         ORDER BY id",
    )
    .bind(person.pattern.as_str())
    .fetch_all(conn)
    .await?;
    let mut out = Vec::new();
    for row in rows {
        let title: String = row.try_get("title")?;
        let body: String = row.try_get("body")?;
        if mentions::mentions(&title, &person.email) || mentions::mentions(&body, &person.email) {
            out.push(serde_json::json!({ "id": row.try_get::<i64, _>("id")?, "title": title }));
        }
    }
    Ok(out)
}

/// The backups levier wrote (SQLite), oldest first, from their events.
async fn backups(conn: &mut AnyConnection) -> StoreResult<Vec<serde_json::Value>> {
    let rows =
        sqlx::query("SELECT at, payload FROM events WHERE kind = 'backup_written' ORDER BY seq")
            .fetch_all(conn)
            .await?;
    rows.iter()
        .map(|r| {
            let payload: serde_json::Value =
                serde_json::from_str(&r.try_get::<String, _>("payload")?).unwrap_or_default();
            Ok(serde_json::json!({ "at": r.try_get::<i64, _>("at")?, "bytes": payload["bytes"] }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_person_key_hashes_the_normalised_address_and_refuses_non_addresses() {
        let key = person_key(" Marie.Dupont@Example.FR ").expect("an address");
        assert_eq!(key, person_key("marie.dupont@example.fr").expect("same"));
        assert!(key.starts_with("person:sha256:") && !key.contains("marie"));
        for bad in ["", "marie", "@example.fr", "marie@localhost", "ma rie@x.fr"] {
            assert!(person_key(bad).is_err(), "{bad:?}");
        }
        assert_eq!(person::id_list(&[]), "(NULL)");
        assert_eq!(person::id_list(&[3, 4]), "(3, 4)");
    }
}
