//! The use-case inventory: a ranked list (impact × feasibility, then the hours a month each
//! would give back) and the impact × feasibility matrix drawn on the server as SVG, each
//! use case a numbered dot in its cell, so the "start with one or two quick wins" rule of
//! the adoption method can be read at a glance.

use super::{Page, page};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use levier_report::use_cases::{Quadrant, RankedUseCase, rank};

/// Side of one score's cell in the matrix, in SVG units.
const CELL: f64 = 60.0;
/// Radius of a use case's dot.
const DOT: f64 = 11.0;

/// A use case's dot in the matrix.
pub struct Dot {
    number: usize,
    name: String,
    cx: f64,
    cy: f64,
}

/// A row of the ranked list.
pub struct Row {
    number: usize,
    case: RankedUseCase,
    quadrant: String,
}

#[derive(Template)]
#[template(path = "use_cases.html")]
struct UseCasesPage {
    shell: super::Shell,
    rows: Vec<Row>,
    dots: Vec<Dot>,
    side: f64,
    cell: f64,
}

/// `GET /use-cases`.
pub async fn use_cases(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
) -> Response {
    let inventory = match state.store.use_cases().await {
        Ok(found) => found.into_iter().map(|(id, u)| (id.0, u)).collect(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let ranked = rank(inventory);
    let Page { shell, cookies } = page(&state, &headers, Some(&caller), "/use-cases").await;
    let template = UseCasesPage {
        dots: dots(&ranked),
        rows: ranked
            .into_iter()
            .enumerate()
            .map(|(i, case)| Row {
                number: i + 1,
                quadrant: shell.t.t(quadrant_key(case.quadrant)),
                case,
            })
            .collect(),
        side: CELL * 5.0,
        cell: CELL,
        shell,
    };
    super::render_with(&template, StatusCode::OK, cookies)
}

fn quadrant_key(q: Quadrant) -> &'static str {
    match q {
        Quadrant::QuickWin => "usecases.quadrant.quick-win",
        Quadrant::Project => "usecases.quadrant.project",
        Quadrant::Convenience => "usecases.quadrant.convenience",
        Quadrant::Avoid => "usecases.quadrant.avoid",
    }
}

/// Each use case's dot: feasibility across (1 left, 5 right), impact up (5 at the top);
/// use cases sharing a cell sit side by side, then on a second line.
fn dots(ranked: &[RankedUseCase]) -> Vec<Dot> {
    let mut in_cell = std::collections::HashMap::new();
    ranked
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let column = (case.feasibility.clamp(1, 5) - 1) as f64;
            let row = (5 - case.impact.clamp(1, 5)) as f64;
            let slot = in_cell.entry((case.feasibility, case.impact)).or_insert(0);
            let (dx, dy) = ((*slot % 2) as f64, (*slot / 2 % 2) as f64);
            *slot += 1;
            Dot {
                number: i + 1,
                name: case.name.clone(),
                cx: column * CELL + 18.0 + dx * 2.2 * DOT,
                cy: row * CELL + 18.0 + dy * 2.2 * DOT,
            }
        })
        .collect()
}
