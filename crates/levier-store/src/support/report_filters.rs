//! What the Reports page filters on beyond websites and channels: a team, a category. The
//! figures are computed from the event log, whose support events name conversations and
//! tickets but no team or category; these queries say which conversations belong to one, so
//! the report keeps their events only.

use crate::filter::Filter;
use crate::{Store, StoreResult};
use levier_core::ids::ConversationId;
use sqlx::Row;

/// A limit of the figures to one team and/or one category.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketPick {
    /// Tickets of this category (the FAQ category of a handoff, a mail's category).
    pub category: Option<String>,
    /// Tickets handled by this team: assigned to one of its members, or a mail routed to it.
    pub team: Option<String>,
}

impl Store {
    /// The conversations with a ticket that `pick` keeps.
    pub async fn ticket_conversations(
        &self,
        pick: &TicketPick,
    ) -> StoreResult<Vec<ConversationId>> {
        let mut f = Filter::default();
        if let Some(category) = &pick.category {
            f.text("t.category = ?", category.trim());
        }
        if let Some(team) = &pick.team {
            f.text(
                "(u.team = ? OR (m.route_kind = 'team' AND m.route_target = ?))",
                team.trim(),
            );
        }
        let sql = format!(
            "SELECT DISTINCT t.conversation_id FROM tickets t
             LEFT JOIN users u ON u.id = t.assignee_user_id
             LEFT JOIN mails m ON m.ticket_id = t.id{}",
            f.where_sql()
        );
        let rows = f.bind(sqlx::query(&sql)).fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| Ok(ConversationId(r.try_get("conversation_id")?)))
            .collect()
    }

    /// The teams people belong to or mails are routed to, sorted: the choices of a team filter.
    pub async fn teams(&self) -> StoreResult<Vec<String>> {
        self.names(
            "SELECT DISTINCT team AS name FROM users WHERE team IS NOT NULL AND team <> ''
             UNION SELECT DISTINCT route_target AS name FROM mails WHERE route_kind = 'team'",
        )
        .await
    }

    /// The categories of tickets and FAQ entries, sorted: the choices of a category filter.
    pub async fn ticket_categories(&self) -> StoreResult<Vec<String>> {
        self.names(
            "SELECT DISTINCT category AS name FROM tickets WHERE category <> ''
             UNION SELECT DISTINCT category AS name FROM faq_entries WHERE category <> ''",
        )
        .await
    }

    async fn names(&self, sql: &str) -> StoreResult<Vec<String>> {
        let rows = sqlx::query(sql).fetch_all(self.pool()).await?;
        let mut names = rows
            .iter()
            .map(|r| r.try_get::<String, _>("name"))
            .collect::<Result<Vec<_>, _>>()?;
        names.sort();
        names.dedup();
        Ok(names)
    }
}
