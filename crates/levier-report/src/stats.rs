//! Small statistics with definitions a person can check by hand.

/// Median and 90th percentile of durations, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Spread {
    /// How many durations.
    pub count: usize,
    /// The median (nearest rank).
    pub median_ms: i64,
    /// The 90th percentile (nearest rank).
    pub p90_ms: i64,
}

impl Spread {
    /// The spread of `values`, `None` when there are none.
    pub fn of(mut values: Vec<i64>) -> Option<Spread> {
        if values.is_empty() {
            return None;
        }
        values.sort_unstable();
        Some(Spread {
            count: values.len(),
            median_ms: nearest_rank(&values, 50),
            p90_ms: nearest_rank(&values, 90),
        })
    }
}

/// The `p`-th percentile by nearest rank: the smallest value with at least p % of the values
/// at or below it. Unlike interpolation, it is always one of the values, so a figure in a
/// report can be traced to the ticket behind it.
fn nearest_rank(sorted: &[i64], p: usize) -> i64 {
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

/// A share: `part` out of `whole`, kept as counts so that a report can show both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Share {
    /// The numerator.
    pub part: usize,
    /// The denominator.
    pub whole: usize,
}

impl Share {
    /// `part / whole`, `None` when `whole` is 0 (a rate of nothing is not 0 %).
    pub fn rate(self) -> Option<f64> {
        (self.whole > 0).then(|| self.part as f64 / self.whole as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles_are_values_of_the_set() {
        let s = Spread::of(vec![50, 10, 40, 20, 30]).expect("values");
        assert_eq!((s.count, s.median_ms, s.p90_ms), (5, 30, 50));
        let s = Spread::of((1..=10).collect()).expect("values");
        assert_eq!((s.median_ms, s.p90_ms), (5, 9));
        let s = Spread::of(vec![7]).expect("values");
        assert_eq!((s.median_ms, s.p90_ms), (7, 7));
        assert!(Spread::of(Vec::new()).is_none());
    }

    #[test]
    fn a_share_of_nothing_has_no_rate() {
        assert_eq!(Share { part: 1, whole: 4 }.rate(), Some(0.25));
        assert_eq!(Share { part: 0, whole: 0 }.rate(), None);
    }
}
