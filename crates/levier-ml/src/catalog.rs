//! The models directory: one sub-directory per imported model, and the choice of the one in use.
//!
//! The choice made with `levier models use` is a one-line file, `selected`, in the models
//! directory, so it survives restarts and is shared by every process using that directory; the
//! configuration's `models.embedding` overrides it.

use crate::error::MlError;
use crate::import::DEFAULT_MODEL_NAME;
use crate::model_dir::ModelDir;
use std::path::{Path, PathBuf};

/// File recording the model chosen with `levier models use`.
const SELECTED_FILE: &str = "selected";

/// The models directory.
#[derive(Debug, Clone)]
pub struct ModelCatalog {
    dir: PathBuf,
}

/// One model found in the directory.
#[derive(Debug)]
pub struct CatalogEntry {
    /// Its name (the directory's name).
    pub name: String,
    /// The checked directory, or why it cannot be used.
    pub model: Result<ModelDir, MlError>,
}

impl ModelCatalog {
    /// The catalog of `dir` (which may not exist yet).
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }

    /// The models directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the model `name` lives.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Every model directory, sorted by name; an absent models directory lists nothing.
    /// Hidden entries (an import in progress) are left out.
    pub fn list(&self) -> Result<Vec<CatalogEntry>, MlError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(MlError::io(&self.dir, e)),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| MlError::io(&self.dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || !entry.path().is_dir() {
                continue;
            }
            let model = ModelDir::open(&entry.path());
            out.push(CatalogEntry { name, model });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// The model in use: `configured` when not empty, else the one chosen with
    /// [`ModelCatalog::select`], else the default model when it is imported; `None` when there
    /// is none (search then runs lexically).
    pub fn selected(&self, configured: &str) -> Option<String> {
        if !configured.is_empty() {
            return Some(configured.to_owned());
        }
        let chosen = std::fs::read_to_string(self.dir.join(SELECTED_FILE)).ok();
        if let Some(name) = chosen
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
        {
            return Some(name);
        }
        Some(DEFAULT_MODEL_NAME.to_owned()).filter(|n| self.path(n).is_dir())
    }

    /// Makes `name` the model in use, after checking that its directory is complete.
    pub fn select(&self, name: &str) -> Result<(), MlError> {
        ModelDir::open(&self.path(name))?;
        let file = self.dir.join(SELECTED_FILE);
        std::fs::write(&file, format!("{name}\n")).map_err(|e| MlError::io(&file, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_falls_back_to_the_default_then_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let catalog = ModelCatalog::new(tmp.path());
        assert_eq!(catalog.selected(""), None);
        assert_eq!(catalog.selected("mine").as_deref(), Some("mine"));
        std::fs::create_dir(tmp.path().join(DEFAULT_MODEL_NAME)).unwrap();
        assert_eq!(catalog.selected("").as_deref(), Some(DEFAULT_MODEL_NAME));
        let listed = catalog.list().unwrap();
        assert_eq!(listed.len(), 1);
        assert!(matches!(listed[0].model, Err(MlError::MissingFile { .. })));
        assert!(catalog.select(DEFAULT_MODEL_NAME).is_err());
    }
}
