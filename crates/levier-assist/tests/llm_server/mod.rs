//! A real llama.cpp server for the LLM tests: the binary and model `scripts/fetch-llm` caches
//! (or those named by `LEVIER_TEST_LLM_SERVER` and `LEVIER_TEST_LLM_MODEL`), started on a free
//! loopback port and stopped by its PID when the test ends. The real-server tests are opt-in
//! (`LEVIER_TEST_LLM=1`): building llama.cpp takes 12 minutes on two cores and the injection
//! suite 8 more, too much for every CI run. Without the opt-in, or without the files, a test
//! says so and passes; with the opt-in, missing files fail it.
#![allow(dead_code)] // Each test binary uses its part.

use levier_assist::llm::ProviderConfig;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The running server; killed on drop.
pub struct LlamaServer {
    child: Child,
    /// `http://127.0.0.1:PORT/v1`.
    pub base_url: String,
}

const SERVER_DIR: &str = "llm/llama-server-11434";
const MODEL_FILE: &str = "llm/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf";
/// Model name sent in requests (llama.cpp serves whatever it loaded, under any name).
pub const MODEL: &str = "qwen2.5-coder-0.5b-instruct-q4_k_m";
/// Longest wait for the model to load; it takes 3–5 s on two cores.
const READY_WITHIN: Duration = Duration::from_secs(180);

fn cache_dir() -> PathBuf {
    std::env::var_os("LEVIER_CACHE_DIR").map_or_else(
        || PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/levier"),
        PathBuf::from,
    )
}

fn located(var: &str, cached: PathBuf) -> Option<PathBuf> {
    std::env::var_os(var)
        .map(PathBuf::from)
        .or_else(|| cached.exists().then_some(cached))
}

impl LlamaServer {
    /// Starts the server and waits until `/health` says the model is loaded; `None` (after
    /// saying so) when the binary or model is absent outside CI.
    pub async fn start() -> Option<LlamaServer> {
        let binary = located(
            "LEVIER_TEST_LLM_SERVER",
            cache_dir().join(SERVER_DIR).join("llama-server"),
        );
        let model = located("LEVIER_TEST_LLM_MODEL", cache_dir().join(MODEL_FILE));
        if std::env::var_os("LEVIER_TEST_LLM").is_none() {
            eprintln!("SKIPPED: the real-server LLM tests run with LEVIER_TEST_LLM=1");
            return None;
        }
        let (Some(binary), Some(model)) = (binary, model) else {
            panic!(
                "LEVIER_TEST_LLM is set but there is no llama-server or model: run \
                 scripts/fetch-llm (or set LEVIER_TEST_LLM_SERVER and LEVIER_TEST_LLM_MODEL)"
            );
        };
        let port = free_port();
        let child = Command::new(&binary)
            .args(["-m"])
            .arg(&model)
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "-c",
                "4096",
                "-t",
                "2",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        let server = LlamaServer {
            child,
            base_url: format!("http://127.0.0.1:{port}/v1"),
        };
        server.wait_ready(port).await;
        Some(server)
    }

    async fn wait_ready(&self, port: u16) {
        let health = format!("http://127.0.0.1:{port}/health");
        let http = reqwest::Client::new();
        let deadline = tokio::time::Instant::now() + READY_WITHIN;
        while tokio::time::Instant::now() < deadline {
            if let Ok(r) = http.get(&health).send().await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("llama-server did not become ready on port {port}");
    }

    /// A local provider configuration for this server.
    pub fn config(&self) -> ProviderConfig {
        let mut config = ProviderConfig::new(&self.base_url, MODEL);
        config.local = true;
        config.max_tokens = 160;
        config.temperature = 0.0;
        // The test machine is shared: a slow answer is still an answer here.
        config.timeout_secs = 900;
        config.max_concurrent = 1;
        config
    }
}

impl Drop for LlamaServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serves `app` on a free loopback port (a stand-in provider); returns its API root.
pub async fn serve_on_loopback(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    format!("http://{addr}/v1")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free loopback port: {e}"))
}
