//! Two nodes on one PostgreSQL store, as real `levier` processes on loopback:
//! - the node holding a task (the demo company's load) is killed with SIGKILL halfway, and the
//!   task completes on the other node, loading everything exactly once;
//! - a login on one node is valid on the other (sessions live in the store);
//! - a document uploaded through one node is found through the other (each node's index
//!   follows the store's change sequence); the delay is printed; a document of one access
//!   group is found by its members through either node, never by others;
//! - a customer on one node and an agent on the other see each other's messages live (the
//!   nodes relay conversation updates through PostgreSQL notifications).

#[allow(dead_code)]
mod support;

use sqlx::Row;
use std::time::{Duration, Instant};
use support::cluster::{
    Cluster, ORIGIN, Stream, add_admin, add_user, admin_token, base_url, create_site, eventually,
    fresh_database, hits, post_document, start_conversation, token_of, upload, upload_to,
};
use support::{Running, Sandbox, WAIT};

/// The demo load task as the store sees it: (id, status, lease owner, progress, attempts).
async fn demo_task(db: &sqlx::AnyPool) -> Option<(i64, String, Option<String>, i64, i64)> {
    let row = sqlx::query(
        "SELECT id, status, lease_owner, progress_done, attempts FROM tasks \
         WHERE kind = 'demo.load' ORDER BY id LIMIT 1",
    )
    .fetch_optional(db)
    .await
    .expect("read the tasks")?;
    Some((row.get(0), row.get(1), row.get(2), row.get(3), row.get(4)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_one_postgres_store() {
    let Some(database_url) = fresh_database("nodes").await else {
        return;
    };
    let cluster = Cluster {
        sb: Sandbox::new(),
        database_url,
    };
    let db = cluster.sql().await;

    // Node B serves the empty store; node A loads the demo company as a durable task, which
    // either node's worker may claim. The one holding it is killed halfway.
    let (mut b, mut url_b) = cluster.serve("b");
    let mut a = Running::spawn(&mut cluster.levier("a", &["demo", "--addr", "127.0.0.1:0"]));
    let (task, owner) = eventually("the demo load running halfway", || async {
        match demo_task(&db).await {
            Some((id, status, Some(owner), done, _)) if status == "running" && done > 0 => {
                Some((id, owner))
            }
            _ => None,
        }
    })
    .await;
    let pid: u32 = owner
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("lease owner {owner:?} names no process"));
    let killed_a = pid == a.id();
    assert!(
        killed_a || pid == b.id(),
        "task {task} held by {owner}, no node of this test"
    );
    let url_a;
    if killed_a {
        a.kill();
        eventually("the demo load finished by node B", || async {
            demo_task(&db)
                .await
                .filter(|t| t.1 != "running" && t.1 != "queued")
        })
        .await;
        (a, url_a) = cluster.serve("a");
    } else {
        b.kill();
        url_a = base_url(&a.wait_for_line("is served at http://", WAIT));
        (b, url_b) = cluster.serve("b");
    }
    let (_, status, _, _, attempts) = demo_task(&db).await.expect("the task");
    assert_eq!(
        status, "succeeded",
        "the task whose node died did not complete"
    );
    assert!(
        attempts >= 2,
        "the task was not retaken: {attempts} attempt(s)"
    );
    eprintln!(
        "killed node {} (pid {pid}) during the demo load; the other node completed it",
        if killed_a { "A" } else { "B" }
    );
    assert_loaded_once(&db, task).await;

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client");
    add_admin(&cluster, "cli");
    let token = admin_token(&http, &url_a, &url_b).await;
    let bearer = format!("Bearer {token}");
    search_across_nodes(&http, &bearer, &url_a, &url_b).await;
    groups_hold_across_nodes(&cluster, &http, &url_a, &url_b).await;
    chat_across_nodes(&http, &bearer, &url_a, &url_b, &db).await;

    // Behind nginx (deploy/nginx/levier.conf, round robin): the customer's requests and event
    // stream land on either node, and the agent answers from node A.
    let Some((_nginx, url_lb)) = nginx(&cluster, &url_a, &url_b) else {
        return;
    };
    chat_across_nodes(&http, &bearer, &url_lb, &url_a, &db).await;
    drop((a, b));
}

/// Debian's nginx running `deploy/nginx/levier.conf` in front of the two nodes, on a free
/// loopback port; `None` (said loudly) when nginx is not installed, which fails under CI.
/// One process (`master_process off`): killing it when the test ends leaves no worker behind.
fn nginx(cluster: &Cluster, url_a: &str, url_b: &str) -> Option<(Running, String)> {
    let binary = std::path::Path::new("/usr/sbin/nginx");
    if !binary.exists() {
        assert!(
            std::env::var("CI").is_err(),
            "nginx must be installed in CI (.ci/run does)"
        );
        eprintln!("*** NGINX NOT TESTED: apt-get install nginx ***");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let shipped = include_str!("../../../deploy/nginx/levier.conf");
    let site = shipped
        .replace(
            "    server 127.0.0.1:8081;\n    server 127.0.0.1:8082;\n",
            &format!(
                "    server {};\n    server {};\n",
                url_a.trim_start_matches("http://"),
                url_b.trim_start_matches("http://")
            ),
        )
        .replace("listen 8080;", &format!("listen 127.0.0.1:{port};"));
    assert_ne!(
        site, shipped,
        "the shipped configuration changed shape; update this test"
    );
    let prefix = cluster.sb.join("nginx");
    std::fs::create_dir_all(prefix.join("logs")).expect("nginx directory");
    let conf = prefix.join("nginx.conf");
    std::fs::write(
        &conf,
        format!(
            "daemon off;\nmaster_process off;\npid {dir}/nginx.pid;\nerror_log stderr;\n\
             events {{}}\nhttp {{\naccess_log off;\nclient_body_temp_path {dir}/body;\n\
             proxy_temp_path {dir}/proxy;\n{site}\n}}\n",
            dir = prefix.display()
        ),
    )
    .expect("write nginx.conf");
    let mut cmd = std::process::Command::new(binary);
    cmd.arg("-p").arg(&prefix).arg("-c").arg(&conf);
    let running = Running::spawn(&mut cmd);
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + WAIT;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nginx did not listen on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    Some((running, url))
}

/// The documents, accounts and FAQ entries in the store are exactly those the demo load
/// reports: the attempt killed halfway left nothing twice.
async fn assert_loaded_once(db: &sqlx::AnyPool, task: i64) {
    let result: String = sqlx::query("SELECT result FROM tasks WHERE id = $1")
        .bind(task)
        .fetch_one(db)
        .await
        .expect("task result")
        .get(0);
    let loaded: serde_json::Value = serde_json::from_str(&result).expect("result JSON");
    for table in ["documents", "users", "faq_entries"] {
        let n: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(db)
            .await
            .expect("count")
            .get(0);
        assert_eq!(
            Some(n),
            loaded[table].as_i64(),
            "{table} after the crash: {loaded}"
        );
    }
}

/// A document uploaded through node A is found through node B.
async fn search_across_nodes(http: &reqwest::Client, bearer: &str, url_a: &str, url_b: &str) {
    let (content_type, body) = upload(
        "protocole-zorglub.md",
        "# Protocole Zorglub\n\nLe protocole zorglub s'applique aux livraisons de nuit.\n",
    );
    let uploaded = post_document(http, url_a, bearer, (content_type, body))
        .await
        .expect("upload through node A");
    assert!(
        uploaded.status().is_success(),
        "upload: {}",
        uploaded.status()
    );
    let stored = Instant::now();
    eventually("the document found through node B", || async {
        (hits(http, url_b, bearer, "zorglub").await > Some(0)).then_some(())
    })
    .await;
    eprintln!(
        "uploaded through node A, found through node B after {} ms",
        stored.elapsed().as_millis()
    );
}

/// A document of the `rh` group uploaded through node A is found through node B by a member
/// of `rh`, and never by a member of `it` alone, through either node: access groups hold
/// whichever node's index answers.
async fn groups_hold_across_nodes(
    cluster: &Cluster,
    http: &reqwest::Client,
    url_a: &str,
    url_b: &str,
) {
    const RH: (&str, &str) = ("paie@ergolis.test", "fiches-de-paie-confidentielles");
    const IT: (&str, &str) = ("postes@ergolis.test", "imprimantes-et-postes");
    add_user(cluster, "cli", RH, &["--role", "member", "--group", "rh"]);
    add_user(cluster, "cli", IT, &["--role", "member", "--group", "it"]);
    let rh = format!(
        "Bearer {}",
        token_of(http, url_a, url_b, RH, "member").await
    );
    let it = format!(
        "Bearer {}",
        token_of(http, url_b, url_a, IT, "member").await
    );
    let (content_type, body) = upload_to(
        "rh",
        "grille-quetzal.md",
        "# Grille quetzal\n\nLa grille quetzal fixe les salaires de 2027.\n",
    );
    let uploaded = post_document(http, url_a, &rh, (content_type, body))
        .await
        .expect("upload through node A");
    assert!(
        uploaded.status().is_success(),
        "upload: {}",
        uploaded.status()
    );
    eventually("the rh document found through node B by rh", || async {
        (hits(http, url_b, &rh, "quetzal").await > Some(0)).then_some(())
    })
    .await;
    for url in [url_a, url_b] {
        assert_eq!(
            hits(http, url, &it, "quetzal").await,
            Some(0),
            "a member of it alone found the rh document through {url}"
        );
    }
}

/// A customer on node A and an agent on node B see each other's messages live.
async fn chat_across_nodes(
    http: &reqwest::Client,
    bearer: &str,
    url_a: &str,
    url_b: &str,
    db: &sqlx::AnyPool,
) {
    let widget = format!(
        "{url_a}/api/v1/widget/{}",
        create_site(http, url_a, bearer).await
    );
    let conversation = start_conversation(http, &widget).await;
    let customer = |method: reqwest::Method, path: &str| {
        http.request(method, format!("{widget}{path}"))
            .header("origin", ORIGIN)
            .header("x-conversation-token", &conversation)
    };
    let handoff = customer(reqwest::Method::POST, "/handoff")
        .send()
        .await
        .expect("handoff");
    assert_eq!(handoff.status(), 200);
    let widget_stream = Stream::open(customer(
        reqwest::Method::GET,
        &format!("/stream?token={conversation}"),
    ))
    .await;
    let inbox_stream = Stream::open(
        http.get(format!("{url_b}/api/v1/inbox/stream"))
            .header("authorization", bearer),
    )
    .await;

    let said = customer(reqwest::Method::POST, "/messages")
        .json(&serde_json::json!({ "text": "Ma commande ZX-4521 n'est pas arrivée" }))
        .send()
        .await
        .expect("the customer writes through node A");
    assert!(said.status().is_success(), "message: {}", said.status());
    inbox_stream
        .wait_for(
            "ZX-4521",
            "node B's inbox showing node A's customer message",
        )
        .await;

    let ticket: i64 = sqlx::query("SELECT id FROM tickets ORDER BY id DESC LIMIT 1")
        .fetch_one(db)
        .await
        .expect("the handed-off ticket")
        .get(0);
    let replied = http
        .post(format!("{url_b}/api/v1/tickets/{ticket}/reply"))
        .header("authorization", bearer)
        .json(&serde_json::json!({ "text": "Bonjour, je regarde depuis le second serveur." }))
        .send()
        .await
        .expect("the agent replies through node B");
    assert_eq!(replied.status(), 201);
    widget_stream
        .wait_for(
            "second serveur",
            "node A's widget showing node B's agent reply",
        )
        .await;
}
