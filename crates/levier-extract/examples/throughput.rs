//! A quick throughput measurement (not a test, not a benchmark suite): extraction and chunking
//! speed on the demo company's documents and on ~20 MB of generated plain text.
//!
//! `cargo run --release -p levier-extract --example throughput`

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use levier_extract::{
    ChunkOptions, Limits, MediaType, chunk, detect_format, extract, extract_mbox,
};

fn main() {
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../demo");
    let files = demo_files(&demo);
    measure_demo(&files);
    measure_generated_text(&files);
}

fn demo_files(demo: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut dirs = vec![demo.join("docs"), demo.join("emails")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("demo directory") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.file_name().is_some_and(|n| n != "labels.csv") {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                files.push((name, std::fs::read(&path).expect("demo file")));
            }
        }
    }
    files.sort();
    files
}

/// Extracts and chunks every demo file repeatedly for about two seconds; reports per format.
fn measure_demo(files: &[(String, Vec<u8>)]) {
    let limits = Limits::default();
    let options = ChunkOptions::default();
    let mut per_format: BTreeMap<&'static str, (usize, u64, Duration)> = BTreeMap::new();
    let start = Instant::now();
    let mut rounds = 0;
    while start.elapsed() < Duration::from_secs(2) || rounds == 0 {
        for (name, bytes) in files {
            let format = detect_format(name, bytes).map_or("?", MediaType::short_name);
            let t = Instant::now();
            let chunks = if format == "mbox" {
                let messages = extract_mbox(name, bytes, &limits).expect("demo mailbox");
                messages
                    .iter()
                    .filter_map(|m| m.result.as_ref().ok())
                    .map(|d| chunk(d, &options).len())
                    .sum()
            } else {
                chunk(&extract(name, bytes, &limits).expect("demo file"), &options).len()
            };
            let entry = per_format.entry(format).or_default();
            entry.0 += usize::from(rounds == 0) * chunks;
            entry.1 += bytes.len() as u64;
            entry.2 += t.elapsed();
        }
        rounds += 1;
    }
    let total_bytes: u64 = files.iter().map(|(_, b)| b.len() as u64).sum();
    let elapsed = start.elapsed();
    println!(
        "demo company: {} files, {:.2} MB, {rounds} rounds in {:.2} s: {:.1} files/s, {:.1} MB/s (extract + chunk)",
        files.len(),
        total_bytes as f64 / 1e6,
        elapsed.as_secs_f64(),
        (files.len() * rounds) as f64 / elapsed.as_secs_f64(),
        (total_bytes * rounds as u64) as f64 / 1e6 / elapsed.as_secs_f64(),
    );
    for (format, (chunks, bytes, time)) in per_format {
        println!(
            "  {format:>5}: {:>7.1} MB/s, {chunks} chunks per round",
            bytes as f64 / 1e6 / time.as_secs_f64()
        );
    }
}

/// ~20 MB of plain text made of the demo's Markdown paragraphs under numbered headings.
fn measure_generated_text(files: &[(String, Vec<u8>)]) {
    let paragraphs: Vec<&str> = files
        .iter()
        .filter(|(name, _)| name.ends_with(".md"))
        .filter_map(|(_, bytes)| std::str::from_utf8(bytes).ok())
        .flat_map(|text| text.split("\n\n"))
        .filter(|p| p.len() > 80 && !p.starts_with(['#', '|', '-']))
        .collect();
    let mut text = String::with_capacity(21_000_000);
    let mut section = 0;
    while text.len() < 20_000_000 {
        section += 1;
        text.push_str(&format!("{section}. SECTION NUMÉRO {section}\n\n"));
        for p in paragraphs
            .iter()
            .cycle()
            .skip(section % paragraphs.len())
            .take(6)
        {
            text.push_str(p);
            text.push_str("\n\n");
        }
    }
    let limits = Limits::default();
    let t = Instant::now();
    let document = extract("genere.txt", text.as_bytes(), &limits).expect("generated text");
    let extract_time = t.elapsed();
    let t = Instant::now();
    let chunks = chunk(&document, &ChunkOptions::default());
    let chunk_time = t.elapsed();
    language_share(&chunks);
    let mb = text.len() as f64 / 1e6;
    println!(
        "generated plain text: {mb:.1} MB, {} blocks, {} chunks: extract {:.2} s ({:.1} MB/s), \
         chunk with per-chunk language {:.2} s ({:.1} MB/s), together {:.1} MB/s",
        document.blocks.len(),
        chunks.len(),
        extract_time.as_secs_f64(),
        mb / extract_time.as_secs_f64(),
        chunk_time.as_secs_f64(),
        mb / chunk_time.as_secs_f64(),
        mb / (extract_time + chunk_time).as_secs_f64(),
    );
}

/// Time spent in language detection alone on the chunks of the generated text (diagnostic).
fn language_share(chunks: &[levier_extract::Chunk]) {
    let t = Instant::now();
    let detected = chunks
        .iter()
        .filter(|c| levier_extract::detect_language(&c.text).is_some())
        .count();
    println!(
        "  language detection alone: {:.2} s for {} chunks ({detected} detected)",
        t.elapsed().as_secs_f64(),
        chunks.len()
    );
}
