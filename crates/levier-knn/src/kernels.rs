//! Dot products, the inner loop of every vector search.
//!
//! Written so that the compiler vectorises them without `unsafe` or nightly `std::simd`:
//! fixed-size chunks (`as_chunks`, no bounds checks) and one accumulator per lane, so the sums
//! of a chunk are independent and become SIMD registers (4 × SSE on baseline x86-64, wider
//! with `-C target-cpu`). Summing per lane changes the order of additions, which is why the
//! result may differ from a sequential sum in the last bits.

/// Lanes per chunk: four 128-bit or two 256-bit registers of f32, enough independent sums to
/// hide the latency of the adds.
const LANES: usize = 16;

/// Dot product of two f32 vectors of the same length: cosine for normalised vectors.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    let (a_chunks, a_rest) = a.as_chunks::<LANES>();
    let (b_chunks, b_rest) = b.as_chunks::<LANES>();
    let mut acc = [0.0f32; LANES];
    for (x, y) in a_chunks.iter().zip(b_chunks) {
        for i in 0..LANES {
            acc[i] += x[i] * y[i];
        }
    }
    let rest: f32 = a_rest.iter().zip(b_rest).map(|(x, y)| x * y).sum();
    acc.iter().sum::<f32>() + rest
}

/// Dot product of an f32 query with int8 codes (not yet multiplied by the codes' scale): the
/// query keeps its full precision, so only the stored vector's rounding shows in the score.
/// Converting a whole chunk of codes first is what lets the compiler vectorise the conversion.
pub(crate) fn dot_f32_i8(query: &[f32], codes: &[i8]) -> f32 {
    debug_assert_eq!(query.len(), codes.len());
    let (q_chunks, q_rest) = query.as_chunks::<LANES>();
    let (c_chunks, c_rest) = codes.as_chunks::<LANES>();
    let mut acc = [0.0f32; LANES];
    for (q, c) in q_chunks.iter().zip(c_chunks) {
        let c: [f32; LANES] = std::array::from_fn(|i| f32::from(c[i]));
        for i in 0..LANES {
            acc[i] += q[i] * c[i];
        }
    }
    let rest: f32 = q_rest
        .iter()
        .zip(c_rest)
        .map(|(q, c)| q * f32::from(*c))
        .sum();
    acc.iter().sum::<f32>() + rest
}

/// Dot product of two int8 code vectors, exact in i32 (|code| ≤ 127, so 2^31 / 127² > 133,000
/// dimensions before overflow). Integer sums may be reordered, so a plain sum vectorises
/// (`pmaddwd`).
pub(crate) fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    debug_assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| i32::from(*x) * i32::from(*y))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn kernels_match_a_plain_sum_at_every_length() {
        for len in [0, 1, 7, 15, 16, 17, 33, 384, 385] {
            let a: Vec<f32> = (0..len).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..len).map(|i| (i as f32 * 0.11).cos()).collect();
            assert!((dot(&a, &b) - naive(&a, &b)).abs() < 1e-4, "len {len}");
            let codes: Vec<i8> = (0..len).map(|i| ((i * 37) % 255) as i8).collect();
            let as_f32: Vec<f32> = codes.iter().map(|c| f32::from(*c)).collect();
            assert!((dot_f32_i8(&a, &codes) - naive(&a, &as_f32)).abs() < 1e-2);
            let plain: i32 = codes.iter().map(|c| i32::from(*c) * i32::from(*c)).sum();
            assert_eq!(dot_i8(&codes, &codes), plain);
        }
    }
}
