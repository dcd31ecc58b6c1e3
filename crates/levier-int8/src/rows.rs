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
    /// Quantises `rows` rows of `k` values each. Inlined into the product, like the helpers
    /// below, so that it is vectorised for the kernel's CPU features.
    #[inline(always)]
    pub(crate) fn new(x: &[f32], rows: usize, k: usize) -> Self {
        let quads = k.div_ceil(4);
        let padded = rows.div_ceil(ROW_TILE) * ROW_TILE;
        let mut out = Self {
            quads,
            words: vec![0; padded * quads],
            scales: vec![0.0; padded],
            offsets: vec![0.0; padded],
        };
        let mut bytes = vec![0u8; quads * 4];
        for (r, row) in x.chunks_exact(k).take(rows).enumerate() {
            out.quantize_row(r, row, &mut bytes);
        }
        out
    }

    /// The words of rows `r..r + ROW_TILE`.
    pub(crate) fn tile(&self, r: usize) -> &[u32] {
        &self.words[r * self.quads..(r + ROW_TILE) * self.quads]
    }

    /// Quantises row `r`, through `bytes` (one row's worth, its padding left at zero).
    #[inline(always)]
    fn quantize_row(&mut self, r: usize, row: &[f32], bytes: &mut [u8]) {
        let (min, max) = min_max(row);
        let range = max - min;
        let scale = if range > 0.0 { range / 255.0 } else { 1.0 };
        let inverse = 1.0 / scale;
        // Bytes first, in a plain loop the compiler vectorises, then packed into words.
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
#[inline(always)]
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

/// 2²³: adding it to a float in 0..2²² leaves that float rounded to an integer in the low bits
/// of the sum's mantissa.
const ROUNDER: f32 = 8_388_608.0;

/// The step of `v` from `min`, rounded to nearest, clamped to 0..=255. The rounding and the
/// conversion are one float addition and a bit cast: `f32::round` is a library call, and a
/// float-to-int cast must handle NaN and saturation; either keeps the loop from being
/// vectorised (they made quantising a third of the encoder's time on short texts).
#[inline(always)]
fn step(v: f32, min: f32, inverse: f32) -> u8 {
    let t = ((v - min) * inverse).clamp(0.0, 255.0);
    (t + ROUNDER).to_bits() as u8
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
