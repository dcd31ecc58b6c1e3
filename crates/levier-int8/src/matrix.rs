//! Weights quantised to int8 and packed in the order the kernels read them.

/// Output columns one SIMD register of i32 sums holds (512 bits).
pub(crate) const BLOCK: usize = 16;
/// Column blocks a kernel call fills at once: 4 × 16 = 64 columns, so each quad of activation
/// bytes broadcast to a register feeds four multiply-adds.
pub(crate) const PANEL_BLOCKS: usize = 4;
/// Columns of one panel.
pub(crate) const PANEL: usize = BLOCK * PANEL_BLOCKS;
/// Bytes of one step of a panel along the inner dimension: 4 inputs × 64 columns.
pub(crate) const PANEL_STEP: usize = 4 * PANEL;

/// A `[k, n]` weight matrix (inputs × outputs) in int8, one scale per output column.
///
/// Packed by panels of 64 columns; inside a panel, by quads of inputs; inside a quad, for each
/// column its four consecutive input weights — the operand layout of VNNI's `vpdpbusd`, which
/// sums four byte products into each 32-bit lane. The inner dimension is padded to a multiple
/// of 4 and the columns to a multiple of 64, with zero weights.
#[derive(Debug, Clone)]
pub struct Int8Matrix {
    pub(crate) k: usize,
    pub(crate) n: usize,
    pub(crate) quads: usize,
    pub(crate) panels: usize,
    pub(crate) packed: Vec<i8>,
    /// Per column: the f32 value of one int8 step.
    pub(crate) scales: Vec<f32>,
    /// Per column: the sum of its int8 weights, which turns the activations' offset into one
    /// multiplication per output instead of one per input.
    pub(crate) column_sums: Vec<i32>,
}

impl Int8Matrix {
    /// Quantises the row-major `[k, n]` matrix `w` (each column's largest magnitude becomes
    /// ±127).
    ///
    /// # Panics
    /// If `w.len() != k * n`: a caller's shape error, not a data error.
    pub fn quantize(w: &[f32], k: usize, n: usize) -> Self {
        assert_eq!(w.len(), k * n, "weights of shape [{k}, {n}]");
        let scales: Vec<f32> = (0..n).map(|c| column_scale(w, n, c)).collect();
        let quads = k.div_ceil(4);
        let panels = n.div_ceil(PANEL);
        let mut packed = vec![0i8; panels * quads * PANEL_STEP];
        let mut column_sums = vec![0i32; n];
        for i in 0..k {
            for (c, sum) in column_sums.iter_mut().enumerate() {
                let q = (w[i * n + c] / scales[c]).round().clamp(-127.0, 127.0) as i8;
                packed[packed_index(quads, i, c)] = q;
                *sum += i32::from(q);
            }
        }
        Self {
            k,
            n,
            quads,
            panels,
            packed,
            scales,
            column_sums,
        }
    }

    /// Inputs (rows of the matrix).
    pub fn inputs(&self) -> usize {
        self.k
    }

    /// Outputs (columns of the matrix).
    pub fn outputs(&self) -> usize {
        self.n
    }

    /// The bytes of panel `p`: `quads` steps of [`PANEL_STEP`] bytes.
    pub(crate) fn panel(&self, p: usize) -> &[i8] {
        let size = self.quads * PANEL_STEP;
        &self.packed[p * size..(p + 1) * size]
    }
}

/// The value of one step for column `c`: its largest magnitude over 127 (1 for a zero column,
/// so that dividing by it is harmless).
fn column_scale(w: &[f32], n: usize, c: usize) -> f32 {
    let max = w[c..].iter().step_by(n).fold(0f32, |m, x| m.max(x.abs()));
    if max > 0.0 { max / 127.0 } else { 1.0 }
}

/// Where weight `(i, c)` goes in the packed layout.
fn packed_index(quads: usize, i: usize, c: usize) -> usize {
    let (panel, in_panel) = (c / PANEL, c % PANEL);
    let (quad, byte) = (i / 4, i % 4);
    (panel * quads + quad) * PANEL_STEP + in_panel * 4 + byte
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantises_each_column_to_its_own_range() {
        // Column 0 spans ±2, column 1 ±0.5: both use the full int8 range.
        let w = [2.0, 0.5, -1.0, -0.5, 0.0, 0.25];
        let m = Int8Matrix::quantize(&w, 3, 2);
        assert_eq!(m.scales, vec![2.0 / 127.0, 0.5 / 127.0]);
        let p = m.panel(0);
        assert_eq!(&p[0..3], &[127, -64, 0]);
        assert_eq!(&p[4..7], &[127, -127, 64]);
        assert_eq!(m.column_sums, vec![63, 64]);
        assert_eq!((m.quads, m.panels, m.packed.len()), (1, 1, PANEL_STEP));
    }
}
