//! `levier bench scale`: query latency and memory of hybrid search on a generated collection of
//! N chunks (100,000 by default), the size the data sets do not reach.
//!
//! The text is generated (a Zipf-distributed vocabulary of pseudo-words, so posting lists have
//! the skew of real text) and ingested through the product's pipeline, one chunk per
//! document, each with a title; each chunk and title gets a random unit vector instead of its
//! embedding — embedding 100,000
//! passages takes hours on two cores, and search cost does not depend on what the vectors
//! mean (uniformly random vectors are, if anything, harder for the graph). The queries are
//! embedded for real by the model, inside the timed search, as a user's are.

use crate::BenchError;
use crate::metrics::percentile;
use crate::retrieval::Latency;
use levier_core::Config;
use levier_core::ids::{ChunkId, SourceId};
use levier_extract::{ChunkOptions, Limits};
use levier_index::semantic::{SemanticSearch, register};
use levier_index::vector::{Quantization, VectorConfig, VectorMemory};
use levier_index::{LexicalIndex, Mode, Retriever, SearchRequest, SemanticState};
use levier_ingest::{Access, FileInput, Pipeline};
use levier_ml::SentenceEncoder;
use levier_store::Store;
use levier_store::directory::NewSource;
use levier_store::vectors::VectorKind;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

const GROUP: &str = "bench";
/// Distinct words of the generated text.
const VOCABULARY: usize = 50_000;
/// Words per generated chunk (about 700 characters, a typical passage).
const WORDS_PER_CHUNK: usize = 110;
/// Queries timed.
const QUERIES: usize = 300;

/// What to measure.
#[derive(Debug, Clone)]
pub struct ScaleOptions {
    /// Chunks in the collection.
    pub chunks: usize,
    /// The embedding model's directory (queries are embedded with it).
    pub model: PathBuf,
    /// How vectors are held.
    pub quantization: Quantization,
}

/// What was measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScaleReport {
    /// Chunks searched.
    pub chunks: usize,
    /// f32 or int8.
    pub quantization: Quantization,
    /// Whether the vector search used its graph (HNSW) rather than an exact scan.
    pub approximate: bool,
    /// Latency of a hybrid search, top 10 documents, query embedding included, ms.
    pub hybrid_latency_ms: Latency,
    /// Latency of a lexical search alone, ms.
    pub lexical_latency_ms: Latency,
    /// Latency of embedding the query alone, ms.
    pub query_embedding_latency_ms: Latency,
    /// Memory of the vector index (vectors, graph), bytes.
    pub vector_memory: VectorMemory,
    /// Resident memory of the process once everything is loaded, bytes (Linux).
    pub resident_bytes: Option<u64>,
    /// Seconds to ingest and index the text.
    pub ingest_seconds: f64,
    /// Seconds to build the vector graph.
    pub graph_seconds: f64,
}

/// Generates, loads and measures, in a temporary data directory.
pub async fn run(options: &ScaleOptions) -> Result<ScaleReport, BenchError> {
    let mut encoder = SentenceEncoder::load(&options.model, "model")?;
    // The queries are timed three times over (hybrid, lexical, embedding alone): remembered
    // vectors would time the memory, not the model.
    encoder.set_memo_entries(0);
    let encoder = Arc::new(encoder);
    let (_tmp, config) = crate::temporary_data_dir("levier-bench-scale-")?;
    let store = Store::open(&config).await?;
    let result = measure(&store, &config, options, encoder).await;
    store.close().await;
    result
}

async fn measure(
    store: &Store,
    config: &Config,
    options: &ScaleOptions,
    encoder: Arc<SentenceEncoder>,
) -> Result<ScaleReport, BenchError> {
    let mut rng = StdRng::seed_from_u64(7);
    let words = Words::new(&mut rng);
    let index = Arc::new(LexicalIndex::open(&config.data_dir.join("index"))?);
    let started = Instant::now();
    let (ingested, synced) = index
        .sync_during(store, ingest(store, &words, options.chunks))
        .await;
    ingested?;
    synced?;
    index.wait_for_merges().await?;
    let ingest_seconds = started.elapsed().as_secs_f64();
    random_vectors(store, &encoder, &mut rng).await?;
    let started = Instant::now();
    let vectors = VectorConfig {
        quantization: options.quantization,
        ..VectorConfig::default()
    };
    let semantic = SemanticSearch::load(store, encoder.clone(), vectors).await?;
    let graph_pending = |index: &levier_index::vector::VectorIndex| {
        index.len() > vectors.exact_up_to && !index.is_approximate()
    };
    while graph_pending(semantic.vectors()) || graph_pending(semantic.titles()) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let graph_seconds = started.elapsed().as_secs_f64();
    let approximate = semantic.vectors().is_approximate();
    let vector_memory = semantic.vectors().memory();
    let retriever = Retriever::new(index);
    retriever.set_semantic(SemanticState::Ready(Arc::new(semantic)));
    let queries: Vec<String> = (0..QUERIES).map(|_| words.query(&mut rng)).collect();
    let time = |f: &dyn Fn(&str) -> Result<(), BenchError>| -> Result<Latency, BenchError> {
        for q in queries.iter().take(20) {
            f(q)?;
        }
        let mut ms = Vec::with_capacity(queries.len());
        for q in &queries {
            let at = Instant::now();
            f(q)?;
            ms.push(at.elapsed().as_secs_f64() * 1000.0);
        }
        ms.sort_by(f64::total_cmp);
        Ok(Latency {
            p50: percentile(&ms, 50.0),
            p95: percentile(&ms, 95.0),
            p99: percentile(&ms, 99.0),
        })
    };
    let search = |mode: Mode| {
        let retriever = &retriever;
        move |q: &str| -> Result<(), BenchError> {
            let req = SearchRequest {
                collapse_documents: true,
                ..SearchRequest::new(q, &[GROUP])
            };
            retriever.search(&req, Some(mode))?;
            Ok(())
        }
    };
    Ok(ScaleReport {
        chunks: options.chunks,
        quantization: options.quantization,
        approximate,
        hybrid_latency_ms: time(&search(Mode::Hybrid))?,
        lexical_latency_ms: time(&search(Mode::Lexical))?,
        query_embedding_latency_ms: time(&|q| {
            encoder.embed_queries(&[q])?;
            Ok(())
        })?,
        vector_memory,
        resident_bytes: resident_bytes(),
        ingest_seconds,
        graph_seconds,
    })
}

/// Ingests `chunks` generated one-chunk documents through the pipeline.
async fn ingest(store: &Store, words: &Words, chunks: usize) -> Result<(), BenchError> {
    store.upsert_group(GROUP, "Bench", "").await?;
    let source = store
        .upsert_source(&NewSource {
            name: "scale".into(),
            kind: "folder".into(),
            location: String::new(),
            public: false,
            groups: vec![GROUP.into()],
        })
        .await?;
    let mut rng = StdRng::seed_from_u64(11);
    let mut pipeline = Pipeline::new(store, &Limits::default(), &ChunkOptions::default());
    for i in 0..chunks {
        pipeline
            .push(input(source, i, words.text(&mut rng)))
            .await?;
    }
    pipeline.finish().await?;
    Ok(())
}

fn input(source_id: SourceId, i: usize, text: String) -> FileInput {
    FileInput {
        source_id,
        path: format!("doc-{i:06}.md"),
        bytes: text.into_bytes(),
        modified_ms: None,
        access: Access {
            groups: vec![GROUP.into()],
            public: false,
        },
    }
}

/// Gives every chunk (and every document's title) a random vector under the encoder's model.
async fn random_vectors(
    store: &Store,
    encoder: &SentenceEncoder,
    rng: &mut StdRng,
) -> Result<(), BenchError> {
    let model = register(store, encoder).await?;
    for kind in [VectorKind::Passage, VectorKind::Title] {
        loop {
            let page = store
                .chunks_without_vector(model.id, kind, ChunkId(0), 2_000)
                .await?;
            if page.is_empty() {
                break;
            }
            let rows: Vec<(ChunkId, Vec<f32>)> = page
                .iter()
                .map(|c| {
                    let v = (0..model.dims).map(|_| rng.random::<f32>() - 0.5).collect();
                    (c.chunk_id, v)
                })
                .collect();
            store.write_chunk_vectors(&model, kind, &rows).await?;
        }
    }
    Ok(())
}

/// A vocabulary of pseudo-words drawn with Zipf's law (rank r with weight 1/r).
struct Words {
    words: Vec<String>,
    /// Cumulative weights, for drawing by binary search.
    cumulative: Vec<f64>,
}

impl Words {
    fn new(rng: &mut StdRng) -> Words {
        const SYLLABLES: &[&str] = &[
            "ba", "ri", "ton", "le", "mar", "si", "ca", "pe", "lu", "vo", "dre", "min", "sa",
            "gou", "ter", "né", "fa", "chi", "pro", "ment",
        ];
        let words = (0..VOCABULARY)
            .map(|_| {
                let n = rng.random_range(2..=4);
                (0..n)
                    .map(|_| SYLLABLES[rng.random_range(0..SYLLABLES.len())])
                    .collect()
            })
            .collect();
        let mut total = 0.0;
        let cumulative = (1..=VOCABULARY)
            .map(|r| {
                total += 1.0 / r as f64;
                total
            })
            .collect();
        Words { words, cumulative }
    }

    fn draw(&self, rng: &mut StdRng) -> &str {
        let x = rng.random::<f64>() * self.cumulative[self.cumulative.len() - 1];
        let i = self.cumulative.partition_point(|&c| c < x);
        &self.words[i.min(self.words.len() - 1)]
    }

    fn text(&self, rng: &mut StdRng) -> String {
        let words: Vec<&str> = (0..WORDS_PER_CHUNK).map(|_| self.draw(rng)).collect();
        words.join(" ")
    }

    /// Three to six words, the length of a typed question.
    fn query(&self, rng: &mut StdRng) -> String {
        let n = rng.random_range(3..=6);
        let words: Vec<&str> = (0..n).map(|_| self.draw(rng)).collect();
        words.join(" ")
    }
}

/// The process's resident set size, from /proc (Linux only).
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
