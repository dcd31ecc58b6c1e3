//! The FAQ pages: the entries the support assistant answers from, with filters, a form to add
//! one and an upload form to import a CSV file; and one entry's page to edit every field, its
//! phrasings, or delete it (after a confirmation step).
//!
//! Forms are post/redirect/get: a change redirects to a page saying what happened (`?done=`)
//! or what was refused (`?error=`), so reloading never sends a form twice. The CSV import is
//! the exception: like the document upload, it answers with the report, which exists only
//! once. Every text comes from people or files and is escaped by the templates.

use super::{Page, Shell, not_found_page, page};
use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::format::date;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use levier_core::Timestamp;
use levier_core::ids::{FaqEntryId, FaqPhrasingId, UserId};
use levier_ingest::faq::{DEFAULT_LANGUAGE, ImportReport};
use levier_store::faq::{FaqEdit, FaqEntry, FaqFilter, NewFaqEntry, PhrasingOrigin};
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap};

/// The list's filters, and what a redirect back to it says.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    category: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    q: String,
    /// Only entries whose review date has passed.
    #[serde(default)]
    due: Option<String>,
    done: Option<String>,
    error: Option<String>,
}

/// A line of the FAQ list.
pub struct EntryRow {
    id: i64,
    question: String,
    category: String,
    language: String,
    public: bool,
    owner: String,
    review: String,
    review_due: bool,
    phrasings: usize,
}

/// A CSV import's report as shown: counts, and each broken row with its line.
pub struct ImportView {
    summary: String,
    errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "faq.html")]
struct ListPage {
    shell: Shell,
    entries: Vec<EntryRow>,
    categories: Vec<String>,
    languages: Vec<String>,
    category: String,
    language: String,
    q: String,
    due: bool,
    report: Option<ImportView>,
    error: Option<String>,
}

/// `GET /faq`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Query(query): Query<ListQuery>,
) -> Response {
    list_page(&state, &headers, &caller, query, None).await
}

/// The list, with an import's report when it answers the upload form.
async fn list_page(
    state: &AppState,
    headers: &HeaderMap,
    caller: &Caller,
    query: ListQuery,
    report: Option<ImportReport>,
) -> Response {
    let rows = match entry_rows(state, &query).await {
        Ok(rows) => rows,
        Err(e) => return e.into_response(),
    };
    let Page { mut shell, cookies } = page(state, headers, Some(caller), "/faq").await;
    shell.flash = flash(&shell, query.done.as_deref());
    let error = error_text(&shell, query.error.as_deref());
    let template = ListPage {
        entries: rows.entries,
        categories: rows.categories,
        languages: rows.languages,
        report: report.map(|r| import_view(&shell, &r)),
        error,
        category: query.category,
        language: query.language,
        q: query.q,
        due: query.due.is_some(),
        shell,
    };
    let status = super::status_for(template.error.is_some());
    super::render_with(&template, status, cookies)
}

/// The list's lines, and every category and language for the filters.
struct Rows {
    entries: Vec<EntryRow>,
    categories: Vec<String>,
    languages: Vec<String>,
}

async fn entry_rows(state: &AppState, query: &ListQuery) -> ApiResult<Rows> {
    let some = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_string());
    let filter = FaqFilter {
        category: some(&query.category),
        language: some(&query.language),
        text: some(&query.q),
    };
    let matching = state.store.faq_entries(&filter).await?;
    // Every entry with its phrasings: the phrasing counts, and the filters' choices. An FAQ
    // holds hundreds of entries, not millions: two queries are cheaper than one per line.
    let all = state.store.faq_training_set().await?;
    let counts: HashMap<FaqEntryId, usize> = all
        .iter()
        .map(|e| (e.entry.id, e.phrasings.len()))
        .collect();
    let names = user_names(state).await?;
    let now = Timestamp::now();
    let entries = matching
        .into_iter()
        .filter(|e| query.due.is_none() || is_due(e, now))
        .map(|e| EntryRow {
            id: e.id.0,
            review_due: is_due(&e, now),
            review: e.review_at.map(date).unwrap_or_default(),
            owner: e
                .owner
                .and_then(|o| names.get(&o).cloned())
                .unwrap_or_default(),
            phrasings: counts.get(&e.id).copied().unwrap_or_default(),
            question: e.question,
            category: e.category,
            language: e.language,
            public: e.public,
        })
        .collect();
    let distinct = |field: fn(&FaqEntry) -> &str| {
        let set: BTreeSet<String> = all
            .iter()
            .map(|e| field(&e.entry).to_string())
            .filter(|v| !v.is_empty())
            .collect();
        set.into_iter().collect()
    };
    Ok(Rows {
        categories: distinct(|e| &e.category),
        languages: distinct(|e| &e.language),
        entries,
    })
}

/// An entry is due for review once its review date has passed.
fn is_due(e: &FaqEntry, now: Timestamp) -> bool {
    e.review_at.is_some_and(|r| r <= now)
}

async fn user_names(state: &AppState) -> ApiResult<HashMap<UserId, String>> {
    Ok(state
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

fn import_view(shell: &Shell, report: &ImportReport) -> ImportView {
    let summary = shell
        .t
        .t("faq.import.summary")
        .replace("{ $created }", &report.created.to_string())
        .replace("{ $skipped }", &report.skipped_existing.to_string())
        .replace("{ $errors }", &report.errors.len().to_string());
    ImportView {
        summary,
        errors: report.errors.iter().map(ToString::to_string).collect(),
    }
}

/// The fields of an entry both forms edit.
#[derive(Deserialize)]
pub struct EntryFields {
    #[serde(default)]
    question: String,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    language: String,
    /// A checkbox: present when ticked.
    public: Option<String>,
}

/// The create form.
#[derive(Deserialize)]
pub struct NewEntryForm {
    #[serde(flatten)]
    entry: EntryFields,
    /// Other phrasings, one a line.
    #[serde(default)]
    phrasings: String,
}

/// `POST /faq`: creates an entry and opens it.
pub async fn create(State(state): State<AppState>, Form(form): Form<NewEntryForm>) -> Response {
    let EntryFields {
        question,
        answer,
        category,
        language,
        public,
    } = form.entry;
    let new = NewFaqEntry {
        question,
        answer,
        category,
        language: match language.trim() {
            "" => DEFAULT_LANGUAGE.into(),
            language => language.to_string(),
        },
        public: public.is_some(),
        phrasings: form.phrasings.lines().map(str::to_string).collect(),
    };
    match state.store.create_faq_entry(&new).await {
        Ok(id) => redirect(&format!("/faq/{id}?done=created")),
        Err(e) => refused("/faq", e.into()),
    }
}

/// `POST /faq/import`: a CSV file from the upload form (multipart, within the server's body
/// limit), imported like the API's; answers with the list and the report.
pub async fn import(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    multipart: Multipart,
) -> Response {
    let imported = match super::search::read_upload(multipart).await {
        Ok((files, _)) => match files.into_iter().next() {
            Some((_, bytes)) => crate::api::faq::import_csv(&state, &bytes).await,
            None => return redirect("/faq?error=no-file"),
        },
        Err(e) => Err(e),
    };
    match imported {
        Ok(report) => {
            list_page(
                &state,
                &headers,
                &caller,
                ListQuery::default(),
                Some(report),
            )
            .await
        }
        Err(e) => e.into_response(),
    }
}

/// A phrasing as the entry page lists it.
pub struct PhrasingRow {
    id: i64,
    body: String,
    origin: String,
}

#[derive(Template)]
#[template(path = "faq_entry.html")]
struct EntryPage {
    shell: Shell,
    entry: FaqEntry,
    review: String,
    /// (id, name, selected) of the owner choice.
    owners: Vec<(i64, String, bool)>,
    phrasings: Vec<PhrasingRow>,
    confirm_delete: bool,
    error: Option<String>,
}

/// What a redirect back to an entry asks for.
#[derive(Deserialize, Default)]
pub struct EntryQuery {
    done: Option<String>,
    error: Option<String>,
    /// `delete`: show the confirmation step of deleting the entry.
    confirm: Option<String>,
}

/// `GET /faq/{id}`.
pub async fn entry(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Query(query): Query<EntryQuery>,
) -> Response {
    let path = format!("/faq/{id}");
    let found = match state.store.faq_entry(FaqEntryId(id)).await {
        Ok(Some(found)) => found,
        Ok(None) => {
            let e = ApiError::not_found(format!("FAQ entry {id}"));
            return not_found_page(&state, &headers, &caller, &path, e).await;
        }
        Err(e) => return ApiError::from(e).into_response(),
    };
    let users = match state.store.users().await {
        Ok(users) => users,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Page { mut shell, cookies } = page(&state, &headers, Some(&caller), &path).await;
    shell.flash = flash(&shell, query.done.as_deref());
    let error = error_text(&shell, query.error.as_deref());
    let owner = found.entry.owner;
    let template = EntryPage {
        review: found.entry.review_at.map(date).unwrap_or_default(),
        owners: users
            .into_iter()
            .filter(|u| !u.disabled || Some(u.id) == owner)
            .map(|u| (u.id.0, u.display_name, Some(u.id) == owner))
            .collect(),
        phrasings: found
            .phrasings
            .into_iter()
            .map(|p| PhrasingRow {
                id: p.id.0,
                body: p.body,
                origin: shell.t.t(&format!("faq.origin.{}", p.origin.as_str())),
            })
            .collect(),
        entry: found.entry,
        confirm_delete: query.confirm.as_deref() == Some("delete"),
        error,
        shell,
    };
    let status = super::status_for(template.error.is_some());
    super::render_with(&template, status, cookies)
}

/// The edit form: every field of the entry.
#[derive(Deserialize)]
pub struct EditForm {
    #[serde(flatten)]
    entry: EntryFields,
    /// A user id, or empty for nobody.
    #[serde(default)]
    owner: String,
    /// `YYYY-MM-DD`, or empty for none.
    #[serde(default)]
    review: String,
}

/// `POST /faq/{id}`.
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(form): Form<EditForm>,
) -> Response {
    let back = format!("/faq/{id}");
    let (Ok(owner), Some(review_at)) = (parse_owner(&form.owner), parse_date(&form.review)) else {
        return redirect(&format!("{back}?error=field"));
    };
    let entry = form.entry;
    let edit = FaqEdit {
        question: entry.question,
        answer: entry.answer,
        category: entry.category,
        language: entry.language,
        public: entry.public.is_some(),
        owner,
        review_at,
    };
    match state.store.update_faq_entry(FaqEntryId(id), &edit).await {
        Ok(()) => redirect(&format!("{back}?done=saved")),
        Err(e) => refused(&back, e.into()),
    }
}

/// An owner choice: empty for nobody, else a user id.
fn parse_owner(value: &str) -> Result<Option<UserId>, std::num::ParseIntError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    value.parse().map(|id| Some(UserId(id)))
}

/// A date input's `YYYY-MM-DD` as the start of that day in the company's time zone (the one
/// dates are shown in); `Some(None)` when empty, `None` when not a date.
fn parse_date(value: &str) -> Option<Option<Timestamp>> {
    let value = value.trim();
    if value.is_empty() {
        return Some(None);
    }
    let day: jiff::civil::Date = value.parse().ok()?;
    let tz = jiff::tz::TimeZone::get("Europe/Paris").unwrap_or(jiff::tz::TimeZone::UTC);
    let start = day.to_zoned(tz).ok()?;
    Some(Some(Timestamp(start.timestamp().as_millisecond())))
}

/// The add-a-phrasing form.
#[derive(Deserialize)]
pub struct PhrasingForm {
    #[serde(default)]
    text: String,
}

/// `POST /faq/{id}/phrasings`.
pub async fn add_phrasing(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Form(form): Form<PhrasingForm>,
) -> Response {
    let added = state
        .store
        .add_faq_phrasing(
            FaqEntryId(id),
            &form.text,
            PhrasingOrigin::Manual,
            Some(caller.user.id),
        )
        .await;
    let back = format!("/faq/{id}");
    match added {
        Ok(_) => redirect(&format!("{back}?done=phrasing-added")),
        Err(e) => refused(&back, e.into()),
    }
}

/// A phrasing's delete button.
#[derive(Deserialize)]
pub struct RemovePhrasingForm {
    /// The phrasing's id.
    phrasing: i64,
}

/// `POST /faq/{id}/phrasings/delete`.
pub async fn remove_phrasing(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Form(form): Form<RemovePhrasingForm>,
) -> Response {
    let back = format!("/faq/{id}");
    match state
        .store
        .remove_faq_phrasing(FaqPhrasingId(form.phrasing))
        .await
    {
        Ok(()) => redirect(&format!("{back}?done=phrasing-removed")),
        Err(e) => refused(&back, e.into()),
    }
}

/// `POST /faq/{id}/delete`: the confirmation step's button (`GET /faq/{id}?confirm=delete`).
pub async fn delete(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    match state.store.delete_faq_entry(FaqEntryId(id)).await {
        Ok(()) => redirect("/faq?done=deleted"),
        Err(e) => ApiError::from(e).into_response(),
    }
}

fn redirect(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Back to `page` saying why a form was refused: a text the store rejects (empty, duplicate)
/// is said on the page; anything else (a missing entry, a failure) is answered as is.
fn refused(page: &str, e: ApiError) -> Response {
    match e.status {
        StatusCode::BAD_REQUEST => redirect(&format!("{page}?error=invalid")),
        StatusCode::CONFLICT => redirect(&format!("{page}?error=duplicate")),
        _ => e.into_response(),
    }
}

/// The confirmation a `?done=` asks for; unknown values say nothing.
fn flash(shell: &Shell, done: Option<&str>) -> Option<String> {
    let key = match done? {
        "created" => "faq.done.created",
        "saved" => "faq.done.saved",
        "deleted" => "faq.done.deleted",
        "phrasing-added" => "faq.done.phrasing-added",
        "phrasing-removed" => "faq.done.phrasing-removed",
        _ => return None,
    };
    Some(shell.t.t(key))
}

/// The refusal an `?error=` asks for; unknown values say nothing.
fn error_text(shell: &Shell, error: Option<&str>) -> Option<String> {
    let key = match error? {
        "invalid" => "faq.error.invalid",
        "duplicate" => "faq.error.duplicate",
        "field" => "faq.error.field",
        "no-file" => "faq.error.no-file",
        _ => return None,
    };
    Some(shell.t.t(key))
}
