//! What employees make of internal search: each question asked is an event (the adoption
//! KPIs count them), and an employee may say whether the answer was useful, with a comment
//! that AI champions read to improve the documents.

use crate::filter::Filter;
use crate::row::time;
use crate::{Store, StoreResult, events};
use levier_core::ids::{DocumentId, UserId};
use levier_core::{Event, EventKind, Timestamp};
use sqlx::Row;

/// Longest comment kept, in characters.
pub const COMMENT_MAX: usize = 2000;

/// An employee's rating of an answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AnswerRating {
    /// Who rated (none once their account is deleted).
    pub user_id: Option<UserId>,
    /// The question as asked.
    pub question: String,
    /// The document the answer came from, when there was one.
    pub document_id: Option<DocumentId>,
    /// Whether the answer was useful.
    pub useful: bool,
    /// What they added.
    pub comment: String,
    /// When.
    pub at: Timestamp,
}

impl Store {
    /// Records that `user` asked internal search a question, and whether it was answered.
    pub async fn record_question(&self, user: UserId, answered: bool) -> StoreResult<()> {
        let kind = EventKind::QuestionAsked {
            user_id: user,
            answered,
        };
        self.append_event(&Event {
            at: self.now(),
            actor: Some(user),
            kind,
        })
        .await
        .map(|_| ())
    }

    /// Records an employee's rating of an answer (the comment cut to [`COMMENT_MAX`]).
    pub async fn rate_answer(&self, rating: &AnswerRating) -> StoreResult<()> {
        let comment: String = rating.comment.trim().chars().take(COMMENT_MAX).collect();
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO answer_ratings (user_id, question, document_id, useful, comment, at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(rating.user_id.map(|u| u.0))
        .bind(rating.question.trim())
        .bind(rating.document_id.map(|d| d.0))
        .bind(i64::from(rating.useful))
        .bind(&comment)
        .bind(rating.at.millis())
        .execute(&mut *tx)
        .await?;
        if let Some(user) = rating.user_id {
            let kind = EventKind::AnswerRated {
                user_id: user,
                useful: rating.useful,
            };
            let event = Event {
                at: rating.at,
                actor: Some(user),
                kind,
            };
            events::append_in(&mut tx, &event).await?;
        }
        tx.commit().await
    }

    /// The latest ratings, newest first, of the employees of `teams` (everyone's when
    /// empty): what an AI champion reads of the people they accompany.
    pub async fn answer_ratings(
        &self,
        teams: &[String],
        limit: i64,
    ) -> StoreResult<Vec<AnswerRating>> {
        let mut f = Filter::default();
        f.text_in("u.team", teams.iter().map(String::as_str));
        let sql = format!(
            "SELECT r.user_id, r.question, r.document_id, r.useful, r.comment, r.at
             FROM answer_ratings r LEFT JOIN users u ON u.id = r.user_id{}
             ORDER BY r.at DESC, r.id DESC LIMIT {}",
            f.where_sql(),
            limit.max(0)
        );
        let rows = f.bind(sqlx::query(&sql)).fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(AnswerRating {
                    user_id: r.try_get::<Option<i64>, _>("user_id")?.map(UserId),
                    question: r.try_get("question")?,
                    document_id: r.try_get::<Option<i64>, _>("document_id")?.map(DocumentId),
                    useful: r.try_get::<i64, _>("useful")? == 1,
                    comment: r.try_get("comment")?,
                    at: time(r, "at")?,
                })
            })
            .collect()
    }
}
