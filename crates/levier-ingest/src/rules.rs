//! Per-folder access rules: a `.levier.toml` file in a folder sets who may read the documents
//! of that folder and its subfolders, overriding the source's groups.
//!
//! ```toml
//! groups = ["rh", "direction"]
//! public = false
//! ```

use crate::IngestError;
use serde::Deserialize;
use std::path::Path;

/// The file name of a folder's rules.
pub const RULES_FILE: &str = ".levier.toml";

/// Who may read a folder's documents.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Access {
    /// Access groups (slugs).
    pub groups: Vec<String>,
    /// Whether customers may see them.
    #[serde(default)]
    pub public: bool,
}

/// The access of `dir`: its own rules file if present, else `inherited`.
pub fn access_of(dir: &Path, inherited: &Access) -> Result<Access, IngestError> {
    let path = dir.join(RULES_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text)
            .map_err(|e| IngestError::Rules(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(inherited.clone()),
        Err(source) => Err(IngestError::Io {
            path: path.display().to_string(),
            source,
        }),
    }
}
