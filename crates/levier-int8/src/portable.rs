//! The kernel in plain Rust: the reference the SIMD kernel must match exactly, and the fallback
//! on CPUs without it.

use crate::matrix::{PANEL, PANEL_STEP};
use crate::rows::ROW_TILE;

/// Sums of products of [`ROW_TILE`] quantised rows (`a`, `quads` words each) with one panel of
/// weights (`w`), into `acc` (`[row][column of the panel]`).
pub(crate) fn tile(a: &[u32], quads: usize, w: &[i8], acc: &mut [i32; ROW_TILE * PANEL]) {
    acc.fill(0);
    for (q, step) in w.chunks_exact(PANEL_STEP).take(quads).enumerate() {
        for (r, out) in acc.chunks_exact_mut(PANEL).enumerate() {
            let x = a[r * quads + q].to_le_bytes();
            for (o, weights) in out.iter_mut().zip(step.chunks_exact(4)) {
                *o += x
                    .iter()
                    .zip(weights)
                    .map(|(&x, &w)| i32::from(x) * i32::from(w))
                    .sum::<i32>();
            }
        }
    }
}
