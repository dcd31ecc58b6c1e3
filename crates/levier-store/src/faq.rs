//! FAQ entries and their phrasings: the support assistant's knowledge, managed by agents and
//! champions, and the classifier's training set.
//!
//! Every write records a change of the entry in the change sequence in the same transaction,
//! so the indexes and the classifier built from the FAQ follow it on every node.

use crate::bulk::insert_rows;
use crate::changes::{self, ChangeOp, Entity};
use crate::filter::{Filter, contains_pattern};
use crate::row::{opt_time, time};
use crate::text_enum::text_enum;
use crate::tx::WriteTx;
use crate::{Store, StoreError, StoreResult};
use levier_core::Timestamp;
use levier_core::ids::{FaqEntryId, FaqPhrasingId, UserId};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::HashMap;

text_enum!(
    /// Where a phrasing came from.
    PhrasingOrigin {
        /// Imported with the FAQ (and the canonical question itself).
        Import = "import",
        /// Typed in by whoever manages the FAQ.
        Manual = "manual",
        /// A customer's real question, added by an agent from a conversation.
        Agent = "agent",
    }
);

/// An FAQ entry to create.
#[derive(Debug, Clone)]
pub struct NewFaqEntry {
    /// The canonical question.
    pub question: String,
    /// The answer given to customers.
    pub answer: String,
    /// Category, e.g. `livraison`.
    pub category: String,
    /// Language code, e.g. `fr`.
    pub language: String,
    /// Whether customers may receive it.
    pub public: bool,
    /// Other ways people ask the same question.
    pub phrasings: Vec<String>,
}

/// The editable fields of an entry (all replaced by an update).
#[derive(Debug, Clone, PartialEq)]
pub struct FaqEdit {
    /// The canonical question.
    pub question: String,
    /// The answer given to customers.
    pub answer: String,
    /// Category.
    pub category: String,
    /// Language code.
    pub language: String,
    /// Whether customers may receive it.
    pub public: bool,
    /// Who keeps it right.
    pub owner: Option<UserId>,
    /// When it should be checked again.
    pub review_at: Option<Timestamp>,
}

/// An FAQ entry as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaqEntry {
    /// Identifier.
    pub id: FaqEntryId,
    /// The canonical question.
    pub question: String,
    /// The answer.
    pub answer: String,
    /// Category.
    pub category: String,
    /// Language code.
    pub language: String,
    /// Whether customers may receive it.
    pub public: bool,
    /// Who keeps it right.
    pub owner: Option<UserId>,
    /// When it should be checked again.
    pub review_at: Option<Timestamp>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it or its phrasings last changed.
    pub updated_at: Timestamp,
}

/// Another way of asking an entry's question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FaqPhrasing {
    /// Identifier.
    pub id: FaqPhrasingId,
    /// Its entry.
    pub faq_entry_id: FaqEntryId,
    /// The question as asked.
    pub body: String,
    /// Where it came from.
    pub origin: PhrasingOrigin,
    /// Who added it.
    pub created_by: Option<UserId>,
    /// When.
    pub created_at: Timestamp,
}

/// An entry with its phrasings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaqEntryWithPhrasings {
    /// The entry.
    pub entry: FaqEntry,
    /// Its phrasings, oldest first.
    pub phrasings: Vec<FaqPhrasing>,
}

/// Which entries to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaqFilter {
    /// Only this category.
    pub category: Option<String>,
    /// Only this language.
    pub language: Option<String>,
    /// Only entries whose question, answer or a phrasing contains this text.
    pub text: Option<String>,
}

const ENTRY_COLUMNS: &str = "id, question, answer, category, language, public, owner_user_id, review_at, created_at, updated_at";
const PHRASING_COLUMNS: &str = "id, faq_entry_id, body, origin, created_by_user_id, created_at";

impl Store {
    /// Creates an FAQ entry with its phrasings (the question is its first phrasing) and
    /// records the change.
    pub async fn create_faq_entry(&self, new: &NewFaqEntry) -> StoreResult<FaqEntryId> {
        check_texts(&new.question, &new.answer)?;
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "INSERT INTO faq_entries (question, answer, category, language, public, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(new.question.trim())
        .bind(new.answer.trim())
        .bind(new.category.trim())
        .bind(new.language.trim())
        .bind(i64::from(new.public))
        .bind(now.millis())
        .fetch_one(&mut *tx)
        .await?;
        let id = FaqEntryId(row.try_get("id")?);
        let texts: Vec<&str> = std::iter::once(&new.question)
            .chain(&new.phrasings)
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .collect();
        insert_phrasings(&mut tx, id, &texts, PhrasingOrigin::Import, None, now).await?;
        changes::record_in(&mut tx, Entity::FaqEntry, id.0, ChangeOp::Upsert).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The FAQ entry whose canonical question is exactly `question`, if any.
    pub async fn faq_entry_by_question(&self, question: &str) -> StoreResult<Option<FaqEntryId>> {
        let row = sqlx::query("SELECT id FROM faq_entries WHERE question = $1 ORDER BY id LIMIT 1")
            .bind(question.trim())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| r.try_get("id").map(FaqEntryId))
            .transpose()
            .map_err(Into::into)
    }

    /// Entries matching `filter`, by category then question.
    pub async fn faq_entries(&self, filter: &FaqFilter) -> StoreResult<Vec<FaqEntry>> {
        let mut f = Filter::default();
        if let Some(category) = &filter.category {
            f.text("category = ?", category.trim());
        }
        if let Some(language) = &filter.language {
            f.text("language = ?", language.trim());
        }
        if let Some(text) = filter.text.as_deref().filter(|t| !t.trim().is_empty()) {
            f.text(
                "(LOWER(question) LIKE ? ESCAPE '\\' OR LOWER(answer) LIKE ? ESCAPE '\\'
                 OR EXISTS (SELECT 1 FROM faq_phrasings p WHERE p.faq_entry_id = faq_entries.id
                            AND LOWER(p.body) LIKE ? ESCAPE '\\'))",
                contains_pattern(text),
            );
        }
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM faq_entries{} ORDER BY category, question, id",
            f.where_sql()
        );
        let rows = f.bind(sqlx::query(&sql)).fetch_all(self.pool()).await?;
        rows.iter().map(entry).collect()
    }

    /// An entry with its phrasings.
    pub async fn faq_entry(&self, id: FaqEntryId) -> StoreResult<Option<FaqEntryWithPhrasings>> {
        Ok(self.with_phrasings(Some(id)).await?.pop())
    }

    /// Every entry with its phrasings, by id: what the classifier is trained on.
    pub async fn faq_training_set(&self) -> StoreResult<Vec<FaqEntryWithPhrasings>> {
        self.with_phrasings(None).await
    }

    /// Replaces an entry's editable fields (its phrasings stay).
    pub async fn update_faq_entry(&self, id: FaqEntryId, edit: &FaqEdit) -> StoreResult<()> {
        check_texts(&edit.question, &edit.answer)?;
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "UPDATE faq_entries SET question = $2, answer = $3, category = $4, language = $5,
             public = $6, owner_user_id = $7, review_at = $8, updated_at = $9 WHERE id = $1",
        )
        .bind(id.0)
        .bind(edit.question.trim())
        .bind(edit.answer.trim())
        .bind(edit.category.trim())
        .bind(edit.language.trim())
        .bind(i64::from(edit.public))
        .bind(edit.owner.map(|u| u.0))
        .bind(edit.review_at.map(Timestamp::millis))
        .bind(Timestamp::now().millis())
        .execute(&mut *tx)
        .await?;
        StoreError::found(done.rows_affected(), "FAQ entry", id)?;
        changes::record_in(&mut tx, Entity::FaqEntry, id.0, ChangeOp::Upsert).await?;
        tx.commit().await
    }

    /// Deletes an entry and its phrasings.
    pub async fn delete_faq_entry(&self, id: FaqEntryId) -> StoreResult<()> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query("DELETE FROM faq_entries WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        StoreError::found(done.rows_affected(), "FAQ entry", id)?;
        changes::record_in(&mut tx, Entity::FaqEntry, id.0, ChangeOp::Delete).await?;
        tx.commit().await
    }

    /// Adds a phrasing to an entry; the same text twice on one entry is a conflict.
    pub async fn add_faq_phrasing(
        &self,
        id: FaqEntryId,
        body: &str,
        origin: PhrasingOrigin,
        created_by: Option<UserId>,
    ) -> StoreResult<FaqPhrasingId> {
        let body = body.trim();
        if body.is_empty() {
            return Err(StoreError::Invalid("a phrasing needs a text".into()));
        }
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        touch(&mut tx, id, now).await?;
        let twin =
            sqlx::query("SELECT id FROM faq_phrasings WHERE faq_entry_id = $1 AND body = $2")
                .bind(id.0)
                .bind(body)
                .fetch_optional(&mut *tx)
                .await?;
        if twin.is_some() {
            return Err(StoreError::Conflict(format!(
                "the phrasing '{body}' of FAQ entry {id}"
            )));
        }
        let ids = insert_phrasings(&mut tx, id, &[body], origin, created_by, now).await?;
        tx.commit().await?;
        ids.into_iter()
            .next()
            .ok_or_else(|| StoreError::Invalid("the phrasing was not stored".into()))
    }

    /// Removes a phrasing.
    pub async fn remove_faq_phrasing(&self, id: FaqPhrasingId) -> StoreResult<()> {
        let mut tx = self.write_tx().await?;
        let row = sqlx::query("DELETE FROM faq_phrasings WHERE id = $1 RETURNING faq_entry_id")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::not_found("FAQ phrasing", id))?;
        let entry = FaqEntryId(row.try_get("faq_entry_id")?);
        touch(&mut tx, entry, Timestamp::now()).await?;
        tx.commit().await
    }

    /// Entries (one, or all when `id` is `None`) with their phrasings, in two queries.
    async fn with_phrasings(
        &self,
        id: Option<FaqEntryId>,
    ) -> StoreResult<Vec<FaqEntryWithPhrasings>> {
        let (mut entries, mut phrasings) = (Filter::default(), Filter::default());
        if let Some(id) = id {
            entries.int("id = ?", id.0);
            phrasings.int("faq_entry_id = ?", id.0);
        }
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM faq_entries{} ORDER BY id",
            entries.where_sql()
        );
        let rows = entries
            .bind(sqlx::query(&sql))
            .fetch_all(self.pool())
            .await?;
        let sql = format!(
            "SELECT {PHRASING_COLUMNS} FROM faq_phrasings{} ORDER BY faq_entry_id, id",
            phrasings.where_sql()
        );
        let mut by_entry: HashMap<FaqEntryId, Vec<FaqPhrasing>> = HashMap::new();
        for row in phrasings
            .bind(sqlx::query(&sql))
            .fetch_all(self.pool())
            .await?
        {
            let p = phrasing(&row)?;
            by_entry.entry(p.faq_entry_id).or_default().push(p);
        }
        rows.iter()
            .map(|row| {
                let entry = entry(row)?;
                let phrasings = by_entry.remove(&entry.id).unwrap_or_default();
                Ok(FaqEntryWithPhrasings { entry, phrasings })
            })
            .collect()
    }
}

fn check_texts(question: &str, answer: &str) -> StoreResult<()> {
    if question.trim().is_empty() || answer.trim().is_empty() {
        return Err(StoreError::Invalid(
            "an FAQ entry needs a question and an answer".into(),
        ));
    }
    Ok(())
}

/// Marks an entry changed by a change to its phrasings (and checks that it exists).
async fn touch(tx: &mut WriteTx, id: FaqEntryId, now: Timestamp) -> StoreResult<()> {
    let done = sqlx::query("UPDATE faq_entries SET updated_at = $2 WHERE id = $1")
        .bind(id.0)
        .bind(now.millis())
        .execute(&mut **tx)
        .await?;
    StoreError::found(done.rows_affected(), "FAQ entry", id)?;
    changes::record_in(tx, Entity::FaqEntry, id.0, ChangeOp::Upsert).await?;
    Ok(())
}

async fn insert_phrasings(
    tx: &mut WriteTx,
    id: FaqEntryId,
    texts: &[&str],
    origin: PhrasingOrigin,
    created_by: Option<UserId>,
    now: Timestamp,
) -> StoreResult<Vec<FaqPhrasingId>> {
    let rows = insert_rows(
        tx,
        "INSERT INTO faq_phrasings (faq_entry_id, body, origin, created_by_user_id, created_at)",
        5,
        "RETURNING id",
        texts,
        |q, text| {
            q.bind(id.0)
                .bind(*text)
                .bind(origin.as_str())
                .bind(created_by.map(|u| u.0))
                .bind(now.millis())
        },
    )
    .await?;
    rows.iter()
        .map(|r| Ok(FaqPhrasingId(r.try_get("id")?)))
        .collect()
}

fn entry(row: &AnyRow) -> StoreResult<FaqEntry> {
    Ok(FaqEntry {
        id: FaqEntryId(row.try_get("id")?),
        question: row.try_get("question")?,
        answer: row.try_get("answer")?,
        category: row.try_get("category")?,
        language: row.try_get("language")?,
        public: row.try_get::<i64, _>("public")? != 0,
        owner: row.try_get::<Option<i64>, _>("owner_user_id")?.map(UserId),
        review_at: opt_time(row, "review_at")?,
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
    })
}

fn phrasing(row: &AnyRow) -> StoreResult<FaqPhrasing> {
    Ok(FaqPhrasing {
        id: FaqPhrasingId(row.try_get("id")?),
        faq_entry_id: FaqEntryId(row.try_get("faq_entry_id")?),
        body: row.try_get("body")?,
        origin: PhrasingOrigin::parse(&row.try_get::<String, _>("origin")?)?,
        created_by: row
            .try_get::<Option<i64>, _>("created_by_user_id")?
            .map(UserId),
        created_at: time(row, "created_at")?,
    })
}
