//! What the triage integration tests share: the demo company's mailbox, a model trained on
//! it, and a store in a temporary data directory.
#![allow(dead_code)]

use levier_core::Config;
use levier_store::Store;
use levier_triage::{MailLimits, TriageConfig, TriageModel, read_labelled_folder};
use std::path::{Path, PathBuf};

/// `demo/emails/`: the demo company's labelled mails.
pub fn demo_emails() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/emails")
}

/// A model trained on every demo mail.
pub fn demo_model() -> TriageModel {
    let set = read_labelled_folder(&demo_emails(), &MailLimits::default()).expect("labels");
    let examples: Vec<_> = set.into_iter().map(|m| m.example).collect();
    TriageModel::train(&examples, &TriageConfig::default()).expect("train")
}

/// The SQLite store of the data directory `dir/data` (opened again after a restart).
pub async fn store(dir: &Path) -> Store {
    Store::open(&Config {
        data_dir: dir.join("data"),
        ..Config::default()
    })
    .await
    .expect("store")
}
