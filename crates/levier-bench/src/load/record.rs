//! What the simulated customers and agents saw, tallied as they go: request latencies per
//! kind, deliveries expected and received on the customers' streams, errors by kind with a few
//! examples, and counters.

use crate::metrics::percentile;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// Examples kept per kind of error.
const EXAMPLES: usize = 3;

/// Longest example kept, in characters.
const EXAMPLE_CHARS: usize = 300;

/// The tallies, shared by every simulated person.
#[derive(Default)]
pub struct Recorder {
    tally: Mutex<Tally>,
}

#[derive(Default)]
struct Tally {
    requests: BTreeMap<&'static str, Vec<f64>>,
    deliveries: BTreeMap<&'static str, Deliveries>,
    errors: BTreeMap<String, ErrorKind>,
    counts: BTreeMap<String, u64>,
}

#[derive(Default)]
struct Deliveries {
    expected: u64,
    delivered: u64,
    cross_node: u64,
    latencies: Vec<f64>,
}

impl Recorder {
    fn with<T>(&self, f: impl FnOnce(&mut Tally) -> T) -> T {
        f(&mut self.tally.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// A request of `kind` that succeeded in `took`.
    pub fn request(&self, kind: &'static str, took: Duration) {
        self.with(|t| t.requests.entry(kind).or_default().push(ms(took)));
    }

    /// Something went wrong; `kind` groups it in the report, `example` says what exactly.
    pub fn error(&self, kind: impl Into<String>, example: impl Into<String>) {
        let example: String = example.into().chars().take(EXAMPLE_CHARS).collect();
        self.with(|t| {
            let entry = t.errors.entry(kind.into()).or_default();
            entry.count += 1;
            if entry.examples.len() < EXAMPLES {
                entry.examples.push(example);
            }
        });
    }

    /// A message of `kind` the customer's stream must carry.
    pub fn expect(&self, kind: &'static str) {
        self.with(|t| t.deliveries.entry(kind).or_default().expected += 1);
    }

    /// An expected message arrived; `took` since it was sent, when known.
    pub fn delivered(&self, kind: &'static str, took: Option<Duration>, cross_node: bool) {
        self.with(|t| {
            let d = t.deliveries.entry(kind).or_default();
            d.delivered += 1;
            d.cross_node += u64::from(cross_node);
            d.latencies.extend(took.map(ms));
        });
    }

    /// One more of `what`.
    pub fn count(&self, what: impl Into<String>) {
        self.with(|t| *t.counts.entry(what.into()).or_default() += 1);
    }

    /// Everything tallied, with rates over `elapsed`.
    pub fn summary(&self, elapsed: Duration) -> Summary {
        let seconds = elapsed.as_secs_f64().max(f64::EPSILON);
        self.with(|t| {
            let requests: BTreeMap<String, RequestStats> = t
                .requests
                .iter()
                .map(|(kind, took)| {
                    let count = took.len() as u64;
                    let stats = RequestStats {
                        count,
                        per_second: count as f64 / seconds,
                        latency_ms: Spread::of(took),
                    };
                    ((*kind).to_owned(), stats)
                })
                .collect();
            let total: u64 = requests.values().map(|r| r.count).sum();
            let errors = t.errors.values().map(|e| e.count).sum();
            Summary {
                requests_total: total,
                requests_per_second: total as f64 / seconds,
                requests,
                deliveries: t
                    .deliveries
                    .iter()
                    .map(|(kind, d)| ((*kind).to_owned(), DeliveryStats::of(d)))
                    .collect(),
                errors: ErrorStats {
                    total: errors,
                    by_kind: t.errors.clone(),
                },
                counts: t.counts.clone(),
            }
        })
    }
}

fn ms(took: Duration) -> f64 {
    took.as_secs_f64() * 1000.0
}

/// The tallies as reported.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Successful requests of every kind.
    pub requests_total: u64,
    /// Of them, per second of the run.
    pub requests_per_second: f64,
    /// Per kind of request.
    pub requests: BTreeMap<String, RequestStats>,
    /// Messages the customers' streams had to carry, per kind (`assistant`, `agent`).
    pub deliveries: BTreeMap<String, DeliveryStats>,
    /// Everything that went wrong.
    pub errors: ErrorStats,
    /// Conversations started, handoffs (made by the assistant, asked by the customer, and per
    /// reason on the tickets agents took), tickets answered, claims lost to another agent.
    pub counts: BTreeMap<String, u64>,
}

/// Successful requests of one kind.
#[derive(Debug, Clone, Serialize)]
pub struct RequestStats {
    /// How many.
    pub count: u64,
    /// Per second of the run.
    pub per_second: f64,
    /// From sending to the whole response read.
    pub latency_ms: Spread,
}

/// Percentiles (nearest rank) and maximum, in milliseconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Spread {
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Slowest.
    pub max: f64,
}

impl Spread {
    fn of(values: &[f64]) -> Spread {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        Spread {
            p50: percentile(&sorted, 50.0),
            p95: percentile(&sorted, 95.0),
            p99: percentile(&sorted, 99.0),
            max: sorted.last().copied().unwrap_or(0.0),
        }
    }
}

/// Messages of one kind the customers' streams had to carry.
#[derive(Debug, Clone, Serialize)]
pub struct DeliveryStats {
    /// Expected.
    pub expected: u64,
    /// Received on the stream.
    pub delivered: u64,
    /// Of them, written through another node than the one the customer's stream is on.
    pub cross_node: u64,
    /// From the message being sent (the customer's question, the agent's reply) to its arrival
    /// on the customer's stream.
    pub latency_ms: Spread,
}

impl DeliveryStats {
    fn of(d: &Deliveries) -> DeliveryStats {
        DeliveryStats {
            expected: d.expected,
            delivered: d.delivered,
            cross_node: d.cross_node,
            latency_ms: Spread::of(&d.latencies),
        }
    }
}

/// Everything that went wrong.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorStats {
    /// How many errors (must be 0).
    pub total: u64,
    /// Per kind, with examples.
    pub by_kind: BTreeMap<String, ErrorKind>,
}

/// Errors of one kind.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ErrorKind {
    /// How many.
    pub count: u64,
    /// The first few, as they happened.
    pub examples: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_rates_percentiles_and_errors() {
        let r = Recorder::default();
        for ms in 1..=100 {
            r.request("write", Duration::from_millis(ms));
        }
        r.expect("agent");
        r.expect("agent");
        r.delivered("agent", Some(Duration::from_millis(7)), true);
        for n in 0..5 {
            r.error("write: HTTP 500", format!("example {n}"));
        }
        let s = r.summary(Duration::from_secs(10));
        assert_eq!(s.requests_total, 100);
        assert!((s.requests_per_second - 10.0).abs() < 1e-9);
        let write = &s.requests["write"].latency_ms;
        assert_eq!((write.p50, write.p99, write.max), (50.0, 99.0, 100.0));
        let agent = &s.deliveries["agent"];
        assert_eq!(
            (agent.expected, agent.delivered, agent.cross_node),
            (2, 1, 1)
        );
        assert_eq!(s.errors.total, 5);
        assert_eq!(s.errors.by_kind["write: HTTP 500"].examples.len(), EXAMPLES);
    }
}
