//! Builds the effective configuration: defaults, then the file, then `LEVIER_*` variables,
//! then command-line flags.

use crate::cli::GlobalArgs;
use anyhow::Context;
use levier_core::Config;
use std::path::PathBuf;

/// The configuration and where it came from.
pub struct Settings {
    /// The effective configuration.
    pub config: Config,
    /// The file read, if any.
    pub file: Option<PathBuf>,
    /// `LEVIER_*` variables that match no setting (warned about once logging is up).
    pub unknown_env: Vec<String>,
}

/// Loads the configuration for this invocation.
pub fn load(args: &GlobalArgs) -> anyhow::Result<Settings> {
    let file = match &args.config {
        Some(path) => Some(path.clone()),
        None => Some(PathBuf::from("levier.toml")).filter(|p| p.is_file()),
    };
    let mut config = match &file {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| {
                format!("cannot read the configuration file {}", path.display())
            })?;
            Config::from_toml(&text, path)?
        }
        None => Config::default(),
    };
    let (with_env, unknown) = levier_core::config::apply_env(config, std::env::vars())?;
    config = with_env;
    if let Some(dir) = &args.data_dir {
        config.data_dir = dir.clone();
    }
    if let Some(addr) = &args.addr {
        config.addr = addr.clone();
    }
    if let Some(format) = args.log_format {
        config.log_format = format;
    }
    config.validate()?;
    Ok(Settings {
        config,
        file,
        unknown_env: unknown,
    })
}
