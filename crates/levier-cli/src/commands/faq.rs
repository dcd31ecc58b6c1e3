//! `levier faq import|list`: the support assistant's FAQ from the command line, for the first
//! import of a company's existing FAQ file and for scripts. Like `levier user`, it works while
//! the server runs (it takes no data-directory lock): the server picks the changes up from the
//! change sequence.

use crate::cli::FaqCommand;
use crate::exit::{INPUT, coded};
use levier_core::Config;
use levier_ingest::faq::{self, ImportReport};
use levier_store::Store;
use levier_store::faq::FaqFilter;
use std::path::Path;

pub async fn run(config: &Config, cmd: FaqCommand) -> anyhow::Result<()> {
    match cmd {
        FaqCommand::Import { file, json } => {
            // Read the file before opening the store, so a wrong path fails fast and says so.
            let bytes = read(&file)?;
            let store = Store::open(config).await?;
            let result = import(&store, &file, &bytes, json).await;
            store.close().await;
            result
        }
        FaqCommand::List { json } => {
            let store = Store::open(config).await?;
            let result = list(&store, json).await;
            store.close().await;
            result
        }
    }
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| coded(INPUT, format!("cannot read {}: {e}", path.display())))
}

/// Imports the file and prints the report; fails (exit code 5) only when not a single row
/// could be read, so a file with a few broken rows still counts as imported.
async fn import(store: &Store, path: &Path, bytes: &[u8], json: bool) -> anyhow::Result<()> {
    let report = faq::import(store, bytes).await?;
    if json {
        super::print_json(&report)?;
    } else {
        print_report(path, &report);
    }
    if report.nothing_read() {
        return Err(coded(
            INPUT,
            format!("nothing could be imported from {}", path.display()),
        ));
    }
    Ok(())
}

fn print_report(path: &Path, report: &ImportReport) {
    println!(
        "{}: {} created, {} already in the FAQ (skipped), {} rows with errors",
        path.display(),
        report.created,
        report.skipped_existing,
        report.errors.len()
    );
    for e in &report.errors {
        println!("  {e}");
    }
}

async fn list(store: &Store, json: bool) -> anyhow::Result<()> {
    let entries = store.faq_entries(&FaqFilter::default()).await?;
    if json {
        return super::print_json(&entries);
    }
    if entries.is_empty() {
        println!("the FAQ is empty (import one: levier faq import FILE.csv)");
    }
    for e in &entries {
        let visibility = if e.public { "public" } else { "internal" };
        println!(
            "{:>5}  [{}] {} ({}, {visibility})",
            e.id.0, e.category, e.question, e.language
        );
    }
    Ok(())
}
