//! Secrets never reach the logs: real `levier` processes at debug log level, given every kind of
//! secret levier handles, then used — a generative model's API key (in a file) that is sent to a
//! model, an SMTP password (in the environment), login passwords (a failed login included),
//! session cookies, an API token, a widget conversation's token, an IMAP password (in a file)
//! sent to a mail server that refuses it, and a PostgreSQL URL's password. None of them may
//! appear on stdout or stderr, nor in any file of the data directory (where passwords, sessions
//! and tokens are kept as hashes only).

#[allow(dead_code)]
mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use support::cluster::{
    ORIGIN, base_url, cookie, create_site, csrf_field, eventually, hits, post_document,
    start_conversation, upload,
};
use support::{Running, Sandbox, WAIT, run};

const ADMIN_EMAIL: &str = "ops@ergolis.test";
const PASSWORD: &str = "mot-de-passe-SECRET-7f3a";
const WRONG_PASSWORD: &str = "faux-mot-de-passe-SECRET-91c2";
const LLM_KEY: &str = "sk-llm-SECRET-4d5e6f";
const SMTP_PASSWORD: &str = "smtp-SECRET-a1b2c3";
const IMAP_PASSWORD: &str = "imap-SECRET-d4e5f6";
const PG_PASSWORD: &str = "pg-SECRET-0a9b8c";

/// A fake OpenAI-compatible server on loopback that refuses every call with 401 and keeps the
/// heads of the requests it got.
fn fake_model_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&heads);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            while reader.read_line(&mut head).is_ok_and(|n| n > 2) {}
            seen.lock().expect("heads").push(head);
            let body = r#"{"error":{"message":"invalid api key","type":"invalid_request_error"}}"#;
            let reply = format!(
                "HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = reader.get_mut().write_all(reply.as_bytes());
        }
    });
    (port, heads)
}

/// A fake IMAP server on loopback that refuses every login; returns its port and the lines it
/// got.
fn fake_imap_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let lines = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&lines);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut writer = stream.try_clone().expect("clone");
            let _ = writer.write_all(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n");
            for line in BufReader::new(stream).lines() {
                let Ok(line) = line else { break };
                seen.lock().expect("lines").push(line.clone());
                let tag = line.split_whitespace().next().unwrap_or("*").to_string();
                let upper = line.to_ascii_uppercase();
                let reply = if upper.contains("CAPABILITY") {
                    format!("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n")
                } else if upper.contains("LOGOUT") {
                    format!("* BYE\r\n{tag} OK bye\r\n")
                } else {
                    format!("{tag} NO [AUTHENTICATIONFAILED] Invalid credentials\r\n")
                };
                if writer.write_all(reply.as_bytes()).is_err() {
                    break;
                }
            }
        }
    });
    (port, lines)
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Asserts that none of `secrets` appears in `text`.
fn assert_no_secret(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "{what} shows the secret {secret:?}:\n{text}"
        );
    }
}

/// Asserts that no file under `dir` holds any of `secrets`, as bytes.
fn assert_no_secret_in_files(dir: &Path, secrets: &[&str]) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            assert_no_secret_in_files(&path, secrets);
            continue;
        }
        let mut bytes = Vec::new();
        if std::fs::File::open(&path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .is_err()
        {
            continue;
        }
        for secret in secrets {
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "{} holds the secret {secret:?}", path.display());
        }
    }
}

/// The configuration: a model for internal questions whose key is in a file, and an SMTP
/// server whose password is in the environment.
fn write_config(sb: &Sandbox, model_port: u16) -> std::path::PathBuf {
    let key_file = sb.join("llm-key");
    std::fs::write(&key_file, format!("{LLM_KEY}\n")).expect("key file");
    let config = format!(
        "[llm.internal_qa]\n\
         base_url = \"http://127.0.0.1:{model_port}/v1\"\n\
         model = \"test-model\"\n\
         api_key = {{ file = \"{}\" }}\n\
         local = true\n\
         \n\
         [smtp]\n\
         host = \"127.0.0.1\"\n\
         port = {}\n\
         security = \"none\"\n\
         username = \"support\"\n\
         password_env = \"LEVIER_TEST_SMTP_PASSWORD\"\n\
         from = \"Support Ergolis <support@ergolis.test>\"\n",
        key_file.display(),
        closed_port()
    );
    let path = sb.join("levier.toml");
    std::fs::write(&path, config).expect("config");
    path
}

/// Runs `levier ARGS…` with the configuration, at debug level, the SMTP password set.
fn levier(sb: &Sandbox, config: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = sb.levier_data(args);
    cmd.env("LEVIER_CONFIG", config)
        .env("LEVIER_LOG", "debug")
        .env("LEVIER_TEST_SMTP_PASSWORD", SMTP_PASSWORD);
    cmd
}

/// Creates the administrator with `levier user add --password-stdin`.
fn add_admin(sb: &Sandbox, config: &Path) {
    let mut add = levier(
        sb,
        config,
        &[
            "user",
            "add",
            ADMIN_EMAIL,
            "--name",
            "Ops",
            "--admin",
            "--password-stdin",
        ],
    );
    let mut child = add
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("levier user add");
    writeln!(child.stdin.take().expect("stdin"), "{PASSWORD}").expect("password");
    let out = child.wait_with_output().expect("levier user add");
    let added = [out.stdout, out.stderr]
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .join("\n");
    assert!(out.status.success(), "levier user add failed:\n{added}");
    assert_no_secret("levier user add", &added, &[PASSWORD]);
}

/// Everything an employee, a script and a visitor do with secrets; returns the secrets the
/// server handed out (session cookie, API token, conversation token).
async fn exercise(base: &str, model_heads: &Mutex<Vec<String>>) -> Vec<String> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = http
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("login page");
    let csrf = cookie(page.headers(), "levier_csrf");
    let login = |password: &'static str| {
        http.post(format!("{base}/login"))
            .header("cookie", format!("levier_csrf={csrf}"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("email", ADMIN_EMAIL),
                ("password", password),
            ])
            .send()
    };
    let failed = login(WRONG_PASSWORD).await.expect("failed login");
    assert_eq!(failed.status(), 401);
    let ok = login(PASSWORD).await.expect("login");
    assert_eq!(ok.status(), 303);
    let session = cookie(ok.headers(), "levier_session");
    let session_header = format!("levier_session={session}");
    let home = http
        .get(format!("{base}/"))
        .header("cookie", &session_header)
        .send()
        .await
        .expect("home")
        .text()
        .await
        .expect("home page");
    let session_csrf = csrf_field(&home);

    let created = http
        .post(format!("{base}/api/v1/tokens"))
        .header("cookie", &session_header)
        .header("x-csrf-token", &session_csrf)
        .json(&serde_json::json!({ "name": "script", "role": "admin" }))
        .send()
        .await
        .expect("token");
    assert_eq!(created.status(), 201);
    let created: serde_json::Value = created.json().await.expect("token JSON");
    let token = created["token"].as_str().expect("token").to_string();
    let bearer = format!("Bearer {token}");
    let me = http
        .get(format!("{base}/api/v1/me"))
        .header("authorization", &bearer)
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), 200);
    let me: serde_json::Value = me.json().await.expect("me JSON");

    share_a_document(&http, base, &bearer, me).await;
    // The generated answer calls the model with the key; the model refuses it.
    let answer = http
        .get(format!("{base}/search/answer?q=cong%C3%A9s%20pay%C3%A9s"))
        .header("authorization", &bearer)
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 200);
    eventually("the model is called", || async {
        let heads = model_heads.lock().expect("heads");
        (!heads.is_empty()).then_some(())
    })
    .await;
    drop(answer);
    let heads = model_heads.lock().expect("heads").join("\n");
    assert!(
        heads
            .to_ascii_lowercase()
            .contains(&format!("authorization: bearer {LLM_KEY}").to_ascii_lowercase()),
        "the model was not called with the key:\n{heads}"
    );

    let conversation = widget_conversation(&http, base, &bearer).await;
    vec![session, token, conversation]
}

/// Puts the caller in group `personnel` and uploads a document for it, then waits until the
/// server's index finds it.
async fn share_a_document(http: &reqwest::Client, base: &str, bearer: &str, me: serde_json::Value) {
    let group = http
        .post(format!("{base}/api/v1/groups"))
        .header("authorization", bearer)
        .json(&serde_json::json!({ "slug": "personnel", "name": "Personnel" }))
        .send()
        .await
        .expect("group");
    assert_eq!(group.status(), 201);
    let id = me["user"]["id"].as_i64().expect("user id");
    let joined = http
        .patch(format!("{base}/api/v1/users/{id}"))
        .header("authorization", bearer)
        .json(&serde_json::json!({ "groups": ["personnel"] }))
        .send()
        .await
        .expect("join");
    assert_eq!(joined.status(), 200);
    let (content_type, body) = upload(
        "conges.md",
        "# Congés\n\nLes congés payés se posent dans l'outil RH.\n",
    );
    let uploaded = post_document(http, base, bearer, (content_type, body))
        .await
        .expect("upload");
    assert_eq!(uploaded.status(), 201);
    eventually("the document is indexed", || async {
        (hits(http, base, bearer, "cong%C3%A9s").await > Some(0)).then_some(())
    })
    .await;
}

/// A site created through the API, and a conversation a visitor starts and writes in; returns
/// the conversation's token.
async fn widget_conversation(http: &reqwest::Client, base: &str, bearer: &str) -> String {
    let key = create_site(http, base, bearer).await;
    let conversation = start_conversation(http, &format!("{base}/api/v1/widget/{key}")).await;
    let said = http
        .post(format!("{base}/api/v1/widget/{key}/messages"))
        .header("origin", ORIGIN)
        .header("x-conversation-token", &conversation)
        .json(&serde_json::json!({ "text": "Bonjour, où en est ma commande ?" }))
        .send()
        .await
        .expect("message");
    assert!(said.status().is_success(), "{}", said.status());
    conversation
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_the_logs_or_the_data_dir_in_clear() {
    let sb = Sandbox::new();
    let (model_port, model_heads) = fake_model_server();
    let config = write_config(&sb, model_port);
    add_admin(&sb, &config);
    let mut outputs = Vec::new();

    let mut serve = Running::spawn(&mut levier(
        &sb,
        &config,
        &["serve", "--addr", "127.0.0.1:0"],
    ));
    let line = serve.wait_for_stderr_line("levier is listening on http://", WAIT);
    let handed_out = exercise(&base_url(&line), &model_heads).await;
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &serve.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    let status = serve.wait(WAIT);
    outputs.push(serve.finish(status));

    // The IMAP password, sent to a server that refuses it.
    let password_file = sb.join("imap-password");
    std::fs::write(&password_file, format!("{IMAP_PASSWORD}\n")).expect("password file");
    let (imap_port, imap_lines) = fake_imap_server();
    let imap = format!("imap://support@127.0.0.1:{imap_port}/INBOX");
    let watch = run(levier(
        &sb,
        &config,
        &["triage", "watch", "--imap", &imap, "--password-file"],
    )
    .arg(&password_file)
    .arg("--once"));
    assert_ne!(watch.code, Some(0), "the login was refused: {watch}");
    let got = imap_lines.lock().expect("lines").join("\n");
    assert!(
        got.contains(IMAP_PASSWORD),
        "the password was not sent: {got}\n{watch}"
    );
    outputs.push(watch);

    // A PostgreSQL URL whose server cannot be reached.
    let mut pg = levier(&sb, &config, &["serve", "--addr", "127.0.0.1:0"]);
    pg.env(
        "LEVIER_DATABASE_URL",
        format!(
            "postgres://levier:{PG_PASSWORD}@127.0.0.1:{}/levier",
            closed_port()
        ),
    );
    let pg = run(&mut pg);
    assert_ne!(pg.code, Some(0), "{pg}");
    outputs.push(pg);

    let mut secrets = vec![
        PASSWORD,
        WRONG_PASSWORD,
        LLM_KEY,
        SMTP_PASSWORD,
        IMAP_PASSWORD,
        PG_PASSWORD,
    ];
    secrets.extend(handed_out.iter().map(String::as_str));
    for out in &outputs {
        let text = format!("{}\n{}", out.stdout, out.stderr);
        assert_no_secret("a levier command's output", &text, &secrets);
    }
    let debug_lines = outputs
        .iter()
        .map(|o| o.stderr.lines().filter(|l| l.contains("DEBUG")).count())
        .sum::<usize>();
    assert!(debug_lines > 0, "the commands did not log at debug level");
    assert_no_secret_in_files(&sb.data_dir(), &secrets);
}
