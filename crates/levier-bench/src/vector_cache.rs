//! Vectors kept between benchmark runs: embedding a corpus takes minutes to hours on a CPU,
//! while a run only changes the retrieval around it.
//!
//! One file per model, named by the sha256 of its weights, so vectors of other weights are never
//! mixed in; each record is the sha256 of the passage text (32 bytes) followed by its vector
//! (little-endian f32). Records are appended as passages are embedded, so an interrupted run
//! keeps what it did; a truncated last record is ignored.

use crate::BenchError;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Digest of a passage's text: the key of its vector.
type TextKey = [u8; 32];

/// The cached vectors of one model, and the file new ones are appended to.
pub struct VectorCache {
    path: PathBuf,
    dims: usize,
    vectors: HashMap<TextKey, Vec<f32>>,
}

impl VectorCache {
    /// Reads the vectors of the model whose weights have `weights_sha256` from `dir` (created
    /// if absent).
    pub fn open(dir: &Path, weights_sha256: &str, dims: usize) -> Result<Self, BenchError> {
        std::fs::create_dir_all(dir).map_err(|source| io(dir, source))?;
        let path = dir.join(format!("{weights_sha256}-{dims}.vectors"));
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(source) => return Err(io(&path, source)),
        };
        let vectors = bytes
            .chunks_exact(32 + dims * 4)
            .map(|record| {
                let (key, values) = record.split_at(32);
                let vector = values
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect();
                (key.try_into().unwrap_or([0; 32]), vector)
            })
            .collect();
        Ok(VectorCache {
            path,
            dims,
            vectors,
        })
    }

    /// The cached vector of a passage, if any.
    pub fn get(&self, text: &str) -> Option<&[f32]> {
        self.vectors.get(&key(text)).map(Vec::as_slice)
    }

    /// Adds vectors of passages, appending them to the file.
    pub fn insert(&mut self, entries: &[(&str, &[f32])]) -> Result<(), BenchError> {
        let mut out = Vec::with_capacity(entries.len() * (32 + self.dims * 4));
        for (text, vector) in entries {
            let key = key(text);
            out.extend_from_slice(&key);
            vector
                .iter()
                .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
            self.vectors.insert(key, vector.to_vec());
        }
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .and_then(|mut file| file.write_all(&out))
            .map_err(|source| io(&self.path, source))
    }
}

fn key(text: &str) -> TextKey {
    Sha256::digest(text.as_bytes()).into()
}

fn io(path: &Path, source: std::io::Error) -> BenchError {
    BenchError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_survive_a_reopen_and_a_torn_record() {
        let dir = tempfile::tempdir().unwrap();
        let sha = "ab".repeat(32);
        let mut cache = VectorCache::open(dir.path(), &sha, 2).unwrap();
        cache
            .insert(&[("one", &[1.0, 2.0][..]), ("two", &[3.0, 4.0][..])])
            .unwrap();
        let file = dir.path().join(format!("{sha}-2.vectors"));
        let mut bytes = std::fs::read(&file).unwrap();
        bytes.extend_from_slice(&[1, 2, 3]);
        std::fs::write(&file, bytes).unwrap();
        let cache = VectorCache::open(dir.path(), &sha, 2).unwrap();
        assert_eq!(cache.get("one"), Some(&[1.0, 2.0][..]));
        assert_eq!(cache.get("two"), Some(&[3.0, 4.0][..]));
        assert_eq!(cache.get("three"), None);
    }
}
