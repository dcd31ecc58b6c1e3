//! Whether the lexical index holds exactly what the store says it should (`levier doctor`).
//!
//! The index is derived data, so the check is a comparison: the chunks each document has in the
//! store against the chunks the index's last commit holds for it. A node that is running keeps
//! following the store, so documents changed after the change the index last applied are not
//! compared (they are "pending", which is normal lag); every other difference is damage — a
//! lost or half-copied index directory, a bug — and is repaired by rebuilding the index.

use crate::{IndexResult, LexicalIndex};
use levier_core::ids::{ChunkId, DocumentId};
use levier_store::Store;
use levier_store::changes::Entity;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// How far the index is from the store, as found by [`LexicalIndex::check`].
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct IndexCheck {
    /// The last change the index reflects.
    pub applied_seq: i64,
    /// The store's last change.
    pub store_seq: i64,
    /// Chunks the index holds.
    pub chunks_in_index: u64,
    /// Chunks the store holds for the documents compared.
    pub chunks_expected: u64,
    /// Documents changed after `applied_seq`: not compared, the index has yet to apply them.
    pub pending_documents: u64,
    /// Documents of the store the index lacks entirely.
    pub missing: Vec<DocumentId>,
    /// Documents the index still holds though the store has removed them.
    pub stale: Vec<DocumentId>,
    /// Documents held in both, with other chunks in the index than in the store.
    pub differing: Vec<DocumentId>,
}

impl IndexCheck {
    /// True when every compared document has exactly its chunks in the index.
    pub fn is_consistent(&self) -> bool {
        self.missing.is_empty() && self.stale.is_empty() && self.differing.is_empty()
    }
}

type ChunksByDocument = BTreeMap<DocumentId, BTreeSet<ChunkId>>;

impl LexicalIndex {
    /// Compares the index's last commit with the store (see the module's doc).
    pub async fn check(&self, store: &Store) -> IndexResult<IndexCheck> {
        // The index, then the store's documents, then the changes: a document changed while
        // this runs (by a node that is serving) has a change read last, so it shows up as
        // pending rather than as a difference.
        let applied_seq = self.applied_seq();
        let indexed = self.chunks_by_document()?;
        let mut expected = ChunksByDocument::new();
        for document in store.document_ids().await? {
            expected.entry(document).or_default();
        }
        for (document, chunk) in store.chunk_ids().await? {
            expected.entry(document).or_default().insert(chunk);
        }
        let pending = documents_changed_after(store, applied_seq).await?;
        let store_seq = store.last_change_seq().await?;
        Ok(compare(indexed, expected, &pending, applied_seq, store_seq))
    }

    /// Every live chunk of the last commit, by document, read from the fast fields.
    fn chunks_by_document(&self) -> IndexResult<ChunksByDocument> {
        self.reader.reload()?;
        let searcher = self.reader.searcher();
        let mut out = ChunksByDocument::new();
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let chunks = fast.u64("chunk_id")?;
            let documents = fast.u64("document_id")?;
            for doc in segment.doc_ids_alive() {
                if let (Some(chunk), Some(document)) = (chunks.first(doc), documents.first(doc)) {
                    out.entry(DocumentId(document.cast_signed()))
                        .or_default()
                        .insert(ChunkId(chunk.cast_signed()));
                }
            }
        }
        Ok(out)
    }
}

/// Documents named by a change after `seq`.
async fn documents_changed_after(store: &Store, seq: i64) -> IndexResult<HashSet<DocumentId>> {
    Ok(store
        .changes_since(seq, i64::MAX)
        .await?
        .into_iter()
        .filter(|c| c.entity == Entity::Document)
        .map(|c| DocumentId(c.entity_id))
        .collect())
}

fn compare(
    indexed: ChunksByDocument,
    expected: ChunksByDocument,
    pending: &HashSet<DocumentId>,
    applied_seq: i64,
    store_seq: i64,
) -> IndexCheck {
    let mut check = IndexCheck {
        applied_seq,
        store_seq,
        chunks_in_index: indexed.values().map(|c| c.len() as u64).sum(),
        pending_documents: pending.len() as u64,
        ..IndexCheck::default()
    };
    for (document, chunks) in &expected {
        if pending.contains(document) {
            continue;
        }
        check.chunks_expected += chunks.len() as u64;
        match indexed.get(document) {
            // A document without passages (an empty file) has nothing to index.
            None if chunks.is_empty() => {}
            None => check.missing.push(*document),
            Some(held) if held != chunks => check.differing.push(*document),
            Some(_) => {}
        }
    }
    check.stale = indexed
        .keys()
        .filter(|d| !expected.contains_key(d) && !pending.contains(d))
        .copied()
        .collect();
    check
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(entries: &[(i64, &[i64])]) -> ChunksByDocument {
        entries
            .iter()
            .map(|(d, cs)| (DocumentId(*d), cs.iter().map(|c| ChunkId(*c)).collect()))
            .collect()
    }

    #[test]
    fn differences_are_sorted_into_missing_stale_and_differing() {
        let indexed = chunks(&[(1, &[10, 11]), (2, &[20]), (4, &[40])]);
        let expected = chunks(&[(1, &[10, 11]), (2, &[20, 21]), (3, &[30]), (5, &[])]);
        let check = compare(indexed, expected, &HashSet::new(), 7, 7);
        assert_eq!(check.missing, vec![DocumentId(3)]);
        assert_eq!(check.stale, vec![DocumentId(4)]);
        assert_eq!(check.differing, vec![DocumentId(2)]);
        assert_eq!((check.chunks_in_index, check.chunks_expected), (4, 5));
        assert!(!check.is_consistent());
    }

    #[test]
    fn documents_changed_after_the_last_applied_change_are_not_compared() {
        let indexed = chunks(&[(1, &[10]), (9, &[90])]);
        let expected = chunks(&[(1, &[10]), (2, &[20])]);
        let pending = HashSet::from([DocumentId(2), DocumentId(9)]);
        let check = compare(indexed, expected, &pending, 3, 5);
        assert!(check.is_consistent(), "{check:?}");
        assert_eq!(check.pending_documents, 2);
    }
}
