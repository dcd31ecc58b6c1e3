//! `x · W + b` with int8 arithmetic, spread over all cores by panels of output columns.

use crate::matrix::{Int8Matrix, PANEL};
use crate::portable;
use crate::rows::{QuantizedRows, ROW_TILE};
use rayon::prelude::*;

/// Which kernel computes the integer sums; both give the same bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// AVX-512 VNNI (x86-64); falls back to [`Kernel::Portable`] on a CPU without it.
    Vnni,
    /// Plain Rust.
    Portable,
}

impl Kernel {
    /// The fastest kernel this CPU runs.
    pub fn fastest() -> Self {
        #[cfg(target_arch = "x86_64")]
        if crate::vnni::available() {
            return Kernel::Vnni;
        }
        Kernel::Portable
    }

    fn tile(self, a: &[u32], quads: usize, w: &[i8], acc: &mut [i32; ROW_TILE * PANEL]) {
        #[cfg(target_arch = "x86_64")]
        if self == Kernel::Vnni && crate::vnni::available() {
            // SAFETY: the CPU has the features the kernel is compiled for (checked just above).
            #[allow(unsafe_code)]
            unsafe {
                crate::vnni::tile(a, quads, w, acc)
            };
            return;
        }
        portable::tile(a, quads, w, acc);
    }
}

/// `x · w + bias` for `rows` rows of `x` (row-major `[rows, w.inputs()]`), with the fastest
/// kernel: row-major `[rows, w.outputs()]`.
///
/// # Panics
/// If `x` or `bias` do not match the matrix's shape.
pub fn matmul(x: &[f32], rows: usize, w: &Int8Matrix, bias: &[f32]) -> Vec<f32> {
    matmul_with(Kernel::fastest(), x, rows, w, bias)
}

/// [`matmul`] with a chosen kernel (tests compare them).
///
/// # Panics
/// If `x` or `bias` do not match the matrix's shape.
pub fn matmul_with(
    kernel: Kernel,
    x: &[f32],
    rows: usize,
    w: &Int8Matrix,
    bias: &[f32],
) -> Vec<f32> {
    assert_eq!(
        x.len(),
        rows * w.k,
        "activations of shape [{rows}, {}]",
        w.k
    );
    assert_eq!(bias.len(), w.n, "bias of length {}", w.n);
    let q = QuantizedRows::new(x, rows, w.k);
    let panels: Vec<Vec<f32>> = (0..w.panels)
        .into_par_iter()
        .map(|p| panel_product(kernel, &q, rows, w, p, bias))
        .collect();
    let mut out = vec![0f32; rows * w.n];
    for (p, block) in panels.iter().enumerate() {
        let first = p * PANEL;
        let width = PANEL.min(w.n - first);
        for (r, values) in block.chunks_exact(width).enumerate() {
            out[r * w.n + first..][..width].copy_from_slice(values);
        }
    }
    out
}

/// The columns of panel `p` for every row (`[rows, width]`), dequantised, bias added.
fn panel_product(
    kernel: Kernel,
    q: &QuantizedRows,
    rows: usize,
    w: &Int8Matrix,
    p: usize,
    bias: &[f32],
) -> Vec<f32> {
    let first = p * PANEL;
    let width = PANEL.min(w.n - first);
    let scales = &w.scales[first..first + width];
    let sums = &w.column_sums[first..first + width];
    let bias = &bias[first..first + width];
    let mut out = vec![0f32; rows * width];
    let mut acc = [0i32; ROW_TILE * PANEL];
    for start in (0..rows).step_by(ROW_TILE) {
        kernel.tile(q.tile(start), q.quads, w.panel(p), &mut acc);
        for r in start..(start + ROW_TILE).min(rows) {
            let (scale, offset) = (q.scales[r], q.offsets[r]);
            let tile_row = &acc[(r - start) * PANEL..][..width];
            let out_row = &mut out[r * width..][..width];
            for ((((o, &sum), &w_scale), &w_sum), &b) in out_row
                .iter_mut()
                .zip(tile_row)
                .zip(scales)
                .zip(sums)
                .zip(bias)
            {
                // x ≈ offset + scale·q, so x·w = w_scale · (scale·Σq·w_q + offset·Σw_q).
                *o = w_scale * (scale * sum as f32 + offset * w_sum as f32) + b;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic pseudo-random matrix with a few large values, like a network's
    /// activations with their outlier dimensions.
    fn values(len: usize, seed: u32) -> Vec<f32> {
        let mut state = seed.wrapping_mul(2_654_435_761).max(1);
        (0..len)
            .map(|i| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                let v = (state % 20_000) as f32 / 10_000.0 - 1.0;
                if i % 97 == 0 { v * 8.0 } else { v }
            })
            .collect()
    }

    fn reference(x: &[f32], rows: usize, w: &[f32], k: usize, n: usize, b: &[f32]) -> Vec<f32> {
        let mut out = vec![0f32; rows * n];
        for r in 0..rows {
            for c in 0..n {
                let dot: f32 = (0..k).map(|i| x[r * k + i] * w[i * n + c]).sum();
                out[r * n + c] = dot + b[c];
            }
        }
        out
    }

    #[test]
    fn both_kernels_give_the_same_bits_on_ragged_shapes() {
        // 7 rows (not a multiple of 4), 10 inputs (not of 4), 70 outputs (not of 64).
        let (rows, k, n) = (7, 10, 70);
        let w = Int8Matrix::quantize(&values(k * n, 1), k, n);
        let (x, b) = (values(rows * k, 2), values(n, 3));
        let fast = matmul_with(Kernel::Vnni, &x, rows, &w, &b);
        let portable = matmul_with(Kernel::Portable, &x, rows, &w, &b);
        assert_eq!(fast, portable);
    }

    #[test]
    fn products_stay_close_to_f32() {
        let (rows, k, n) = (9, 384, 128);
        let wf = values(k * n, 4);
        let (x, b) = (values(rows * k, 5), values(n, 6));
        let got = matmul(&x, rows, &Int8Matrix::quantize(&wf, k, n), &b);
        let want = reference(&x, rows, &wf, k, n, &b);
        let err: f32 = got.iter().zip(&want).map(|(g, w)| (g - w).powi(2)).sum();
        let norm: f32 = want.iter().map(|w| w * w).sum();
        // One value in 97 is eight times larger, like the outlier dimensions of a network's
        // activations, so a row's step is coarse: 2.5 % relative error here.
        let relative = (err / norm).sqrt();
        assert!(relative < 0.03, "relative error {relative}");
    }

    #[test]
    #[should_panic(expected = "activations of shape")]
    fn a_wrong_shape_is_refused() {
        let w = Int8Matrix::quantize(&[1.0; 8], 2, 4);
        matmul(&[1.0; 3], 1, &w, &[0.0; 4]);
    }
}
