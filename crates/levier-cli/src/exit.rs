//! Maps errors to the documented exit codes, so scripts can tell a bad config from a down database.

use levier_core::ConfigError;
use levier_ml::MlError;
use levier_store::StoreError;

/// Something failed that has no more specific code.
pub const FAILURE: u8 = 1;
/// The configuration file or environment is invalid.
pub const CONFIG: u8 = 3;
/// The store cannot be reached or used (down, corrupt, newer schema).
pub const STORE: u8 = 4;
/// The input given (a file, an argument's value) is invalid.
pub const INPUT: u8 = 5;
/// Another levier process holds the data directory.
pub const BUSY: u8 = 6;
/// `levier doctor` found problems that remain (not repaired, or not repairable).
pub const UNHEALTHY: u8 = 7;

/// An error that carries its exit code explicitly.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Coded {
    /// The exit code.
    pub code: u8,
    /// What to tell the user.
    pub message: String,
}

/// Builds an error with an explicit exit code.
pub fn coded(code: u8, message: impl Into<String>) -> anyhow::Error {
    Coded {
        code,
        message: message.into(),
    }
    .into()
}

/// The exit code for an error, from the first error in its chain that has one.
pub fn code_for(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if let Some(c) = cause.downcast_ref::<Coded>() {
            return c.code;
        }
        if cause.downcast_ref::<ConfigError>().is_some() {
            return CONFIG;
        }
        if let Some(s) = cause.downcast_ref::<StoreError>() {
            return match s {
                // A duplicate (an e-mail already taken) is a problem with what was asked.
                StoreError::NotABackup { .. }
                | StoreError::Invalid(_)
                | StoreError::NotFound { .. }
                | StoreError::Conflict(_) => INPUT,
                StoreError::Busy(_) => BUSY,
                _ => STORE,
            };
        }
        if let Some(m) = cause.downcast_ref::<MlError>() {
            // A model that is missing, damaged or unsupported is a problem with what was given.
            return match m {
                MlError::Runtime(_) | MlError::Io { .. } => FAILURE,
                _ => INPUT,
            };
        }
    }
    FAILURE
}
