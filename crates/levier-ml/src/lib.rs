//! levier's local models: a sentence encoder for the BERT family (incl. XLM-R) and the importer
//! that puts models in place.
//!
//! The encoder reads a model directory in the standard Hugging Face layout (`config.json`,
//! `tokenizer.json`, `model.safetensors`) and runs it on candle's tensors, in pure Rust on the CPU:
//! multilingual-e5-small (the default: French and English, `query: ` / `passage: ` prompts) and
//! all-MiniLM-L6-v2 (English). Vectors are mean-pooled and L2-normalised, so a dot product is a
//! cosine. Texts longer than the model's window are split into windows (see [`windows`]).

mod attention;
mod backbone;
mod batch;
mod catalog;
mod encoder;
mod error;
mod fastmath;
mod gelu;
mod identity;
pub mod import;
mod linear;
mod memo;
mod model_dir;
mod norm;
pub mod testing;
mod tokenize;
mod transformer;
pub mod windows;

pub use catalog::{CatalogEntry, ModelCatalog};
pub use encoder::{SentenceEncoder, TextRole};
pub use error::{FIX_COMMAND, MlError};
pub use identity::{ModelIdentity, sha256_file};
pub use import::{DEFAULT_MODEL_NAME, Imported, default_name, import};
pub use linear::Precision;
pub use model_dir::{
    Architecture, CONFIG_FILE, IDENTITY_FILE, ModelDir, PROMPTS_FILE, Prompts, TOKENIZER_FILE,
    WEIGHTS_FILE,
};
