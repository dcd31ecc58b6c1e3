//! The person's data, table by table: how each kind is read for an export and how it is
//! erased. An erasure erases exactly the rows the export reads (`{rows}` is their ids), so the
//! two never disagree about what "their data" is.

use super::mentions::ERASED;
use super::person::{Person, id_list};
use crate::StoreResult;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Column, Row};

/// One kind of data: its name in exports and reports, the query reading it (`{contacts}`,
/// `{conversations}`, `{mails}`, `{received}`, `{leads}`, `{users}`: the person's ids;
/// `{pattern}`: the `LIKE` pattern of their address) and the statement erasing it (`{rows}`:
/// the ids read; `{erased}`: the placeholder text; `{quoted}`: their address as a JSON string).
pub(crate) struct Section {
    pub name: &'static str,
    select: &'static str,
    erase: &'static str,
}

/// In erasure order: what is learnt from their messages goes before the messages' text.
pub(crate) const SECTIONS: &[Section] = &[
    Section {
        name: "faq_phrasings",
        select: "SELECT id, faq_entry_id, body, created_at FROM faq_phrasings WHERE origin = 'agent'
                 AND TRIM(body) IN (SELECT TRIM(body) FROM messages
                                    WHERE author_kind = 'customer' AND conversation_id IN {conversations})",
        erase: "DELETE FROM faq_phrasings WHERE id IN {rows}",
    },
    Section {
        name: "faq_out_of_scope",
        select: "SELECT id, body, created_at FROM faq_out_of_scope
                 WHERE message_id IN (SELECT id FROM messages WHERE conversation_id IN {conversations})
                 OR TRIM(body) IN (SELECT TRIM(body) FROM messages
                                   WHERE author_kind = 'customer' AND conversation_id IN {conversations})",
        erase: "DELETE FROM faq_out_of_scope WHERE id IN {rows}",
    },
    Section {
        name: "contacts",
        select: "SELECT id, email, display_name, phone, company, language, created_at, updated_at
                 FROM contacts WHERE id IN {contacts}",
        erase: "DELETE FROM contacts WHERE id IN {rows}",
    },
    Section {
        name: "conversations",
        select: "SELECT id, channel, status, subject, language, created_at, closed_at
                 FROM conversations WHERE id IN {conversations}",
        erase: "UPDATE conversations SET subject = '', contact_id = NULL WHERE id IN {rows}",
    },
    Section {
        name: "messages",
        select: "SELECT id, conversation_id, author_kind, internal, body, created_at
                 FROM messages WHERE conversation_id IN {conversations} ORDER BY id",
        erase: "UPDATE messages SET body = {erased} WHERE id IN {rows}",
    },
    Section {
        name: "tickets",
        select: "SELECT id, conversation_id, status, category, handoff_reason, csat_rating,
                 csat_comment, suggested_answers, created_at, resolved_at
                 FROM tickets WHERE conversation_id IN {conversations}",
        erase: "UPDATE tickets SET csat_comment = NULL, suggested_answers = '[]' WHERE id IN {rows}",
    },
    Section {
        name: "mails",
        select: "SELECT id, source, from_address, from_name, to_addresses, subject, sent_at,
                 received_at, body, new_text, attachments, category, status
                 FROM mails WHERE id IN {mails}",
        erase: "UPDATE mails SET from_address = '', from_name = '', to_addresses = '[]', subject = '',
                sent_at = NULL, body = '', new_text = '', attachments = '[]' WHERE id IN {rows}",
    },
    Section {
        name: "mails_received",
        select: "SELECT id, from_address, to_addresses, subject, received_at FROM mails
                 WHERE id IN {received}",
        erase: "UPDATE mails SET to_addresses = REPLACE(LOWER(to_addresses), {quoted}, '\"[effacé]\"')
                WHERE id IN {rows}",
    },
    Section {
        name: "lead_interactions",
        select: "SELECT id, lead_id, at, kind, note FROM lead_interactions WHERE lead_id IN {leads}",
        erase: "DELETE FROM lead_interactions WHERE id IN {rows}",
    },
    Section {
        name: "lead_merges",
        select: "SELECT id, kept_id, merged_id, kept_before, merged_before, at FROM lead_merges
                 WHERE kept_id IN {leads} OR merged_id IN {leads}",
        erase: "DELETE FROM lead_merges WHERE id IN {rows}",
    },
    Section {
        name: "leads",
        select: "SELECT id, external_ref, first_name, last_name, email, phone, company, siret,
                 postcode, city, sector, employees, source, status, attributes, normalised, created_at
                 FROM leads WHERE id IN {leads}",
        erase: "DELETE FROM leads WHERE id IN {rows}",
    },
    Section {
        name: "account",
        select: "SELECT id, email, display_name, role, locale, team, disabled, created_at
                 FROM users WHERE id IN {users}",
        erase: "UPDATE users SET email = 'erased-' || CAST(id AS TEXT) || '@invalid',
                display_name = {erased}, password_hash = NULL, locale = NULL, disabled = 1
                WHERE id IN {rows}",
    },
    Section {
        name: "sessions",
        select: "SELECT created_at, last_seen_at, expires_at, ip, user_agent FROM sessions
                 WHERE user_id IN {users}",
        erase: "DELETE FROM sessions WHERE user_id IN {users}",
    },
    Section {
        name: "api_tokens",
        select: "SELECT id, name, prefix, role, created_at, expires_at, revoked_at, last_used_at
                 FROM api_tokens WHERE user_id IN {users}",
        erase: "DELETE FROM api_tokens WHERE id IN {rows}",
    },
    Section {
        name: "answer_ratings",
        select: "SELECT id, question, document_id, useful, comment, at FROM answer_ratings
                 WHERE user_id IN {users}",
        erase: "UPDATE answer_ratings SET question = {erased}, comment = '' WHERE id IN {rows}",
    },
    Section {
        name: "pilot_survey_answers",
        select: "SELECT pilot_id, score, comment, at FROM pilot_survey_answers WHERE user_id IN {users}",
        erase: "UPDATE pilot_survey_answers SET comment = '' WHERE user_id IN {users}",
    },
    Section {
        name: "login_failures",
        select: "SELECT id, at FROM login_failures WHERE LOWER(throttle_key) LIKE {pattern} ESCAPE '\\'",
        erase: "DELETE FROM login_failures WHERE id IN {rows}",
    },
    Section {
        name: "finished_tasks",
        select: "SELECT id, kind, status, payload, result, last_error, created_at FROM tasks
                 WHERE status IN ('succeeded', 'failed', 'cancelled')
                 AND (LOWER(payload) LIKE {pattern} ESCAPE '\\' OR LOWER(COALESCE(result, '')) LIKE {pattern} ESCAPE '\\'
                      OR LOWER(COALESCE(last_error, '')) LIKE {pattern} ESCAPE '\\')",
        erase: "UPDATE tasks SET payload = '{}', result = NULL, last_error = NULL, progress_message = ''
                WHERE id IN {rows}",
    },
];

impl Section {
    /// The section's rows, each as a JSON object of its columns.
    pub(crate) async fn read(
        &self,
        conn: &mut AnyConnection,
        person: &Person,
    ) -> StoreResult<Vec<serde_json::Value>> {
        let rows = run(conn, &render(self.select, person, &[]), person).await?;
        Ok(rows.iter().map(row_json).collect())
    }

    /// Erases `rows` (as [`Section::read`] returned them).
    pub(crate) async fn erase(
        &self,
        conn: &mut AnyConnection,
        person: &Person,
        rows: &[serde_json::Value],
    ) -> StoreResult<()> {
        let ids: Vec<i64> = rows.iter().filter_map(|r| r["id"].as_i64()).collect();
        run(conn, &render(self.erase, person, &ids), person).await?;
        Ok(())
    }
}

/// Runs `sql`, its `{pattern}` (the `LIKE` pattern of the address) and `{quoted}` (the address
/// as a JSON string) bound as parameters: caller input never enters the SQL text.
async fn run(conn: &mut AnyConnection, sql: &str, person: &Person) -> StoreResult<Vec<AnyRow>> {
    let quoted = person.quoted();
    let mut sql = sql.to_owned();
    let mut params = Vec::new();
    for (token, value) in [
        ("{pattern}", person.pattern.as_str()),
        ("{quoted}", quoted.as_str()),
    ] {
        if sql.contains(token) {
            params.push(value);
            sql = sql.replace(token, &format!("${}", params.len()));
        }
    }
    let mut query = sqlx::query(&sql);
    for p in params {
        query = query.bind(p);
    }
    Ok(query.fetch_all(conn).await?)
}

fn render(template: &str, p: &Person, rows: &[i64]) -> String {
    template
        .replace("{contacts}", &id_list(&p.contacts))
        .replace("{conversations}", &id_list(&p.conversations))
        .replace("{mails}", &id_list(&p.mails))
        .replace("{received}", &id_list(&p.received))
        .replace("{leads}", &id_list(&p.leads))
        .replace("{users}", &id_list(&p.users))
        .replace("{rows}", &id_list(rows))
        .replace("{erased}", &format!("'{ERASED}'"))
}

/// A row as a JSON object: integers, floats and texts as such, NULL as null.
pub(crate) fn row_json(row: &AnyRow) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for (i, column) in row.columns().iter().enumerate() {
        let value = if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
            serde_json::json!(v)
        } else if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
            serde_json::json!(v)
        } else {
            serde_json::json!(row.try_get::<Option<String>, _>(i).ok().flatten())
        };
        map.insert(column.name().to_owned(), value);
    }
    serde_json::Value::Object(map)
}
