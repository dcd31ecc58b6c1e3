//! Writes a converted packed model as a Hugging Face model directory.

use super::hf_names::{POSITION_OFFSET, hf_tensor};
use super::packed::{PackedModel, PackedShape};
use super::tokenizer_json::tokenizer_json;
use crate::error::MlError;
use crate::model_dir::{CONFIG_FILE, PROMPTS_FILE, TOKENIZER_FILE, WEIGHTS_FILE};
use safetensors::{Dtype, tensor::TensorView};
use serde_json::{Value, json};
use std::path::Path;

/// Writes `config.json`, `tokenizer.json`, `config_sentence_transformers.json` (the e5 prompts)
/// and `model.safetensors` into `dir`, which must exist.
pub fn write_hf_dir(model: &PackedModel, dir: &Path) -> Result<(), MlError> {
    write_json(&dir.join(CONFIG_FILE), &xlm_roberta_config(model))?;
    write_json(&dir.join(TOKENIZER_FILE), &tokenizer_json(&model.vocab))?;
    write_json(&dir.join(PROMPTS_FILE), &e5_prompts())?;
    write_weights(model, &dir.join(WEIGHTS_FILE))
}

fn write_json(path: &Path, value: &Value) -> Result<(), MlError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| MlError::io(path, e.into()))?;
    std::fs::write(path, text).map_err(|e| MlError::io(path, e))
}

/// The configuration of `intfloat/multilingual-e5-small`, with the shape read from the file.
fn xlm_roberta_config(model: &PackedModel) -> Value {
    let s: &PackedShape = &model.shape;
    json!({
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "attention_probs_dropout_prob": 0.1,
        "hidden_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_size": s.hidden,
        "intermediate_size": s.intermediate,
        "num_attention_heads": s.heads,
        "num_hidden_layers": s.layers,
        "layer_norm_eps": s.layer_norm_eps,
        "max_position_embeddings": s.max_positions + POSITION_OFFSET,
        "position_embedding_type": "absolute",
        "type_vocab_size": s.type_vocab,
        "vocab_size": s.vocab_rows,
        "bos_token_id": model.vocab.bos,
        "eos_token_id": model.vocab.eos,
        "pad_token_id": model.vocab.pad,
        "torch_dtype": "float32"
    })
}

/// The prefixes multilingual-e5's model card asks for, in sentence-transformers' format.
fn e5_prompts() -> Value {
    json!({"prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": null})
}

/// Dequantised tensors under their Hugging Face names, as little-endian f32.
fn write_weights(model: &PackedModel, path: &Path) -> Result<(), MlError> {
    let mut named = Vec::with_capacity(model.tensors.len());
    for t in &model.tensors {
        let hf = hf_tensor(&t.name, &model.shape)
            .ok_or_else(|| MlError::PackedFormat(format!("unknown tensor {}", t.name)))?;
        let mut values = t.values.clone();
        if t.name == "emb.pos" {
            let mut padded = vec![0f32; POSITION_OFFSET * model.shape.hidden];
            padded.append(&mut values);
            values = padded;
        }
        if values.len() != hf.shape.iter().product::<usize>() {
            let msg = format!(
                "tensor {} has {} values, expected {:?}",
                t.name,
                values.len(),
                hf.shape
            );
            return Err(MlError::PackedFormat(msg));
        }
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        named.push((hf.name, hf.shape, bytes));
    }
    check_complete(&named, &model.shape)?;
    let views = named
        .iter()
        .map(|(name, shape, bytes)| {
            let view = TensorView::new(Dtype::F32, shape.clone(), bytes)
                .map_err(|e| MlError::PackedFormat(format!("tensor {name}: {e}")))?;
            Ok((name.clone(), view))
        })
        .collect::<Result<Vec<_>, MlError>>()?;
    safetensors::serialize_to_file(views, None, path)
        .map_err(|e| MlError::io(path, std::io::Error::other(e.to_string())))
}

/// Every layer has 16 tensors and the embeddings 5: a file missing one is refused rather than
/// producing a model that fails later, far from the cause.
fn check_complete(
    named: &[(String, Vec<usize>, Vec<u8>)],
    shape: &PackedShape,
) -> Result<(), MlError> {
    let expected = 5 + 16 * shape.layers;
    if named.len() == expected {
        Ok(())
    } else {
        Err(MlError::PackedFormat(format!(
            "{} tensors, expected {expected}",
            named.len()
        )))
    }
}
