//! A model directory in the Hugging Face layout, checked before anything is loaded so that a
//! missing or damaged file is reported by name.

use crate::error::MlError;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The model's architecture and shape.
pub const CONFIG_FILE: &str = "config.json";
/// The tokenizer, in the `tokenizers` library's format.
pub const TOKENIZER_FILE: &str = "tokenizer.json";
/// The weights.
pub const WEIGHTS_FILE: &str = "model.safetensors";
/// sentence-transformers' settings, where the query/passage prompts live (optional).
pub const PROMPTS_FILE: &str = "config_sentence_transformers.json";
/// sentence-transformers' encoder settings, where the sequence length it was trained for lives
/// (optional).
pub const SEQUENCE_FILE: &str = "sentence_bert_config.json";
/// levier's cache of the weights' digest (see [`crate::ModelIdentity`]).
pub const IDENTITY_FILE: &str = "levier-model.json";

/// The encoder families levier runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Architecture {
    /// BERT (e.g. all-MiniLM-L6-v2).
    Bert,
    /// XLM-RoBERTa (e.g. multilingual-e5-small): BERT with positions counted from
    /// `pad_token_id + 1`.
    XlmRoberta,
}

/// The prefixes a model expects before queries and passages (`query: ` / `passage: ` for e5).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prompts {
    /// Put before a search query.
    pub query: String,
    /// Put before a passage to be retrieved.
    pub passage: String,
}

/// A checked model directory.
#[derive(Debug, Clone)]
pub struct ModelDir {
    /// Where it is.
    pub path: PathBuf,
    /// `max_seq_length` of sentence-transformers' settings, when given.
    pub max_seq_length: Option<usize>,
    /// Its architecture.
    pub architecture: Architecture,
    /// `config.json`, parsed.
    pub config: Value,
    /// The prompts its model card asks for.
    pub prompts: Prompts,
}

impl ModelDir {
    /// Checks that `path` holds the three files of the layout and that `config.json` describes
    /// a supported encoder.
    pub fn open(path: &Path) -> Result<Self, MlError> {
        for file in [CONFIG_FILE, TOKENIZER_FILE, WEIGHTS_FILE] {
            let file = path.join(file);
            if !file.is_file() {
                return Err(MlError::MissingFile { file });
            }
        }
        let config = read_json(&path.join(CONFIG_FILE))?;
        let architecture = architecture(path, &config)?;
        let prompts = prompts(path, &config)?;
        let sequence = path.join(SEQUENCE_FILE);
        let max_seq_length = match sequence.is_file() {
            true => read_json(&sequence)?
                .get("max_seq_length")
                .and_then(Value::as_u64),
            false => None,
        };
        Ok(Self {
            path: path.to_path_buf(),
            max_seq_length: max_seq_length.map(|n| n as usize),
            architecture,
            config,
            prompts,
        })
    }

    /// How many tokens one window holds, special tokens included: what the position table
    /// allows, or less when sentence-transformers' settings say the model was trained on
    /// shorter sequences (all-MiniLM-L6-v2: 256).
    pub fn window_tokens(&self) -> usize {
        let field = |k: &str| {
            self.config
                .get(k)
                .and_then(Value::as_u64)
                .map(|v| v as usize)
        };
        let positions = field("max_position_embeddings").unwrap_or(512);
        match self.architecture {
            Architecture::Bert => positions,
            Architecture::XlmRoberta => {
                positions.saturating_sub(field("pad_token_id").unwrap_or(1) + 1)
            }
        }
        .min(self.max_seq_length.unwrap_or(512))
    }

    /// The id that pads a batch (`pad_token_id` in the config).
    pub fn pad_id(&self) -> u32 {
        let id = self.config.get("pad_token_id").and_then(Value::as_u64);
        id.and_then(|v| u32::try_from(v).ok()).unwrap_or(0)
    }
}

/// Reads a JSON file of the model, reporting a parse failure as a corrupt file.
pub fn read_json(path: &Path) -> Result<Value, MlError> {
    let bytes = std::fs::read(path).map_err(|e| MlError::io(path, e))?;
    serde_json::from_slice(&bytes).map_err(|e| MlError::corrupt(path, e))
}

fn architecture(dir: &Path, config: &Value) -> Result<Architecture, MlError> {
    match config.get("model_type").and_then(Value::as_str) {
        Some("bert") => Ok(Architecture::Bert),
        Some("xlm-roberta") => Ok(Architecture::XlmRoberta),
        other => Err(MlError::Unsupported {
            dir: dir.to_path_buf(),
            reason: format!("model_type {other:?}; levier runs \"bert\" and \"xlm-roberta\""),
        }),
    }
}

/// The prompts from sentence-transformers' settings; failing those, e5's card when the
/// directory or the config's `_name_or_path` names an e5 model (a download from a hub may predate
/// prompts in that file); otherwise none.
fn prompts(dir: &Path, config: &Value) -> Result<Prompts, MlError> {
    let file = dir.join(PROMPTS_FILE);
    if file.is_file() {
        let value = read_json(&file)?;
        let prompt = |k: &str| {
            value
                .pointer(&format!("/prompts/{k}"))
                .and_then(Value::as_str)
        };
        if let (Some(q), Some(p)) = (prompt("query"), prompt("passage")) {
            return Ok(Prompts {
                query: q.to_owned(),
                passage: p.to_owned(),
            });
        }
    }
    let dir_name = dir.file_name().map(|n| n.to_string_lossy().to_lowercase());
    let origin = config.get("_name_or_path").and_then(Value::as_str);
    let is_e5 = |n: &str| n.to_lowercase().contains("e5");
    if dir_name.as_deref().is_some_and(is_e5) || origin.is_some_and(is_e5) {
        return Ok(Prompts {
            query: "query: ".into(),
            passage: "passage: ".into(),
        });
    }
    Ok(Prompts::default())
}
