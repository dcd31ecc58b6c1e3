//! Stratified, seeded splits: each part keeps the share of won leads, and the same seed gives
//! the same split, so two runs of a benchmark compare like with like.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

/// Splits the indexes of `labels` into (kept, held out), `share` of each class held out.
pub fn stratified_split(labels: &[bool], share: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut kept = Vec::new();
    let mut held = Vec::new();
    for class in [false, true] {
        let mut members: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        members.shuffle(&mut rng);
        let n_held = (members.len() as f64 * share).round() as usize;
        held.extend_from_slice(&members[..n_held]);
        kept.extend_from_slice(&members[n_held..]);
    }
    kept.sort_unstable();
    held.sort_unstable();
    (kept, held)
}

/// Assigns each index of `labels` to one of `k` folds, each class spread evenly over the folds.
pub fn stratified_folds(labels: &[bool], k: usize, seed: u64) -> Vec<usize> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut folds = vec![0; labels.len()];
    for class in [false, true] {
        let mut members: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        members.shuffle(&mut rng);
        for (position, &i) in members.iter().enumerate() {
            folds[i] = position % k;
        }
    }
    folds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_class_balance_and_is_reproducible() {
        let labels: Vec<bool> = (0..1000).map(|i| i % 10 == 0).collect();
        let (kept, held) = stratified_split(&labels, 0.2, 7);
        assert_eq!(held.len(), 200);
        assert_eq!(held.iter().filter(|&&i| labels[i]).count(), 20);
        assert_eq!(kept.len() + held.len(), 1000);
        assert_eq!(stratified_split(&labels, 0.2, 7).1, held);
        assert_ne!(stratified_split(&labels, 0.2, 8).1, held);
    }
}
