//! End-to-end tests of `levier bench retrieval`: the real binary on a tiny BEIR-layout set
//! written in a temporary directory, checked from the outside (exit codes, messages, JSON).

#[allow(dead_code)]
mod support;

use support::{Sandbox, run};

/// The exit code for invalid input, documented in src/main.rs.
const INPUT: i32 = 5;

fn tiny_set(sb: &Sandbox) {
    let write = |name: &str, text: &str| {
        let path = sb.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write(
        "set/corpus.jsonl",
        concat!(
            r#"{"_id": "a", "title": "Congés payés", "text": "Chaque salarié acquiert 2,5 jours de congés par mois."}"#,
            "\n",
            r#"{"_id": "b", "title": "Delivery", "text": "Orders placed before noon ship the same day."}"#,
            "\n",
        ),
    );
    write(
        "set/queries.jsonl",
        "{\"_id\": \"q1\", \"text\": \"jours de congés\"}\n{\"_id\": \"q2\", \"text\": \"when do orders ship\"}\n",
    );
    write(
        "set/qrels/dev.tsv",
        "query-id\tcorpus-id\tscore\nq1\ta\t1\nq2\tb\t1\n",
    );
}

fn bench(sb: &Sandbox, extra: &[&str]) -> support::Output {
    let mut args = vec!["bench", "retrieval", "--dataset", "set", "--split", "dev"];
    args.extend_from_slice(extra);
    run(&mut sb.levier(args))
}

#[test]
fn prints_one_json_object_with_the_measures() {
    let sb = Sandbox::new();
    tiny_set(&sb);
    let out = bench(&sb, &["--mode", "lexical", "--json"]).success();
    let report = out.json();
    for key in [
        "ndcg_at_10",
        "recall_at_100",
        "mrr_at_10",
        "p_at_1",
        "queries",
        "index_seconds",
        "ingest_mb_per_second",
        "qps_single_thread",
        "index_bytes",
        "documents",
        "chunks",
    ] {
        assert!(report[key].is_number(), "{key} missing\n{out}");
    }
    for p in ["p50", "p95", "p99"] {
        assert!(report["latency_ms"][p].is_number(), "latency {p}\n{out}");
    }
    assert_eq!(report["mode"], "lexical");
    assert_eq!(report["queries"], 2);
    assert_eq!(report["ndcg_at_10"], 1.0, "{out}");
    assert!(
        !sb.data_dir().exists(),
        "works in a temporary data directory"
    );
}

#[test]
fn bad_input_is_explained_with_exit_code_5() {
    let sb = Sandbox::new();
    tiny_set(&sb);
    let out = bench(&sb, &["--mode", "dense"]).expect_code(INPUT);
    assert!(out.stderr.contains("needs an embedding model"), "{out}");
    let out = bench(&sb, &["--mode", "hybrid", "--model", "no-such-model"]).expect_code(INPUT);
    assert!(
        out.stderr.contains("no-such-model") && out.stderr.contains("levier models import"),
        "{out}"
    );

    let out = run(&mut sb.levier(["bench", "retrieval", "--dataset", "set", "--split", "test"]))
        .expect_code(INPUT);
    assert!(
        out.stderr.contains("unknown split 'test'") && out.stderr.contains("available: dev"),
        "{out}"
    );

    let out = run(&mut sb.levier([
        "bench",
        "retrieval",
        "--dataset",
        "missing",
        "--split",
        "dev",
    ]))
    .expect_code(INPUT);
    assert!(out.stderr.contains("missing not found"), "{out}");

    std::fs::write(
        sb.join("set/queries.jsonl"),
        "{\"_id\": \"q1\", \"text\": \"x\"}\n{\"_id\": \"q2\", \"text\": \n",
    )
    .expect("write");
    let out = bench(&sb, &[]).expect_code(INPUT);
    assert!(
        out.stderr.contains("queries.jsonl, line 2"),
        "names the file and line\n{out}"
    );
}
