//! The kinds of events levier records. KPIs are computed from these, never typed in.
//!
//! Each event is stored as its kind's name, a schema version and a JSON payload. A reader that
//! meets a kind or version it does not know keeps the raw payload instead of failing, so an
//! older binary can still read a log written by a newer one.

use crate::ids::{ConversationId, DocumentId, LeadId, MessageId, SiteId, TaskId, TicketId, UserId};
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
    /// An agent worked on a ticket: from opening its page to sending their reply (the
    /// handling-time KPI).
    AgentHandled {
        /// The ticket.
        ticket_id: TicketId,
        /// Milliseconds spent, capped (a page left open is not work).
        ms: i64,
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
    /// A lead entered the list (import, API, demo): the start of the time-to-contact clock.
    LeadCreated {
        /// The lead.
        lead_id: LeadId,
        /// Its acquisition channel (salon, site web…), for conversion by source.
        source: Option<String>,
    },
    /// A lead got a new score or tier (first scoring, or a retrained model moved it).
    LeadScored {
        /// The lead.
        lead_id: LeadId,
        /// Tier `A` to `D`.
        tier: String,
        /// Calibrated probability of conversion (or rule points scaled to 0–1 under rules).
        probability: f64,
        /// The model or rules version that scored it.
        model_version: String,
    },
    /// Someone from sales contacted the lead for the first time.
    LeadContacted {
        /// The lead.
        lead_id: LeadId,
    },
    /// A lead became a customer (won). Tier and source as they were, so conversion KPIs need
    /// no other table.
    LeadConverted {
        /// The lead.
        lead_id: LeadId,
        /// Its tier when it was won, if it had been scored.
        tier: Option<String>,
        /// Its acquisition channel.
        source: Option<String>,
    },
    /// A lead was lost.
    LeadLost {
        /// The lead.
        lead_id: LeadId,
        /// Its tier when it was lost, if it had been scored.
        tier: Option<String>,
        /// Its acquisition channel.
        source: Option<String>,
    },
    /// A mail reached the shared mailbox (import, IMAP): the e-mail volume KPI. Ids of mails
    /// are the store's row ids.
    MailReceived {
        /// The mail.
        mail_id: i64,
    },
    /// Triage decided a mail's category (the automation KPIs read the confidence).
    MailClassified {
        /// The mail.
        mail_id: i64,
        /// The category chosen.
        category: String,
        /// Its calibrated confidence, 0 to 1.
        confidence: f64,
        /// Below the threshold: a person must choose.
        to_review: bool,
    },
    /// A mail was routed to a team, agent or queue: its ticket was opened.
    MailRouted {
        /// The mail.
        mail_id: i64,
        /// The ticket opened for it.
        ticket_id: TicketId,
        /// Where it went (`queue:général`, `team:compta`, `agent:3`).
        target: String,
    },
    /// The sender was sent an acknowledgement.
    MailAcknowledged {
        /// The mail.
        mail_id: i64,
    },
    /// A person answered a mail for the first time (its ticket's first response).
    MailFirstReply {
        /// The mail.
        mail_id: i64,
        /// Milliseconds since the mail was received.
        after_ms: i64,
    },
    /// A mail's ticket was resolved.
    MailResolved {
        /// The mail.
        mail_id: i64,
        /// Milliseconds since the mail was received.
        after_ms: i64,
    },
    /// A person changed a mail's category (the triage error rate); the actor is who.
    MailReclassified {
        /// The mail.
        mail_id: i64,
        /// The category triage had given it.
        from: String,
        /// The category the person chose.
        to: String,
    },
    /// The spam filter set a mail aside.
    MailSpamCaught {
        /// The mail.
        mail_id: i64,
        /// The filter's probability of spam.
        probability: f64,
    },
    /// A person marked as spam a mail the filter had let through.
    MailSpamMissed {
        /// The mail.
        mail_id: i64,
    },
    /// A generative model was called: use, model, tokens, latency, cost and, for a redacted
    /// prompt, its hash and what was replaced. The payload is the one
    /// `levier_assist::llm::Usage::event_payload` writes (this crate cannot name it).
    LlmCalled(serde_json::Value),
    /// A generated answer was not shown (checks failed, provider down, slow, stopped…) and the
    /// extractive answer or a person took its place: `use_case`, `model`, `reason`, and where
    /// it happened.
    LlmFellBack(serde_json::Value),
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
            EventKind::AgentHandled { .. } => "agent_handled",
            EventKind::TicketResolved { .. } => "ticket_resolved",
            EventKind::TicketReopened { .. } => "ticket_reopened",
            EventKind::CsatGiven { .. } => "csat_given",
            EventKind::BotAnswerMarkedWrong { .. } => "bot_answer_marked_wrong",
            EventKind::BotAnswerHelpful { .. } => "bot_answer_helpful",
            EventKind::QuestionAsked { .. } => "question_asked",
            EventKind::AnswerRated { .. } => "answer_rated",
            EventKind::LeadCreated { .. } => "lead_created",
            EventKind::LeadScored { .. } => "lead_scored",
            EventKind::LeadContacted { .. } => "lead_contacted",
            EventKind::LeadConverted { .. } => "lead_converted",
            EventKind::LeadLost { .. } => "lead_lost",
            EventKind::MailReceived { .. } => "mail_received",
            EventKind::MailClassified { .. } => "mail_classified",
            EventKind::MailRouted { .. } => "mail_routed",
            EventKind::MailAcknowledged { .. } => "mail_acknowledged",
            EventKind::MailFirstReply { .. } => "mail_first_reply",
            EventKind::MailResolved { .. } => "mail_resolved",
            EventKind::MailReclassified { .. } => "mail_reclassified",
            EventKind::MailSpamCaught { .. } => "mail_spam_caught",
            EventKind::MailSpamMissed { .. } => "mail_spam_missed",
            EventKind::LlmCalled(_) => "llm_called",
            EventKind::LlmFellBack(_) => "llm_fell_back",
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
            EventKind::AgentHandled {
                ticket_id: TicketId(4),
                ms: 300_000,
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

    #[test]
    fn lead_kinds_round_trip_under_their_names() {
        let kinds = [
            EventKind::LeadCreated {
                lead_id: LeadId(1),
                source: Some("salon".into()),
            },
            EventKind::LeadScored {
                lead_id: LeadId(1),
                tier: "A".into(),
                probability: 0.625,
                model_version: "model-3".into(),
            },
            EventKind::LeadContacted { lead_id: LeadId(1) },
            EventKind::LeadConverted {
                lead_id: LeadId(1),
                tier: Some("A".into()),
                source: None,
            },
            EventKind::LeadLost {
                lead_id: LeadId(2),
                tier: None,
                source: Some("site web".into()),
            },
        ];
        for kind in kinds {
            assert_eq!(
                EventKind::from_stored(kind.name(), &kind.payload()),
                Some(kind)
            );
        }
        assert_eq!(
            EventKind::LeadContacted { lead_id: LeadId(9) }.payload()["lead_id"],
            9
        );
    }

    #[test]
    fn mail_kinds_round_trip_under_their_names() {
        let kinds = [
            EventKind::MailReceived { mail_id: 1 },
            EventKind::MailClassified {
                mail_id: 1,
                category: "livraison".into(),
                confidence: 0.625,
                to_review: false,
            },
            EventKind::MailRouted {
                mail_id: 1,
                ticket_id: TicketId(4),
                target: "queue:général".into(),
            },
            EventKind::MailAcknowledged { mail_id: 1 },
            EventKind::MailFirstReply {
                mail_id: 1,
                after_ms: 3_600_000,
            },
            EventKind::MailResolved {
                mail_id: 1,
                after_ms: 7_200_000,
            },
            EventKind::MailReclassified {
                mail_id: 1,
                from: "autre".into(),
                to: "facturation".into(),
            },
            EventKind::MailSpamCaught {
                mail_id: 2,
                probability: 0.875,
            },
            EventKind::MailSpamMissed { mail_id: 3 },
        ];
        for kind in kinds {
            assert_eq!(
                EventKind::from_stored(kind.name(), &kind.payload()),
                Some(kind)
            );
        }
        assert_eq!(
            EventKind::MailReceived { mail_id: 9 }.payload()["mail_id"],
            9
        );
    }
}
