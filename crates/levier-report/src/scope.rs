//! Which conversations a figure counts: all of them, those started on some websites (a
//! pilot's scope), or those of one channel (the website's chat, or e-mail). A conversation
//! is placed by its first customer message (`message_received` says its website; a
//! conversation without one came by e-mail); its handoffs, tickets and answers follow it.

use crate::support::Dated;
use levier_core::event::EventKind;
use levier_core::ids::{ConversationId, MessageId, SiteId, TicketId};
use std::collections::HashSet;

/// Where conversations come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// Every channel.
    #[default]
    All,
    /// A website's chat widget.
    Widget,
    /// E-mail (conversations without a website).
    Email,
}

impl Channel {
    /// `all`, `widget` or `email`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Channel> {
        match text.trim() {
            "" | "all" => Some(Channel::All),
            "widget" => Some(Channel::Widget),
            "email" => Some(Channel::Email),
            _ => None,
        }
    }

    /// The name [`Channel::parse`] reads.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::All => "all",
            Channel::Widget => "widget",
            Channel::Email => "email",
        }
    }
}

/// The conversations a figure counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    /// Websites (none: any).
    pub sites: Vec<SiteId>,
    /// The channel.
    pub channel: Channel,
}

impl Scope {
    /// Whether it counts every conversation.
    pub fn is_everything(&self) -> bool {
        self.sites.is_empty() && self.channel == Channel::All
    }

    /// Whether a conversation started on `site` (none: by e-mail) is counted.
    fn keeps(&self, site: Option<SiteId>) -> bool {
        let channel = match self.channel {
            Channel::All => true,
            Channel::Widget => site.is_some(),
            Channel::Email => site.is_none(),
        };
        channel && (self.sites.is_empty() || site.is_some_and(|s| self.sites.contains(&s)))
    }

    /// The support events of the conversations counted, with the events of their tickets and
    /// answers; events of no conversation (employees' questions) pass through.
    pub fn filter(&self, events: Vec<Dated>) -> Vec<Dated> {
        if self.is_everything() {
            return events;
        }
        let kept = Kept::of(self, &events);
        events.into_iter().filter(|e| kept.holds(&e.kind)).collect()
    }
}

/// The conversations, tickets and answers a scope keeps.
#[derive(Default)]
struct Kept {
    conversations: HashSet<ConversationId>,
    tickets: HashSet<TicketId>,
    answers: HashSet<MessageId>,
}

impl Kept {
    /// Read in time order: a conversation's first message comes before its handoffs and
    /// answers.
    fn of(scope: &Scope, events: &[Dated]) -> Kept {
        let mut kept = Kept::default();
        let mut placed: HashSet<ConversationId> = HashSet::new();
        for e in events {
            match &e.kind {
                EventKind::MessageReceived {
                    conversation_id,
                    site_id,
                } if placed.insert(*conversation_id) && scope.keeps(*site_id) => {
                    kept.conversations.insert(*conversation_id);
                }
                EventKind::HandedOff {
                    conversation_id,
                    ticket_id,
                    ..
                } if kept.conversations.contains(conversation_id) => {
                    kept.tickets.insert(*ticket_id);
                }
                EventKind::BotAnswered {
                    conversation_id,
                    message_id,
                    ..
                } if kept.conversations.contains(conversation_id) => {
                    kept.answers.insert(*message_id);
                }
                _ => {}
            }
        }
        kept
    }

    fn holds(&self, kind: &EventKind) -> bool {
        match kind {
            EventKind::MessageReceived {
                conversation_id, ..
            }
            | EventKind::BotAnswered {
                conversation_id, ..
            }
            | EventKind::BotClarified {
                conversation_id, ..
            }
            | EventKind::HandedOff {
                conversation_id, ..
            }
            | EventKind::BotAnswerHelpful {
                conversation_id, ..
            } => self.conversations.contains(conversation_id),
            EventKind::AgentFirstResponse { ticket_id, .. }
            | EventKind::AgentHandled { ticket_id, .. }
            | EventKind::TicketResolved { ticket_id, .. }
            | EventKind::TicketReopened { ticket_id, .. }
            | EventKind::CsatGiven { ticket_id, .. } => self.tickets.contains(ticket_id),
            EventKind::BotAnswerMarkedWrong { message_id, .. } => self.answers.contains(message_id),
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use levier_core::Timestamp;

    #[test]
    fn a_site_scope_keeps_its_conversations_their_tickets_and_answers() {
        let at = |ms| Timestamp(ms);
        let conversation = |n| ConversationId(n);
        let events = vec![
            (
                1,
                EventKind::MessageReceived {
                    conversation_id: conversation(1),
                    site_id: Some(SiteId(7)),
                },
            ),
            (
                2,
                EventKind::MessageReceived {
                    conversation_id: conversation(2),
                    site_id: Some(SiteId(8)),
                },
            ),
            (
                3,
                EventKind::BotAnswered {
                    conversation_id: conversation(1),
                    message_id: MessageId(11),
                    confidence: 0.9,
                    source: None,
                },
            ),
            (
                4,
                EventKind::BotAnswered {
                    conversation_id: conversation(2),
                    message_id: MessageId(12),
                    confidence: 0.9,
                    source: None,
                },
            ),
            (
                5,
                EventKind::HandedOff {
                    conversation_id: conversation(1),
                    ticket_id: TicketId(21),
                    reason: "unsure".into(),
                },
            ),
            (
                6,
                EventKind::HandedOff {
                    conversation_id: conversation(2),
                    ticket_id: TicketId(22),
                    reason: "unsure".into(),
                },
            ),
            (
                7,
                EventKind::CsatGiven {
                    ticket_id: TicketId(21),
                    rating: 5,
                },
            ),
            (
                8,
                EventKind::CsatGiven {
                    ticket_id: TicketId(22),
                    rating: 1,
                },
            ),
            (
                9,
                EventKind::BotAnswerMarkedWrong {
                    message_id: MessageId(12),
                    user_id: levier_core::ids::UserId(1),
                },
            ),
            (
                10,
                EventKind::QuestionAsked {
                    user_id: levier_core::ids::UserId(1),
                    answered: true,
                },
            ),
        ];
        let events: Vec<Dated> = events
            .into_iter()
            .map(|(ms, kind)| Dated { at: at(ms), kind })
            .collect();
        let on_seven = Scope {
            sites: vec![SiteId(7)],
            ..Scope::default()
        };
        let kept: Vec<i64> = on_seven
            .filter(events.clone())
            .iter()
            .map(|e| e.at.0)
            .collect();
        assert_eq!(kept, vec![1, 3, 5, 7, 10]);
        assert_eq!(
            Scope::default().filter(events.clone()).len(),
            10,
            "no restriction"
        );
        let email = Scope {
            channel: Channel::Email,
            ..Scope::default()
        };
        let kept: Vec<i64> = email.filter(events).iter().map(|e| e.at.0).collect();
        assert_eq!(kept, vec![10], "both conversations came from a website");
    }
}
