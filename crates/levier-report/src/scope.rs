//! Which conversations a figure counts: all of them, those started on some websites (a
//! pilot's scope), those of one channel (the website's chat, or e-mail), or those of one team
//! or category. A conversation is placed by its first customer message (`message_received`
//! says its website; a conversation without one came by e-mail); its handoffs, tickets and
//! answers follow it. Teams and categories are not in the support events: the store says
//! which conversations belong to one ([`Picked`], resolved by [`crate::load::pick`]).

use crate::support::Dated;
use levier_core::event::EventKind;
use levier_core::ids::{ConversationId, MessageId, SiteId, TicketId, UserId};
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
    /// Conversations of one team or category; `None`: no such limit.
    pub picked: Option<Picked>,
}

/// The conversations and employees a team or category filter keeps.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Picked {
    /// Conversations whose ticket is of the category or handled by the team.
    pub conversations: HashSet<ConversationId>,
    /// Answer sources (`faq:12`) that put a conversation the assistant answered in the
    /// category (empty for a team: the assistant's answers belong to no team).
    pub sources: HashSet<String>,
    /// Employees of the team, for the adoption figures; `None`: everyone (a category filter).
    pub employees: Option<HashSet<UserId>>,
}

impl Picked {
    /// The conversations kept: those named, and those the assistant answered from a source
    /// of the category.
    fn conversations(&self, events: &[Dated]) -> HashSet<ConversationId> {
        let mut kept = self.conversations.clone();
        for e in events {
            if let EventKind::BotAnswered {
                conversation_id,
                source: Some(source),
                ..
            } = &e.kind
                && self.sources.contains(source)
            {
                kept.insert(*conversation_id);
            }
        }
        kept
    }

    /// Whether an employee's question or rating is counted.
    pub fn keeps_employee(&self, user: UserId) -> bool {
        self.employees.as_ref().is_none_or(|e| e.contains(&user))
    }
}

impl Scope {
    /// Whether it counts every conversation.
    pub fn is_everything(&self) -> bool {
        self.sites.is_empty() && self.channel == Channel::All && self.picked.is_none()
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
        let picked = self.picked.as_ref();
        events
            .into_iter()
            .filter(|e| kept.holds(&e.kind, picked))
            .collect()
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
        let picked = scope.picked.as_ref().map(|p| p.conversations(events));
        let is_picked = |c: &ConversationId| picked.as_ref().is_none_or(|p| p.contains(c));
        for e in events {
            match &e.kind {
                EventKind::MessageReceived {
                    conversation_id,
                    site_id,
                } if placed.insert(*conversation_id)
                    && scope.keeps(*site_id)
                    && is_picked(conversation_id) =>
                {
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

    fn holds(&self, kind: &EventKind, picked: Option<&Picked>) -> bool {
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
            EventKind::QuestionAsked { user_id, .. } | EventKind::AnswerRated { user_id, .. } => {
                picked.is_none_or(|p| p.keeps_employee(*user_id))
            }
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

    #[test]
    fn a_category_keeps_its_tickets_and_the_answers_from_its_faq_and_a_team_its_employees() {
        let dated = |ms, kind| Dated {
            at: Timestamp(ms),
            kind,
        };
        let received = |c| EventKind::MessageReceived {
            conversation_id: ConversationId(c),
            site_id: Some(SiteId(1)),
        };
        let answered = |c, source: &str| EventKind::BotAnswered {
            conversation_id: ConversationId(c),
            message_id: MessageId(c * 10),
            confidence: 0.9,
            source: Some(source.into()),
        };
        let events = vec![
            dated(1, received(1)),
            dated(2, received(2)),
            dated(3, received(3)),
            dated(4, answered(1, "faq:7")),
            dated(5, answered(2, "faq:8")),
            dated(
                6,
                EventKind::HandedOff {
                    conversation_id: ConversationId(3),
                    ticket_id: TicketId(30),
                    reason: "unsure".into(),
                },
            ),
            dated(
                7,
                EventKind::QuestionAsked {
                    user_id: UserId(1),
                    answered: true,
                },
            ),
            dated(
                8,
                EventKind::QuestionAsked {
                    user_id: UserId(2),
                    answered: false,
                },
            ),
        ];
        // Category "livraison": FAQ entry 7 is of it, and conversation 3's ticket.
        let category = Scope {
            picked: Some(Picked {
                conversations: HashSet::from([ConversationId(3)]),
                sources: HashSet::from(["faq:7".to_string()]),
                employees: None,
            }),
            ..Scope::default()
        };
        let kept: Vec<i64> = category
            .filter(events.clone())
            .iter()
            .map(|e| e.at.0)
            .collect();
        assert_eq!(kept, vec![1, 3, 4, 6, 7, 8]);
        // Team "compta": conversation 3's ticket, and employee 2.
        let team = Scope {
            picked: Some(Picked {
                conversations: HashSet::from([ConversationId(3)]),
                sources: HashSet::new(),
                employees: Some(HashSet::from([UserId(2)])),
            }),
            ..Scope::default()
        };
        let kept: Vec<i64> = team.filter(events).iter().map(|e| e.at.0).collect();
        assert_eq!(kept, vec![3, 6, 8]);
    }
}
