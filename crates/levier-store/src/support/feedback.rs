//! Agents' verdicts on the assistant's answers: the ground truth that tells whether the
//! assistant answers right, and which FAQ entries need work.

use crate::row::time;
use crate::support::event;
use crate::support::messages::AuthorKind;
use crate::text_enum::text_enum;
use crate::{Store, StoreError, StoreResult, events};
use levier_core::ids::{ConversationId, MessageId, TicketId, UserId};
use levier_core::{EventKind, Timestamp};
use serde::Serialize;
use sqlx::Row;

text_enum!(
    /// An agent's judgement of an answer.
    Verdict {
        /// The answer was right.
        Right = "right",
        /// The answer was wrong.
        Wrong = "wrong",
    }
);

/// One agent's verdict on one answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BotVerdict {
    /// The assistant's message.
    pub message_id: MessageId,
    /// The agent.
    pub user_id: UserId,
    /// Their latest verdict.
    pub verdict: Verdict,
    /// When they gave it.
    pub at: Timestamp,
}

impl Store {
    /// Records an agent's verdict on an assistant's message, replacing their earlier one.
    /// Judging it wrong is an event (once per change of mind, not per click).
    pub async fn judge_bot_answer(
        &self,
        message: MessageId,
        agent: UserId,
        verdict: Verdict,
    ) -> StoreResult<()> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "SELECT m.author_kind, f.verdict FROM messages m
             LEFT JOIN bot_feedback f ON f.message_id = m.id AND f.user_id = $2 WHERE m.id = $1",
        )
        .bind(message.0)
        .bind(agent.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::not_found("message", message))?;
        if AuthorKind::parse(&row.try_get::<String, _>("author_kind")?)? != AuthorKind::Bot {
            return Err(StoreError::Invalid(format!(
                "message {message} is not the assistant's"
            )));
        }
        let earlier: Option<String> = row.try_get("verdict")?;
        sqlx::query(
            "INSERT INTO bot_feedback (message_id, user_id, verdict, at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (message_id, user_id) DO UPDATE SET verdict = excluded.verdict, at = excluded.at",
        )
        .bind(message.0)
        .bind(agent.0)
        .bind(verdict.as_str())
        .bind(now.millis())
        .execute(&mut *tx)
        .await?;
        if verdict == Verdict::Wrong && earlier.as_deref() != Some(Verdict::Wrong.as_str()) {
            let kind = EventKind::BotAnswerMarkedWrong {
                message_id: message,
                user_id: agent,
            };
            events::append_in(&mut tx, &event(now, Some(agent), kind)).await?;
        }
        tx.commit().await
    }

    /// Records whether one of the assistant's answers helped the customer of `conversation`,
    /// replacing their earlier answer; returns whether anything changed. The event is written
    /// only on a change, so clicking twice counts once.
    pub async fn rate_bot_answer(
        &self,
        conversation: ConversationId,
        message: MessageId,
        helpful: bool,
    ) -> StoreResult<bool> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "SELECT m.author_kind, m.conversation_id, h.helpful FROM messages m
             LEFT JOIN answer_helpfulness h ON h.message_id = m.id WHERE m.id = $1",
        )
        .bind(message.0)
        .fetch_optional(&mut *tx)
        .await?
        .filter(|r| r.try_get::<i64, _>("conversation_id").ok() == Some(conversation.0))
        .ok_or_else(|| StoreError::not_found("message", message))?;
        if AuthorKind::parse(&row.try_get::<String, _>("author_kind")?)? != AuthorKind::Bot {
            return Err(StoreError::Invalid(format!(
                "message {message} is not the assistant's"
            )));
        }
        let earlier: Option<i64> = row.try_get("helpful")?;
        if earlier == Some(i64::from(helpful)) {
            tx.commit().await?;
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO answer_helpfulness (message_id, helpful, at) VALUES ($1, $2, $3)
             ON CONFLICT (message_id) DO UPDATE SET helpful = excluded.helpful, at = excluded.at",
        )
        .bind(message.0)
        .bind(i64::from(helpful))
        .bind(now.millis())
        .execute(&mut *tx)
        .await?;
        let kind = EventKind::BotAnswerHelpful {
            conversation_id: conversation,
            message_id: message,
            helpful,
        };
        events::append_in(&mut tx, &event(now, None, kind)).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The verdicts on an assistant's message, one per agent.
    pub async fn bot_answer_verdicts(&self, message: MessageId) -> StoreResult<Vec<BotVerdict>> {
        let rows = sqlx::query(
            "SELECT message_id, user_id, verdict, at FROM bot_feedback WHERE message_id = $1 ORDER BY at, user_id",
        )
        .bind(message.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(BotVerdict {
                    message_id: MessageId(r.try_get("message_id")?),
                    user_id: UserId(r.try_get("user_id")?),
                    verdict: Verdict::parse(&r.try_get::<String, _>("verdict")?)?,
                    at: time(r, "at")?,
                })
            })
            .collect()
    }

    /// The assistant's answers agents marked wrong, the latest first, with the question they
    /// answered: what the FAQ's keepers and the AI champions fix first.
    pub async fn wrong_answers(&self, limit: i64) -> StoreResult<Vec<WrongAnswer>> {
        let rows = sqlx::query(
            "SELECT f.message_id, m.conversation_id, m.body, f.at, u.display_name, t.id AS ticket_id,
             (SELECT c.body FROM messages c WHERE c.conversation_id = m.conversation_id
              AND c.author_kind = 'customer' AND c.id < m.id ORDER BY c.id DESC LIMIT 1) AS question
             FROM bot_feedback f JOIN messages m ON m.id = f.message_id
             LEFT JOIN users u ON u.id = f.user_id
             LEFT JOIN tickets t ON t.conversation_id = m.conversation_id
             WHERE f.verdict = 'wrong' ORDER BY f.at DESC, f.message_id DESC LIMIT $1",
        )
        .bind(limit.max(0))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(WrongAnswer {
                    message_id: MessageId(r.try_get("message_id")?),
                    conversation_id: ConversationId(r.try_get("conversation_id")?),
                    ticket_id: r.try_get::<Option<i64>, _>("ticket_id")?.map(TicketId),
                    question: r
                        .try_get::<Option<String>, _>("question")?
                        .unwrap_or_default(),
                    answer: r.try_get("body")?,
                    judged_by: r
                        .try_get::<Option<String>, _>("display_name")?
                        .unwrap_or_default(),
                    at: time(r, "at")?,
                })
            })
            .collect()
    }
}

/// An answer of the assistant an agent marked wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WrongAnswer {
    /// The assistant's message.
    pub message_id: MessageId,
    /// Its conversation.
    pub conversation_id: ConversationId,
    /// The conversation's ticket, when it has one.
    pub ticket_id: Option<TicketId>,
    /// The customer's message it answered.
    pub question: String,
    /// What the assistant said.
    pub answer: String,
    /// The agent who judged it.
    pub judged_by: String,
    /// When.
    pub at: Timestamp,
}
