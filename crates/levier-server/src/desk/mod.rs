//! The server side of customer conversations, shared by the public widget and the agents'
//! inbox: the assistant's turn, the message fan-out, rate limits and service levels.

pub mod agent;
pub mod hub;
pub mod knowledge_base;
pub mod limits;
pub mod recover;
pub mod relay;
pub mod sla;
pub mod stream;
pub mod trial;
pub mod turn;

use crate::error::{ApiError, ApiResult};
use hub::Hub;
use levier_assist::hours::{BusinessHours, Lang};
use levier_assist::respond::Respond;
use levier_core::config::SupportConfig;
use levier_core::ids::ConversationId;
use levier_store::support::Conversation;
use limits::RateLimiter;
use std::net::IpAddr;
use std::sync::{Arc, RwLock};

/// Everything conversations need on this node besides the store.
pub struct Desk {
    /// Limits and service levels.
    pub config: SupportConfig,
    /// When people are at work (service levels, "an agent will reply on Monday").
    pub hours: BusinessHours,
    /// The assistant answering customers; `None` hands every message to a person. Replaced
    /// whole when it is retrained (the FAQ changed), so a message in flight finishes with the
    /// assistant it started with.
    assistant: RwLock<Option<Arc<dyn Respond>>>,
    /// Fan-out of committed messages to the open event streams.
    pub hub: Hub,
    /// Widget requests per visitor address.
    pub per_ip: RateLimiter<IpAddr>,
    /// Customer messages per conversation.
    pub per_conversation: RateLimiter<ConversationId>,
}

impl Desk {
    /// A desk with these settings, hours and assistant.
    pub fn new(
        config: &SupportConfig,
        hours: BusinessHours,
        assistant: Option<Arc<dyn Respond>>,
    ) -> Desk {
        Desk {
            config: config.clone(),
            hours,
            assistant: RwLock::new(assistant),
            hub: Hub::default(),
            per_ip: RateLimiter::per_minute(config.requests_per_minute_per_ip),
            per_conversation: RateLimiter::per_minute(config.messages_per_minute_per_conversation),
        }
    }
}

impl Desk {
    /// The assistant answering now, if any.
    pub fn assistant(&self) -> Option<Arc<dyn Respond>> {
        self.assistant
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Puts a (re)trained assistant in place.
    pub fn set_assistant(&self, assistant: Option<Arc<dyn Respond>>) {
        *self
            .assistant
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = assistant;
    }
}

/// The language customer-facing sentences are written in: English for `en…`, else French.
pub fn language(conversation: &Conversation) -> Lang {
    match conversation.language.as_deref() {
        Some(l) if l.to_ascii_lowercase().starts_with("en") => Lang::En,
        _ => Lang::Fr,
    }
}

/// A message's text as stored: control characters other than newline and tab removed
/// (carriage returns included: lines end with `\n`), refused when empty (400) or longer than
/// `max_bytes` (413), both naming `field`.
pub fn message_text(field: &str, text: &str, max_bytes: u64) -> ApiResult<String> {
    let text: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect();
    let text = text.trim();
    if text.is_empty() {
        return Err(ApiError::invalid_field(
            field,
            format!("{field}: the message is empty"),
        ));
    }
    if u64::try_from(text.len()).unwrap_or(u64::MAX) > max_bytes {
        return Err(ApiError::field_too_large(
            field,
            format!(
                "{field}: a message is at most {max_bytes} bytes; shorten it or send it in several parts"
            ),
        ));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_go_newlines_and_tabs_stay() {
        let text = message_text("text", " a\u{0}b\r\n\tc\u{1b}[31m ", 100).expect("text");
        assert_eq!(text, "ab\n\tc[31m");
        assert_eq!(
            message_text("text", " \u{7}\n ", 100)
                .expect_err("empty")
                .status,
            400
        );
        assert_eq!(
            message_text("text", "ééé", 5).expect_err("long").status,
            413
        );
    }
}
