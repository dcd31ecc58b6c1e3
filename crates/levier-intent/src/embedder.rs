//! Where sentence vectors come from: the product's encoder, or anything else that maps texts to
//! L2-normalised vectors (a benchmark's cache of vectors, a test's fixed table).

use crate::IntentError;
use levier_ml::SentenceEncoder;

/// Texts per encoder call when embedding many texts: large enough to keep the forward passes
/// full, small enough that a failure or a progress report is never far away.
pub const EMBED_BATCH: usize = 128;

/// Turns texts into sentence vectors.
pub trait Embedder: Sync {
    /// One L2-normalised vector per text, in order, all of the same length.
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, IntentError>;
}

/// An e5 encoder embeds intents as queries (`query: ` prefix): customer messages and FAQ
/// phrasings are short questions, which is what that prefix was trained on.
impl Embedder for SentenceEncoder {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, IntentError> {
        let mut vectors = Vec::with_capacity(texts.len());
        for batch in texts.chunks(EMBED_BATCH) {
            vectors.extend(self.embed_queries(batch)?);
        }
        Ok(vectors)
    }
}

/// Embeds `texts` and checks the vectors ([`check_vectors`]).
pub(crate) fn embed_checked(
    embedder: &dyn Embedder,
    texts: &[&str],
) -> Result<Vec<Vec<f32>>, IntentError> {
    let vectors = embedder.embed(texts)?;
    check_vectors(&vectors, texts.len())?;
    Ok(vectors)
}

/// Checks that there are `count` vectors, all of the same non-zero length.
pub(crate) fn check_vectors(vectors: &[Vec<f32>], count: usize) -> Result<(), IntentError> {
    let dim = vectors.first().map_or(0, Vec::len);
    if vectors.len() != count || dim == 0 || vectors.iter().any(|v| v.len() != dim) {
        return Err(IntentError::BadEmbedding {
            expected: format!("{count} vectors of one length"),
            got: format!("{} vectors, the first of length {dim}", vectors.len()),
        });
    }
    Ok(())
}
