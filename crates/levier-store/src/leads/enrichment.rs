//! What the company already knows of a lead from its support desk: conversations and tickets
//! from the same e-mail address or, for a company domain, anyone at that domain.

use crate::{Store, StoreResult};
use levier_core::Timestamp;
use serde::Serialize;
use sqlx::Row;

/// Support history matching a lead.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LeadEnrichment {
    /// Conversations with the same person or company.
    pub conversations: i64,
    /// Tickets opened from those conversations.
    pub tickets: i64,
    /// Of which still open or pending.
    pub open_tickets: i64,
    /// The latest activity in those conversations.
    pub last_contact: Option<Timestamp>,
}

impl Store {
    /// The support history of a person (`email`) or, when given, of everyone at a company
    /// `domain` (never a free-mail domain: the caller passes only company domains).
    pub async fn lead_enrichment(
        &self,
        email: Option<&str>,
        domain: Option<&str>,
    ) -> StoreResult<LeadEnrichment> {
        let email = email.map(str::to_lowercase).filter(|e| !e.is_empty());
        let domain_pattern = domain
            .filter(|d| !d.is_empty() && !d.contains(['%', '_', '\\']))
            .map(|d| format!("%@{}", d.to_lowercase()));
        let mut keys: Vec<(&str, String)> = Vec::new();
        if let Some(email) = email {
            keys.push(("LOWER(p.email) = ", email));
        }
        if let Some(pattern) = domain_pattern {
            keys.push(("LOWER(p.email) LIKE ", pattern));
        }
        if keys.is_empty() {
            return Ok(LeadEnrichment::default());
        }
        let matches: Vec<String> = keys
            .iter()
            .enumerate()
            .map(|(i, (test, _))| format!("{test}${}", i + 1))
            .collect();
        let sql = format!(
            "SELECT COUNT(DISTINCT c.id) AS conversations, COUNT(t.id) AS tickets,
                    COUNT(CASE WHEN t.status IN ('open', 'pending') THEN 1 END) AS open_tickets,
                    MAX(c.updated_at) AS last_contact
             FROM conversations c
             JOIN contacts p ON p.id = c.contact_id
             LEFT JOIN tickets t ON t.conversation_id = c.id
             WHERE {}",
            matches.join(" OR ")
        );
        let mut query = sqlx::query(&sql);
        for (_, value) in &keys {
            query = query.bind(value.as_str());
        }
        let row = query.fetch_one(self.pool()).await?;
        Ok(LeadEnrichment {
            conversations: row.try_get("conversations")?,
            tickets: row.try_get("tickets")?,
            open_tickets: row.try_get("open_tickets")?,
            last_contact: row
                .try_get::<Option<i64>, _>("last_contact")?
                .map(Timestamp),
        })
    }
}
