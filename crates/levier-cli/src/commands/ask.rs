//! `levier ask QUESTION`: the passage that answers, with its source, or "nothing answers".

use crate::exit::{INPUT, coded};
use levier_core::Config;
use levier_store::Store;

/// Answers a question from the documents the given reader may read.
pub async fn ask(
    config: &Config,
    question: &str,
    as_user: Option<&str>,
    groups: &[String],
    json: bool,
) -> anyhow::Result<()> {
    let store = Store::open(config).await?;
    let groups = super::search::reader_groups(&store, as_user, groups).await?;
    let search = crate::search_index::open_once(config, &store).await?;
    let asked = levier_assist::ask(&search, &store, question, groups)
        .await
        .map_err(|e| match e {
            levier_assist::AskError::Search(levier_index::IndexError::EmptyQuery) => {
                coded(INPUT, e.to_string())
            }
            other => other.into(),
        })?;
    store.close().await;
    if json {
        return super::print_json(&asked);
    }
    if let Some(notice) = &asked.notice {
        eprintln!("note: {notice}");
    }
    match &asked.answer {
        Some(a) => {
            println!("{}", a.text);
            println!(
                "\n— {} [document {}] ({} match, {:.2})",
                a.source(),
                a.document_id,
                match a.method {
                    levier_assist::AnswerMethod::Semantic => "meaning",
                    levier_assist::AnswerMethod::Lexical => "words",
                },
                a.confidence
            );
        }
        None => println!(
            "Nothing in the documents answers this question clearly (no passage is close enough to it)."
        ),
    }
    Ok(())
}
