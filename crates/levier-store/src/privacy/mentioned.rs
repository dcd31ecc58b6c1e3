//! Messages outside the person's conversations that mention their address: a customer who
//! writes to an employee's address, or names someone else's. The conversation is not theirs:
//! only the address is replaced in the text, the message stays.

use super::mentions::{erase_mentions, mentions};
use super::person::Person;
use crate::StoreResult;
use sqlx::{AnyConnection, Row};

/// A message mentioning the person: its row as exported, and its text with them erased.
pub(crate) struct Mention {
    pub row: serde_json::Value,
    id: i64,
    erased: String,
}

/// The messages outside `person`'s conversations that mention their address.
pub(crate) async fn read(conn: &mut AnyConnection, person: &Person) -> StoreResult<Vec<Mention>> {
    let rows = sqlx::query(
        "SELECT id, conversation_id, body, created_at FROM messages
         WHERE LOWER(body) LIKE $1 ESCAPE '\\' ORDER BY id",
    )
    .bind(person.pattern.as_str())
    .fetch_all(conn)
    .await?;
    let mut out = Vec::new();
    for row in rows {
        let conversation: i64 = row.try_get("conversation_id")?;
        let body: String = row.try_get("body")?;
        if person.conversations.contains(&conversation) || !mentions(&body, &person.email) {
            continue;
        }
        let id: i64 = row.try_get("id")?;
        out.push(Mention {
            erased: erase_mentions(&body, &person.email),
            row: serde_json::json!({
                "id": id,
                "conversation_id": conversation,
                "body": body,
                "created_at": row.try_get::<i64, _>("created_at")?,
            }),
            id,
        });
    }
    Ok(out)
}

/// Replaces the address in each message of `mentions`.
pub(crate) async fn erase(conn: &mut AnyConnection, mentions: &[Mention]) -> StoreResult<()> {
    for m in mentions {
        sqlx::query("UPDATE messages SET body = $2 WHERE id = $1")
            .bind(m.id)
            .bind(m.erased.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
