//! `/api/v1/search`: search the documents the caller may read.

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::knowledge::{self, SearchParams};
use axum::extract::{Query, State};
use axum::{Extension, Json};
use serde::Serialize;
use utoipa::ToSchema;

/// A matching passage.
#[derive(Serialize, ToSchema)]
pub struct HitView {
    /// The passage's id.
    pub chunk_id: i64,
    /// Its document.
    pub document_id: i64,
    /// Relevance within this search.
    pub score: f32,
    /// The document's title.
    pub title: String,
    /// Headings above the passage.
    pub heading_path: Vec<String>,
    /// About 200 characters around the matches, HTML-escaped, matches in `<mark>`.
    pub snippet_html: String,
    /// Media type.
    pub media_type: String,
    /// Language of the passage.
    pub language: String,
    /// The document's source id.
    pub source_id: i64,
    /// Last change, milliseconds since the epoch.
    pub updated_at: i64,
}

/// Counts by value, to offer filters.
#[derive(Serialize, ToSchema)]
pub struct FacetCount {
    /// The value (media type, language, or source id).
    pub value: String,
    /// How many matches have it.
    pub count: u64,
}

/// A page of results.
#[derive(Serialize, ToSchema)]
pub struct SearchResponse {
    /// The retrieval mode that answered: `lexical`, `dense` or `hybrid`.
    pub mode: String,
    /// Why the mode differs from the one asked for (semantic search unavailable), when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    /// Matches the caller may read.
    pub total: u64,
    /// This page.
    pub hits: Vec<HitView>,
    /// Counts by media type.
    pub media_types: Vec<FacetCount>,
    /// Counts by language.
    pub languages: Vec<FacetCount>,
    /// Counts by source.
    pub sources: Vec<FacetCount>,
}

fn counts<T: ToString>(values: &[(T, u64)]) -> Vec<FacetCount> {
    values
        .iter()
        .map(|(v, n)| FacetCount {
            value: v.to_string(),
            count: *n,
        })
        .collect()
}

/// Searches the passages of the documents the caller may read (one result per passage):
/// hybrid (words and meaning) by default when an embedding model is loaded, else lexical; the
/// response says which mode answered, and why when it is not the one asked for.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchParams),
    responses((status = 200, body = SearchResponse), (status = 400, description = "empty query or invalid filter")))]
pub async fn search(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<SearchParams>,
) -> ApiResult<Json<SearchResponse>> {
    let retrieved = knowledge::search(&state, &caller, &params, false).await?;
    let results = retrieved.results;
    Ok(Json(SearchResponse {
        mode: retrieved.mode.as_str().into(),
        notice: retrieved.notice,
        total: results.total,
        media_types: counts(&results.facets.media_types),
        languages: counts(&results.facets.languages),
        sources: counts(
            &results
                .facets
                .sources
                .iter()
                .map(|(id, n)| (id.0, *n))
                .collect::<Vec<_>>(),
        ),
        hits: results
            .hits
            .into_iter()
            .map(|h| HitView {
                chunk_id: h.chunk_id.0,
                document_id: h.document_id.0,
                score: h.score,
                title: h.title,
                heading_path: h.heading_path,
                snippet_html: h.snippet_html,
                media_type: h.media_type,
                language: h.language,
                source_id: h.source_id.0,
                updated_at: h.updated_at.millis(),
            })
            .collect(),
    }))
}
