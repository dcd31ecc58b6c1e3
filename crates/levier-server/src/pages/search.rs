//! The search page, the document viewer and the upload page.

use super::{Page, Shell, page};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::highlight::highlight;
use crate::knowledge::{self, SearchParams};
use askama::Template;
use axum::Extension;
use axum::extract::{ConnectInfo, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use levier_core::Role;
use std::net::SocketAddr;

/// A filter value offered next to the results.
pub struct FacetValue {
    label: String,
    count: u64,
    href: String,
    active: bool,
}

/// A group of filter values.
pub struct FacetGroup {
    title: String,
    values: Vec<FacetValue>,
}

/// A result as shown.
pub struct HitView {
    title: String,
    href: String,
    path: String,
    snippet_html: String,
    kind: String,
    language: String,
    date: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    shell: Shell,
    q: String,
    q_encoded: String,
    active: Vec<(String, String)>,
    error: Option<String>,
    total: u64,
    hits: Vec<HitView>,
    facets: Vec<FacetGroup>,
    prev: Option<String>,
    next: Option<String>,
    /// How the results were found, in words.
    mode_label: String,
    /// Links to the other modes (label, href, current).
    modes: Vec<(String, String, bool)>,
    /// Why semantic search did not answer, when it was asked for and could not.
    notice: Option<String>,
    /// The passage that answers the question (first page only).
    answer: Option<AnswerView>,
    /// Whether the question was asked and nothing answered it.
    no_answer: bool,
    /// Whether the page comes back from the answer's rating form.
    rated: bool,
    /// Whether a generated answer is written above the passage (`[llm.internal_qa]`).
    generate: bool,
}

/// The extractive answer as shown.
pub struct AnswerView {
    document_id: i64,
    title: String,
    href: String,
    passage_html: String,
}

const PAGE_SIZE: usize = 10;

/// A readable name for a media type.
fn kind_label(media_type: &str) -> String {
    match media_type {
        "application/pdf" => "PDF",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "Word",
        "application/vnd.oasis.opendocument.text" => "OpenDocument",
        "text/html" => "HTML",
        "text/markdown" => "Markdown",
        "text/plain" => "Texte",
        "text/csv" => "CSV",
        "message/rfc822" | "application/mbox" => "E-mail",
        other => other,
    }
    .to_string()
}

/// `GET /search`.
pub async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Query(mut params): Query<SearchParams>,
    Query(back): Query<RatedFlag>,
) -> Response {
    let Page { shell, cookies } = page(&state, &headers, Some(&caller), "/search").await;
    params.limit = Some(PAGE_SIZE);
    let q = params.q.trim().to_string();
    let active: Vec<(String, String)> = [
        ("type", params.media_type.clone()),
        ("lang", params.lang.clone()),
        ("source", params.source.map(|s| s.to_string())),
        ("from", params.from.clone()),
        ("to", params.to.clone()),
        ("mode", params.mode.clone()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k.to_string(), v)))
    .collect();
    let mut template = SearchPage {
        q_encoded: crate::format::url_encode(&q),
        q: q.clone(),
        active: active.clone(),
        error: None,
        total: 0,
        hits: vec![],
        facets: vec![],
        prev: None,
        next: None,
        mode_label: String::new(),
        modes: vec![],
        notice: None,
        answer: None,
        no_answer: false,
        rated: back.rated.is_some(),
        generate: crate::llm::search::offered(&state),
        shell,
    };
    if !q.is_empty() {
        match knowledge::search(&state, &caller, &params, true).await {
            Ok(retrieved) => {
                let first_page = params.offset.unwrap_or(0) == 0;
                if first_page && !retrieved.results.hits.is_empty() {
                    answer(&mut template, &state, &caller).await;
                }
                // A question counts once: not again when the rating form brings the page back.
                if first_page && !template.rated {
                    let answered = template.answer.is_some();
                    if let Err(e) = state.store.record_question(caller.user.id, answered).await {
                        tracing::warn!(error = %e, "question not recorded");
                    }
                }
                describe_mode(&mut template, &state, &retrieved, &active);
                fill(&mut template, &state, &params, retrieved.results, &active).await;
            }
            Err(e) => template.error = Some(e.detail),
        }
    }
    super::render_with(&template, StatusCode::OK, cookies)
}

/// `?rated=1`: the page comes back from the answer's rating form.
#[derive(serde::Deserialize)]
pub struct RatedFlag {
    rated: Option<String>,
}

/// The answer box's rating form.
#[derive(serde::Deserialize)]
pub struct RatingForm {
    q: String,
    document: Option<i64>,
    useful: String,
    #[serde(default)]
    comment: String,
}

/// `POST /search/rating`: an employee says whether the answer was useful (with a comment);
/// back to the same search, which thanks them.
pub async fn rate(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    axum::Form(form): axum::Form<RatingForm>,
) -> Response {
    let rating = levier_store::answer_ratings::AnswerRating {
        user_id: Some(caller.user.id),
        question: form.q.clone(),
        document_id: form.document.map(levier_core::ids::DocumentId),
        useful: form.useful == "1",
        comment: form.comment,
        at: levier_core::Timestamp::now(),
    };
    if let Err(e) = state.store.rate_answer(&rating).await {
        return ApiError::from(e).into_response();
    }
    let back = format!("/search?q={}&rated=1", crate::format::url_encode(&form.q));
    axum::response::Redirect::to(&back).into_response()
}

/// Looks for the passage that answers the question, above the results.
async fn answer(t: &mut SearchPage, state: &AppState, caller: &Caller) {
    let Some(index) = state.index.as_ref() else {
        return;
    };
    let groups = knowledge::reader_groups(caller);
    match levier_assist::ask(index, &state.store, &t.q, groups).await {
        Ok(asked) => match asked.answer {
            Some(a) => {
                t.answer = Some(AnswerView {
                    document_id: a.document_id.0,
                    href: format!(
                        "/documents/{}?q={}#c{}",
                        a.document_id.0,
                        crate::format::url_encode(&t.q),
                        a.chunk_id.0
                    ),
                    title: a.source(),
                    passage_html: a.passage_html,
                })
            }
            None => t.no_answer = true,
        },
        Err(e) => tracing::warn!(error = %e, "no answer computed"),
    }
}

/// Says how the results were found and offers the other modes (dense and hybrid only when a
/// model is loaded).
fn describe_mode(
    t: &mut SearchPage,
    state: &AppState,
    retrieved: &levier_index::Retrieved,
    active: &[(String, String)],
) {
    use levier_index::Mode;
    let tr = t.shell.t;
    let label = |m: Mode| tr.t(&format!("search.mode-{}", m.as_str()));
    t.mode_label = label(retrieved.mode);
    t.notice = retrieved
        .notice
        .as_ref()
        .map(|_| tr.t("search.semantic-off"));
    let semantic = state.index.as_ref().is_some_and(|i| i.semantic().is_some());
    if semantic {
        t.modes = [Mode::Hybrid, Mode::Lexical, Mode::Dense]
            .into_iter()
            .map(|m| {
                let mut pairs: Vec<(String, String)> = vec![("q".into(), t.q.clone())];
                pairs.extend(active.iter().filter(|(k, _)| k != "mode").cloned());
                pairs.push(("mode".into(), m.as_str().into()));
                let href = format!(
                    "/search?{}",
                    serde_urlencoded::to_string(&pairs).unwrap_or_default()
                );
                (label(m), href, m == retrieved.mode)
            })
            .collect();
    }
}

async fn fill(
    t: &mut SearchPage,
    state: &AppState,
    params: &SearchParams,
    results: levier_index::SearchResults,
    active: &[(String, String)],
) {
    let base = |extra: &[(&str, String)], skip: &str| -> String {
        let mut pairs: Vec<(String, String)> = vec![("q".into(), t.q.clone())];
        pairs.extend(active.iter().filter(|(k, _)| k != skip).cloned());
        pairs.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
        format!(
            "/search?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    let offset = params.offset.unwrap_or(0);
    t.total = results.total;
    t.prev = (offset > 0).then(|| {
        base(
            &[("offset", offset.saturating_sub(PAGE_SIZE).to_string())],
            "",
        )
    });
    t.next = ((offset + PAGE_SIZE) < results.total as usize)
        .then(|| base(&[("offset", (offset + PAGE_SIZE).to_string())], ""));
    let lang_label = |l: &str| {
        t.shell
            .t
            .t(&format!("lang.{l}"))
            .replace(&format!("lang.{l}"), l)
    };
    t.hits = results
        .hits
        .iter()
        .map(|h| HitView {
            title: h.title.clone(),
            href: format!(
                "/documents/{}?q={}#c{}",
                h.document_id.0,
                crate::format::url_encode(&t.q),
                h.chunk_id.0
            ),
            path: h.heading_path.join(" › "),
            snippet_html: h.snippet_html.clone(),
            kind: kind_label(&h.media_type),
            language: lang_label(&h.language),
            date: crate::format::date(h.updated_at),
        })
        .collect();
    let sources = state.store.source_names().await.unwrap_or_default();
    let types = results.facets.media_types.iter().map(|(v, n)| FacetValue {
        label: kind_label(v),
        count: *n,
        href: base(&[("type", v.clone())], "type"),
        active: params.media_type.as_deref() == Some(v),
    });
    let langs = results.facets.languages.iter().map(|(v, n)| FacetValue {
        label: lang_label(v),
        count: *n,
        href: base(&[("lang", v.clone())], "lang"),
        active: params.lang.as_deref() == Some(v),
    });
    let srcs = results.facets.sources.iter().map(|(id, n)| FacetValue {
        label: sources.get(id).cloned().unwrap_or_else(|| id.to_string()),
        count: *n,
        href: base(&[("source", id.to_string())], "source"),
        active: params.source == Some(id.0),
    });
    let t_ = t.shell.t;
    t.facets = vec![
        FacetGroup {
            title: t_.t("search.facet-type"),
            values: types.collect(),
        },
        FacetGroup {
            title: t_.t("search.facet-language"),
            values: langs.collect(),
        },
        FacetGroup {
            title: t_.t("search.facet-source"),
            values: srcs.collect(),
        },
    ];
}

/// A passage as the viewer shows it.
pub struct PartView {
    /// The passage's id, the anchor search results link to.
    anchor: i64,
    path: String,
    paragraphs: Vec<String>,
    hit: bool,
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage {
    shell: Shell,
    title: String,
    kind: String,
    author: Option<String>,
    updated: String,
    groups: String,
    parts: Vec<PartView>,
    back: String,
}

/// The viewer's query.
#[derive(serde::Deserialize, Default)]
pub struct ViewParams {
    #[serde(default)]
    q: String,
}

/// `GET /documents/{id}`: the document's text with the query's words marked. Documents the
/// reader may not read are "not found".
pub async fn document(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Query(view): Query<ViewParams>,
) -> Response {
    let doc = match knowledge::readable_document(&state, &caller, id).await {
        Ok(d) => d,
        Err(e) => return super::not_found_page(&state, &headers, &caller, "/search", e).await,
    };
    let Page { shell, cookies } = page(&state, &headers, Some(&caller), "/search").await;
    let parts = doc
        .chunks
        .iter()
        .map(|c| PartView {
            anchor: c.id.0,
            path: c.heading_path.join(" › "),
            paragraphs: c
                .body
                .split("\n\n")
                .filter(|p| !p.trim().is_empty())
                .map(|p| highlight(p, &view.q))
                .collect(),
            hit: !view.q.is_empty() && highlight(&c.body, &view.q).contains("<mark>"),
        })
        .collect();
    let template = DocumentPage {
        title: doc.title.clone(),
        kind: kind_label(&doc.media_type),
        author: doc
            .metadata
            .get("author")
            .and_then(|a| a.as_str())
            .map(str::to_string),
        updated: crate::format::date(doc.updated_at),
        groups: doc.groups.join(", "),
        parts,
        back: format!("/search?q={}", crate::format::url_encode(&view.q)),
        shell,
    };
    super::render_with(&template, StatusCode::OK, cookies)
}

/// An upload's outcome as shown.
pub struct UploadReportView {
    summary: String,
    failed: Vec<String>,
}

#[derive(Template)]
#[template(path = "upload.html")]
struct UploadPage {
    shell: Shell,
    report: Option<UploadReportView>,
    error: Option<String>,
    /// (slug, name, checked)
    groups: Vec<(String, String, bool)>,
}

async fn upload_page(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    report: Option<UploadReportView>,
    error: Option<String>,
) -> Response {
    let all = state.store.groups().await.unwrap_or_default();
    let Page { shell, cookies } = page(state, headers, Some(caller), "/upload").await;
    let groups = all
        .into_iter()
        .filter(|(_, slug, _)| caller.role == Role::Admin || caller.user.groups.contains(slug))
        .map(|(_, slug, name)| {
            let checked = slug == "personnel"
                || (caller.user.groups.len() == 1 && caller.user.groups[0] == slug);
            (slug, name, checked)
        })
        .collect();
    let status = super::status_for(error.is_some());
    super::render_with(
        &UploadPage {
            shell,
            report,
            error,
            groups,
        },
        status,
        cookies,
    )
}

/// `GET /upload`.
pub async fn upload_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
) -> Response {
    upload_page(&state, &headers, &caller, None, None).await
}

/// Reads a multipart upload: the files and the `group` fields. The body limit applies.
pub async fn read_upload(
    mut multipart: Multipart,
) -> Result<(Vec<(String, Vec<u8>)>, Vec<String>), ApiError> {
    let mut files = Vec::new();
    let mut groups = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::payload_too_large());
            }
            Err(e) => return Err(ApiError::bad_request(format!("malformed upload: {e}"))),
        };
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let data = field.bytes().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::payload_too_large()
            } else {
                ApiError::bad_request(format!("malformed upload: {e}"))
            }
        })?;
        match (name.as_str(), file_name) {
            ("group", _) => groups.push(String::from_utf8_lossy(&data).to_string()),
            (_, Some(f)) if !f.is_empty() => files.push((f, data.to_vec())),
            _ => {}
        }
    }
    Ok((files, groups))
}

/// `POST /upload`.
pub async fn upload(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    multipart: Multipart,
) -> Response {
    let result = match read_upload(multipart).await {
        Ok((files, groups)) => {
            knowledge::ingest_uploads(&state, &caller, &peer.ip().to_string(), files, groups).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(report) => {
            let view = UploadReportView {
                summary: report.summary(),
                failed: report
                    .failed
                    .iter()
                    .map(|f| format!("{} : {}", f.path, f.reason))
                    .collect(),
            };
            upload_page(&state, &headers, &caller, Some(view), None).await
        }
        Err(e) if e.status == StatusCode::PAYLOAD_TOO_LARGE => e.into_response(),
        Err(e) => upload_page(&state, &headers, &caller, None, Some(e.detail)).await,
    }
}
