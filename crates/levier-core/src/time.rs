//! One representation of time for the whole system: milliseconds since the Unix epoch, UTC.
//!
//! Both SQLite and PostgreSQL store it as a plain BIGINT, which keeps queries portable and
//! ordering exact; conversion to a calendar (Europe/Paris for reports) happens at the edges.

use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// An instant, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The current instant from the system clock.
    pub fn now() -> Self {
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        Timestamp(i64::try_from(since.as_millis()).unwrap_or(i64::MAX))
    }

    /// Milliseconds since the epoch.
    pub fn millis(self) -> i64 {
        self.0
    }

    /// This instant moved forward by `d` (saturating).
    pub fn plus(self, d: Duration) -> Self {
        Timestamp(
            self.0
                .saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_moves_forward_and_saturates() {
        let t = Timestamp(1_000);
        assert_eq!(t.plus(Duration::from_secs(2)), Timestamp(3_000));
        assert_eq!(
            Timestamp(i64::MAX - 1).plus(Duration::from_secs(1)),
            Timestamp(i64::MAX)
        );
        assert!(Timestamp::now() > Timestamp(1_700_000_000_000));
    }
}
