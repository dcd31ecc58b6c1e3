//! The demo company's shared mailbox (`demo/emails/`: `.eml` files, `archive.mbox` and
//! `labels.csv`): its labelled mails train the triage model when the store has none, and
//! `levier demo` imports them so the Emails page and the inbox have content on first start.

use super::FILES;
use super::load::{LoadSummary, retry};
use levier_store::Store;
use levier_store::tasks::TaskFailure;
use levier_triage::{Importer, TrainingMail, TriageError, model_or_train, read_labelled_folder};
use std::path::Path;

/// The folder of `demo/` holding the mails.
const EMAILS: &str = "emails";

/// Writes the embedded demo mails into `dir` (created if needed).
pub fn write_to(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    if let Some(emails) = FILES.get_dir(EMAILS) {
        for file in emails.files() {
            if let Some(name) = file.path().file_name() {
                std::fs::write(dir.join(name), file.contents())?;
            }
        }
    }
    Ok(())
}

/// The demo company's labelled mails, the default training set, written into `dir` and read
/// from there (the labelled-folder reader reads files). The mailbox's messages
/// (`archive.mbox#N`) are left out: classified by a model that never saw them, they show on
/// the Emails page what triage really does with new mail, uncertain ones "to review"
/// included, instead of the training set's own labels given back.
pub fn labelled(dir: &Path) -> Result<Vec<TrainingMail>, TriageError> {
    write_to(dir).map_err(|e| TriageError::Training(format!("{}: {e}", dir.display())))?;
    let set = read_labelled_folder(dir, &levier_triage::MailLimits::default())?;
    Ok(set
        .into_iter()
        .filter(|m| !m.file.contains('#'))
        .map(|m| m.example)
        .collect())
}

/// Imports the demo mails (idempotent: each mail is stored once by its Message-ID), training
/// the model from their labels first when the store has none. `dir` receives the files.
pub(super) async fn load(
    store: &Store,
    dir: &Path,
    summary: &mut LoadSummary,
) -> Result<(), TaskFailure> {
    write_to(dir).map_err(|e| retry(format!("writing {}: {e}", dir.display())))?;
    let model = model_or_train(store, || labelled(dir))
        .await
        .map_err(retry)?;
    let importer = Importer::new(store, &model).await.map_err(retry)?;
    let report = importer.import_path(dir).await;
    tracing::info!(
        read = report.read,
        stored = report.stored,
        routed = report.routed,
        spam = report.spam,
        "demo mails imported"
    );
    summary.rejected.extend(
        report
            .errors
            .into_iter()
            .map(|e| format!("{}: {}", e.source, e.reason)),
    );
    Ok(())
}
