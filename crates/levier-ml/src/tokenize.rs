//! Text to token ids, with the model's special tokens kept apart so that a long text can be cut
//! into windows that each carry them.

use crate::error::MlError;
use std::path::Path;
use tokenizers::Tokenizer;

/// A model's tokenizer, with padding and truncation turned off: levier pads per batch and
/// splits long texts into windows itself (a tokenizer.json from a hub may pad to 128 and
/// truncate, which would cost time and silently drop text).
pub struct TextTokenizer {
    inner: Tokenizer,
    start: Vec<u32>,
    end: Vec<u32>,
}

impl TextTokenizer {
    /// Loads `tokenizer.json`.
    pub fn load(path: &Path) -> Result<Self, MlError> {
        let mut inner = Tokenizer::from_file(path).map_err(|e| MlError::corrupt(path, e))?;
        inner.with_padding(None);
        inner
            .with_truncation(None)
            .map_err(|e| MlError::corrupt(path, e))?;
        let probe = inner
            .encode("a", true)
            .map_err(|e| MlError::corrupt(path, e))?;
        let (ids, special) = (probe.get_ids(), probe.get_special_tokens_mask());
        let lead = special.iter().take_while(|&&s| s == 1).count();
        let trail = special.iter().rev().take_while(|&&s| s == 1).count();
        let start = ids[..lead].to_vec();
        let end = ids[ids.len().saturating_sub(trail).max(lead)..].to_vec();
        Ok(Self { inner, start, end })
    }

    /// The tokens of each text, without special tokens, in parallel. A single text is encoded
    /// on the calling thread: a batch call hands it to the thread pool and waits for it, which
    /// costs more than encoding a short text.
    pub fn content_ids(&self, mut texts: Vec<String>) -> Result<Vec<Vec<u32>>, MlError> {
        let encodings = match texts.len() {
            1 => texts
                .pop()
                .map(|t| self.inner.encode(t, false))
                .into_iter()
                .collect(),
            _ => self.inner.encode_batch(texts, false),
        }
        .map_err(|e| MlError::Tokenize(e.to_string()))?;
        Ok(encodings
            .into_iter()
            .map(|e| e.get_ids().to_vec())
            .collect())
    }

    /// Special tokens that open every window (`<s>` or `[CLS]`).
    pub fn start(&self) -> &[u32] {
        &self.start
    }

    /// Special tokens that close every window (`</s>` or `[SEP]`).
    pub fn end(&self) -> &[u32] {
        &self.end
    }
}
