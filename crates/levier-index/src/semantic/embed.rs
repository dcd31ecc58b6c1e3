//! Giving chunks their vectors: page by page, the chunks that have none for a model are
//! embedded and their vectors written (which records a change that vector indexes follow).

use crate::IndexResult;
use levier_core::ids::ChunkId;
use levier_ml::SentenceEncoder;
use levier_store::Store;
use levier_store::vectors::{EmbeddingModel, PendingChunk, VectorKind};
use std::sync::Arc;

/// Chunks embedded and written per round: a few seconds of work, so progress shows often, a
/// cancellation is noticed soon and an interruption loses little.
pub const EMBED_PAGE: usize = 32;

/// Turns passages into vectors: the encoder, or a benchmark's cache in front of it.
pub trait PassageEncoder: Send + Sync {
    /// One vector per text, as the encoder's `passage` role embeds them.
    fn embed_passages(&self, texts: &[String]) -> IndexResult<Vec<Vec<f32>>>;
}

impl PassageEncoder for SentenceEncoder {
    fn embed_passages(&self, texts: &[String]) -> IndexResult<Vec<Vec<f32>>> {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        Ok(SentenceEncoder::embed_passages(self, &refs)?)
    }
}

/// Where an embedding run is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmbedProgress {
    /// Vectors (of titles and passages) computed so far in this run.
    pub done: usize,
    /// Vectors missing when the run started (new ones may be wanted meanwhile).
    pub total: usize,
}

/// Told after each page of an embedding run.
pub trait EmbedReport: Send {
    /// Returns false to stop the run (a cancelled task).
    fn report(&mut self, progress: EmbedProgress) -> impl Future<Output = bool> + Send;
}

/// Embeds every title and chunk without a vector for `model` (titles first: few and short, they
/// make semantic search useful soonest), page by page, reporting after each page;
/// stops early (returning what was done) when the report says so. The encoding runs on
/// blocking threads so an async runtime keeps serving meanwhile.
pub async fn embed_pending<E: PassageEncoder + 'static>(
    store: &Store,
    encoder: &Arc<E>,
    model: &EmbeddingModel,
    progress: &mut impl EmbedReport,
) -> IndexResult<EmbedProgress> {
    let mut state = EmbedProgress {
        done: 0,
        total: usize::try_from(store.vector_count(model.id).await?.pending()).unwrap_or(usize::MAX),
    };
    for kind in [VectorKind::Title, VectorKind::Passage] {
        let mut after = ChunkId(0);
        loop {
            let page = store
                .chunks_without_vector(model.id, kind, after, EMBED_PAGE)
                .await?;
            let Some(last) = page.last() else { break };
            after = last.chunk_id;
            let texts: Vec<String> = page.iter().map(|c| text_of(c, kind)).collect();
            let encoder = encoder.clone();
            let vectors = tokio::task::spawn_blocking(move || encoder.embed_passages(&texts))
                .await
                .map_err(|e| crate::IndexError::Interrupted(e.to_string()))??;
            let rows: Vec<(ChunkId, Vec<f32>)> =
                page.iter().map(|c| c.chunk_id).zip(vectors).collect();
            store.write_chunk_vectors(model, kind, &rows).await?;
            state.done += rows.len();
            state.total = state.total.max(state.done);
            if !progress.report(state).await {
                return Ok(state);
            }
        }
    }
    Ok(state)
}

/// What a chunk's vector of `kind` embeds: its passage, or its document's title alone (as a
/// passage too: measured better than as a query, docs/ARCHITECTURE.md).
fn text_of(chunk: &PendingChunk, kind: VectorKind) -> String {
    match kind {
        VectorKind::Passage => passage_text(chunk),
        VectorKind::Title => chunk.title.trim().to_string(),
    }
}

/// The text a chunk is embedded as: its document's title, the headings above it that are not
/// the title, then its text — so a passage deep in a document still says what the document
/// and its section are about.
pub fn passage_text(chunk: &PendingChunk) -> String {
    let title = chunk.title.trim();
    let mut out = String::with_capacity(title.len() + chunk.body.len() + 64);
    if !title.is_empty() {
        out.push_str(title);
        out.push('\n');
    }
    for heading in &chunk.heading_path {
        let heading = heading.trim();
        if !heading.is_empty() && heading != title {
            out.push_str(heading);
            out.push('\n');
        }
    }
    out.push_str(&chunk.body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use levier_core::ids::DocumentId;

    fn chunk(title: &str, headings: &[&str], body: &str) -> PendingChunk {
        PendingChunk {
            chunk_id: ChunkId(1),
            document_id: DocumentId(1),
            title: title.into(),
            heading_path: headings.iter().map(|h| h.to_string()).collect(),
            body: body.into(),
            language: None,
        }
    }

    #[test]
    fn passage_text_says_title_and_section_once() {
        assert_eq!(
            passage_text(&chunk("Guide", &["Guide", "Retours"], "Sous 30 jours.")),
            "Guide\nRetours\nSous 30 jours."
        );
        assert_eq!(passage_text(&chunk(" ", &[], "Texte")), "Texte");
    }
}
