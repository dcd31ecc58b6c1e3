//! What a call cost, as a value the caller records in the event log: KPIs (cost per answer,
//! tokens per day, latency) are computed from these events, never typed in.

use crate::llm::config::{Price, UseCase};
use crate::llm::redact::RedactionAudit;
use serde::Serialize;
use std::collections::BTreeMap;

/// Name of the event a call is recorded under.
pub const LLM_CALL_EVENT: &str = "llm_called";

/// What one call to a provider used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Usage {
    /// The model that answered.
    pub model: String,
    /// Whether it runs on the company's machines.
    pub local: bool,
    /// Prompt tokens, as the server counted them.
    pub prompt_tokens: u64,
    /// Completion tokens, as the server counted them.
    pub completion_tokens: u64,
    /// From sending the request to the last byte of the answer.
    pub latency_ms: u64,
    /// In the company's currency, when the model is in the price table.
    pub cost: Option<f64>,
}

impl Usage {
    /// Usage priced from `prices` (the model's entry, if any).
    pub(crate) fn priced(
        model: &str,
        local: bool,
        (prompt_tokens, completion_tokens): (u64, u64),
        latency_ms: u64,
        prices: &BTreeMap<String, Price>,
    ) -> Usage {
        let cost = prices.get(model).map(|p| {
            (prompt_tokens as f64 * p.prompt_per_million
                + completion_tokens as f64 * p.completion_per_million)
                / 1e6
        });
        Usage {
            model: model.to_owned(),
            local,
            prompt_tokens,
            completion_tokens,
            latency_ms,
            cost,
        }
    }

    /// Prompt and completion tokens together, as budgets count them.
    pub fn total_tokens(&self) -> u64 {
        self.prompt_tokens + self.completion_tokens
    }

    /// The payload of the [`LLM_CALL_EVENT`] event recording this call: its use, its usage and,
    /// when the prompt was redacted, what was replaced and the hash of what was sent.
    pub fn event_payload(
        &self,
        use_case: UseCase,
        audit: Option<&RedactionAudit>,
    ) -> serde_json::Value {
        let mut payload = serde_json::json!({
            "use_case": use_case.name(),
            "model": self.model,
            "local": self.local,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "latency_ms": self.latency_ms,
            "cost": self.cost,
        });
        if let Some(audit) = audit {
            payload["prompt_sha256"] = audit.prompt_sha256.clone().into();
            payload["redactions"] = serde_json::json!(audit.counts);
        }
        payload
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_comes_from_the_price_table_and_lands_in_the_payload() {
        let prices = BTreeMap::from([(
            "m".to_owned(),
            Price {
                prompt_per_million: 2.0,
                completion_per_million: 6.0,
            },
        )]);
        let usage = Usage::priced("m", false, (1_000, 500), 840, &prices);
        assert!((usage.cost.expect("priced") - 0.005).abs() < 1e-12);
        let payload = usage.event_payload(UseCase::EmailReplies, None);
        assert_eq!(payload["use_case"], "email_replies");
        assert_eq!(payload["completion_tokens"], 500);
        assert!(payload.get("prompt_sha256").is_none());
        let unpriced = Usage::priced("other", true, (1, 1), 1, &prices);
        assert_eq!(unpriced.cost, None);
    }
}
