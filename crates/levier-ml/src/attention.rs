//! Attention of short windows, one window per task.
//!
//! For a batch of short texts (queries, customer messages, intent examples: 10–30 tokens), the
//! general path — batched matrix products over `windows × heads` tiny matrices, softmax, and the
//! permutations between them — is dominated by the cost of dispatching and synchronising each
//! operation, not by arithmetic. Here each window is one task that computes all its heads in
//! place from the fused query/key/value rows, and only real (unpadded) keys are visited.
//! Above [`SHORT_WINDOW`] tokens the arithmetic (quadratic in length) dominates and the matrix
//! products are faster.

use candle_core::{CpuStorage, CustomOp1, Layout, Result, Shape, Tensor};
use rayon::prelude::*;

/// Longest padded window length computed here (measured crossover: see the module's doc).
pub const SHORT_WINDOW: usize = 64;

/// Scaled dot-product attention of windows padded to `len` tokens, of which `lengths[b]` are
/// real in window `b`, over fused `[q | k | v]` rows of `heads` heads.
struct ShortAttention<'a> {
    len: usize,
    heads: usize,
    lengths: &'a [usize],
}

/// `[windows × len, 3 × hidden]` fused projections in, `[windows × len, hidden]` contexts out.
pub fn short_attention(
    qkv: &Tensor,
    len: usize,
    heads: usize,
    lengths: &[usize],
) -> Result<Tensor> {
    let op = ShortAttention {
        len,
        heads,
        lengths,
    };
    qkv.contiguous()?.apply_op1_no_bwd(&op)
}

impl CustomOp1 for ShortAttention<'_> {
    fn name(&self) -> &'static str {
        "levier-short-attention"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let Some((start, end)) = layout.contiguous_offsets() else {
            candle_core::bail!("attention: input must be contiguous")
        };
        let (rows, width) = layout.shape().dims2()?;
        let hidden = width / 3;
        if rows != self.len * self.lengths.len() || hidden % self.heads != 0 {
            candle_core::bail!(
                "attention: {rows}×{width} rows for {} windows",
                self.lengths.len()
            );
        }
        let qkv = &storage.as_slice::<f32>()?[start..end];
        let mut out = vec![0f32; rows * hidden];
        let shape = WindowShape {
            len: self.len,
            heads: self.heads,
            hidden,
        };
        out.par_chunks_mut(self.len * hidden)
            .zip(qkv.par_chunks(self.len * width))
            .zip(self.lengths.par_iter())
            .for_each(|((out, qkv), &real)| shape.window(out, qkv, real));
        Ok((CpuStorage::F32(out), Shape::from((rows, hidden))))
    }
}

#[derive(Clone, Copy)]
struct WindowShape {
    len: usize,
    heads: usize,
    hidden: usize,
}

impl WindowShape {
    /// Every head of one window. Padded query rows are computed too (over the real keys), as
    /// the general path does: they are never pooled, but stay finite.
    fn window(self, out: &mut [f32], qkv: &[f32], real: usize) {
        let width = 3 * self.hidden;
        let d = self.hidden / self.heads;
        let scale = 1.0 / (d as f32).sqrt();
        let mut weights = vec![0f32; real];
        for head in 0..self.heads {
            let (q_at, k_at, v_at) = (head * d, self.hidden + head * d, 2 * self.hidden + head * d);
            for i in 0..self.len {
                let q = &qkv[i * width + q_at..][..d];
                for (j, w) in weights.iter_mut().enumerate() {
                    *w = dot(q, &qkv[j * width + k_at..][..d]) * scale;
                }
                softmax(&mut weights);
                let o = &mut out[i * self.hidden + head * d..][..d];
                for (j, &w) in weights.iter().enumerate() {
                    let v = &qkv[j * width + v_at..][..d];
                    o.iter_mut().zip(v).for_each(|(o, v)| *o += w * v);
                }
            }
        }
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn softmax(x: &mut [f32]) {
    let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in x.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    x.iter_mut().for_each(|v| *v /= sum);
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    fn run(qkv: Vec<f32>, len: usize, heads: usize, lengths: &[usize]) -> Vec<f32> {
        let width = qkv.len() / (len * lengths.len());
        let t = Tensor::from_vec(qkv, (len * lengths.len(), width), &Device::Cpu).expect("tensor");
        short_attention(&t, len, heads, lengths)
            .expect("attention")
            .flatten_all()
            .expect("flat")
            .to_vec1()
            .expect("values")
    }

    #[test]
    fn one_head_by_hand() {
        // Two tokens, one head of width 2: q = k = (1, 0) and (0, 1), v = (1, 2) and (3, 4).
        let rows = vec![
            1.0, 0.0, 1.0, 0.0, 1.0, 2.0, //
            0.0, 1.0, 0.0, 1.0, 3.0, 4.0,
        ];
        let out = run(rows, 2, 1, &[2]);
        // Token 0: scores (1/√2, 0) → weights (e^{1/√2}, 1) / sum.
        let a = (1.0f32 / 2f32.sqrt()).exp();
        let (w0, w1) = (a / (a + 1.0), 1.0 / (a + 1.0));
        let want = [w0 + 3.0 * w1, 2.0 * w0 + 4.0 * w1];
        assert!(
            (out[0] - want[0]).abs() < 1e-6 && (out[1] - want[1]).abs() < 1e-6,
            "{out:?}"
        );
    }

    #[test]
    fn padding_changes_nothing_for_real_tokens() {
        let (heads, hidden, real) = (2, 4, 3);
        let width = 3 * hidden;
        let alone: Vec<f32> = (0..real * width)
            .map(|i| ((i * 7 % 11) as f32 - 5.0) / 5.0)
            .collect();
        let mut padded = alone.clone();
        padded.extend((0..2 * width).map(|i| i as f32)); // two padding rows of garbage
        let a = run(alone, real, heads, &[real]);
        let p = run(padded, real + 2, heads, &[real]);
        assert_eq!(a[..], p[..real * hidden]);
        assert!(p.iter().all(|v| v.is_finite()));
    }
}
