//! Fusion of rankings: one document list from the lexical and the dense ones.
//!
//! BM25 scores and cosines live on different scales, so they cannot be added as they are.
//! Reciprocal rank fusion ([`reciprocal_rank`]) uses ranks only, which needs no tuning;
//! weighted fusion ([`weighted`]) rescales each list to [0, 1] first, so one weight can say how
//! much each signal counts. Both work on documents: a document is ranked once, by its best
//! passage ([`collapse`]), so a document with many matching passages does not crowd the list.

use std::collections::HashMap;
use std::hash::Hash;

/// The usual constant of reciprocal rank fusion (Cormack et al., 2009): it damps the weight of
/// the first ranks, so agreement between lists counts more than one list's top result.
pub const RRF_K: f32 = 60.0;

/// Keeps the first (best) occurrence of each document of a best-first list of passages.
pub fn collapse<K: Eq + Hash + Clone>(hits: impl IntoIterator<Item = (K, f32)>) -> Vec<(K, f32)> {
    let mut seen = std::collections::HashSet::new();
    hits.into_iter()
        .filter(|(key, _)| seen.insert(key.clone()))
        .collect()
}

/// Reciprocal rank fusion: each document scores the sum over lists of `1 / (k + rank)`, rank
/// from 1. Lists are best first, one entry per document.
pub fn reciprocal_rank<K: Eq + Hash + Clone>(lists: &[&[(K, f32)]], k: f32) -> Vec<(K, f32)> {
    fuse(lists.iter().map(|list| {
        list.iter()
            .enumerate()
            .map(move |(i, (key, _))| (key.clone(), 1.0 / (k + i as f32 + 1.0)))
    }))
}

/// Weighted fusion: each list's scores are rescaled to [0, 1] (min-max), multiplied by
/// `weight(list, key)` (`list` is the list's index) and summed; a document absent from a list
/// gets nothing from it. The weight may depend on the document: an FAQ entry's title counts
/// more than an article's (see `retriever::Fusion`).
pub fn weighted<K: Eq + Hash + Clone>(
    lists: &[&[(K, f32)]],
    weight: impl Fn(usize, &K) -> f32,
) -> Vec<(K, f32)> {
    let weight = &weight;
    fuse(lists.iter().enumerate().map(|(i, &list)| {
        let (low, high) = bounds(list);
        list.iter()
            .map(move |(key, score)| (key.clone(), weight(i, key) * normalise(*score, low, high)))
    }))
}

/// Sums each document's contributions and sorts best first; ties keep the order in which
/// documents were first met, so the first list breaks them.
fn fuse<K, L, I>(lists: L) -> Vec<(K, f32)>
where
    K: Eq + Hash + Clone,
    L: Iterator<Item = I>,
    I: Iterator<Item = (K, f32)>,
{
    let mut order: Vec<K> = Vec::new();
    let mut totals: HashMap<K, f32> = HashMap::new();
    for (key, score) in lists.flatten() {
        let total = totals.entry(key.clone()).or_insert_with(|| {
            order.push(key);
            0.0
        });
        *total += score;
    }
    let mut fused: Vec<(K, f32)> = order
        .into_iter()
        .map(|key| {
            let score = totals[&key];
            (key, score)
        })
        .collect();
    fused.sort_by(|a, b| b.1.total_cmp(&a.1));
    fused
}

/// Lowest and highest score of a list ((0, 0) when empty).
fn bounds<K>(list: &[(K, f32)]) -> (f32, f32) {
    let scores = list.iter().map(|(_, s)| *s);
    let low = scores.clone().fold(f32::INFINITY, f32::min);
    let high = scores.fold(f32::NEG_INFINITY, f32::max);
    if low.is_finite() && high.is_finite() {
        (low, high)
    } else {
        (0.0, 0.0)
    }
}

/// A score rescaled to [0, 1]; when every score is equal, each counts fully.
fn normalise(score: f32, low: f32, high: f32) -> f32 {
    if high > low {
        (score - low) / (high - low)
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &[(&'static str, f32)]) -> Vec<&'static str> {
        list.iter().map(|(k, _)| *k).collect()
    }

    #[test]
    fn collapse_keeps_each_documents_best_passage() {
        let hits = [("a", 0.9), ("b", 0.8), ("a", 0.7), ("c", 0.6), ("b", 0.5)];
        assert_eq!(collapse(hits), vec![("a", 0.9), ("b", 0.8), ("c", 0.6)]);
    }

    #[test]
    fn rrf_rewards_agreement() {
        let lexical = [("a", 12.0), ("b", 10.0), ("c", 3.0)];
        let dense = [("c", 0.9), ("b", 0.8), ("d", 0.7)];
        let fused = reciprocal_rank(&[&lexical, &dense], RRF_K);
        // b, second in both lists, outranks a, first in one only.
        assert_eq!(keys(&fused), ["c", "b", "a", "d"]);
        assert!((fused[1].1 - 2.0 / 62.0).abs() < 1e-6);
        assert!((fused[2].1 - 1.0 / 61.0).abs() < 1e-6);
    }

    #[test]
    fn rrf_ties_keep_first_list_order() {
        let fused = reciprocal_rank(&[&[("a", 1.0)][..], &[("b", 1.0)][..]], RRF_K);
        assert_eq!(keys(&fused), ["a", "b"]);
    }

    #[test]
    fn weighted_rescales_each_list() {
        // BM25 in the tens, cosines near 1: without rescaling the lexical list would decide.
        let lexical = [("a", 30.0), ("b", 20.0), ("c", 10.0)];
        let dense = [("c", 0.90), ("b", 0.85), ("a", 0.80)];
        let fused = weighted(&[&lexical[..], &dense[..]], |list, _| [0.3, 0.7][list]);
        assert_eq!(keys(&fused), ["c", "b", "a"]);
        assert!((fused[0].1 - 0.7).abs() < 1e-6);
        assert!((fused[1].1 - 0.5).abs() < 1e-6);
        assert!((fused[2].1 - 0.3).abs() < 1e-6);
    }

    #[test]
    fn weighted_handles_flat_and_empty_lists() {
        let flat = [("a", 2.0), ("b", 2.0)];
        let fused = weighted(&[&flat[..], &[][..]], |_, _| 1.0);
        assert_eq!(fused, vec![("a", 1.0), ("b", 1.0)]);
        assert!(weighted::<&str>(&[], |_, _| 1.0).is_empty());
    }

    #[test]
    fn weighted_weights_may_depend_on_the_document() {
        let words = [("faq", 1.0), ("article", 0.0)];
        let titles = [("article", 1.0), ("faq", 0.0)];
        // Titles count for the FAQ entry only: the article's title match is ignored.
        let weight = |list: usize, key: &&str| {
            if list == 1 && *key == "article" {
                0.0
            } else {
                0.5
            }
        };
        let fused = weighted(&[&words[..], &titles[..]], weight);
        assert_eq!(keys(&fused), ["faq", "article"]);
    }
}
