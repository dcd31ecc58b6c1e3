//! Customer messages that agents marked as outside the FAQ: the support assistant learns them
//! as its out-of-scope class, so that questions like them are handed to a person rather than
//! matched to the closest entry. Every change is recorded in the change sequence, so every
//! node's assistant is trained again.

use crate::changes::{self, ChangeOp, Entity};
use crate::support::messages::AuthorKind;
use crate::{Store, StoreError, StoreResult};
use levier_core::ids::{MessageId, UserId};
use sqlx::Row;

impl Store {
    /// Marks the customer's message `message` as outside the FAQ; `true` when its text was
    /// not an example yet. Only a customer's message can be an example.
    pub async fn mark_out_of_scope(&self, message: MessageId, by: UserId) -> StoreResult<bool> {
        let found = self
            .message(message)
            .await?
            .ok_or_else(|| StoreError::not_found("message", message))?;
        if found.author_kind != AuthorKind::Customer {
            return Err(StoreError::Invalid(
                "only a customer's message can be an example of a question outside the FAQ".into(),
            ));
        }
        let body = found.body.trim();
        if body.is_empty() {
            return Err(StoreError::Invalid(
                "an empty message teaches nothing".into(),
            ));
        }
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "INSERT INTO faq_out_of_scope (body, message_id, created_by_user_id, created_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (body) DO NOTHING RETURNING id",
        )
        .bind(body)
        .bind(message.0)
        .bind(by.0)
        .bind(self.now().millis())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(false);
        };
        let id: i64 = row.try_get("id")?;
        changes::record_in(&mut tx, Entity::OutOfScopeExample, id, ChangeOp::Upsert).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Every example of a question outside the FAQ, oldest first.
    pub async fn out_of_scope_examples(&self) -> StoreResult<Vec<String>> {
        let rows = sqlx::query("SELECT body FROM faq_out_of_scope ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| r.try_get("body").map_err(StoreError::from))
            .collect()
    }
}
