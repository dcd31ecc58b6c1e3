//! Service-level due instants of a handed-off conversation, in working time.

use levier_assist::hours::BusinessHours;
use levier_core::Timestamp;

/// The instant `hours` working hours after `from`: time outside business hours does not
/// count. `None` when the business never opens again within a year.
pub fn working_hours_after(
    hours: &BusinessHours,
    from: Timestamp,
    working: u32,
) -> Option<Timestamp> {
    const MINUTE: i64 = 60_000;
    let mut at = jiff::Timestamp::from_millisecond(from.millis()).ok()?;
    let mut left = i64::from(working) * 60;
    while left > 0 {
        at = hours.next_opening(at)?.timestamp();
        at = at
            .checked_add(jiff::SignedDuration::from_millis(MINUTE))
            .ok()?;
        left -= 1;
    }
    Some(Timestamp(at.as_millisecond()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use levier_assist::hours::HoursConfig;

    fn at(s: &str) -> Timestamp {
        let t: jiff::Timestamp = s.parse().expect("timestamp");
        Timestamp(t.as_millisecond())
    }

    #[test]
    fn closed_time_does_not_count() {
        let hours = BusinessHours::new(&HoursConfig::default()).expect("hours");
        // Friday 2026-11-27 17:00 Paris (16:00 UTC): one hour on Friday, three on Monday
        // from 09:00 (lunch 12:30-13:30 skipped) -> Monday 12:00 Paris.
        let due = working_hours_after(&hours, at("2026-11-27T16:00:00Z"), 4);
        assert_eq!(due, Some(at("2026-11-30T11:00:00Z")));
        // Monday 11:00: 1h30 before lunch, 2h30 after -> 16:00 Paris.
        let due = working_hours_after(&hours, at("2026-11-30T10:00:00Z"), 4);
        assert_eq!(due, Some(at("2026-11-30T15:00:00Z")));
    }
}
