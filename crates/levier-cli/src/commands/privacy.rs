//! `levier privacy export --email X [--out FILE]` and `levier privacy erase --email X --yes`:
//! a person's data under the GDPR, from the store (see levier-store's `privacy` for what is
//! found where). Both are written to the audit log with the actor `cli`, the person named by a
//! hash of the address, and the counts: never the data.

use crate::cli::PrivacyCommand;
use crate::exit::{INPUT, coded};
use levier_core::Config;
use levier_core::ids::DocumentId;
use levier_store::Store;
use levier_store::audit::NewAuditEntry;
use levier_store::privacy::{Erasure, audit_entry};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

pub async fn run(config: &Config, cmd: PrivacyCommand) -> anyhow::Result<()> {
    match cmd {
        PrivacyCommand::Export { email, out } => export(config, &email, out.as_deref()).await,
        PrivacyCommand::Erase {
            email,
            yes,
            documents,
            json,
        } => {
            if !yes {
                return Err(coded(
                    INPUT,
                    format!(
                        "erasing {email}'s data cannot be undone: add --yes to confirm (`levier privacy export --email {email}` shows it first)"
                    ),
                ));
            }
            erase(config, &email, documents, json).await
        }
    }
}

async fn export(config: &Config, email: &str, out: Option<&Path>) -> anyhow::Result<()> {
    // The file is created first: an export is personal data, never written over another file,
    // and a refused file must not leave an audit entry for an export that did not happen.
    let file = out.map(create_new).transpose()?;
    let store = Store::open(config).await?;
    let record = store.export_person(email).await?;
    // Audited before anything leaves the store: no export without its trace.
    audit(&store, "privacy.export", email, &record.counts()).await?;
    store.close().await;
    let text = serde_json::to_string_pretty(&record)?;
    let (Some(mut file), Some(path)) = (file, out) else {
        println!("{text}");
        return Ok(());
    };
    writeln!(file, "{text}")?;
    let rows: usize = record.counts().values().sum();
    eprintln!("{rows} rows written to {}", path.display());
    Ok(())
}

async fn erase(config: &Config, email: &str, documents: bool, json: bool) -> anyhow::Result<()> {
    let store = Store::open(config).await?;
    let erasure = store.erase_person(email).await?;
    audit(&store, "privacy.erase", email, &erasure.erased).await?;
    let mut removed = Vec::new();
    if documents {
        for id in erasure
            .elsewhere
            .documents
            .iter()
            .filter_map(|d| d["id"].as_i64())
        {
            if store.remove_document(DocumentId(id)).await? {
                store.audit(&document_removal(id)).await?;
                removed.push(id);
            }
        }
    }
    store.close().await;
    if json {
        let mut out = serde_json::to_value(&erasure)?;
        out["documents_removed"] = serde_json::json!(removed);
        return super::print_json(&out);
    }
    print_erasure(email, &erasure, &removed);
    Ok(())
}

/// The audit entry of a document removed with an erasure, as `levier` run by hand writes it.
fn document_removal(id: i64) -> NewAuditEntry {
    NewAuditEntry {
        actor_user_id: None,
        actor: "cli".into(),
        action: "document.remove".into(),
        target: format!("document:{id}"),
        details: serde_json::json!({}),
        ip: String::new(),
    }
}

fn create_new(path: &Path) -> anyhow::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| coded(INPUT, format!("cannot create {}: {e}", path.display())))
}

async fn audit(
    store: &Store,
    action: &str,
    email: &str,
    counts: &BTreeMap<&'static str, usize>,
) -> anyhow::Result<()> {
    let entry = audit_entry(action, email, counts, None, "cli".into(), String::new())?;
    store.audit(&entry).await?;
    Ok(())
}

fn print_erasure(email: &str, erasure: &Erasure, removed: &[i64]) {
    if erasure.erased.is_empty() {
        println!("nothing held about {email}");
    }
    for (kind, n) in &erasure.erased {
        println!("erased {n} {kind}");
    }
    let e = &erasure.elsewhere;
    for backup in &e.backups {
        let at = backup["at"]
            .as_i64()
            .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
            .map_or_else(|| "?".to_owned(), |t| t.to_string());
        println!("not reached: backup of {at}");
    }
    for source in &e.mail_sources {
        println!("not reached: mail at {source}");
    }
    for doc in &e.documents {
        let id = doc["id"].as_i64().unwrap_or_default();
        let what = if removed.contains(&id) {
            "removed"
        } else {
            "not reached"
        };
        println!("{what}: document {id} ({})", doc["title"]);
    }
    for note in &erasure.notes {
        println!("note: {note}");
    }
}
