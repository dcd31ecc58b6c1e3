//! The home page: who you are and what the workspace holds.

use super::{Page, Shell, page, role_label};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    shell: Shell,
    name: String,
    role_label: String,
    groups: Vec<String>,
    counts: Vec<(String, i64)>,
    /// Live pilots asking this person whether they save time (not answered yet).
    surveys: Vec<(i64, String)>,
}

/// `GET /`.
pub async fn home(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
) -> Response {
    let counts = match state.store.counts().await {
        Ok(c) => c,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let surveys = match state
        .store
        .surveys_for(caller.user.id, caller.user.team.as_deref())
        .await
    {
        Ok(pilots) => pilots.into_iter().map(|p| (p.id.0, p.name)).collect(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Page { shell, cookies } = page(&state, &headers, Some(&caller), "/").await;
    let t = shell.t;
    let rows = [
        ("count.users", counts.users),
        ("count.groups", counts.groups),
        ("count.documents", counts.documents),
        ("count.faq", counts.faq_entries),
        ("count.phrasings", counts.faq_phrasings),
        ("count.leads", counts.leads),
        ("count.interactions", counts.lead_interactions),
        ("count.usecases", counts.use_cases),
        ("count.events", counts.events),
        ("count.tasks", counts.tasks),
    ];
    let template = HomePage {
        name: caller.user.display_name.clone(),
        role_label: role_label(t, caller.role),
        groups: caller.user.groups.clone(),
        counts: rows.iter().map(|(k, n)| (t.t(k), *n)).collect(),
        surveys,
        shell,
    };
    super::render_with(&template, StatusCode::OK, cookies)
}
