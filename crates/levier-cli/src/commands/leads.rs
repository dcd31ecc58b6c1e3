//! `levier leads import|train|score|export`: lead qualification from the command line, through
//! the same `levier_leads::qualify` functions as the server and the demo. Like `levier faq`, it
//! works while the server runs (no data-directory lock): the pages read the store.

use crate::cli::LeadsCommand;
use crate::exit::{INPUT, coded};
use indicatif::ProgressBar;
use levier_core::Config;
use levier_leads::qualify::{self, IntakeOptions, IntakeReport, Scoring, Training, factor_text};
use levier_leads::{ColumnMapping, CsvOptions};
use levier_store::Store;
use levier_store::leads::{LeadFilter, LeadRecord};
use std::io::IsTerminal;
use std::path::Path;

pub async fn run(config: &Config, cmd: LeadsCommand) -> anyhow::Result<()> {
    // Arguments that name files are checked before the store is opened, so a typo fails fast.
    let file = match &cmd {
        LeadsCommand::Import { file, .. } => Some(
            std::fs::File::open(file)
                .map_err(|e| coded(INPUT, format!("cannot read {}: {e}", file.display())))?,
        ),
        _ => None,
    };
    let store = Store::open(config).await?;
    let result = match cmd {
        LeadsCommand::Import {
            file: path,
            mapping,
            save_mapping,
            json,
        } => {
            let args = ImportArgs {
                path: &path,
                mapping: mapping.as_deref(),
                save_mapping: save_mapping.as_deref(),
                json,
            };
            match file {
                Some(f) => import(&store, f, args).await,
                None => Ok(()),
            }
        }
        LeadsCommand::Train { drop, json } => train(&store, &drop, json).await,
        LeadsCommand::Score { limit, json } => score(&store, limit, json).await,
        LeadsCommand::Export { file } => export(&store, &file).await,
    };
    store.close().await;
    result
}

struct ImportArgs<'a> {
    path: &'a Path,
    mapping: Option<&'a str>,
    save_mapping: Option<&'a str>,
    json: bool,
}

/// Imports the file and prints the report; fails (exit code 5) only when nothing could be
/// imported, so a file with a few bad rows still counts as imported.
async fn import(store: &Store, file: std::fs::File, args: ImportArgs<'_>) -> anyhow::Result<()> {
    let mapping = match args.mapping {
        Some(name) => qualify::saved_mapping(store, name)
            .await
            .map_err(|e| match e {
                qualify::MappingError::Store(e) => anyhow::Error::from(e),
                e => coded(INPUT, e.to_string()),
            })?,
        None => ColumnMapping::default(),
    };
    let options = IntakeOptions {
        csv: CsvOptions::default(),
        mapping,
        history: Default::default(),
    };
    // A spinner with the rows read, on a terminal only (stdout may be JSON for a script).
    let bar = if args.json || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner()
    };
    let report = qualify::import_leads_with_progress(store, file, options, |s| {
        if s.rows.is_multiple_of(1000) {
            bar.set_message(format!("{} rows read, {} imported", s.rows, s.imported));
            bar.tick();
        }
    })
    .await
    .map_err(|e| coded(INPUT, format!("{}: {e}", args.path.display())));
    bar.finish_and_clear();
    let report = report?;
    if let Some(name) = args.save_mapping {
        qualify::save_mapping(store, name, &report.mapping).await?;
    }
    if !report.created.is_empty() {
        // New leads get their score (and tier) at once, with the model in force.
        qualify::score(store).await?;
    }
    if args.json {
        super::print_json(&report)?;
    } else {
        print_import(args.path, &report);
    }
    match report.summary.nothing_imported() {
        Some(why) if report.already_stored == 0 => Err(coded(
            INPUT,
            format!("nothing imported from {}: {why}", args.path.display()),
        )),
        _ => Ok(()),
    }
}

fn print_import(path: &Path, report: &IntakeReport) {
    let s = &report.summary;
    println!(
        "{}: {} rows read, {} leads imported, {} already stored, {} rows rejected, {} values refused, {} warnings",
        path.display(),
        s.rows,
        report.created.len(),
        report.already_stored,
        s.rejected,
        s.invalid_values,
        s.warnings
    );
    for issue in &report.issues {
        println!("  {issue}");
    }
    if report.issues_not_shown > 0 {
        println!("  … and {} more issues", report.issues_not_shown);
    }
}

async fn train(store: &Store, drop: &[String], json: bool) -> anyhow::Result<()> {
    let (training, scoring) = qualify::train(store, drop).await?;
    if json {
        return super::print_json(&serde_json::json!({
            "training": training,
            "scoring": scoring,
        }));
    }
    match &training {
        Training::Model { version, report } => println!(
            "trained {version} on {} won and {} lost leads: {:?} kept (out-of-fold ROC AUC: logistic {:.3}, trees {:.3}, blend {:.3})",
            report.positives,
            report.negatives,
            report.picked,
            report.logistic_auc,
            report.trees_auc,
            report.blend_auc
        ),
        Training::Rules { version, message } => println!("{version}: {message}"),
    }
    print_scoring(&scoring);
    Ok(())
}

fn print_scoring(scoring: &Scoring) {
    println!(
        "{} leads scored with {} ({} changed tier)",
        scoring.scored, scoring.version, scoring.tier_changes
    );
}

async fn score(store: &Store, limit: usize, json: bool) -> anyhow::Result<()> {
    let scoring = qualify::score(store).await?;
    let leads = store.leads(&LeadFilter::default()).await?;
    if json {
        return super::print_json(&serde_json::json!({
            "scoring": scoring,
            "leads": leads,
        }));
    }
    print_scoring(&scoring);
    for lead in leads.iter().take(limit) {
        println!("{}", lead_line(lead));
    }
    if leads.len() > limit {
        println!(
            "… {} more (--limit, or --json for all)",
            leads.len() - limit
        );
    }
    Ok(())
}

/// "A 0.82  Sarah Bernard (Compta Kréa)  source = partenaire (+0.40), …"
fn lead_line(lead: &LeadRecord) -> String {
    let (tier, probability, factors) = match &lead.score {
        Some(s) => (
            s.tier.as_str(),
            s.probability,
            s.factors
                .as_array()
                .map(|f| f.iter().take(3).map(factor_text).collect::<Vec<_>>())
                .unwrap_or_default()
                .join(", "),
        ),
        None => ("-", 0.0, String::new()),
    };
    let company = lead
        .fields
        .company
        .as_deref()
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    format!(
        "{tier} {probability:.2}  #{} {}{company}  {factors}",
        lead.id.0,
        lead.display_name()
    )
}

async fn export(store: &Store, path: &Path) -> anyhow::Result<()> {
    let leads = store.leads(&LeadFilter::default()).await?;
    let file = std::fs::File::create(path)
        .map_err(|e| coded(INPUT, format!("cannot write {}: {e}", path.display())))?;
    qualify::export_csv(&leads, std::io::BufWriter::new(file))
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    println!("{}: {} leads written", path.display(), leads.len());
    Ok(())
}
