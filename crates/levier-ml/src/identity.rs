//! The identity of a model: its name and the sha256 of its weights.
//!
//! Vectors are only comparable when made by the same weights, so the vector storage records this
//! identity beside them and re-embeds when it changes. Hashing 470 MB takes about a second, so
//! the digest is cached in `levier-model.json` beside the weights, keyed by their size and
//! modification time.

use crate::error::MlError;
use crate::model_dir::{IDENTITY_FILE, WEIGHTS_FILE};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;
use std::time::UNIX_EPOCH;

/// Which model made a vector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelIdentity {
    /// The model's name (its directory's name under the models directory).
    pub name: String,
    /// Lower-case hex sha256 of `model.safetensors`.
    pub weights_sha256: String,
}

/// The cached digest and what it was computed from.
#[derive(Debug, Serialize, Deserialize)]
struct IdentityCache {
    weights_sha256: String,
    weights_bytes: u64,
    weights_mtime_ns: u128,
}

impl ModelIdentity {
    /// The identity of the model in `dir`, reusing the cached digest when the weights file is
    /// unchanged and refreshing the cache (if the directory is writable) otherwise.
    pub fn of_dir(dir: &Path, name: &str) -> Result<Self, MlError> {
        let weights = dir.join(WEIGHTS_FILE);
        let meta = std::fs::metadata(&weights).map_err(|_| MlError::MissingFile {
            file: weights.clone(),
        })?;
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let cache_path = dir.join(IDENTITY_FILE);
        let cached = std::fs::read(&cache_path)
            .ok()
            .and_then(|b| serde_json::from_slice::<IdentityCache>(&b).ok())
            .filter(|c| c.weights_bytes == meta.len() && c.weights_mtime_ns == mtime_ns);
        let weights_sha256 = match cached {
            Some(c) => c.weights_sha256,
            None => {
                let digest = sha256_file(&weights)?;
                let cache = IdentityCache {
                    weights_sha256: digest.clone(),
                    weights_bytes: meta.len(),
                    weights_mtime_ns: mtime_ns,
                };
                // A read-only model directory still works; it is only hashed at each load.
                if let Ok(text) = serde_json::to_vec_pretty(&cache) {
                    let _ = std::fs::write(&cache_path, text);
                }
                digest
            }
        };
        Ok(Self {
            name: name.to_owned(),
            weights_sha256,
        })
    }
}

/// Lower-case hex sha256 of a file, streamed.
pub fn sha256_file(path: &Path) -> Result<String, MlError> {
    let mut file = std::fs::File::open(path).map_err(|e| MlError::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(|e| MlError::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}
