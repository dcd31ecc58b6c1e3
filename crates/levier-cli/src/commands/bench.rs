//! `levier bench`: retrieval quality and speed on a BEIR-layout set, hybrid latency at scale,
//! the support assistant's intent classifier and the e-mail triage spam filter.

use crate::cli::{BenchCommand, BenchFusion, BenchIntentFormat, BenchQuantization};
use crate::exit::{FAILURE, INPUT, coded};
use levier_bench::intents::{self, IntentFormat, IntentOptions, IntentReport};
use levier_bench::leads::{self, LeadsOptions, LeadsReport};
use levier_bench::retrieval::{self, Fusion, Mode, RetrievalOptions, RetrievalReport};
use levier_bench::spam::{self, SpamOptions, SpamReport};
use levier_bench::triage::{self, TriageOptions, TriageReport};
use levier_core::Config;
use levier_index::vector::Quantization;
use levier_ml::{DEFAULT_MODEL_NAME, ModelCatalog};
use std::path::PathBuf;

pub async fn run(cmd: BenchCommand) -> anyhow::Result<()> {
    init_logging();
    match cmd {
        BenchCommand::Answers {
            dataset,
            split,
            llm_url,
            llm_config,
            model,
            embedding_model,
            passages,
            passage_chars,
            limit,
            json,
        } => {
            let options = levier_bench::answers::AnswersOptions {
                dataset,
                split,
                limit,
                model: embedding_model.or_else(default_model).ok_or_else(|| {
                    coded(INPUT, "no embedding model: give --embedding-model DIR")
                })?,
                provider: answers_provider(llm_url, llm_config, model)?,
                passages,
                passage_chars,
            };
            let report = levier_bench::answers::run(&options)
                .await
                .map_err(failure)?;
            show(&report, json, print_answers)
        }
        BenchCommand::Retrieval {
            dataset,
            split,
            mode,
            fusion,
            weights,
            question_weights,
            model,
            vectors_cache,
            limit_queries,
            run_file,
            json,
        } => {
            let mode = Mode::from(mode);
            let fusion = match (fusion, Fusion::default()) {
                (Some(BenchFusion::Rrf), _) => Fusion::Rrf,
                (_, Fusion::Weighted { questions, others }) => Fusion::Weighted {
                    questions: question_weights.unwrap_or(questions),
                    others: weights.unwrap_or(others),
                },
                (_, default) => default,
            };
            let options = RetrievalOptions {
                dataset,
                split,
                limit_queries,
                run_file,
                model: (mode != Mode::Lexical)
                    .then(|| model.or_else(default_model))
                    .flatten(),
                mode,
                fusion,
                vectors_cache,
            };
            let report = retrieval::run(&options).await.map_err(failure)?;
            show(&report, json, print_text)
        }
        BenchCommand::Intents {
            train,
            eval,
            format,
            split,
            holdout,
            model,
            vectors_cache,
            json,
        } => {
            let model = model
                .or_else(default_model)
                .ok_or_else(|| coded(INPUT, "no embedding model: give --model DIR"))?;
            let options = IntentOptions {
                train,
                eval,
                format: match format {
                    BenchIntentFormat::Clinc => IntentFormat::Clinc,
                    BenchIntentFormat::Csv => IntentFormat::Csv,
                },
                split,
                holdout,
                model,
                vectors_cache,
            };
            let report = intents::run(&options).map_err(failure)?;
            show(&report, json, print_intents)
        }
        BenchCommand::Spam {
            dataset,
            folds,
            seed,
            no_mbox,
            json,
        } => {
            let options = SpamOptions {
                dataset,
                folds,
                seed,
                mbox: !no_mbox,
            };
            let report = spam::run(&options).map_err(failure)?;
            show(&report, json, print_spam)
        }
        BenchCommand::Triage {
            dataset,
            eval,
            holdout,
            folds,
            seed,
            no_mbox,
            json,
        } => {
            // Without a folder, the demo company's labelled mails, written out for the run.
            let demo =
                std::env::temp_dir().join(format!("levier-bench-triage-{}", std::process::id()));
            let options = TriageOptions {
                dataset: match dataset {
                    Some(dir) => dir,
                    None => {
                        crate::demo::mails::write_to(&demo)?;
                        demo.clone()
                    }
                },
                eval,
                holdout,
                folds,
                seed,
                mbox: !no_mbox,
            };
            let report = triage::run(&options);
            let _ = std::fs::remove_dir_all(&demo);
            show(&report.map_err(failure)?, json, print_triage)
        }
        BenchCommand::Leads {
            train,
            eval,
            target,
            positive,
            drop,
            delimiter,
            holdout,
            seed,
            json,
        } => {
            let options = LeadsOptions {
                train,
                eval,
                target,
                positive,
                drop,
                delimiter,
                holdout,
                seed,
            };
            let report = leads::run(&options).map_err(failure)?;
            show(&report, json, print_leads)
        }
        BenchCommand::Scale {
            chunks,
            quantization,
            model,
        } => {
            let model = model
                .or_else(default_model)
                .ok_or_else(|| coded(INPUT, "no embedding model: give --model DIR"))?;
            let options = levier_bench::scale::ScaleOptions {
                chunks,
                model,
                quantization: match quantization {
                    BenchQuantization::F32 => Quantization::F32,
                    BenchQuantization::Int8 => Quantization::Int8,
                },
            };
            let report = levier_bench::scale::run(&options).await.map_err(failure)?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(())
        }
        BenchCommand::Report { events, seed } => {
            let options = levier_bench::report::ReportOptions { events, seed };
            let report = levier_bench::report::run(&options).await.map_err(failure)?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(())
        }
        BenchCommand::Load(args) => load(args).await,
    }
}

/// Prints a report: one JSON object with `--json`, else as text for people.
/// The provider of `levier bench answers`: `--llm-url` (a local server, answering at once
/// with a low temperature) or the `[llm.assistant]` of `--llm-config`.
fn answers_provider(
    url: Option<String>,
    config: Option<PathBuf>,
    model: Option<String>,
) -> anyhow::Result<levier_assist::llm::ProviderConfig> {
    let mut provider = match url {
        Some(url) => {
            let mut local = levier_assist::llm::ProviderConfig::new(&url, "local");
            local.local = true;
            local.temperature = 0.0;
            local.max_tokens = 160;
            local.timeout_secs = 600;
            local.max_concurrent = 1;
            local
        }
        None => {
            let path = config.ok_or_else(|| {
                coded(
                    INPUT,
                    "no generative model: give --llm-url URL or --llm-config FILE",
                )
            })?;
            let text = std::fs::read_to_string(&path)?;
            let config = Config::from_toml(&text, &path)?;
            let uses = crate::commands::serve::llm_uses(&config.llm)?;
            uses.assistant.ok_or_else(|| {
                coded(
                    INPUT,
                    "no generative model: give --llm-url URL or configure [llm.assistant]",
                )
            })?
        }
    };
    if let Some(model) = model {
        provider.model = model;
    }
    Ok(provider)
}

fn print_answers(r: &levier_bench::answers::AnswersReport) {
    println!(
        "{} questions of {} ({}), model {}",
        r.questions, r.dataset, r.split, r.model
    );
    println!(
        "shown {} ({} citing the right entry: {:.1} %), fallbacks {:.1} %, handoffs {:.1} %",
        r.shown,
        r.shown_right,
        r.right_citation_rate * 100.0,
        r.fallback_rate * 100.0,
        r.handoff_rate * 100.0
    );
    println!("not shown: {:?}", r.fallbacks);
    println!(
        "unsupported caught {}, swapped answers caught {} of {}",
        r.unsupported_caught, r.swapped_caught, r.swapped_checked
    );
    println!(
        "latency p50 {:.0} ms, p95 {:.0} ms; checks p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms; {:.0} completion tokens an answer",
        r.latency_ms.p50,
        r.latency_ms.p95,
        r.check_ms.p50,
        r.check_ms.p95,
        r.check_max_ms,
        r.completion_tokens_per_answer
    );
}

fn show<R: serde::Serialize>(report: &R, json: bool, text: fn(&R)) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string(report)?);
    } else {
        text(report);
    }
    Ok(())
}

/// A benchmark's error with its exit code: bad input (a data set, a model) or a failure.
fn failure(e: levier_bench::BenchError) -> anyhow::Error {
    let code = if e.is_input() { INPUT } else { FAILURE };
    coded(code, e.to_string())
}

/// The model a benchmark uses when none is given. A benchmark reads no configuration, so this
/// is the default model in the default models directory, else where `scripts/fetch-models`
/// leaves it.
fn default_model() -> Option<PathBuf> {
    let catalog = ModelCatalog::new(&Config::default().models_dir());
    catalog
        .selected("")
        .map(|name| catalog.path(&name))
        .filter(|dir| dir.is_dir())
        .or_else(|| {
            let home = PathBuf::from(std::env::var_os("HOME")?);
            Some(home.join(".cache/levier/models").join(DEFAULT_MODEL_NAME))
        })
}

fn print_text(r: &RetrievalReport) {
    println!(
        "{} (split {}, {} mode): {} queries over {} documents ({} chunks)",
        r.dataset, r.split, r.mode, r.queries, r.documents, r.chunks
    );
    if let Some(fusion) = &r.fusion {
        println!("  fusion: {fusion}");
    }
    if let (Some(seconds), Some(rate)) = (r.embed_seconds, r.embed_chunks_per_second) {
        println!(
            "  embedding: {:.2} s, {:.1} chunks/s ({} embedded, the rest from the vectors cache)",
            seconds,
            rate,
            r.embedded_chunks.unwrap_or(0)
        );
    }
    println!(
        "  quality: nDCG@10 {:.4}  recall@100 {:.4}  MRR@10 {:.4}  P@1 {:.4}",
        r.ndcg_at_10, r.recall_at_100, r.mrr_at_10, r.p_at_1
    );
    println!(
        "  indexing: {:.2} s for {:.1} MB ({:.1} MB/s; ingest {:.2} s, index {:.2} s), {} bytes on disk",
        r.index_seconds,
        r.corpus_bytes as f64 / 1e6,
        r.ingest_mb_per_second,
        r.ingest_seconds,
        r.sync_seconds,
        r.index_bytes
    );
    println!(
        "  speed (one thread): top 100 {:.0} queries/s, p50 {:.3} ms, p95 {:.3} ms, p99 {:.3} ms",
        r.qps_single_thread, r.latency_ms.p50, r.latency_ms.p95, r.latency_ms.p99
    );
    println!(
        "                      top 10 {:.0} queries/s, p50 {:.3} ms, p95 {:.3} ms, p99 {:.3} ms",
        r.qps_single_thread_top10,
        r.latency_ms_top10.p50,
        r.latency_ms_top10.p95,
        r.latency_ms_top10.p99
    );
    if r.failed_documents > 0 {
        println!(
            "  {} corpus entries could not be ingested",
            r.failed_documents
        );
    }
    if r.skipped_queries > 0 {
        println!(
            "  {} judged queries are missing from queries.jsonl (not run)",
            r.skipped_queries
        );
    }
}

fn print_leads(r: &LeadsReport) {
    println!(
        "train {} ({} leads); eval {} ({} leads, {:.1} % won)",
        r.train,
        r.train_rows,
        r.eval,
        r.eval_rows,
        r.eval_positive_rate * 100.0
    );
    println!(
        "  model {:?} (selection ROC AUC: logistic {:.4}, trees {:.4} with {} trees; {} features)",
        r.model, r.selection_auc_logistic, r.selection_auc_trees, r.trees, r.features
    );
    println!(
        "  ROC AUC {:.4}  PR AUC {:.4}  lift@20% {:.2}  Brier {:.4}  training {:.2} s",
        r.roc_auc, r.pr_auc, r.lift_top_20pct, r.brier, r.train_seconds
    );
    for e in &r.excluded {
        println!("  left out: {} ({})", e.column, e.reason);
    }
    if r.rejected_rows > 0 {
        println!("  {} rows rejected for their shape", r.rejected_rows);
    }
}

fn print_intents(r: &IntentReport) {
    let optional = |v: Option<f64>| v.map_or_else(|| "n/a".into(), |v| format!("{v:.4}"));
    println!(
        "train {} ({} examples, {} out of scope, {} intents); eval {} ({} examples, {} out of scope)",
        r.train, r.train_examples, r.train_oos, r.intents, r.eval, r.eval_examples, r.eval_oos
    );
    println!(
        "  accuracy {:.4}  in-scope {:.4}  top-1 {:.4}  handed off {:.4}",
        r.accuracy, r.in_scope_accuracy, r.top1_accuracy, r.handoff_rate
    );
    println!(
        "  out of scope: recall {}  precision {}  AUROC {}  (threshold {:.4}, hand-off budget {})",
        optional(r.oos_recall),
        optional(r.oos_precision),
        optional(r.oos_auroc),
        r.threshold,
        r.max_handoff
    );
    println!("  calibration: ECE {:.4}", r.calibration_ece);
    println!(
        "  training {:.2} s (embedding {:.2} s, {} texts embedded{}); model load {:.2} s",
        r.train_seconds,
        r.embed_seconds,
        r.embedded_texts,
        if r.vectors_cache {
            ", vectors cache on"
        } else {
            ""
        },
        r.model_load_seconds
    );
    println!(
        "  per message: p50 {:.3} ms, p95 {:.3} ms, p99 {:.3} ms (classifier alone: p50 {:.3} ms)",
        r.predict_ms.p50, r.predict_ms.p95, r.predict_ms.p99, r.classify_ms.p50
    );
}

fn print_spam(r: &SpamReport) {
    println!(
        "{}: {} mails ({} spam), {}-fold cross-validation",
        r.dataset, r.mails, r.spam, r.folds
    );
    println!(
        "  accuracy {:.4}  precision {:.4}  recall {:.4}  false-positive rate {:.4} ({} hams marked spam, {} spams missed)",
        r.accuracy,
        r.precision,
        r.recall,
        r.false_positive_rate,
        r.false_positives,
        r.false_negatives
    );
    println!(
        "  training {:.2} s per fold; classification {:.0} mails/s on {} threads, {:.0} on one; parsing {:.0} mails/s",
        r.train_seconds,
        r.mails_per_second,
        r.threads,
        r.mails_per_second_one_thread,
        r.parse_mails_per_second
    );
    if let (Some(speed), Some(bytes)) = (r.mbox_mb_per_second, r.mbox_bytes) {
        println!(
            "  mbox parsing: {speed:.1} MB/s over {:.0} MB",
            bytes as f64 / 1e6
        );
    }
}

fn print_triage(r: &TriageReport) {
    let on = r.eval.as_deref().unwrap_or("held-out part");
    println!(
        "{}: trained on {} mails in {:.2} s, scored on {} unseen mails ({on})",
        r.dataset, r.train_mails, r.train_seconds, r.test_mails
    );
    print_triage_scores("held out", &r.held_out);
    if let Some(cv) = &r.cross_validation {
        print_triage_scores(&format!("{}-fold cross-validation", cv.folds), cv);
    }
    println!(
        "  classification {:.0} mails/s on {} threads",
        r.classify_mails_per_second, r.threads
    );
    if let (Some(speed), Some(bytes)) = (r.mbox_mb_per_second, r.mbox_bytes) {
        println!(
            "  mbox parsing: {speed:.1} MB/s over {:.0} MB",
            bytes as f64 / 1e6
        );
    }
}

fn print_triage_scores(title: &str, s: &levier_triage::CrossValidation) {
    println!(
        "  {title} ({} mails): category accuracy {:.3}, macro-F1 {:.3}, to review {:.1} %, accuracy when sure {:.3}",
        s.mails,
        s.category_accuracy,
        s.category_macro_f1,
        100.0 * s.to_review_share,
        s.accuracy_when_sure
    );
    for c in &s.per_category {
        println!(
            "    {:<22} precision {:.2}  recall {:.2}  ({} mails)",
            c.label, c.precision, c.recall, c.support
        );
    }
}

/// `levier bench load`: the report on stdout, then a failure if any error happened or a
/// node's memory grew, so that scripts/soak fails with it.
async fn load(args: crate::cli::LoadArgs) -> anyhow::Result<()> {
    let mut options = levier_bench::load::LoadOptions::new(args.urls, args.site_key, args.origin);
    options.agent_tokens = args.agent_tokens;
    if let Some(file) = &args.agent_tokens_file {
        let text = std::fs::read_to_string(file).map_err(|e| {
            coded(
                INPUT,
                format!("--agent-tokens-file {}: {e}", file.display()),
            )
        })?;
        let lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        options.agent_tokens.extend(lines.map(str::to_owned));
    }
    options.agents = args.agents.unwrap_or(0);
    options.conversations = args.conversations;
    options.duration = args.duration;
    options.ramp = args.ramp;
    options.think = args.think;
    options.agent_think = args.agent_think;
    options.agent_poll = args.agent_poll;
    options.handoff_share = args.handoff_share;
    options.pids = args.pids;
    options.sample_every = args.sample_every;
    options.seed = args.seed;
    let report = levier_bench::load::run(options).await.map_err(failure)?;
    if let Some(file) = &args.report {
        std::fs::write(file, serde_json::to_string_pretty(&report)?)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", file.display()))?;
    }
    show(&report, args.json, print_load)?;
    let failures = report.failures();
    if failures.is_empty() {
        return Ok(());
    }
    Err(coded(
        FAILURE,
        format!("load test failed: {}", failures.join("; ")),
    ))
}

fn print_load(r: &levier_bench::load::LoadReport) {
    let s = &r.summary;
    println!(
        "{} conversations and {} agents on {} node(s) for {:.0} s (ramp-up {:.0} s, {:.1} s with the last deliveries)",
        r.conversations,
        r.agents,
        r.nodes.len(),
        r.duration_secs,
        r.ramp_secs,
        r.elapsed_secs
    );
    println!(
        "  requests: {} ({:.1}/s); latency in ms",
        s.requests_total, s.requests_per_second
    );
    for (kind, q) in &s.requests {
        let l = &q.latency_ms;
        println!(
            "    {kind:<12} {:>8} {:>8.1}/s  p50 {:>7.1}  p95 {:>7.1}  p99 {:>7.1}  max {:>8.1}",
            q.count, q.per_second, l.p50, l.p95, l.p99, l.max
        );
    }
    for (kind, d) in &s.deliveries {
        let l = &d.latency_ms;
        println!(
            "  {kind} messages delivered: {} of {} ({} across nodes); p50 {:.1} ms, p95 {:.1}, p99 {:.1}, max {:.1}",
            d.delivered, d.expected, d.cross_node, l.p50, l.p95, l.p99, l.max
        );
    }
    let counts: Vec<String> = s.counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
    println!("  {}", counts.join(", "));
    println!("  errors: {}", s.errors.total);
    for (kind, e) in &s.errors.by_kind {
        println!("    {kind}: {} (e.g. {})", e.count, e.examples.join(" | "));
    }
    println!("  memory: {}", r.memory.rule);
    for n in &r.memory.nodes {
        let verdict = match n.flat {
            Some(true) => "flat",
            Some(false) => "GREW",
            None => "not judged",
        };
        println!(
            "    pid {}: first minute {:.1} MiB, last minute {:.1} MiB (x{:.2}, {:+.0} KiB/min), peak {:.1} MiB: {verdict}",
            n.pid,
            n.first_minute_kib as f64 / 1024.0,
            n.last_minute_kib as f64 / 1024.0,
            n.growth,
            n.slope_kib_per_minute,
            n.peak_kib as f64 / 1024.0
        );
    }
}

/// Progress and warnings on stderr (stdout is kept for the report); the store's and the
/// index's routine messages are left out unless `LEVIER_LOG` asks for them.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("LEVIER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,levier_bench=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        )
        .with_writer(std::io::stderr)
        .try_init();
}
