//! Keeping a folder source in sync with the store.

use crate::file::{FileInput, FileOutcome, MESSAGE_MARK, fingerprint};
use crate::rules::{Access, RULES_FILE, access_of};
use crate::{IngestError, IngestReport, Pipeline, Progress};
use levier_core::ids::{DocumentId, SourceId};
use levier_extract::{ChunkOptions, Limits};
use levier_store::Store;
use levier_store::directory::NewSource;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// A file found in the folder.
struct Found {
    rel: String,
    abs: PathBuf,
    size: u64,
    modified_ms: Option<i64>,
    access: Access,
}

/// Brings the store in line with the folder `source.location`: new and changed files are
/// ingested, unchanged ones skipped without being read, vanished ones removed. `progress` hears
/// of each file and may stop the run (a cancelled task) between two files: the files read
/// before are stored, the others are not.
pub async fn sync_folder(
    store: &Store,
    source: &NewSource,
    limits: &Limits,
    chunking: &ChunkOptions,
    progress: &mut impl Progress,
) -> Result<IngestReport, IngestError> {
    let root = PathBuf::from(&source.location);
    let source_id = store.upsert_source(source).await?;
    let base = Access {
        groups: source.groups.clone(),
        public: source.public,
    };
    let mut files = Vec::new();
    walk(&root, &root, &base, &mut files)?;
    let known = store.source_documents(source_id).await?;
    let mut run = Run {
        parts_of: PartsIndex::new(known.keys()),
        known: &known,
        report: IngestReport::default(),
        seen: HashSet::new(),
    };
    let mut pipeline = Pipeline::new(store, limits, chunking);
    let total = files.len();
    for (i, f) in files.into_iter().enumerate() {
        if let Err(stop) = progress.report(i, total, &f.rel).await {
            pipeline.finish().await?;
            return Err(stop);
        }
        if let Some(input) = run.file_to_read(f, source_id, limits) {
            run.absorb(pipeline.push(input).await?);
        }
    }
    run.absorb(pipeline.finish().await?);
    progress.report(total, total, "").await?;
    let Run {
        mut report, seen, ..
    } = run;
    for (external_id, (id, _)) in &known {
        if !seen.contains(external_id) && store.remove_document(*id).await? {
            report.removed += 1;
        }
    }
    Ok(report)
}

/// What a folder sync has found so far.
struct Run<'a> {
    known: &'a HashMap<String, (DocumentId, serde_json::Value)>,
    parts_of: PartsIndex<'a>,
    report: IngestReport,
    /// Stored identities still backed by a file: the others are removed at the end.
    seen: HashSet<String>,
}

impl Run<'_> {
    /// The file's content when it must be (re)ingested; None when it is unchanged or cannot
    /// be read (then its reason is reported and its stored documents are kept).
    fn file_to_read(
        &mut self,
        f: Found,
        source_id: SourceId,
        limits: &Limits,
    ) -> Option<FileInput> {
        let same = |meta: &serde_json::Value| {
            meta.get("file_size").and_then(|v| v.as_u64()) == Some(f.size)
                && meta.get("file_modified_ms").and_then(|v| v.as_i64()) == f.modified_ms
                && meta.get("access").and_then(|v| v.as_str())
                    == Some(fingerprint(&f.access).as_str())
        };
        // The documents stored for this file: itself, or each message of a mailbox.
        let parts = self.parts_of.get(&f.rel);
        let stored = parts.first().and_then(|p| self.known.get(*p));
        if f.modified_ms.is_some() && stored.is_some_and(|(_, meta)| same(meta)) {
            self.report.unchanged += parts.len();
            self.seen.extend(parts.iter().map(|p| p.to_string()));
            return None;
        }
        let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
        // Refuse a file by its size before reading it into memory.
        let bytes = levier_extract::check_input_size(name, f.size, limits)
            .map_err(|e| e.to_string())
            .and_then(|()| std::fs::read(&f.abs).map_err(|e| format!("cannot read the file: {e}")));
        match bytes {
            Ok(bytes) => Some(FileInput {
                source_id,
                path: f.rel,
                bytes,
                modified_ms: f.modified_ms,
                access: f.access,
            }),
            Err(reason) => {
                self.seen.extend(parts.iter().map(|p| p.to_string()));
                self.report.failed.push(crate::Failure {
                    path: f.rel,
                    reason,
                });
                None
            }
        }
    }

    /// Takes in the outcomes of stored files.
    fn absorb(&mut self, outcomes: Vec<FileOutcome>) {
        for outcome in outcomes {
            if outcome.stored.is_empty() {
                // A file that cannot be read any more keeps its previous version rather than
                // vanish.
                let parts = self.parts_of.get(&outcome.path);
                self.seen.extend(parts.iter().map(|p| p.to_string()));
            }
            // Likewise a message of a mailbox that cannot be read any more.
            let known = self.known;
            self.seen.extend(
                outcome
                    .report
                    .failed
                    .iter()
                    .filter(|failure| known.contains_key(&failure.path))
                    .map(|failure| failure.path.clone()),
            );
            self.seen.extend(outcome.stored);
            self.report.merge(outcome.report);
        }
    }
}

fn is_part_of(external_id: &str, rel: &str) -> bool {
    external_id == rel
        || external_id
            .strip_prefix(rel)
            .is_some_and(|rest| rest.starts_with(MESSAGE_MARK))
}

/// The stored documents of each file, found without scanning every stored document for every
/// file (which made syncing a large folder quadratic).
struct PartsIndex<'a> {
    by_file: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> PartsIndex<'a> {
    fn new(external_ids: impl Iterator<Item = &'a String>) -> Self {
        let mut by_file: HashMap<&str, Vec<&str>> = HashMap::new();
        for id in external_ids {
            by_file.entry(id.as_str()).or_default().push(id);
            // `archive.mbox#12` is the 12th message of `archive.mbox`.
            if let Some((file, n)) = id.rsplit_once(MESSAGE_MARK)
                && !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit())
            {
                by_file.entry(file).or_default().push(id);
            }
        }
        for ids in by_file.values_mut() {
            // The file itself first, then its messages in order.
            ids.sort_by_key(|id| (id.len(), *id));
        }
        PartsIndex { by_file }
    }

    /// The stored documents of the file `rel`: itself, or its messages (first message first).
    fn get(&self, rel: &str) -> Vec<&'a str> {
        self.by_file
            .get(rel)
            .map(|ids| {
                ids.iter()
                    .copied()
                    .filter(|id| is_part_of(id, rel))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Lists the files under `dir` with the access rules in force for each. Hidden files, rules
/// files and symbolic links are skipped: a link could lead outside the folder.
fn walk(
    root: &Path,
    dir: &Path,
    inherited: &Access,
    out: &mut Vec<Found>,
) -> Result<(), IngestError> {
    let access = access_of(dir, inherited)?;
    let entries = std::fs::read_dir(dir).map_err(|source| IngestError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') || name == RULES_FILE {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() {
            walk(root, &path, &access, out)?;
        } else if kind.is_file() {
            let meta = entry.metadata().map_err(|source| IngestError::Io {
                path: path.display().to_string(),
                source,
            })?;
            let modified_ms = meta
                .modified()
                .ok()
                .and_then(|m| m.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_millis() as i64);
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.push(Found {
                rel,
                abs: path,
                size: meta.len(),
                modified_ms,
                access: access.clone(),
            });
        }
    }
    Ok(())
}
