//! What the company configures for each use of a generative model: which server, which model,
//! how to authenticate, how much it may spend. Read from the `[llm.*]` sections of the
//! company's TOML; a use left out simply has no generative answers.

use crate::llm::retry::RetryPolicy;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The places levier may call a generative model, each configured on its own: a company may
/// want a local model for customers and a hosted one for internal report summaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UseCase {
    /// Answers to customers in the widget and the helpdesk.
    Assistant,
    /// Employees' questions on the internal search page.
    InternalQa,
    /// Drafts of replies to incoming email.
    EmailReplies,
    /// Prose summaries of KPI reports.
    ReportSummaries,
}

impl UseCase {
    /// The stable name recorded in events.
    pub fn name(self) -> &'static str {
        match self {
            UseCase::Assistant => "assistant",
            UseCase::InternalQa => "internal_qa",
            UseCase::EmailReplies => "email_replies",
            UseCase::ReportSummaries => "report_summaries",
        }
    }
}

/// The providers per use; `None` means no generative model for that use.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlmUses {
    /// For [`UseCase::Assistant`].
    pub assistant: Option<ProviderConfig>,
    /// For [`UseCase::InternalQa`].
    pub internal_qa: Option<ProviderConfig>,
    /// For [`UseCase::EmailReplies`].
    pub email_replies: Option<ProviderConfig>,
    /// For [`UseCase::ReportSummaries`].
    pub report_summaries: Option<ProviderConfig>,
}

impl LlmUses {
    /// The provider configured for `use_case`, if any.
    pub fn for_use(&self, use_case: UseCase) -> Option<&ProviderConfig> {
        match use_case {
            UseCase::Assistant => self.assistant.as_ref(),
            UseCase::InternalQa => self.internal_qa.as_ref(),
            UseCase::EmailReplies => self.email_replies.as_ref(),
            UseCase::ReportSummaries => self.report_summaries.as_ref(),
        }
    }
}

/// One OpenAI-compatible provider as used for one purpose. Holds where the API key is, never
/// the key itself, so it can be logged and shown on a settings page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    /// The API root, ending before `/chat/completions`: `http://127.0.0.1:8080/v1`,
    /// `http://localhost:11434/v1` (Ollama), `https://api.mistral.ai/v1`.
    pub base_url: String,
    /// The model name the server expects.
    pub model: String,
    /// Where the API key is; none for local servers that need no key.
    #[serde(default)]
    pub api_key: Option<ApiKeySource>,
    /// Longest wait for a whole non-streamed answer, or between two pieces of a stream.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
    /// Retries of refused or failed calls.
    #[serde(default)]
    pub retry: RetryPolicy,
    /// Calls in flight at once from this node: a small local server answers one or two at a
    /// time, and a hosted one enforces rate limits.
    #[serde(default = "default_max_concurrent")]
    pub max_concurrent: usize,
    /// Tokens the company allows; calls beyond are refused before they are made.
    #[serde(default)]
    pub budget: TokenBudget,
    /// Most tokens one answer may take.
    #[serde(default = "default_max_tokens")]
    pub max_tokens: u32,
    /// Sampling temperature; low, since answers restate passages.
    #[serde(default = "default_temperature")]
    pub temperature: f32,
    /// The model runs on the company's own machines: data does not leave.
    #[serde(default)]
    pub local: bool,
    /// Whether personal data is replaced by placeholders before the call. Always done for a
    /// provider that is not local, whatever this says; a local one may turn it off.
    #[serde(default = "default_redact")]
    pub redact: bool,
    /// Prices per model name, for the cost recorded with each call.
    #[serde(default)]
    pub prices: BTreeMap<String, Price>,
}

impl ProviderConfig {
    /// A configuration with the defaults, for `model` at `base_url`.
    pub fn new(base_url: &str, model: &str) -> ProviderConfig {
        ProviderConfig {
            base_url: base_url.to_owned(),
            model: model.to_owned(),
            api_key: None,
            timeout_secs: default_timeout_secs(),
            retry: RetryPolicy::default(),
            max_concurrent: default_max_concurrent(),
            budget: TokenBudget::default(),
            max_tokens: default_max_tokens(),
            temperature: default_temperature(),
            local: false,
            redact: default_redact(),
            prices: BTreeMap::new(),
        }
    }

    /// Whether prompts to this provider must be redacted: personal data never reaches a
    /// provider that is not local.
    pub fn redacts(&self) -> bool {
        !self.local || self.redact
    }
}

fn default_timeout_secs() -> u64 {
    60
}
fn default_max_concurrent() -> usize {
    2
}
fn default_max_tokens() -> u32 {
    400
}
fn default_temperature() -> f32 {
    0.1
}
fn default_redact() -> bool {
    true
}

/// Where an API key is read from: an environment variable or a file (a container secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ApiKeySource {
    /// The name of an environment variable, e.g. `MISTRAL_API_KEY`.
    Env(String),
    /// The path of a file holding the key (surrounding whitespace ignored).
    File(PathBuf),
}

/// Token limits; `None` means no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenBudget {
    /// Tokens (prompt and completion) per UTC day on this node.
    pub per_day: Option<u64>,
    /// Tokens per conversation: a customer looping on the widget cannot run the bill up.
    pub per_conversation: Option<u64>,
}

/// The price of a model, in the company's currency per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// Per million prompt tokens.
    pub prompt_per_million: f64,
    /// Per million completion tokens.
    pub completion_per_million: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_use_from_toml_with_defaults() {
        let uses: LlmUses = toml::from_str(
            r#"
            [internal_qa]
            base_url = "https://api.mistral.ai/v1"
            model = "mistral-small-latest"
            api_key = { env = "MISTRAL_API_KEY" }
            budget = { per_day = 200000 }
            prices = { "mistral-small-latest" = { prompt_per_million = 0.1, completion_per_million = 0.3 } }
            "#,
        )
        .expect("valid configuration");
        let qa = uses.for_use(UseCase::InternalQa).expect("configured");
        assert_eq!(
            qa.api_key,
            Some(ApiKeySource::Env("MISTRAL_API_KEY".into()))
        );
        assert_eq!(qa.budget.per_day, Some(200_000));
        assert_eq!(qa.budget.per_conversation, None);
        assert_eq!(qa.max_concurrent, 2);
        assert!(qa.redacts(), "a hosted provider is always redacted");
        assert!(uses.for_use(UseCase::Assistant).is_none());
    }

    #[test]
    fn only_a_local_provider_may_skip_redaction() {
        let mut config = ProviderConfig::new("http://127.0.0.1:8080/v1", "qwen");
        config.redact = false;
        assert!(config.redacts());
        config.local = true;
        assert!(!config.redacts());
    }
}
