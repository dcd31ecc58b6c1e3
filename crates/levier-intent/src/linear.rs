//! Multinomial logistic regression over dense and sparse features, trained by mini-batch Adam.
//!
//! Written here rather than taken from a crate: the well-kept Rust ones (linfa-logistic,
//! smartcore) take dense `ndarray` matrices only, and the TF-IDF side has tens of thousands of
//! columns of which a message touches a hundred — dense it would cost a hundred times the work.
//! Here a sparse column's weights are updated only when a mini-batch touches it ("lazy" Adam,
//! the usual treatment of sparse gradients), and the order of the mini-batches comes from a
//! seeded generator, so a training run is reproducible bit for bit.

use crate::tfidf::SparseRow;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

/// One example's features.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// Dense features (the embedding, standardised).
    pub dense: Vec<f32>,
    /// Sparse features (TF-IDF), possibly empty.
    pub sparse: SparseRow,
}

/// How the model is trained.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Passes over the training examples.
    pub epochs: usize,
    /// At least this many mini-batch steps, whatever the epochs say: a few dozen examples need
    /// many passes to converge.
    pub min_steps: usize,
    /// Examples per mini-batch.
    pub batch: usize,
    /// Adam's initial step size (decays linearly to zero).
    pub learning_rate: f32,
    /// L2 penalty on the weights.
    pub l2: f32,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 8,
            min_steps: 400,
            batch: 64,
            learning_rate: 0.02,
            l2: 1e-5,
        }
    }
}

/// Weights of a multinomial logistic regression.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Linear {
    classes: usize,
    dense_dim: usize,
    /// classes × dense_dim, class-major.
    dense: Vec<f32>,
    /// sparse_dim × classes, feature-major (a sparse feature's weights are contiguous).
    sparse: Vec<f32>,
    bias: Vec<f32>,
}

impl Linear {
    /// Fits weights to `rows` labelled with class indices `< classes`.
    pub fn train(
        rows: &[Row],
        labels: &[usize],
        classes: usize,
        sparse_dim: usize,
        config: &TrainConfig,
        seed: u64,
    ) -> Self {
        let dense_dim = rows.first().map_or(0, |r| r.dense.len());
        let mut model = Linear {
            classes,
            dense_dim,
            dense: vec![0.0; classes * dense_dim],
            sparse: vec![0.0; sparse_dim * classes],
            bias: vec![0.0; classes],
        };
        let mut trainer = Trainer::new(&model, config);
        let mut order: Vec<usize> = (0..rows.len()).collect();
        let mut rng = StdRng::seed_from_u64(seed);
        let per_epoch = rows.len().div_ceil(config.batch.max(1));
        let steps = (config.epochs * per_epoch).max(config.min_steps);
        for step in 0..steps {
            if step % per_epoch == 0 {
                order.shuffle(&mut rng);
            }
            let start = (step % per_epoch) * config.batch;
            let batch = &order[start..(start + config.batch).min(order.len())];
            let decay = 1.0 - step as f32 / steps as f32;
            trainer.step(
                &mut model,
                rows,
                labels,
                batch,
                config.learning_rate * decay,
            );
        }
        model
    }

    /// Class probabilities of a row.
    pub fn probabilities(&self, row: &Row) -> Vec<f32> {
        let mut scores = self.bias.clone();
        for (c, score) in scores.iter_mut().enumerate() {
            let weights = &self.dense[c * self.dense_dim..(c + 1) * self.dense_dim];
            *score += dot(weights, &row.dense);
        }
        for &(j, x) in &row.sparse {
            let weights = &self.sparse[j as usize * self.classes..][..self.classes];
            scores
                .iter_mut()
                .zip(weights)
                .for_each(|(s, w)| *s += x * w);
        }
        softmax(&mut scores);
        scores
    }
}

/// Adam's moments and the gradient buffers of one training run.
struct Trainer {
    l2: f32,
    step: i32,
    dense: Adam,
    sparse: Adam,
    bias: Adam,
    grad_dense: Vec<f32>,
    grad_sparse: Vec<f32>,
    grad_bias: Vec<f32>,
    /// Sparse features touched by the current mini-batch.
    touched: Vec<u32>,
    seen: Vec<bool>,
}

impl Trainer {
    fn new(model: &Linear, config: &TrainConfig) -> Self {
        Trainer {
            l2: config.l2,
            step: 0,
            dense: Adam::new(model.dense.len()),
            sparse: Adam::new(model.sparse.len()),
            bias: Adam::new(model.bias.len()),
            grad_dense: vec![0.0; model.dense.len()],
            grad_sparse: vec![0.0; model.sparse.len()],
            grad_bias: vec![0.0; model.bias.len()],
            touched: Vec::new(),
            seen: vec![false; model.sparse.len() / model.classes.max(1)],
        }
    }

    /// One Adam step on the mean cross-entropy of `batch` plus the L2 penalty.
    fn step(&mut self, m: &mut Linear, rows: &[Row], labels: &[usize], batch: &[usize], lr: f32) {
        self.accumulate(m, rows, labels, batch);
        self.step += 1;
        let scale = 1.0 / batch.len() as f32;
        let (c, l2) = (m.classes, self.l2);
        for (g, w) in self.grad_dense.iter_mut().zip(&m.dense) {
            *g = *g * scale + l2 * w;
        }
        self.grad_bias.iter_mut().for_each(|g| *g *= scale);
        self.dense
            .update(&mut m.dense, &self.grad_dense, 0, lr, self.step);
        self.bias
            .update(&mut m.bias, &self.grad_bias, 0, lr, self.step);
        for &j in &self.touched {
            let at = j as usize * c;
            let grad = &mut self.grad_sparse[at..at + c];
            for (g, w) in grad.iter_mut().zip(&m.sparse[at..at + c]) {
                *g = *g * scale + l2 * w;
            }
            self.sparse
                .update(&mut m.sparse[at..at + c], grad, at, lr, self.step);
            grad.iter_mut().for_each(|g| *g = 0.0);
            self.seen[j as usize] = false;
        }
        self.touched.clear();
        self.grad_dense.iter_mut().for_each(|g| *g = 0.0);
        self.grad_bias.iter_mut().for_each(|g| *g = 0.0);
    }

    /// Adds each example's gradient (probabilities minus the one-hot label) to the buffers.
    fn accumulate(&mut self, m: &Linear, rows: &[Row], labels: &[usize], batch: &[usize]) {
        let (c, d) = (m.classes, m.dense_dim);
        for &i in batch {
            let row = &rows[i];
            let mut delta = m.probabilities(row);
            delta[labels[i]] -= 1.0;
            for (k, &e) in delta.iter().enumerate() {
                let grad = &mut self.grad_dense[k * d..(k + 1) * d];
                grad.iter_mut()
                    .zip(&row.dense)
                    .for_each(|(g, x)| *g += e * x);
                self.grad_bias[k] += e;
            }
            for &(j, x) in &row.sparse {
                if !std::mem::replace(&mut self.seen[j as usize], true) {
                    self.touched.push(j);
                }
                let grad = &mut self.grad_sparse[j as usize * c..][..c];
                grad.iter_mut().zip(&delta).for_each(|(g, e)| *g += e * x);
            }
        }
    }
}

/// Adam's first and second moment estimates for a block of weights.
struct Adam {
    m: Vec<f32>,
    v: Vec<f32>,
}

impl Adam {
    const BETA1: f32 = 0.9;
    const BETA2: f32 = 0.999;
    const EPSILON: f32 = 1e-8;

    fn new(len: usize) -> Self {
        Adam {
            m: vec![0.0; len],
            v: vec![0.0; len],
        }
    }

    /// Updates `weights` (the block starting at `offset` of this optimiser's weights).
    fn update(&mut self, weights: &mut [f32], grad: &[f32], offset: usize, lr: f32, step: i32) {
        let lr = lr * (1.0 - Self::BETA2.powi(step)).sqrt() / (1.0 - Self::BETA1.powi(step));
        let m = &mut self.m[offset..offset + weights.len()];
        let v = &mut self.v[offset..offset + weights.len()];
        for (((w, g), m), v) in weights.iter_mut().zip(grad).zip(m).zip(v) {
            *m = Self::BETA1 * *m + (1.0 - Self::BETA1) * g;
            *v = Self::BETA2 * *v + (1.0 - Self::BETA2) * g * g;
            *w -= lr * *m / (v.sqrt() + Self::EPSILON);
        }
    }
}

/// Dot product of two equal-length slices, in eight independent partial sums so that the
/// compiler can keep them in one SIMD register (a single running sum forbids reordering).
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let (a8, b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = a8
        .remainder()
        .iter()
        .zip(b8.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a8.zip(b8) {
        for k in 0..8 {
            lanes[k] += x[k] * y[k];
        }
    }
    lanes.iter().sum::<f32>() + tail
}

/// Turns scores into probabilities in place.
fn softmax(scores: &mut [f32]) {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    scores.iter_mut().for_each(|s| *s = (*s - max).exp());
    let sum: f32 = scores.iter().sum();
    scores.iter_mut().for_each(|s| *s /= sum);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(dense: &[f32], sparse: &[(u32, f32)]) -> Row {
        Row {
            dense: dense.to_vec(),
            sparse: sparse.to_vec(),
        }
    }

    #[test]
    fn separates_classes_by_dense_and_by_sparse_features() {
        let rows = vec![
            row(&[1.0, 0.0], &[]),
            row(&[0.9, 0.1], &[]),
            row(&[0.0, 1.0], &[]),
            row(&[0.1, 0.9], &[]),
            row(&[0.5, 0.5], &[(0, 1.0)]),
            row(&[0.5, 0.5], &[(1, 1.0)]),
        ];
        let labels = [0, 0, 1, 1, 0, 1];
        let model = Linear::train(&rows, &labels, 2, 2, &TrainConfig::default(), 7);
        for (r, &label) in rows.iter().zip(&labels) {
            let p = model.probabilities(r);
            assert!(p[label] > 0.7, "{p:?} for class {label}");
            assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
    }

    #[test]
    fn training_is_reproducible_with_a_seed() {
        let rows: Vec<Row> = (0..40)
            .map(|i| {
                row(
                    &[(i % 3) as f32, (i % 5) as f32 / 5.0],
                    &[((i % 4) as u32, 1.0)],
                )
            })
            .collect();
        let labels: Vec<usize> = (0..40).map(|i| i % 3).collect();
        let a = Linear::train(&rows, &labels, 3, 4, &TrainConfig::default(), 1);
        let b = Linear::train(&rows, &labels, 3, 4, &TrainConfig::default(), 1);
        assert_eq!(a.dense, b.dense);
        assert_eq!(a.sparse, b.sparse);
    }
}
