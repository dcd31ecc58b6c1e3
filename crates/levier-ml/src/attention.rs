//! Attention of short windows, one window per task.
//!
//! For a batch of short texts (queries, customer messages, intent examples: 10–30 tokens), the
//! general path — batched matrix products over `windows × heads` tiny matrices, softmax, and the
//! permutations between them — is dominated by the cost of dispatching and synchronising each
//! operation, not by arithmetic. Here each window is one task that computes all its heads in
//! place from the fused query/key/value rows, and only real (unpadded) keys are visited.
//! Above [`SHORT_WINDOW`] tokens the arithmetic (quadratic in length) dominates and the matrix
//! products are faster.

use crate::fastmath::exp_negative;
use rayon::prelude::*;

/// Longest padded window length computed here (measured crossover: see the module's doc).
pub const SHORT_WINDOW: usize = 64;

/// Scaled dot-product attention of windows padded to `len` tokens, of which `lengths[b]` are
/// real in window `b`: fused `[q | k | v]` rows of `heads` heads in (`[windows × len, 3 ×
/// hidden]`), contexts out (`[windows × len, hidden]`). One window (a single short text) runs
/// on the calling thread: handing it to another core would cost more than it computes.
pub fn short_attention(qkv: &[f32], len: usize, heads: usize, lengths: &[usize]) -> Vec<f32> {
    let width = qkv.len() / (len * lengths.len()).max(1);
    let hidden = width / 3;
    let shape = WindowShape { heads, hidden };
    let mut out = vec![0f32; len * lengths.len() * hidden];
    let window = |((out, qkv), &real): ((&mut [f32], &[f32]), &usize)| {
        shape.window(out, qkv, real);
    };
    if lengths.len() == 1 {
        window(((&mut out, qkv), &lengths[0]));
    } else {
        out.par_chunks_mut(len * hidden)
            .zip(qkv.par_chunks(len * width))
            .zip(lengths.par_iter())
            .for_each(window);
    }
    out
}

#[derive(Clone, Copy)]
struct WindowShape {
    heads: usize,
    hidden: usize,
}

impl WindowShape {
    /// Every head of one window. Padded query rows are left at zero: only real keys are
    /// attended to, so they never reach a real token, and they are never pooled.
    fn window(self, out: &mut [f32], qkv: &[f32], real: usize) {
        let width = 3 * self.hidden;
        let d = self.hidden / self.heads;
        let scale = 1.0 / (d as f32).sqrt();
        let mut weights = vec![0f32; real];
        for head in 0..self.heads {
            let (q_at, k_at, v_at) = (head * d, self.hidden + head * d, 2 * self.hidden + head * d);
            for i in 0..real {
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

/// Dot product over 8 lanes, so that it is vectorised (a plain sum of f32 is not: its order
/// of additions is fixed).
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let (a8, a_rest) = a.as_chunks::<8>();
    let (b8, b_rest) = b.as_chunks::<8>();
    let mut lanes = [0f32; 8];
    for (x, y) in a8.iter().zip(b8) {
        for i in 0..8 {
            lanes[i] += x[i] * y[i];
        }
    }
    let rest: f32 = a_rest.iter().zip(b_rest).map(|(x, y)| x * y).sum();
    lanes.iter().sum::<f32>() + rest
}

/// In place; the exponentials in a loop of their own, which is vectorised.
fn softmax(x: &mut [f32]) {
    let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    x.iter_mut().for_each(|v| *v = exp_negative(*v - max));
    let inverse = 1.0 / x.iter().sum::<f32>();
    x.iter_mut().for_each(|v| *v *= inverse);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(qkv: Vec<f32>, len: usize, heads: usize, lengths: &[usize]) -> Vec<f32> {
        short_attention(&qkv, len, heads, lengths)
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
        assert!(p[real * hidden..].iter().all(|&v| v == 0.0));
    }

    #[test]
    fn windows_of_a_batch_are_computed_as_alone() {
        let (heads, hidden, len) = (2, 4, 3);
        let width = 3 * hidden;
        let rows: Vec<f32> = (0..2 * len * width)
            .map(|i| ((i * 5 % 13) as f32 - 6.0) / 6.0)
            .collect();
        let batch = run(rows.clone(), len, heads, &[3, 2]);
        let first = run(rows[..len * width].to_vec(), len, heads, &[3]);
        let second = run(rows[len * width..].to_vec(), len, heads, &[2]);
        assert_eq!(batch, [first, second].concat());
    }
}
