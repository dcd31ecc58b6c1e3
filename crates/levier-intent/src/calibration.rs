//! Turning a classifier's score into the probability that its answer is right.
//!
//! Both methods are fitted on held-out predictions (the classifier's out-of-fold predictions on
//! its own training data), never on the data they are judged on. Platt scaling fits a sigmoid:
//! two parameters, so it is stable on a few dozen points but cannot bend. Isotonic regression
//! fits any non-decreasing step function (pool adjacent violators): it follows the data's true
//! shape once there are enough points, and overfits when there are few.

use serde::{Deserialize, Serialize};

/// Held-out predictions from which Auto prefers isotonic regression to Platt scaling.
pub const ISOTONIC_MIN_POINTS: usize = 1000;

/// Which calibration method to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// A sigmoid of the score.
    Platt,
    /// A non-decreasing step function of the score.
    Isotonic,
    /// Isotonic from [`ISOTONIC_MIN_POINTS`] held-out predictions, Platt below.
    #[default]
    Auto,
}

/// A fitted calibration: score in, probability out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "lowercase")]
pub enum Calibrator {
    /// Platt scaling.
    Platt(Platt),
    /// Isotonic regression.
    Isotonic(Isotonic),
}

impl Calibrator {
    /// Fits `method` to scores and whether each prediction was right.
    pub fn fit(method: Method, scores: &[f32], right: &[bool]) -> Self {
        let isotonic = match method {
            Method::Platt => false,
            Method::Isotonic => true,
            Method::Auto => scores.len() >= ISOTONIC_MIN_POINTS,
        };
        if isotonic {
            Calibrator::Isotonic(Isotonic::fit(scores, right))
        } else {
            Calibrator::Platt(Platt::fit(scores, right))
        }
    }

    /// The calibrated probability of a score.
    pub fn probability(&self, score: f32) -> f32 {
        match self {
            Calibrator::Platt(p) => p.probability(score),
            Calibrator::Isotonic(i) => i.probability(score),
        }
    }
}

/// P(right | s) = 1 / (1 + exp(a·s + b)).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Platt {
    /// Slope (negative when a higher score means more likely right).
    pub a: f32,
    /// Offset.
    pub b: f32,
}

impl Platt {
    /// Newton's method on the log loss, with Platt's smoothed targets ((N₊+1)/(N₊+2) and
    /// 1/(N₋+2) instead of 1 and 0), which keep the fit finite when the classes separate.
    pub fn fit(scores: &[f32], right: &[bool]) -> Self {
        let positives = right.iter().filter(|&&r| r).count() as f64;
        let negatives = right.len() as f64 - positives;
        let hi = (positives + 1.0) / (positives + 2.0);
        let lo = 1.0 / (negatives + 2.0);
        let targets: Vec<f64> = right.iter().map(|&r| if r { hi } else { lo }).collect();
        let (mut a, mut b) = (0.0f64, ((negatives + 1.0) / (positives + 1.0)).ln());
        for _ in 0..100 {
            let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-12, 0.0, 1e-12);
            for (&s, &t) in scores.iter().zip(&targets) {
                let s = f64::from(s);
                let p = 1.0 / (1.0 + (a * s + b).exp());
                // d(log loss)/d(a·s+b) = t − p; the second derivative is p(1 − p).
                let (g, h) = (t - p, p * (1.0 - p));
                ga += g * s;
                gb += g;
                haa += h * s * s;
                hab += h * s;
                hbb += h;
            }
            let det = haa * hbb - hab * hab;
            if det.abs() < 1e-18 {
                break;
            }
            let da = (hbb * ga - hab * gb) / det;
            let db = (haa * gb - hab * ga) / det;
            a -= da;
            b -= db;
            if da.abs() < 1e-10 && db.abs() < 1e-10 {
                break;
            }
        }
        Platt {
            a: a as f32,
            b: b as f32,
        }
    }

    /// The calibrated probability of a score.
    pub fn probability(&self, score: f32) -> f32 {
        1.0 / (1.0 + (self.a * score + self.b).exp())
    }
}

/// A non-decreasing piecewise-linear map through the pooled blocks' (mean score, rate right).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Isotonic {
    /// Block scores, increasing.
    pub xs: Vec<f32>,
    /// Block rates of right answers, non-decreasing.
    pub ys: Vec<f32>,
}

impl Isotonic {
    /// Pool adjacent violators over the points sorted by score.
    pub fn fit(scores: &[f32], right: &[bool]) -> Self {
        let mut points: Vec<(f32, f32)> = scores
            .iter()
            .zip(right)
            .map(|(&s, &r)| (s, if r { 1.0 } else { 0.0 }))
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Blocks of (score sum, right sum, count), merged while a block's rate is below its
        // predecessor's.
        let mut blocks: Vec<(f64, f64, f64)> = Vec::new();
        let mut previous = None;
        for (s, y) in points {
            let (s, y) = (f64::from(s), f64::from(y));
            match blocks.last_mut() {
                // Equal scores are one point: their outcomes are pooled, never ordered.
                Some(last) if previous == Some(s) => *last = (last.0 + s, last.1 + y, last.2 + 1.0),
                _ => blocks.push((s, y, 1.0)),
            }
            previous = Some(s);
            while let [.., prev, last] = blocks[..] {
                if prev.1 / prev.2 < last.1 / last.2 {
                    break;
                }
                blocks.pop();
                if let Some(p) = blocks.last_mut() {
                    *p = (p.0 + last.0, p.1 + last.1, p.2 + last.2);
                }
            }
        }
        let (xs, ys) = blocks
            .iter()
            .map(|&(s, y, n)| ((s / n) as f32, (y / n) as f32))
            .unzip();
        Isotonic { xs, ys }
    }

    /// The calibrated probability of a score: interpolated between blocks, flat beyond them.
    pub fn probability(&self, score: f32) -> f32 {
        let at = self.xs.partition_point(|&x| x < score);
        match (at.checked_sub(1), self.xs.get(at)) {
            (None, _) => self.ys.first().copied().unwrap_or(0.5),
            (Some(i), None) => self.ys[i],
            (Some(i), Some(&x1)) => {
                let (x0, y0, y1) = (self.xs[i], self.ys[i], self.ys[at]);
                if x1 > x0 {
                    y0 + (y1 - y0) * (score - x0) / (x1 - x0)
                } else {
                    y1
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scores in [0, 1] with P(right | s) = s, drawn deterministically.
    fn linear_data(n: usize) -> (Vec<f32>, Vec<bool>) {
        let mut state = 12345u64;
        (0..n)
            .map(|i| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let u = (state >> 40) as f32 / (1u64 << 24) as f32;
                let s = (i as f32 + 0.5) / n as f32;
                (s, u < s)
            })
            .unzip()
    }

    #[test]
    fn platt_recovers_a_known_sigmoid() {
        // P(right | s) = 1 / (1 + exp(-4s + 2)), sampled densely and exactly as rates.
        let mut scores = Vec::new();
        let mut right = Vec::new();
        for k in 0..=20 {
            let s = k as f32 / 10.0 - 0.5;
            let p = 1.0 / (1.0 + (-4.0 * s + 2.0).exp());
            let hits = (p * 1000.0).round() as usize;
            for j in 0..1000 {
                scores.push(s);
                right.push(j < hits);
            }
        }
        let platt = Platt::fit(&scores, &right);
        assert!((platt.a + 4.0).abs() < 0.1, "{platt:?}");
        assert!((platt.b - 2.0).abs() < 0.1, "{platt:?}");
    }

    #[test]
    fn isotonic_is_monotone_and_follows_the_rates() {
        let (scores, right) = linear_data(5000);
        let iso = Isotonic::fit(&scores, &right);
        assert!(iso.ys.windows(2).all(|w| w[0] <= w[1]));
        assert!(iso.xs.windows(2).all(|w| w[0] < w[1]));
        let grid: Vec<f32> = (0..=100).map(|k| k as f32 / 100.0).collect();
        let probs: Vec<f32> = grid.iter().map(|&s| iso.probability(s)).collect();
        assert!(probs.windows(2).all(|w| w[0] <= w[1]));
        for s in [0.2, 0.5, 0.8] {
            assert!(
                (iso.probability(s) - s).abs() < 0.1,
                "{s}: {}",
                iso.probability(s)
            );
        }
    }

    #[test]
    fn isotonic_pools_a_violation_into_its_mean() {
        let iso = Isotonic::fit(&[0.1, 0.2, 0.3, 0.4], &[false, true, false, true]);
        assert_eq!(iso.ys, vec![0.0, 0.5, 1.0]);
        assert_eq!(iso.xs, vec![0.1, 0.25, 0.4]);
        assert_eq!(iso.probability(0.0), 0.0);
        assert_eq!(iso.probability(1.0), 1.0);
    }

    #[test]
    fn isotonic_pools_equal_scores() {
        let iso = Isotonic::fit(&[0.5, 0.5, 0.9], &[false, true, true]);
        assert_eq!(iso.xs, vec![0.5, 0.9]);
        assert_eq!(iso.probability(0.5), 0.5);
    }

    #[test]
    fn auto_picks_by_the_number_of_points() {
        let (scores, right) = linear_data(ISOTONIC_MIN_POINTS);
        assert!(matches!(
            Calibrator::fit(Method::Auto, &scores, &right),
            Calibrator::Isotonic(_)
        ));
        let few = Calibrator::fit(Method::Auto, &scores[..50], &right[..50]);
        assert!(matches!(few, Calibrator::Platt(_)));
        assert!(few.probability(0.9) > few.probability(0.1));
    }
}
