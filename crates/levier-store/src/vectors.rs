//! Sentence-embedding models and the vectors of chunks.
//!
//! Vectors are part of the source of truth so that a restart, or a new node, never re-embeds:
//! the in-memory vector index is rebuilt from these rows. Each vector belongs to one model
//! (name and sha256 of its weights), so vectors of different models are never mixed, and a new
//! model is embedded alongside the old one while searches keep using the old vectors. A vector
//! is `dims` little-endian f32 in a BLOB (BYTEA): the same bytes on both backends, four bytes a
//! dimension, no parsing. Vectors are deleted with their chunk (`ON DELETE CASCADE`), so a
//! changed document, whose chunks are replaced, lists its new chunks as pending.

use crate::bulk::select_in;
use crate::changes::{self, ChangeOp, Entity};
use crate::documents::split_heading_path;
use crate::{Store, StoreError, StoreResult};
use levier_core::Timestamp;
use levier_core::ids::{ChunkId, DocumentId, EmbeddingModelId};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::{HashMap, HashSet};

/// What a vector embeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VectorKind {
    /// A chunk's passage (title, headings and text).
    Passage,
    /// A document's title alone, held by its first chunk: short questions match a title (an
    /// FAQ's question, a page's name) better than a whole passage.
    Title,
}

impl VectorKind {
    fn code(self) -> i64 {
        match self {
            VectorKind::Passage => 0,
            VectorKind::Title => 1,
        }
    }
}

/// A sentence-embedding model whose vectors the store holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddingModel {
    /// Identifier, recorded with each vector.
    pub id: EmbeddingModelId,
    /// The model's name (e.g. `multilingual-e5-small`).
    pub name: String,
    /// sha256 of its weights file, lowercase hex: same name, other weights, other model.
    pub weights_sha256: String,
    /// Length of its vectors.
    pub dims: usize,
    /// When it was first registered.
    pub created_at: Timestamp,
}

/// A chunk's vector with what the vector index needs to filter it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredVector {
    /// The chunk.
    pub chunk_id: ChunkId,
    /// Its document.
    pub document_id: DocumentId,
    /// Slugs of the groups that may read the document.
    pub groups: Vec<String>,
    /// The chunk's language, or its document's when the chunk has none.
    pub language: Option<String>,
    /// The vector, `dims` values.
    pub vector: Vec<f32>,
}

/// A chunk that has no vector of some kind yet for a model: what the embedding task encodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingChunk {
    /// The chunk.
    pub chunk_id: ChunkId,
    /// Its document.
    pub document_id: DocumentId,
    /// The document's title.
    pub title: String,
    /// Headings above the chunk, outermost first.
    pub heading_path: Vec<String>,
    /// The chunk's text.
    pub body: String,
    /// The chunk's language, or its document's.
    pub language: Option<String>,
}

/// How far a model's embedding has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VectorCount {
    /// Chunks that have a passage vector for the model.
    pub vectors: u64,
    /// All chunks.
    pub chunks: u64,
    /// Documents whose title has a vector for the model.
    pub titles: u64,
    /// Documents with a title (and at least one chunk).
    pub titled: u64,
}

impl VectorCount {
    /// Vectors still to compute (vectors go with their chunks, so never more than wanted).
    pub fn pending(&self) -> u64 {
        self.chunks.saturating_sub(self.vectors) + self.titled.saturating_sub(self.titles)
    }
}

/// Rows per INSERT statement: two parameters a row stays far below both backends' limits
/// (SQLite 32,766, PostgreSQL 65,535) while sending few statements.
const ROWS_PER_INSERT: usize = 256;

/// The chunks that hold their document's title vector: first chunks of documents whose title
/// is their own (not made from the file name: metadata is stored as compact JSON).
const TITLED: &str = "c.ordinal = 0 AND TRIM(d.title) <> '' AND d.metadata NOT LIKE '%\"title_from_file_name\":true%'";

const MODEL_COLUMNS: &str = "id, name, weights_sha256, dims, created_at";

/// The columns of a vector, its chunk's document and language (groups are read apart).
const VECTOR_SELECT: &str = "SELECT cv.chunk_id, c.document_id, COALESCE(c.language, d.language) AS language, cv.vector
     FROM chunk_vectors cv JOIN chunks c ON c.id = cv.chunk_id JOIN documents d ON d.id = c.document_id";

impl Store {
    /// Records a model (or finds it, when the same name and weights were registered before).
    pub async fn register_embedding_model(
        &self,
        name: &str,
        weights_sha256: &str,
        dims: usize,
    ) -> StoreResult<EmbeddingModel> {
        let name = name.trim();
        let sha = weights_sha256.trim().to_ascii_lowercase();
        if name.is_empty() || dims == 0 {
            return Err(StoreError::Invalid(
                "an embedding model needs a name and at least one dimension".into(),
            ));
        }
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::Invalid(format!(
                "`{weights_sha256}` is not a sha256 (64 hexadecimal digits) of the model's weights"
            )));
        }
        let mut tx = self.write_tx().await?;
        // The no-op update makes RETURNING give the existing row on conflict.
        let row = sqlx::query(&format!(
            "INSERT INTO embedding_models (name, weights_sha256, dims, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (name, weights_sha256) DO UPDATE SET name = excluded.name RETURNING {MODEL_COLUMNS}"
        ))
        .bind(name)
        .bind(&sha)
        .bind(dims_i64(dims)?)
        .bind(Timestamp::now().millis())
        .fetch_one(&mut *tx)
        .await?;
        let model = model_from_row(&row)?;
        if model.dims != dims {
            return Err(StoreError::Invalid(format!(
                "model {name} with these weights is registered with {} dimensions, not {dims}",
                model.dims
            )));
        }
        tx.commit().await?;
        Ok(model)
    }

    /// A registered model, or None.
    pub async fn embedding_model(
        &self,
        id: EmbeddingModelId,
    ) -> StoreResult<Option<EmbeddingModel>> {
        let row = sqlx::query(&format!(
            "SELECT {MODEL_COLUMNS} FROM embedding_models WHERE id = $1"
        ))
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(model_from_row).transpose()
    }

    /// Every registered model, oldest first.
    pub async fn embedding_models(&self) -> StoreResult<Vec<EmbeddingModel>> {
        sqlx::query(&format!(
            "SELECT {MODEL_COLUMNS} FROM embedding_models ORDER BY id"
        ))
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(model_from_row)
        .collect()
    }

    /// Forgets a model and all its vectors (once another model has replaced it); false if it
    /// did not exist.
    pub async fn remove_embedding_model(&self, id: EmbeddingModelId) -> StoreResult<bool> {
        let mut tx = self.write_tx().await?;
        let removed = sqlx::query("DELETE FROM embedding_models WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(removed > 0)
    }

    /// Writes (or replaces) the vectors of a batch of chunks in one transaction. A chunk that
    /// no longer exists (its document changed while it was being embedded) is skipped: its
    /// replacement is pending. The documents concerned are recorded in the change sequence
    /// (entity `vectors`), so every node's vector index picks their vectors up. Returns how
    /// many vectors were written.
    pub async fn write_chunk_vectors<V: AsRef<[f32]>>(
        &self,
        model: &EmbeddingModel,
        kind: VectorKind,
        vectors: &[(ChunkId, V)],
    ) -> StoreResult<u64> {
        check_batch(model, vectors)?;
        let mut tx = self.write_tx().await?;
        let mut written = 0;
        for rows in vectors.chunks(ROWS_PER_INSERT) {
            let sql = insert_vectors_sql(rows.len());
            let mut query = sqlx::query(&sql).bind(model.id.0).bind(kind.code());
            for (chunk, vector) in rows {
                query = query.bind(chunk.0).bind(encode(vector.as_ref()));
            }
            written += query.execute(&mut *tx).await?.rows_affected();
        }
        let chunks: Vec<i64> = vectors.iter().map(|(c, _)| c.0).collect();
        let rows = select_in(
            &mut tx,
            "SELECT DISTINCT document_id FROM chunks WHERE id IN ({ids})",
            0,
            |q| q,
            &chunks,
        )
        .await?;
        let documents = distinct_documents(&rows)?;
        if !documents.is_empty() {
            changes::record_many_in(&mut tx, Entity::Vectors, &documents, ChangeOp::Upsert).await?;
        }
        tx.commit().await?;
        Ok(written)
    }

    /// A page of a model's vectors in chunk order, after `after` (start with `ChunkId(0)`):
    /// how the vector index loads them.
    pub async fn chunk_vectors_page(
        &self,
        model: &EmbeddingModel,
        kind: VectorKind,
        after: ChunkId,
        limit: usize,
    ) -> StoreResult<Vec<StoredVector>> {
        let rows = sqlx::query(&format!(
            "{VECTOR_SELECT} WHERE cv.model_id = $1 AND cv.kind = $4 AND cv.chunk_id > $2 ORDER BY cv.chunk_id LIMIT $3"
        ))
        .bind(model.id.0)
        .bind(after.0)
        .bind(limit_i64(limit))
        .bind(kind.code())
        .fetch_all(self.pool())
        .await?;
        self.with_groups(model, &rows).await
    }

    /// A document's vectors for a model: what the vector index replaces when it changes.
    pub async fn document_vectors(
        &self,
        model: &EmbeddingModel,
        kind: VectorKind,
        document: DocumentId,
    ) -> StoreResult<Vec<StoredVector>> {
        let rows = sqlx::query(&format!(
            "{VECTOR_SELECT} WHERE cv.model_id = $1 AND cv.kind = $3 AND c.document_id = $2 ORDER BY cv.chunk_id"
        ))
        .bind(model.id.0)
        .bind(document.0)
        .bind(kind.code())
        .fetch_all(self.pool())
        .await?;
        self.with_groups(model, &rows).await
    }

    /// A page of chunks with no vector of `kind` for a model, in chunk order after `after`:
    /// the work list of the embedding task, which resumes from the last chunk it wrote. Title
    /// vectors are wanted of the first chunk of each document that has a title.
    pub async fn chunks_without_vector(
        &self,
        model: EmbeddingModelId,
        kind: VectorKind,
        after: ChunkId,
        limit: usize,
    ) -> StoreResult<Vec<PendingChunk>> {
        let titles_only = match kind {
            VectorKind::Passage => String::new(),
            VectorKind::Title => format!("AND {TITLED}"),
        };
        let rows = sqlx::query(&format!(
            "SELECT c.id, c.document_id, d.title, c.heading_path, c.body, COALESCE(c.language, d.language) AS language
             FROM chunks c JOIN documents d ON d.id = c.document_id
             WHERE c.id > $2 {titles_only} AND NOT EXISTS
                 (SELECT 1 FROM chunk_vectors cv WHERE cv.model_id = $1 AND cv.kind = $4 AND cv.chunk_id = c.id)
             ORDER BY c.id LIMIT $3",
        ))
        .bind(model.0)
        .bind(after.0)
        .bind(limit_i64(limit))
        .bind(kind.code())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PendingChunk {
                    chunk_id: ChunkId(r.try_get("id")?),
                    document_id: DocumentId(r.try_get("document_id")?),
                    title: r.try_get("title")?,
                    heading_path: split_heading_path(&r.try_get::<String, _>("heading_path")?),
                    body: r.try_get("body")?,
                    language: r.try_get("language")?,
                })
            })
            .collect()
    }

    /// How many chunks and titles have a vector for a model, and how many are wanted.
    pub async fn vector_count(&self, model: EmbeddingModelId) -> StoreResult<VectorCount> {
        let row = sqlx::query(&format!(
            "SELECT (SELECT COUNT(*) FROM chunk_vectors WHERE model_id = $1 AND kind = 0) AS vectors,
                    (SELECT COUNT(*) FROM chunks) AS chunks,
                    (SELECT COUNT(*) FROM chunk_vectors WHERE model_id = $1 AND kind = 1) AS titles,
                    (SELECT COUNT(*) FROM chunks c JOIN documents d ON d.id = c.document_id
                     WHERE {TITLED}) AS titled",
        ))
        .bind(model.0)
        .fetch_one(self.pool())
        .await?;
        let count = |column: &str| -> StoreResult<u64> {
            Ok(row.try_get::<i64, _>(column)?.unsigned_abs())
        };
        Ok(VectorCount {
            vectors: count("vectors")?,
            chunks: count("chunks")?,
            titles: count("titles")?,
            titled: count("titled")?,
        })
    }

    /// Turns rows of [`VECTOR_SELECT`] into vectors carrying their documents' groups, read in
    /// one query for the whole page.
    async fn with_groups(
        &self,
        model: &EmbeddingModel,
        rows: &[AnyRow],
    ) -> StoreResult<Vec<StoredVector>> {
        let documents = distinct_documents(rows)?;
        let groups = self.groups_of_documents(&documents).await?;
        rows.iter()
            .map(|r| {
                let document_id = DocumentId(r.try_get("document_id")?);
                Ok(StoredVector {
                    chunk_id: ChunkId(r.try_get("chunk_id")?),
                    document_id,
                    groups: groups.get(&document_id).cloned().unwrap_or_default(),
                    language: r.try_get("language")?,
                    vector: decode(&r.try_get::<Vec<u8>, _>("vector")?, model.dims)?,
                })
            })
            .collect()
    }

    /// Group slugs of each document, sorted.
    async fn groups_of_documents(
        &self,
        documents: &[i64],
    ) -> StoreResult<HashMap<DocumentId, Vec<String>>> {
        let mut groups: HashMap<DocumentId, Vec<String>> = HashMap::new();
        if documents.is_empty() {
            return Ok(groups);
        }
        let params: Vec<String> = (1..=documents.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT dg.document_id, g.slug FROM document_groups dg JOIN groups g ON g.id = dg.group_id
             WHERE dg.document_id IN ({}) ORDER BY dg.document_id, g.slug",
            params.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for id in documents {
            query = query.bind(*id);
        }
        for r in query.fetch_all(self.pool()).await? {
            groups
                .entry(DocumentId(r.try_get("document_id")?))
                .or_default()
                .push(r.try_get("slug")?);
        }
        Ok(groups)
    }
}

/// One INSERT for `rows` vectors: `$1` is the model, then chunk and vector per row. Selecting
/// each chunk from `chunks` skips the ones deleted since they were read.
fn insert_vectors_sql(rows: usize) -> String {
    let selects: Vec<String> = (0..rows)
        .map(|i| {
            let (chunk, vector) = (3 + 2 * i, 4 + 2 * i);
            format!("SELECT $1, $2, id, ${vector} FROM chunks WHERE id = ${chunk}")
        })
        .collect();
    format!(
        "INSERT INTO chunk_vectors (model_id, kind, chunk_id, vector) {}
         ON CONFLICT (model_id, kind, chunk_id) DO UPDATE SET vector = excluded.vector",
        selects.join(" UNION ALL ")
    )
}

/// Refuses a batch the index could not use: wrong length, non-finite values, or a chunk twice
/// (PostgreSQL refuses to update one row twice in a statement).
fn check_batch<V: AsRef<[f32]>>(
    model: &EmbeddingModel,
    vectors: &[(ChunkId, V)],
) -> StoreResult<()> {
    let mut seen = HashSet::new();
    for (chunk, vector) in vectors {
        let vector = vector.as_ref();
        if vector.len() != model.dims {
            return Err(StoreError::Invalid(format!(
                "the vector of chunk {chunk} has {} values; model {} makes {}",
                vector.len(),
                model.name,
                model.dims
            )));
        }
        if !vector.iter().all(|v| v.is_finite()) {
            return Err(StoreError::Invalid(format!(
                "the vector of chunk {chunk} holds a value that is not a finite number"
            )));
        }
        if !seen.insert(*chunk) {
            return Err(StoreError::Invalid(format!(
                "chunk {chunk} appears twice in one batch of vectors"
            )));
        }
    }
    Ok(())
}

/// The distinct `document_id`s of rows, sorted.
fn distinct_documents(rows: &[AnyRow]) -> StoreResult<Vec<i64>> {
    let mut documents: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get("document_id"))
        .collect::<Result<_, _>>()?;
    documents.sort_unstable();
    documents.dedup();
    Ok(documents)
}

fn encode(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn decode(bytes: &[u8], dims: usize) -> StoreResult<Vec<f32>> {
    if bytes.len() != dims * 4 {
        return Err(StoreError::Invalid(format!(
            "a stored vector has {} bytes where {dims} dimensions take {}: re-embed with the embedding task",
            bytes.len(),
            dims * 4
        )));
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

fn model_from_row(row: &AnyRow) -> StoreResult<EmbeddingModel> {
    let dims: i64 = row.try_get("dims")?;
    Ok(EmbeddingModel {
        id: EmbeddingModelId(row.try_get("id")?),
        name: row.try_get("name")?,
        weights_sha256: row.try_get("weights_sha256")?,
        dims: usize::try_from(dims)
            .map_err(|_| StoreError::Invalid(format!("model with {dims} dimensions")))?,
        created_at: Timestamp(row.try_get("created_at")?),
    })
}

fn dims_i64(dims: usize) -> StoreResult<i64> {
    i64::try_from(dims).map_err(|_| StoreError::Invalid(format!("{dims} dimensions")))
}

/// Page sizes beyond i64 mean "everything".
fn limit_i64(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_round_trip_through_little_endian_bytes() {
        let v = vec![0.5, -1.25, f32::MIN_POSITIVE, 3.0e-8];
        let bytes = encode(&v);
        assert_eq!(bytes.len(), 16);
        assert_eq!(&bytes[..4], &0.5f32.to_le_bytes());
        assert_eq!(decode(&bytes, 4).expect("decode"), v);
        assert!(decode(&bytes, 3).is_err(), "length mismatch is refused");
    }

    #[test]
    fn titled_chunks_leave_out_titles_made_from_file_names() {
        let key = format!("\"{}\":true", crate::documents::TITLE_FROM_FILE_NAME);
        assert!(TITLED.contains(&key));
        let compact = serde_json::json!({ crate::documents::TITLE_FROM_FILE_NAME: true });
        assert!(compact.to_string().contains(&key));
    }

    #[test]
    fn insert_numbers_parameters_after_the_model() {
        let sql = insert_vectors_sql(2);
        assert!(sql.contains("SELECT $1, $2, id, $4 FROM chunks WHERE id = $3 UNION ALL SELECT $1, $2, id, $6 FROM chunks WHERE id = $5"));
    }
}
