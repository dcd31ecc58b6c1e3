//! Business hours: when a person can take over a conversation, and the sentence that tells a
//! customer when one will answer outside those hours.
//!
//! Hours are civil times in the company's time zone ("9:00–12:30 and 13:30–18:00, Monday to
//! Friday, Europe/Paris"), so they follow daylight-saving changes: Monday 9:00 is 08:00 UTC
//! in winter and 07:00 UTC in summer. An opening that falls in the hour skipped in spring is
//! taken at the first instant after it.

use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use serde::Deserialize;
use std::collections::BTreeSet;

/// Days looked ahead for the next opening: a year, plus a week in case the closed dates
/// swallow a whole week at the end of it. Beyond that the company is taken as never open.
const LOOKAHEAD_DAYS: usize = 366 + 7;
const MINUTES_PER_DAY: u16 = 24 * 60;

/// Business hours as written in configuration (the `hours` table of `[assistant]` in
/// `levier.toml`):
///
/// ```toml
/// [assistant.hours]
/// timezone = "Europe/Paris"
/// monday = ["09:00-12:30", "13:30-18:00"]
/// saturday = []
/// closed = ["2026-12-25", "2027-01-01"]
/// ```
///
/// Defaults: Europe/Paris, Monday to Friday 09:00–12:30 and 13:30–18:00 (a common French
/// office day with a lunch break), closed at weekends, no closed dates — public holidays
/// change every year (Easter Monday, Ascension, Whit Monday move), so they are listed by the
/// company rather than guessed. An interval is `HH:MM-HH:MM`, end excluded, `24:00` allowed
/// as an end; intervals do not cross midnight.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HoursConfig {
    /// IANA time zone name.
    pub timezone: String,
    /// Opening intervals on Mondays.
    pub monday: Vec<String>,
    /// Opening intervals on Tuesdays.
    pub tuesday: Vec<String>,
    /// Opening intervals on Wednesdays.
    pub wednesday: Vec<String>,
    /// Opening intervals on Thursdays.
    pub thursday: Vec<String>,
    /// Opening intervals on Fridays.
    pub friday: Vec<String>,
    /// Opening intervals on Saturdays.
    pub saturday: Vec<String>,
    /// Opening intervals on Sundays.
    pub sunday: Vec<String>,
    /// Dates closed all day (public holidays, closures), as `YYYY-MM-DD`.
    pub closed: Vec<String>,
}

impl Default for HoursConfig {
    fn default() -> Self {
        let office_day = || vec!["09:00-12:30".to_string(), "13:30-18:00".to_string()];
        HoursConfig {
            timezone: "Europe/Paris".to_string(),
            monday: office_day(),
            tuesday: office_day(),
            wednesday: office_day(),
            thursday: office_day(),
            friday: office_day(),
            saturday: Vec::new(),
            sunday: Vec::new(),
            closed: Vec::new(),
        }
    }
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum HoursError {
    /// The time zone is not in the tz database.
    #[error("unknown time zone {0:?}")]
    TimeZone(String),
    /// An interval is not `HH:MM-HH:MM` with its start before its end.
    #[error("{day}: {value:?} is not an interval HH:MM-HH:MM with the start before the end")]
    Interval {
        /// The weekday field.
        day: &'static str,
        /// The interval as written.
        value: String,
    },
    /// Two intervals of a day overlap.
    #[error("{0}: intervals overlap")]
    Overlap(&'static str),
    /// A closed date is not `YYYY-MM-DD`.
    #[error("closed: {0:?} is not a date YYYY-MM-DD")]
    Date(String),
}

/// The language of a customer-facing sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// French.
    Fr,
    /// English.
    En,
}

/// Opening minutes of a day, start included, end excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Interval {
    start: u16,
    end: u16,
}

/// Validated business hours.
#[derive(Debug, Clone)]
pub struct BusinessHours {
    tz: TimeZone,
    /// Monday first.
    week: [Vec<Interval>; 7],
    closed: BTreeSet<Date>,
}

impl BusinessHours {
    /// Checks and compiles a configuration.
    pub fn new(config: &HoursConfig) -> Result<Self, HoursError> {
        let tz = TimeZone::get(&config.timezone)
            .map_err(|_| HoursError::TimeZone(config.timezone.clone()))?;
        let days = [
            ("monday", &config.monday),
            ("tuesday", &config.tuesday),
            ("wednesday", &config.wednesday),
            ("thursday", &config.thursday),
            ("friday", &config.friday),
            ("saturday", &config.saturday),
            ("sunday", &config.sunday),
        ];
        let mut week: [Vec<Interval>; 7] = Default::default();
        for (slot, (day, values)) in week.iter_mut().zip(days) {
            *slot = intervals(day, values)?;
        }
        let closed = config
            .closed
            .iter()
            .map(|d| d.trim().parse().map_err(|_| HoursError::Date(d.clone())))
            .collect::<Result<_, _>>()?;
        Ok(BusinessHours { tz, week, closed })
    }

    /// Whether a person is at work at `at`.
    pub fn is_open(&self, at: Timestamp) -> bool {
        let local = at.to_zoned(self.tz.clone());
        let minute =
            u16::from(local.hour().unsigned_abs()) * 60 + u16::from(local.minute().unsigned_abs());
        self.day(local.date())
            .iter()
            .any(|i| i.start <= minute && minute < i.end)
    }

    /// `at` itself when open, else the next instant the business opens; `None` when it
    /// does not open within a year.
    pub fn next_opening(&self, at: Timestamp) -> Option<Zoned> {
        let local = at.to_zoned(self.tz.clone());
        if self.is_open(at) {
            return Some(local);
        }
        let mut date = local.date();
        for _ in 0..LOOKAHEAD_DAYS {
            for interval in self.day(date) {
                let start = self.opening_instant(date, interval.start)?;
                if start.timestamp() > at {
                    return Some(start);
                }
            }
            date = date.tomorrow().ok()?;
        }
        None
    }

    /// The sentence telling a customer who writes at `at` when a person will answer.
    pub fn reply_sentence(&self, at: Timestamp, lang: Lang) -> String {
        let sentence = if self.is_open(at) {
            match lang {
                Lang::Fr => "Un conseiller va vous répondre dans quelques minutes.",
                Lang::En => "An agent will reply in a few minutes.",
            }
        } else if let Some(opening) = self.next_opening(at) {
            let now = at.to_zoned(self.tz.clone());
            return match lang {
                Lang::Fr => format!("Un conseiller vous répondra {}.", when_fr(&now, &opening)),
                Lang::En => format!("An agent will reply {}.", when_en(&now, &opening)),
            };
        } else {
            match lang {
                Lang::Fr => "Un conseiller vous répondra dès que possible.",
                Lang::En => "An agent will reply as soon as possible.",
            }
        };
        sentence.to_string()
    }

    fn day(&self, date: Date) -> &[Interval] {
        if self.closed.contains(&date) {
            return &[];
        }
        &self.week[weekday_index(date.weekday())]
    }

    /// The instant a day's interval starts; in the hour skipped in spring, the first
    /// instant after it (jiff's "compatible" choice, as for calendars).
    fn opening_instant(&self, date: Date, minute: u16) -> Option<Zoned> {
        let hour = i8::try_from(minute / 60).ok()?;
        let min = i8::try_from(minute % 60).ok()?;
        let civil: DateTime = date.at(hour, min, 0, 0);
        self.tz.to_ambiguous_zoned(civil).compatible().ok()
    }
}

fn weekday_index(day: Weekday) -> usize {
    usize::from(day.to_monday_zero_offset().unsigned_abs())
}

/// A weekday's intervals, sorted and checked.
fn intervals(day: &'static str, values: &[String]) -> Result<Vec<Interval>, HoursError> {
    let mut out = values
        .iter()
        .map(|v| {
            interval(v).ok_or_else(|| HoursError::Interval {
                day,
                value: v.clone(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    out.sort();
    if out.windows(2).any(|w| w[1].start < w[0].end) {
        return Err(HoursError::Overlap(day));
    }
    Ok(out)
}

fn interval(value: &str) -> Option<Interval> {
    let (start, end) = value.split_once('-')?;
    let (start, end) = (minute_of_day(start)?, minute_of_day(end)?);
    (start < end && start < MINUTES_PER_DAY).then_some(Interval { start, end })
}

/// `HH:MM` (or `H:MM`) as minutes since midnight, `24:00` included.
fn minute_of_day(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    if !(1..=2).contains(&h.len()) || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    let minute = h * 60 + m;
    (m < 60 && minute <= MINUTES_PER_DAY).then_some(minute)
}

const JOURS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const MOIS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// How many days after `now`'s date `opening` falls: 0 today, 1 tomorrow.
fn days_after(now: &Zoned, opening: &Zoned) -> Option<i32> {
    let span = now.date().until(opening.date()).ok()?;
    Some(span.get_days())
}

/// "aujourd'hui à 13 h 30", "demain à 9 h 00", "lundi 30 novembre à 9 h 00",
/// "mardi 1er décembre à 9 h 00".
fn when_fr(now: &Zoned, opening: &Zoned) -> String {
    let time = format!("{} h {:02}", opening.hour(), opening.minute());
    match days_after(now, opening) {
        Some(0) => format!("aujourd'hui à {time}"),
        Some(1) => format!("demain à {time}"),
        _ => {
            let date = opening.date();
            let day = match date.day() {
                1 => "1er".to_string(),
                d => d.to_string(),
            };
            let weekday = JOURS[weekday_index(date.weekday())];
            let month = MOIS[month_index(date)];
            format!("{weekday} {day} {month} à {time}")
        }
    }
}

/// "today at 13:30", "tomorrow at 9:00", "on Monday 30 November at 9:00".
fn when_en(now: &Zoned, opening: &Zoned) -> String {
    let time = format!("{}:{:02}", opening.hour(), opening.minute());
    match days_after(now, opening) {
        Some(0) => format!("today at {time}"),
        Some(1) => format!("tomorrow at {time}"),
        _ => {
            let date = opening.date();
            let weekday = DAYS[weekday_index(date.weekday())];
            let month = MONTHS[month_index(date)];
            format!("on {weekday} {} {month} at {time}", date.day())
        }
    }
}

fn month_index(date: Date) -> usize {
    usize::from(date.month().unsigned_abs()).saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_parsed_and_checked() {
        assert_eq!(
            interval("9:00-12:30"),
            Some(Interval {
                start: 540,
                end: 750
            })
        );
        assert_eq!(
            interval("13:30-24:00"),
            Some(Interval {
                start: 810,
                end: 1440
            })
        );
        for bad in [
            "12:30-9:00",
            "9-12",
            "09:00-09:00",
            "24:00-24:00",
            "9:60-10:00",
            "",
            "9:000-10:00",
        ] {
            assert_eq!(interval(bad), None, "{bad}");
        }
        let overlapping = ["09:00-12:30".to_string(), "12:00-18:00".to_string()];
        assert!(matches!(
            intervals("monday", &overlapping),
            Err(HoursError::Overlap("monday"))
        ));
    }
}
