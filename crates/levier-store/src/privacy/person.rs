//! Who the person is in the store: the rows that name them by address, and the other
//! identifiers (phones, full names) those rows give, which event payloads are searched for.

use super::mentions::{like_pattern, mentions};
use crate::{StoreError, StoreResult};
use sqlx::{AnyConnection, Row};
use std::collections::BTreeSet;

/// The ids of the rows that are the person's, found once per operation, before anything
/// is changed (an erasure removes the links that found them).
#[derive(Debug, Default)]
pub(crate) struct Person {
    /// Their address, trimmed and lowercased.
    pub email: String,
    /// `%address%`, for `LIKE` over lowercased text.
    pub pattern: String,
    /// Their support contacts.
    pub contacts: Vec<i64>,
    /// Conversations of theirs: their contact's, their mails', and widget conversations where
    /// they wrote their address.
    pub conversations: Vec<i64>,
    /// Mails they sent, and mails sent to them alone.
    pub mails: Vec<i64>,
    /// Mails someone else sent to them among other recipients.
    pub received: Vec<i64>,
    /// Leads with their address.
    pub leads: Vec<i64>,
    /// Their account, when they are an employee.
    pub users: Vec<i64>,
    /// Everything that identifies them in free text: the address, phones, full names.
    pub identifiers: Vec<String>,
}

/// The address as stored for comparisons; an error says why it is not one.
pub(crate) fn normalise_email(raw: &str) -> StoreResult<String> {
    let email = raw.trim().to_lowercase();
    let valid = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !domain.contains('@')
    }) && !email.contains(char::is_whitespace);
    if valid {
        Ok(email)
    } else {
        Err(StoreError::Invalid(format!(
            "email: '{}' is not an e-mail address (expected name@domain.tld)",
            raw.trim()
        )))
    }
}

/// `(1, 2, 3)` for an `IN` list; `(NULL)`, which matches nothing, when empty. The values are
/// row ids read from the store, never caller input.
pub(crate) fn id_list(ids: &[i64]) -> String {
    if ids.is_empty() {
        return "(NULL)".into();
    }
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("({})", ids.join(", "))
}

impl Person {
    /// Finds the person's rows by `email` (already normalised).
    pub(crate) async fn find(conn: &mut AnyConnection, email: &str) -> StoreResult<Person> {
        let mut p = Person {
            email: email.to_owned(),
            pattern: like_pattern(email),
            ..Person::default()
        };
        let email = [p.email.as_str()];
        p.contacts = ids(
            conn,
            "SELECT id FROM contacts WHERE LOWER(email) = $1",
            &email,
        )
        .await?;
        // A mail to them alone (a reply from the company) is about them as much as theirs.
        let only_them = format!("[{}]", p.quoted());
        p.mails = ids(
            conn,
            "SELECT id FROM mails WHERE LOWER(from_address) = $1 OR LOWER(to_addresses) = $2",
            &[p.email.as_str(), only_them.as_str()],
        )
        .await?;
        let quoted = like_pattern(&p.quoted());
        p.received = ids(
            conn,
            "SELECT id FROM mails WHERE LOWER(from_address) <> $1 AND LOWER(to_addresses) <> $2
             AND LOWER(to_addresses) LIKE $3 ESCAPE '\\'",
            &[p.email.as_str(), only_them.as_str(), quoted.as_str()],
        )
        .await?;
        p.leads = ids(conn, "SELECT id FROM leads WHERE LOWER(email) = $1", &email).await?;
        p.users = ids(conn, "SELECT id FROM users WHERE LOWER(email) = $1", &email).await?;
        p.conversations = p.conversations(conn).await?;
        p.identifiers = p.identifiers(conn).await?;
        Ok(p)
    }

    /// The address as a JSON string (`"a@b.fr"`), as lists of recipients hold it.
    pub(crate) fn quoted(&self) -> String {
        format!("\"{}\"", self.email)
    }

    /// Their contact's conversations, their mails', and, for a customer, widget conversations
    /// where they wrote their address. An employee's address written by a customer ("I wrote
    /// to agent@…") does not make the customer's conversation the employee's.
    async fn conversations(&self, conn: &mut AnyConnection) -> StoreResult<Vec<i64>> {
        let linked = format!(
            "SELECT id FROM conversations WHERE contact_id IN {}
             UNION SELECT conversation_id FROM mails WHERE id IN {} AND conversation_id IS NOT NULL",
            id_list(&self.contacts),
            id_list(&self.mails)
        );
        let mut found: BTreeSet<i64> = BTreeSet::new();
        for row in sqlx::query(&linked).fetch_all(&mut *conn).await? {
            found.insert(row.try_get(0)?);
        }
        if !self.users.is_empty() {
            return Ok(found.into_iter().collect());
        }
        let written = sqlx::query(
            "SELECT conversation_id, body FROM messages
             WHERE author_kind = 'customer' AND LOWER(body) LIKE $1 ESCAPE '\\'",
        )
        .bind(self.pattern.as_str())
        .fetch_all(&mut *conn)
        .await?;
        for row in written {
            let body: String = row.try_get("body")?;
            if mentions(&body, &self.email) {
                found.insert(row.try_get("conversation_id")?);
            }
        }
        Ok(found.into_iter().collect())
    }

    /// The address, then phones and full names (two words at least: a first name alone
    /// would match other people) from their contacts, mails, leads and account.
    async fn identifiers(&self, conn: &mut AnyConnection) -> StoreResult<Vec<String>> {
        let sql = format!(
            "SELECT phone AS v FROM contacts WHERE id IN {c}
             UNION SELECT display_name FROM contacts WHERE id IN {c}
             UNION SELECT from_name FROM mails WHERE id IN {m} AND LOWER(from_address) = $1
             UNION SELECT phone FROM leads WHERE id IN {l}
             UNION SELECT first_name || ' ' || last_name FROM leads WHERE id IN {l}
             UNION SELECT display_name FROM users WHERE id IN {u}",
            c = id_list(&self.contacts),
            m = id_list(&self.mails),
            l = id_list(&self.leads),
            u = id_list(&self.users),
        );
        let mut out = vec![self.email.clone()];
        for row in sqlx::query(&sql)
            .bind(self.email.as_str())
            .fetch_all(conn)
            .await?
        {
            let Some(v) = row.try_get::<Option<String>, _>("v")? else {
                continue;
            };
            let v = v.trim().to_owned();
            let phone = v.chars().filter(char::is_ascii_digit).count() >= 6;
            let full_name = v.split_whitespace().count() >= 2 && v.chars().count() >= 5;
            if (phone || full_name) && !out.contains(&v) {
                out.push(v);
            }
        }
        Ok(out)
    }
}

/// The ids `sql` selects (first column) with `params` bound in order.
async fn ids(conn: &mut AnyConnection, sql: &str, params: &[&str]) -> StoreResult<Vec<i64>> {
    let mut query = sqlx::query(sql);
    for p in params {
        query = query.bind(*p);
    }
    let rows = query.fetch_all(conn).await?;
    rows.iter()
        .map(|r| r.try_get::<i64, _>(0).map_err(StoreError::from))
        .collect()
}
