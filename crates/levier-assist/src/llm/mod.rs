//! Generative answers through any OpenAI-compatible chat-completions server (llama.cpp server,
//! Ollama, vLLM, Mistral, OpenAI), kept optional: levier answers without it, and nothing here
//! is shown to anyone unless it passes levier's own checks.
//!
//! - [`config`]: one provider configuration per use (assistant, internal Q&A, email replies,
//!   report summaries), read from the company's TOML.
//! - [`client`]: the HTTP client — retries with backoff, a concurrency limit, token budgets,
//!   streaming — returning [`Usage`] for the caller to record as an event ([`usage`]).
//! - [`redact`]: personal data replaced by placeholders before a call to a provider that is not
//!   local, restored in the answer, counted for the audit trail.
//! - [`grounded`]: a prompt made of retrieved passages treated as untrusted data, and the checks
//!   an answer must pass (citations exist and support it, no leaked instructions, the company's
//!   language) or the reason to fall back to the extractive answer or a person.

mod budget;
pub mod client;
pub mod config;
pub mod grounded;
mod injection;
pub mod redact;
mod retry;
mod secret;
mod sse;
pub mod usage;
mod wire;

pub use client::{Completion, CompletionStream, LlmClient, LlmError, StreamEvent};
pub use config::{ApiKeySource, LlmUses, Price, ProviderConfig, TokenBudget, UseCase};
pub use retry::RetryPolicy;
pub use usage::{LLM_CALL_EVENT, Usage};
pub use wire::{ChatMessage, Role};
