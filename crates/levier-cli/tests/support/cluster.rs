//! Real `levier` nodes on a fresh PostgreSQL database, and what tests do with them over HTTP:
//! an administrator and its API token, uploads, live event streams, bounded polling.

use super::{Running, Sandbox, WAIT};
use reqwest::header::{HeaderMap, SET_COOKIE};
use sqlx::Connection;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The web page carrying the chat widget in this test.
pub const ORIGIN: &str = "https://www.ergolis.test";

/// The administrator this test creates, and its password.
pub const ADMIN: (&str, &str) = ("ops@ergolis.test", "relais-entre-deux-noeuds");

/// A fresh database named `levier_{name}_{pid}` on the test server (`LEVIER_TEST_POSTGRES_URL`,
/// which `scripts/test` sets), or `None` after saying so loudly; under CI its absence fails.
pub async fn fresh_database(name: &str) -> Option<String> {
    let Ok(url) = std::env::var("LEVIER_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("CI").is_err(),
            "LEVIER_TEST_POSTGRES_URL must be set in CI: the {name} test would not run"
        );
        eprintln!("*** {name} NOT TESTED: set LEVIER_TEST_POSTGRES_URL (scripts/test does) ***");
        return None;
    };
    let name = format!("levier_{name}_{}", std::process::id());
    sqlx::any::install_default_drivers();
    let mut admin = sqlx::AnyConnection::connect(&url).await.expect("connect");
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut admin)
        .await
        .expect("drop a leftover database");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create the test database");
    let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
    Some(format!("{base}/{name}"))
}

/// The nodes' common settings: the shared store and a short task lease, so a dead node's task
/// is retaken within seconds.
pub struct Cluster {
    pub sb: Sandbox,
    pub database_url: String,
}

impl Cluster {
    /// `levier --data-dir DIR ARGS…` as a node of the cluster; each node has its own data
    /// directory (its search index), the store is shared.
    pub fn levier(&self, dir: &str, args: &[&str]) -> std::process::Command {
        let mut cmd = self.sb.levier(["--data-dir"]);
        cmd.arg(self.sb.join(dir))
            .args(args)
            .env("LEVIER_DATABASE_URL", &self.database_url)
            .env("LEVIER_TASKS_LEASE_SECS", "2");
        cmd
    }

    /// Starts `levier serve` in `dir`; returns the process and its base URL.
    pub fn serve(&self, dir: &str) -> (Running, String) {
        let mut node = Running::spawn(&mut self.levier(dir, &["serve", "--addr", "127.0.0.1:0"]));
        let line = node.wait_for_stderr_line("levier is listening on http://", WAIT);
        (node, base_url(&line))
    }

    pub async fn sql(&self) -> sqlx::AnyPool {
        sqlx::any::AnyPoolOptions::new()
            .max_connections(2)
            .connect(&self.database_url)
            .await
            .expect("connect to the cluster's database")
    }
}

/// `http://HOST:PORT` from a line announcing it.
pub fn base_url(line: &str) -> String {
    let start = line.find("http://").expect("an address");
    line[start..]
        .split_whitespace()
        .next()
        .expect("address")
        .trim_end_matches('/')
        .to_string()
}

/// Polls `check` every 100 ms until it returns something, failing after [`WAIT`].
pub async fn eventually<T, F: Future<Output = Option<T>>>(
    what: &str,
    mut check: impl FnMut() -> F,
) -> T {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(Instant::now() < deadline, "{what}: not within {WAIT:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The value of cookie `name` among a response's `Set-Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> String {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .unwrap_or_else(|| panic!("no {name} cookie in {headers:?}"))
        .to_string()
}

/// The first hidden `_csrf` field of a page.
pub fn csrf_field(page: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = page.find(marker).expect("a _csrf field") + marker.len();
    let end = page[start..].find('"').expect("end of the field");
    page[start..start + end].to_string()
}

/// [`ADMIN`]'s API token: see [`token_of`].
pub async fn admin_token(http: &reqwest::Client, login_node: &str, other_node: &str) -> String {
    token_of(http, login_node, other_node, ADMIN, "admin").await
}

/// Logs `who` (e-mail, password) in through `login_node`'s form, then creates an API token
/// with `role` through `other_node` with that session: the session opened on one node is
/// valid on the other.
pub async fn token_of(
    http: &reqwest::Client,
    login_node: &str,
    other_node: &str,
    who: (&str, &str),
    role: &str,
) -> String {
    let page = http
        .get(format!("{login_node}/login"))
        .send()
        .await
        .expect("login page");
    let csrf = cookie(page.headers(), "levier_csrf");
    let login = http
        .post(format!("{login_node}/login"))
        .header("cookie", format!("levier_csrf={csrf}"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", who.0),
            ("password", who.1),
        ])
        .send()
        .await
        .expect("log in");
    assert_eq!(login.status(), 303, "login refused");
    let session = format!(
        "levier_session={}",
        cookie(login.headers(), "levier_session")
    );
    let home = http
        .get(format!("{other_node}/"))
        .header("cookie", &session)
        .send()
        .await
        .expect("home page on the other node");
    assert_eq!(
        home.status(),
        200,
        "the session is unknown to the other node"
    );
    let session_csrf = csrf_field(&home.text().await.expect("home page"));
    let token = http
        .post(format!("{other_node}/api/v1/tokens"))
        .header("cookie", &session)
        .header("x-csrf-token", session_csrf)
        .json(&serde_json::json!({ "name": "two nodes", "role": role }))
        .send()
        .await
        .expect("create a token");
    assert_eq!(token.status(), 201);
    let body: serde_json::Value = token.json().await.expect("token JSON");
    body["token"].as_str().expect("token").to_string()
}

/// Sends an upload made by [`upload`] or [`upload_to`] to the node at `url`.
pub async fn post_document(
    http: &reqwest::Client,
    url: &str,
    bearer: &str,
    (content_type, body): (String, Vec<u8>),
) -> reqwest::Result<reqwest::Response> {
    http.post(format!("{url}/api/v1/documents"))
        .header("authorization", bearer)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
}

/// What `bearer` finds for `q` (URL-encoded) through the node at `url`: the total of hits;
/// `None` when the node does not answer.
pub async fn hits(http: &reqwest::Client, url: &str, bearer: &str, q: &str) -> Option<u64> {
    let found: serde_json::Value = http
        .get(format!("{url}/api/v1/search?q={q}"))
        .header("authorization", bearer)
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    found["total"].as_u64()
}

/// A widget site for [`ORIGIN`] created through the API of the node at `url`; its key.
pub async fn create_site(http: &reqwest::Client, url: &str, bearer: &str) -> String {
    let site: serde_json::Value = http
        .post(format!("{url}/api/v1/sites"))
        .header("authorization", bearer)
        .json(&serde_json::json!({
            "name": "Boutique", "allowed_origins": [ORIGIN], "default_language": "fr"
        }))
        .send()
        .await
        .expect("create a site")
        .json()
        .await
        .expect("site JSON");
    site["site_key"].as_str().expect("site key").to_string()
}

/// Starts a widget conversation at `widget` (`…/api/v1/widget/SITE_KEY`) as a visitor of
/// [`ORIGIN`]; its token.
pub async fn start_conversation(http: &reqwest::Client, widget: &str) -> String {
    let started: serde_json::Value = http
        .post(format!("{widget}/conversations"))
        .header("origin", ORIGIN)
        .json(&serde_json::json!({}))
        .send()
        .await
        .expect("start a conversation")
        .json()
        .await
        .expect("conversation JSON");
    started["token"].as_str().expect("token").to_string()
}

/// A `multipart/form-data` upload of one Markdown file readable by the `personnel` group.
pub fn upload(name: &str, text: &str) -> (String, Vec<u8>) {
    upload_to("personnel", name, text)
}

/// A `multipart/form-data` upload of one Markdown file readable by `group`.
pub fn upload_to(group: &str, name: &str, text: &str) -> (String, Vec<u8>) {
    let boundary = "levier-two-nodes-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"group\"\r\n\r\n{group}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: text/markdown\r\n\r\n{text}\r\n--{boundary}--\r\n"
    );
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

/// An event stream read in the background into a shared string.
pub struct Stream {
    seen: Arc<Mutex<String>>,
    reader: tokio::task::JoinHandle<()>,
}

impl Stream {
    pub async fn open(request: reqwest::RequestBuilder) -> Stream {
        let mut response = request.send().await.expect("open the event stream");
        assert_eq!(response.status(), 200, "event stream refused");
        let seen = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&seen);
        let reader = tokio::spawn(async move {
            while let Ok(Some(chunk)) = response.chunk().await {
                sink.lock()
                    .expect("stream lock")
                    .push_str(&String::from_utf8_lossy(&chunk));
            }
        });
        Stream { seen, reader }
    }

    /// Waits until the stream carried `needle`.
    pub async fn wait_for(&self, needle: &str, what: &str) {
        eventually(what, || async {
            self.seen
                .lock()
                .expect("stream lock")
                .contains(needle)
                .then_some(())
        })
        .await;
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// Creates [`ADMIN`] (a member of `personnel`) with `levier user add --password-stdin`.
/// `dir` is the data directory the command runs in: any on PostgreSQL, the node's own on
/// SQLite.
pub fn add_admin(cluster: &Cluster, dir: &str) {
    add_user(cluster, dir, ADMIN, &["--admin", "--group", "personnel"]);
}

/// Creates the account `who` (e-mail, password) with `levier user add EMAIL --name …
/// OPTIONS… --password-stdin` in data directory `dir`.
pub fn add_user(cluster: &Cluster, dir: &str, who: (&str, &str), options: &[&str]) {
    use std::io::Write;
    let mut args = vec!["user", "add", who.0, "--name", "Test"];
    args.extend_from_slice(options);
    args.push("--password-stdin");
    let mut add = cluster
        .levier(dir, &args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("levier user add");
    writeln!(add.stdin.take().expect("stdin"), "{}", who.1).expect("write the password");
    let out = add.wait_with_output().expect("levier user add output");
    assert!(
        out.status.success(),
        "levier user add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
