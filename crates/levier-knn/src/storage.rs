//! The vectors themselves, in f32 or in int8 with a scale per vector.
//!
//! int8 keeps one byte a dimension plus one f32 scale (the vector's largest magnitude / 127), so
//! a 384-dimension vector takes 388 bytes instead of 1,536 (3.96×). Scores stay close to f32:
//! the query is never quantised (f32 × int8), so only the stored vector's rounding — at most
//! half a step of its own scale per dimension — shows in a score. f32 vectors are not kept
//! beside the codes: the store holds them, and the recall test shows none are needed to
//! rescore.

use crate::kernels::{dot, dot_f32_i8, dot_i8};
use crate::scored::{Scored, TopK};

/// How the vector index holds vectors in memory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Quantization {
    /// Four bytes a dimension, exact scores.
    #[default]
    F32,
    /// One byte a dimension plus a scale per vector: about four times less memory.
    Int8,
}

/// Fixed-length vectors numbered by slot (0, 1, 2… in the order they were pushed), in the
/// layout of a [`Quantization`].
#[derive(Debug, Clone)]
pub struct VectorStorage {
    layout: Layout,
}

#[derive(Debug, Clone)]
enum Layout {
    F32 {
        dims: usize,
        values: Vec<f32>,
    },
    Int8 {
        dims: usize,
        codes: Vec<i8>,
        scales: Vec<f32>,
    },
}

impl VectorStorage {
    /// No vectors yet; each will have `dims` values.
    pub fn new(quantization: Quantization, dims: usize) -> VectorStorage {
        let layout = match quantization {
            Quantization::F32 => Layout::F32 {
                dims,
                values: Vec::new(),
            },
            Quantization::Int8 => Layout::Int8 {
                dims,
                codes: Vec::new(),
                scales: Vec::new(),
            },
        };
        VectorStorage { layout }
    }

    /// An empty storage of the same kind and length.
    pub fn empty_like(&self) -> VectorStorage {
        match &self.layout {
            Layout::F32 { dims, .. } => VectorStorage::new(Quantization::F32, *dims),
            Layout::Int8 { dims, .. } => VectorStorage::new(Quantization::Int8, *dims),
        }
    }

    /// Appends a vector of the storage's length; its slot is the previous [`Self::len`].
    pub fn push(&mut self, vector: &[f32]) {
        match &mut self.layout {
            Layout::F32 { values, .. } => values.extend_from_slice(vector),
            Layout::Int8 { codes, scales, .. } => {
                let largest = vector.iter().fold(0.0f32, |m, v| m.max(v.abs()));
                let scale = largest / 127.0;
                let inverse = if scale > 0.0 { 1.0 / scale } else { 0.0 };
                // |v × inverse| ≤ 127 by construction: the cast cannot saturate.
                codes.extend(vector.iter().map(|v| (v * inverse).round() as i8));
                scales.push(scale);
            }
        }
    }

    /// Appends slot `slot` of `other`, a storage of the same kind and length, unchanged.
    pub fn push_from(&mut self, other: &VectorStorage, slot: u32) {
        match (&mut self.layout, &other.layout) {
            (Layout::F32 { values, .. }, Layout::F32 { .. }) => {
                values.extend_from_slice(other.f32_row(slot));
            }
            (
                Layout::Int8 { codes, scales, .. },
                Layout::Int8 {
                    scales: from_scales,
                    ..
                },
            ) => {
                codes.extend_from_slice(other.i8_row(slot));
                scales.push(from_scales[slot as usize]);
            }
            _ => panic!("push_from copies between storages of one kind"),
        }
    }

    /// Number of vectors.
    pub fn len(&self) -> usize {
        match &self.layout {
            Layout::F32 { dims, values } => values.len() / dims,
            Layout::Int8 { scales, .. } => scales.len(),
        }
    }

    /// True when no vector was pushed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Similarity (dot product) of an f32 query with the vector in `slot`.
    pub fn score(&self, query: &[f32], slot: u32) -> f32 {
        match &self.layout {
            Layout::F32 { .. } => dot(query, self.f32_row(slot)),
            Layout::Int8 { scales, .. } => {
                dot_f32_i8(query, self.i8_row(slot)) * scales[slot as usize]
            }
        }
    }

    /// Similarity of two stored vectors (graph construction compares neighbours).
    pub(crate) fn pair_score(&self, a: u32, b: u32) -> f32 {
        match &self.layout {
            Layout::F32 { .. } => dot(self.f32_row(a), self.f32_row(b)),
            Layout::Int8 { scales, .. } => {
                dot_i8(self.i8_row(a), self.i8_row(b)) as f32
                    * scales[a as usize]
                    * scales[b as usize]
            }
        }
    }

    /// Exact search: the `k` slots most similar to `query` among those `accept` lets
    /// through, best first.
    pub fn nearest(&self, query: &[f32], k: usize, accept: &dyn Fn(u32) -> bool) -> Vec<Scored> {
        let mut top = TopK::new(k);
        for slot in 0..u32::try_from(self.len()).unwrap_or(u32::MAX) {
            if accept(slot) {
                top.offer(Scored {
                    score: self.score(query, slot),
                    slot,
                });
            }
        }
        top.into_sorted()
    }

    /// Bytes the vectors occupy (not counting spare capacity).
    pub fn bytes(&self) -> usize {
        match &self.layout {
            Layout::F32 { values, .. } => std::mem::size_of_val(values.as_slice()),
            Layout::Int8 { codes, scales, .. } => {
                std::mem::size_of_val(codes.as_slice()) + std::mem::size_of_val(scales.as_slice())
            }
        }
    }

    /// Gives back spare capacity (after a bulk load).
    pub fn shrink_to_fit(&mut self) {
        match &mut self.layout {
            Layout::F32 { values, .. } => values.shrink_to_fit(),
            Layout::Int8 { codes, scales, .. } => {
                codes.shrink_to_fit();
                scales.shrink_to_fit();
            }
        }
    }

    fn f32_row(&self, slot: u32) -> &[f32] {
        match &self.layout {
            Layout::F32 { dims, values } => {
                let start = slot as usize * dims;
                &values[start..start + dims]
            }
            Layout::Int8 { .. } => unreachable!("an f32 row of int8 storage"),
        }
    }

    fn i8_row(&self, slot: u32) -> &[i8] {
        match &self.layout {
            Layout::Int8 { dims, codes, .. } => {
                let start = slot as usize * dims;
                &codes[start..start + dims]
            }
            Layout::F32 { .. } => unreachable!("an int8 row of f32 storage"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(seed: usize, dims: usize) -> Vec<f32> {
        let v: Vec<f32> = (0..dims)
            .map(|i| ((seed * 7919 + i * 104_729) % 1000) as f32 / 500.0 - 1.0)
            .collect();
        let norm = dot(&v, &v).sqrt();
        v.iter().map(|x| x / norm).collect()
    }

    #[test]
    fn int8_scores_are_close_to_f32_and_four_times_smaller() {
        let dims = 384;
        let mut exact = VectorStorage::new(Quantization::F32, dims);
        let mut small = VectorStorage::new(Quantization::Int8, dims);
        for seed in 0..50 {
            exact.push(&unit(seed, dims));
            small.push(&unit(seed, dims));
        }
        let query = unit(1000, dims);
        for slot in 0..50 {
            let (e, q) = (exact.score(&query, slot), small.score(&query, slot));
            assert!((e - q).abs() < 2e-3, "slot {slot}: {e} vs {q}");
            let (e, q) = (exact.pair_score(0, slot), small.pair_score(0, slot));
            assert!((e - q).abs() < 4e-3, "pair {slot}: {e} vs {q}");
        }
        assert!(exact.bytes() as f64 / small.bytes() as f64 >= 3.5);
        let mut copy = small.empty_like();
        copy.push_from(&small, 7);
        assert_eq!(copy.score(&query, 0), small.score(&query, 7));
    }
}
