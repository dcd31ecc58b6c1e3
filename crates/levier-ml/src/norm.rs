//! Layer normalisation over rows of plain f32 slices, with the residual sum before it fused in.
//!
//! Each layer of the encoder normalises `x + f(x)` twice. As candle operations that is an
//! addition and a normalisation, each a pass over memory, an allocation and a hand-off to the
//! thread pool; here it is one pass per row, run inside the task of the matrix product that
//! made `f(x)` while its rows are still in the cache.

use candle_core::Result;
use candle_nn::VarBuilder;

/// A layer norm's learned scale and shift.
pub struct LayerNorm {
    weight: Vec<f32>,
    bias: Vec<f32>,
    eps: f32,
}

impl LayerNorm {
    /// Loads `weight` and `bias` of length `size` under `vb`.
    pub fn load(vb: VarBuilder, size: usize, eps: f64) -> Result<Self> {
        Ok(Self {
            weight: vb.get(size, "weight")?.to_vec1()?,
            bias: vb.get(size, "bias")?.to_vec1()?,
            eps: eps as f32,
        })
    }

    /// Normalises each row of `x` in place.
    pub fn forward(&self, x: &mut [f32]) {
        x.chunks_exact_mut(self.weight.len())
            .for_each(|row| self.row(row));
    }

    /// `x ← norm(x + residual)`, row by row; `residual` starts at `x`'s first row and may run
    /// past its last.
    pub fn add_forward(&self, x: &mut [f32], residual: &[f32]) {
        let width = self.weight.len();
        for (row, res) in x.chunks_exact_mut(width).zip(residual.chunks_exact(width)) {
            row.iter_mut().zip(res).for_each(|(v, r)| *v += r);
            self.row(row);
        }
    }

    /// One row, mean and variance in two passes (the one-pass `E[x²] − E[x]²` loses digits
    /// when the mean is large against the spread).
    fn row(&self, row: &mut [f32]) {
        let n = row.len() as f32;
        let mean = sum(row) / n;
        let variance = sum_of_squares(row, mean) / n;
        let inv_std = 1.0 / (variance + self.eps).sqrt();
        for ((v, w), b) in row.iter_mut().zip(&self.weight).zip(&self.bias) {
            *v = (*v - mean) * inv_std * w + b;
        }
    }
}

/// Sum over 16 lanes, so that the loop is vectorised (a plain sum of f32 is not: its order of
/// additions is fixed).
fn sum(x: &[f32]) -> f32 {
    let (chunks, rest) = x.as_chunks::<16>();
    let mut lanes = [0f32; 16];
    for chunk in chunks {
        lanes.iter_mut().zip(chunk).for_each(|(l, v)| *l += v);
    }
    lanes.iter().chain(rest).sum()
}

/// `Σ (x − mean)²` over 16 lanes, like [`sum`].
fn sum_of_squares(x: &[f32], mean: f32) -> f32 {
    let (chunks, rest) = x.as_chunks::<16>();
    let mut lanes = [0f32; 16];
    for chunk in chunks {
        lanes
            .iter_mut()
            .zip(chunk)
            .for_each(|(l, v)| *l += (v - mean) * (v - mean));
    }
    lanes.iter().sum::<f32>() + rest.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{Device, Tensor};
    use candle_nn::Module;

    #[test]
    fn matches_candle_s_layer_norm_after_the_residual_sum() {
        let (rows, width) = (3, 40);
        let x: Vec<f32> = (0..rows * width)
            .map(|i| ((i * 37 % 23) as f32) - 9.0)
            .collect();
        let res: Vec<f32> = (0..rows * width).map(|i| (i % 5) as f32 * 0.3).collect();
        let weight: Vec<f32> = (0..width).map(|i| 0.5 + i as f32 / 40.0).collect();
        let bias: Vec<f32> = (0..width).map(|i| i as f32 / 80.0 - 0.2).collect();
        let norm = LayerNorm {
            weight: weight.clone(),
            bias: bias.clone(),
            eps: 1e-12,
        };
        let mut ours = x.clone();
        norm.add_forward(&mut ours, &res);
        let dev = Device::Cpu;
        let candle = candle_nn::LayerNorm::new(
            Tensor::new(weight.as_slice(), &dev).expect("w"),
            Tensor::new(bias.as_slice(), &dev).expect("b"),
            1e-12,
        );
        let sum = (Tensor::from_vec(x, (rows, width), &dev).expect("x")
            + Tensor::from_vec(res, (rows, width), &dev).expect("r"))
        .expect("sum");
        let want: Vec<f32> = candle
            .forward(&sum)
            .and_then(|t| t.flatten_all()?.to_vec1())
            .expect("candle");
        let worst = ours
            .iter()
            .zip(&want)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert!(worst < 1e-5, "max difference {worst}");
    }
}
