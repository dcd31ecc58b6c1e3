//! The short in-app survey of a live pilot's users: "does this pilot save you time?" from 1
//! to 5 with a comment, asked on their home page until they answer — the people's side of a
//! pilot's measure, next to the figures of the event log.

use crate::pilots::{Pilot, PilotStatus};
use crate::row::time;
use crate::{Store, StoreError, StoreResult};
use levier_core::Timestamp;
use levier_core::ids::{PilotId, UserId};
use serde::Serialize;
use sqlx::Row;

/// Longest comment kept, in characters.
pub const SURVEY_COMMENT_MAX: usize = 1000;

/// One person's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurveyAnswer {
    /// Who answered (their answers go with their account).
    pub user_id: UserId,
    /// 1 (not at all) to 5 (a lot).
    pub score: i64,
    /// What they added.
    pub comment: String,
    /// When.
    pub at: Timestamp,
}

impl Store {
    /// Records `user`'s answer to `pilot`'s survey, replacing an earlier one; only a live
    /// pilot asks.
    pub async fn answer_pilot_survey(
        &self,
        pilot: PilotId,
        user: UserId,
        score: i64,
        comment: &str,
    ) -> StoreResult<()> {
        if !(1..=5).contains(&score) {
            return Err(StoreError::Invalid(format!(
                "a survey answer is between 1 and 5, got {score}"
            )));
        }
        let found = self
            .pilot(pilot)
            .await?
            .ok_or_else(|| StoreError::not_found("pilot", pilot))?;
        if found.status != PilotStatus::Live {
            return Err(StoreError::Conflict(format!(
                "pilot '{}' is not running: its survey is closed",
                found.name
            )));
        }
        let comment: String = comment.trim().chars().take(SURVEY_COMMENT_MAX).collect();
        sqlx::query(
            "INSERT INTO pilot_survey_answers (pilot_id, user_id, score, comment, at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (pilot_id, user_id) DO UPDATE SET score = excluded.score,
             comment = excluded.comment, at = excluded.at",
        )
        .bind(pilot.0)
        .bind(user.0)
        .bind(score)
        .bind(comment)
        .bind(self.now().millis())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The answers to `pilot`'s survey, the latest first.
    pub async fn pilot_survey(&self, pilot: PilotId) -> StoreResult<Vec<SurveyAnswer>> {
        let rows = sqlx::query(
            "SELECT user_id, score, comment, at FROM pilot_survey_answers WHERE pilot_id = $1
             ORDER BY at DESC, user_id",
        )
        .bind(pilot.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SurveyAnswer {
                    user_id: UserId(r.try_get("user_id")?),
                    score: r.try_get("score")?,
                    comment: r.try_get("comment")?,
                    at: time(r, "at")?,
                })
            })
            .collect()
    }

    /// The live pilots that ask `user` (of `team`) and that they have not answered: those
    /// whose scope names their team or no team at all.
    pub async fn surveys_for(&self, user: UserId, team: Option<&str>) -> StoreResult<Vec<Pilot>> {
        let answered: Vec<i64> =
            sqlx::query("SELECT pilot_id FROM pilot_survey_answers WHERE user_id = $1")
                .bind(user.0)
                .fetch_all(self.pool())
                .await?
                .iter()
                .map(|r| r.try_get("pilot_id"))
                .collect::<Result<_, _>>()?;
        Ok(self
            .pilots()
            .await?
            .into_iter()
            .filter(|p| p.status == PilotStatus::Live && !answered.contains(&p.id.0))
            .filter(|p| {
                p.scope.teams.is_empty()
                    || team.is_some_and(|t| p.scope.teams.iter().any(|s| s == t))
            })
            .collect())
    }
}
