//! GELU with the exact (erf) form BERT and XLM-R were trained with.
//!
//! candle's own `gelu_erf` runs on one thread, 60–90 ms per layer on a batch of 2048 tokens of
//! e5-small; this one runs in the tasks of the product before it and uses a single-precision
//! erf accurate to 1.5e-7 (Abramowitz & Stegun 7.1.26), far below what the model can tell
//! apart.

use crate::fastmath::exp_negative;

/// `x · Φ(x)` for every element, in place. Run on the output block of the feed-forward
/// product inside that product's task (see [`crate::linear::Linear::forward_then`]), so it
/// shares the product's cores and its cache; inlined there, so that the int8 kernel compiles
/// it for its CPU features (AVX-512: 16 lanes).
#[inline(always)]
pub fn gelu_erf(x: &mut [f32]) {
    x.iter_mut().for_each(|v| *v = gelu(*v));
}

#[inline(always)]
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

#[inline(always)]
fn erf(x: f32) -> f32 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let poly = t
        * (0.254_829_6
            + t * (-0.284_496_74 + t * (1.421_413_7 + t * (-1.453_152_1 + t * 1.061_405_4))));
    let y = 1.0 - poly * exp_negative(-x * x);
    if x < 0.0 { -y } else { y }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_exact_gelu() {
        let xs: Vec<f32> = (-800..800).map(|i| i as f32 / 100.0).collect();
        let t = candle_core::Tensor::new(xs.as_slice(), &candle_core::Device::Cpu).unwrap();
        let mut ours = xs.clone();
        gelu_erf(&mut ours);
        let exact = t.gelu_erf().unwrap().to_vec1::<f32>().unwrap();
        let worst = ours
            .iter()
            .zip(&exact)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert!(worst < 1e-5, "max error {worst}");
    }
}
