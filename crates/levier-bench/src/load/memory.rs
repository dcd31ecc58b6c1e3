//! The nodes' memory over the run: resident set size read from `/proc/PID/status` at a fixed
//! interval, and whether it stayed flat.
//!
//! Flat means: the median of the last minute's samples is at most [`GROWTH_ALLOWED`] times the
//! median of the first minute after the ramp-up. The baseline starts after the ramp-up because
//! memory rightly grows while conversations are being opened (streams, connections, the
//! allocator's pools); medians, because one sample can catch a burst of requests in flight. The
//! margin is 10 %, not more, because a node's resident size is mostly what it holds before any
//! conversation (the embedding model, indexes: about 1.47 GB of the 1.6 GB measured under load
//! in a debug build): 10 % of that still absorbs allocator fragmentation and caches filling
//! once, while a leak that grows with traffic (20 MB a minute, say) passes it within a
//! ten-minute run; the slope reported next to it shows the trend. A run shorter than three minutes is not judged: its first and last
//! minutes overlap.

use super::record::Recorder;
use serde::Serialize;
use std::time::{Duration, Instant};

/// Largest ratio of the last minute's median to the first minute's that counts as flat.
pub const GROWTH_ALLOWED: f64 = 1.1;

/// The window compared at each end of the run.
const WINDOW: Duration = Duration::from_secs(60);

/// Shortest run whose memory is judged.
const JUDGED_FROM: Duration = Duration::from_secs(180);

/// One reading.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Sample {
    /// Seconds since the load started.
    pub secs: f64,
    /// Resident set size, in KiB.
    pub rss_kib: u64,
}

/// One node's memory over the run.
#[derive(Debug, Clone, Serialize)]
pub struct NodeMemory {
    /// The node's process.
    pub pid: u32,
    /// Every reading.
    pub samples: Vec<Sample>,
    /// Median of the first minute after the ramp-up, in KiB.
    pub first_minute_kib: u64,
    /// Median of the last minute, in KiB.
    pub last_minute_kib: u64,
    /// The largest reading, in KiB.
    pub peak_kib: u64,
    /// Last minute's median over the first's.
    pub growth: f64,
    /// Least-squares slope of the readings after the ramp-up, in KiB per minute.
    pub slope_kib_per_minute: f64,
    /// Whether it stayed flat (`None` when the run was too short to judge).
    pub flat: Option<bool>,
}

/// Every node's memory, and the rule applied.
#[derive(Debug, Clone, Serialize)]
pub struct MemoryReport {
    /// How "flat" was decided.
    pub rule: String,
    /// Whether every node stayed flat (`None` when not judged: run too short, or no `--pid`).
    pub flat: Option<bool>,
    /// Per node.
    pub nodes: Vec<NodeMemory>,
}

/// Readings of the nodes' memory, taken as the load runs.
pub struct Sampler {
    started: Instant,
    pids: Vec<u32>,
    samples: Vec<Vec<Sample>>,
    gone: Vec<bool>,
}

impl Sampler {
    /// A sampler of `pids`, whose clock starts now.
    pub fn new(pids: &[u32]) -> Sampler {
        Sampler {
            started: Instant::now(),
            pids: pids.to_vec(),
            samples: vec![Vec::new(); pids.len()],
            gone: vec![false; pids.len()],
        }
    }

    /// Reads every node's resident size once; a node whose status cannot be read (it died)
    /// is an error, reported once.
    pub fn sample(&mut self, record: &Recorder) {
        let secs = self.started.elapsed().as_secs_f64();
        for (i, pid) in self.pids.iter().enumerate() {
            match rss_kib(*pid) {
                Ok(rss_kib) => self.samples[i].push(Sample { secs, rss_kib }),
                Err(e) if !self.gone[i] => {
                    self.gone[i] = true;
                    record.error("node process gone", format!("pid {pid}: {e}"));
                }
                Err(_) => {}
            }
        }
    }

    /// The report, for a run of `elapsed` whose ramp-up ended at `ramp`.
    pub fn report(self, elapsed: Duration, ramp: Duration) -> MemoryReport {
        let judged = elapsed >= JUDGED_FROM;
        let nodes: Vec<NodeMemory> = self
            .pids
            .iter()
            .zip(self.samples)
            .map(|(pid, samples)| node(*pid, samples, elapsed, ramp, judged))
            .collect();
        let flat =
            (judged && !nodes.is_empty()).then(|| nodes.iter().all(|n| n.flat == Some(true)));
        MemoryReport {
            rule: format!(
                "flat when the median RSS of the last {w} s is at most {GROWTH_ALLOWED} x the \
                 median of the first {w} s after the ramp-up; runs shorter than {j} s are not \
                 judged",
                w = WINDOW.as_secs(),
                j = JUDGED_FROM.as_secs()
            ),
            flat,
            nodes,
        }
    }
}

fn node(
    pid: u32,
    samples: Vec<Sample>,
    elapsed: Duration,
    ramp: Duration,
    judged: bool,
) -> NodeMemory {
    let from = ramp.as_secs_f64();
    let end = elapsed.as_secs_f64();
    let window = WINDOW.as_secs_f64();
    let first = median(&samples, from, from + window);
    let last = median(&samples, end - window, end);
    let growth = if first == 0 {
        0.0
    } else {
        last as f64 / first as f64
    };
    let steady: Vec<Sample> = samples.iter().copied().filter(|s| s.secs >= from).collect();
    NodeMemory {
        pid,
        first_minute_kib: first,
        last_minute_kib: last,
        peak_kib: samples.iter().map(|s| s.rss_kib).max().unwrap_or(0),
        growth,
        slope_kib_per_minute: slope(&steady) * 60.0,
        flat: judged.then_some(first > 0 && growth <= GROWTH_ALLOWED),
        samples,
    }
}

/// The median reading taken between `from` and `to` seconds (0 when none was).
fn median(samples: &[Sample], from: f64, to: f64) -> u64 {
    let mut values: Vec<u64> = samples
        .iter()
        .filter(|s| s.secs >= from && s.secs <= to)
        .map(|s| s.rss_kib)
        .collect();
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or(0)
}

/// Least-squares slope of the readings, in KiB per second (0 for fewer than two).
fn slope(samples: &[Sample]) -> f64 {
    let n = samples.len() as f64;
    if samples.len() < 2 {
        return 0.0;
    }
    let mean_x = samples.iter().map(|s| s.secs).sum::<f64>() / n;
    let mean_y = samples.iter().map(|s| s.rss_kib as f64).sum::<f64>() / n;
    let (mut num, mut den) = (0.0, 0.0);
    for s in samples {
        num += (s.secs - mean_x) * (s.rss_kib as f64 - mean_y);
        den += (s.secs - mean_x).powi(2);
    }
    if den == 0.0 { 0.0 } else { num / den }
}

/// `VmRSS` of a process, in KiB.
fn rss_kib(pid: u32) -> Result<u64, String> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("{path}: no VmRSS line (a zombie?)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(values: &[(f64, u64)]) -> Vec<Sample> {
        values
            .iter()
            .map(|&(secs, rss_kib)| Sample { secs, rss_kib })
            .collect()
    }

    #[test]
    fn growth_is_measured_after_the_ramp_and_judged_on_long_runs_only() {
        let mut readings: Vec<(f64, u64)> = vec![(0.0, 10_000), (20.0, 50_000)];
        readings.extend((3..=30u32).map(|i| (f64::from(i) * 10.0, 100_000 + u64::from(i))));
        let run = Duration::from_secs(300);
        let ramp = Duration::from_secs(30);
        let flat = node(1, samples(&readings), run, ramp, true);
        assert_eq!(flat.flat, Some(true), "the ramp-up's growth does not count");
        assert!((flat.slope_kib_per_minute - 6.0).abs() < 1e-6);
        readings.retain(|r| r.0 < 240.0);
        readings.extend((24..=30u32).map(|i| (f64::from(i) * 10.0, 200_000)));
        let leaking = node(1, samples(&readings), run, ramp, true);
        assert_eq!(leaking.flat, Some(false));
        assert_eq!(node(1, samples(&readings), run, ramp, false).flat, None);
    }

    #[test]
    fn this_process_has_a_resident_size_and_a_dead_one_is_an_error() {
        assert!(rss_kib(std::process::id()).expect("own status") > 0);
        let record = Recorder::default();
        let mut sampler = Sampler::new(&[u32::MAX]);
        sampler.sample(&record);
        sampler.sample(&record);
        assert_eq!(record.summary(Duration::from_secs(1)).errors.total, 1);
    }
}
