//! Prometheus metrics: request counts and latency histograms by route, method and status.
//! A small registry of our own: two metric families do not justify a metrics framework.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// A series is identified by route pattern, method and status.
type SeriesKey = (String, String, u16);

/// The registry, shared by all requests.
#[derive(Default, Clone)]
pub struct Metrics {
    series: Arc<Mutex<BTreeMap<SeriesKey, Series>>>,
}

impl Metrics {
    fn record(&self, route: String, method: String, status: u16, secs: f64) {
        let Ok(mut map) = self.series.lock() else {
            return;
        };
        let s = map.entry((route, method, status)).or_default();
        s.count += 1;
        s.sum += secs;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                s.buckets[i] += 1;
            }
        }
    }

    /// The Prometheus text exposition of every series.
    pub fn render(&self) -> String {
        let Ok(map) = self.series.lock() else {
            return String::new();
        };
        let mut out = String::from(
            "# HELP levier_http_requests_total HTTP requests handled.\n# TYPE levier_http_requests_total counter\n",
        );
        for ((route, method, status), s) in map.iter() {
            let _ = writeln!(
                out,
                "levier_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {}",
                s.count
            );
        }
        out.push_str(
            "# HELP levier_http_request_duration_seconds Time to handle HTTP requests.\n# TYPE levier_http_request_duration_seconds histogram\n",
        );
        for ((route, method, status), s) in map.iter() {
            let labels = format!("route=\"{route}\",method=\"{method}\",status=\"{status}\"");
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "levier_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "levier_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "levier_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "levier_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        out
    }
}

/// Records each request under its route pattern (never the raw path, which would let clients
/// create unbounded series).
pub async fn middleware(State(metrics): State<Metrics>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let method = req.method().to_string();
    let started = Instant::now();
    let response = next.run(req).await;
    metrics.record(
        route,
        method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_cumulative_buckets() {
        let m = Metrics::default();
        m.record("/healthz".into(), "GET".into(), 200, 0.0005);
        m.record("/healthz".into(), "GET".into(), 200, 0.02);
        let text = m.render();
        assert!(
            text.contains(
                "levier_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 2"
            ),
            "{text}"
        );
        assert!(text.contains("le=\"0.001\"} 1"), "{text}");
        assert!(text.contains("le=\"0.025\"} 2"), "{text}");
        assert!(text.contains("le=\"+Inf\"} 2"), "{text}");
    }
}
