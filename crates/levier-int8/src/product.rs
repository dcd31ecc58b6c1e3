//! `x · W + b` with int8 arithmetic, spread over all cores by blocks of rows.

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

    /// One task's [`block`], with this kernel.
    fn block<F: Fn(usize, &mut [f32])>(self, job: Block<'_>, then: &F) {
        #[cfg(target_arch = "x86_64")]
        if self == Kernel::Vnni && crate::vnni::available() {
            // SAFETY: the CPU has the features the kernel is compiled for (checked just above).
            #[allow(unsafe_code)]
            unsafe {
                crate::vnni::block(job, then)
            };
            return;
        }
        block(portable::tile, job, then);
    }
}

/// The work of one task: rows of the activations, the output rows they make, and the index of
/// the first of them.
pub(crate) struct Block<'a> {
    x: &'a [f32],
    w: &'a Int8Matrix,
    bias: &'a [f32],
    out: &'a mut [f32],
    first: usize,
}

/// A kernel's computation of one tile (see [`portable::tile`]).
pub(crate) trait Tile: Fn(&[u32], usize, &[i8], &mut [i32; ROW_TILE * PANEL]) {}

impl<T: Fn(&[u32], usize, &[i8], &mut [i32; ROW_TILE * PANEL])> Tile for T {}

/// Rows one task computes when a product is split over cores: a multiple of [`ROW_TILE`], few
/// enough that a batch makes many tasks to balance, enough that each task reuses a panel of
/// weights (up to 96 KB) from the nearest caches over several row tiles.
const TASK_ROWS: usize = 8 * ROW_TILE;

/// Multiply-adds under which a product runs on the calling thread: handing work to another
/// core (waking it, then waiting for it) costs tens of microseconds, more than a short text's
/// product saves by sharing it.
const PARALLEL_MIN_MACS: usize = 16 << 20;

/// `x · w + bias` for `rows` rows of `x` (row-major `[rows, w.inputs()]`), with the fastest
/// kernel: row-major `[rows, w.outputs()]`.
///
/// # Panics
/// If `x` or `bias` do not match the matrix's shape.
pub fn matmul(x: &[f32], rows: usize, w: &Int8Matrix, bias: &[f32]) -> Vec<f32> {
    matmul_then(x, rows, w, bias, |_, _| {})
}

/// [`matmul`], then `then(first_row, block)` on every block of whole output rows while it is
/// still in the cache, on the thread that computed it: an activation, or a residual sum and a
/// normalisation of each row, costs no extra pass over memory and is spread over the cores
/// with the product.
///
/// # Panics
/// If `x` or `bias` do not match the matrix's shape.
pub fn matmul_then(
    x: &[f32],
    rows: usize,
    w: &Int8Matrix,
    bias: &[f32],
    then: impl Fn(usize, &mut [f32]) + Sync,
) -> Vec<f32> {
    product(Kernel::fastest(), x, rows, w, bias, &then)
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
    product(kernel, x, rows, w, bias, &|_, _| {})
}

/// Splits the rows into tasks of [`TASK_ROWS`] that each quantise their own rows and write
/// their own block of the output, so nothing is serial and nothing is copied; a product too
/// small to share runs as one block on the calling thread.
fn product(
    kernel: Kernel,
    x: &[f32],
    rows: usize,
    w: &Int8Matrix,
    bias: &[f32],
    then: &(impl Fn(usize, &mut [f32]) + Sync),
) -> Vec<f32> {
    assert_eq!(
        x.len(),
        rows * w.k,
        "activations of shape [{rows}, {}]",
        w.k
    );
    assert_eq!(bias.len(), w.n, "bias of length {}", w.n);
    let mut out = vec![0f32; rows * w.n];
    let task = |(task, (x, out)): (usize, (&[f32], &mut [f32]))| {
        let first = task * TASK_ROWS;
        kernel.block(
            Block {
                x,
                w,
                bias,
                out,
                first,
            },
            then,
        );
    };
    if rows * w.k * w.n < PARALLEL_MIN_MACS {
        task((0, (x, &mut out)));
    } else {
        x.par_chunks(TASK_ROWS * w.k)
            .zip(out.par_chunks_mut(TASK_ROWS * w.n))
            .enumerate()
            .for_each(task);
    }
    out
}

/// One task's product, then `then` on its output rows. Always inlined, so that a kernel can
/// compile it for its own CPU features (see [`crate::vnni::block`]).
#[inline(always)]
pub(crate) fn block<F: Fn(usize, &mut [f32])>(tile: impl Tile, job: Block<'_>, then: &F) {
    rows_product(tile, job.x, job.w, job.bias, job.out);
    then(job.first, job.out);
}

/// `x · w + bias` for the rows of `x` into `out` (`[rows, w.outputs()]`): panel by panel, so
/// that a panel of weights stays in the cache over all the rows.
#[inline(always)]
fn rows_product(tile: impl Tile, x: &[f32], w: &Int8Matrix, bias: &[f32], out: &mut [f32]) {
    let rows = x.len() / w.k;
    let q = QuantizedRows::new(x, rows, w.k);
    let mut acc = [0i32; ROW_TILE * PANEL];
    for p in 0..w.panels {
        let first = p * PANEL;
        let width = PANEL.min(w.n - first);
        let scales = &w.scales[first..first + width];
        let sums = &w.column_sums[first..first + width];
        let bias = &bias[first..first + width];
        for start in (0..rows).step_by(ROW_TILE) {
            tile(q.tile(start), q.quads, w.panel(p), &mut acc);
            for r in start..(start + ROW_TILE).min(rows) {
                let (scale, offset) = (q.scales[r], q.offsets[r]);
                let tile_row = &acc[(r - start) * PANEL..][..width];
                let out_row = &mut out[r * w.n + first..][..width];
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
    }
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
    fn blocks_of_rows_on_several_cores_give_each_row_s_own_bits() {
        // Large enough to be split into tasks, and a last block that is not a whole one.
        let (rows, k, n) = (3 * TASK_ROWS + 5, 384, 8 * PANEL);
        assert!(rows * k * n >= PARALLEL_MIN_MACS);
        let w = Int8Matrix::quantize(&values(k * n, 7), k, n);
        let (x, b) = (values(rows * k, 8), values(n, 9));
        let all = matmul(&x, rows, &w, &b);
        for (r, row) in x.chunks_exact(k).enumerate() {
            assert_eq!(
                all[r * n..(r + 1) * n],
                matmul(row, 1, &w, &b)[..],
                "row {r}"
            );
        }
    }

    #[test]
    fn the_activation_sees_every_output() {
        let (rows, k, n) = (5, 8, 70);
        let w = Int8Matrix::quantize(&values(k * n, 10), k, n);
        let (x, b) = (values(rows * k, 11), values(n, 12));
        let plain = matmul(&x, rows, &w, &b);
        let doubled = matmul_then(&x, rows, &w, &b, |first, o| {
            assert_eq!(first, 0);
            o.iter_mut().for_each(|v| *v *= 2.0);
        });
        let want: Vec<f32> = plain.iter().map(|v| v * 2.0).collect();
        assert_eq!(doubled, want);
    }

    #[test]
    #[should_panic(expected = "activations of shape")]
    fn a_wrong_shape_is_refused() {
        let w = Int8Matrix::quantize(&[1.0; 8], 2, 4);
        matmul(&[1.0; 3], 1, &w, &[0.0; 4]);
    }
}
