//! Storing documents in batches: one write transaction and a handful of multi-row statements
//! for many documents. One transaction and a dozen statements per document capped ingestion at
//! a few MB/s; a batch pays for the lookups, inserts, change records and events once.

use super::{HEADING_SEPARATOR, NewDocument, StoreOutcome, groups_of, normalize_slug};
use crate::bulk::{insert_rows, select_in};
use crate::changes::{self, ChangeOp, Entity};
use crate::tx::WriteTx;
use crate::{Store, StoreError, StoreResult, events};
use levier_core::ids::DocumentId;
use levier_core::{Event, EventKind, Timestamp};
use sqlx::Row;
use std::collections::{BTreeSet, HashMap, HashSet};

/// What the store holds for a document about to be stored.
struct Existing {
    id: i64,
    content_hash: String,
    version: i64,
    public: bool,
    metadata: String,
    /// Slugs of its groups, sorted.
    groups: Vec<String>,
}

impl Existing {
    /// Same content and access: no new version.
    fn unchanged_by(&self, doc: &NewDocument) -> bool {
        self.content_hash == doc.content_hash
            && self.public == doc.public
            && self.groups == wanted_slugs(doc)
    }
}

/// What storing one document of a batch takes.
enum Plan<'a> {
    /// Refused (an access group that does not exist): nothing is written for it.
    Refused(StoreError),
    /// Same content: at most its metadata is refreshed.
    Unchanged(&'a Existing),
    /// New content for an existing document, readable by these groups.
    Update(&'a Existing, Vec<i64>),
    /// A new document, readable by these groups.
    Add(Vec<i64>),
}

/// A document whose row, groups and passages are (re)written by this batch.
struct Written<'a> {
    doc: &'a NewDocument,
    id: i64,
    version: i64,
    groups: Vec<i64>,
}

/// A document's identity: its source and its identity within the source.
type Key<'a> = (i64, &'a str);

fn key(doc: &NewDocument) -> Key<'_> {
    (doc.source_id.0, doc.external_id.as_str())
}

impl Store {
    /// Stores documents in one transaction: each is added, replaced if its content or access
    /// changed, or left alone. Returns one outcome per document, in order; a document naming
    /// an access group that does not exist is refused alone ([`StoreError::Invalid`]) and the
    /// others are stored. The outer error means nothing was stored. Changes are recorded in
    /// the documents' order, so a document given twice ends in its last version.
    pub async fn store_documents(
        &self,
        docs: &[NewDocument],
    ) -> StoreResult<Vec<StoreResult<StoreOutcome>>> {
        let mut tx = self.write_tx().await?;
        let groups = group_ids(&mut tx, docs).await?;
        let mut outcomes = Vec::with_capacity(docs.len());
        for round in rounds(docs) {
            outcomes.extend(write_round(&mut tx, round, &groups).await?);
        }
        tx.commit().await?;
        Ok(outcomes)
    }
}

/// Cuts the batch before each document already seen in the current part, so that within a
/// part each document is looked up once, and a later version is written after the earlier.
fn rounds(docs: &[NewDocument]) -> Vec<&[NewDocument]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut seen = HashSet::new();
    for (i, doc) in docs.iter().enumerate() {
        if !seen.insert(key(doc)) {
            out.push(&docs[start..i]);
            start = i;
            seen = HashSet::from([key(doc)]);
        }
    }
    out.push(&docs[start..]);
    out
}

/// The ids of the groups the documents name, by slug; unknown slugs are absent.
async fn group_ids(tx: &mut WriteTx, docs: &[NewDocument]) -> StoreResult<HashMap<String, i64>> {
    let slugs: BTreeSet<String> = docs
        .iter()
        .flat_map(|d| &d.groups)
        .map(|g| normalize_slug(g))
        .collect();
    let slugs: Vec<String> = slugs.into_iter().collect();
    let rows = select_in(
        tx,
        "SELECT id, slug FROM groups WHERE slug IN ({ids})",
        0,
        |q| q,
        &slugs,
    )
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("slug")?, r.try_get("id")?)))
        .collect()
}

/// The document's group slugs as stored: normalised, sorted, without repeats.
fn wanted_slugs(doc: &NewDocument) -> Vec<String> {
    let slugs: BTreeSet<String> = doc.groups.iter().map(|g| normalize_slug(g)).collect();
    slugs.into_iter().collect()
}

/// The ids of the document's groups, or why it is refused.
fn resolve_groups(doc: &NewDocument, ids: &HashMap<String, i64>) -> StoreResult<Vec<i64>> {
    wanted_slugs(doc)
        .into_iter()
        .map(|slug| {
            ids.get(&slug)
                .copied()
                .ok_or_else(|| StoreError::Invalid(format!("unknown group '{slug}'")))
        })
        .collect()
}

/// Writes a part of a batch in which no document appears twice.
async fn write_round(
    tx: &mut WriteTx,
    docs: &[NewDocument],
    groups: &HashMap<String, i64>,
) -> StoreResult<Vec<StoreResult<StoreOutcome>>> {
    let now = Timestamp::now().millis();
    let existing = existing_documents(tx, docs).await?;
    let plans: Vec<Plan> = docs
        .iter()
        .map(
            |doc| match (resolve_groups(doc, groups), existing.get(&key(doc))) {
                (Err(e), _) => Plan::Refused(e),
                (Ok(_), Some(e)) if e.unchanged_by(doc) => Plan::Unchanged(e),
                (Ok(groups), Some(e)) => Plan::Update(e, groups),
                (Ok(groups), None) => Plan::Add(groups),
            },
        )
        .collect();
    refresh_metadata(tx, docs, &plans).await?;
    replace_rows(tx, docs, &plans, now).await?;
    let added = insert_documents(tx, docs, &plans, now).await?;
    let mut written = Vec::new();
    let mut outcomes = Vec::with_capacity(docs.len());
    for (doc, plan) in docs.iter().zip(plans) {
        let (id, version, groups, outcome) = match plan {
            Plan::Refused(e) => {
                outcomes.push(Err(e));
                continue;
            }
            Plan::Unchanged(e) => {
                outcomes.push(Ok(StoreOutcome::Unchanged(DocumentId(e.id))));
                continue;
            }
            Plan::Update(e, groups) => {
                let outcome = StoreOutcome::Updated(DocumentId(e.id));
                (e.id, e.version + 1, groups, outcome)
            }
            Plan::Add(groups) => {
                let id = *added.get(&key(doc)).ok_or_else(|| {
                    StoreError::Invalid(format!("{} was not inserted", doc.external_id))
                })?;
                (id, 1, groups, StoreOutcome::Added(DocumentId(id)))
            }
        };
        written.push(Written {
            doc,
            id,
            version,
            groups,
        });
        outcomes.push(Ok(outcome));
    }
    write_contents(tx, &written).await?;
    Ok(outcomes)
}

/// What the store holds for the documents of the batch, by identity.
async fn existing_documents<'a>(
    tx: &mut WriteTx,
    docs: &'a [NewDocument],
) -> StoreResult<HashMap<Key<'a>, Existing>> {
    let batch: HashMap<Key, &NewDocument> = docs.iter().map(|d| (key(d), d)).collect();
    let mut by_source: HashMap<i64, Vec<String>> = HashMap::new();
    for doc in docs {
        by_source
            .entry(doc.source_id.0)
            .or_default()
            .push(doc.external_id.clone());
    }
    let mut rows = Vec::new();
    for (source, external_ids) in by_source {
        rows.extend(
            select_in(
                tx,
                "SELECT id, source_id, external_id, content_hash, version, public, metadata
                 FROM documents WHERE source_id = $1 AND external_id IN ({ids})",
                1,
                |q| q.bind(source),
                &external_ids,
            )
            .await?,
        );
    }
    let ids: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    let mut groups = groups_of(tx, &ids).await?;
    let mut out = HashMap::new();
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let external_id: String = r.try_get("external_id")?;
        let Some(doc) = batch.get(&(r.try_get("source_id")?, external_id.as_str())) else {
            continue;
        };
        out.insert(
            key(doc),
            Existing {
                id,
                content_hash: r.try_get("content_hash")?,
                version: r.try_get("version")?,
                public: r.try_get::<i64, _>("public")? != 0,
                metadata: r.try_get("metadata")?,
                groups: groups.remove(&id).unwrap_or_default(),
            },
        );
    }
    Ok(out)
}

/// Unchanged documents keep what the caller now knows about their file (size, time), so an
/// untouched file is not read again.
async fn refresh_metadata(
    tx: &mut WriteTx,
    docs: &[NewDocument],
    plans: &[Plan<'_>],
) -> StoreResult<()> {
    for (doc, plan) in docs.iter().zip(plans) {
        let Plan::Unchanged(e) = plan else { continue };
        let stored = serde_json::from_str::<serde_json::Value>(&e.metadata).ok();
        if stored.as_ref() != Some(&doc.metadata) {
            sqlx::query("UPDATE documents SET metadata = $1 WHERE id = $2")
                .bind(doc.metadata.to_string())
                .bind(e.id)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// Writes the new content of changed documents and drops their old groups and passages.
async fn replace_rows(
    tx: &mut WriteTx,
    docs: &[NewDocument],
    plans: &[Plan<'_>],
    now: i64,
) -> StoreResult<()> {
    let mut replaced = Vec::new();
    for (doc, plan) in docs.iter().zip(plans) {
        let Plan::Update(e, _) = plan else { continue };
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
        .bind(e.version + 1)
        .bind(now)
        .bind(e.id)
        .execute(&mut **tx)
        .await?;
        replaced.push(e.id);
    }
    for table in ["document_groups", "chunks"] {
        select_in(
            tx,
            &format!("DELETE FROM {table} WHERE document_id IN ({{ids}})"),
            0,
            |q| q,
            &replaced,
        )
        .await?;
    }
    Ok(())
}

/// Inserts the new documents; returns their ids by identity.
async fn insert_documents<'a>(
    tx: &mut WriteTx,
    docs: &'a [NewDocument],
    plans: &[Plan<'_>],
    now: i64,
) -> StoreResult<HashMap<Key<'a>, i64>> {
    let new: Vec<&NewDocument> = docs
        .iter()
        .zip(plans)
        .filter(|(_, p)| matches!(p, Plan::Add(_)))
        .map(|(d, _)| d)
        .collect();
    let rows = insert_rows(
        tx,
        "INSERT INTO documents (source_id, external_id, title, media_type, content_hash,
         size_bytes, language, public, metadata, body, created_at, updated_at)",
        12,
        "RETURNING id, source_id, external_id",
        &new,
        |q, d| {
            q.bind(d.source_id.0)
                .bind(&d.external_id)
                .bind(&d.title)
                .bind(&d.media_type)
                .bind(&d.content_hash)
                .bind(d.size_bytes)
                .bind(d.language.as_deref())
                .bind(i64::from(d.public))
                .bind(d.metadata.to_string())
                .bind(d.body.as_deref())
                .bind(now)
                .bind(now)
        },
    )
    .await?;
    let by_key: HashMap<Key, &NewDocument> = new.iter().map(|d| (key(d), *d)).collect();
    let mut out = HashMap::new();
    for r in rows {
        let external_id: String = r.try_get("external_id")?;
        if let Some(doc) = by_key.get(&(r.try_get("source_id")?, external_id.as_str())) {
            out.insert(key(doc), r.try_get("id")?);
        }
    }
    Ok(out)
}

/// Links groups, inserts passages, records the changes and events of written documents.
async fn write_contents(tx: &mut WriteTx, written: &[Written<'_>]) -> StoreResult<()> {
    if written.is_empty() {
        return Ok(());
    }
    let links: Vec<(i64, i64)> = written
        .iter()
        .flat_map(|w| w.groups.iter().map(|g| (w.id, *g)))
        .collect();
    insert_rows(
        tx,
        "INSERT INTO document_groups (document_id, group_id)",
        2,
        "ON CONFLICT DO NOTHING",
        &links,
        |q, (doc, group)| q.bind(*doc).bind(*group),
    )
    .await?;
    let chunks: Vec<(i64, &super::NewChunk)> = written
        .iter()
        .flat_map(|w| w.doc.chunks.iter().map(|c| (w.id, c)))
        .collect();
    insert_rows(
        tx,
        "INSERT INTO chunks (document_id, ordinal, heading_path, body, language, start_offset, end_offset)",
        7,
        "",
        &chunks,
        |q, (doc, c)| {
            q.bind(*doc)
                .bind(c.ordinal)
                .bind(c.heading_path.join(HEADING_SEPARATOR))
                .bind(&c.body)
                .bind(c.language.as_deref())
                .bind(c.start_offset)
                .bind(c.end_offset)
        },
    )
    .await?;
    let ids: Vec<i64> = written.iter().map(|w| w.id).collect();
    changes::record_many_in(tx, Entity::Document, &ids, ChangeOp::Upsert).await?;
    let events: Vec<Event> = written
        .iter()
        .map(|w| {
            Event::now(EventKind::DocumentStored {
                document_id: DocumentId(w.id),
                version: w.version,
                bytes: w.doc.size_bytes,
            })
        })
        .collect();
    events::append_many_in(tx, &events).await?;
    Ok(())
}
