//! Short-text speed: what the intent classifier asks of the encoder (customer utterances of
//! 8–15 tokens embedded as queries).
//!
//! `cargo run --release -p levier-ml --example short_texts -- MODEL_DIR TEXTS.json [TEXTS [SINGLES [BATCH]]]`
//! TEXTS.json holds a list of texts (e.g. CLINC150's training utterances). The first TEXTS of
//! them (default: all) are embedded in calls of BATCH texts (default 128, the intent crate's
//! batch), then SINGLES of them (default 200) one call each; one JSON line gives the batched
//! rate and the single-text latency percentiles. Small counts make a short run to profile
//! under callgrind; `LEVIER_PRECISION=int8|f32` chooses the precision (valgrind hides AVX-512,
//! so there the default is f32, and int8 runs the portable kernel).

use levier_ml::{Precision, SentenceEncoder};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [model_dir, texts_file, counts @ ..] = args.as_slice() else {
        return Err("usage: short_texts MODEL_DIR TEXTS.json [TEXTS [SINGLES [BATCH]]]".into());
    };
    let counts: Vec<usize> = counts.iter().map(|c| c.parse()).collect::<Result<_, _>>()?;
    let texts: Vec<String> = serde_json::from_slice(&std::fs::read(texts_file)?)?;
    let limit = counts
        .first()
        .copied()
        .unwrap_or(texts.len())
        .min(texts.len());
    let singles = counts.get(1).copied().unwrap_or(200).min(texts.len());
    let batch = counts.get(2).copied().unwrap_or(128).max(1);
    let precision = match std::env::var("LEVIER_PRECISION").as_deref() {
        Ok("int8") => Precision::Int8,
        Ok("f32") => Precision::F32,
        _ => Precision::fastest(),
    };
    let encoder = SentenceEncoder::load_with(model_dir.as_ref(), "bench", precision)?;
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    encoder.embed_queries(&refs[..refs.len().min(8)])?; // warm-up
    let start = Instant::now();
    for chunk in refs[..limit].chunks(batch) {
        encoder.embed_queries(chunk)?;
    }
    let batched = start.elapsed().as_secs_f64();
    let mut latencies: Vec<f64> = refs[..singles]
        .iter()
        .map(|text| {
            let start = Instant::now();
            encoder
                .embed_queries(&[text])
                .map(|_| start.elapsed().as_secs_f64() * 1e3)
        })
        .collect::<Result<_, _>>()?;
    latencies.sort_by(f64::total_cmp);
    let at = |p: f64| {
        latencies
            .get((p * latencies.len() as f64) as usize)
            .copied()
    };
    let line = serde_json::json!({
        "texts": limit, "batch": batch, "texts_per_s": limit as f64 / batched,
        "singles": singles, "single_ms_p50": at(0.5), "single_ms_p90": at(0.9),
    });
    println!("{line}");
    Ok(())
}
