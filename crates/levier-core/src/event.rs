//! The kinds of events levier records. KPIs are computed from these, never typed in.
//!
//! Each event is stored as its kind's name, a schema version and a JSON payload. A reader that
//! meets a kind or version it does not know keeps the raw payload instead of failing, so an
//! older binary can still read a log written by a newer one.

use crate::ids::{ConversationId, DocumentId, MessageId, SiteId, TaskId, TicketId, UserId};
use crate::role::Role;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Something that happened, with its typed details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum EventKind {
    /// An account was created.
    UserCreated {
        /// The new user.
        user_id: UserId,
        /// Their role.
        role: Role,
    },
    /// A document was stored or replaced by a new version.
    DocumentStored {
        /// The document.
        document_id: DocumentId,
        /// Its version after the change.
        version: i64,
        /// Its size in bytes.
        bytes: i64,
    },
    /// A document was removed.
    DocumentRemoved {
        /// The document.
        document_id: DocumentId,
    },
    /// A durable task reached a final state.
    TaskFinished {
        /// The task.
        task_id: TaskId,
        /// Its kind (e.g. `demo.load`).
        task_kind: String,
        /// `succeeded`, `failed` or `cancelled`.
        outcome: String,
        /// Attempts it took.
        attempts: i64,
    },
    /// The demo company was loaded into a data directory.
    DemoLoaded {
        /// Documents registered.
        documents: i64,
        /// FAQ entries loaded.
        faq_entries: i64,
        /// Leads loaded.
        leads: i64,
    },
    /// A backup of the store was written.
    BackupWritten {
        /// Size of the backup in bytes.
        bytes: i64,
    },
    /// A customer wrote in a support conversation (the volume KPI).
    MessageReceived {
        /// The conversation.
        conversation_id: ConversationId,
        /// The website it came from, for widget conversations.
        site_id: Option<SiteId>,
    },
    /// The assistant answered a customer from the knowledge (the automation-rate KPI).
    BotAnswered {
        /// The conversation.
        conversation_id: ConversationId,
        /// The answer.
        message_id: MessageId,
        /// The assistant's confidence, 0 to 1.
        confidence: f64,
        /// Where the answer came from (`faq:12`, a document link), when known.
        source: Option<String>,
    },
    /// The assistant asked the customer to clarify rather than guess.
    BotClarified {
        /// The conversation.
        conversation_id: ConversationId,
        /// The question asked back.
        message_id: MessageId,
        /// The assistant's confidence in its best guess, 0 to 1.
        confidence: f64,
    },
    /// A conversation was handed to people: a ticket was opened.
    HandedOff {
        /// The conversation.
        conversation_id: ConversationId,
        /// The ticket opened.
        ticket_id: TicketId,
        /// Why (`low_confidence`, `customer_asked`, `complaint`…).
        reason: String,
    },
    /// An agent answered a ticket's customer for the first time.
    AgentFirstResponse {
        /// The ticket.
        ticket_id: TicketId,
        /// Milliseconds since the ticket was opened.
        after_ms: i64,
        /// Whether it was before the first-response due instant, when one was set.
        within_sla: Option<bool>,
    },
    /// A ticket was resolved.
    TicketResolved {
        /// The ticket.
        ticket_id: TicketId,
        /// Milliseconds since the ticket was opened.
        after_ms: i64,
        /// Whether it was before the resolution due instant, when one was set.
        within_sla: Option<bool>,
    },
    /// A resolved or closed ticket was opened again.
    TicketReopened {
        /// The ticket.
        ticket_id: TicketId,
        /// True when the customer writing again reopened it, false when an agent did.
        by_customer: bool,
    },
    /// A customer rated how their ticket was handled.
    CsatGiven {
        /// The ticket.
        ticket_id: TicketId,
        /// 1 (very unhappy) to 5 (very happy).
        rating: i64,
    },
    /// An agent judged one of the assistant's answers wrong.
    BotAnswerMarkedWrong {
        /// The assistant's message.
        message_id: MessageId,
        /// The agent.
        user_id: UserId,
    },
    /// An employee asked a question of the internal search (the adoption KPIs).
    QuestionAsked {
        /// Who asked.
        user_id: UserId,
        /// Whether a passage answered it.
        answered: bool,
    },
    /// An employee said whether the answer to their question was useful.
    AnswerRated {
        /// Who rated.
        user_id: UserId,
        /// True when it was useful.
        useful: bool,
    },
    /// A customer said whether one of the assistant's answers helped (the confirmed
    /// self-service KPI); recorded again only when they change their mind.
    BotAnswerHelpful {
        /// The conversation.
        conversation_id: ConversationId,
        /// The assistant's message.
        message_id: MessageId,
        /// True when it helped.
        helpful: bool,
    },
}

impl EventKind {
    /// The stable name stored with the event, e.g. `task_finished`.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::UserCreated { .. } => "user_created",
            EventKind::DocumentStored { .. } => "document_stored",
            EventKind::DocumentRemoved { .. } => "document_removed",
            EventKind::TaskFinished { .. } => "task_finished",
            EventKind::DemoLoaded { .. } => "demo_loaded",
            EventKind::BackupWritten { .. } => "backup_written",
            EventKind::MessageReceived { .. } => "message_received",
            EventKind::BotAnswered { .. } => "bot_answered",
            EventKind::BotClarified { .. } => "bot_clarified",
            EventKind::HandedOff { .. } => "handed_off",
            EventKind::AgentFirstResponse { .. } => "agent_first_response",
            EventKind::TicketResolved { .. } => "ticket_resolved",
            EventKind::TicketReopened { .. } => "ticket_reopened",
            EventKind::CsatGiven { .. } => "csat_given",
            EventKind::BotAnswerMarkedWrong { .. } => "bot_answer_marked_wrong",
            EventKind::BotAnswerHelpful { .. } => "bot_answer_helpful",
            EventKind::QuestionAsked { .. } => "question_asked",
            EventKind::AnswerRated { .. } => "answer_rated",
        }
    }

    /// The schema version of this kind's payload; bumped when its fields change meaning.
    pub fn version(&self) -> i64 {
        1
    }

    /// The payload alone, as stored next to the name and version.
    pub fn payload(&self) -> serde_json::Value {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(mut map)) => {
                map.remove("data").unwrap_or(serde_json::Value::Null)
            }
            _ => serde_json::Value::Null,
        }
    }

    /// Rebuilds a typed event from its stored name and payload; `None` for an unknown kind.
    pub fn from_stored(name: &str, payload: &serde_json::Value) -> Option<EventKind> {
        let tagged = serde_json::json!({ "kind": name, "data": payload });
        serde_json::from_value(tagged).ok()
    }
}

/// An event about to be appended to the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// When it happened.
    pub at: Timestamp,
    /// Who caused it, when a person did.
    pub actor: Option<UserId>,
    /// What happened.
    pub kind: EventKind,
}

impl Event {
    /// An event happening now, caused by the system.
    pub fn now(kind: EventKind) -> Event {
        Event {
            at: Timestamp::now(),
            actor: None,
            kind,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_form_round_trips() {
        let kind = EventKind::TaskFinished {
            task_id: TaskId(7),
            task_kind: "demo.load".into(),
            outcome: "succeeded".into(),
            attempts: 1,
        };
        let payload = kind.payload();
        assert_eq!(payload["task_id"], 7);
        assert_eq!(EventKind::from_stored(kind.name(), &payload), Some(kind));
        assert_eq!(EventKind::from_stored("from_the_future", &payload), None);
    }

    #[test]
    fn support_kinds_round_trip_under_their_names() {
        let kinds = [
            EventKind::BotAnswered {
                conversation_id: ConversationId(1),
                message_id: MessageId(2),
                confidence: 0.75,
                source: Some("faq:3".into()),
            },
            EventKind::AgentFirstResponse {
                ticket_id: TicketId(4),
                after_ms: 60_000,
                within_sla: Some(true),
            },
            EventKind::BotAnswerMarkedWrong {
                message_id: MessageId(2),
                user_id: UserId(5),
            },
            EventKind::BotAnswerHelpful {
                conversation_id: ConversationId(1),
                message_id: MessageId(2),
                helpful: true,
            },
            EventKind::QuestionAsked {
                user_id: UserId(5),
                answered: false,
            },
            EventKind::AnswerRated {
                user_id: UserId(5),
                useful: true,
            },
        ];
        for kind in kinds {
            assert_eq!(
                EventKind::from_stored(kind.name(), &kind.payload()),
                Some(kind)
            );
        }
    }
}
