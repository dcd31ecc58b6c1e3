//! `levier bench load`: many widget customers and a few agents at once against running
//! `levier serve` nodes, over HTTP as the widget and the inbox API are used; throughput,
//! latency percentiles, deliveries, errors by kind and the nodes' memory over time.
//!
//! Each simulated customer ([`customer`]) keeps one conversation going at a time: it starts
//! it, follows its event stream, asks questions from the company's FAQ with pauses between
//! them and checks that every answer the server says it wrote arrives on the stream; some
//! ask for a person and wait for an agent's reply there. Each agent ([`agent`]) polls the
//! inbox for unassigned tickets, claims one, reads it, replies and resolves it. Customers are
//! spread over the nodes and agents sit on the next node, so replies cross between nodes
//! (the relay through PostgreSQL). Anything but a success is an error counted by kind: a
//! refused request, a timeout, a broken stream, a message that never reached the customer.

mod agent;
mod customer;
mod follow;
mod memory;
mod record;
mod sse;

pub use memory::{GROWTH_ALLOWED, MemoryReport, NodeMemory, Sample};
pub use record::{DeliveryStats, ErrorKind, ErrorStats, RequestStats, Spread, Summary};

use crate::BenchError;
use rand::Rng;
use rand::rngs::StdRng;
use record::Recorder;
use reqwest::{RequestBuilder, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Longest wait for one request's whole response.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What to run.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The nodes' base URLs (`http://127.0.0.1:8081`): customers are spread over them, agents
    /// work on the node after their customers'.
    pub urls: Vec<String>,
    /// The widget's site key.
    pub site_key: String,
    /// The page origin the widget runs on (one of the site's allowed origins).
    pub origin: String,
    /// API tokens of agents (one per simulated agent), created beforehand.
    pub agent_tokens: Vec<String>,
    /// Agents working the inbox: the first this many tokens (0: one agent per token).
    pub agents: usize,
    /// Customers each holding one conversation at a time.
    pub conversations: usize,
    /// How long new questions are asked; the run then waits for what is still on its way.
    pub duration: Duration,
    /// Over how long the customers arrive, evenly, at the start.
    pub ramp: Duration,
    /// A customer's mean pause before each question (uniform in 0.5×–1.5×).
    pub think: Duration,
    /// An agent's mean time writing a reply.
    pub agent_think: Duration,
    /// How often an agent looks at the inbox.
    pub agent_poll: Duration,
    /// Share of conversations where the customer asks for a person (0 to 1).
    pub handoff_share: f64,
    /// Longest wait for a message to reach the customer's stream once written.
    pub delivery_timeout: Duration,
    /// Longest wait for an agent's reply after a handoff.
    pub reply_timeout: Duration,
    /// The nodes' processes, whose memory is sampled.
    pub pids: Vec<u32>,
    /// Interval between memory samples.
    pub sample_every: Duration,
    /// Seed of the customers' and agents' choices.
    pub seed: u64,
}

impl LoadOptions {
    /// Options as given on the command line, with the defaults of a ten-minute soak.
    pub fn new(urls: Vec<String>, site_key: String, origin: String) -> LoadOptions {
        LoadOptions {
            urls,
            site_key,
            origin,
            agent_tokens: Vec::new(),
            agents: 0,
            conversations: 500,
            duration: Duration::from_secs(600),
            ramp: Duration::from_secs(30),
            think: Duration::from_secs(15),
            agent_think: Duration::from_secs(1),
            agent_poll: Duration::from_secs(1),
            handoff_share: 0.2,
            delivery_timeout: Duration::from_secs(30),
            reply_timeout: Duration::from_secs(90),
            pids: Vec::new(),
            sample_every: Duration::from_secs(5),
            seed: 11,
        }
    }

    /// Refuses options that cannot work together; URLs lose their trailing slash.
    fn checked(mut self) -> Result<LoadOptions, BenchError> {
        let invalid = |why: String| Err(BenchError::LoadOptions(why));
        if self.urls.is_empty() {
            return invalid("give at least one node: --url http://HOST:PORT".into());
        }
        for url in &mut self.urls {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return invalid(format!("--url {url}: not an http:// or https:// URL"));
            }
            *url = url.trim_end_matches('/').to_owned();
        }
        if self.site_key.trim().is_empty() || self.origin.trim().is_empty() {
            return invalid("give the widget's --site-key and an --origin it allows".into());
        }
        if self.agent_tokens.is_empty() {
            return invalid("give at least one agent's API token (--agent-token)".into());
        }
        if self.agents > self.agent_tokens.len() {
            return invalid(format!(
                "--agents {} but {} agent token(s): each agent needs its own account's token",
                self.agents,
                self.agent_tokens.len()
            ));
        }
        if self.agents > 0 {
            self.agent_tokens.truncate(self.agents);
        }
        if self.conversations == 0 || self.duration.is_zero() {
            return invalid("--conversations and --duration must be above 0".into());
        }
        if !(0.0..=1.0).contains(&self.handoff_share) {
            return invalid(format!(
                "--handoff-share {}: a share between 0 and 1",
                self.handoff_share
            ));
        }
        self.ramp = self.ramp.min(self.duration / 2);
        Ok(self)
    }
}

/// What a load run measured.
#[derive(Debug, Clone, Serialize)]
pub struct LoadReport {
    /// The nodes, as given.
    pub nodes: Vec<String>,
    /// Customers holding a conversation at once.
    pub conversations: usize,
    /// Agents working the inbox.
    pub agents: usize,
    /// How long new questions were asked, in seconds.
    pub duration_secs: f64,
    /// The whole run, waiting for the last deliveries included, in seconds.
    pub elapsed_secs: f64,
    /// Over how long the customers arrived, in seconds.
    pub ramp_secs: f64,
    /// FAQ questions the customers drew from.
    pub questions: usize,
    /// Requests, deliveries, errors and counters.
    #[serde(flatten)]
    pub summary: Summary,
    /// The nodes' memory over the run.
    pub memory: MemoryReport,
}

impl LoadReport {
    /// Why the run failed, if it did: any error, or memory that grew.
    pub fn failures(&self) -> Vec<String> {
        let mut failures = Vec::new();
        if self.summary.errors.total > 0 {
            failures.push(format!("{} errors (must be 0)", self.summary.errors.total));
        }
        if self.memory.flat == Some(false) {
            failures.push(format!("a node's memory grew ({})", self.memory.rule));
        }
        failures
    }
}

/// Runs the load and reports; errors are counted, not returned: only options that cannot
/// work, or nodes that cannot be prepared for the run, stop it.
pub async fn run(options: LoadOptions) -> Result<LoadReport, BenchError> {
    let options = options.checked()?;
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .tcp_nodelay(true)
        .build()
        .map_err(|e| BenchError::LoadSetup(format!("HTTP client: {e}")))?;
    customer::check_site(&http, &options).await?;
    let agents = agent::identify(&http, &options).await?;
    let questions = customer::faq_questions(&http, &options).await?;
    let started = Instant::now();
    let ctx = Arc::new(Ctx {
        deadline: started + options.duration,
        http,
        questions,
        record: Recorder::default(),
        replies: Mutex::default(),
        customers_done: AtomicBool::new(false),
        options,
    });
    let sampler = tokio::spawn(sample_memory(Arc::clone(&ctx)));
    let agents: Vec<_> = agents
        .into_iter()
        .map(|a| tokio::spawn(agent::work(Arc::clone(&ctx), a)))
        .collect();
    let customers: Vec<_> = (0..ctx.options.conversations)
        .map(|i| tokio::spawn(customer::visit(Arc::clone(&ctx), i)))
        .collect();
    for task in customers {
        ctx.joined("customer", task.await);
    }
    ctx.customers_done.store(true, Ordering::Release);
    for task in agents {
        ctx.joined("agent", task.await);
    }
    let elapsed = started.elapsed();
    let memory = match sampler.await {
        Ok(sampler) => sampler.report(elapsed, ctx.options.ramp),
        Err(e) => {
            ctx.record.error("memory sampler", e.to_string());
            memory::Sampler::new(&[]).report(elapsed, ctx.options.ramp)
        }
    };
    Ok(LoadReport {
        nodes: ctx.options.urls.clone(),
        conversations: ctx.options.conversations,
        agents: ctx.options.agent_tokens.len(),
        duration_secs: ctx.options.duration.as_secs_f64(),
        elapsed_secs: elapsed.as_secs_f64(),
        ramp_secs: ctx.options.ramp.as_secs_f64(),
        questions: ctx.questions.len(),
        summary: ctx.record.summary(elapsed),
        memory,
    })
}

/// Samples the nodes' memory until the agents are done (the run's end).
async fn sample_memory(ctx: Arc<Ctx>) -> memory::Sampler {
    let mut sampler = memory::Sampler::new(&ctx.options.pids);
    loop {
        sampler.sample(&ctx.record);
        if ctx.customers_done.load(Ordering::Acquire) {
            return sampler;
        }
        tokio::time::sleep(ctx.options.sample_every).await;
    }
}

/// What every simulated person shares.
struct Ctx {
    http: reqwest::Client,
    options: LoadOptions,
    questions: Vec<String>,
    record: Recorder,
    /// When customers stop asking.
    deadline: Instant,
    /// Agents' replies by the customer's session key, for the customer to time their
    /// delivery and to tell a lost reply from one never written.
    replies: Mutex<HashMap<String, ReplySent>>,
    /// Set once every customer has finished: agents stop then.
    customers_done: AtomicBool,
}

/// An agent's reply to a customer's session.
struct ReplySent {
    at: Instant,
    node: usize,
    /// The server accepted it.
    confirmed: bool,
}

impl Ctx {
    /// Whether customers may still ask.
    fn running(&self) -> bool {
        Instant::now() < self.deadline
    }

    /// Sleeps a random time around `mean` (0.5× to 1.5×), not past the deadline; true when
    /// customers may still ask afterwards.
    async fn pause(&self, mean: Duration, rng: &mut StdRng) -> bool {
        let wanted = mean.mul_f64(rng.random_range(0.5..1.5));
        let left = self.deadline.saturating_duration_since(Instant::now());
        tokio::time::sleep(wanted.min(left)).await;
        self.running()
    }

    fn replies(&self) -> std::sync::MutexGuard<'_, HashMap<String, ReplySent>> {
        self.replies.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sends a request of `kind`, timed; a failure or a status other than 2xx is an error of
    /// that kind, and gives `None`.
    async fn send(&self, kind: &'static str, request: RequestBuilder) -> Option<Vec<u8>> {
        let started = Instant::now();
        let response = match request.timeout(REQUEST_TIMEOUT).send().await {
            Ok(r) => r,
            Err(e) => {
                self.record.error(failure(kind, &e), e.to_string());
                return None;
            }
        };
        let status = response.status();
        let body = match response.bytes().await {
            Ok(b) => b.to_vec(),
            Err(e) => {
                self.record.error(failure(kind, &e), e.to_string());
                return None;
            }
        };
        if !status.is_success() {
            let text = String::from_utf8_lossy(&body);
            self.record
                .error(format!("{kind}: HTTP {}", status.as_u16()), text);
            return None;
        }
        self.record.request(kind, started.elapsed());
        Some(body)
    }

    /// [`Ctx::send`], the response read as JSON.
    async fn json<T: DeserializeOwned>(
        &self,
        kind: &'static str,
        request: RequestBuilder,
    ) -> Option<T> {
        let body = self.send(kind, request).await?;
        serde_json::from_slice(&body)
            .map_err(|e| {
                let text = String::from_utf8_lossy(&body);
                self.record.error(
                    format!("{kind}: unexpected response"),
                    format!("{e}: {text}"),
                );
            })
            .ok()
    }

    /// A simulated person's task ended; a panic is an error.
    fn joined(&self, who: &str, result: Result<(), tokio::task::JoinError>) {
        if let Err(e) = result {
            self.record
                .error(format!("{who} task failed"), e.to_string());
        }
    }
}

/// The error kind of a request that got no response.
fn failure(kind: &str, e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "cannot connect"
    } else if e.is_body() || e.is_decode() {
        "response cut"
    } else {
        "transport"
    };
    format!("{kind}: {what}")
}

/// A request made while preparing the run: its JSON, or why the nodes are not ready.
async fn setup_json<T: DeserializeOwned>(
    request: RequestBuilder,
    what: &str,
) -> Result<T, BenchError> {
    let fail = |why: String| BenchError::LoadSetup(format!("{what}: {why}"));
    let response = request
        .timeout(REQUEST_TIMEOUT)
        .send()
        .await
        .map_err(|e| fail(e.to_string()))?;
    let status = response.status();
    let body = response.text().await.map_err(|e| fail(e.to_string()))?;
    if status != StatusCode::OK {
        return Err(fail(format!("HTTP {} {body}", status.as_u16())));
    }
    serde_json::from_str(&body).map_err(|e| fail(format!("{e}: {body}")))
}
