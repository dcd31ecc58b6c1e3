//! A slot with its similarity, ordered for heaps, and the k best of a stream.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// A vector's slot and its similarity to the query: greater is closer. Ties break on the slot
/// so that every search is deterministic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    /// Similarity to the query (a dot product: the cosine for unit vectors).
    pub score: f32,
    /// The vector's slot in its [`crate::VectorStorage`].
    pub slot: u32,
}

impl Eq for Scored {}

impl Ord for Scored {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.slot.cmp(&self.slot))
    }
}

impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The `k` best of what is offered, kept in a min-heap whose top is the one to beat.
pub(crate) struct TopK {
    k: usize,
    heap: BinaryHeap<Reverse<Scored>>,
}

impl TopK {
    pub(crate) fn new(k: usize) -> TopK {
        TopK {
            k,
            heap: BinaryHeap::with_capacity(k + 1),
        }
    }

    pub(crate) fn is_full(&self) -> bool {
        self.heap.len() >= self.k
    }

    /// The worst kept score: a newcomer must beat it once the heap is full.
    pub(crate) fn threshold(&self) -> f32 {
        self.heap
            .peek()
            .map_or(f32::NEG_INFINITY, |Reverse(s)| s.score)
    }

    /// True when `score` would be kept.
    pub(crate) fn accepts(&self, score: f32) -> bool {
        !self.is_full() || score > self.threshold()
    }

    pub(crate) fn offer(&mut self, scored: Scored) {
        if self.k == 0 {
            return;
        }
        if !self.is_full() {
            self.heap.push(Reverse(scored));
        } else if self
            .heap
            .peek()
            .is_some_and(|Reverse(worst)| scored > *worst)
        {
            self.heap.pop();
            self.heap.push(Reverse(scored));
        }
    }

    /// The kept entries, best first.
    pub(crate) fn into_sorted(self) -> Vec<Scored> {
        let mut v: Vec<Scored> = self.heap.into_iter().map(|Reverse(s)| s).collect();
        v.sort_unstable_by(|a, b| b.cmp(a));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_best_in_order_with_ties_by_slot() {
        let mut top = TopK::new(3);
        for (slot, score) in [0.1, 0.9, 0.5, 0.9, 0.2, 0.7].into_iter().enumerate() {
            top.offer(Scored {
                score,
                slot: slot as u32,
            });
        }
        let slots: Vec<u32> = top.into_sorted().iter().map(|s| s.slot).collect();
        assert_eq!(slots, vec![1, 3, 5]);
    }
}
