//! What the customer sees of a conversation: its visible messages, without the assistant's
//! decision records (scores and candidates are for agents).

use levier_store::support::{AuthorKind, Message};
use serde::Serialize;
use utoipa::ToSchema;

/// A message as the widget shows it. The text is plain text: the widget must insert it as
/// text, never as HTML.
#[derive(Debug, Serialize, ToSchema)]
pub struct WidgetMessage {
    /// Identifier, increasing (the `after` and `Last-Event-ID` cursor).
    pub id: i64,
    /// `customer`, `bot`, `agent` or `system`.
    pub author: String,
    /// The text.
    pub text: String,
    /// When it was written (milliseconds since the epoch).
    pub at: i64,
    /// A clarification's buttons (`entry_id`, `question`).
    #[schema(value_type = Vec<Object>)]
    pub options: Vec<serde_json::Value>,
    /// An answer's source (`title`, `link`).
    #[schema(value_type = Option<Object>)]
    pub source: Option<serde_json::Value>,
    /// The model that wrote the answer, for an answer written by a generative model (the
    /// customer is told so).
    pub generated: Option<String>,
}

impl WidgetMessage {
    /// The customer's view of `m`; `None` for an internal note.
    pub fn of(m: &Message) -> Option<WidgetMessage> {
        if m.internal {
            return None;
        }
        let bot = m.author_kind == AuthorKind::Bot;
        let options = match m.metadata.get("options") {
            Some(serde_json::Value::Array(options)) if bot => options.clone(),
            _ => Vec::new(),
        };
        let source = m
            .metadata
            .get("source")
            .filter(|s| bot && !s.is_null())
            .cloned();
        Some(WidgetMessage {
            id: m.id.0,
            author: m.author_kind.as_str().to_owned(),
            text: m.body.clone(),
            at: m.created_at.millis(),
            options,
            source,
            generated: m.metadata["generated"]["model"]
                .as_str()
                .filter(|_| bot)
                .map(str::to_owned),
        })
    }

    /// The customer's view as JSON, for event streams.
    pub fn json(m: &Message) -> Option<serde_json::Value> {
        WidgetMessage::of(m).and_then(|v| serde_json::to_value(v).ok())
    }
}
