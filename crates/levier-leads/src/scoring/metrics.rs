//! How well scores rank won leads above lost ones, and how honest their probabilities are:
//! the measures `levier bench leads` reports and training uses to pick a model.

/// Area under the ROC curve: the probability that a random won lead scores above a random lost
/// one, ties counting half (Mann-Whitney). 0.5 when one class is absent.
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> f64 {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let positives = labels.iter().filter(|&&l| l).count() as f64;
    let negatives = labels.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return 0.5;
    }
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        // Tied scores share the mean of their ranks (1-based).
        let mean_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += mean_rank * order[i..=j].iter().filter(|&&k| labels[k]).count() as f64;
        i = j + 1;
    }
    (rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives)
}

/// Area under the precision-recall curve as average precision (scikit-learn's definition):
/// the precision at each won lead, best scores first, averaged. The base rate for random
/// scores, which is why it is read beside the share of won leads.
pub fn pr_auc(scores: &[f64], labels: &[bool]) -> f64 {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let positives = labels.iter().filter(|&&l| l).count();
    if positives == 0 {
        return 0.0;
    }
    let (mut hits, mut sum, mut i) = (0usize, 0.0, 0usize);
    while i < order.len() {
        // A group of tied scores is one threshold.
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        let new_hits = order[i..=j].iter().filter(|&&k| labels[k]).count();
        hits += new_hits;
        sum += new_hits as f64 * hits as f64 / (j + 1) as f64;
        i = j + 1;
    }
    sum / positives as f64
}

/// Mean squared difference between the probability and the outcome: 0 is perfect, the base
/// rate × (1 − base rate) is what a constant guess gets.
pub fn brier(probabilities: &[f64], labels: &[bool]) -> f64 {
    if labels.is_empty() {
        return 0.0;
    }
    let total: f64 = probabilities
        .iter()
        .zip(labels)
        .map(|(p, &l)| (p - if l { 1.0 } else { 0.0 }).powi(2))
        .sum();
    total / labels.len() as f64
}

/// Share of won leads in the best-scored `share` of leads, over the share overall: how much
/// better than random a salesperson calling the top of the list does.
pub fn lift(scores: &[f64], labels: &[bool], share: f64) -> f64 {
    let positives = labels.iter().filter(|&&l| l).count();
    if positives == 0 || labels.is_empty() {
        return 0.0;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let top = ((labels.len() as f64 * share).ceil() as usize).max(1);
    let top_hits = order[..top].iter().filter(|&&i| labels[i]).count();
    (top_hits as f64 / top as f64) / (positives as f64 / labels.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        let scores = [0.1, 0.4, 0.35, 0.8];
        let labels = [false, false, true, true];
        assert!((roc_auc(&scores, &labels) - 0.75).abs() < 1e-12);
        // sklearn's average_precision_score on the same: 0.8333…
        assert!((pr_auc(&scores, &labels) - 5.0 / 6.0).abs() < 1e-12);
        assert!((brier(&[1.0, 0.0], &[true, true]) - 0.5).abs() < 1e-12);
        assert!((lift(&scores, &labels, 0.25) - 2.0).abs() < 1e-12);
        assert_eq!(roc_auc(&[0.5, 0.5], &[true, false]), 0.5);
    }
}
