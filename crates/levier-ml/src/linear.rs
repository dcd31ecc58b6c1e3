//! The encoder's dense layers, in f32 or in int8.

use candle_core::{CpuStorage, CustomOp1, DType, Layout, Result, Shape, Tensor};
use candle_nn::VarBuilder;
use levier_int8::Int8Matrix;

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
    /// Quantised weight, applied as a custom operation.
    Int8(Int8Linear),
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
                Linear::Int8(Int8Linear {
                    matrix: Int8Matrix::quantize(&values, k, n),
                    bias: bias.to_vec1()?,
                })
            }
        })
    }

    /// `x · W + b` for `x` of shape `[rows, in]`.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        match self {
            Linear::F32 { weight_t, bias } => x.matmul(weight_t)?.broadcast_add(bias),
            Linear::Int8(layer) => x.contiguous()?.apply_op1_no_bwd(layer),
        }
    }
}

/// An int8 weight matrix and its f32 bias, as a candle operation.
pub struct Int8Linear {
    matrix: Int8Matrix,
    bias: Vec<f32>,
}

impl CustomOp1 for Int8Linear {
    fn name(&self) -> &'static str {
        "levier-int8-linear"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> Result<(CpuStorage, Shape)> {
        let Some((start, end)) = layout.contiguous_offsets() else {
            candle_core::bail!("int8 linear: input must be contiguous")
        };
        let (rows, inputs) = layout.shape().dims2()?;
        if inputs != self.matrix.inputs() {
            candle_core::bail!(
                "int8 linear: {inputs} inputs, the layer takes {}",
                self.matrix.inputs()
            );
        }
        let x = &storage.as_slice::<f32>()?[start..end];
        let out = levier_int8::matmul(x, rows, &self.matrix, &self.bias);
        Ok((
            CpuStorage::F32(out),
            Shape::from((rows, self.matrix.outputs())),
        ))
    }
}
