//! Retrieval quality measures, computed per query then averaged, the way BEIR (pytrec_eval)
//! computes them.
//!
//! `ranked` is the list of retrieved corpus ids, best first; `judged` maps a corpus id to its
//! graded relevance (a judgement of 0 or less is "not relevant", as in trec_eval).

use std::collections::HashMap;

/// nDCG@k with graded relevance: gain = relevance, discount = log2(rank + 1) (rank from 1).
/// The ideal ranking orders every relevant judged document by relevance. 0 when nothing is
/// relevant.
pub fn ndcg_at_k(ranked: &[String], judged: &HashMap<String, i32>, k: usize) -> f64 {
    let gain = |rel: i32| f64::from(rel.max(0));
    let discount = |i: usize| (i as f64 + 2.0).log2();
    let dcg: f64 = ranked
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, id)| gain(judged.get(id).copied().unwrap_or(0)) / discount(i))
        .sum();
    let mut ideal: Vec<i32> = judged.values().copied().filter(|r| *r > 0).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, r)| gain(*r) / discount(i))
        .sum();
    if idcg > 0.0 { dcg / idcg } else { 0.0 }
}

/// Relevant documents among the first k retrieved, over all relevant documents (0 when none
/// is relevant). A document retrieved twice counts once.
pub fn recall_at_k(ranked: &[String], judged: &HashMap<String, i32>, k: usize) -> f64 {
    let relevant = judged.values().filter(|r| **r > 0).count();
    if relevant == 0 {
        return 0.0;
    }
    let mut seen = std::collections::HashSet::new();
    let found = ranked
        .iter()
        .take(k)
        .filter(|id| judged.get(*id).is_some_and(|r| *r > 0) && seen.insert(id.as_str()))
        .count();
    found as f64 / relevant as f64
}

/// Reciprocal rank of the first relevant document within the first k (0 if none).
pub fn mrr_at_k(ranked: &[String], judged: &HashMap<String, i32>, k: usize) -> f64 {
    ranked
        .iter()
        .take(k)
        .position(|id| judged.get(id).is_some_and(|r| *r > 0))
        .map_or(0.0, |i| 1.0 / (i as f64 + 1.0))
}

/// Fraction of relevant documents among the first k retrieved (k, not the number retrieved,
/// is the denominator, as in trec_eval).
pub fn precision_at_k(ranked: &[String], judged: &HashMap<String, i32>, k: usize) -> f64 {
    if k == 0 {
        return 0.0;
    }
    let hits = ranked
        .iter()
        .take(k)
        .filter(|id| judged.get(*id).is_some_and(|r| *r > 0))
        .count();
    hits as f64 / k as f64
}

/// The p-th percentile (0 < p ≤ 100) of sorted values by the nearest-rank method: the
/// smallest value such that at least p % of the values are at or below it. 0 for no values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The mean of values (0 for none).
pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranked(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| (*s).to_string()).collect()
    }

    fn judged(pairs: &[(&str, i32)]) -> HashMap<String, i32> {
        pairs.iter().map(|(d, r)| ((*d).to_string(), *r)).collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn ndcg_binary_by_hand() {
        // Relevant: a, b. Retrieved: x a y b.
        // DCG = 1/log2(3) + 1/log2(5) = 0.630930 + 0.430677 = 1.061606
        // IDCG = 1/log2(2) + 1/log2(3) = 1 + 0.630930 = 1.630930
        let r = ranked(&["x", "a", "y", "b"]);
        let j = judged(&[("a", 1), ("b", 1)]);
        let expected = (1.0 / 3f64.log2() + 1.0 / 5f64.log2()) / (1.0 + 1.0 / 3f64.log2());
        assert!(close(ndcg_at_k(&r, &j, 10), expected));
        // 1.061606 / 1.630930 = 0.650921
        let v = ndcg_at_k(&r, &j, 10);
        assert!((v - 0.650921).abs() < 1e-6, "{v}");
    }

    #[test]
    fn ndcg_graded_uses_linear_gain() {
        // Judged: a=2, b=1. Retrieved: b a.
        // DCG = 1/1 + 2/log2(3) = 1 + 1.261860 = 2.261860
        // IDCG = 2/1 + 1/log2(3) = 2 + 0.630930 = 2.630930 → 0.859719
        let r = ranked(&["b", "a"]);
        let j = judged(&[("a", 2), ("b", 1)]);
        let v = ndcg_at_k(&r, &j, 10);
        assert!((v - 0.859719).abs() < 1e-6, "{v}");
    }

    #[test]
    fn ndcg_cuts_at_k_and_ignores_non_relevant_judgements() {
        let j = judged(&[("a", 1), ("n", 0)]);
        assert!(close(ndcg_at_k(&ranked(&["a"]), &j, 10), 1.0));
        assert!(close(ndcg_at_k(&ranked(&["x", "a"]), &j, 1), 0.0));
        assert!(close(
            ndcg_at_k(&ranked(&["n", "a"]), &j, 10),
            1.0 / 3f64.log2()
        ));
        assert!(close(
            ndcg_at_k(&ranked(&["a"]), &judged(&[("n", 0)]), 10),
            0.0
        ));
        assert!(close(ndcg_at_k(&[], &j, 10), 0.0));
    }

    #[test]
    fn ideal_ranking_is_capped_at_k() {
        // Three relevant, k = 2: the ideal has only two of them.
        let j = judged(&[("a", 1), ("b", 1), ("c", 1)]);
        assert!(close(ndcg_at_k(&ranked(&["a", "b"]), &j, 2), 1.0));
    }

    #[test]
    fn recall_by_hand() {
        let j = judged(&[("a", 1), ("b", 2), ("c", 1), ("n", 0)]);
        assert!(close(
            recall_at_k(&ranked(&["a", "x", "b"]), &j, 100),
            2.0 / 3.0
        ));
        assert!(close(
            recall_at_k(&ranked(&["a", "x", "b"]), &j, 2),
            1.0 / 3.0
        ));
        assert!(close(recall_at_k(&ranked(&["a", "a"]), &j, 100), 1.0 / 3.0));
        assert!(close(recall_at_k(&ranked(&["n"]), &j, 100), 0.0));
        assert!(close(recall_at_k(&ranked(&["a"]), &judged(&[]), 100), 0.0));
    }

    #[test]
    fn mrr_and_precision_by_hand() {
        let j = judged(&[("a", 1), ("b", 1)]);
        assert!(close(
            mrr_at_k(&ranked(&["x", "y", "b", "a"]), &j, 10),
            1.0 / 3.0
        ));
        assert!(close(mrr_at_k(&ranked(&["x", "y", "b"]), &j, 2), 0.0));
        assert!(close(mrr_at_k(&ranked(&["a"]), &j, 10), 1.0));
        assert!(close(precision_at_k(&ranked(&["a", "x"]), &j, 1), 1.0));
        assert!(close(precision_at_k(&ranked(&["x", "a"]), &j, 1), 0.0));
        assert!(close(precision_at_k(&ranked(&["x", "a"]), &j, 2), 0.5));
        assert!(close(precision_at_k(&[], &j, 1), 0.0));
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert!(close(percentile(&v, 50.0), 50.0));
        assert!(close(percentile(&v, 95.0), 95.0));
        assert!(close(percentile(&v, 99.0), 99.0));
        assert!(close(percentile(&[3.0], 99.0), 3.0));
        let w = [1.0, 2.0, 3.0, 4.0];
        assert!(close(percentile(&w, 50.0), 2.0));
        assert!(close(percentile(&w, 99.0), 4.0));
        assert!(close(percentile(&[], 50.0), 0.0));
        assert!(close(mean(&[1.0, 2.0]), 1.5));
        assert!(close(mean(&[]), 0.0));
    }
}
