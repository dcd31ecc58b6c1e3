//! Operations on the company's documents shared by the API and the pages: searching as the
//! caller (their access groups go into the index query itself), reading a document they may
//! read, adding uploads, removing a document.

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use levier_core::ids::{DocumentId, SourceId};
use levier_core::{Role, Timestamp};
use levier_index::{Filters, IndexError, Mode, Retrieved, SearchRequest};
use levier_ingest::{Access, FileInput, IngestReport};
use levier_store::directory::NewSource;
use levier_store::documents::FullDocument;
use serde::Deserialize;

/// Search parameters as the API and the search page receive them.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
pub struct SearchParams {
    /// The query: words, "phrases", +required, -excluded.
    #[serde(default)]
    pub q: String,
    /// Only this media type (e.g. `application/pdf`).
    #[serde(rename = "type")]
    pub media_type: Option<String>,
    /// Only this language (`fr`, `en`).
    pub lang: Option<String>,
    /// Only this source (id).
    pub source: Option<i64>,
    /// Only documents changed on or after this day (YYYY-MM-DD).
    pub from: Option<String>,
    /// Only documents changed before this day (YYYY-MM-DD).
    pub to: Option<String>,
    /// Results to skip.
    pub offset: Option<usize>,
    /// Results to return (1 to 100, default 10).
    pub limit: Option<usize>,
    /// Search as you type: the last word may be unfinished.
    pub prefix: Option<bool>,
    /// `lexical`, `dense` or `hybrid`; default hybrid when a model is loaded, else lexical.
    pub mode: Option<String>,
}

fn day(field: &str, raw: &Option<String>) -> ApiResult<Option<Timestamp>> {
    let Some(raw) = raw.as_deref().filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let date = jiff::civil::Date::strptime("%Y-%m-%d", raw)
        .map_err(|_| ApiError::invalid_field(field, "expected a day as YYYY-MM-DD"))?;
    let tz = jiff::tz::TimeZone::get("Europe/Paris").unwrap_or(jiff::tz::TimeZone::UTC);
    let zoned = date
        .to_zoned(tz)
        .map_err(|e| ApiError::invalid_field(field, e.to_string()))?;
    Ok(Some(Timestamp(zoned.timestamp().as_millisecond())))
}

/// The groups whose documents the caller may read.
pub fn reader_groups(caller: &Caller) -> Vec<String> {
    caller.user.groups.clone()
}

/// Runs a search as the caller, on a blocking thread (a dense or hybrid search embeds the
/// query: milliseconds of CPU that must not stall the server's other requests).
pub async fn search(
    state: &AppState,
    caller: &Caller,
    p: &SearchParams,
    collapse: bool,
) -> ApiResult<Retrieved> {
    let mode = p
        .mode
        .as_deref()
        .filter(|m| !m.is_empty())
        .map(str::parse::<Mode>)
        .transpose()
        .map_err(|e| ApiError::invalid_field("mode", e.to_string()))?;
    let index = state
        .index
        .clone()
        .ok_or_else(|| ApiError::unavailable("the search index is not open on this server"))?;
    let req = request(caller, p, collapse)?;
    levier_core::cpu::run(move || index.search(&req, mode))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(|e| match e {
            IndexError::EmptyQuery => ApiError::invalid_field("q", e.to_string()),
            IndexError::InvalidRequest(m) => ApiError::bad_request(m),
            other => ApiError::internal(&other),
        })
}

/// The index request for the caller's parameters: their groups, the filters, the page.
fn request(caller: &Caller, p: &SearchParams, collapse: bool) -> ApiResult<SearchRequest> {
    let limit = p.limit.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid_field("limit", "between 1 and 100"));
    }
    Ok(SearchRequest {
        query: p.q.clone(),
        groups: reader_groups(caller),
        filters: Filters {
            source_ids: p.source.map(SourceId).into_iter().collect(),
            media_types: p
                .media_type
                .clone()
                .filter(|t| !t.is_empty())
                .into_iter()
                .collect(),
            languages: p
                .lang
                .clone()
                .filter(|l| !l.is_empty())
                .into_iter()
                .collect(),
            date_from: day("from", &p.from)?,
            date_to: day("to", &p.to)?,
            public_only: false,
        },
        offset: p.offset.unwrap_or(0),
        limit,
        prefix: p.prefix.unwrap_or(false),
        collapse_documents: collapse,
        snippets: true,
        facets: true,
    })
}

/// A document the caller may read; any other (including one that does not exist) is "not
/// found", so the answer does not reveal that a forbidden document exists.
pub async fn readable_document(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> ApiResult<FullDocument> {
    let missing = || ApiError::not_found(format!("document {id}"));
    let doc = state
        .store
        .full_document(DocumentId(id))
        .await?
        .ok_or_else(missing)?;
    let groups = reader_groups(caller);
    if doc.groups.iter().any(|g| groups.contains(g)) {
        Ok(doc)
    } else {
        Err(missing())
    }
}

/// The name of the source that receives uploads.
const UPLOADS: &str = "uploads";

/// Keeps only the file name of an uploaded path, without separators or control characters,
/// so a name like `../../etc/passwd` cannot point anywhere.
pub fn safe_file_name(raw: &str) -> Option<String> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim().trim_start_matches('.').to_string();
    (!clean.is_empty() && clean.len() <= 255).then_some(clean)
}

/// Ingests uploaded files for the groups chosen; a non-admin may only share with their own
/// groups. Each file fails alone.
pub async fn ingest_uploads(
    state: &AppState,
    caller: &Caller,
    ip: &str,
    files: Vec<(String, Vec<u8>)>,
    groups: Vec<String>,
) -> ApiResult<IngestReport> {
    let groups: Vec<String> = groups
        .into_iter()
        .map(|g| g.trim().to_lowercase())
        .filter(|g| !g.is_empty())
        .collect();
    if groups.is_empty() {
        return Err(ApiError::invalid_field(
            "group",
            "choose at least one group who may read the documents",
        ));
    }
    if caller.role != Role::Admin
        && let Some(g) = groups.iter().find(|g| !caller.user.groups.contains(g))
    {
        return Err(ApiError::invalid_field(
            "group",
            format!("you are not a member of '{g}'"),
        ));
    }
    if files.is_empty() {
        return Err(ApiError::invalid_field("file", "no file received"));
    }
    let source_id = state
        .store
        .upsert_source(&NewSource {
            name: UPLOADS.into(),
            kind: "upload".into(),
            location: String::new(),
            public: false,
            groups: vec![],
        })
        .await?;
    let mut report = IngestReport::default();
    let mut names = Vec::new();
    for (raw, bytes) in files {
        let Some(name) = safe_file_name(&raw) else {
            report.failed.push(levier_ingest::Failure {
                path: raw,
                reason: "this file name is not usable".into(),
            });
            continue;
        };
        names.push(name.clone());
        let input = FileInput {
            source_id,
            path: name,
            bytes,
            modified_ms: None,
            access: Access {
                groups: groups.clone(),
                public: false,
            },
        };
        let outcome = levier_ingest::ingest_file(
            &state.store,
            input,
            &Default::default(),
            &Default::default(),
        )
        .await
        .map_err(|e| ApiError::internal(&e))?;
        report.merge(outcome.report);
    }
    let details = serde_json::json!({ "files": names, "groups": groups, "added": report.added, "updated": report.updated, "failed": report.failed.len() });
    crate::admin::audit(
        state,
        caller,
        ip,
        "document.upload",
        format!("source:{UPLOADS}"),
        details,
    )
    .await;
    Ok(report)
}

/// Removes a document (administrators), with an audit entry.
pub async fn remove_document(
    state: &AppState,
    caller: &Caller,
    ip: &str,
    id: i64,
) -> ApiResult<()> {
    if !state.store.remove_document(DocumentId(id)).await? {
        return Err(ApiError::not_found(format!("document {id}")));
    }
    crate::admin::audit(
        state,
        caller,
        ip,
        "document.remove",
        format!("document:{id}"),
        serde_json::json!({}),
    )
    .await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::safe_file_name;

    #[test]
    fn uploaded_names_cannot_traverse() {
        assert_eq!(
            safe_file_name("../../etc/passwd").as_deref(),
            Some("passwd")
        );
        assert_eq!(
            safe_file_name("C:\\Users\\x\\rapport.pdf").as_deref(),
            Some("rapport.pdf")
        );
        assert_eq!(safe_file_name("..").as_deref(), None);
        assert_eq!(safe_file_name("a\u{0}b.txt").as_deref(), Some("ab.txt"));
        assert_eq!(safe_file_name("").as_deref(), None);
    }
}
