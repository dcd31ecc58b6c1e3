//! The support assistant's records: websites carrying the chat widget ([`sites`]), customer
//! conversations ([`conversations`]) and their messages ([`messages`]), tickets for what is
//! handed to people ([`tickets`]), agents' verdicts on the assistant's answers
//! ([`feedback`]) and the messages they marked as outside the FAQ ([`out_of_scope`]).
//!
//! Every state change writes the event that records it (message received, bot answered,
//! handed off, first response, resolved, reopened, CSAT…) in the same transaction, so the KPIs
//! computed from the event log never disagree with the records they describe.

pub mod conversations;
pub mod feedback;
pub mod messages;
pub mod out_of_scope;
pub mod report_filters;
pub mod sites;
pub mod tickets;

pub use conversations::{Conversation, ConversationStatus, NewConversation, StartedConversation};
pub use feedback::{BotVerdict, Verdict, WrongAnswer};
pub use messages::{Appended, Author, AuthorKind, BotReply, Message, MessageView, NewMessage};
pub use sites::{NewSite, PilotScope, Site};
pub use tickets::{
    AssigneeFilter, Csat, Handoff, InboxItem, InboxQuery, Ticket, TicketCounts, TicketPriority,
    TicketStatus,
};

use levier_core::ids::UserId;
use levier_core::{Event, EventKind, Timestamp};

/// An event at `now` caused by `actor` (`None`: the customer or levier itself).
pub(crate) fn event(now: Timestamp, actor: Option<UserId>, kind: EventKind) -> Event {
    Event {
        at: now,
        actor,
        kind,
    }
}
