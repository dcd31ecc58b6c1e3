//! Activations quantised to unsigned bytes, one scale and offset per row.

/// Rows quantised as `x ≈ offset + scale × q`, `q` in 0..=255, packed four bytes to a word so
/// that a kernel broadcasts one word to all lanes. Rows are padded to a multiple of
/// [`ROW_TILE`] with zeros (their results are dropped) and the inner dimension to whole quads.
pub(crate) struct QuantizedRows {
    pub(crate) quads: usize,
    pub(crate) words: Vec<u32>,
    pub(crate) scales: Vec<f32>,
    pub(crate) offsets: Vec<f32>,
}

/// Rows a kernel call computes at once: four rows × 64 columns is sixteen 512-bit sums, half
/// the register file, leaving room for the weights and the broadcast operand.
pub(crate) const ROW_TILE: usize = 4;

impl QuantizedRows {
    /// Quantises `rows` rows of `k` values each.
    pub(crate) fn new(x: &[f32], rows: usize, k: usize) -> Self {
        let quads = k.div_ceil(4);
        let padded = rows.div_ceil(ROW_TILE) * ROW_TILE;
        let mut out = Self {
            quads,
            words: vec![0; padded * quads],
            scales: vec![0.0; padded],
            offsets: vec![0.0; padded],
        };
        for (r, row) in x.chunks_exact(k).take(rows).enumerate() {
            out.quantize_row(r, row);
        }
        out
    }

    /// The words of rows `r..r + ROW_TILE`.
    pub(crate) fn tile(&self, r: usize) -> &[u32] {
        &self.words[r * self.quads..(r + ROW_TILE) * self.quads]
    }

    fn quantize_row(&mut self, r: usize, row: &[f32]) {
        let (min, max) = min_max(row);
        let range = max - min;
        let scale = if range > 0.0 { range / 255.0 } else { 1.0 };
        let inverse = 1.0 / scale;
        // Bytes first, in a plain loop the compiler vectorises, then packed into words.
        let mut bytes = vec![0u8; self.quads * 4];
        for (b, &v) in bytes.iter_mut().zip(row) {
            *b = step(v, min, inverse);
        }
        let words = &mut self.words[r * self.quads..(r + 1) * self.quads];
        for (word, quad) in words.iter_mut().zip(bytes.as_chunks::<4>().0) {
            *word = u32::from_le_bytes(*quad);
        }
        self.scales[r] = scale;
        self.offsets[r] = min;
    }
}

/// The smallest and largest values of `row`, over 16 lanes so that the loop is vectorised.
fn min_max(row: &[f32]) -> (f32, f32) {
    let (chunks, rest) = row.as_chunks::<16>();
    let mut lo = [f32::INFINITY; 16];
    let mut hi = [f32::NEG_INFINITY; 16];
    for chunk in chunks {
        for i in 0..16 {
            lo[i] = if chunk[i] < lo[i] { chunk[i] } else { lo[i] };
            hi[i] = if chunk[i] > hi[i] { chunk[i] } else { hi[i] };
        }
    }
    let min = rest.iter().chain(&lo).fold(f32::INFINITY, |m, &v| m.min(v));
    let max = rest
        .iter()
        .chain(&hi)
        .fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    (min, max)
}

/// The step of `v` from `min`: rounded half up by adding ½ before truncating (`f32::round` is a
/// library call that keeps the loop from being vectorised: 10 % of the encoder's time), and
/// clamped to 0..=255 before an i32 conversion, which vectorises where a saturating u8 one
/// does not.
fn step(v: f32, min: f32, inverse: f32) -> u8 {
    ((v - min) * inverse + 0.5).clamp(0.0, 255.0) as i32 as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_spans_the_full_byte_range() {
        let q = QuantizedRows::new(&[-1.0, 0.0, 2.0, 0.5, 3.0], 1, 5);
        assert_eq!(q.quads, 2);
        assert_eq!(q.words.len(), ROW_TILE * 2);
        let bytes = q.words[0].to_le_bytes();
        assert_eq!(bytes, [0, 64, 191, 96]);
        assert_eq!(q.words[1].to_le_bytes(), [255, 0, 0, 0]);
        assert_eq!((q.scales[0], q.offsets[0]), (4.0 / 255.0, -1.0));
    }

    #[test]
    fn extremes_are_found_in_every_lane_and_in_the_tail() {
        let mut row: Vec<f32> = (0..37).map(|i| (i % 7) as f32).collect();
        row[5] = -3.0;
        row[36] = 9.0;
        assert_eq!(min_max(&row), (-3.0, 9.0));
        assert_eq!(min_max(&row[..4]), (0.0, 3.0));
    }

    #[test]
    fn a_constant_row_is_exact() {
        let q = QuantizedRows::new(&[0.7; 8], 1, 8);
        assert_eq!(q.words[..2], [0, 0]);
        assert_eq!((q.scales[0], q.offsets[0]), (1.0, 0.7));
    }
}
