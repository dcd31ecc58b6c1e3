//! `GET /help/{id}`: a public document as customers read it, the page the support assistant's
//! passage answers link to ("Source : Livraison › Délais"). Only documents of a public source
//! exist here: any other id is a 404, whether or not it exists, so that nothing internal can be
//! read or even probed through this page.

use crate::AppState;
use crate::error::ApiError;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use levier_core::ids::DocumentId;
use levier_store::documents::FullDocument;

/// A passage of the document, its anchor the one the assistant's links point to.
struct Part {
    anchor: i64,
    path: String,
    paragraphs: Vec<String>,
}

#[derive(Template)]
#[template(path = "help.html")]
struct HelpPage {
    company: String,
    title: String,
    language: String,
    parts: Vec<Part>,
    assets: &'static str,
}

/// The public document `id`, or 404.
pub async fn document(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    let doc = match public_document(&state, DocumentId(id)).await {
        Ok(Some(doc)) => doc,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return e.into_response(),
    };
    let page = HelpPage {
        company: state.company.clone(),
        language: doc.language.clone().unwrap_or_else(|| "fr".into()),
        parts: doc.chunks.iter().map(part).collect(),
        title: doc.title,
        assets: crate::assets::fingerprint(),
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => ApiError::internal(&e).into_response(),
    }
}

async fn public_document(
    state: &AppState,
    id: DocumentId,
) -> Result<Option<FullDocument>, ApiError> {
    let docs = state.store.full_documents(&[id]).await?;
    Ok(docs.into_iter().find(|d| d.id == id && d.public))
}

fn part(chunk: &levier_store::documents::Chunk) -> Part {
    Part {
        anchor: chunk.id.0,
        path: chunk.heading_path.join(" › "),
        paragraphs: chunk
            .body
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect(),
    }
}
