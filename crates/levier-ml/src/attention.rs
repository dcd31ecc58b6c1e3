//! Scaled dot-product attention of padded windows, in plain loops over blocks of query rows.
//!
//! Candle's batched matrix products over `windows × heads` matrices, the softmax and the
//! permutations between them cost more in allocations, copies and dispatch than in arithmetic
//! at e5-small's sizes: 12 heads × 256² × 32 is ~50 MFLOP per layer per passage, small next
//! to the dense layers. Here each task computes every head of a block of [`QUERY_BLOCK`] query
//! rows of one window in place from the fused query/key/value rows, visiting only real
//! (unpadded) keys; a row of scores (one per key) stays in L1 cache.

use crate::fastmath::exp_negative;
use rayon::prelude::*;

/// Query rows per task: a short text is one task, a 256-token passage eight, enough to share
/// a batch among the cores without the hand-offs costing more than the rows compute.
const QUERY_BLOCK: usize = 32;

/// Sums kept in registers by the inner loops: four SSE registers, four independent chains of
/// additions (32 measured no faster).
const LANES: usize = 16;

/// Scaled dot-product attention of windows padded to `len` tokens, of which `lengths[b]` are
/// real in window `b`: fused `[q | k | v]` rows of `heads` heads in (`[windows × len, 3 ×
/// hidden]`), contexts out (`[windows × len, hidden]`). A single block (one short text) runs
/// on the calling thread: handing it to another core would cost more than it computes.
pub fn attention(qkv: &[f32], len: usize, heads: usize, lengths: &[usize]) -> Vec<f32> {
    let width = qkv.len() / (len * lengths.len()).max(1);
    let hidden = width / 3;
    let shape = WindowShape { heads, hidden };
    let mut out = vec![0f32; len * lengths.len() * hidden];
    if lengths.len() == 1 && len <= QUERY_BLOCK {
        shape.rows(&mut out, qkv, 0, lengths[0]);
        return out;
    }
    out.par_chunks_mut(len * hidden)
        .zip(qkv.par_chunks(len * width))
        .zip(lengths.par_iter())
        .for_each(|((out, qkv), &real)| {
            out.par_chunks_mut(QUERY_BLOCK * hidden)
                .enumerate()
                .for_each(|(block, out)| shape.rows(out, qkv, block * QUERY_BLOCK, real));
        });
    out
}

#[derive(Clone, Copy)]
struct WindowShape {
    heads: usize,
    hidden: usize,
}

impl WindowShape {
    /// Every head of the query rows `first..` of one window (`qkv`: all its rows) into `out`.
    /// Padded query rows are left at zero: only real keys are attended to, so they never reach
    /// a real token, and they are never pooled.
    fn rows(self, out: &mut [f32], qkv: &[f32], first: usize, real: usize) {
        let width = 3 * self.hidden;
        let d = self.hidden / self.heads;
        let scale = 1.0 / (d as f32).sqrt();
        let last = (first + out.len() / self.hidden).min(real);
        if first >= last {
            return; // a block of padding only (or an empty window)
        }
        let padded = real.next_multiple_of(LANES);
        let mut keys = vec![0f32; d * padded];
        let mut scored = vec![0f32; padded];
        for head in 0..self.heads {
            let (q_at, v_at) = (head * d, 2 * self.hidden + head * d);
            pack_keys(&mut keys, &qkv[self.hidden + head * d..], width, real);
            for i in first..last {
                let q = &qkv[i * width + q_at..][..d];
                scores(&mut scored, q, &keys, scale);
                let weights = &mut scored[..real];
                softmax(weights);
                let o = &mut out[(i - first) * self.hidden + head * d..][..d];
                weighted_values(o, weights, &qkv[v_at..], width);
            }
        }
    }
}

/// The `real` keys of one head (`keys.len() / padded` columns of rows of `width`; `qkv` starts
/// at the first one) in blocks of [`LANES`] keys, each `[d, LANES]` and contiguous, the last
/// one padded with zero keys. One query's scores are then a few vectorised passes over
/// contiguous memory rather than one short, horizontally summed dot product per key.
fn pack_keys(keys: &mut [f32], qkv: &[f32], width: usize, real: usize) {
    let d = keys.len() / real.next_multiple_of(LANES);
    for (j, row) in qkv.chunks(width).take(real).enumerate() {
        let block = &mut keys[j / LANES * d * LANES..][..d * LANES];
        for (c, &k) in row[..d].iter().enumerate() {
            block[c * LANES + j % LANES] = k;
        }
    }
}

/// `scores[j] = scale · q · k_j` from the keys packed by [`pack_keys`] (scores of padding keys
/// are 0), [`LANES`] keys at a time: their sums stay in registers over the whole head dimension
/// instead of going through memory once per dimension.
fn scores(scores: &mut [f32], q: &[f32], keys: &[f32], scale: f32) {
    let blocks = scores.as_chunks_mut::<LANES>().0;
    for (block, keys) in blocks.iter_mut().zip(keys.chunks_exact(q.len() * LANES)) {
        let mut sums = [0f32; LANES];
        for (k, &qc) in keys.as_chunks::<LANES>().0.iter().zip(q) {
            (0..LANES).for_each(|l| sums[l] += qc * k[l]);
        }
        *block = sums.map(|v| v * scale);
    }
}

/// `out = Σ_j weights[j] · v_j`, the values `v_j` being `out.len()` columns of rows of `width`
/// (`values` starts at the first one), [`LANES`] output columns at a time kept in registers.
fn weighted_values(out: &mut [f32], weights: &[f32], values: &[f32], width: usize) {
    let (blocks, rest) = out.as_chunks_mut::<LANES>();
    let done = blocks.len() * LANES;
    for (b, block) in blocks.iter_mut().enumerate() {
        let mut sums = [0f32; LANES];
        for (row, &w) in values.chunks(width).zip(weights) {
            let v = row[b * LANES..]
                .first_chunk::<LANES>()
                .expect("a block of values");
            (0..LANES).for_each(|l| sums[l] += w * v[l]);
        }
        *block = sums;
    }
    for (c, o) in rest.iter_mut().enumerate() {
        *o = values
            .chunks(width)
            .zip(weights)
            .map(|(row, w)| w * row[done + c])
            .sum();
    }
}

/// In place; the exponentials in a loop of their own, which is vectorised.
fn softmax(x: &mut [f32]) {
    let max = reduce(x, f32::NEG_INFINITY, f32::max);
    x.iter_mut().for_each(|v| *v = exp_negative(*v - max));
    let inverse = 1.0 / reduce(x, 0.0, |a, b| a + b);
    x.iter_mut().for_each(|v| *v *= inverse);
}

/// `x` folded with `f` over 8 lanes, so that the fold is vectorised (a plain one is not: its
/// order of operations is fixed).
fn reduce(x: &[f32], init: f32, f: impl Fn(f32, f32) -> f32) -> f32 {
    let (blocks, rest) = x.as_chunks::<8>();
    let mut lanes = [init; 8];
    for block in blocks {
        (0..8).for_each(|l| lanes[l] = f(lanes[l], block[l]));
    }
    lanes.into_iter().chain(rest.iter().copied()).fold(init, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(qkv: Vec<f32>, len: usize, heads: usize, lengths: &[usize]) -> Vec<f32> {
        attention(&qkv, len, heads, lengths)
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

    /// Textbook attention of one window's real rows, to check the blocked loops against.
    fn naive(qkv: &[f32], heads: usize, hidden: usize, real: usize) -> Vec<f32> {
        let (width, d) = (3 * hidden, hidden / heads);
        let mut out = vec![0f32; real * hidden];
        for h in 0..heads {
            for i in 0..real {
                let q = &qkv[i * width + h * d..][..d];
                let s: Vec<f32> = (0..real)
                    .map(|j| {
                        let k = &qkv[j * width + hidden + h * d..][..d];
                        q.iter().zip(k).map(|(a, b)| a * b).sum::<f32>() / (d as f32).sqrt()
                    })
                    .collect();
                let max = s.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let e: Vec<f32> = s.iter().map(|v| (v - max).exp()).collect();
                let total: f32 = e.iter().sum();
                for (j, w) in e.iter().enumerate() {
                    for c in 0..d {
                        out[i * hidden + h * d + c] +=
                            w / total * qkv[j * width + 2 * hidden + h * d + c];
                    }
                }
            }
        }
        out
    }

    #[test]
    fn long_padded_windows_match_textbook_attention() {
        // Lengths across several query blocks, key blocks of LANES and their remainders.
        let (heads, hidden, len) = (2, 2 * (LANES + 3), 2 * QUERY_BLOCK + 7);
        let width = 3 * hidden;
        let rows: Vec<f32> = (0..2 * len * width)
            .map(|i| ((i * 7 % 19) as f32 - 9.0) / 9.0)
            .collect();
        let lengths = [len, len - 13];
        let batch = run(rows.clone(), len, heads, &lengths);
        for (b, &real) in lengths.iter().enumerate() {
            let want = naive(&rows[b * len * width..], heads, hidden, real);
            let got = &batch[b * len * hidden..][..real * hidden];
            let worst = got
                .iter()
                .zip(&want)
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max);
            assert!(worst < 1e-5, "window {b}: max difference {worst}");
        }
    }
}
