//! From a text and its embedding to the linear model's features.
//!
//! The embedding is standardised per dimension: e5 vectors all point into a narrow cone
//! (cosine ≈ 0.7–0.9 between unrelated texts), so raw coordinates differ by little and a linear
//! model on them needs huge weights and many steps; centred and scaled, every dimension starts
//! on an equal footing. Both parts are then scaled to about unit length times their weight,
//! which sets how strongly the L2 penalty holds each back.

use crate::linear::Row;
use crate::tfidf::{Tfidf, TfidfConfig};
use serde::{Deserialize, Serialize};

/// Standardised coordinates are clipped to this many standard deviations: a message unlike
/// any training text (a direction training never varied along) would otherwise get one huge
/// coordinate that outweighs all the others. On e5 vectors of real messages it seldom binds.
const CLIP: f32 = 5.0;

/// Which features the model sees and how much each weighs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FeatureConfig {
    /// Length of the standardised embedding.
    pub embedding_weight: f32,
    /// The TF-IDF n-grams, or `None` for embeddings only.
    pub tfidf: Option<TfidfConfig>,
    /// Length of the TF-IDF row.
    pub tfidf_weight: f32,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            embedding_weight: 1.0,
            tfidf: Some(TfidfConfig::default()),
            tfidf_weight: 0.5,
        }
    }
}

/// The fitted feature transform.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Featuriser {
    /// Per-dimension mean of the training embeddings.
    mean: Vec<f32>,
    /// Per-dimension 1 / std.
    inverse_std: Vec<f32>,
    /// embedding_weight / √dim: brings the standardised vector to about that length.
    weight: f32,
    tfidf: Option<Tfidf>,
    tfidf_weight: f32,
}

impl Featuriser {
    /// Fits the standardisation and the vocabulary on training texts and their embeddings.
    pub fn fit(texts: &[&str], vectors: &[Vec<f32>], config: &FeatureConfig) -> Self {
        let dim = vectors.first().map_or(0, Vec::len);
        let n = vectors.len().max(1) as f32;
        let mut mean = vec![0f32; dim];
        for v in vectors {
            mean.iter_mut().zip(v).for_each(|(m, x)| *m += x / n);
        }
        let mut var = vec![0f32; dim];
        for v in vectors {
            var.iter_mut()
                .zip(v.iter().zip(&mean))
                .for_each(|(s, (x, m))| *s += (x - m) * (x - m) / n);
        }
        // A dimension that barely varies in training would be blown up by its own deviation
        // at prediction time: no dimension is scaled by more than a tenth of the typical one.
        let floor = 0.1 * (var.iter().sum::<f32>() / dim.max(1) as f32).sqrt() + 1e-6;
        Featuriser {
            mean,
            inverse_std: var.iter().map(|s| 1.0 / s.sqrt().max(floor)).collect(),
            weight: config.embedding_weight / (dim.max(1) as f32).sqrt(),
            tfidf: config.tfidf.map(|c| Tfidf::fit(texts, c)),
            tfidf_weight: config.tfidf_weight,
        }
    }

    /// Width of the sparse part of the rows.
    pub fn sparse_dim(&self) -> usize {
        self.tfidf.as_ref().map_or(0, Tfidf::len)
    }

    /// Length of the embeddings this transform was fitted on.
    pub fn embedding_dim(&self) -> usize {
        self.mean.len()
    }

    /// The features of one text.
    pub fn row(&self, text: &str, vector: &[f32]) -> Row {
        let dense = vector
            .iter()
            .zip(self.mean.iter().zip(&self.inverse_std))
            .map(|(x, (m, s))| ((x - m) * s).clamp(-CLIP, CLIP) * self.weight)
            .collect();
        let mut sparse = self
            .tfidf
            .as_ref()
            .map(|t| t.transform(text))
            .unwrap_or_default();
        sparse.iter_mut().for_each(|(_, v)| *v *= self.tfidf_weight);
        Row { dense, sparse }
    }
}
