//! Instants of the demo's history, and the company's working hours they fall in.

use jiff::civil::Weekday;
use jiff::tz::TimeZone;
use levier_core::Timestamp;
use rand::Rng;
use rand::rngs::StdRng;

/// A minute in milliseconds.
pub(super) const MINUTE: i64 = 60_000;

/// When agents work: 9:00 to 18:00, Monday to Friday, company time.
const OPENS: i8 = 9;
const CLOSES: i8 = 18;

/// An instant of the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Instant(pub Timestamp);

impl Instant {
    /// `ms` milliseconds later.
    pub fn after(self, ms: i64) -> Instant {
        Instant(Timestamp(self.0.0 + ms))
    }

    /// `minutes` later, to the millisecond.
    pub fn after_minutes(self, minutes: f64) -> Instant {
        self.after((minutes * MINUTE as f64) as i64)
    }

    /// This instant if agents are at work then, otherwise a moment after the next opening
    /// (people answer in working hours; the figures then show nights and weekends).
    pub fn in_business_hours(self, zone: &TimeZone, rng: &mut StdRng) -> Instant {
        let Ok(at) = jiff::Timestamp::from_millisecond(self.0.0) else {
            return self;
        };
        let local = at.to_zoned(zone.clone());
        if is_working_day(local.weekday()) && (OPENS..CLOSES).contains(&local.hour()) {
            return self;
        }
        let mut day = local.date();
        if local.hour() >= CLOSES || !is_working_day(local.weekday()) {
            day = day.tomorrow().unwrap_or(day);
        }
        while !is_working_day(day.weekday()) {
            day = day.tomorrow().unwrap_or(day);
        }
        let opening = day
            .at(OPENS, 0, 0, 0)
            .to_zoned(zone.clone())
            .map_or(self.0.0, |z| z.timestamp().as_millisecond());
        Instant(Timestamp(opening)).after(rng.random_range(5..120) * MINUTE)
    }
}

fn is_working_day(day: Weekday) -> bool {
    !matches!(day, Weekday::Saturday | Weekday::Sunday)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").unwrap()
    }

    fn at(civil: &str) -> Instant {
        let t = jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M", civil)
            .unwrap()
            .to_zoned(paris())
            .unwrap();
        Instant(Timestamp(t.timestamp().as_millisecond()))
    }

    #[test]
    fn working_hours_are_kept_and_nights_and_weekends_wait_for_the_opening() {
        let zone = paris();
        let mut rng = StdRng::seed_from_u64(1);
        let tuesday_noon = at("2026-11-24 12:00");
        assert_eq!(
            tuesday_noon.in_business_hours(&zone, &mut rng),
            tuesday_noon
        );
        for (from, opening) in [
            ("2026-11-24 19:30", "2026-11-25 09:00"),
            ("2026-11-25 06:00", "2026-11-25 09:00"),
            ("2026-11-27 18:00", "2026-11-30 09:00"),
            ("2026-11-28 11:00", "2026-11-30 09:00"),
        ] {
            let moved = at(from).in_business_hours(&zone, &mut rng);
            let opens = at(opening);
            assert!(
                moved > opens && moved < opens.after(120 * MINUTE),
                "{from} moved to {moved:?}"
            );
        }
    }
}
