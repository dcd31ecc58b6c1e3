//! Documents of the company's knowledge, with their access groups and versions.
//!
//! Storing a document whose content hash did not change is a no-op, so re-reading a folder
//! costs nothing for unchanged files; a changed document gets a new version, and every change
//! is recorded in the change sequence for the indexes. Documents are written and read in
//! batches ([`Store::store_documents`], [`Store::full_documents`]): ingestion and the index
//! handle thousands of them.

mod write;

use crate::bulk::select_in;
use crate::changes::{self, ChangeOp, Entity};
use crate::{Store, StoreError, StoreResult, events};
use levier_core::ids::{ChunkId, DocumentId, SourceId};
use levier_core::{Event, EventKind, Timestamp};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

/// A document to store.
#[derive(Debug, Clone)]
pub struct NewDocument {
    /// The source it comes from.
    pub source_id: SourceId,
    /// Its identity within the source (relative path, upload name, message id).
    pub external_id: String,
    /// Title shown in results.
    pub title: String,
    /// Media type, e.g. `application/pdf`.
    pub media_type: String,
    /// sha256 of the original bytes, hex.
    pub content_hash: String,
    /// Size of the original bytes.
    pub size_bytes: i64,
    /// Detected language (`fr`, `en`), when known.
    pub language: Option<String>,
    /// Whether customers may see it.
    pub public: bool,
    /// Author, dates and other metadata, as JSON.
    pub metadata: serde_json::Value,
    /// Extracted text, when extracted.
    pub body: Option<String>,
    /// Slugs of the groups that may read it.
    pub groups: Vec<String>,
    /// Its passages, the units of retrieval (replacing any previous ones).
    pub chunks: Vec<NewChunk>,
}

/// A passage of a document to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewChunk {
    /// Position in the document (0, 1, 2…).
    pub ordinal: i64,
    /// Headings above the passage, outermost first.
    pub heading_path: Vec<String>,
    /// The passage's text.
    pub body: String,
    /// Detected language.
    pub language: Option<String>,
    /// Start, in characters of the document's text.
    pub start_offset: i64,
    /// End (exclusive), in characters of the document's text.
    pub end_offset: i64,
}

/// A stored passage.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Chunk {
    /// Identifier.
    pub id: ChunkId,
    /// Position in the document.
    pub ordinal: i64,
    /// Headings above it, outermost first.
    pub heading_path: Vec<String>,
    /// Text.
    pub body: String,
    /// Language.
    pub language: Option<String>,
    /// Start offset in the document's text (characters).
    pub start_offset: i64,
    /// End offset (exclusive).
    pub end_offset: i64,
}

/// A document with everything an index or a viewer needs.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FullDocument {
    /// Identifier.
    pub id: DocumentId,
    /// Its source.
    pub source_id: SourceId,
    /// Identity within the source.
    pub external_id: String,
    /// Title.
    pub title: String,
    /// Media type.
    pub media_type: String,
    /// Language.
    pub language: Option<String>,
    /// Customers may see it.
    pub public: bool,
    /// Version.
    pub version: i64,
    /// Metadata (author, dates…).
    pub metadata: serde_json::Value,
    /// Extracted text.
    pub body: Option<String>,
    /// Last change.
    pub updated_at: Timestamp,
    /// Groups that may read it.
    pub groups: Vec<String>,
    /// Its passages, in order.
    pub chunks: Vec<Chunk>,
}

/// Metadata key set (to `true`) on a document whose title was made from its file name rather
/// than found in its content: such a title is not embedded alone.
pub const TITLE_FROM_FILE_NAME: &str = "title_from_file_name";

/// Heading paths are stored as one text, levels separated by this (never in a heading).
const HEADING_SEPARATOR: &str = "\u{1f}";

/// A heading path as stored, back into its levels.
pub(crate) fn split_heading_path(stored: &str) -> Vec<String> {
    stored
        .split(HEADING_SEPARATOR)
        .filter(|h| !h.is_empty())
        .map(str::to_string)
        .collect()
}

/// What storing a document did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreOutcome {
    /// New document.
    Added(DocumentId),
    /// Existing document with new content; its version was incremented.
    Updated(DocumentId),
    /// Same content hash as stored: nothing was written.
    Unchanged(DocumentId),
}

/// A document's summary as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentSummary {
    /// Identifier.
    pub id: DocumentId,
    /// Identity within its source.
    pub external_id: String,
    /// Title.
    pub title: String,
    /// Media type.
    pub media_type: String,
    /// Size of the original.
    pub size_bytes: i64,
    /// Version, starting at 1.
    pub version: i64,
}

impl Store {
    /// Stores a document: adds it, replaces it if its content changed, or does nothing. To
    /// store many, [`Store::store_documents`] is much faster.
    pub async fn store_document(&self, doc: &NewDocument) -> StoreResult<StoreOutcome> {
        let mut outcomes = self.store_documents(std::slice::from_ref(doc)).await?;
        outcomes
            .pop()
            .unwrap_or_else(|| Err(StoreError::Invalid("nothing was stored".into())))
    }

    /// Removes a document, its chunks and group links; returns false if it did not exist.
    pub async fn remove_document(&self, id: DocumentId) -> StoreResult<bool> {
        let mut tx = self.write_tx().await?;
        let removed = sqlx::query("DELETE FROM documents WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if removed == 0 {
            return Ok(false);
        }
        changes::record_in(&mut tx, Entity::Document, id.0, ChangeOp::Delete).await?;
        events::append_in(
            &mut tx,
            &Event::now(EventKind::DocumentRemoved { document_id: id }),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Documents of a source, by external id.
    pub async fn documents_of_source(&self, source: SourceId) -> StoreResult<Vec<DocumentSummary>> {
        let rows = sqlx::query(
            "SELECT id, external_id, title, media_type, size_bytes, version FROM documents
             WHERE source_id = $1 ORDER BY external_id",
        )
        .bind(source.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DocumentSummary {
                    id: DocumentId(r.try_get("id")?),
                    external_id: r.try_get("external_id")?,
                    title: r.try_get("title")?,
                    media_type: r.try_get("media_type")?,
                    size_bytes: r.try_get("size_bytes")?,
                    version: r.try_get("version")?,
                })
            })
            .collect()
    }

    /// A document with its groups and passages, or None if it does not exist.
    pub async fn full_document(&self, id: DocumentId) -> StoreResult<Option<FullDocument>> {
        Ok(self.full_documents(&[id]).await?.pop())
    }

    /// Documents with their groups and passages, in the order asked, leaving out those that do
    /// not exist: three queries for any number of documents.
    pub async fn full_documents(&self, ids: &[DocumentId]) -> StoreResult<Vec<FullDocument>> {
        self.read_documents(ids, "body").await
    }

    /// Like [`Store::full_documents`] but without each document's whole text (`body` is
    /// None): what an index needs, which indexes passages. The text would double what is
    /// read, since the passages hold it too.
    pub async fn indexable_documents(&self, ids: &[DocumentId]) -> StoreResult<Vec<FullDocument>> {
        self.read_documents(ids, "CAST(NULL AS TEXT) AS body").await
    }

    /// Documents in the order asked, with `body` read as the column expression given.
    async fn read_documents(
        &self,
        ids: &[DocumentId],
        body: &str,
    ) -> StoreResult<Vec<FullDocument>> {
        let ids: Vec<i64> = ids.iter().map(|id| id.0).collect();
        let mut conn = self.pool().acquire().await?;
        let rows = select_in(
            &mut conn,
            &format!(
                "SELECT id, source_id, external_id, title, media_type, language, public, version,
                 metadata, {body}, updated_at FROM documents WHERE id IN ({{ids}})"
            ),
            0,
            |q| q,
            &ids,
        )
        .await?;
        let mut chunks = chunks_of(&mut conn, &ids).await?;
        let mut groups = groups_of(&mut conn, &ids).await?;
        let mut docs = HashMap::new();
        for r in rows {
            let id: i64 = r.try_get("id")?;
            let metadata: String = r.try_get("metadata")?;
            let doc = FullDocument {
                id: DocumentId(id),
                source_id: SourceId(r.try_get("source_id")?),
                external_id: r.try_get("external_id")?,
                title: r.try_get("title")?,
                media_type: r.try_get("media_type")?,
                language: r.try_get("language")?,
                public: r.try_get::<i64, _>("public")? != 0,
                version: r.try_get("version")?,
                metadata: serde_json::from_str(&metadata).unwrap_or(serde_json::Value::Null),
                body: r.try_get("body")?,
                updated_at: Timestamp(r.try_get("updated_at")?),
                groups: groups.remove(&id).unwrap_or_default(),
                chunks: chunks.remove(&id).unwrap_or_default(),
            };
            docs.insert(id, doc);
        }
        Ok(ids.iter().filter_map(|id| docs.remove(id)).collect())
    }

    /// Every document of a source with its metadata, by identity within the source: what a
    /// folder sync compares with the files on disk to skip unchanged ones.
    pub async fn source_documents(
        &self,
        source: SourceId,
    ) -> StoreResult<std::collections::HashMap<String, (DocumentId, serde_json::Value)>> {
        let rows =
            sqlx::query("SELECT id, external_id, metadata FROM documents WHERE source_id = $1")
                .bind(source.0)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|r| {
                let metadata: String = r.try_get("metadata")?;
                Ok((
                    r.try_get("external_id")?,
                    (
                        DocumentId(r.try_get("id")?),
                        serde_json::from_str(&metadata).unwrap_or_default(),
                    ),
                ))
            })
            .collect()
    }

    /// The id of a document of a source by its identity within the source.
    pub async fn document_id(
        &self,
        source: SourceId,
        external_id: &str,
    ) -> StoreResult<Option<DocumentId>> {
        let row = sqlx::query("SELECT id FROM documents WHERE source_id = $1 AND external_id = $2")
            .bind(source.0)
            .bind(external_id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| r.try_get("id").map(DocumentId))
            .transpose()
            .map_err(Into::into)
    }

    /// Slugs of the groups allowed to read a document.
    pub async fn document_groups(&self, id: DocumentId) -> StoreResult<Vec<String>> {
        let mut conn = self.pool().acquire().await?;
        Ok(groups_of(&mut conn, &[id.0])
            .await?
            .remove(&id.0)
            .unwrap_or_default())
    }
}

/// A group's slug as stored: trimmed, lowercase.
fn normalize_slug(slug: &str) -> String {
    slug.trim().to_lowercase()
}

/// The slugs of each document's groups, sorted.
async fn groups_of(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> StoreResult<HashMap<i64, Vec<String>>> {
    let rows = select_in(
        conn,
        "SELECT dg.document_id, g.slug FROM document_groups dg JOIN groups g ON g.id = dg.group_id
         WHERE dg.document_id IN ({ids}) ORDER BY g.slug",
        0,
        |q| q,
        ids,
    )
    .await?;
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for r in rows {
        out.entry(r.try_get("document_id")?)
            .or_default()
            .push(r.try_get("slug")?);
    }
    Ok(out)
}

/// Each document's passages, in order.
async fn chunks_of(conn: &mut AnyConnection, ids: &[i64]) -> StoreResult<HashMap<i64, Vec<Chunk>>> {
    let rows = select_in(
        conn,
        "SELECT document_id, id, ordinal, heading_path, body, language, start_offset, end_offset
         FROM chunks WHERE document_id IN ({ids}) ORDER BY document_id, ordinal",
        0,
        |q| q,
        ids,
    )
    .await?;
    let mut out: HashMap<i64, Vec<Chunk>> = HashMap::new();
    for c in rows {
        let path: String = c.try_get("heading_path")?;
        let chunk = Chunk {
            id: ChunkId(c.try_get("id")?),
            ordinal: c.try_get("ordinal")?,
            heading_path: split_heading_path(&path),
            body: c.try_get("body")?,
            language: c.try_get("language")?,
            start_offset: c.try_get("start_offset")?,
            end_offset: c.try_get("end_offset")?,
        };
        out.entry(c.try_get("document_id")?)
            .or_default()
            .push(chunk);
    }
    Ok(out)
}
