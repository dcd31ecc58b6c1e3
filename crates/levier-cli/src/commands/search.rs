//! `levier search QUERY` and `levier reindex`.

use crate::exit::{INPUT, coded};
use crate::lock::DataDirLock;
use levier_core::Config;
use levier_index::SearchRequest;
use levier_store::Store;

/// Whose access to search with.
pub struct SearchArgs {
    /// The query.
    pub query: String,
    /// Search as this user (their groups).
    pub as_user: Option<String>,
    /// Search these groups (default: every group — the operator of the machine reads all).
    pub groups: Vec<String>,
    /// Results.
    pub limit: usize,
    /// Print JSON.
    pub json: bool,
    /// lexical, dense or hybrid (default: hybrid when a model is installed).
    pub mode: Option<levier_index::Mode>,
}

pub async fn search(config: &Config, args: SearchArgs) -> anyhow::Result<()> {
    let store = Store::open(config).await?;
    let groups = reader_groups(&store, args.as_user.as_deref(), &args.groups).await?;
    let search = crate::search_index::open_once(config, &store).await?;
    let req = SearchRequest {
        limit: args.limit.clamp(1, 100),
        collapse_documents: true,
        ..SearchRequest::new(&args.query, &groups)
    };
    let retrieved = search.search(&req, args.mode).map_err(|e| match e {
        levier_index::IndexError::EmptyQuery => coded(INPUT, e.to_string()),
        other => other.into(),
    })?;
    store.close().await;
    let results = retrieved.results;
    if args.json {
        return super::print_json(&serde_json::json!({
            "mode": retrieved.mode,
            "notice": retrieved.notice,
            "total": results.total,
            "hits": results.hits,
            "facets": results.facets,
        }));
    }
    if let Some(notice) = &retrieved.notice {
        eprintln!("note: {notice}");
    }
    println!(
        "{} result(s), {} search",
        results.total,
        retrieved.mode.as_str()
    );
    for (i, hit) in results.hits.iter().enumerate() {
        println!(
            "{:>2}. {}  [document {}]",
            i + 1,
            levier_index::hits::citation(&hit.title, &hit.heading_path),
            hit.document_id
        );
        println!("    {}", plain(&hit.snippet_html));
    }
    Ok(())
}

/// The groups to search as: a user's, the ones given, or every group (the operator of the
/// machine reads all).
pub async fn reader_groups(
    store: &Store,
    as_user: Option<&str>,
    groups: &[String],
) -> anyhow::Result<Vec<String>> {
    Ok(match (as_user, groups.is_empty()) {
        (Some(email), _) => {
            store
                .user_by_email(email)
                .await?
                .ok_or_else(|| coded(INPUT, format!("no user {email}")))?
                .groups
        }
        (None, false) => groups.to_vec(),
        (None, true) => store
            .groups()
            .await?
            .into_iter()
            .map(|(_, slug, _)| slug)
            .collect(),
    })
}

/// A snippet for a terminal: marks as «…», entities decoded.
pub fn plain(html: &str) -> String {
    let one_line = html.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line
        .replace("<mark>", "«")
        .replace("</mark>", "»")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Rebuilds this node's search index from the store (the server must be stopped).
pub async fn reindex(config: &Config, json: bool) -> anyhow::Result<()> {
    let _lock = DataDirLock::acquire(&config.data_dir)?;
    let store = Store::open(config).await?;
    let index = levier_index::LexicalIndex::recreate(&crate::search_index::index_dir(config))?;
    let report = index.rebuild(&store).await?;
    store.close().await;
    if json {
        return super::print_json(
            &serde_json::json!({ "applied_changes": report.applied, "last_seq": report.last_seq, "chunks": index.chunk_count() }),
        );
    }
    println!(
        "search index rebuilt: {} passages, up to change {}",
        index.chunk_count(),
        report.last_seq
    );
    Ok(())
}
