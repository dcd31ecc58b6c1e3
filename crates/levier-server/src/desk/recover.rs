//! Customer messages nobody answered: a node that stopped (a crash, a kill) between storing a
//! customer's message and storing the assistant's turn leaves the customer waiting in a
//! conversation the assistant still holds. Every node looks for such messages now and then
//! and gives them their turn; the reply's client key makes the turn happen once even when
//! nodes (or the original request, if it was only slow) race for it.

use super::turn;
use crate::AppState;
use crate::error::ApiResult;
use levier_core::Timestamp;
use std::time::Duration;
use tokio::sync::watch;

/// How often a node looks.
pub const LOOK_EVERY: Duration = Duration::from_secs(30);

/// How old an unanswered message must be to count as forgotten: far above the time the
/// assistant takes, so a message being answered right now is left to its request.
pub const FORGOTTEN_AFTER: Duration = Duration::from_secs(60);

/// Messages taken per look.
const BATCH: i64 = 50;

/// Gives every message forgotten before `before` its turn; returns how many were answered.
pub async fn answer_forgotten(state: &AppState, before: Timestamp) -> ApiResult<usize> {
    let forgotten = state.store.unanswered_messages(before, BATCH).await?;
    let mut answered = 0;
    for message in forgotten {
        let store = &state.store;
        let Some(conversation) = store.conversation(message.conversation_id).await? else {
            continue;
        };
        let Some(site_id) = conversation.site_id else {
            continue;
        };
        let Some(site) = store.site(site_id).await? else {
            continue;
        };
        turn::answer(state, &site, &conversation, &message).await?;
        answered += 1;
    }
    Ok(answered)
}

/// Looks every [`LOOK_EVERY`] until `stop`.
pub async fn follow(state: AppState, mut stop: watch::Receiver<bool>) {
    loop {
        let before = Timestamp(Timestamp::now().millis() - FORGOTTEN_AFTER.as_millis() as i64);
        match answer_forgotten(&state, before).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(messages = n, "answered customer messages left unanswered"),
            Err(e) => tracing::warn!(error = %e.detail, "could not look for unanswered messages"),
        }
        tokio::select! {
            _ = tokio::time::sleep(LOOK_EVERY) => {}
            _ = stop.changed() => return,
        }
    }
}
