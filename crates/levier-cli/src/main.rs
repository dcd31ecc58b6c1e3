//! The `levier` binary: parses arguments, loads the configuration, calls the crates.
//!
//! Exit codes (stable, for scripts): 0 success, 1 failure, 2 usage error, 3 invalid
//! configuration, 4 store unavailable or unusable, 5 invalid input, 6 data directory in use.

mod assistant;
mod cli;
mod commands;
mod demo;
mod exit;
mod lock;
mod schedule;
mod search_index;
mod settings;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::FAILURE);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(exit::code_for(&err))
        }
    }
}
