//! The sentence encoder: texts in, one L2-normalised vector per text out.

use crate::backbone::load_transformer;
use crate::batch::plan_batches;
use crate::error::MlError;
use crate::identity::ModelIdentity;
use crate::linear::Precision;
use crate::memo::{DEFAULT_MEMO_ENTRIES, VectorMemo};
use crate::model_dir::{ModelDir, Prompts, TOKENIZER_FILE};
use crate::tokenize::TextTokenizer;
use crate::transformer::{Transformer, masked_mean};
use crate::windows::{Window, split_windows};
use std::path::Path;

/// Whether a text is a search query or a passage to be found: e5 models were trained with a
/// different prefix for each, and mixing them up costs retrieval quality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextRole {
    /// A search query (`query: ` for e5).
    Query,
    /// A passage to be retrieved (`passage: ` for e5).
    Passage,
}

/// Padded tokens per forward pass: bounds memory (about 30 MB of activations and attention
/// scores for e5-small) and was the fastest of 512–4096 on 256-token passages: larger batches
/// allocate buffers past the allocator's reuse threshold and pay page faults on every operation.
const DEFAULT_BATCH_TOKENS: usize = 2048;

/// A loaded sentence encoder (BERT family, incl. XLM-R) with mean pooling and L2 normalisation.
pub struct SentenceEncoder {
    transformer: Transformer,
    tokenizer: TextTokenizer,
    prompts: Prompts,
    identity: ModelIdentity,
    dim: usize,
    window_tokens: usize,
    pad_id: u32,
    batch_tokens: usize,
    memo: VectorMemo,
}

impl SentenceEncoder {
    /// Loads the model in `dir` (Hugging Face layout), naming it `name` in its identity, in the
    /// fastest precision of this CPU ([`Precision::fastest`]).
    pub fn load(dir: &Path, name: &str) -> Result<Self, MlError> {
        Self::load_with(dir, name, Precision::fastest())
    }

    /// [`SentenceEncoder::load`] in a chosen precision.
    pub fn load_with(dir: &Path, name: &str, precision: Precision) -> Result<Self, MlError> {
        let model = ModelDir::open(dir)?;
        let tokenizer = TextTokenizer::load(&dir.join(TOKENIZER_FILE))?;
        let transformer = load_transformer(&model, precision)?;
        let identity = ModelIdentity::of_dir(dir, name)?;
        let dim = model
            .config
            .get("hidden_size")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0) as usize;
        Ok(Self {
            transformer,
            tokenizer,
            prompts: model.prompts.clone(),
            identity,
            dim,
            window_tokens: model.window_tokens(),
            pad_id: model.pad_id(),
            batch_tokens: DEFAULT_BATCH_TOKENS,
            memo: VectorMemo::new(DEFAULT_MEMO_ENTRIES),
        })
    }

    /// Which model this is, to record beside the vectors it makes.
    pub fn identity(&self) -> &ModelIdentity {
        &self.identity
    }

    /// Length of the vectors.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Tokens per window, special tokens included: longer texts are split (see
    /// [`crate::windows`]).
    pub fn window_tokens(&self) -> usize {
        self.window_tokens
    }

    /// Sets how many padded tokens one forward pass may hold (memory against speed).
    pub fn set_batch_tokens(&mut self, tokens: usize) {
        self.batch_tokens = tokens.max(self.window_tokens);
    }

    /// Vectors of search queries.
    pub fn embed_queries(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, MlError> {
        self.embed(texts, TextRole::Query)
    }

    /// Vectors of passages. A passage longer than the window gets one vector pooled over its
    /// windows (see [`crate::windows`]).
    pub fn embed_passages(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, MlError> {
        self.embed(texts, TextRole::Passage)
    }

    /// Sets how many short texts' vectors are remembered (see `memo.rs`); 0 turns the memory
    /// off, for a benchmark that must time every forward pass.
    pub fn set_memo_entries(&mut self, entries: usize) {
        self.memo = VectorMemo::new(entries);
    }

    /// One L2-normalised vector per text, in order. Short texts embedded lately as the same
    /// role come from memory: the assistant embeds a customer's message several times per turn.
    pub fn embed(&self, texts: &[&str], role: TextRole) -> Result<Vec<Vec<f32>>, MlError> {
        let prompted = self.prompted(texts, role);
        let mut vectors: Vec<Option<Vec<f32>>> =
            prompted.iter().map(|t| self.memo.get(t)).collect();
        let missing: Vec<usize> = (0..texts.len()).filter(|&i| vectors[i].is_none()).collect();
        if !missing.is_empty() {
            let wanted: Vec<String> = missing.iter().map(|&i| prompted[i].clone()).collect();
            let fresh = self.embed_prompted(wanted)?;
            for (i, vector) in missing.into_iter().zip(fresh) {
                self.memo.put(&prompted[i], &vector);
                vectors[i] = Some(vector);
            }
        }
        Ok(vectors.into_iter().flatten().collect())
    }

    /// Vectors of texts that already carry their role's prompt, each computed.
    fn embed_prompted(&self, texts: Vec<String>) -> Result<Vec<Vec<f32>>, MlError> {
        let count = texts.len();
        let ids = self.tokenizer.content_ids(texts)?;
        let (start, end) = (self.tokenizer.start(), self.tokenizer.end());
        let max_content = self.window_tokens.saturating_sub(start.len() + end.len());
        let windows = split_windows(&ids, start, end, max_content);
        let lengths: Vec<usize> = windows.iter().map(|w| w.ids.len()).collect();
        let mut sums = vec![vec![0f32; self.dim]; count];
        for batch in plan_batches(&lengths, self.batch_tokens) {
            let members: Vec<&Window> = batch.iter().map(|&i| &windows[i]).collect();
            let means = self.mean_states(&members)?;
            for (window, mean) in members.iter().zip(means) {
                let sum = &mut sums[window.text];
                sum.iter_mut()
                    .zip(mean)
                    .for_each(|(s, m)| *s += window.weight * m);
            }
        }
        sums.iter_mut().for_each(|v| l2_normalise(v));
        Ok(sums)
    }

    /// Token ids of each text with its role's prompt in front, special tokens left out.
    pub fn token_ids(&self, texts: &[&str], role: TextRole) -> Result<Vec<Vec<u32>>, MlError> {
        self.tokenizer.content_ids(self.prompted(texts, role))
    }

    /// Each text with its role's prompt in front.
    fn prompted(&self, texts: &[&str], role: TextRole) -> Vec<String> {
        let prompt = match role {
            TextRole::Query => &self.prompts.query,
            TextRole::Passage => &self.prompts.passage,
        };
        texts.iter().map(|t| format!("{prompt}{t}")).collect()
    }

    /// Mean of the last hidden states over each window's tokens (padding excluded).
    fn mean_states(&self, windows: &[&Window]) -> Result<Vec<Vec<f32>>, MlError> {
        let lengths: Vec<usize> = windows.iter().map(|w| w.ids.len()).collect();
        let len = lengths.iter().copied().max().unwrap_or(0);
        let mut ids = Vec::with_capacity(windows.len() * len);
        for w in windows {
            ids.extend_from_slice(&w.ids);
            ids.resize(ids.len() + len - w.ids.len(), self.pad_id);
        }
        let states = self.transformer.forward(&ids, &lengths)?;
        Ok(masked_mean(&states, self.dim, len, &lengths))
    }
}

/// Scales `v` to unit length (a zero vector stays zero).
fn l2_normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 1e-12 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}
