//! A bounded memory of the vectors of short texts already embedded.
//!
//! The support assistant embeds one customer message up to three times (the FAQ classifier,
//! the semantic search, the choice of the answering sentence), and the sentences of the
//! knowledge base's popular passages on every question they may answer. Under load those
//! forward passes were nine tenths of a node's CPU (perf during `scripts/soak`); remembering
//! their vectors makes each one cost once.
//!
//! Two generations instead of a strict LRU: a hit in the older one moves the entry to the newer
//! one, and when the newer one is full the older one is dropped whole. Entries used since the
//! last turnover survive, at O(1) per operation and without a list to maintain.

use std::collections::HashMap;
use std::sync::Mutex;

/// Longest text (prompt included, in bytes) remembered: questions and sentences are short; a
/// passage being indexed is embedded once and would only push the useful entries out.
pub(crate) const MEMO_MAX_TEXT_BYTES: usize = 600;

/// Texts remembered by default: the sentences and sentence pairs of several hundred passages.
/// At most twice this many vectors are held (two generations): for e5-small (384 floats) and
/// the longest texts, about 60 MB.
pub(crate) const DEFAULT_MEMO_ENTRIES: usize = 16_384;

/// Vectors by the exact text (role prompt included) that was embedded.
pub(crate) struct VectorMemo {
    generations: Mutex<Generations>,
    entries: usize,
}

#[derive(Default)]
struct Generations {
    newer: HashMap<String, Vec<f32>>,
    older: HashMap<String, Vec<f32>>,
}

impl VectorMemo {
    /// A memo holding about `entries` vectors; 0 remembers nothing.
    pub fn new(entries: usize) -> Self {
        Self {
            generations: Mutex::new(Generations::default()),
            entries,
        }
    }

    /// The vector of `text`, if it was remembered.
    pub fn get(&self, text: &str) -> Option<Vec<f32>> {
        if !self.keeps(text) {
            return None;
        }
        let mut g = self.lock();
        if let Some(v) = g.newer.get(text) {
            return Some(v.clone());
        }
        let v = g.older.remove(text)?;
        g.newer.insert(text.to_owned(), v.clone());
        Some(v)
    }

    /// Remembers `vector` as the vector of `text` (a long text is not remembered).
    pub fn put(&self, text: &str, vector: &[f32]) {
        if !self.keeps(text) {
            return;
        }
        let mut g = self.lock();
        if g.newer.len() >= self.entries {
            g.older = std::mem::take(&mut g.newer);
        }
        g.newer.insert(text.to_owned(), vector.to_vec());
    }

    /// Whether `text` may be remembered: a passage being indexed is neither looked up nor
    /// kept, so ingestion pays no hashing or lock for it.
    fn keeps(&self, text: &str) -> bool {
        self.entries > 0 && text.len() <= MEMO_MAX_TEXT_BYTES
    }

    /// A poisoned lock only means another thread panicked between two map operations: the
    /// maps are still valid, at worst missing that entry.
    fn lock(&self) -> std::sync::MutexGuard<'_, Generations> {
        self.generations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_used_since_the_last_turnover_survives_it() {
        let memo = VectorMemo::new(2);
        memo.put("a", &[1.0]);
        memo.put("b", &[2.0]);
        memo.put("c", &[3.0]); // turnover: a and b become the older generation
        assert_eq!(memo.get("a"), Some(vec![1.0])); // moved to the newer one
        memo.put("d", &[4.0]); // turnover: b is dropped, a and c survive
        assert_eq!(memo.get("b"), None);
        assert_eq!(memo.get("a"), Some(vec![1.0]));
        assert_eq!(memo.get("c"), Some(vec![3.0]));
        assert_eq!(memo.get("d"), Some(vec![4.0]));
    }

    #[test]
    fn long_texts_and_an_empty_memo_remember_nothing() {
        let memo = VectorMemo::new(4);
        let long = "x".repeat(MEMO_MAX_TEXT_BYTES + 1);
        memo.put(&long, &[1.0]);
        assert_eq!(memo.get(&long), None);
        let off = VectorMemo::new(0);
        off.put("a", &[1.0]);
        assert_eq!(off.get("a"), None);
    }
}
