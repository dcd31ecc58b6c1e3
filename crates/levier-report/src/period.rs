//! Calendar periods of the company's time zone, as half-open ranges of instants.
//!
//! A report "for November" means November on the company's clocks (Europe/Paris by default),
//! not in UTC: its first instant is local midnight of the 1st, which is 23:00 UTC the day
//! before in winter and 22:00 in summer. A month or week that contains a DST change is an hour
//! shorter or longer than its neighbours; converting each boundary separately keeps that
//! right, where adding days of 24 hours to a UTC instant would not.

use crate::ReportError;
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use levier_core::time::Timestamp;

/// The company's time zone when none is configured.
pub const DEFAULT_TIME_ZONE: &str = "Europe/Paris";

/// A period: every instant from `start` (included) to `end` (excluded).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Period {
    /// Its name as given: `2026-11`, `2026-W47`, `2026-11-03` or `2026-11-01..2026-12-01`.
    pub label: String,
    /// Its first instant.
    pub start: Timestamp,
    /// The first instant after it.
    pub end: Timestamp,
}

/// The slices a period's time series is cut into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    /// Calendar days.
    Day,
    /// ISO weeks, Monday to Sunday.
    Week,
    /// Calendar months.
    Month,
}

impl Period {
    /// Parses a month (`2026-11`), an ISO week (`2026-W47`), a day (`2026-11-03`) or a range
    /// of days (`2026-11-01..2026-12-01`, end excluded), on the clocks of `zone`.
    pub fn parse(spec: &str, zone: &TimeZone) -> Result<Period, ReportError> {
        let spec = spec.trim();
        let (first, after) = days_of(spec).ok_or_else(|| ReportError::Period {
            spec: spec.to_string(),
        })?;
        if after <= first {
            return Err(ReportError::Period {
                spec: spec.to_string(),
            });
        }
        Ok(Period {
            label: spec.to_string(),
            start: midnight(first, zone)?,
            end: midnight(after, zone)?,
        })
    }

    /// The period from `start` to `end` (a pilot's dates), named by its local days.
    pub fn between(
        start: Timestamp,
        end: Timestamp,
        zone: &TimeZone,
    ) -> Result<Period, ReportError> {
        let (first, last) = (local_date(start, zone)?, local_date(end, zone)?);
        Ok(Period {
            label: format!("{first}..{last}"),
            start,
            end,
        })
    }

    /// Whether `at` falls in the period.
    pub fn contains(&self, at: Timestamp) -> bool {
        self.start <= at && at < self.end
    }

    /// The period cut into days, weeks or months of `zone` (the first and last slices are cut
    /// to the period's bounds).
    pub fn slices(&self, by: Granularity, zone: &TimeZone) -> Result<Vec<Period>, ReportError> {
        let mut slices = Vec::new();
        let mut day = local_date(self.start, zone)?;
        while midnight(day, zone)? < self.end {
            let next = next_boundary(day, by)?;
            let start = midnight(day, zone)?.max(self.start);
            let end = midnight(next, zone)?.min(self.end);
            slices.push(Period {
                label: day.to_string(),
                start,
                end,
            });
            day = next;
        }
        Ok(slices)
    }
}

/// The last whole period a schedule covers as of `now`: the ISO week before the current one
/// (`2026-W47`) or the month before the current one (`2026-10`), on the clocks of `zone`.
pub fn last_complete(
    every: levier_core::config::Every,
    now: Timestamp,
    zone: &TimeZone,
) -> Result<Period, ReportError> {
    let today = local_date(now, zone)?;
    let calendar = |e: jiff::Error| ReportError::Calendar(e.to_string());
    let spec = match every {
        levier_core::config::Every::Weekly => {
            let back = i64::from(today.weekday().to_monday_zero_offset()) + 7;
            let monday = today.checked_sub(back.days()).map_err(calendar)?;
            let week = monday.iso_week_date();
            format!("{:04}-W{:02}", week.year(), week.week())
        }
        levier_core::config::Every::Monthly => {
            let first = today
                .first_of_month()
                .checked_sub(1.month())
                .map_err(calendar)?;
            format!("{:04}-{:02}", first.year(), first.month())
        }
    };
    Period::parse(&spec, zone)
}

/// A time zone by its IANA name (`Europe/Paris`).
pub fn time_zone(name: &str) -> Result<TimeZone, ReportError> {
    TimeZone::get(name).map_err(|_| ReportError::TimeZone {
        name: name.to_string(),
    })
}

/// The first day of a spec and the first day after it.
fn days_of(spec: &str) -> Option<(Date, Date)> {
    if let Some((from, to)) = spec.split_once("..") {
        return Some((from.parse().ok()?, to.parse().ok()?));
    }
    if let Some((year, week)) = spec.split_once("-W") {
        let monday =
            jiff::civil::ISOWeekDate::new(year.parse().ok()?, week.parse().ok()?, Weekday::Monday)
                .ok()?
                .date();
        return Some((monday, monday.checked_add(7.days()).ok()?));
    }
    if let Ok(day) = spec.parse::<Date>() {
        return Some((day, day.tomorrow().ok()?));
    }
    let (year, month) = spec.split_once('-')?;
    let first = Date::new(year.parse().ok()?, month.parse().ok()?, 1).ok()?;
    Some((first, first.checked_add(1.month()).ok()?))
}

/// The first day of the next day, week or month after `day`.
fn next_boundary(day: Date, by: Granularity) -> Result<Date, ReportError> {
    let next = match by {
        Granularity::Day => day.tomorrow(),
        Granularity::Week => day.checked_add((7 - day.weekday().to_monday_zero_offset()).days()),
        Granularity::Month => day.first_of_month().checked_add(1.month()),
    };
    next.map_err(|e| ReportError::Calendar(e.to_string()))
}

/// Local midnight of `day` in `zone`, as an instant (the first instant of the day when a DST
/// change skips midnight).
pub fn midnight(day: Date, zone: &TimeZone) -> Result<Timestamp, ReportError> {
    let zoned = day
        .to_zoned(zone.clone())
        .map_err(|e| ReportError::Calendar(e.to_string()))?;
    Ok(Timestamp(zoned.timestamp().as_millisecond()))
}

/// The local date of an instant.
pub fn local_date(at: Timestamp, zone: &TimeZone) -> Result<Date, ReportError> {
    let instant = jiff::Timestamp::from_millisecond(at.0)
        .map_err(|e| ReportError::Calendar(e.to_string()))?;
    Ok(instant.to_zoned(zone.clone()).date())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_schedule_covers_the_last_whole_week_or_month() {
        use levier_core::config::Every;
        let zone = time_zone("Europe/Paris").unwrap();
        let at = |civil: &str| {
            let z = civil
                .parse::<jiff::civil::DateTime>()
                .unwrap()
                .to_zoned(zone.clone())
                .unwrap();
            Timestamp(z.timestamp().as_millisecond())
        };
        // Thursday 26 November 2026: the last whole ISO week is W47, the last month October.
        let now = at("2026-11-26T10:00");
        assert_eq!(
            last_complete(Every::Weekly, now, &zone).unwrap().label,
            "2026-W47"
        );
        assert_eq!(
            last_complete(Every::Monthly, now, &zone).unwrap().label,
            "2026-10"
        );
        // Just after midnight on Monday 4 January 2027 (Paris): week 53 of 2026 has ended.
        let monday = at("2027-01-04T00:05");
        assert_eq!(
            last_complete(Every::Weekly, monday, &zone).unwrap().label,
            "2026-W53"
        );
        assert_eq!(
            last_complete(Every::Monthly, monday, &zone).unwrap().label,
            "2026-12"
        );
    }

    use super::*;

    fn paris() -> TimeZone {
        time_zone(DEFAULT_TIME_ZONE).expect("zone")
    }

    fn utc(s: &str) -> Timestamp {
        Timestamp(
            s.parse::<jiff::Timestamp>()
                .expect("instant")
                .as_millisecond(),
        )
    }

    #[test]
    fn a_month_starts_at_local_midnight_and_follows_dst() {
        // October 2026: summer time (UTC+2) until the 25th, winter time (UTC+1) after.
        let october = Period::parse("2026-10", &paris()).expect("valid");
        assert_eq!(october.start, utc("2026-09-30T22:00:00Z"));
        assert_eq!(october.end, utc("2026-10-31T23:00:00Z"));
        // 31 days and the hour given back on the 25th.
        assert_eq!(october.end.0 - october.start.0, (31 * 24 + 1) * 3_600_000);
        let march = Period::parse("2026-03", &paris()).expect("valid");
        assert_eq!(march.end.0 - march.start.0, (31 * 24 - 1) * 3_600_000);
    }

    #[test]
    fn weeks_days_and_ranges_parse() {
        let week = Period::parse("2026-W44", &paris()).expect("valid");
        // ISO week 44 of 2026: Monday 26 October to Sunday 1 November, after the DST change.
        assert_eq!(week.start, utc("2026-10-25T23:00:00Z"));
        assert_eq!(week.end, utc("2026-11-01T23:00:00Z"));
        let day = Period::parse("2026-10-25", &paris()).expect("valid");
        assert_eq!(day.end.0 - day.start.0, 25 * 3_600_000);
        let range = Period::parse("2026-11-01..2026-11-08", &paris()).expect("valid");
        assert_eq!(range.end.0 - range.start.0, 7 * 24 * 3_600_000);
    }

    #[test]
    fn bad_periods_are_refused_with_the_spec() {
        for spec in [
            "",
            "2026-13",
            "novembre",
            "2026-W60",
            "2026-11-08..2026-11-01",
        ] {
            let err = Period::parse(spec, &paris()).expect_err("refused");
            assert!(err.to_string().contains(spec.trim()), "{spec}: {err}");
        }
        assert!(time_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn slices_cut_a_period_into_calendar_days_and_weeks() {
        let october = Period::parse("2026-10", &paris()).expect("valid");
        let days = october.slices(Granularity::Day, &paris()).expect("valid");
        assert_eq!(days.len(), 31);
        assert_eq!(days[24].label, "2026-10-25");
        assert_eq!(days[24].end.0 - days[24].start.0, 25 * 3_600_000);
        let weeks = october.slices(Granularity::Week, &paris()).expect("valid");
        // Thursday 1st to Sunday 4th, then four Monday weeks, the last cut at the month's end.
        assert_eq!(weeks.len(), 5);
        assert_eq!(weeks[0].start, october.start);
        assert_eq!(weeks[1].label, "2026-10-05");
        assert_eq!(weeks[4].end, october.end);
        let months = Period::parse("2026-10-15..2026-12-15", &paris())
            .expect("valid")
            .slices(Granularity::Month, &paris())
            .expect("valid");
        assert_eq!(months.len(), 3);
        assert_eq!(months[1].label, "2026-11-01");
    }
}
