//! Tickets: what the assistant hands to people, and the agent inbox.
//!
//! One ticket per conversation. Its SLA due instants are computed by the caller from the
//! configuration and stored, so a change of configuration does not move past deadlines. A
//! ticket is reopened (never duplicated) when the customer writes again after its resolution
//! or when an agent reopens it; the customer rates each resolution at most once.

use crate::filter::{Filter, contains_pattern};
use crate::row::{json, opt_time, time};
use crate::support::conversations::{self, Conversation, ConversationStatus};
use crate::support::event;
use crate::text_enum::text_enum;
use crate::tx::WriteTx;
use crate::{Store, StoreError, StoreResult, events};
use levier_core::ids::{ConversationId, SiteId, TicketId, UserId};
use levier_core::{EventKind, Timestamp};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

text_enum!(
    /// Where a ticket stands.
    TicketStatus {
        /// Waiting for the company.
        Open = "open",
        /// Waiting for the customer.
        Pending = "pending",
        /// Answered; the customer may still write again or rate it.
        Resolved = "resolved",
        /// Archived.
        Closed = "closed",
    }
);

impl TicketStatus {
    /// Resolved or closed: a customer writing again reopens it.
    pub fn is_done(self) -> bool {
        matches!(self, TicketStatus::Resolved | TicketStatus::Closed)
    }
}

text_enum!(
    /// How urgent a ticket is.
    TicketPriority {
        /// Low.
        Low = "low",
        /// Normal.
        Normal = "normal",
        /// High.
        High = "high",
        /// Urgent.
        Urgent = "urgent",
    }
);

/// A conversation handed to people.
#[derive(Debug, Clone, PartialEq)]
pub struct Handoff {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// Why (`low_confidence`, `customer_asked`, `complaint`…).
    pub reason: String,
    /// How urgent.
    pub priority: TicketPriority,
    /// Category (an FAQ category or intent).
    pub category: String,
    /// Subject shown in the inbox; the conversation's is kept when empty.
    pub subject: String,
    /// Answers the assistant suggests to the agent (JSON).
    pub suggested_answers: serde_json::Value,
    /// When the first response is due.
    pub first_response_due_at: Option<Timestamp>,
    /// When the resolution is due.
    pub resolution_due_at: Option<Timestamp>,
}

/// A customer's rating of a resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Csat {
    /// 1 (very unhappy) to 5 (very happy).
    pub rating: i64,
    /// What they added.
    pub comment: Option<String>,
    /// When.
    pub at: Timestamp,
}

/// A ticket as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ticket {
    /// Identifier.
    pub id: TicketId,
    /// Its conversation.
    pub conversation_id: ConversationId,
    /// Where it stands.
    pub status: TicketStatus,
    /// How urgent.
    pub priority: TicketPriority,
    /// Category.
    pub category: String,
    /// Why it was handed off.
    pub handoff_reason: Option<String>,
    /// The agent in charge.
    pub assignee: Option<UserId>,
    /// Answers suggested to the agent.
    pub suggested_answers: serde_json::Value,
    /// When the first response is due.
    pub first_response_due_at: Option<Timestamp>,
    /// When the resolution is due.
    pub resolution_due_at: Option<Timestamp>,
    /// When an agent first answered the customer.
    pub first_response_at: Option<Timestamp>,
    /// When it was last resolved (cleared when reopened).
    pub resolved_at: Option<Timestamp>,
    /// How many times it was reopened.
    pub reopen_count: i64,
    /// The rating of its latest rated resolution.
    pub csat: Option<Csat>,
    /// When it was opened.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// Whose tickets the inbox shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AssigneeFilter {
    /// Everyone's.
    #[default]
    Anyone,
    /// Nobody's yet.
    Unassigned,
    /// This agent's.
    User(UserId),
}

/// An inbox listing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InboxQuery {
    /// Only these statuses (all when empty).
    pub statuses: Vec<TicketStatus>,
    /// Whose.
    pub assignee: AssigneeFilter,
    /// Only this handoff reason.
    pub reason: Option<String>,
    /// Only tickets whose subject or last message contains this text.
    pub text: Option<String>,
    /// At most this many (all when `None`).
    pub limit: Option<i64>,
    /// Skips this many first (the inbox's pages); only with a `limit`.
    pub offset: Option<i64>,
}

/// A line of the inbox.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InboxItem {
    /// The ticket.
    pub ticket: Ticket,
    /// Its conversation's subject.
    pub subject: String,
    /// The site the conversation came from.
    pub site_id: Option<SiteId>,
    /// The last message the customer can see, for a preview.
    pub last_message: Option<String>,
    /// When it was written.
    pub last_message_at: Option<Timestamp>,
    /// The next SLA instant: the first response's until there is one, then the resolution's.
    pub due_at: Option<Timestamp>,
}

/// How many tickets are in each status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TicketCounts {
    /// Open.
    pub open: i64,
    /// Pending.
    pub pending: i64,
    /// Resolved.
    pub resolved: i64,
    /// Closed.
    pub closed: i64,
}

const COLUMNS: [&str; 18] = [
    "id",
    "conversation_id",
    "status",
    "priority",
    "category",
    "handoff_reason",
    "assignee_user_id",
    "suggested_answers",
    "first_response_due_at",
    "resolution_due_at",
    "first_response_at",
    "resolved_at",
    "reopen_count",
    "csat_rating",
    "csat_comment",
    "csat_at",
    "created_at",
    "updated_at",
];

/// The ticket columns, each prefixed (`t.` where a join makes names ambiguous).
fn columns(prefix: &str) -> String {
    COLUMNS.map(|c| format!("{prefix}{c}")).join(", ")
}

/// The SLA instant that matters now; the inbox sorts by it.
const DUE: &str = "CASE WHEN t.first_response_at IS NULL AND t.first_response_due_at IS NOT NULL
    THEN t.first_response_due_at ELSE t.resolution_due_at END";

impl Store {
    /// Hands a conversation to people: opens its ticket, or reopens it when it was resolved
    /// (a conversation has one ticket). `actor` is the agent taking it, `None` when the
    /// assistant or the customer asked.
    pub async fn hand_off(&self, handoff: &Handoff, actor: Option<UserId>) -> StoreResult<Ticket> {
        if handoff.reason.trim().is_empty() {
            return Err(StoreError::Invalid("a handoff needs a reason".into()));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let conversation = conversations::lock(&mut tx, handoff.conversation_id).await?;
        let ticket = match for_conversation(&mut tx, conversation.id).await? {
            Some(ticket) => {
                if ticket.status.is_done() {
                    change_status(
                        &mut tx,
                        &conversation,
                        &ticket,
                        TicketStatus::Open,
                        actor,
                        now,
                    )
                    .await?;
                }
                by_id(&mut tx, ticket.id).await?
            }
            None => open(&mut tx, &conversation, handoff, actor, now).await?,
        };
        tx.commit().await?;
        Ok(ticket)
    }

    /// A ticket by id.
    pub async fn ticket(&self, id: TicketId) -> StoreResult<Option<Ticket>> {
        find(&mut *self.pool().acquire().await?, "id", id.0).await
    }

    /// The ticket of a conversation, if it was ever handed off.
    pub async fn ticket_for_conversation(
        &self,
        conversation: ConversationId,
    ) -> StoreResult<Option<Ticket>> {
        find(
            &mut *self.pool().acquire().await?,
            "conversation_id",
            conversation.0,
        )
        .await
    }

    /// Gives a ticket to an agent, or to nobody.
    pub async fn assign_ticket(&self, id: TicketId, assignee: Option<UserId>) -> StoreResult<()> {
        let done =
            sqlx::query("UPDATE tickets SET assignee_user_id = $2, updated_at = $3 WHERE id = $1")
                .bind(id.0)
                .bind(assignee.map(|u| u.0))
                .bind(self.now().millis())
                .execute(self.pool())
                .await?;
        StoreError::found(done.rows_affected(), "ticket", id)
    }

    /// Changes a ticket's priority and category.
    pub async fn triage_ticket(
        &self,
        id: TicketId,
        priority: TicketPriority,
        category: &str,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE tickets SET priority = $2, category = $3, updated_at = $4 WHERE id = $1",
        )
        .bind(id.0)
        .bind(priority.as_str())
        .bind(category.trim())
        .bind(self.now().millis())
        .execute(self.pool())
        .await?;
        StoreError::found(done.rows_affected(), "ticket", id)
    }

    /// Moves a ticket to `status`: resolving stamps `resolved_at` and resolves the
    /// conversation; leaving resolved or closed is a reopen (counted, recorded). `actor` is the
    /// agent, `None` for levier itself.
    pub async fn set_ticket_status(
        &self,
        id: TicketId,
        status: TicketStatus,
        actor: Option<UserId>,
    ) -> StoreResult<Ticket> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let current = by_id(&mut tx, id).await?;
        let conversation = conversations::lock(&mut tx, current.conversation_id).await?;
        // Read again under the conversation's lock: a customer message may have moved it.
        let current = by_id(&mut tx, id).await?;
        change_status(&mut tx, &conversation, &current, status, actor, now).await?;
        let ticket = by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(ticket)
    }

    /// Records the customer's rating (1 to 5) of the ticket's latest resolution; a second
    /// rating of the same resolution is a conflict.
    pub async fn rate_ticket(
        &self,
        id: TicketId,
        rating: i64,
        comment: Option<&str>,
    ) -> StoreResult<()> {
        if !(1..=5).contains(&rating) {
            return Err(StoreError::Invalid(format!(
                "a rating is between 1 and 5, got {rating}"
            )));
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "UPDATE tickets SET csat_rating = $2, csat_comment = $3, csat_at = $4, csat_round = reopen_count
             WHERE id = $1 AND status IN ('resolved', 'closed')
             AND (csat_round IS NULL OR csat_round <> reopen_count)",
        )
        .bind(id.0)
        .bind(rating)
        .bind(comment.map(str::trim).filter(|c| !c.is_empty()))
        .bind(now.millis())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            let ticket = by_id(&mut tx, id).await?;
            return Err(if ticket.status.is_done() {
                StoreError::Conflict(format!("a rating of this resolution of ticket {id}"))
            } else {
                StoreError::Invalid(format!("ticket {id} is not resolved"))
            });
        }
        let kind = EventKind::CsatGiven {
            ticket_id: id,
            rating,
        };
        events::append_in(&mut tx, &event(now, None, kind)).await?;
        tx.commit().await
    }

    /// The inbox: tickets matching `q`, the most urgent SLA first (tickets without one last).
    pub async fn inbox(&self, q: &InboxQuery) -> StoreResult<Vec<InboxItem>> {
        let filter = inbox_filter(q);
        let limit = q.limit.map_or(String::new(), |n| {
            let offset = q.offset.unwrap_or_default().max(0);
            format!(" LIMIT {} OFFSET {offset}", n.max(0))
        });
        let sql = format!(
            "SELECT {}, c.subject, c.site_id, c.last_message_at, {DUE} AS due_at, {LAST} AS last_message
             FROM tickets t JOIN conversations c ON c.id = t.conversation_id{}
             ORDER BY COALESCE({DUE}, 9223372036854775807), t.id{limit}",
            columns("t."),
            filter.where_sql()
        );
        let rows = filter
            .bind(sqlx::query(&sql))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(inbox_item).collect()
    }

    /// How many tickets are in each status (the inbox's tabs).
    pub async fn ticket_counts(&self) -> StoreResult<TicketCounts> {
        let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM tickets GROUP BY status")
            .fetch_all(self.pool())
            .await?;
        let mut counts = TicketCounts::default();
        for row in rows {
            let n: i64 = row.try_get("n")?;
            match TicketStatus::parse(&row.try_get::<String, _>("status")?)? {
                TicketStatus::Open => counts.open = n,
                TicketStatus::Pending => counts.pending = n,
                TicketStatus::Resolved => counts.resolved = n,
                TicketStatus::Closed => counts.closed = n,
            }
        }
        Ok(counts)
    }
}

/// The conversation's last message the customer can see.
const LAST: &str =
    "(SELECT m.body FROM messages m WHERE m.conversation_id = c.id AND m.internal = 0
    ORDER BY m.id DESC LIMIT 1)";

fn inbox_filter(q: &InboxQuery) -> Filter {
    let mut f = Filter::default();
    f.text_in("t.status", q.statuses.iter().map(|s| s.as_str()));
    match q.assignee {
        AssigneeFilter::Anyone => {}
        AssigneeFilter::Unassigned => f.raw("t.assignee_user_id IS NULL"),
        AssigneeFilter::User(user) => f.int("t.assignee_user_id = ?", user.0),
    }
    if let Some(reason) = &q.reason {
        f.text("t.handoff_reason = ?", reason.as_str());
    }
    if let Some(text) = q.text.as_deref().filter(|t| !t.trim().is_empty()) {
        f.text(
            &format!("(LOWER(c.subject) LIKE ? ESCAPE '\\' OR LOWER({LAST}) LIKE ? ESCAPE '\\')"),
            contains_pattern(text),
        );
    }
    f
}

/// Opens the conversation's ticket.
async fn open(
    tx: &mut WriteTx,
    conversation: &Conversation,
    handoff: &Handoff,
    actor: Option<UserId>,
    now: Timestamp,
) -> StoreResult<Ticket> {
    let row = sqlx::query(&format!(
        "INSERT INTO tickets (conversation_id, status, priority, category, handoff_reason, suggested_answers,
         first_response_due_at, resolution_due_at, created_at, updated_at)
         VALUES ($1, 'open', $2, $3, $4, $5, $6, $7, $8, $8) RETURNING {}",
        columns("")
    ))
    .bind(conversation.id.0)
    .bind(handoff.priority.as_str())
    .bind(handoff.category.trim())
    .bind(handoff.reason.trim())
    .bind(handoff.suggested_answers.to_string())
    .bind(handoff.first_response_due_at.map(Timestamp::millis))
    .bind(handoff.resolution_due_at.map(Timestamp::millis))
    .bind(now.millis())
    .fetch_one(&mut **tx)
    .await?;
    let opened = ticket(&row)?;
    if !handoff.subject.trim().is_empty() {
        sqlx::query("UPDATE conversations SET subject = $2 WHERE id = $1")
            .bind(conversation.id.0)
            .bind(handoff.subject.trim())
            .execute(&mut **tx)
            .await?;
    }
    if conversation.status != ConversationStatus::Open {
        conversations::set_status(tx, conversation.id, ConversationStatus::Waiting, now).await?;
    }
    let kind = EventKind::HandedOff {
        conversation_id: conversation.id,
        ticket_id: opened.id,
        reason: handoff.reason.trim().to_owned(),
    };
    events::append_in(tx, &event(now, actor, kind)).await?;
    Ok(opened)
}

/// Moves a ticket (and its conversation) to `to`, recording a resolution or a reopen.
/// `actor` `None` means the customer (or levier) did it.
async fn change_status(
    tx: &mut WriteTx,
    conversation: &Conversation,
    ticket: &Ticket,
    to: TicketStatus,
    actor: Option<UserId>,
    now: Timestamp,
) -> StoreResult<()> {
    let resolving = !ticket.status.is_done() && to.is_done();
    let reopening = ticket.status.is_done() && !to.is_done();
    let resolved_at = match (resolving, reopening) {
        (true, _) => Some(now),
        (_, true) => None,
        _ => ticket.resolved_at,
    };
    sqlx::query(
        "UPDATE tickets SET status = $2, resolved_at = $3, reopen_count = reopen_count + $4,
         updated_at = $5 WHERE id = $1",
    )
    .bind(ticket.id.0)
    .bind(to.as_str())
    .bind(resolved_at.map(Timestamp::millis))
    .bind(i64::from(reopening))
    .bind(now.millis())
    .execute(&mut **tx)
    .await?;
    let (kind, status) = if resolving {
        let kind = EventKind::TicketResolved {
            ticket_id: ticket.id,
            after_ms: now.millis() - ticket.created_at.millis(),
            within_sla: ticket.resolution_due_at.map(|due| now <= due),
        };
        (kind, ConversationStatus::Resolved)
    } else if reopening {
        let kind = EventKind::TicketReopened {
            ticket_id: ticket.id,
            by_customer: actor.is_none(),
        };
        let status = match actor {
            None => ConversationStatus::Waiting,
            Some(_) => ConversationStatus::Open,
        };
        (kind, status)
    } else {
        return Ok(());
    };
    events::append_in(tx, &event(now, actor, kind)).await?;
    // E-mail triage: the mail's resolution KPI event.
    if resolving && conversation.channel == "email" {
        crate::mail::mail_ticket_events(tx, conversation.id, false, now, actor).await?;
    }
    conversations::set_status(tx, conversation.id, status, now).await
}

/// A customer wrote: a resolved or closed ticket is reopened, a pending one is open again; a
/// resolved conversation without a ticket goes back to the assistant. Returns the
/// conversation's new status when the caller must set it.
pub(crate) async fn customer_wrote(
    tx: &mut WriteTx,
    conversation: &Conversation,
    now: Timestamp,
) -> StoreResult<Option<ConversationStatus>> {
    match for_conversation(tx, conversation.id).await? {
        Some(t) if t.status != TicketStatus::Open => {
            change_status(tx, conversation, &t, TicketStatus::Open, None, now).await?;
            Ok(None)
        }
        Some(_) => Ok(None),
        None => Ok((conversation.status == ConversationStatus::Resolved)
            .then_some(ConversationStatus::Bot)),
    }
}

/// An agent answered the customer: the ticket's first response is stamped (and recorded) the
/// first time; the conversation is now held by a person. Returns the conversation's new
/// status when it changes.
pub(crate) async fn agent_replied(
    tx: &mut WriteTx,
    conversation: &Conversation,
    agent: UserId,
    now: Timestamp,
) -> StoreResult<Option<ConversationStatus>> {
    if let Some(t) = for_conversation(tx, conversation.id).await?
        && t.first_response_at.is_none()
    {
        sqlx::query("UPDATE tickets SET first_response_at = $2, updated_at = $2 WHERE id = $1")
            .bind(t.id.0)
            .bind(now.millis())
            .execute(&mut **tx)
            .await?;
        let kind = EventKind::AgentFirstResponse {
            ticket_id: t.id,
            after_ms: now.millis() - t.created_at.millis(),
            within_sla: t.first_response_due_at.map(|due| now <= due),
        };
        events::append_in(tx, &event(now, Some(agent), kind)).await?;
        // E-mail triage: the mail's first-reply KPI event.
        if conversation.channel == "email" {
            crate::mail::mail_ticket_events(tx, conversation.id, true, now, Some(agent)).await?;
        }
    }
    Ok(matches!(
        conversation.status,
        ConversationStatus::Bot | ConversationStatus::Waiting
    )
    .then_some(ConversationStatus::Open))
}

async fn for_conversation(tx: &mut WriteTx, id: ConversationId) -> StoreResult<Option<Ticket>> {
    find(tx, "conversation_id", id.0).await
}

async fn by_id(tx: &mut WriteTx, id: TicketId) -> StoreResult<Ticket> {
    find(tx, "id", id.0)
        .await?
        .ok_or_else(|| StoreError::not_found("ticket", id))
}

/// The ticket whose `column` (`id` or `conversation_id`, both unique) is `value`.
async fn find(conn: &mut AnyConnection, column: &str, value: i64) -> StoreResult<Option<Ticket>> {
    let sql = format!("SELECT {} FROM tickets WHERE {column} = $1", columns(""));
    let row = sqlx::query(&sql).bind(value).fetch_optional(conn).await?;
    row.as_ref().map(ticket).transpose()
}

fn ticket(row: &AnyRow) -> StoreResult<Ticket> {
    let csat = match row.try_get::<Option<i64>, _>("csat_rating")? {
        Some(rating) => Some(Csat {
            rating,
            comment: row.try_get("csat_comment")?,
            at: time(row, "csat_at")?,
        }),
        None => None,
    };
    Ok(Ticket {
        id: TicketId(row.try_get("id")?),
        conversation_id: ConversationId(row.try_get("conversation_id")?),
        status: TicketStatus::parse(&row.try_get::<String, _>("status")?)?,
        priority: TicketPriority::parse(&row.try_get::<String, _>("priority")?)?,
        category: row.try_get("category")?,
        handoff_reason: row.try_get("handoff_reason")?,
        assignee: row
            .try_get::<Option<i64>, _>("assignee_user_id")?
            .map(UserId),
        suggested_answers: json(row, "suggested_answers")?,
        first_response_due_at: opt_time(row, "first_response_due_at")?,
        resolution_due_at: opt_time(row, "resolution_due_at")?,
        first_response_at: opt_time(row, "first_response_at")?,
        resolved_at: opt_time(row, "resolved_at")?,
        reopen_count: row.try_get("reopen_count")?,
        csat,
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
    })
}

fn inbox_item(row: &AnyRow) -> StoreResult<InboxItem> {
    Ok(InboxItem {
        ticket: ticket(row)?,
        subject: row.try_get("subject")?,
        site_id: row.try_get::<Option<i64>, _>("site_id")?.map(SiteId),
        last_message: row.try_get("last_message")?,
        last_message_at: opt_time(row, "last_message_at")?,
        due_at: opt_time(row, "due_at")?,
    })
}
