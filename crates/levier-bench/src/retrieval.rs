//! `levier bench retrieval`: quality, ingestion throughput and query speed on a BEIR-layout
//! set, through the same code as `levier ingest` and `levier search`.

use crate::BenchError;
use crate::dataset::{self, CorpusEntry};
use crate::dense;
use crate::metrics;
use levier_core::Config;
use levier_core::ids::{DocumentId, SourceId};
use levier_extract::{ChunkOptions, Limits};
pub use levier_index::{Fusion, Mode};
use levier_index::{IndexError, LexicalIndex, Retriever, SearchRequest, SemanticState};
use levier_ingest::{Access, FileInput, Pipeline};
use levier_store::Store;
use levier_store::directory::NewSource;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The access group every benchmark document is in, and that every query searches as.
const GROUP: &str = "bench";
/// Results retrieved per query: enough for recall@100.
const DEPTH: usize = 100;
/// Extension under which corpus entries are ingested.
const EXTENSION: &str = ".md";

/// What to measure.
#[derive(Debug, Clone)]
pub struct RetrievalOptions {
    /// The data set's directory.
    pub dataset: PathBuf,
    /// The split whose judgements are used (`qrels/SPLIT.tsv`).
    pub split: String,
    /// Run only the first N judged queries (in `queries.jsonl` order).
    pub limit_queries: Option<usize>,
    /// Where to write the ranking of every query in TREC run format (`qid Q0 docid rank score
    /// levier`), for trec_eval or a closer look at single queries.
    pub run_file: Option<PathBuf>,
    /// How documents are retrieved.
    pub mode: Mode,
    /// How hybrid mode fuses its lists.
    pub fusion: Fusion,
    /// The embedding model's directory (Hugging Face layout), for dense and hybrid.
    pub model: Option<PathBuf>,
    /// Where vectors are kept between runs, so that a second run embeds nothing.
    pub vectors_cache: Option<PathBuf>,
}

/// Per-query latency percentiles, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Latency {
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
}

/// What a retrieval benchmark measured.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RetrievalReport {
    /// The data set's directory, as given.
    pub dataset: String,
    /// The split.
    pub split: String,
    /// The retrieval mode measured (`lexical`, `dense` or `hybrid`).
    pub mode: &'static str,
    /// How hybrid retrieval fused its lists (hybrid only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fusion: Option<String>,
    /// Chunks embedded per second of `embed_seconds` (dense and hybrid only; left out when
    /// every vector came from `--vectors-cache`, as it would measure the cache).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embed_chunks_per_second: Option<f64>,
    /// Wall time of embedding every chunk and storing the vectors, in seconds (dense and hybrid
    /// only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embed_seconds: Option<f64>,
    /// Chunks embedded in this run rather than read from `--vectors-cache` (dense and hybrid
    /// only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embedded_chunks: Option<usize>,
    /// Mean nDCG@10, graded relevance (gain = relevance, log2 discount).
    pub ndcg_at_10: f64,
    /// Mean recall@100: relevant documents in the first 100 over relevant documents.
    pub recall_at_100: f64,
    /// Mean reciprocal rank of the first relevant document within the first 10.
    pub mrr_at_10: f64,
    /// Share of queries whose first result is relevant.
    pub p_at_1: f64,
    /// Judged queries run.
    pub queries: usize,
    /// Judged query ids absent from `queries.jsonl` (not run).
    pub skipped_queries: usize,
    /// Documents stored and indexed.
    pub documents: usize,
    /// Corpus entries that ingestion refused (e.g. no text at all).
    pub failed_documents: usize,
    /// Chunks (passages) indexed.
    pub chunks: u64,
    /// Bytes of the Markdown files ingested.
    pub corpus_bytes: u64,
    /// Wall time from the first file ingested to the index committed and merged, in seconds.
    pub index_seconds: f64,
    /// Of which: extraction, chunking and store writes (a `Pipeline`) with the index following
    /// the store beside them, until the index has applied every change, in seconds.
    pub ingest_seconds: f64,
    /// Of which: waiting for the index's last segment merges, in seconds.
    pub sync_seconds: f64,
    /// Corpus megabytes (10^6 bytes) per second of `index_seconds`.
    pub ingest_mb_per_second: f64,
    /// Queries per second, one at a time on one thread, top 100 documents each (every query,
    /// in passes until at least a second of searching is timed); dense and hybrid searches
    /// include embedding the query.
    pub qps_single_thread: f64,
    /// Latency of each search (top 100 documents), in milliseconds.
    pub latency_ms: Latency,
    /// Queries per second, one at a time on one thread, top 10 documents each (measured as
    /// `qps_single_thread`).
    pub qps_single_thread_top10: f64,
    /// Latency of each search (top 10 documents), in milliseconds.
    pub latency_ms_top10: Latency,
    /// Bytes the index occupies on disk.
    pub index_bytes: u64,
}

/// Runs the benchmark in a temporary data directory (removed afterwards).
pub async fn run(options: &RetrievalOptions) -> Result<RetrievalReport, BenchError> {
    let dir = &options.dataset;
    dataset::check_layout(dir, &options.split)?;
    let qrels = dataset::read_qrels(dir, &options.split)?;
    let mut split = dataset::judged_queries(dataset::read_queries(dir)?, &qrels);
    if split.queries.is_empty() {
        return Err(BenchError::NoJudgedQueries {
            split: options.split.clone(),
        });
    }
    if let Some(n) = options.limit_queries {
        split.queries.truncate(n);
    }
    let corpus = dataset::read_corpus(dir)?;
    tracing::info!(
        documents = corpus.len(),
        queries = split.queries.len(),
        "data set read"
    );

    let (_tmp, config) = crate::temporary_data_dir("levier-bench-")?;
    let store = Store::open(&config).await?;
    let result = measure(&store, &config, options, &corpus, &split).await;
    store.close().await;
    result
}

async fn measure(
    store: &Store,
    config: &Config,
    options: &RetrievalOptions,
    corpus: &[CorpusEntry],
    split: &dataset::Split,
) -> Result<RetrievalReport, BenchError> {
    store.upsert_group(GROUP, "Bench", "").await?;
    let source_id = store
        .upsert_source(&NewSource {
            name: "bench".into(),
            kind: "folder".into(),
            location: options.dataset.display().to_string(),
            public: false,
            groups: vec![GROUP.into()],
        })
        .await?;

    let index = Arc::new(LexicalIndex::open(
        &config.data_dir.join("index").join("lexical"),
    )?);
    // As `levier ingest` does: the index follows the store while the corpus goes in.
    let started = Instant::now();
    let (ingested, synced) = index
        .sync_during(store, ingest(store, source_id, corpus))
        .await;
    let (corpus_bytes, failed) = ingested?;
    let ingest_seconds = started.elapsed().as_secs_f64();
    synced?;
    let synced_at = Instant::now();
    index.wait_for_merges().await?;
    let sync_seconds = synced_at.elapsed().as_secs_f64();
    let index_seconds = started.elapsed().as_secs_f64();
    tracing::info!(
        ingest_seconds,
        sync_seconds,
        chunks = index.chunk_count(),
        "corpus indexed"
    );

    // Hits name stored documents; judgements name corpus ids (the file name without `.md`).
    let by_document: HashMap<DocumentId, String> = store
        .source_documents(source_id)
        .await?
        .into_iter()
        .map(|(path, (id, _))| {
            let corpus_id = path.strip_suffix(EXTENSION).unwrap_or(&path).to_string();
            (id, corpus_id)
        })
        .collect();

    let retriever = Retriever::new(index.clone());
    retriever.set_fusion(options.fusion);
    let embed = match options.mode {
        Mode::Lexical => None,
        mode => {
            let dir = options
                .model
                .as_deref()
                .ok_or(BenchError::NoModel(mode.as_str()))?;
            let (semantic, stats) =
                dense::build(store, dir, options.vectors_cache.as_deref()).await?;
            retriever.set_semantic(SemanticState::Ready(Arc::new(semantic)));
            Some(stats)
        }
    };
    let retriever = (&retriever, options.mode);
    let texts: Vec<&str> = split.queries.iter().map(|(q, _)| q.text.as_str()).collect();
    // One untimed pass so that the timed ones measure searching, not first page faults.
    run_queries(retriever, &by_document, &texts, DEPTH)?;
    let (ranked, top100) = run_queries(retriever, &by_document, &texts, DEPTH)?;
    let (_, top10) = run_queries(retriever, &by_document, &texts, 10)?;

    if let Some(path) = &options.run_file {
        write_run(path, split, &ranked)?;
    }
    let mut per_query = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    for ((_, judged), ranked) in split.queries.iter().zip(&ranked) {
        let ranked: Vec<String> = ranked.iter().map(|(id, _)| id.clone()).collect();
        let ranked = &ranked;
        per_query[0].push(metrics::ndcg_at_k(ranked, judged, 10));
        per_query[1].push(metrics::recall_at_k(ranked, judged, DEPTH));
        per_query[2].push(metrics::mrr_at_k(ranked, judged, 10));
        per_query[3].push(metrics::precision_at_k(ranked, judged, 1));
    }
    let [ndcg, recall, mrr, p1] = per_query.map(|v| round(metrics::mean(&v), 4));
    Ok(RetrievalReport {
        dataset: options.dataset.display().to_string(),
        split: options.split.clone(),
        mode: options.mode.as_str(),
        fusion: (options.mode == Mode::Hybrid).then(|| options.fusion.describe()),
        embed_chunks_per_second: embed
            .filter(|e| e.embedded > 0)
            .map(|e| round(e.embedded as f64 / e.seconds.max(1e-9), 2)),
        embed_seconds: embed.map(|e| round(e.seconds, 3)),
        embedded_chunks: embed.map(|e| e.embedded),
        ndcg_at_10: ndcg,
        recall_at_100: recall,
        mrr_at_10: mrr,
        p_at_1: p1,
        queries: split.queries.len(),
        skipped_queries: split.unknown_queries,
        documents: by_document.len(),
        failed_documents: failed,
        chunks: index.chunk_count(),
        corpus_bytes,
        index_seconds: round(index_seconds, 3),
        ingest_seconds: round(ingest_seconds, 3),
        sync_seconds: round(sync_seconds, 3),
        ingest_mb_per_second: round(corpus_bytes as f64 / 1e6 / index_seconds.max(1e-9), 2),
        qps_single_thread: top100.qps,
        latency_ms: top100.latency,
        qps_single_thread_top10: top10.qps,
        latency_ms_top10: top10.latency,
        index_bytes: index.size_bytes()?,
    })
}

/// Ingests every corpus entry as a Markdown file, the way a folder sync does (a
/// [`Pipeline`]); returns the bytes ingested and the number of entries refused.
async fn ingest(
    store: &Store,
    source_id: SourceId,
    corpus: &[CorpusEntry],
) -> Result<(u64, usize), BenchError> {
    let mut pipeline = Pipeline::new(store, &Limits::default(), &ChunkOptions::default());
    let mut corpus_bytes = 0u64;
    let mut outcomes = Vec::new();
    for entry in corpus {
        let bytes = markdown(entry).into_bytes();
        corpus_bytes += bytes.len() as u64;
        let input = FileInput {
            source_id,
            path: format!("{}{EXTENSION}", entry.id),
            bytes,
            modified_ms: None,
            access: Access {
                groups: vec![GROUP.into()],
                public: false,
            },
        };
        outcomes.extend(pipeline.push(input).await?);
    }
    outcomes.extend(pipeline.finish().await?);
    let failures: Vec<_> = outcomes.iter().flat_map(|o| &o.report.failed).collect();
    for f in failures.iter().take(5) {
        tracing::warn!(path = %f.path, reason = %f.reason, "corpus entry not ingested");
    }
    Ok((corpus_bytes, failures.len()))
}

/// A corpus entry as the Markdown file it is ingested as: the title as a level-1 heading (left
/// out when empty), then the text.
pub fn markdown(entry: &CorpusEntry) -> String {
    let title = entry.title.trim();
    if title.is_empty() {
        entry.text.clone()
    } else {
        format!("# {title}\n\n{}", entry.text)
    }
}

/// Writes rankings in TREC run format: `qid Q0 docid rank score levier`, rank from 1.
fn write_run(
    path: &std::path::Path,
    split: &dataset::Split,
    ranked: &[Ranking],
) -> Result<(), BenchError> {
    use std::fmt::Write as _;
    let mut out = String::new();
    for ((query, _), ranked) in split.queries.iter().zip(ranked) {
        for (i, (doc, score)) in ranked.iter().enumerate() {
            let _ = writeln!(out, "{} Q0 {doc} {} {score} levier", query.id, i + 1);
        }
    }
    std::fs::write(path, out).map_err(|source| BenchError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The corpus ids retrieved for a query, best first, with their scores.
type Ranking = Vec<(String, f32)>;

/// Speed of one pass over the queries.
struct Speed {
    qps: f64,
    latency: Latency,
}

/// Timed search time gathered before the speed is reported: one pass over a few hundred
/// queries takes a fraction of a second, too short for a steady figure on a busy machine.
const MIN_TIMED: Duration = Duration::from_secs(1);

/// What answers the queries: the product's retrieval, in the mode measured.
type Searcher<'a> = (&'a Retriever, Mode);

/// The `depth` best documents for a query, as `levier search` retrieves them (one result per
/// document); a query with nothing to search for (no word) retrieves nothing.
fn search(
    (retriever, mode): Searcher<'_>,
    text: &str,
    depth: usize,
) -> Result<Vec<(DocumentId, f32)>, BenchError> {
    let request = SearchRequest {
        query: text.to_string(),
        groups: vec![GROUP.into()],
        limit: depth,
        collapse_documents: true,
        snippets: false,
        facets: false,
        ..SearchRequest::default()
    };
    match retriever.search(&request, Some(mode)) {
        Ok(found) => Ok(found
            .results
            .hits
            .iter()
            .map(|h| (h.document_id, h.score))
            .collect()),
        Err(IndexError::EmptyQuery) => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// Runs every query, in order, on this thread, in passes until [`MIN_TIMED`] of searching has
/// been timed; returns the corpus ids retrieved for each (from the first pass) with their
/// scores, and the speed over all passes.
fn run_queries(
    retriever: Searcher<'_>,
    by_document: &HashMap<DocumentId, String>,
    texts: &[&str],
    depth: usize,
) -> Result<(Vec<Ranking>, Speed), BenchError> {
    let mut ranked = Vec::with_capacity(texts.len());
    let mut latencies = Vec::with_capacity(texts.len());
    let mut total = Duration::ZERO;
    while ranked.is_empty() || total < MIN_TIMED {
        let first_pass = ranked.is_empty();
        for text in texts {
            let started = Instant::now();
            let hits = search(retriever, text, depth)?;
            let elapsed = started.elapsed();
            total += elapsed;
            latencies.push(elapsed.as_secs_f64() * 1000.0);
            if first_pass {
                ranked.push(
                    hits.iter()
                        .filter_map(|(id, score)| Some((by_document.get(id)?.clone(), *score)))
                        .collect(),
                );
            }
        }
        if texts.is_empty() {
            break;
        }
    }
    latencies.sort_by(f64::total_cmp);
    let pct = |p| round(metrics::percentile(&latencies, p), 3);
    let speed = Speed {
        qps: round(latencies.len() as f64 / total.as_secs_f64().max(1e-9), 1),
        latency: Latency {
            p50: pct(50.0),
            p95: pct(95.0),
            p99: pct(99.0),
        },
    };
    Ok((ranked, speed))
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_become_markdown_files() {
        let e = |title: &str| CorpusEntry {
            id: "1".into(),
            title: title.into(),
            text: "Body.".into(),
        };
        assert_eq!(markdown(&e("Title")), "# Title\n\nBody.");
        assert_eq!(markdown(&e("  ")), "Body.");
    }

    #[test]
    fn rounding() {
        assert!((round(0.123_456, 4) - 0.1235).abs() < 1e-12);
    }
}
