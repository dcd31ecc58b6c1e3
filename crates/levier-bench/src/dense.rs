//! The dense side of the benchmark: every chunk embedded by the product's embedding run
//! (`levier_index::semantic::embed`), its vectors stored and loaded into semantic search, as
//! a server does — with a cache of vectors between runs in front of the encoder.

use crate::BenchError;
use crate::vector_cache::VectorCache;
use levier_index::semantic::embed::{EmbedProgress, EmbedReport, PassageEncoder, embed_pending};
use levier_index::semantic::{SemanticSearch, register};
use levier_index::vector::VectorConfig;
use levier_index::{IndexError, IndexResult};
use levier_ml::SentenceEncoder;
use levier_store::Store;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

/// How embedding the corpus went.
#[derive(Debug, Clone, Copy)]
pub struct EmbedStats {
    /// Chunks embedded in this run (the rest came from the vectors cache).
    pub embedded: usize,
    /// Wall time of embedding and storing, in seconds.
    pub seconds: f64,
}

/// Loads the model in `model_dir`, embeds every chunk of the store (reusing the vectors in
/// `cache_dir`, if given) and loads semantic search over the stored vectors.
pub async fn build(
    store: &Store,
    model_dir: &Path,
    cache_dir: Option<&Path>,
) -> Result<(SemanticSearch, EmbedStats), BenchError> {
    let name = model_dir
        .file_name()
        .map_or_else(|| "model".into(), |n| n.to_string_lossy().into_owned());
    let encoder = Arc::new(SentenceEncoder::load(model_dir, &name)?);
    let model = register(store, &encoder).await?;
    let identity = encoder.identity().clone();
    let cache = cache_dir
        .map(|dir| VectorCache::open(dir, &identity.weights_sha256, encoder.dim()))
        .transpose()?;
    let cached = Arc::new(CachedEncoder {
        encoder: encoder.clone(),
        cache: cache.map(Mutex::new),
        embedded: AtomicUsize::new(0),
    });
    let started = Instant::now();
    embed_pending(store, &cached, &model, &mut LogProgress).await?;
    let stats = EmbedStats {
        embedded: cached.embedded.load(Ordering::Relaxed),
        seconds: started.elapsed().as_secs_f64(),
    };
    let search = SemanticSearch::load(store, encoder, VectorConfig::default()).await?;
    Ok((search, stats))
}

/// Logs an embedding run's progress.
struct LogProgress;

impl EmbedReport for LogProgress {
    async fn report(&mut self, p: EmbedProgress) -> bool {
        tracing::info!(done = p.done, total = p.total, "chunks embedded");
        true
    }
}

/// The encoder behind a cache of vectors keyed by passage text.
struct CachedEncoder {
    encoder: Arc<SentenceEncoder>,
    cache: Option<Mutex<VectorCache>>,
    /// Passages the encoder really embedded (the rest came from the cache).
    embedded: AtomicUsize,
}

impl PassageEncoder for CachedEncoder {
    fn embed_passages(&self, texts: &[String]) -> IndexResult<Vec<Vec<f32>>> {
        let Some(cache) = &self.cache else {
            self.embedded.fetch_add(texts.len(), Ordering::Relaxed);
            return PassageEncoder::embed_passages(&*self.encoder, texts);
        };
        let mut cache = cache.lock().unwrap_or_else(PoisonError::into_inner);
        let missing: Vec<String> = texts
            .iter()
            .filter(|t| cache.get(t).is_none())
            .cloned()
            .collect();
        if !missing.is_empty() {
            let fresh = PassageEncoder::embed_passages(&*self.encoder, &missing)?;
            self.embedded.fetch_add(missing.len(), Ordering::Relaxed);
            let entries: Vec<(&str, &[f32])> = missing
                .iter()
                .zip(&fresh)
                .map(|(t, v)| (t.as_str(), v.as_slice()))
                .collect();
            cache
                .insert(&entries)
                .map_err(|e| IndexError::Interrupted(e.to_string()))?;
        }
        Ok(texts
            .iter()
            .map(|t| cache.get(t).map(<[f32]>::to_vec).unwrap_or_default())
            .collect())
    }
}
