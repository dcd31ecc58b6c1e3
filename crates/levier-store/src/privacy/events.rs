//! The event payloads that name the person, and their controlled rewrite.
//!
//! No event kind written today carries a name or an address (payloads hold ids, counts,
//! categories), but free-form payloads (`llm_called`, `llm_fell_back`) and kinds written by a
//! newer levier may: the whole log is searched for the person's identifiers. A payload that
//! names them is rewritten with those strings replaced; the event keeps its place, time and
//! kind, so the KPIs computed from the log do not move. The log refuses updates except to a
//! payload an `event_redactions` row records for that event (migration 16), which this module
//! writes first: it is the only writer of that table.

use super::mentions::{like_pattern, redact};
use super::person::Person;
use crate::StoreResult;
use sqlx::{AnyConnection, Row};

/// An event naming the person: its row as exported, and its payload with them erased.
pub(crate) struct Naming {
    pub row: serde_json::Value,
    seq: i64,
    redacted: serde_json::Value,
}

/// The events whose payload names the person, oldest first.
pub(crate) async fn naming(conn: &mut AnyConnection, person: &Person) -> StoreResult<Vec<Naming>> {
    let tests: Vec<String> = (1..=person.identifiers.len())
        .map(|n| format!("LOWER(payload) LIKE ${n} ESCAPE '\\'"))
        .collect();
    let sql = format!(
        "SELECT seq, at, kind, payload FROM events WHERE {} ORDER BY seq",
        tests.join(" OR ")
    );
    let patterns: Vec<String> = person.identifiers.iter().map(|i| like_pattern(i)).collect();
    let mut query = sqlx::query(&sql);
    for p in &patterns {
        query = query.bind(p.as_str());
    }
    let mut out = Vec::new();
    for row in query.fetch_all(conn).await? {
        let text: String = row.try_get("payload")?;
        let payload = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
        let Some(redacted) = redact(&payload, &person.identifiers) else {
            continue;
        };
        let seq: i64 = row.try_get("seq")?;
        out.push(Naming {
            row: serde_json::json!({
                "seq": seq,
                "at": row.try_get::<i64, _>("at")?,
                "kind": row.try_get::<String, _>("kind")?,
                "payload": payload,
            }),
            seq,
            redacted,
        });
    }
    Ok(out)
}

/// Rewrites the payload of each event of `naming`, recording each rewrite with `reason`.
pub(crate) async fn rewrite(
    conn: &mut AnyConnection,
    naming: &[Naming],
    reason: &str,
    at: i64,
) -> StoreResult<()> {
    for n in naming {
        let payload = n.redacted.to_string();
        sqlx::query(
            "INSERT INTO event_redactions (event_seq, payload, reason, at) VALUES ($1, $2, $3, $4)",
        )
        .bind(n.seq)
        .bind(payload.as_str())
        .bind(reason)
        .bind(at)
        .execute(&mut *conn)
        .await?;
        sqlx::query("UPDATE events SET payload = $2 WHERE seq = $1")
            .bind(n.seq)
            .bind(payload.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
