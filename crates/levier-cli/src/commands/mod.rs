//! One module per subcommand; `run` dispatches.

mod ask;
mod backup;
mod bench;
mod config;
mod demo;
mod doctor;
mod faq;
pub(crate) mod ingest;
mod init;
mod leads;
mod models;
mod privacy;
pub mod report;
mod run_task;
mod search;
pub(crate) mod serve;
mod task;
mod triage;
mod user;

use crate::cli::{Cli, Command};
use crate::settings;
use levier_core::config::LogFormat;
use std::io::IsTerminal;

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::Init { dir, force } = &cli.command {
        return init::run(dir, *force);
    }
    // A benchmark works in a temporary data directory of its own: no configuration needed.
    if let Command::Bench(cmd) = cli.command {
        return bench::run(cmd).await;
    }
    // Triage reads and writes only the files it is given.
    if let Command::Triage(cmd) = cli.command {
        return triage::run(cmd, &cli.global).await;
    }
    let settings = settings::load(&cli.global)?;
    init_logging(settings.config.log_format);
    for var in &settings.unknown_env {
        tracing::warn!(%var, "ignoring an environment variable that matches no setting");
    }
    match cli.command {
        Command::Init { .. } | Command::Bench(_) | Command::Triage(_) => Ok(()),
        Command::Config(cmd) => config::run(&settings, cmd),
        Command::Demo {
            fresh,
            load_only,
            json,
        } => demo::run(&settings.config, fresh, load_only, json).await,
        Command::Serve => serve::run(&settings.config).await,
        Command::Backup { file, json } => backup::backup(&settings.config, &file, json).await,
        Command::Restore { file } => backup::restore(&settings.config, &file).await,
        Command::Task(cmd) => task::run(&settings.config, cmd).await,
        Command::Ingest {
            path,
            groups,
            public,
            json,
        } => {
            ingest::run(
                &settings.config,
                ingest::IngestArgs {
                    path: &path,
                    groups,
                    public,
                    json,
                },
            )
            .await
        }
        Command::Search {
            query,
            as_user,
            groups,
            limit,
            mode,
            json,
        } => {
            search::search(
                &settings.config,
                search::SearchArgs {
                    query,
                    as_user,
                    groups,
                    limit,
                    json,
                    mode: mode.map(Into::into),
                },
            )
            .await
        }
        Command::Ask {
            question,
            as_user,
            groups,
            json,
        } => {
            ask::ask(
                &settings.config,
                &question,
                as_user.as_deref(),
                &groups,
                json,
            )
            .await
        }
        Command::Reindex { json } => search::reindex(&settings.config, json).await,
        Command::Doctor { repair, json } => doctor::run(&settings.config, repair, json).await,
        Command::User(cmd) => user::run(&settings.config, cmd).await,
        Command::Privacy(cmd) => privacy::run(&settings.config, cmd).await,
        Command::Models(cmd) => models::run(&settings.config, cmd),
        Command::Faq(cmd) => faq::run(&settings.config, cmd).await,
        Command::Leads(cmd) => leads::run(&settings.config, cmd).await,
        Command::Report {
            period,
            time_zone,
            format,
            lang,
            pilot,
            out,
        } => {
            let request = report::Request {
                period,
                time_zone,
                format,
                lang,
                pilot,
                out,
            };
            report::run(&settings.config, request).await
        }
    }
}

/// Logs go to stderr (stdout is kept for `--json` output), as text or JSON lines; colours only
/// on a terminal (not in log files or journald) and never when `NO_COLOR` is set.
fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("LEVIER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let colour = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// Prints a value as one JSON document on stdout.
fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
