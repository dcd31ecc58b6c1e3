//! Prints what levier-extract makes of files: title, metadata, language, blocks with their
//! heading paths, and chunks. A tool for looking at real files, not a test.
//!
//! `cargo run -p levier-extract --example extract -- FILE... [--chunks]`

use levier_extract::{BlockKind, ChunkOptions, Limits, chunk, extract, extract_mbox};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show_chunks = args.iter().any(|a| a == "--chunks");
    for path in args.iter().filter(|a| !a.starts_with("--")) {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        if path.ends_with(".mbox") {
            show_mbox(path, &bytes);
            continue;
        }
        match extract(path, &bytes, &Limits::default()) {
            Ok(doc) => show(&doc, show_chunks),
            Err(e) => println!("ERROR {e}"),
        }
    }
}

fn show_mbox(path: &str, bytes: &[u8]) {
    match extract_mbox(path, bytes, &Limits::default()) {
        Ok(messages) => {
            for m in messages {
                match m.result {
                    Ok(doc) => println!("#{} @{} {:?}", m.index, m.offset, doc.title),
                    Err(e) => println!("#{} ERROR {e}", m.index),
                }
            }
        }
        Err(e) => println!("ERROR {e}"),
    }
}

fn show(doc: &levier_extract::Document, show_chunks: bool) {
    println!(
        "== {:?} [{}] lang={:?}",
        doc.title,
        doc.media_type.short_name(),
        doc.language
    );
    println!("   {:?}", doc.metadata);
    for block in &doc.blocks {
        let marker = match block.kind {
            BlockKind::Heading(level) => "#".repeat(level as usize),
            BlockKind::Paragraph => "P".into(),
            BlockKind::ListItem => "-".into(),
            BlockKind::TableRow => "|".into(),
            BlockKind::Quote => ">".into(),
            BlockKind::Code => "`".into(),
        };
        let text: String = block.text.chars().take(110).collect();
        println!("{marker:>6} {text}");
    }
    if show_chunks {
        for c in chunk(doc, &ChunkOptions::default()) {
            let head: String = c.text.chars().take(70).collect();
            println!(
                "  chunk {} [{}..{}] {:?} {:?}: {head}",
                c.ordinal, c.start, c.end, c.language, c.heading_path
            );
        }
    }
}
