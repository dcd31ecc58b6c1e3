//! One file's bytes into the store: extracted, cut into passages, stored with its access.

use crate::rules::Access;
use crate::{Failure, IngestError, IngestReport};
use levier_core::ids::SourceId;
use levier_extract::{ChunkOptions, Document, Limits, MediaType};
use levier_store::documents::TITLE_FROM_FILE_NAME;
use levier_store::documents::{NewChunk, NewDocument, StoreOutcome};
use levier_store::{Store, StoreError};
use sha2::{Digest, Sha256};

/// A file to ingest.
#[derive(Debug, Clone)]
pub struct FileInput {
    /// The source it belongs to.
    pub source_id: SourceId,
    /// Its identity within the source: the relative path, or the upload's name.
    pub path: String,
    /// Its content.
    pub bytes: Vec<u8>,
    /// Its modification time (milliseconds since the epoch), when known.
    pub modified_ms: Option<i64>,
    /// Who may read it.
    pub access: Access,
}

/// The separator between a mailbox's path and a message's position in its identity.
pub(crate) const MESSAGE_MARK: char = '#';

/// What ingesting one file did.
#[derive(Debug, Default)]
pub struct FileOutcome {
    /// The file's identity within its source ([`FileInput::path`]).
    pub path: String,
    /// Counts and failures.
    pub report: IngestReport,
    /// The identities now stored for this file (one, or one per mailbox message).
    pub stored: Vec<String>,
}

/// Ingests one file. Extraction failures are reported in the outcome (the file fails alone);
/// only a store failure is an error. To ingest many files, [`crate::Pipeline`] is much faster.
pub async fn ingest_file(
    store: &Store,
    input: FileInput,
    limits: &Limits,
    chunking: &ChunkOptions,
) -> Result<FileOutcome, IngestError> {
    let prepared = prepare_all(vec![input], limits, chunking).await?;
    let mut outcomes = store_prepared(store, prepared).await?;
    Ok(outcomes.pop().unwrap_or_default())
}

/// A file read and cut into the documents to store.
pub(crate) struct Prepared {
    path: String,
    bytes_read: u64,
    /// Each document of the file with its identity, or why it (or the whole file) could not
    /// be read.
    documents: Vec<(String, Result<NewDocument, String>)>,
    /// FAQ rows when the file is an FAQ CSV.
    faq: Option<(Vec<levier_extract::FaqRow>, Vec<levier_extract::RowError>)>,
}

/// Extracts and cuts files on every core, keeping their order. Extraction is CPU work (PDF,
/// zip): it runs off the async workers, in one blocking job per core over files of about the
/// same total size (a job per file costs more than extracting a small one).
pub(crate) async fn prepare_all(
    inputs: Vec<FileInput>,
    limits: &Limits,
    chunking: &ChunkOptions,
) -> Result<Vec<Prepared>, IngestError> {
    let jobs: Vec<_> = split_by_size(inputs, cores())
        .into_iter()
        .map(|part| {
            let (limits, chunking) = (limits.clone(), chunking.clone());
            tokio::task::spawn_blocking(move || {
                part.into_iter()
                    .map(|input| prepare(input, &limits, &chunking))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut out = Vec::new();
    for job in jobs {
        out.extend(
            job.await
                .map_err(|e| IngestError::Stopped(format!("extraction interrupted: {e}")))?,
        );
    }
    Ok(out)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Cuts `inputs` into at most about `parts` runs of consecutive files of similar total size.
fn split_by_size(inputs: Vec<FileInput>, parts: usize) -> Vec<Vec<FileInput>> {
    let total: usize = inputs.iter().map(|i| i.bytes.len()).sum();
    let share = total.div_ceil(parts.max(1)).max(1);
    let mut out = Vec::new();
    let mut current = Vec::new();
    let mut size = 0;
    for input in inputs {
        if size >= share {
            out.push(std::mem::take(&mut current));
            size = 0;
        }
        size += input.bytes.len();
        current.push(input);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Extracts one file into its documents. A reader that panics despite its guards fails this
/// file alone: it is not a reason to stop the run.
fn prepare(input: FileInput, limits: &Limits, chunking: &ChunkOptions) -> Prepared {
    let name = input
        .path
        .rsplit('/')
        .next()
        .unwrap_or(&input.path)
        .to_string();
    let extracted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        extract_all(&name, &input.bytes, limits, chunking)
    }))
    .unwrap_or_else(|panic| {
        Err(format!(
            "the reader crashed on this file ({}): please report it",
            panic_message(panic.as_ref())
        ))
    });
    let mut prepared = Prepared {
        path: input.path.clone(),
        bytes_read: input.bytes.len() as u64,
        documents: Vec::new(),
        faq: None,
    };
    match extracted {
        Ok(Extracted {
            documents,
            faq,
            mailbox,
        }) => {
            prepared.faq = faq;
            prepared.documents = documents
                .into_iter()
                .map(|(position, result)| {
                    let path = if mailbox {
                        format!("{}{MESSAGE_MARK}{position}", input.path)
                    } else {
                        input.path.clone()
                    };
                    let doc = result.map(|(doc, chunks)| {
                        new_document(&input, &path, &name, doc, chunks, mailbox)
                    });
                    (path, doc)
                })
                .collect();
        }
        Err(reason) => prepared.documents.push((input.path.clone(), Err(reason))),
    }
    prepared
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown panic")
}

/// Stores the documents of prepared files in one transaction, then their FAQ rows; returns
/// one outcome per file, in order.
pub(crate) async fn store_prepared(
    store: &Store,
    prepared: Vec<Prepared>,
) -> Result<Vec<FileOutcome>, IngestError> {
    let mut outcomes = Vec::with_capacity(prepared.len());
    let mut documents = Vec::new();
    let mut owners = Vec::new();
    let mut faqs = Vec::new();
    for (file, p) in prepared.into_iter().enumerate() {
        let mut outcome = FileOutcome {
            path: p.path.clone(),
            ..FileOutcome::default()
        };
        outcome.report.bytes_read = p.bytes_read;
        for (path, doc) in p.documents {
            match doc {
                Ok(doc) => {
                    documents.push(doc);
                    owners.push((file, path));
                }
                Err(reason) => outcome.report.failed.push(Failure { path, reason }),
            }
        }
        outcomes.push(outcome);
        faqs.push((p.path, p.faq));
    }
    let results = if documents.is_empty() {
        Vec::new()
    } else {
        store.store_documents(&documents).await?
    };
    for ((file, path), result) in owners.into_iter().zip(results) {
        let outcome = &mut outcomes[file];
        match result {
            Ok(StoreOutcome::Added(_)) => outcome.report.added += 1,
            Ok(StoreOutcome::Updated(_)) => outcome.report.updated += 1,
            Ok(StoreOutcome::Unchanged(_)) => outcome.report.unchanged += 1,
            // The document itself is refused (an access group that does not exist, named by
            // a folder's rules): it fails alone, the run goes on.
            Err(StoreError::Invalid(reason)) => {
                outcome.report.failed.push(Failure {
                    path,
                    reason: format!("{reason}: create the group or correct the access rules"),
                });
                continue;
            }
            Err(e) => return Err(e.into()),
        }
        outcome.stored.push(path);
    }
    for ((path, faq), outcome) in faqs.into_iter().zip(&mut outcomes) {
        import_faq(store, &path, faq, &mut outcome.report).await?;
    }
    Ok(outcomes)
}

/// A document read from a file with its passages, or why it could not be read.
type DocumentResult = Result<(Document, Vec<levier_extract::Chunk>), String>;

struct Extracted {
    /// (position in the file, the document and its passages, or why it failed).
    documents: Vec<(usize, DocumentResult)>,
    /// FAQ rows when the file is an FAQ CSV.
    faq: Option<(Vec<levier_extract::FaqRow>, Vec<levier_extract::RowError>)>,
    /// The file is a mailbox: each message is a document of its own.
    mailbox: bool,
}

fn extract_all(
    name: &str,
    bytes: &[u8],
    limits: &Limits,
    chunking: &ChunkOptions,
) -> Result<Extracted, String> {
    let with_chunks = |d: Document| {
        let chunks = levier_extract::chunk(&d, chunking);
        (d, chunks)
    };
    let format = levier_extract::detect_format(name, bytes).ok();
    if format == Some(MediaType::Mbox) {
        let messages =
            levier_extract::extract_mbox(name, bytes, limits).map_err(|e| e.to_string())?;
        let documents = messages
            .into_iter()
            .map(|m| {
                (
                    m.index,
                    m.result.map(with_chunks).map_err(|e| e.to_string()),
                )
            })
            .collect();
        return Ok(Extracted {
            documents,
            faq: None,
            mailbox: true,
        });
    }
    let doc = levier_extract::extract(name, bytes, limits).map_err(|e| e.to_string())?;
    let faq = (doc.media_type == MediaType::Csv)
        .then(|| levier_extract::faq_csv(bytes))
        .filter(|(rows, _)| !rows.is_empty());
    Ok(Extracted {
        documents: vec![(1, Ok(with_chunks(doc)))],
        faq,
        mailbox: false,
    })
}

fn new_document(
    input: &FileInput,
    path: &str,
    name: &str,
    doc: Document,
    chunks: Vec<levier_extract::Chunk>,
    part_of_many: bool,
) -> NewDocument {
    let body = doc.text();
    let bytes = &input.bytes;
    // A message of a mailbox changes with its own text, not with the rest of the file.
    let hash = if part_of_many {
        Sha256::digest(body.as_bytes())
    } else {
        Sha256::digest(bytes)
    };
    let own_title = doc.title.clone().filter(|t| !t.trim().is_empty());
    let title_from_file_name = own_title.is_none();
    let title = own_title.unwrap_or_else(|| title_from_name(name));
    let m = &doc.metadata;
    let mut metadata = serde_json::json!({
        "file_size": bytes.len(),
        "file_modified_ms": input.modified_ms,
        "access": fingerprint(&input.access),
        "author": m.author, "created": m.created, "modified": m.modified, "subject": m.subject,
    });
    if title_from_file_name {
        // A title made from the file name ("F10506") may say nothing of the content: semantic
        // search does not embed it alone (levier_store::vectors::VectorKind::Title).
        metadata[TITLE_FROM_FILE_NAME] = serde_json::Value::Bool(true);
    }
    NewDocument {
        source_id: input.source_id,
        external_id: path.to_string(),
        title,
        media_type: doc.media_type.mime().to_string(),
        content_hash: hex::encode(hash),
        size_bytes: if part_of_many {
            body.len() as i64
        } else {
            bytes.len() as i64
        },
        language: doc.language.clone(),
        public: input.access.public,
        metadata,
        body: Some(body),
        groups: input.access.groups.clone(),
        chunks: chunks
            .into_iter()
            .map(|c| NewChunk {
                ordinal: c.ordinal as i64,
                heading_path: c.heading_path,
                body: c.text,
                language: c.language,
                start_offset: c.start as i64,
                end_offset: c.end as i64,
            })
            .collect(),
    }
}

/// A short description of who may read, stored with the document so that a folder sync notices
/// a change of access rules even when the file itself did not change.
pub(crate) fn fingerprint(access: &Access) -> String {
    let mut groups = access.groups.clone();
    groups.sort();
    format!("{}|{}", groups.join(","), access.public)
}

/// "fiche-produit_alto.pdf" → "Fiche produit alto".
fn title_from_name(name: &str) -> String {
    let stem = name
        .rsplit_once('.')
        .map_or(name, |(s, _)| s)
        .replace(['-', '_'], " ");
    let mut chars = stem.trim().chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

async fn import_faq(
    store: &Store,
    path: &str,
    faq: Option<(Vec<levier_extract::FaqRow>, Vec<levier_extract::RowError>)>,
    report: &mut IngestReport,
) -> Result<(), IngestError> {
    let Some((rows, errors)) = faq else {
        return Ok(());
    };
    let imported = crate::faq::store_entries(store, crate::faq::from_rows(rows, errors)).await?;
    for e in imported.errors {
        report.failed.push(Failure {
            path: format!("{path} line {}", e.line),
            reason: match e.column {
                Some(column) => format!("column {column}: {}", e.reason),
                None => e.reason,
            },
        });
    }
    report.faq_entries += imported.created;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_from_file_names() {
        assert_eq!(
            title_from_name("fiche-produit_alto.pdf"),
            "Fiche produit alto"
        );
        assert_eq!(title_from_name("README"), "README");
    }
}
