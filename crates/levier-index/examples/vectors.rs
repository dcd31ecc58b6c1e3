//! Measures the vector index on a generated collection: build time, query latency, recall@10
//! against the exact f32 scan, and memory, in f32 and int8, exact and HNSW.
//!
//! ```text
//! cargo run --release -p levier-index --example vectors -- [--count 100000] [--dims 384] \
//!     [--queries 1000] [--m 16] [--ef-construction 100] [--ef 80] [--store 1]
//! ```
//!
//! `--store 1` also writes the collection to a SQLite store and measures what a restart costs:
//! loading the vectors with `VectorIndex::from_store`, then building the graph.
//!
//! Vectors are random but clustered like sentence embeddings (tests/common/clustered.rs); each
//! document has 10 chunks, one document in ten is readable by a rarer group. Latencies are one
//! thread, one query at a time. This is a measurement tool, not a test.

#[path = "../tests/common/clustered.rs"]
mod clustered;

use clustered::{Clustered, recall};
use levier_core::ids::{ChunkId, DocumentId, EmbeddingModelId};
use levier_core::{Config, Timestamp};
use levier_index::vector::{
    HnswParams, Quantization, SearchMethod, VectorConfig, VectorIndex, VectorQuery,
};
use levier_store::Store;
use levier_store::directory::NewSource;
use levier_store::documents::{NewChunk, NewDocument};
use levier_store::vectors::{EmbeddingModel, StoredVector, VectorKind};
use std::time::{Duration, Instant};

struct Args {
    count: usize,
    dims: usize,
    queries: usize,
    hnsw: HnswParams,
    store: bool,
}

fn args() -> Args {
    let mut out = Args {
        count: 100_000,
        dims: 384,
        queries: 1_000,
        hnsw: HnswParams::default(),
        store: false,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    for pair in argv.chunks(2) {
        let value = pair.get(1).and_then(|v| v.parse().ok());
        match (pair[0].as_str(), value) {
            ("--count", Some(v)) => out.count = v,
            ("--dims", Some(v)) => out.dims = v,
            ("--queries", Some(v)) => out.queries = v,
            ("--m", Some(v)) => out.hnsw.m = v,
            ("--ef-construction", Some(v)) => out.hnsw.ef_construction = v,
            ("--ef", Some(v)) => out.hnsw.ef_search = v,
            ("--store", Some(v)) => out.store = v != 0,
            _ => panic!(
                "usage: vectors [--count N] [--dims N] [--queries N] [--m N] [--ef-construction N] [--ef N] [--store 1]"
            ),
        }
    }
    out
}

fn main() {
    let args = args();
    let mut data = Clustered::new(args.dims, 200, 50, 42);
    let started = Instant::now();
    let vectors: Vec<StoredVector> = (0..args.count)
        .map(|i| {
            let document = i / 10;
            let group = if document.is_multiple_of(10) {
                "rare"
            } else {
                "all"
            };
            StoredVector {
                chunk_id: ChunkId(i as i64 + 1),
                document_id: DocumentId(document as i64 + 1),
                groups: vec![group.into()],
                language: Some("fr".into()),
                vector: data.next(),
            }
        })
        .collect();
    let queries: Vec<Vec<f32>> = (0..args.queries).map(|_| data.next()).collect();
    println!(
        "{} vectors × {} dims generated in {:.1?}; {} queries; {:?}",
        args.count,
        args.dims,
        started.elapsed(),
        args.queries,
        args.hnsw
    );
    println!(
        "resident memory with the generated data: {}",
        mib(resident_bytes())
    );
    let exact = build(&vectors, Quantization::F32, usize::MAX, args.hnsw);
    let truth = answers(&exact, &queries, &["all", "rare"]);
    println!();
    println!(
        "| index | build | vectors | graph | p50 | p99 | mean | recall@10 | rare group p50 | rare recall@10 |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let rare_truth = answers(&exact, &queries, &["rare"]);
    for (name, quantization, exact_up_to) in [
        ("exact f32", Quantization::F32, usize::MAX),
        ("exact int8", Quantization::Int8, usize::MAX),
        ("hnsw f32", Quantization::F32, 1_000),
        ("hnsw int8", Quantization::Int8, 1_000),
    ] {
        let started = Instant::now();
        let index = build(&vectors, quantization, exact_up_to, args.hnsw);
        let build_time = started.elapsed();
        let all = measure(&index, &queries, &["all", "rare"], &truth);
        let rare = measure(&index, &queries, &["rare"], &rare_truth);
        let memory = index.memory();
        println!(
            "| {name} | {build_time:.1?} | {} | {} | {:.0?} | {:.0?} | {:.0?} | {:.4} | {:.0?} | {:.4} |",
            mib(memory.vectors),
            mib(memory.graph),
            all.p50,
            all.p99,
            all.mean,
            all.recall,
            rare.p50,
            rare.recall
        );
    }
    println!();
    println!("resident memory at the end: {}", mib(resident_bytes()));
    if args.store {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(load_from_store(&vectors));
    }
}

/// Writes the collection to a fresh SQLite store, then times loading it back as a restart does.
async fn load_from_store(vectors: &[StoredVector]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        data_dir: dir.path().join("data"),
        ..Config::default()
    };
    let store = Store::open(&config).await.expect("open store");
    for group in ["all", "rare"] {
        store.upsert_group(group, group, "").await.expect("group");
    }
    let source = store
        .upsert_source(&NewSource {
            name: "generated".into(),
            kind: "folder".into(),
            location: String::new(),
            public: false,
            groups: vec![],
        })
        .await
        .expect("source");
    let started = Instant::now();
    for document in vectors.chunk_by(|a, b| a.document_id == b.document_id) {
        store
            .store_document(&stored_document(source, document))
            .await
            .expect("store document");
    }
    let model = store
        .register_embedding_model("generated", &"0".repeat(64), vectors[0].vector.len())
        .await
        .expect("model");
    // Chunks are numbered in the order they were stored, so the n-th pending is vector n.
    let mut next = vectors.iter();
    let mut after = ChunkId(0);
    loop {
        let pending = store
            .chunks_without_vector(model.id, VectorKind::Passage, after, 1_000)
            .await
            .expect("pending");
        let Some(last) = pending.last() else { break };
        after = last.chunk_id;
        let batch: Vec<(ChunkId, &[f32])> = pending
            .iter()
            .zip(next.by_ref())
            .map(|(p, v)| (p.chunk_id, v.vector.as_slice()))
            .collect();
        store
            .write_chunk_vectors(&model, VectorKind::Passage, &batch)
            .await
            .expect("write vectors");
    }
    println!(
        "store: {} chunks and their vectors written in {:.1?}",
        vectors.len(),
        started.elapsed()
    );
    let started = Instant::now();
    let index =
        VectorIndex::from_store(&store, model, VectorKind::Passage, VectorConfig::default())
            .await
            .expect("load");
    println!(
        "restart: {} vectors loaded from the store in {:.1?} (searchable, exact)",
        index.len(),
        started.elapsed()
    );
    while !index.is_approximate() {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "restart: graph ready {:.1?} after the load began",
        started.elapsed()
    );
}

fn stored_document(source: levier_core::ids::SourceId, chunks: &[StoredVector]) -> NewDocument {
    let name = format!("doc-{}", chunks[0].document_id);
    NewDocument {
        source_id: source,
        external_id: name.clone(),
        title: name.clone(),
        media_type: "text/plain".into(),
        content_hash: name,
        size_bytes: 1,
        language: Some("fr".into()),
        public: false,
        metadata: serde_json::json!({}),
        body: None,
        groups: chunks[0].groups.clone(),
        chunks: (0..chunks.len())
            .map(|i| NewChunk {
                ordinal: i as i64,
                heading_path: vec![],
                body: format!("passage {i}"),
                language: None,
                start_offset: 0,
                end_offset: 1,
            })
            .collect(),
    }
}

fn build(
    vectors: &[StoredVector],
    quantization: Quantization,
    exact_up_to: usize,
    hnsw: HnswParams,
) -> VectorIndex {
    let model = EmbeddingModel {
        id: EmbeddingModelId(1),
        name: "generated".into(),
        weights_sha256: "0".repeat(64),
        dims: vectors[0].vector.len(),
        created_at: Timestamp(0),
    };
    let config = VectorConfig {
        quantization,
        exact_up_to,
        hnsw,
    };
    let index = VectorIndex::new(model, config);
    for document in vectors.chunk_by(|a, b| a.document_id == b.document_id) {
        index
            .replace_document(document[0].document_id, document)
            .expect("add");
    }
    index
}

fn answers(index: &VectorIndex, queries: &[Vec<f32>], groups: &[&str]) -> Vec<Vec<ChunkId>> {
    queries
        .iter()
        .map(|q| {
            search(index, q, groups)
                .0
                .iter()
                .map(|h| h.chunk_id)
                .collect()
        })
        .collect()
}

fn search(
    index: &VectorIndex,
    query: &[f32],
    groups: &[&str],
) -> (Vec<levier_index::vector::VectorHit>, SearchMethod) {
    let groups: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
    let results = index
        .search(&VectorQuery {
            vector: query,
            groups: &groups,
            languages: &[],
            limit: 10,
        })
        .expect("search");
    (results.hits, results.method)
}

struct Measure {
    p50: Duration,
    p99: Duration,
    mean: Duration,
    recall: f64,
}

fn measure(
    index: &VectorIndex,
    queries: &[Vec<f32>],
    groups: &[&str],
    truth: &[Vec<ChunkId>],
) -> Measure {
    let mut times = Vec::with_capacity(queries.len());
    let mut total_recall = 0.0;
    for (query, expected) in queries.iter().zip(truth) {
        let started = Instant::now();
        let (hits, _) = search(index, query, groups);
        times.push(started.elapsed());
        let got: Vec<ChunkId> = hits.iter().map(|h| h.chunk_id).collect();
        total_recall += recall(&got, expected);
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    Measure {
        p50: at(0.5),
        p99: at(0.99),
        mean: times.iter().sum::<Duration>() / times.len() as u32,
        recall: total_recall / queries.len() as f64,
    }
}

fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The process's resident memory (VmRSS), 0 where /proc is not available.
fn resident_bytes() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<usize>().ok())
        })
        .map_or(0, |kib| kib * 1024)
}
