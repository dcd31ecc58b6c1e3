//! Feedback from people (step 4 of the adoption method, "train and adapt"): what employees
//! said of internal search's answers and which answers of the assistant agents marked wrong,
//! for the AI champions who improve the documents and the FAQ. A champion reads the ratings
//! of their own team and of the teams of the pilots they lead (everyone's when one of those
//! pilots covers every team); administrators read everyone's.

use super::{Page, page};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use levier_core::Role;
use levier_core::Timestamp;
use levier_store::directory::User;
use levier_store::support::WrongAnswer;
use std::collections::HashMap;

/// How many lines each list shows.
const SHOWN: i64 = 200;

/// A rating as listed.
struct RatingLine {
    at: String,
    who: String,
    team: String,
    question: String,
    useful: bool,
    comment: String,
}

#[derive(Template)]
#[template(path = "feedback.html")]
struct FeedbackPage {
    shell: super::Shell,
    /// The teams read, `None` for everyone.
    teams: Option<Vec<String>>,
    ratings: Vec<RatingLine>,
    useful: usize,
    wrong: Vec<(String, WrongAnswer)>,
}

/// `GET /feedback`.
pub async fn feedback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
) -> Response {
    match lists(&state, &caller).await {
        Ok((teams, ratings, wrong)) => {
            let Page { shell, cookies } = page(&state, &headers, Some(&caller), "/feedback").await;
            let template = FeedbackPage {
                useful: ratings.iter().filter(|r| r.useful).count(),
                teams,
                ratings,
                wrong,
                shell,
            };
            super::render_with(&template, StatusCode::OK, cookies)
        }
        Err(e) => e.into_response(),
    }
}

type Lists = (
    Option<Vec<String>>,
    Vec<RatingLine>,
    Vec<(String, WrongAnswer)>,
);

async fn lists(state: &AppState, caller: &Caller) -> Result<Lists, ApiError> {
    let users = state.store.users().await?;
    let teams = teams_read(state, caller).await?;
    let by_id: HashMap<_, &User> = users.iter().map(|u| (u.id, u)).collect();
    let ratings = match &teams {
        // A champion of no team and no pilot reads nobody's ratings.
        Some(teams) if teams.is_empty() => Vec::new(),
        Some(teams) => state.store.answer_ratings(teams, SHOWN).await?,
        None => state.store.answer_ratings(&[], SHOWN).await?,
    };
    let ratings = ratings
        .into_iter()
        .map(|r| {
            let user = r.user_id.and_then(|id| by_id.get(&id));
            RatingLine {
                at: date(r.at),
                who: user.map_or(String::new(), |u| u.display_name.clone()),
                team: user.and_then(|u| u.team.clone()).unwrap_or_default(),
                question: r.question,
                useful: r.useful,
                comment: r.comment,
            }
        })
        .collect();
    let wrong = state
        .store
        .wrong_answers(SHOWN)
        .await?
        .into_iter()
        .map(|w| (date(w.at), w))
        .collect();
    Ok((teams, ratings, wrong))
}

/// The teams whose ratings `caller` reads, `None` for everyone's.
async fn teams_read(state: &AppState, caller: &Caller) -> Result<Option<Vec<String>>, ApiError> {
    if caller.role != Role::Champion {
        return Ok(None);
    }
    let led: Vec<_> = state
        .store
        .pilots()
        .await?
        .into_iter()
        .filter(|p| p.champions.contains(&caller.user.id))
        .collect();
    if led.iter().any(|p| p.scope.teams.is_empty()) {
        return Ok(None);
    }
    let mut teams: Vec<String> = led.into_iter().flat_map(|p| p.scope.teams).collect();
    teams.extend(caller.user.team.clone());
    teams.sort();
    teams.dedup();
    Ok(Some(teams))
}

/// `2026-11-03 14:05` on the company's clocks.
fn date(at: Timestamp) -> String {
    let zone = levier_report::time_zone(levier_report::DEFAULT_TIME_ZONE)
        .unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::from_millisecond(at.0).map_or(String::new(), |t| {
        t.to_zoned(zone).strftime("%Y-%m-%d %H:%M").to_string()
    })
}
