//! Grouping windows into batches.
//!
//! Windows are sorted by length so that a batch pads little, and a batch holds at most
//! `token_budget` padded tokens so that memory stays bounded whatever the input (attention costs
//! `batch × heads × length²` floats).

/// Splits window indices into batches of similar length, longest first.
pub fn plan_batches(lengths: &[usize], token_budget: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(lengths[i]));
    let mut batches: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for i in order {
        // Sorted longest first, so the first window of a batch sets its padded length.
        let padded_len = current.first().map_or(lengths[i], |&f| lengths[f]);
        if !current.is_empty() && (current.len() + 1) * padded_len > token_budget {
            batches.push(std::mem::take(&mut current));
        }
        current.push(i);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_respect_the_budget_and_cover_everything() {
        let lengths = [10, 500, 12, 300, 11, 9];
        let batches = plan_batches(&lengths, 900);
        assert_eq!(batches[0], vec![1]);
        for b in &batches {
            let max = b.iter().map(|&i| lengths[i]).max().unwrap();
            assert!(b.len() == 1 || b.len() * max <= 900);
        }
        let mut all: Vec<usize> = batches.concat();
        all.sort();
        assert_eq!(all, vec![0, 1, 2, 3, 4, 5]);
    }
}
