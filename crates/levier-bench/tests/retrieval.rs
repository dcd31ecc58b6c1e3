//! The benchmark end to end on a tiny BEIR-layout set written for the test.

use levier_bench::retrieval::{self, Fusion, Mode, RetrievalOptions};
use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn tiny_set(dir: &Path) {
    write(
        dir,
        "corpus.jsonl",
        concat!(
            r#"{"_id": "d1", "title": "Congés payés", "text": "Chaque salarié acquiert 2,5 jours de congés payés par mois de travail effectif."}"#,
            "\n",
            r#"{"_id": "d2", "title": "Note de frais", "text": "Les notes de frais sont remboursées sur présentation des justificatifs, chaque fin de mois."}"#,
            "\n",
            r#"{"_id": "d3", "title": "", "text": "Delivery times: orders placed before noon ship the same day from the warehouse."}"#,
            "\n",
        ),
    );
    write(
        dir,
        "queries.jsonl",
        concat!(
            r#"{"_id": "q1", "text": "combien de jours de congés payés ?"}"#,
            "\n",
            r#"{"_id": "q2", "text": "remboursement des notes de frais"}"#,
            "\n",
            r#"{"_id": "q3", "text": "when do orders ship"}"#,
            "\n",
            r#"{"_id": "q4", "text": "not judged"}"#,
            "\n",
        ),
    );
    write(
        dir,
        "qrels/dev.tsv",
        "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq3\td3\t1\n",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn measures_a_tiny_set() {
    let tmp = tempfile::tempdir().expect("tmp");
    tiny_set(tmp.path());
    let report = retrieval::run(&RetrievalOptions {
        dataset: tmp.path().to_path_buf(),
        split: "dev".into(),
        limit_queries: None,
        run_file: None,
        mode: Mode::Lexical,
        fusion: Fusion::default(),
        model: None,
        vectors_cache: None,
    })
    .await
    .expect("bench runs");
    assert_eq!(report.queries, 3);
    assert_eq!(report.documents, 3);
    assert_eq!(report.failed_documents, 0);
    assert!(report.chunks >= 3);
    assert!((report.ndcg_at_10 - 1.0).abs() < 1e-9, "{report:?}");
    assert!((report.p_at_1 - 1.0).abs() < 1e-9);
    assert!((report.recall_at_100 - 1.0).abs() < 1e-9);
    assert!(report.index_bytes > 0);
    assert_eq!(report.mode, "lexical");

    let limited = retrieval::run(&RetrievalOptions {
        dataset: tmp.path().to_path_buf(),
        split: "dev".into(),
        limit_queries: Some(1),
        run_file: None,
        mode: Mode::Lexical,
        fusion: Fusion::default(),
        model: None,
        vectors_cache: None,
    })
    .await
    .expect("bench runs");
    assert_eq!(limited.queries, 1);
}

#[tokio::test]
async fn unknown_split_is_refused_before_indexing() {
    let tmp = tempfile::tempdir().expect("tmp");
    tiny_set(tmp.path());
    let err = retrieval::run(&RetrievalOptions {
        dataset: tmp.path().to_path_buf(),
        split: "test".into(),
        limit_queries: None,
        run_file: None,
        mode: Mode::Lexical,
        fusion: Fusion::default(),
        model: None,
        vectors_cache: None,
    })
    .await
    .expect_err("no test split");
    assert!(err.is_input());
    assert!(err.to_string().contains("available: dev"), "{err}");
}

#[tokio::test]
async fn dense_without_a_model_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    tiny_set(tmp.path());
    let err = retrieval::run(&RetrievalOptions {
        dataset: tmp.path().to_path_buf(),
        split: "dev".into(),
        limit_queries: None,
        run_file: None,
        mode: Mode::Hybrid,
        fusion: Fusion::Rrf,
        model: None,
        vectors_cache: None,
    })
    .await
    .expect_err("no model");
    assert!(err.is_input());
    assert!(err.to_string().contains("--model"), "{err}");
}
