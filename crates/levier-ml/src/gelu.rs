//! GELU with the exact (erf) form BERT and XLM-R were trained with, in parallel over all cores.
//!
//! candle's own `gelu_erf` runs on one thread, 60–90 ms per layer on a batch of 2048 tokens of
//! e5-small; this one uses every core and a single-precision erf accurate to 1.5e-7
//! (Abramowitz & Stegun 7.1.26), far below what the model can tell apart.

use candle_core::{CpuStorage, CustomOp1, Layout, Result, Shape, Tensor};
use rayon::prelude::*;

/// Elements handed to one task: large enough that scheduling costs nothing.
const CHUNK: usize = 16 * 1024;

struct GeluErf;

impl CustomOp1 for GeluErf {
    fn name(&self) -> &'static str {
        "levier-gelu-erf"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let Some((start, end)) = layout.contiguous_offsets() else {
            candle_core::bail!("gelu: input must be contiguous")
        };
        let input = &storage.as_slice::<f32>()?[start..end];
        let mut out = vec![0f32; input.len()];
        out.par_chunks_mut(CHUNK)
            .zip(input.par_chunks(CHUNK))
            .for_each(|(o, i)| o.iter_mut().zip(i).for_each(|(o, &x)| *o = gelu(x)));
        Ok((CpuStorage::F32(out), layout.shape().clone()))
    }
}

/// `x · Φ(x)` for every element of an f32 tensor.
pub fn gelu_erf(x: &Tensor) -> Result<Tensor> {
    x.contiguous()?.apply_op1_no_bwd(&GeluErf)
}

fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

fn erf(x: f32) -> f32 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let poly = t
        * (0.254_829_6
            + t * (-0.284_496_74 + t * (1.421_413_7 + t * (-1.453_152_1 + t * 1.061_405_4))));
    let y = 1.0 - poly * (-x * x).exp();
    if x < 0.0 { -y } else { y }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_exact_gelu() {
        let xs: Vec<f32> = (-800..800).map(|i| i as f32 / 100.0).collect();
        let t = Tensor::new(xs.as_slice(), &candle_core::Device::Cpu).unwrap();
        let ours = gelu_erf(&t).unwrap().to_vec1::<f32>().unwrap();
        let exact = t.gelu_erf().unwrap().to_vec1::<f32>().unwrap();
        let worst = ours
            .iter()
            .zip(&exact)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert!(worst < 1e-5, "max error {worst}");
    }
}
