//! The encoder's dense layers, in f32 or in int8.

use candle_core::{DType, Result, Tensor};
use candle_nn::VarBuilder;
use levier_int8::Int8Matrix;
use rayon::prelude::*;

/// Rows per task of the f32 path's element-wise epilogue (GELU on 1536 columns, or a residual
/// sum and a layer norm): enough to make scheduling costs nothing; a single short text's rows
/// fit one task, run on the calling thread.
const F32_THEN_ROWS: usize = 32;

/// Arithmetic of the dense layers, which hold nearly all of the encoder's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// f32 everywhere: the reference arithmetic, and the fastest on CPUs without AVX-512 VNNI.
    F32,
    /// int8 weights and activations in the dense layers (f32 elsewhere): on e5-small, about
    /// three times the throughput of f32 and a quarter of the weight memory, at a cosine above
    /// 0.99 with f32's vectors (tests/reference.rs).
    Int8,
}

impl Precision {
    /// int8 where the CPU multiplies bytes fast, f32 elsewhere.
    pub fn fastest() -> Self {
        if levier_int8::accelerated() {
            Precision::Int8
        } else {
            Precision::F32
        }
    }
}

/// A linear layer. Several Hugging Face layers with the same input (query, key and value) are
/// fused into one, so one product replaces three.
pub enum Linear {
    /// Weight stored transposed (`[in, out]`), contiguous for the matrix-product kernel.
    F32 {
        /// `[in, out]`.
        weight_t: Tensor,
        /// `[out]`.
        bias: Tensor,
    },
    /// Quantised weight and f32 bias.
    Int8 {
        /// `[in, out]`, quantised per column.
        matrix: Int8Matrix,
        /// `[out]`.
        bias: Vec<f32>,
    },
}

impl Linear {
    /// Loads and fuses the layers `names` under `vb`, each with `inputs` inputs.
    pub fn load(
        vb: &VarBuilder,
        names: &[&str],
        inputs: usize,
        precision: Precision,
    ) -> Result<Self> {
        let mut weights = Vec::with_capacity(names.len());
        let mut biases = Vec::with_capacity(names.len());
        for name in names {
            let w = vb.pp(*name).get_unchecked_dtype("weight", DType::F32)?;
            if w.dim(1)? != inputs {
                candle_core::bail!(
                    "{name}.weight: expected {inputs} inputs, found {:?}",
                    w.shape()
                );
            }
            weights.push(w);
            biases.push(vb.pp(*name).get_unchecked_dtype("bias", DType::F32)?);
        }
        let weight_t = Tensor::cat(&weights, 0)?.t()?.contiguous()?;
        let bias = Tensor::cat(&biases, 0)?;
        Ok(match precision {
            Precision::F32 => Linear::F32 { weight_t, bias },
            Precision::Int8 => {
                let (k, n) = weight_t.dims2()?;
                let values = weight_t.flatten_all()?.to_vec1::<f32>()?;
                Linear::Int8 {
                    matrix: Int8Matrix::quantize(&values, k, n),
                    bias: bias.to_vec1()?,
                }
            }
        })
    }

    /// `x · W + b` for `x` row-major `[rows, in]`: `[rows, out]`.
    pub fn forward(&self, x: &[f32], rows: usize) -> Result<Vec<f32>> {
        self.forward_then(x, rows, |_, _| {})
    }

    /// [`Linear::forward`], then `then(first_row, block)` on blocks of whole output rows, in
    /// parallel: in int8 inside the product's own tasks, while the rows are in the cache.
    pub fn forward_then(
        &self,
        x: &[f32],
        rows: usize,
        then: impl Fn(usize, &mut [f32]) + Sync,
    ) -> Result<Vec<f32>> {
        match self {
            Linear::F32 { weight_t, bias } => {
                let x = Tensor::from_slice(x, (rows, weight_t.dim(0)?), weight_t.device())?;
                let y = x.matmul(weight_t)?.broadcast_add(bias)?;
                let mut out = y.flatten_all()?.to_vec1::<f32>()?;
                let block = F32_THEN_ROWS * weight_t.dim(1)?;
                if out.len() <= block {
                    then(0, &mut out);
                } else {
                    out.par_chunks_mut(block)
                        .enumerate()
                        .for_each(|(i, b)| then(i * F32_THEN_ROWS, b));
                }
                Ok(out)
            }
            Linear::Int8 { matrix, bias } => {
                if x.len() != rows * matrix.inputs() {
                    candle_core::bail!(
                        "int8 linear: {} values for {rows} rows of {} inputs",
                        x.len(),
                        matrix.inputs()
                    );
                }
                Ok(levier_int8::matmul_then(x, rows, matrix, bias, then))
            }
        }
    }
}
