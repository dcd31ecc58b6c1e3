//! `levier bench load` against two real `levier serve` nodes sharing one PostgreSQL store, as
//! scripts/soak runs it but short: customers on both nodes, agents on the other node, every
//! answer of the assistant and every agent's reply delivered on the customers' streams, no
//! error, and a report with the fields the soak's figures are read from. Nothing is timed:
//! speed is what the report measures, not what the test asserts.

#[allow(dead_code)]
mod support;

use sqlx::Row;
use std::time::{Duration, Instant};
use support::cluster::{Cluster, add_user, base_url, fresh_database, token_of};
use support::{Running, Sandbox, WAIT, run};

/// The page origin of the demo company's widget (its website in demo/company.toml).
const ORIGIN: &str = "https://www.ergolis.fr";

/// The agents of the run (e-mail, password).
const AGENTS: [(&str, &str); 2] = [
    ("agent1@load.test", "premier-agent-sous-charge"),
    ("agent2@load.test", "second-agent-sous-charge"),
];

/// Starts `levier serve` in `dir`; returns the process and its base URL. With the embedding
/// model when the test has one, so that the node's assistant answers from the FAQ; without
/// task workers, so that no embedding of the demo's documents competes with the load (the
/// assistant trains in the node itself).
fn serve(cluster: &Cluster, dir: &str) -> (Running, String) {
    let mut cmd = cluster.levier(dir, &["serve", "--addr", "127.0.0.1:0"]);
    cmd.env("LEVIER_TASKS_WORKERS", "0");
    if let Some(model) = std::env::var_os("LEVIER_TEST_MODEL_DIR") {
        let model = std::path::PathBuf::from(model);
        let name = model.file_name().expect("the model's directory name");
        cmd.env(
            "LEVIER_MODELS_DIR",
            model.parent().expect("models directory"),
        )
        .env("LEVIER_MODELS_EMBEDDING", name);
    }
    let mut node = Running::spawn(&mut cmd);
    let line = node.wait_for_stderr_line("levier is listening on http://", WAIT);
    (node, base_url(&line))
}

/// Waits until both nodes have trained their assistant on the FAQ (each records its training
/// as a task), so that the load starts with the assistant answering.
async fn assistants_trained(db: &sqlx::AnyPool, nodes: i64) {
    let deadline = Instant::now() + WAIT;
    loop {
        let trained: i64 = sqlx::query(
            "SELECT COUNT(*) FROM tasks WHERE kind = 'assistant.train' AND status = 'succeeded'",
        )
        .fetch_one(db)
        .await
        .expect("count the trainings")
        .get(0);
        if trained >= nodes {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "assistants not trained within {WAIT:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_carry_a_short_load_without_an_error() {
    let Some(database_url) = fresh_database("load").await else {
        return;
    };
    let cluster = Cluster {
        sb: Sandbox::new(),
        database_url,
    };
    // The load generator is the customers' proxy: each customer counts as its own visitor.
    std::fs::write(
        cluster.sb.join("levier.toml"),
        "[server]\ntrusted_proxies = [\"127.0.0.1\"]\n",
    )
    .expect("write levier.toml");
    run(&mut cluster.levier("loader", &["demo", "--load-only"])).success();
    for agent in AGENTS {
        add_user(&cluster, "loader", agent, &["--role", "agent"]);
    }
    let (a, url_a) = serve(&cluster, "a");
    let (b, url_b) = serve(&cluster, "b");
    let db = cluster.sql().await;
    if std::env::var_os("LEVIER_TEST_MODEL_DIR").is_some() {
        assistants_trained(&db, 2).await;
    }
    let site_key: String = sqlx::query("SELECT value FROM levier_meta WHERE key = 'demo.site_key'")
        .fetch_one(&db)
        .await
        .expect("the demo's site key")
        .get(0);
    let options = "bench load --conversations 20 --duration 10s --ramp 3s --think 1s \
                   --agent-think 200ms --agent-poll 300ms --handoff-share 0.5 --sample-every 1s --json";
    let mut args: Vec<String> = options.split_whitespace().map(String::from).collect();
    for (option, value) in [
        ("--url", url_a.as_str()),
        ("--url", url_b.as_str()),
        ("--site-key", site_key.as_str()),
        ("--origin", ORIGIN),
    ] {
        args.extend([option.to_string(), value.to_string()]);
    }
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client");
    let mut tokens = Vec::new();
    for agent in AGENTS {
        tokens.push(token_of(&http, &url_a, &url_b, agent, "agent").await);
    }
    clear_backlog(&http, &url_a, &tokens[0]).await;
    for token in tokens {
        args.extend(["--agent-token".to_string(), token]);
    }
    for node in [&a, &b] {
        args.extend(["--pid".to_string(), node.id().to_string()]);
    }
    let out = run(cluster.sb.levier(&args).env("LEVIER_LOG", "warn")).success();
    let report = out.json();
    eprintln!("{report:#}");
    assert_report(&report);
    drop((a, b));
}

/// Resolves the open tickets (the demo's mails) through the API before the run: in a run of
/// seconds, two agents would spend it on that backlog instead of the load's conversations.
async fn clear_backlog(http: &reqwest::Client, url: &str, token: &str) {
    let open: serde_json::Value = http
        .get(format!("{url}/api/v1/tickets?status=open&limit=1000"))
        .bearer_auth(token)
        .send()
        .await
        .expect("the inbox")
        .json()
        .await
        .expect("inbox JSON");
    for item in open.as_array().expect("inbox items") {
        let id = &item["ticket"]["id"];
        let resolved = http
            .post(format!("{url}/api/v1/tickets/{id}/resolve"))
            .bearer_auth(token)
            .send()
            .await
            .expect("resolve a ticket");
        assert_eq!(resolved.status(), 200, "resolving ticket {id}");
    }
}

/// No error; every message the customers were owed reached their streams, agents' replies
/// among them (some across nodes); the report carries its figures.
fn assert_report(report: &serde_json::Value) {
    assert_eq!(report["errors"]["total"], 0, "errors: {}", report["errors"]);
    for kind in ["assistant", "agent"] {
        let d = &report["deliveries"][kind];
        let expected = d["expected"].as_u64().expect("expected deliveries");
        assert!(expected > 0, "no {kind} message was expected: {d}");
        assert_eq!(d["delivered"], expected, "{kind} messages lost: {d}");
    }
    assert!(
        report["deliveries"]["agent"]["cross_node"].as_u64() > Some(0),
        "no agent reply crossed between the nodes"
    );
    for kind in [
        "start",
        "stream_open",
        "write",
        "inbox",
        "assign",
        "ticket",
        "reply",
    ] {
        let r = &report["requests"][kind];
        assert!(r["count"].as_u64() > Some(0), "no {kind} request: {report}");
        for p in ["p50", "p95", "p99", "max"] {
            assert!(r["latency_ms"][p].as_f64() > Some(0.0), "{kind} {p}: {r}");
        }
    }
    assert!(report["requests_per_second"].as_f64() > Some(0.0));
    let memory = &report["memory"];
    assert!(
        memory["rule"]
            .as_str()
            .is_some_and(|r| r.contains("median"))
    );
    assert_eq!(memory["nodes"].as_array().map(Vec::len), Some(2));
    for node in memory["nodes"].as_array().into_iter().flatten() {
        assert!(
            node["samples"].as_array().is_some_and(|s| s.len() >= 2),
            "{node}"
        );
        assert!(node["peak_kib"].as_u64() > Some(0), "{node}");
    }
}
