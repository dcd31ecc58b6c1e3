//! The convention every test that needs real weights follows, in this crate and the ones
//! above it: one place decides where the model is and what its absence means.

use std::path::PathBuf;

/// The imported model directory named by `LEVIER_TEST_MODEL_DIR` (scripts/test sets it once
/// scripts/fetch-models has run). Without it: `None` after saying the test did not run, except
/// under CI (`CI` set), where the weights must be there and the test fails.
pub fn model_dir() -> Option<PathBuf> {
    match std::env::var_os("LEVIER_TEST_MODEL_DIR") {
        Some(dir) => Some(PathBuf::from(dir)),
        None if std::env::var_os("CI").is_some() => {
            panic!("LEVIER_TEST_MODEL_DIR is not set under CI: run scripts/fetch-models first")
        }
        None => {
            eprintln!("SKIPPED: LEVIER_TEST_MODEL_DIR is not set (run scripts/fetch-models)");
            None
        }
    }
}
