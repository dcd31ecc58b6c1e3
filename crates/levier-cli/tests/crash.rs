//! A node killed with SIGKILL (as when its machine dies) loses nothing it acknowledged and
//! duplicates nothing, whatever it was doing: uploads being stored, the embedding task, chat
//! turns, an IMAP fetch. Each test runs the real `levier` on the default store (SQLite in the
//! data directory), kills it mid-work, restarts it, and checks the store, then `levier doctor`:
//! the search index and the vectors agree with the store.

#[allow(dead_code)]
mod support;

use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use support::cluster::{
    Cluster, ORIGIN, add_admin, admin_token, create_site, eventually, post_document,
    start_conversation, upload,
};
use support::{Running, Sandbox, run};

/// One node on SQLite, in the sandbox's directory `node`.
fn single_node() -> Cluster {
    Cluster {
        sb: Sandbox::new(),
        database_url: String::new(),
    }
}

/// The node's SQLite store, read-only, read beside the running node.
async fn store(cluster: &Cluster) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    let path = cluster.sb.join("node").join("levier.db");
    sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&format!("sqlite://{}?mode=ro", path.display()))
        .await
        .expect("open the node's store")
}

async fn count(db: &sqlx::AnyPool, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(db)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .get(0)
}

/// `levier doctor --json` on the node's data directory, once the node's index has caught up:
/// passes when the index holds exactly the store's passages and no vector is missing without
/// a task to compute it.
async fn doctor_finds_the_node_consistent(cluster: &Cluster) -> serde_json::Value {
    eventually(
        "levier doctor finding the index caught up and consistent",
        || async {
            let out = support::run(&mut cluster.levier("node", &["doctor", "--json"]));
            let report: serde_json::Value = serde_json::from_str(&out.stdout).ok()?;
            let index = &report["index"];
            (out.code == Some(0) && index["pending_documents"] == 0 && index["state"] == "compared")
                .then_some(report)
        },
    )
    .await
}

/// A node with an administrator, serving; returns it with its URL and an admin API token.
async fn serving_node(cluster: &Cluster) -> (Running, String, String) {
    add_admin(cluster, "node");
    let (node, url) = cluster.serve("node");
    let token = admin_token(&http(), &url, &url).await;
    (node, url, format!("Bearer {token}"))
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("HTTP client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_during_uploads_keeps_every_acknowledged_document_once() {
    let cluster = single_node();
    run(&mut cluster.levier("node", &["demo", "--load-only"])).success();
    let (mut node, url, bearer) = serving_node(&cluster).await;
    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    // Four clients upload one note after another until the node dies under them.
    let uploaders: Vec<_> = (0..4)
        .map(|client| {
            let (url, bearer, acknowledged) = (url.clone(), bearer.clone(), acknowledged.clone());
            tokio::spawn(async move {
                let http = http();
                for n in 0.. {
                    let title = format!("Consigne {client}-{n}");
                    let (content_type, body) = upload(
                        &format!("consigne-{client}-{n}.md"),
                        &format!("# {title}\n\nLa consigne {client}-{n} vaut pour l'entrepôt.\n"),
                    );
                    let sent = post_document(&http, &url, &bearer, (content_type, body)).await;
                    match sent {
                        Ok(r) if r.status().is_success() => {
                            acknowledged.lock().expect("lock").insert(title);
                        }
                        _ => return,
                    }
                }
            })
        })
        .collect();
    eventually("twenty uploads acknowledged", || async {
        (acknowledged.lock().expect("lock").len() >= 20).then_some(())
    })
    .await;
    node.kill();
    for uploader in uploaders {
        uploader.await.expect("uploader");
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();

    let (_node, _) = cluster.serve("node");
    let db = store(&cluster).await;
    let mut stored: BTreeMap<String, i64> = BTreeMap::new();
    for row in sqlx::query("SELECT title FROM documents WHERE title LIKE 'Consigne %'")
        .fetch_all(&db)
        .await
        .expect("documents")
    {
        *stored.entry(row.get(0)).or_default() += 1;
    }
    let lost: Vec<_> = acknowledged
        .iter()
        .filter(|t| !stored.contains_key(*t))
        .collect();
    assert!(lost.is_empty(), "acknowledged then lost: {lost:?}");
    let twice: Vec<_> = stored.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "stored twice: {twice:?}");
    let report = doctor_finds_the_node_consistent(&cluster).await;
    eprintln!(
        "killed during uploads: {} acknowledged, {} stored (the rest were in flight); doctor: {}",
        acknowledged.len(),
        stored.len(),
        report["index"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_during_the_embedding_task_resumes_it_and_every_passage_gets_one_vector() {
    let Some(model) = levier_ml::testing::model_dir() else {
        return;
    };
    let cluster = single_node();
    // The demo's documents first, then the model: the serving node finds every passage
    // without a vector and runs the embedding task.
    run(&mut cluster.levier("node", &["demo", "--load-only"])).success();
    let model = model.to_str().expect("a UTF-8 path");
    run(&mut cluster.levier("node", &["models", "import", model, "--name", "e5"])).success();
    run(&mut cluster.levier("node", &["models", "use", "e5"])).success();
    let (mut node, _) = cluster.serve("node");
    let db = store(&cluster).await;
    let task = "SELECT id, status, progress_done, attempts FROM tasks \
                WHERE kind = 'embeddings.build' ORDER BY id LIMIT 1";
    let id: i64 = eventually("the embedding task running halfway", || async {
        let row = sqlx::query(task).fetch_optional(&db).await.ok()??;
        (row.get::<String, _>(1) == "running" && row.get::<i64, _>(2) > 0).then(|| row.get(0))
    })
    .await;
    node.kill();
    let vectors_at_kill = count(&db, "SELECT COUNT(*) FROM chunk_vectors").await;

    let (_node, _) = cluster.serve("node");
    let attempts: i64 = eventually("the embedding task completed after the restart", || async {
        let row = sqlx::query(task).fetch_optional(&db).await.ok()??;
        (row.get::<String, _>(1) == "succeeded").then(|| row.get(3))
    })
    .await;
    assert!(
        attempts >= 2,
        "task {id} was not retaken: {attempts} attempt(s)"
    );
    let chunks = count(&db, "SELECT COUNT(*) FROM chunks").await;
    let passage_vectors = count(
        &db,
        "SELECT COUNT(DISTINCT chunk_id) FROM chunk_vectors WHERE kind = 0",
    )
    .await;
    let rows = count(&db, "SELECT COUNT(*) FROM chunk_vectors WHERE kind = 0").await;
    assert_eq!(passage_vectors, chunks, "passages without their vector");
    assert_eq!(rows, passage_vectors, "a passage embedded twice");
    let report = doctor_finds_the_node_consistent(&cluster).await;
    assert_eq!(report["vectors"]["missing"], 0, "{report}");
    eprintln!(
        "killed during embedding with {vectors_at_kill} vectors written; the task resumed \
         (attempt {attempts}) and ended with {chunks} passages, one vector each"
    );
}

/// A widget conversation's customer.
struct Customer {
    /// `/api/v1/widget/SITE_KEY`, on whichever node.
    widget: String,
    token: String,
}

impl Customer {
    async fn start(http: &reqwest::Client, url: &str, bearer: &str) -> Vec<Customer> {
        let widget = format!("/api/v1/widget/{}", create_site(http, url, bearer).await);
        let mut customers = Vec::new();
        for _ in 0..3 {
            customers.push(Customer {
                widget: widget.clone(),
                token: start_conversation(http, &format!("{url}{widget}")).await,
            });
        }
        customers
    }

    /// Writes a message with its client key through the node at `url`; the status, or
    /// `None` when the node is gone.
    async fn write(&self, http: &reqwest::Client, url: &str, key: &str) -> Option<u16> {
        let response = http
            .post(format!("{url}{}/messages", self.widget))
            .header("origin", ORIGIN)
            .header("x-conversation-token", &self.token)
            .json(&serde_json::json!({
                "text": format!("Quels sont vos délais de livraison ? ({key})"),
                "client_key": key
            }))
            .send()
            .await
            .ok()?;
        Some(response.status().as_u16())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_during_chats_keeps_each_acknowledged_message_once() {
    let cluster = single_node();
    run(&mut cluster.levier("node", &["demo", "--load-only"])).success();
    let (mut node, url, bearer) = serving_node(&cluster).await;
    let customers = Arc::new(Customer::start(&http(), &url, &bearer).await);
    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    let in_flight = Arc::new(Mutex::new(Vec::new()));
    let writers: Vec<_> = (0..customers.len())
        .map(|c| {
            let (customers, acknowledged, in_flight, url) = (
                customers.clone(),
                acknowledged.clone(),
                in_flight.clone(),
                url.clone(),
            );
            tokio::spawn(async move {
                let http = http();
                for n in 0.. {
                    let key = format!("c{c}-m{n}");
                    match customers[c].write(&http, &url, &key).await {
                        Some(201) => {
                            acknowledged.lock().expect("lock").insert(key);
                        }
                        Some(429) => tokio::time::sleep(std::time::Duration::from_secs(1)).await,
                        _ => {
                            in_flight.lock().expect("lock").push((c, key));
                            return;
                        }
                    }
                }
            })
        })
        .collect();
    eventually("a dozen chat turns acknowledged", || async {
        (acknowledged.lock().expect("lock").len() >= 12).then_some(())
    })
    .await;
    node.kill();
    for writer in writers {
        writer.await.expect("writer");
    }

    // After the restart each customer sends again what got no answer, with the same key.
    let (_node, url) = cluster.serve("node");
    let http = http();
    let resent = in_flight.lock().expect("lock").clone();
    for (c, key) in resent {
        let status = customers[c].write(&http, &url, &key).await;
        assert!(
            matches!(status, Some(200 | 201)),
            "resending {key}: {status:?}"
        );
    }
    let db = store(&cluster).await;
    let mut written: BTreeMap<String, i64> = BTreeMap::new();
    for row in sqlx::query("SELECT client_key FROM messages WHERE client_key LIKE 'c%-m%'")
        .fetch_all(&db)
        .await
        .expect("messages")
    {
        *written.entry(row.get(0)).or_default() += 1;
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    let lost: Vec<_> = acknowledged
        .iter()
        .filter(|k| !written.contains_key(*k))
        .collect();
    assert!(lost.is_empty(), "acknowledged then lost: {lost:?}");
    for (_, key) in in_flight.lock().expect("lock").iter() {
        assert_eq!(written.get(key), Some(&1), "the resent {key}");
    }
    let twice: Vec<_> = written.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "written twice: {twice:?}");
    eprintln!(
        "killed during chats: {} turns acknowledged, {} in flight resent, each stored once",
        acknowledged.len(),
        in_flight.lock().expect("lock").len()
    );
}

/// A throwaway dovecot (`scripts/imap-server`) whose mailbox is filled by writing mail files
/// into its Maildir, as a delivery agent does; `None` when dovecot is not installed (said
/// loudly; a failure under CI).
struct Mailbox {
    dir: tempfile::TempDir,
    url: String,
}

impl Mailbox {
    fn start() -> Option<Mailbox> {
        if !std::path::Path::new("/usr/sbin/dovecot").exists() {
            assert!(
                std::env::var("CI").is_err(),
                "dovecot-imapd must be installed in CI: the IMAP crash test would not run"
            );
            eprintln!("*** IMAP CRASH NOT TESTED: install dovecot-imapd ***");
            return None;
        }
        let dir = tempfile::tempdir().expect("dir");
        let script =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/imap-server");
        let out = std::process::Command::new(script)
            .arg("start")
            .arg(dir.path())
            .output()
            .expect("scripts/imap-server");
        let url = String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        assert!(
            out.status.success() && url.starts_with("imap://"),
            "scripts/imap-server: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(Mailbox { dir, url })
    }

    /// Delivers `count` distinct mails into the Maildir (owned by the mailbox's user).
    fn deliver(&self, count: usize) {
        use std::os::unix::fs::{MetadataExt, chown};
        let home = self.dir.path().join("home");
        let owner = std::fs::metadata(&home).expect("mail home");
        let maildir = home.join("levier").join("Maildir");
        for sub in ["", "cur", "new", "tmp"] {
            std::fs::create_dir_all(maildir.join(sub)).expect("Maildir");
        }
        for n in 0..count {
            let file = maildir.join("new").join(format!("{n}.crash.levier:2,"));
            let mail = format!(
                "From: Client {n} <client{n}@exemple.fr>\r\nTo: contact@ergolis.fr\r\n\
                 Subject: Commande {n} en retard\r\nMessage-ID: <crash-{n}@exemple.fr>\r\n\
                 Content-Type: text/plain; charset=utf-8\r\n\r\n\
                 Bonjour, ma commande {n} n'est toujours pas arrivée.\r\n"
            );
            std::fs::write(&file, mail).expect("deliver");
        }
        for entry in walk(&home.join("levier")) {
            chown(entry, Some(owner.uid()), Some(owner.gid())).expect("chown to the mail user");
        }
    }
}

impl Drop for Mailbox {
    fn drop(&mut self) {
        let script =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/imap-server");
        let _ = std::process::Command::new(script)
            .arg("stop")
            .arg(self.dir.path())
            .output();
    }
}

/// A directory and everything below it.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.path().is_dir() {
                out.extend(walk(&entry.path()));
            } else {
                out.push(entry.path());
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watcher_killed_during_an_imap_fetch_reads_every_mail_once_after_restart() {
    let Some(mailbox) = Mailbox::start() else {
        return;
    };
    const MAILS: usize = 150;
    mailbox.deliver(MAILS);
    let cluster = single_node();
    run(&mut cluster.levier("node", &["demo", "--load-only"])).success();
    let watch = |once: bool| {
        let mut cmd = cluster.levier("node", &["triage", "watch", "--imap", &mailbox.url]);
        if once {
            cmd.arg("--once");
        }
        cmd.env("LEVIER_IMAP_PASSWORD", "levier");
        cmd
    };
    let mut watcher = Running::spawn(&mut watch(false));
    let db = store(&cluster).await;
    let at_kill = eventually("the watcher halfway through the mailbox", || async {
        let n = count(&db, "SELECT COUNT(*) FROM mails WHERE source LIKE 'imap:%'").await;
        (n > 0).then_some(n)
    })
    .await;
    watcher.kill();
    assert!(
        at_kill < MAILS as i64,
        "all {MAILS} mails were read before the kill: make the mailbox larger"
    );

    run(&mut watch(true)).success();
    let fetched = "FROM mails WHERE source LIKE 'imap:%'";
    let mails = count(&db, &format!("SELECT COUNT(*) {fetched}")).await;
    let distinct = count(
        &db,
        &format!("SELECT COUNT(DISTINCT message_key) {fetched}"),
    )
    .await;
    let unsorted = count(
        &db,
        &format!("SELECT COUNT(*) {fetched} AND status = 'new'"),
    )
    .await;
    assert_eq!(
        (mails, distinct),
        (MAILS as i64, MAILS as i64),
        "each mail stored once"
    );
    assert_eq!(unsorted, 0, "mails neither routed nor set aside as spam");
    doctor_finds_the_node_consistent(&cluster).await;
    eprintln!(
        "killed the watcher after {at_kill} of {MAILS} mails; after restart: {mails}, each once"
    );
}
