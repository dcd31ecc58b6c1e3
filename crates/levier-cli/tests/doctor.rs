//! `levier doctor`: it finds a search index that differs from the store (a document the index
//! still holds after the store lost it, an index directory damaged on disk, an index behind
//! the store), says so with exit code 7, and `--repair` puts it right; repairing refuses to run
//! beside a serving node.

#[allow(dead_code)]
mod support;

use support::{Running, Sandbox, WAIT, run};

/// Exit code of `levier doctor` when problems remain (exit.rs).
const UNHEALTHY: i32 = 7;
/// Exit code when another levier process holds the data directory (exit.rs).
const BUSY: i32 = 6;

fn demo() -> Sandbox {
    let sb = Sandbox::new();
    run(&mut sb.levier_data(["demo", "--load-only"])).success();
    sb
}

fn doctor(sb: &Sandbox, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let out = run(sb.levier_data(["doctor", "--json"]).args(args));
    let report = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("doctor printed no JSON ({e}): {out}"));
    (out.code, report)
}

/// Removes a document from the SQLite store behind the index's back (no change recorded),
/// as a bug or a hand-edited database would; returns its id.
async fn remove_behind_the_index(sb: &Sandbox) -> i64 {
    use sqlx::Row;
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}", sb.data_dir().join("levier.db").display());
    let db = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .expect("open the store");
    let id: i64 = sqlx::query("SELECT MIN(id) FROM documents")
        .fetch_one(&db)
        .await
        .expect("a document")
        .get(0);
    for sql in [
        "PRAGMA foreign_keys = ON",
        &format!("DELETE FROM documents WHERE id = {id}"),
    ] {
        sqlx::query(sql).execute(&db).await.expect(sql);
    }
    db.close().await;
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_the_store_lost_is_found_in_the_index_and_the_repair_removes_it() {
    let sb = demo();
    let (code, healthy) = doctor(&sb, &[]);
    assert_eq!(code, Some(0), "{healthy}");
    assert_eq!(healthy["store_problems"], serde_json::json!([]));
    assert_eq!(healthy["index"]["state"], "compared");
    assert!(
        healthy["index"]["chunks_in_index"].as_u64() > Some(100),
        "{healthy}"
    );

    let id = remove_behind_the_index(&sb).await;
    let (code, sick) = doctor(&sb, &[]);
    assert_eq!(code, Some(UNHEALTHY), "{sick}");
    assert_eq!(sick["index"]["stale"], serde_json::json!([id]), "{sick}");

    let (code, repaired) = doctor(&sb, &["--repair"]);
    assert_eq!(code, Some(0), "{repaired}");
    assert_eq!(repaired["index"]["stale"], serde_json::json!([]));
    let done = repaired["repaired"][0].as_str().unwrap_or_default();
    assert!(done.starts_with("search index rebuilt"), "{repaired}");
}

#[test]
fn a_damaged_index_directory_is_reported_and_rebuilt() {
    let sb = demo();
    let meta = sb
        .data_dir()
        .join("index")
        .join("lexical")
        .join("meta.json");
    std::fs::write(&meta, b"{ not json").expect("damage the index");
    let out = run(&mut sb.levier_data(["doctor"])).expect_code(UNHEALTHY);
    assert!(out.stdout.contains("search index: unreadable"), "{out}");
    assert!(out.stderr.contains("levier doctor --repair"), "{out}");

    let (code, repaired) = doctor(&sb, &["--repair"]);
    assert_eq!(code, Some(0), "{repaired}");
    assert_eq!(repaired["index"]["state"], "compared");
    assert_eq!(
        repaired["index"]["chunks_in_index"], repaired["index"]["chunks_expected"],
        "{repaired}"
    );
}

#[test]
fn an_index_behind_the_store_is_caught_up_and_a_serving_node_is_not_touched() {
    let sb = demo();
    let note = sb.join("note.md");
    std::fs::write(&note, "# Note de service\n\nLe portail ferme à 19 h.\n").expect("note");
    // Repairing rewrites the index: not while a node serves from it.
    let mut node = Running::spawn(&mut sb.levier_data(["serve", "--addr", "127.0.0.1:0"]));
    node.wait_for_stderr_line("levier is listening on http://", WAIT);
    let out = run(&mut sb.levier_data(["doctor", "--repair"])).expect_code(BUSY);
    assert!(out.stderr.contains("stop it first"), "{out}");
    node.kill();
    // An index left behind: the copy taken before the note was ingested.
    let stale_index = sb.join("index-copy");
    copy_dir(&sb.data_dir().join("index").join("lexical"), &stale_index);
    run(&mut sb.levier_data(["ingest", note.to_str().expect("path")])).success();
    std::fs::remove_dir_all(sb.data_dir().join("index").join("lexical")).expect("remove");
    copy_dir(&stale_index, &sb.data_dir().join("index").join("lexical"));

    let (code, behind) = doctor(&sb, &[]);
    assert_eq!(code, Some(0), "behind is not damage: {behind}");
    assert_eq!(behind["index"]["pending_documents"], 1, "{behind}");
    let (code, caught_up) = doctor(&sb, &["--repair"]);
    assert_eq!(code, Some(0), "{caught_up}");
    assert_eq!(caught_up["index"]["pending_documents"], 0, "{caught_up}");
    let done = caught_up["repaired"][0].as_str().unwrap_or_default();
    assert!(done.starts_with("search index caught up"), "{caught_up}");
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("create");
    for entry in std::fs::read_dir(from).expect("read").flatten() {
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
}
