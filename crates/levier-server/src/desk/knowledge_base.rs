//! The knowledge base's answer to a customer: the passage of a public document that best
//! answers the message, found by hybrid retrieval restricted to public documents and cut to
//! the answering sentences ([`levier_assist::ask::ask_public`]). The assistant answers with it
//! only when no FAQ entry is likely enough; its link opens the document's public page.

use crate::AppState;
use levier_assist::decide::PassageCandidate;
use levier_assist::{Answer, ask_public};

/// The passage that answers `message`, if a public document has one close enough. A failure
/// is logged and counts as no passage: the FAQ alone decides, or a person answers.
pub async fn public_passage(state: &AppState, message: &str) -> Option<PassageCandidate> {
    let retriever = state.index.as_ref()?;
    let groups: Vec<String> = match state.store.groups().await {
        Ok(groups) => groups.into_iter().map(|(_, slug, _)| slug).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "no passage for the assistant: the groups are unreadable");
            return None;
        }
    };
    if groups.is_empty() {
        return None;
    }
    match ask_public(retriever, &state.store, message, &groups).await {
        Ok(asked) => asked.answer.map(|a| candidate(&a)),
        Err(e) => {
            tracing::warn!(error = %e, "no passage for the assistant: the search failed");
            None
        }
    }
}

fn candidate(answer: &Answer) -> PassageCandidate {
    PassageCandidate {
        title: answer.source(),
        text: answer.text.clone(),
        link: help_link(answer),
        confidence: answer.confidence,
        margin: answer.margin,
    }
}

/// The public page of the answer's document, at the answering passage.
fn help_link(answer: &Answer) -> String {
    format!("/help/{}#c{}", answer.document_id.0, answer.chunk_id.0)
}
