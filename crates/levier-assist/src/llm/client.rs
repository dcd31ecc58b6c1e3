//! The HTTP client of one provider for one use. Every call goes through the same gate: the
//! token budgets first (a refused call costs nothing), then a permit of the concurrency limit,
//! then the request with its retries; what it used comes back as [`Usage`].

use crate::llm::budget::BudgetLedger;
use crate::llm::config::ProviderConfig;
use crate::llm::retry::{is_retryable, parse_retry_after};
use crate::llm::secret::ApiKey;
use crate::llm::sse::{SseData, SseLines};
use crate::llm::usage::Usage;
use crate::llm::wire::{ChatChunk, ChatMessage, ChatRequest, ChatResponse, StreamOptions};
use futures_util::{Stream, StreamExt};
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Why a call gave no answer. Each says what to do; none carries the API key or the prompt.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// The configuration cannot work as written.
    #[error("LLM configuration: {0}")]
    Config(String),
    /// A token budget would be exceeded.
    #[error(
        "the {scope} token budget is spent ({used} of {limit} tokens): the call was not made; raise budget.per_{scope} or wait"
    )]
    BudgetExceeded {
        /// `day` or `conversation`.
        scope: &'static str,
        /// Tokens already spent in that scope.
        used: u64,
        /// The limit.
        limit: u64,
    },
    /// The server could not be reached, or stopped answering in time.
    #[error("the LLM server at {url} did not answer: {reason}")]
    Unreachable {
        /// The endpoint called.
        url: String,
        /// What went wrong (connection refused, timeout…).
        reason: String,
    },
    /// The server refused the call, after any retries.
    #[error("the LLM server answered HTTP {status}: {excerpt}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The beginning of its body, which usually says why.
        excerpt: String,
    },
    /// The server answered something that is not a chat completion.
    #[error("the LLM server's answer is not a chat completion: {0}")]
    Malformed(String),
    /// A streamed answer ended before its end marker.
    #[error("the LLM server's stream was cut before the end of the answer")]
    StreamCut,
    /// The caller ended the call before the answer was complete.
    #[error("the answer was interrupted: {0}")]
    Interrupted(&'static str),
}

impl LlmError {
    /// A short stable name for events and the agent's view: why no generated answer was shown.
    pub fn reason(&self) -> &'static str {
        match self {
            LlmError::Config(_) => "config",
            LlmError::BudgetExceeded { .. } => "budget",
            LlmError::Unreachable { .. } => "unreachable",
            LlmError::Refused { .. } => "refused",
            LlmError::Malformed(_) => "malformed",
            LlmError::StreamCut => "stream_cut",
            LlmError::Interrupted(why) => why,
        }
    }
}

/// A whole answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    /// The model's text.
    pub text: String,
    /// Why it stopped (`stop`, `length`…), as the server said.
    pub finish_reason: Option<String>,
    /// What it used.
    pub usage: Usage,
}

/// One piece of a streamed answer.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// More text.
    Delta(String),
    /// The end, with what the call used.
    Done(Usage),
}

/// A streamed answer; dropping it stops reading (the widget's stop button).
pub type CompletionStream = Pin<Box<dyn Stream<Item = Result<StreamEvent, LlmError>> + Send>>;

/// A provider's client, shared by every conversation of its use.
#[derive(Debug)]
pub struct LlmClient {
    config: ProviderConfig,
    endpoint: String,
    http: reqwest::Client,
    key: Option<ApiKey>,
    permits: Arc<Semaphore>,
    ledger: Arc<BudgetLedger>,
}

/// Characters per token assumed when estimating a prompt before sending it (budgets).
const CHARS_PER_TOKEN: u64 = 3;

impl LlmClient {
    /// A client for `config`; reads the API key now, so a missing one is found at start.
    pub fn new(config: ProviderConfig) -> Result<LlmClient, LlmError> {
        let key = config.api_key.as_ref().map(ApiKey::load).transpose()?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .read_timeout(Duration::from_secs(config.timeout_secs))
            .build()
            .map_err(|e| LlmError::Config(format!("cannot build the HTTP client: {e}")))?;
        let endpoint = format!("{}/chat/completions", config.base_url.trim_end_matches('/'));
        Ok(LlmClient {
            permits: Arc::new(Semaphore::new(config.max_concurrent.max(1))),
            ledger: Arc::new(BudgetLedger::new(config.budget)),
            endpoint,
            http,
            key,
            config,
        })
    }

    /// The configuration this client was built from.
    pub fn config(&self) -> &ProviderConfig {
        &self.config
    }

    /// Asks for a whole answer. `conversation` is the id budgets count against, if any.
    pub async fn complete(
        &self,
        messages: &[ChatMessage],
        conversation: Option<&str>,
    ) -> Result<Completion, LlmError> {
        self.check_budget(messages, conversation)?;
        let _permit = self.permit().await?;
        let started = Instant::now();
        let response = self.send(messages, false).await?;
        let body: ChatResponse = response
            .json()
            .await
            .map_err(|e| LlmError::Malformed(e.to_string()))?;
        let choice = body
            .choices
            .into_iter()
            .next()
            .ok_or_else(|| LlmError::Malformed("no choices".into()))?;
        let text = choice.message.content.unwrap_or_default();
        let tokens = body.usage.map_or_else(
            || estimate_tokens(messages, &text),
            |u| (u.prompt_tokens, u.completion_tokens),
        );
        let usage = self.meter().usage(tokens, started);
        self.ledger
            .record(conversation, usage.total_tokens(), today());
        Ok(Completion {
            text,
            finish_reason: choice.finish_reason,
            usage,
        })
    }

    /// Asks for an answer streamed piece by piece, ending with its [`Usage`]. Retries happen
    /// only before the first piece: a stream cut halfway ends with [`LlmError::StreamCut`].
    pub async fn stream(
        &self,
        messages: &[ChatMessage],
        conversation: Option<&str>,
    ) -> Result<CompletionStream, LlmError> {
        self.check_budget(messages, conversation)?;
        let permit = self.permit().await?;
        let started = Instant::now();
        let response = self.send(messages, true).await?;
        let state = StreamState {
            body: Box::pin(response.bytes_stream().map(|r| r.map(|b| b.to_vec()))),
            lines: SseLines::default(),
            queued: Vec::new(),
            text_chars: 0,
            server_usage: None,
            finished: false,
            prompt_estimate: estimate_tokens(messages, "").0,
            _permit: permit,
            started,
            conversation: conversation.map(str::to_owned),
            client: self.meter(),
        };
        Ok(Box::pin(futures_util::stream::unfold(state, next_event)))
    }

    fn check_budget(
        &self,
        messages: &[ChatMessage],
        conversation: Option<&str>,
    ) -> Result<(), LlmError> {
        let estimate = estimate_tokens(messages, "").0 + u64::from(self.config.max_tokens);
        self.ledger.check(conversation, estimate, today())
    }

    async fn permit(&self) -> Result<OwnedSemaphorePermit, LlmError> {
        self.permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| LlmError::Config("the client was shut down".into()))
    }

    /// Sends the request, retrying connection failures, 429 and 5xx as the policy says.
    async fn send(
        &self,
        messages: &[ChatMessage],
        stream: bool,
    ) -> Result<reqwest::Response, LlmError> {
        let request = ChatRequest {
            model: &self.config.model,
            messages,
            max_tokens: self.config.max_tokens,
            temperature: self.config.temperature,
            stream,
            stream_options: stream.then_some(StreamOptions {
                include_usage: true,
            }),
        };
        let mut retry = 0;
        loop {
            let failure = match self.attempt(&request, stream).await {
                Ok(response) => return Ok(response),
                Err(failure) => failure,
            };
            let wait = match failure.retry {
                Retry::Never => None,
                Retry::After(asked) => self.config.retry.delay(retry, asked),
            };
            match wait {
                Some(wait) => tokio::time::sleep(wait).await,
                None => return Err(failure.error),
            }
            retry += 1;
        }
    }

    /// One attempt; a failure says whether it may be retried.
    async fn attempt(
        &self,
        request: &ChatRequest<'_>,
        stream: bool,
    ) -> Result<reqwest::Response, Failure> {
        let mut builder = self.http.post(&self.endpoint).json(request);
        if !stream {
            builder = builder.timeout(Duration::from_secs(self.config.timeout_secs));
        }
        if let Some(key) = &self.key {
            builder = builder.bearer_auth(key.expose());
        }
        let response = builder.send().await.map_err(|e| Failure {
            error: self.unreachable(e),
            retry: Retry::After(None),
        })?;
        let status = response.status().as_u16();
        if response.status().is_success() {
            return Ok(response);
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, jiff::Timestamp::now()));
        let excerpt: String = response
            .text()
            .await
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect();
        Err(Failure {
            error: LlmError::Refused { status, excerpt },
            retry: if is_retryable(status) {
                Retry::After(retry_after)
            } else {
                Retry::Never
            },
        })
    }

    fn unreachable(&self, error: reqwest::Error) -> LlmError {
        LlmError::Unreachable {
            url: self.endpoint.clone(),
            reason: error.without_url().to_string(),
        }
    }

    fn meter(&self) -> Meter {
        Meter {
            model: self.config.model.clone(),
            local: self.config.local,
            prices: self.config.prices.clone(),
            ledger: self.ledger.clone(),
        }
    }
}

/// A failed attempt and whether to make another.
struct Failure {
    error: LlmError,
    retry: Retry,
}

enum Retry {
    /// The request itself is wrong (4xx other than 429): trying again changes nothing.
    Never,
    /// Worth another attempt, after the wait the server asked for, if any.
    After(Option<Duration>),
}

/// What a stream needs of its client once the call is made: pricing and the ledger.
struct Meter {
    model: String,
    local: bool,
    prices: std::collections::BTreeMap<String, crate::llm::config::Price>,
    ledger: Arc<BudgetLedger>,
}

impl Meter {
    fn usage(&self, tokens: (u64, u64), started: Instant) -> Usage {
        let latency_ms = started.elapsed().as_millis().try_into().unwrap_or(u64::MAX);
        Usage::priced(&self.model, self.local, tokens, latency_ms, &self.prices)
    }
}

struct StreamState {
    body: Pin<Box<dyn Stream<Item = reqwest::Result<Vec<u8>>> + Send>>,
    lines: SseLines,
    queued: Vec<StreamEvent>,
    text_chars: u64,
    server_usage: Option<(u64, u64)>,
    finished: bool,
    prompt_estimate: u64,
    /// Held until the stream is dropped: a streamed answer counts against the limit.
    _permit: OwnedSemaphorePermit,
    started: Instant,
    conversation: Option<String>,
    client: Meter,
}

/// The next event of a stream: queued deltas first, then more bytes, until `[DONE]`.
async fn next_event(
    mut state: StreamState,
) -> Option<(Result<StreamEvent, LlmError>, StreamState)> {
    loop {
        if !state.queued.is_empty() {
            let event = state.queued.remove(0);
            return Some((Ok(event), state));
        }
        if state.finished {
            return None;
        }
        match state.body.next().await {
            Some(Ok(bytes)) => {
                if let Err(e) = state.absorb(&bytes) {
                    state.finished = true;
                    return Some((Err(e), state));
                }
            }
            Some(Err(_)) | None => {
                state.finished = true;
                return Some((Err(LlmError::StreamCut), state));
            }
        }
    }
}

impl StreamState {
    /// Turns a piece of the body into queued events; the end marker queues the usage.
    fn absorb(&mut self, bytes: &[u8]) -> Result<(), LlmError> {
        for data in self.lines.push(bytes) {
            match data {
                SseData::Json(json) => self.absorb_chunk(&json)?,
                SseData::Done => self.finish(),
            }
        }
        Ok(())
    }

    fn absorb_chunk(&mut self, json: &str) -> Result<(), LlmError> {
        let chunk: ChatChunk =
            serde_json::from_str(json).map_err(|e| LlmError::Malformed(e.to_string()))?;
        if let Some(u) = chunk.usage {
            self.server_usage = Some((u.prompt_tokens, u.completion_tokens));
        }
        for choice in chunk.choices {
            if let Some(text) = choice.delta.content.filter(|t| !t.is_empty()) {
                self.text_chars += text.chars().count() as u64;
                self.queued.push(StreamEvent::Delta(text));
            }
        }
        Ok(())
    }

    fn finish(&mut self) {
        let tokens = self.server_usage.unwrap_or((
            self.prompt_estimate,
            self.text_chars.div_ceil(CHARS_PER_TOKEN),
        ));
        let usage = self.client.usage(tokens, self.started);
        self.client
            .ledger
            .record(self.conversation.as_deref(), usage.total_tokens(), today());
        self.queued.push(StreamEvent::Done(usage));
        self.finished = true;
    }
}

/// Prompt and completion tokens estimated from their length, for budgets before a call and
/// for servers that report no usage.
fn estimate_tokens(messages: &[ChatMessage], completion: &str) -> (u64, u64) {
    let prompt: usize = messages.iter().map(|m| m.content.chars().count()).sum();
    let completion = completion.chars().count() as u64;
    (
        (prompt as u64).div_ceil(CHARS_PER_TOKEN),
        completion.div_ceil(CHARS_PER_TOKEN),
    )
}

fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}
