//! Documents of the company's knowledge, with their access groups and versions.
//!
//! Storing a document whose content hash did not change is a no-op, so re-reading a folder
//! costs nothing for unchanged files; a changed document gets a new version, and every change
//! is recorded in the change sequence for the indexes.

use crate::changes::{self, ChangeOp, Entity};
use crate::directory::link_groups;
use crate::{Store, StoreResult, events};
use levier_core::ids::{ChunkId, DocumentId, SourceId};
use levier_core::{Event, EventKind, Timestamp};
use sqlx::Row;

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

/// Heading paths are stored as one text, levels separated by this (never in a heading).
const HEADING_SEPARATOR: &str = "\u{1f}";

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
    /// Stores a document: adds it, replaces it if its content changed, or does nothing.
    pub async fn store_document(&self, doc: &NewDocument) -> StoreResult<StoreOutcome> {
        let now = Timestamp::now().millis();
        let mut tx = self.write_tx().await?;
        let existing = sqlx::query(
            "SELECT id, content_hash, version, public, metadata FROM documents WHERE source_id = $1 AND external_id = $2",
        )
        .bind(doc.source_id.0)
        .bind(&doc.external_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (id, version, outcome) = match existing {
            Some(row) => {
                let id = DocumentId(row.try_get("id")?);
                let hash: String = row.try_get("content_hash")?;
                let public = row.try_get::<i64, _>("public")? != 0;
                if hash == doc.content_hash
                    && public == doc.public
                    && same_groups(&mut tx, id, &doc.groups).await?
                {
                    // Same content: no new version, but keep what the caller knows about the
                    // file (its size and time) so an untouched file is not read again.
                    let metadata: String = row.try_get("metadata")?;
                    if serde_json::from_str::<serde_json::Value>(&metadata)
                        .ok()
                        .as_ref()
                        != Some(&doc.metadata)
                    {
                        sqlx::query("UPDATE documents SET metadata = $1 WHERE id = $2")
                            .bind(doc.metadata.to_string())
                            .bind(id.0)
                            .execute(&mut *tx)
                            .await?;
                        tx.commit().await?;
                    }
                    return Ok(StoreOutcome::Unchanged(id));
                }
                let version: i64 = row.try_get::<i64, _>("version")? + 1;
                sqlx::query(
                    "UPDATE documents SET title = $1, media_type = $2, content_hash = $3, size_bytes = $4,
                     language = $5, public = $6, metadata = $7, body = $8, version = $9, updated_at = $10
                     WHERE id = $11",
                )
                .bind(&doc.title)
                .bind(&doc.media_type)
                .bind(&doc.content_hash)
                .bind(doc.size_bytes)
                .bind(doc.language.as_deref())
                .bind(i64::from(doc.public))
                .bind(doc.metadata.to_string())
                .bind(doc.body.as_deref())
                .bind(version)
                .bind(now)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
                for table in ["document_groups", "chunks"] {
                    sqlx::query(&format!("DELETE FROM {table} WHERE document_id = $1"))
                        .bind(id.0)
                        .execute(&mut *tx)
                        .await?;
                }
                (id, version, StoreOutcome::Updated(id))
            }
            None => {
                let row = sqlx::query(
                    "INSERT INTO documents (source_id, external_id, title, media_type, content_hash,
                     size_bytes, language, public, metadata, body, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
                )
                .bind(doc.source_id.0)
                .bind(&doc.external_id)
                .bind(&doc.title)
                .bind(&doc.media_type)
                .bind(&doc.content_hash)
                .bind(doc.size_bytes)
                .bind(doc.language.as_deref())
                .bind(i64::from(doc.public))
                .bind(doc.metadata.to_string())
                .bind(doc.body.as_deref())
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                let id = DocumentId(row.try_get("id")?);
                (id, 1, StoreOutcome::Added(id))
            }
        };
        link_groups(&mut tx, "document_groups", "document_id", id.0, &doc.groups).await?;
        for c in &doc.chunks {
            sqlx::query(
                "INSERT INTO chunks (document_id, ordinal, heading_path, body, language, start_offset, end_offset)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id.0)
            .bind(c.ordinal)
            .bind(c.heading_path.join(HEADING_SEPARATOR))
            .bind(&c.body)
            .bind(c.language.as_deref())
            .bind(c.start_offset)
            .bind(c.end_offset)
            .execute(&mut *tx)
            .await?;
        }
        changes::record_in(&mut tx, Entity::Document, id.0, ChangeOp::Upsert).await?;
        let event = Event::now(EventKind::DocumentStored {
            document_id: id,
            version,
            bytes: doc.size_bytes,
        });
        events::append_in(&mut tx, &event).await?;
        tx.commit().await?;
        Ok(outcome)
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
        let Some(r) = sqlx::query(
            "SELECT id, source_id, external_id, title, media_type, language, public, version, metadata, body, updated_at
             FROM documents WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let metadata: String = r.try_get("metadata")?;
        let chunks = sqlx::query(
            "SELECT id, ordinal, heading_path, body, language, start_offset, end_offset FROM chunks
             WHERE document_id = $1 ORDER BY ordinal",
        )
        .bind(id.0)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|c| {
            let path: String = c.try_get("heading_path")?;
            Ok(Chunk {
                id: ChunkId(c.try_get("id")?),
                ordinal: c.try_get("ordinal")?,
                heading_path: path
                    .split(HEADING_SEPARATOR)
                    .filter(|h| !h.is_empty())
                    .map(str::to_string)
                    .collect(),
                body: c.try_get("body")?,
                language: c.try_get("language")?,
                start_offset: c.try_get("start_offset")?,
                end_offset: c.try_get("end_offset")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        Ok(Some(FullDocument {
            id,
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
            groups: self.document_groups(id).await?,
            chunks,
        }))
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
        let rows = sqlx::query(
            "SELECT g.slug FROM document_groups dg JOIN groups g ON g.id = dg.group_id
             WHERE dg.document_id = $1 ORDER BY g.slug",
        )
        .bind(id.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| Ok(r.try_get("slug")?)).collect()
    }
}

/// True when the document's current groups are exactly `wanted` (slugs, any order or case).
async fn same_groups(
    tx: &mut crate::tx::WriteTx,
    id: DocumentId,
    wanted: &[String],
) -> StoreResult<bool> {
    let rows = sqlx::query(
        "SELECT g.slug FROM document_groups dg JOIN groups g ON g.id = dg.group_id WHERE dg.document_id = $1",
    )
    .bind(id.0)
    .fetch_all(&mut **tx)
    .await?;
    let mut current: Vec<String> = rows
        .iter()
        .map(|r| r.try_get("slug"))
        .collect::<Result<_, _>>()?;
    let mut wanted: Vec<String> = wanted.iter().map(|g| g.trim().to_lowercase()).collect();
    current.sort();
    current.dedup();
    wanted.sort();
    wanted.dedup();
    Ok(current == wanted)
}
