//! Routing rules of the shared mailbox: which team, agent or queue receives a mail, decided
//! by its category, its sender (domain, VIP list), words of its subject or text, and its
//! language. Rules are tried in `position` order and the first whose every condition holds
//! wins; a mail no rule takes goes to [`DEFAULT_QUEUE`], so no mail is left unrouted.

use crate::row::time;
use crate::support::TicketPriority;
use crate::text_enum::text_enum;
use crate::{Store, StoreError, StoreResult};
use levier_core::Timestamp;
use levier_core::ids::UserId;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

/// The queue of mails no rule takes.
pub const DEFAULT_QUEUE: &str = "général";

text_enum!(
    /// What kind of recipient a rule routes to.
    TargetKind {
        /// A team (`compta`, `sav`…).
        Team = "team",
        /// One agent (the ticket is assigned to them).
        Agent = "agent",
        /// A named queue.
        Queue = "queue",
    }
);

/// A rule as written by an admin: conditions (empty lists and `None` mean "any") and where
/// the mails it takes go.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MailRuleSpec {
    /// A name shown on the Emails page.
    pub name: String,
    /// Order among rules (lowest first).
    pub position: i64,
    /// Categories it takes (any of them).
    pub categories: Vec<String>,
    /// Sender domains it takes (`ergolis.fr`).
    pub sender_domains: Vec<String>,
    /// VIP senders: addresses or domains whose mails it takes.
    pub vip_senders: Vec<String>,
    /// Words or phrases of the subject or new text (any of them, case-insensitive).
    pub keywords: Vec<String>,
    /// Only mails in this language (`fr`, `en`).
    pub language: Option<String>,
    /// Team, agent or queue.
    pub target_kind: Option<TargetKind>,
    /// The team's or queue's name (for an agent, a label).
    pub target: String,
    /// The agent who gets the ticket.
    pub assignee: Option<UserId>,
    /// The ticket's priority; from the mail's urgency when `None`.
    pub priority: Option<TicketPriority>,
    /// Disabled rules are kept but not tried.
    pub enabled: bool,
}

/// A stored rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MailRule {
    /// Identifier.
    pub id: i64,
    /// What it says.
    #[serde(flatten)]
    pub spec: MailRuleSpec,
    /// When it was written.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// What rules look at in a mail.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RouteFacts {
    /// Its category; `None` while it is to review (no category rule may take it then).
    pub category: Option<String>,
    /// The sender's address, lower-cased.
    pub sender: String,
    /// Its subject and new text.
    pub text: String,
    /// Its language.
    pub language: Option<String>,
}

/// Where a mail goes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Route {
    /// The rule that decided, `None` for the default queue.
    pub rule_id: Option<i64>,
    /// Team, agent or queue.
    pub kind: TargetKind,
    /// Its name.
    pub target: String,
    /// The agent who gets the ticket.
    pub assignee: Option<UserId>,
    /// The ticket's priority, when the rule sets one.
    pub priority: Option<TicketPriority>,
}

impl Route {
    /// `kind:target`, as events and pages show it.
    pub fn label(&self) -> String {
        format!("{}:{}", self.kind.as_str(), self.target)
    }

    /// The default queue.
    pub fn default_queue() -> Route {
        Route {
            rule_id: None,
            kind: TargetKind::Queue,
            target: DEFAULT_QUEUE.to_owned(),
            assignee: None,
            priority: None,
        }
    }
}

impl MailRule {
    /// True when every condition the rule sets holds for the mail.
    pub fn matches(&self, facts: &RouteFacts) -> bool {
        let s = &self.spec;
        let domain = facts.sender.rsplit_once('@').map_or("", |(_, d)| d);
        let text = facts.text.to_lowercase();
        s.enabled
            && (s.categories.is_empty()
                || facts
                    .category
                    .as_ref()
                    .is_some_and(|c| s.categories.iter().any(|x| x == c)))
            && (s.sender_domains.is_empty() || s.sender_domains.iter().any(|d| d == domain))
            && (s.vip_senders.is_empty()
                || s.vip_senders
                    .iter()
                    .any(|v| *v == facts.sender || v == domain))
            && (s.keywords.is_empty() || s.keywords.iter().any(|k| text.contains(k.as_str())))
            && s.language
                .as_ref()
                .is_none_or(|l| facts.language.as_ref() == Some(l))
    }

    /// Where the mails it takes go.
    pub fn route(&self) -> Route {
        Route {
            rule_id: Some(self.id),
            kind: self.spec.target_kind.unwrap_or(TargetKind::Queue),
            target: self.spec.target.clone(),
            assignee: self.spec.assignee,
            priority: self.spec.priority,
        }
    }
}

/// The route of the first rule (in order) that takes the mail, else the default queue.
pub fn route_for(rules: &[MailRule], facts: &RouteFacts) -> Route {
    rules
        .iter()
        .find(|r| r.matches(facts))
        .map_or_else(Route::default_queue, MailRule::route)
}

const COLUMNS: &str = "id, name, position, categories, sender_domains, vip_senders, keywords, language, target_kind, target, assignee_user_id, priority, enabled, created_at, updated_at";

impl Store {
    /// Adds a routing rule.
    pub async fn create_mail_rule(&self, spec: &MailRuleSpec) -> StoreResult<MailRule> {
        let spec = normalised(spec)?;
        let now = self.now();
        let row = bind_spec(
            sqlx::query(&format!(
                "INSERT INTO mail_rules (name, position, categories, sender_domains, vip_senders, keywords,
                 language, target_kind, target, assignee_user_id, priority, enabled, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING {COLUMNS}"
            )),
            &spec,
        )
        .bind(now.millis())
        .fetch_one(self.pool())
        .await?;
        rule(&row)
    }

    /// Replaces what a rule says.
    pub async fn update_mail_rule(&self, id: i64, spec: &MailRuleSpec) -> StoreResult<MailRule> {
        let spec = normalised(spec)?;
        let row = bind_spec(
            sqlx::query(&format!(
                "UPDATE mail_rules SET name = $1, position = $2, categories = $3, sender_domains = $4,
                 vip_senders = $5, keywords = $6, language = $7, target_kind = $8, target = $9,
                 assignee_user_id = $10, priority = $11, enabled = $12, updated_at = $13
                 WHERE id = $14 RETURNING {COLUMNS}"
            )),
            &spec,
        )
        .bind(self.now().millis())
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::not_found("mail rule", id))?;
        rule(&row)
    }

    /// Removes a rule; mails it routed keep their route.
    pub async fn delete_mail_rule(&self, id: i64) -> StoreResult<()> {
        let done = sqlx::query("DELETE FROM mail_rules WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        StoreError::found(done.rows_affected(), "mail rule", id)
    }

    /// Every rule, in the order they are tried.
    pub async fn mail_rules(&self) -> StoreResult<Vec<MailRule>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM mail_rules ORDER BY position, id"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(rule).collect()
    }
}

/// The spec with its lists trimmed and lower-cased where matching ignores case; a rule
/// without a target is refused, naming the field.
fn normalised(spec: &MailRuleSpec) -> StoreResult<MailRuleSpec> {
    let clean = |list: &[String], lower: bool| -> Vec<String> {
        list.iter()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(|v| {
                if lower {
                    v.to_lowercase()
                } else {
                    v.to_owned()
                }
            })
            .collect()
    };
    if spec.name.trim().is_empty() {
        return Err(StoreError::Invalid("name: a rule needs a name".into()));
    }
    if spec.target.trim().is_empty() && spec.assignee.is_none() {
        return Err(StoreError::Invalid(
            "target: a rule needs a team, queue or agent to route to".into(),
        ));
    }
    Ok(MailRuleSpec {
        name: spec.name.trim().to_owned(),
        categories: clean(&spec.categories, false),
        sender_domains: clean(&spec.sender_domains, true),
        vip_senders: clean(&spec.vip_senders, true),
        keywords: clean(&spec.keywords, true),
        language: spec
            .language
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_lowercase),
        target: spec.target.trim().to_owned(),
        ..spec.clone()
    })
}

fn bind_spec<'q>(
    query: crate::bulk::AnyQuery<'q>,
    spec: &MailRuleSpec,
) -> crate::bulk::AnyQuery<'q> {
    let list = |l: &[String]| serde_json::to_string(l).unwrap_or_else(|_| "[]".into());
    query
        .bind(spec.name.clone())
        .bind(spec.position)
        .bind(list(&spec.categories))
        .bind(list(&spec.sender_domains))
        .bind(list(&spec.vip_senders))
        .bind(list(&spec.keywords))
        .bind(spec.language.clone())
        .bind(spec.target_kind.unwrap_or(TargetKind::Queue).as_str())
        .bind(spec.target.clone())
        .bind(spec.assignee.map(|u| u.0))
        .bind(spec.priority.map(|p| p.as_str()))
        .bind(i64::from(spec.enabled))
}

fn list(row: &AnyRow, column: &str) -> StoreResult<Vec<String>> {
    let text: String = row.try_get(column)?;
    Ok(serde_json::from_str(&text).unwrap_or_default())
}

fn rule(row: &AnyRow) -> StoreResult<MailRule> {
    let priority: Option<String> = row.try_get("priority")?;
    Ok(MailRule {
        id: row.try_get("id")?,
        spec: MailRuleSpec {
            name: row.try_get("name")?,
            position: row.try_get("position")?,
            categories: list(row, "categories")?,
            sender_domains: list(row, "sender_domains")?,
            vip_senders: list(row, "vip_senders")?,
            keywords: list(row, "keywords")?,
            language: row.try_get("language")?,
            target_kind: Some(TargetKind::parse(
                &row.try_get::<String, _>("target_kind")?,
            )?),
            target: row.try_get("target")?,
            assignee: row
                .try_get::<Option<i64>, _>("assignee_user_id")?
                .map(UserId),
            priority: priority.as_deref().map(TicketPriority::parse).transpose()?,
            enabled: row.try_get::<i64, _>("enabled")? != 0,
        },
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: i64, spec: MailRuleSpec) -> MailRule {
        MailRule {
            id,
            spec: MailRuleSpec {
                enabled: true,
                target: format!("t{id}"),
                ..spec
            },
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
        }
    }

    #[test]
    fn the_first_rule_whose_every_condition_holds_wins() {
        let rules = [
            rule(
                1,
                MailRuleSpec {
                    categories: vec!["facturation".into()],
                    language: Some("en".into()),
                    ..Default::default()
                },
            ),
            rule(
                2,
                MailRuleSpec {
                    vip_senders: vec!["bigclient.fr".into()],
                    ..Default::default()
                },
            ),
            rule(
                3,
                MailRuleSpec {
                    categories: vec!["facturation".into()],
                    keywords: vec!["relance".into()],
                    ..Default::default()
                },
            ),
        ];
        let facts = RouteFacts {
            category: Some("facturation".into()),
            sender: "a@client.fr".into(),
            text: "Deuxième RELANCE facture".into(),
            language: Some("fr".into()),
        };
        assert_eq!(route_for(&rules, &facts).rule_id, Some(3));
        let vip = RouteFacts {
            sender: "boss@bigclient.fr".into(),
            ..facts.clone()
        };
        assert_eq!(route_for(&rules, &vip).rule_id, Some(2));
        let to_review = RouteFacts {
            category: None,
            ..facts
        };
        assert_eq!(route_for(&rules, &to_review), Route::default_queue());
    }
}
