//! Stratified folds: held-out predictions for calibration and the out-of-scope threshold come
//! from models that never saw the examples they predict.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

/// The fold (`0..folds`) of each example. Each class's examples are shuffled (seeded) and dealt
/// round the folds, starting where the previous class stopped, so every fold gets about the same
/// share of every class and about the same size even when classes have one or two examples.
pub fn stratified(classes: &[usize], folds: usize, seed: u64) -> Vec<usize> {
    let mut rng = StdRng::seed_from_u64(seed);
    let count = classes.iter().max().map_or(0, |&c| c + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (i, &c) in classes.iter().enumerate() {
        members[c].push(i);
    }
    let mut fold_of = vec![0; classes.len()];
    let mut next = 0;
    for mut group in members {
        group.shuffle(&mut rng);
        for i in group {
            fold_of[i] = next % folds;
            next += 1;
        }
    }
    fold_of
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_balanced_per_class_and_reproducible() {
        let classes: Vec<usize> = (0..103).map(|i| i % 7).collect();
        let folds = stratified(&classes, 5, 3);
        assert_eq!(folds, stratified(&classes, 5, 3));
        for fold in 0..5 {
            let size = folds.iter().filter(|&&f| f == fold).count();
            assert!((20..=21).contains(&size), "fold {fold}: {size}");
            for class in 0..7 {
                let n = (0..103)
                    .filter(|&i| classes[i] == class && folds[i] == fold)
                    .count();
                assert!((2..=4).contains(&n), "fold {fold}, class {class}: {n}");
            }
        }
    }
}
