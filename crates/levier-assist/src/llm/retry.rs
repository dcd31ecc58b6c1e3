//! When to try a call again, and how long to wait first: exponential backoff with jitter (so
//! clients refused together do not come back together), and the server's `Retry-After` when it
//! gives one.

use rand::Rng;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How many times, and how patiently, a refused or failed call is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The first backoff, doubled at each retry.
    pub base_delay_ms: u64,
    /// The longest wait: a `Retry-After` beyond it ends the retries rather than hold a
    /// conversation for minutes.
    pub max_delay_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay_ms: 250,
            max_delay_ms: 10_000,
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (0 for the first), or `None` when no retry is
    /// left or the server asks for a longer wait than [`RetryPolicy::max_delay_ms`].
    /// Backoff is "equal jitter": between half and all of `base · 2^retry`.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if retry >= self.max_retries {
            return None;
        }
        let max = Duration::from_millis(self.max_delay_ms);
        if let Some(wait) = retry_after {
            return (wait <= max).then_some(wait);
        }
        let ceiling = self
            .base_delay_ms
            .saturating_mul(1u64 << retry.min(20))
            .min(self.max_delay_ms);
        let jittered = rand::rng().random_range(ceiling / 2..=ceiling);
        Some(Duration::from_millis(jittered))
    }
}

/// Whether an HTTP status means "try again later": rate limited or a server-side failure.
pub(crate) fn is_retryable(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

/// The wait a `Retry-After` header asks for: delta-seconds or an HTTP date (RFC 9110).
pub(crate) fn parse_retry_after(value: &str, now: jiff::Timestamp) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let wait = at.duration_since(now);
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_its_jitter_and_stops_after_the_last_retry() {
        let policy = RetryPolicy {
            max_retries: 3,
            base_delay_ms: 100,
            max_delay_ms: 300,
        };
        for _ in 0..50 {
            let first = policy.delay(0, None).expect("retry left");
            assert!((50..=100).contains(&first.as_millis()), "{first:?}");
            let second = policy.delay(1, None).expect("retry left");
            assert!((100..=200).contains(&second.as_millis()), "{second:?}");
            let capped = policy.delay(2, None).expect("retry left");
            assert!((150..=300).contains(&capped.as_millis()), "{capped:?}");
        }
        assert_eq!(policy.delay(3, None), None);
    }

    #[test]
    fn retry_after_is_honoured_unless_too_long() {
        let policy = RetryPolicy::default();
        let asked = Duration::from_secs(2);
        assert_eq!(policy.delay(0, Some(asked)), Some(asked));
        assert_eq!(policy.delay(0, Some(Duration::from_secs(60))), None);
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now: jiff::Timestamp = "2026-11-26T10:00:00Z".parse().expect("timestamp");
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Thu, 26 Nov 2026 10:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Thu, 26 Nov 2026 09:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn only_rate_limits_and_server_failures_are_retried() {
        assert!(is_retryable(429) && is_retryable(503) && is_retryable(500));
        assert!(!is_retryable(400) && !is_retryable(401) && !is_retryable(404));
    }
}
