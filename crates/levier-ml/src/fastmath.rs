//! Elementary functions the compiler can vectorise, for the encoder's element-wise loops.

/// 1.5 × 2²³: adding it to a float within ±2²² rounds that float to an integer, which the sum
/// holds in the low bits of its mantissa.
const ROUNDER: f32 = 12_582_912.0;

/// `e^y` for `y ≤ 0` (Cephes' `expf`: `2^n · e^r` with `|r| ≤ ln 2 / 2`, a degree-7
/// polynomial for `e^r`; relative error about 1e-7). Written without library calls or
/// float-to-int casts so that the loops of GELU and softmax are vectorised: `f32::exp` was a
/// quarter of GELU's time, and GELU a fifth of the encoder's on short texts.
#[inline(always)]
pub fn exp_negative(y: f32) -> f32 {
    // e^-87 ≈ 1.6e-38 is still a normal float, and erf's exp term is 0 long before.
    let y = y.max(-87.0);
    let shifted = y * std::f32::consts::LOG2_E + ROUNDER;
    let n = shifted - ROUNDER;
    let r = y - n * 0.693_359_4 + n * 2.121_944_4e-4;
    let p = 1.987_569_1e-4;
    let p = p * r + 1.398_199_9e-3;
    let p = p * r + 8.333_452e-3;
    let p = p * r + 4.166_579_6e-2;
    let p = p * r + 1.666_666_5e-1;
    let p = p * r + 0.5;
    let e_r = p * r * r + r + 1.0;
    // 2^n as a float: n + 127 in the exponent field (n is in the low bits of `shifted`).
    let n_bits = shifted.to_bits().wrapping_sub(ROUNDER.to_bits());
    e_r * f32::from_bits(n_bits.wrapping_add(127) << 23)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_is_exact_to_a_few_ulps() {
        let worst = (0..=87_000)
            .map(|i| -(i as f32) / 1000.0)
            .map(|y| ((exp_negative(y) - y.exp()) / y.exp()).abs())
            .fold(0f32, f32::max);
        assert!(worst < 5e-7, "relative error {worst}");
    }
}
