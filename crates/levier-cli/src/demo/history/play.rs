//! Plays a drawn conversation through the store's own support operations, at the instants
//! the script says, so the rows and events it leaves are those real use leaves.

use super::clock::Instant;
use super::script::{Action, Script};
use levier_core::ids::{ConversationId, MessageId, SiteId, TicketId};
use levier_core::{Event, EventKind, Timestamp};
use levier_store::support::{
    Author, BotReply, Handoff, NewConversation, NewMessage, TicketStatus, Verdict,
};
use levier_store::{ManualClock, Store, StoreError, StoreResult};

/// What a conversation being played has produced so far.
#[derive(Default)]
struct Played {
    conversation: Option<ConversationId>,
    last_bot: Option<MessageId>,
    ticket: Option<TicketId>,
}

/// Plays `script` on the widget of `site`; actions after `until` have not happened yet and are
/// left out (the latest conversations are still open).
pub(super) async fn conversation(
    store: &Store,
    clock: &ManualClock,
    site: SiteId,
    script: &Script,
    until: Timestamp,
) -> StoreResult<()> {
    let mut played = Played::default();
    for (Instant(at), action) in script {
        if *at > until {
            break;
        }
        clock.set(*at);
        act(store, site, &mut played, action, *at).await?;
    }
    Ok(())
}

async fn act(
    store: &Store,
    site: SiteId,
    played: &mut Played,
    action: &Action,
    at: Timestamp,
) -> StoreResult<()> {
    let conversation = match played.conversation {
        Some(id) => id,
        None => {
            let new = NewConversation {
                site_id: site,
                contact_id: None,
                language: Some("fr".into()),
            };
            let id = store.start_conversation(&new).await?.conversation.id;
            *played.conversation.insert(id)
        }
    };
    match action {
        Action::Customer(body) => {
            write(store, conversation, Author::Customer, body).await?;
        }
        Action::Bot {
            body,
            confidence,
            source,
        } => {
            let reply = BotReply::Answer {
                confidence: *confidence,
                source: Some(source.clone()),
            };
            played.last_bot = Some(write(store, conversation, Author::Bot(reply), body).await?);
        }
        Action::Helpful(helpful) => {
            let message = last_bot(played)?;
            store
                .rate_bot_answer(conversation, message, *helpful)
                .await?;
        }
        Action::HandOff {
            reason,
            category,
            priority,
        } => {
            let handoff = Handoff {
                conversation_id: conversation,
                reason: (*reason).into(),
                priority: *priority,
                category: category.clone(),
                subject: String::new(),
                suggested_answers: serde_json::json!([]),
                first_response_due_at: None,
                resolution_due_at: None,
            };
            played.ticket = Some(store.hand_off(&handoff, None).await?.id);
        }
        Action::Agent {
            agent,
            body,
            handled_ms,
        } => {
            write(store, conversation, Author::Agent(*agent), body).await?;
            if let Some(ticket) = played.ticket {
                // The agent who answers takes the ticket, as in the inbox: the figures of
                // their team count it.
                store.assign_ticket(ticket, Some(*agent)).await?;
                let kind = EventKind::AgentHandled {
                    ticket_id: ticket,
                    ms: *handled_ms,
                };
                store
                    .append_event(&Event {
                        at,
                        actor: Some(*agent),
                        kind,
                    })
                    .await?;
            }
        }
        Action::MarkWrong(agent) => {
            store
                .judge_bot_answer(last_bot(played)?, *agent, Verdict::Wrong)
                .await?;
        }
        Action::Resolve(agent) => {
            let ticket = played
                .ticket
                .ok_or_else(|| StoreError::Invalid("resolving before a handoff".into()))?;
            store
                .set_ticket_status(ticket, TicketStatus::Resolved, Some(*agent))
                .await?;
        }
        Action::Rate(stars) => {
            let ticket = played
                .ticket
                .ok_or_else(|| StoreError::Invalid("rating before a handoff".into()))?;
            store.rate_ticket(ticket, *stars, None).await?;
        }
    }
    Ok(())
}

fn last_bot(played: &Played) -> StoreResult<MessageId> {
    played
        .last_bot
        .ok_or_else(|| StoreError::Invalid("no answer of the assistant to judge".into()))
}

async fn write(
    store: &Store,
    conversation: ConversationId,
    author: Author,
    body: &str,
) -> StoreResult<MessageId> {
    let new = NewMessage {
        conversation_id: conversation,
        author,
        body: body.into(),
        internal: false,
        client_key: None,
        metadata: serde_json::json!({}),
    };
    Ok(store.append_message(&new).await?.message.id)
}
