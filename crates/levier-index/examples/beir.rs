//! Indexes a BEIR-layout data set through a real store and measures search quality and speed.
//!
//! ```text
//! cargo run --release -p levier-index --example beir -- \
//!     [--dataset ../shared/data/scifact] [--split train] [--language en] [--rounds 5]
//! ```
//!
//! Each corpus entry becomes one document with one chunk (title + text), in group `all`. Quality
//! is nDCG@10 and recall@100 over the split's judged queries; speed is single-thread queries
//! per second and latency percentiles over every query of the set, in several modes. This is a
//! measurement tool, not a test: `levier bench retrieval` is the product's benchmark.

use levier_core::Config;
use levier_index::{LexicalIndex, SearchRequest};
use levier_store::Store;
use levier_store::directory::NewSource;
use levier_store::documents::{NewChunk, NewDocument};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

type Error = Box<dyn std::error::Error>;

struct Args {
    dataset: PathBuf,
    split: String,
    language: String,
    rounds: usize,
    /// Which speed modes to run (indexes into the list in `speed`), all by default.
    modes: Vec<usize>,
}

fn args() -> Result<Args, Error> {
    let mut out = Args {
        dataset: PathBuf::from("../shared/data/scifact"),
        split: "train".into(),
        language: "en".into(),
        rounds: 5,
        modes: vec![0, 1, 2, 3, 4, 5, 6],
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--dataset" => out.dataset = value.into(),
            "--split" => out.split = value,
            "--language" => out.language = value,
            "--rounds" => out.rounds = value.parse()?,
            "--modes" => out.modes = value.split(',').map(str::parse).collect::<Result<_, _>>()?,
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    Ok(out)
}

fn open_lines(dir: &Path, name: &str) -> Result<Box<dyn BufRead>, Error> {
    let gz = dir.join(format!("{name}.gz"));
    let reader: Box<dyn Read> = if gz.exists() {
        Box::new(flate2::read::GzDecoder::new(std::fs::File::open(gz)?))
    } else {
        Box::new(std::fs::File::open(dir.join(name))?)
    };
    Ok(Box::new(BufReader::new(reader)))
}

fn read_jsonl(dir: &Path, name: &str) -> Result<Vec<serde_json::Value>, Error> {
    let mut out = Vec::new();
    for line in open_lines(dir, name)?.lines() {
        let line = line?;
        if !line.trim().is_empty() {
            out.push(serde_json::from_str(&line)?);
        }
    }
    Ok(out)
}

fn field(v: &serde_json::Value, name: &str) -> String {
    match &v[name] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// query id -> (corpus id -> relevance)
fn read_qrels(dir: &Path, split: &str) -> Result<HashMap<String, HashMap<String, u32>>, Error> {
    let text = std::fs::read_to_string(dir.join("qrels").join(format!("{split}.tsv")))?;
    let mut out: HashMap<String, HashMap<String, u32>> = HashMap::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if let [q, d, rel] = cols[..] {
            out.entry(q.into())
                .or_default()
                .insert(d.into(), rel.trim().parse()?);
        }
    }
    Ok(out)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args = args()?;
    let tmp = tempfile::tempdir()?;
    let config = Config {
        data_dir: tmp.path().join("data"),
        ..Config::default()
    };
    let store = Store::open(&config).await?;
    store.upsert_group("all", "All", "").await?;
    let source = store
        .upsert_source(&NewSource {
            name: "bench".into(),
            kind: "folder".into(),
            location: args.dataset.display().to_string(),
            public: false,
            groups: vec!["all".into()],
        })
        .await?;

    let corpus = read_jsonl(&args.dataset, "corpus.jsonl")?;
    let mut by_document = HashMap::new();
    let started = Instant::now();
    let mut bytes = 0;
    for (i, entry) in corpus.iter().enumerate() {
        let id = field(entry, "_id");
        let title = field(entry, "title");
        let text = field(entry, "text");
        bytes += title.len() + text.len();
        let doc = NewDocument {
            source_id: source,
            external_id: id.clone(),
            title,
            media_type: "text/plain".into(),
            content_hash: format!("{i}"),
            size_bytes: text.len() as i64,
            language: Some(args.language.clone()),
            public: false,
            metadata: serde_json::json!({}),
            body: Some(text.clone()),
            groups: vec!["all".into()],
            chunks: vec![NewChunk {
                ordinal: 0,
                heading_path: vec![],
                language: Some(args.language.clone()),
                start_offset: 0,
                end_offset: text.chars().count() as i64,
                body: text,
            }],
        };
        let outcome = store.store_document(&doc).await?;
        let levier_store::documents::StoreOutcome::Added(doc_id) = outcome else {
            return Err(format!("duplicate corpus id {id}").into());
        };
        by_document.insert(doc_id, id);
    }
    let store_secs = started.elapsed().as_secs_f64();
    let index = LexicalIndex::open(&config.data_dir.join("index"))?;
    let started = Instant::now();
    let report = index.sync(&store).await?;
    let index_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    index.wait_for_merges().await?;
    let merge_secs = started.elapsed().as_secs_f64();
    println!(
        "corpus: {} documents, {:.1} MB of text; store {store_secs:.1}s; index sync {index_secs:.2}s ({:.1} MB/s) + merges {merge_secs:.2}s, {} changes, {} bytes on disk",
        corpus.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / index_secs,
        report.applied,
        index.size_bytes()?
    );

    let queries: Vec<(String, String)> = read_jsonl(&args.dataset, "queries.jsonl")?
        .iter()
        .map(|q| (field(q, "_id"), field(q, "text")))
        .collect();
    let qrels = read_qrels(&args.dataset, &args.split)?;
    quality(&index, &queries, &qrels, &by_document)?;
    let texts: Vec<String> = queries.into_iter().map(|(_, t)| t).collect();
    let meta = std::fs::read_to_string(config.data_dir.join("index").join("meta.json"))?;
    println!("segments: {}", meta.matches("segment_id").count());
    speed(&index, &texts, args.rounds, &args.modes)?;
    Ok(())
}

fn request(query: &str) -> SearchRequest {
    SearchRequest::new(query, &["all"])
}

fn quality(
    index: &LexicalIndex,
    queries: &[(String, String)],
    qrels: &HashMap<String, HashMap<String, u32>>,
    by_document: &HashMap<levier_core::ids::DocumentId, String>,
) -> Result<(), Error> {
    let (mut ndcg, mut recall, mut n) = (0.0, 0.0, 0);
    for (qid, text) in queries {
        let Some(relevant) = qrels.get(qid) else {
            continue;
        };
        let req = SearchRequest {
            limit: 100,
            snippets: false,
            ..request(text)
        };
        let ranked: Vec<&String> = index
            .search(&req)?
            .hits
            .iter()
            .filter_map(|h| by_document.get(&h.document_id))
            .collect();
        let gains = |i: usize, rel: u32| (2f64.powi(rel as i32) - 1.0) / (i as f64 + 2.0).log2();
        let dcg: f64 = ranked
            .iter()
            .take(10)
            .enumerate()
            .map(|(i, d)| gains(i, relevant.get(*d).copied().unwrap_or(0)))
            .sum();
        let mut ideal: Vec<u32> = relevant.values().copied().collect();
        ideal.sort_unstable_by(|a, b| b.cmp(a));
        let idcg: f64 = ideal
            .iter()
            .take(10)
            .enumerate()
            .map(|(i, r)| gains(i, *r))
            .sum();
        let found = ranked.iter().filter(|d| relevant.contains_key(**d)).count();
        ndcg += if idcg > 0.0 { dcg / idcg } else { 0.0 };
        recall += found as f64 / relevant.len() as f64;
        n += 1;
    }
    println!(
        "quality: {n} judged queries, nDCG@10 {:.4}, recall@100 {:.4}",
        ndcg / f64::from(n.max(1)),
        recall / f64::from(n.max(1))
    );
    Ok(())
}

/// A measured way of searching: its name, the queries typed, how a request is made.
type Mode<'a> = (&'static str, &'a [String], fn(&str) -> SearchRequest);

fn speed(
    index: &LexicalIndex,
    queries: &[String],
    rounds: usize,
    selected: &[usize],
) -> Result<(), Error> {
    let typed: Vec<String> = queries.iter().map(|q| as_typed(q)).collect();
    let modes: [Mode; 7] = [
        ("top-10 ids (no snippets, no facets)", queries, |q| {
            SearchRequest {
                snippets: false,
                facets: false,
                ..request(q)
            }
        }),
        ("top-10 with snippets", queries, request),
        ("top-10 documents (collapsed) with snippets", queries, |q| {
            SearchRequest {
                collapse_documents: true,
                ..request(q)
            }
        }),
        (
            "search-as-you-type (3 words, last cut), snippets",
            &typed,
            |q| SearchRequest {
                prefix: true,
                ..request(q)
            },
        ),
        ("top-10, facets, no snippets", queries, |q| SearchRequest {
            snippets: false,
            ..request(q)
        }),
        (
            "top-100 documents (collapsed), no snippets, no facets (as levier bench)",
            queries,
            |q| SearchRequest {
                limit: 100,
                collapse_documents: true,
                snippets: false,
                facets: false,
                ..request(q)
            },
        ),
        (
            "top-10 documents (collapsed), no snippets, no facets (as levier bench's top-10)",
            queries,
            |q| SearchRequest {
                collapse_documents: true,
                snippets: false,
                facets: false,
                ..request(q)
            },
        ),
    ];
    for (i, (name, set, make)) in modes.into_iter().enumerate() {
        if !selected.contains(&i) {
            continue;
        }
        let requests: Vec<SearchRequest> = set.iter().map(|q| make(q)).collect();
        for r in &requests {
            index.search(r)?; // warm-up
        }
        let mut latencies = Vec::with_capacity(requests.len() * rounds);
        let cpu_before = thread_cpu_ns();
        let started = Instant::now();
        for _ in 0..rounds {
            for r in &requests {
                let t = Instant::now();
                std::hint::black_box(index.search(r)?);
                latencies.push(t.elapsed());
            }
        }
        let total = started.elapsed();
        let cpu = Duration::from_nanos(thread_cpu_ns().saturating_sub(cpu_before));
        report(name, &mut latencies, total, cpu);
    }
    Ok(())
}

/// What someone has typed so far: the first three words, the last one half-typed.
fn as_typed(query: &str) -> String {
    let words: Vec<&str> = query.split_whitespace().take(3).collect();
    let mut out = words.join(" ");
    if let Some(last) = words.last() {
        let keep: String = last
            .chars()
            .take(last.chars().count().div_ceil(2).max(3))
            .collect();
        out.truncate(out.len() - last.len());
        out.push_str(&keep);
    }
    out
}

/// CPU time this thread has run, from the scheduler's statistics: on a shared machine other
/// processes preempt the benchmark, and CPU time says what the search itself costs.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

fn report(name: &str, latencies: &mut [Duration], total: Duration, cpu: Duration) {
    latencies.sort_unstable();
    let pct = |p: f64| {
        let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i].as_secs_f64() * 1000.0
    };
    println!(
        "{name}: {} queries, {:.0} queries/s single-thread (wall clock; {:.0} per CPU-second), latency ms p50 {:.3} p95 {:.3} p99 {:.3} max {:.3}",
        latencies.len(),
        latencies.len() as f64 / total.as_secs_f64(),
        latencies.len() as f64 / cpu.as_secs_f64().max(1e-9),
        pct(0.50),
        pct(0.95),
        pct(0.99),
        pct(1.0)
    );
}
