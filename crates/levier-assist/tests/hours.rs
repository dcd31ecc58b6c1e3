//! Business hours across a weekend, a lunch break, a public holiday and the daylight-saving
//! changes of Europe/Paris, and the sentence telling a customer when a person will answer.

use jiff::Timestamp;
use levier_assist::hours::{BusinessHours, HoursConfig, HoursError, Lang};

const COMPANY: &str = include_str!("../../../demo/company.toml");

/// The default: Europe/Paris, Monday to Friday 9:00–12:30 and 13:30–18:00.
fn office() -> BusinessHours {
    let config = HoursConfig {
        closed: vec!["2026-12-25".to_string()],
        ..HoursConfig::default()
    };
    BusinessHours::new(&config).expect("default hours are valid")
}

/// An instant given as a Paris wall-clock time with its offset, e.g. `2026-11-27T18:00+01:00`.
fn at(text: &str) -> Timestamp {
    text.parse().expect("timestamp")
}

fn next(hours: &BusinessHours, from: &str) -> String {
    let opening = hours.next_opening(at(from)).expect("opens within a year");
    opening.timestamp().to_string()
}

#[test]
fn open_on_weekdays_outside_the_lunch_break() {
    let hours = office();
    assert!(
        hours.is_open(at("2026-11-26T09:00+01:00")),
        "Thursday at opening"
    );
    assert!(hours.is_open(at("2026-11-26T12:29:59+01:00")));
    assert!(!hours.is_open(at("2026-11-26T12:30+01:00")), "lunch break");
    assert!(!hours.is_open(at("2026-11-26T13:29+01:00")));
    assert!(hours.is_open(at("2026-11-26T13:30+01:00")));
    assert!(!hours.is_open(at("2026-11-26T18:00+01:00")), "end excluded");
    assert!(!hours.is_open(at("2026-11-26T08:59+01:00")));
    assert_eq!(
        next(&hours, "2026-11-26T12:45+01:00"),
        "2026-11-26T12:30:00Z",
        "13:30 Paris"
    );
    assert_eq!(
        next(&hours, "2026-11-26T10:00+01:00"),
        "2026-11-26T09:00:00Z",
        "open: now"
    );
}

#[test]
fn closed_over_the_weekend() {
    let hours = office();
    assert!(!hours.is_open(at("2026-11-28T10:00+01:00")), "Saturday");
    assert!(!hours.is_open(at("2026-11-29T15:00+01:00")), "Sunday");
    for from in [
        "2026-11-27T18:00+01:00",
        "2026-11-28T10:00+01:00",
        "2026-11-30T00:00+01:00",
    ] {
        assert_eq!(
            next(&hours, from),
            "2026-11-30T08:00:00Z",
            "Monday 9:00 Paris, from {from}"
        );
    }
}

#[test]
fn closed_on_a_holiday() {
    let hours = office();
    assert!(
        !hours.is_open(at("2026-12-25T10:00+01:00")),
        "Christmas, a Friday"
    );
    assert_eq!(
        next(&hours, "2026-12-24T18:30+01:00"),
        "2026-12-28T08:00:00Z",
        "Monday 28th"
    );
}

#[test]
fn hours_follow_daylight_saving_time() {
    let hours = office();
    // Spring forward: Sunday 29 March 2026, 2:00 becomes 3:00; Monday 9:00 is then 07:00 UTC.
    assert_eq!(
        next(&hours, "2026-03-27T18:30+01:00"),
        "2026-03-30T07:00:00Z"
    );
    assert!(hours.is_open(at("2026-03-30T07:00:00Z")));
    assert!(!hours.is_open(at("2026-03-30T06:30:00Z")), "8:30 Paris");
    // Fall back: Sunday 25 October 2026, 3:00 becomes 2:00; Monday 9:00 is then 08:00 UTC.
    assert_eq!(
        next(&hours, "2026-10-23T18:30+02:00"),
        "2026-10-26T08:00:00Z"
    );
    assert!(!hours.is_open(at("2026-10-26T07:30:00Z")), "8:30 Paris");
}

#[test]
fn an_opening_in_the_skipped_hour_starts_after_it() {
    let config = HoursConfig {
        sunday: vec!["02:30-04:00".to_string()],
        ..HoursConfig::default()
    };
    let night = BusinessHours::new(&config).expect("valid");
    // 29 March 2026: 2:30 does not exist in Paris; the shift starts at 3:30 CEST (01:30 UTC).
    assert_eq!(next(&night, "2026-03-29T00:00:00Z"), "2026-03-29T01:30:00Z");
    assert!(night.is_open(at("2026-03-29T01:45:00Z")), "3:45 CEST");
    // 25 October 2026: 2:30 happens twice; both are open.
    assert!(night.is_open(at("2026-10-25T00:30:00Z")), "2:30 CEST");
    assert!(night.is_open(at("2026-10-25T01:30:00Z")), "2:30 CET");
}

#[test]
fn the_customer_is_told_when_a_person_will_answer() {
    let hours = office();
    let friday_evening = at("2026-11-27T19:00+01:00");
    assert_eq!(
        hours.reply_sentence(friday_evening, Lang::Fr),
        "Un conseiller vous répondra lundi 30 novembre à 9 h 00."
    );
    assert_eq!(
        hours.reply_sentence(friday_evening, Lang::En),
        "An agent will reply on Monday 30 November at 9:00."
    );
    let lunch = at("2026-11-26T12:45+01:00");
    assert_eq!(
        hours.reply_sentence(lunch, Lang::Fr),
        "Un conseiller vous répondra aujourd'hui à 13 h 30."
    );
    assert_eq!(
        hours.reply_sentence(lunch, Lang::En),
        "An agent will reply today at 13:30."
    );
    let evening = at("2026-11-26T20:00+01:00");
    assert_eq!(
        hours.reply_sentence(evening, Lang::Fr),
        "Un conseiller vous répondra demain à 9 h 00."
    );
    let sunday = at("2027-01-31T10:00+01:00");
    assert_eq!(
        hours.reply_sentence(sunday, Lang::Fr),
        "Un conseiller vous répondra demain à 9 h 00."
    );
    let saturday = at("2027-01-30T10:00+01:00");
    assert_eq!(
        hours.reply_sentence(saturday, Lang::Fr),
        "Un conseiller vous répondra lundi 1er février à 9 h 00."
    );
    let open = at("2026-11-26T10:00+01:00");
    assert_eq!(
        hours.reply_sentence(open, Lang::Fr),
        "Un conseiller va vous répondre dans quelques minutes."
    );
}

#[test]
fn never_open_has_no_next_opening() {
    let config = HoursConfig {
        monday: vec![],
        tuesday: vec![],
        wednesday: vec![],
        thursday: vec![],
        friday: vec![],
        ..HoursConfig::default()
    };
    let never = BusinessHours::new(&config).expect("valid");
    assert_eq!(never.next_opening(at("2026-11-26T10:00Z")), None);
    assert_eq!(
        never.reply_sentence(at("2026-11-26T10:00Z"), Lang::En),
        "An agent will reply as soon as possible."
    );
}

#[test]
fn bad_configurations_are_refused() {
    let with = |f: fn(&mut HoursConfig)| {
        let mut config = HoursConfig::default();
        f(&mut config);
        BusinessHours::new(&config)
    };
    assert!(matches!(
        with(|c| c.timezone = "Europe/Villeurbanne".into()),
        Err(HoursError::TimeZone(_))
    ));
    assert!(matches!(
        with(|c| c.monday = vec!["18:00-09:00".into()]),
        Err(HoursError::Interval { day: "monday", .. })
    ));
    assert!(matches!(
        with(|c| c.friday = vec!["9:00-13:00".into(), "12:00-18:00".into()]),
        Err(HoursError::Overlap("friday"))
    ));
    assert!(matches!(
        with(|c| c.closed = vec!["25/12/2026".into()]),
        Err(HoursError::Date(_))
    ));
    assert!(
        toml::from_str::<HoursConfig>("mondays = []").is_err(),
        "unknown keys refused"
    );
}

#[test]
fn the_demo_company_hours_parse() {
    let company: toml::Table = toml::from_str(COMPANY).expect("company.toml parses");
    let config: HoursConfig = company["assistant"]["hours"]
        .clone()
        .try_into()
        .expect("[assistant.hours]");
    let hours = BusinessHours::new(&config).expect("valid");
    assert!(
        hours.is_open(at("2026-11-26T12:45+01:00")),
        "Ergolis answers at lunchtime"
    );
    assert!(!hours.is_open(at("2026-12-25T10:00+01:00")), "Christmas");
}
