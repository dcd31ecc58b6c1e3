//! Names and shapes of the packed tensors in the Hugging Face XLM-R layout (those of
//! `intfloat/multilingual-e5-small` and of candle's `xlm_roberta` module).

use super::packed::PackedShape;

/// Where a packed tensor goes in `model.safetensors`.
#[derive(Debug, Clone, PartialEq)]
pub struct HfTensor {
    /// Hugging Face name.
    pub name: String,
    /// Shape, row-major.
    pub shape: Vec<usize>,
}

/// Maps a packed tensor name (`emb.word`, `l3.fi.w`, …) to its Hugging Face name and shape, or
/// `None` for a tensor levier does not know (which the importer refuses).
pub fn hf_tensor(packed: &str, s: &PackedShape) -> Option<HfTensor> {
    let (h, ff) = (s.hidden, s.intermediate);
    let (name, shape) = match packed {
        "emb.word" => (
            "embeddings.word_embeddings.weight".into(),
            vec![s.vocab_rows, h],
        ),
        "emb.pos" => (
            "embeddings.position_embeddings.weight".into(),
            vec![s.max_positions + POSITION_OFFSET, h],
        ),
        "emb.type" => (
            "embeddings.token_type_embeddings.weight".into(),
            vec![s.type_vocab, h],
        ),
        "emb.ln.w" => ("embeddings.LayerNorm.weight".into(), vec![h]),
        "emb.ln.b" => ("embeddings.LayerNorm.bias".into(), vec![h]),
        _ => return layer_tensor(packed, h, ff),
    };
    Some(HfTensor { name, shape })
}

/// XLM-R numbers positions from `pad_token_id + 1` = 2 (fairseq's convention), so the Hugging
/// Face table has two leading rows the packed file (which counts from 0) leaves out.
pub const POSITION_OFFSET: usize = 2;

fn layer_tensor(packed: &str, h: usize, ff: usize) -> Option<HfTensor> {
    let rest = packed.strip_prefix('l')?;
    let (layer, part) = rest.split_once('.')?;
    let layer: usize = layer.parse().ok()?;
    let (module, shape): (&str, Vec<usize>) = match part {
        "q.w" => ("attention.self.query.weight", vec![h, h]),
        "q.b" => ("attention.self.query.bias", vec![h]),
        "k.w" => ("attention.self.key.weight", vec![h, h]),
        "k.b" => ("attention.self.key.bias", vec![h]),
        "v.w" => ("attention.self.value.weight", vec![h, h]),
        "v.b" => ("attention.self.value.bias", vec![h]),
        "ao.w" => ("attention.output.dense.weight", vec![h, h]),
        "ao.b" => ("attention.output.dense.bias", vec![h]),
        "aln.w" => ("attention.output.LayerNorm.weight", vec![h]),
        "aln.b" => ("attention.output.LayerNorm.bias", vec![h]),
        "fi.w" => ("intermediate.dense.weight", vec![ff, h]),
        "fi.b" => ("intermediate.dense.bias", vec![ff]),
        "fo.w" => ("output.dense.weight", vec![h, ff]),
        "fo.b" => ("output.dense.bias", vec![h]),
        "oln.w" => ("output.LayerNorm.weight", vec![h]),
        "oln.b" => ("output.LayerNorm.bias", vec![h]),
        _ => return None,
    };
    Some(HfTensor {
        name: format!("encoder.layer.{layer}.{module}"),
        shape,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape() -> PackedShape {
        PackedShape {
            hidden: 384,
            layers: 12,
            heads: 12,
            intermediate: 1536,
            vocab_rows: 250_037,
            max_positions: 512,
            type_vocab: 2,
            layer_norm_eps: 1e-12,
        }
    }

    #[test]
    fn names_follow_the_hugging_face_xlm_roberta_layout() {
        let t = hf_tensor("l11.fi.w", &shape()).unwrap();
        assert_eq!(t.name, "encoder.layer.11.intermediate.dense.weight");
        assert_eq!(t.shape, vec![1536, 384]);
        let p = hf_tensor("emb.pos", &shape()).unwrap();
        assert_eq!(p.shape, vec![514, 384]);
        assert!(hf_tensor("l1.zz.w", &shape()).is_none());
        assert!(hf_tensor("sae.w", &shape()).is_none());
    }
}
