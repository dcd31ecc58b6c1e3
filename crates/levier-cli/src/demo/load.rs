//! Loading the demo company, step by step, with progress. Every step is idempotent, so a
//! retried task (after a crash) completes the load without duplicating anything.

use super::{CompanyFile, FILES, PASSWORD, embedded_text, leads};
use levier_core::password::hash_password;
use levier_core::{Event, EventKind, Role};
use levier_extract::{ChunkOptions, Limits};
use levier_ingest::{IngestError, Quiet};
use levier_store::directory::{NewSource, NewUser};
use levier_store::knowledge::NewUseCase;
use levier_store::tasks::{TaskContext, TaskFailure};
use levier_store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What the load did, returned as the task's result.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct LoadSummary {
    /// Access groups.
    pub groups: usize,
    /// Demo accounts.
    pub users: usize,
    /// Documents ingested (added, updated or already there).
    pub documents: usize,
    /// FAQ entries.
    pub faq_entries: usize,
    /// Leads.
    pub leads: usize,
    /// Use cases.
    pub use_cases: usize,
    /// Past support conversations played (the history the reports show).
    #[serde(default)]
    pub past_conversations: usize,
    /// Rows that could not be loaded, each with file, line and reason.
    pub rejected: Vec<String>,
}

impl LoadSummary {
    /// One paragraph for people.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "demo company loaded: {} groups, {} accounts, {} documents, {} FAQ entries, {} leads, \
             {} use cases, {} past conversations",
            self.groups,
            self.users,
            self.documents,
            self.faq_entries,
            self.leads,
            self.use_cases,
            self.past_conversations
        );
        for r in &self.rejected {
            s.push_str(&format!("\n  rejected: {r}"));
        }
        s
    }
}

/// A store failure during the load: worth retrying.
pub(super) fn retry(e: impl std::fmt::Display) -> TaskFailure {
    TaskFailure::Retry(e.to_string())
}

fn permanent(e: impl std::fmt::Display) -> TaskFailure {
    TaskFailure::Permanent(e.to_string())
}

/// Loads everything; `data_dir/demo-company/` receives the documents as files.
pub(super) async fn load(ctx: &TaskContext, data_dir: &Path) -> Result<LoadSummary, TaskFailure> {
    let store = &ctx.store;
    let company = super::company().map_err(permanent)?;
    let mut summary = LoadSummary::default();
    ctx.progress(0, 8, "groupes et comptes").await?;
    load_people(store, &company, &mut summary).await?;
    ctx.progress(1, 8, "documents").await?;
    load_documents(
        store,
        &company,
        &data_dir.join("demo-company"),
        &mut summary,
    )
    .await?;
    ctx.progress(2, 8, "FAQ").await?;
    load_faq(store, &mut summary).await?;
    ctx.progress(3, 8, "prospects").await?;
    leads::load(store, &mut summary).await?;
    ctx.progress(4, 8, "cas d'usage").await?;
    load_use_cases(store, &mut summary).await?;
    ctx.progress(5, 8, "site web").await?;
    super::site::create(store, &company).await?;
    ctx.progress(6, 8, "historique").await?;
    super::history::load(store, levier_core::Timestamp::now(), &mut summary).await?;
    ctx.progress(7, 8, "finalisation").await?;
    // E-mail triage: the demo mailbox, classified and routed into the inbox.
    let mail_dir = data_dir.join("demo-company").join("emails");
    super::mails::load(store, &mail_dir, &mut summary).await?;
    store
        .set_meta("company.name", &company.company.name)
        .await
        .map_err(retry)?;
    store
        .set_meta("company.legal_name", &company.company.legal_name)
        .await
        .map_err(retry)?;
    store
        .append_event(&Event::now(EventKind::DemoLoaded {
            documents: summary.documents as i64,
            faq_entries: summary.faq_entries as i64,
            leads: summary.leads as i64,
        }))
        .await
        .map_err(retry)?;
    store
        .set_meta(super::LOADED_KEY, "1")
        .await
        .map_err(retry)?;
    ctx.progress(8, 8, "terminé").await?;
    Ok(summary)
}

async fn load_people(
    store: &Store,
    company: &CompanyFile,
    summary: &mut LoadSummary,
) -> Result<(), TaskFailure> {
    for g in &company.groups {
        store
            .upsert_group(&g.slug, &g.name, &g.description)
            .await
            .map_err(retry)?;
        summary.groups += 1;
    }
    let hash = hash_password(PASSWORD).map_err(permanent)?;
    for u in &company.users {
        let role: Role = u
            .role
            .parse()
            .map_err(|e| permanent(format!("demo/company.toml: {e}")))?;
        let new = NewUser {
            email: u.email.clone(),
            display_name: u.name.clone(),
            role,
            password_hash: Some(hash.clone()),
            team: u.team.clone(),
            groups: u.groups.clone(),
        };
        match store.create_user(&new, None).await {
            Ok(_) | Err(StoreError::Conflict(_)) => summary.users += 1,
            Err(e) => return Err(retry(e)),
        }
    }
    Ok(())
}

/// Writes the demo documents into `target/<source path>/` and ingests each folder through the
/// ingestion pipeline (text extracted, passages and access stored), as a company's own folders
/// would be. Idempotent: a file already written with the same content is left alone, so a rerun
/// (a retried task) finds everything unchanged and reads nothing again.
async fn load_documents(
    store: &Store,
    company: &CompanyFile,
    target: &Path,
    summary: &mut LoadSummary,
) -> Result<(), TaskFailure> {
    for source in &company.sources {
        let folder = target.join(&source.path);
        std::fs::create_dir_all(&folder)
            .map_err(|e| retry(format!("creating {}: {e}", folder.display())))?;
        let Some(dir) = FILES.get_dir(&source.path) else {
            summary
                .rejected
                .push(format!("{}: folder missing from the demo", source.path));
            continue;
        };
        for file in dir.files() {
            let Some(name) = file.path().file_name() else {
                continue;
            };
            let path = folder.join(name);
            let bytes = file.contents();
            if std::fs::read(&path).ok().as_deref() != Some(bytes) {
                std::fs::write(&path, bytes)
                    .map_err(|e| retry(format!("writing {}: {e}", path.display())))?;
            }
        }
        let new = NewSource {
            name: source.path.clone(),
            kind: "folder".into(),
            location: folder.display().to_string(),
            public: source.public,
            groups: source.groups.clone(),
        };
        let started = std::time::Instant::now();
        let report = levier_ingest::sync_folder(
            store,
            &new,
            &Limits::default(),
            &ChunkOptions::default(),
            &mut Quiet,
        )
        .await
        .map_err(|e| match e {
            IngestError::Rules(_) => permanent(e),
            _ => retry(e),
        })?;
        tracing::info!(
            source = %source.path,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "demo documents: {}",
            report.summary()
        );
        summary.documents += report.added + report.updated + report.unchanged;
        summary.rejected.extend(
            report
                .failed
                .into_iter()
                .map(|f| format!("{}/{}: {}", source.path, f.path, f.reason)),
        );
    }
    Ok(())
}

/// Loads the demo FAQ through the same import as the API and `levier faq import`: an entry
/// whose question already exists (a retried load) counts as loaded and is not duplicated.
async fn load_faq(store: &Store, summary: &mut LoadSummary) -> Result<(), TaskFailure> {
    let text = embedded_text("faq.csv").map_err(permanent)?;
    let report = levier_ingest::faq::import(store, text.as_bytes())
        .await
        .map_err(retry)?;
    summary.faq_entries += report.created + report.skipped_existing;
    summary
        .rejected
        .extend(report.errors.into_iter().map(|e| format!("faq.csv {e}")));
    Ok(())
}

#[derive(Deserialize)]
struct UseCaseFile {
    use_cases: Vec<UseCaseRow>,
}

#[derive(Deserialize)]
struct UseCaseRow {
    name: String,
    process: String,
    pain: String,
    frequency_per_month: i64,
    minutes_per_occurrence: i64,
    people_involved: i64,
    data_available: String,
    risk: String,
    impact: i64,
    feasibility: i64,
}

async fn load_use_cases(store: &Store, summary: &mut LoadSummary) -> Result<(), TaskFailure> {
    let text = embedded_text("use_cases.toml").map_err(permanent)?;
    let file: UseCaseFile =
        toml::from_str(text).map_err(|e| permanent(format!("demo/use_cases.toml: {e}")))?;
    for u in file.use_cases {
        let name = u.name.clone();
        let new = NewUseCase {
            name: u.name,
            process: u.process,
            pain: u.pain,
            frequency_per_month: u.frequency_per_month,
            minutes_per_occurrence: u.minutes_per_occurrence,
            people_involved: u.people_involved,
            data_available: u.data_available,
            risk: u.risk,
            impact: u.impact,
            feasibility: u.feasibility,
        };
        match store.upsert_use_case(&new).await {
            Ok(_) => summary.use_cases += 1,
            Err(StoreError::Invalid(reason)) => summary
                .rejected
                .push(format!("use_cases.toml '{name}': {reason}")),
            Err(e) => return Err(retry(e)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use levier_core::Config;

    /// Every demo document goes through the ingestion pipeline without failure, with its text,
    /// passages and the access its folder gives; loading again duplicates nothing.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_demo_document_is_ingested_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = Config {
            data_dir: dir.path().join("data"),
            ..Config::default()
        };
        let store = Store::open(&config).await.expect("open store");
        let company = super::super::company().expect("company.toml");
        for g in &company.groups {
            store
                .upsert_group(&g.slug, &g.name, &g.description)
                .await
                .expect("group");
        }
        let target = dir.path().join("demo-company");

        let mut first = LoadSummary::default();
        load_documents(&store, &company, &target, &mut first)
            .await
            .expect("load");
        assert!(first.rejected.is_empty(), "{:?}", first.rejected);
        assert_eq!(first.documents, 56);

        let sources = store.source_names().await.expect("sources");
        for source in &company.sources {
            let (id, _) = sources
                .iter()
                .find(|(_, name)| **name == source.path)
                .unwrap_or_else(|| panic!("no source {}", source.path));
            let docs = store.documents_of_source(*id).await.expect("documents");
            let files = FILES.get_dir(&source.path).map_or(0, |d| d.files().count());
            assert_eq!(docs.len(), files, "{}", source.path);
            for summary in docs {
                let doc = store
                    .full_document(summary.id)
                    .await
                    .expect("read")
                    .expect("exists");
                let mut groups = source.groups.clone();
                groups.sort();
                assert_eq!(doc.groups, groups, "{}", doc.external_id);
                assert_eq!(doc.public, source.public, "{}", doc.external_id);
                assert!(
                    !doc.chunks.is_empty() && doc.body.as_deref().is_some_and(|b| b.len() > 200),
                    "{}: no text extracted",
                    doc.external_id
                );
            }
        }

        let mut second = LoadSummary::default();
        load_documents(&store, &company, &target, &mut second)
            .await
            .expect("load again");
        assert_eq!((second.documents, second.rejected.len()), (56, 0));
        assert_eq!(store.counts().await.expect("counts").documents, 56);
    }
}
