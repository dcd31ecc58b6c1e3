//! Adoption figures on a hand-counted month of questions and ratings.

use levier_core::event::EventKind;
use levier_core::ids::UserId;
use levier_core::time::Timestamp;
use levier_report::{Dated, Period, Share, adoption_kpis, time_zone};

fn at(utc: &str) -> Timestamp {
    Timestamp(
        utc.parse::<jiff::Timestamp>()
            .expect("instant")
            .as_millisecond(),
    )
}

fn asked(t: &str, user: i64, answered: bool) -> Dated {
    Dated {
        at: at(t),
        kind: EventKind::QuestionAsked {
            user_id: UserId(user),
            answered,
        },
    }
}

fn rated(t: &str, user: i64, useful: bool) -> Dated {
    Dated {
        at: at(t),
        kind: EventKind::AnswerRated {
            user_id: UserId(user),
            useful,
        },
    }
}

#[test]
fn questions_employees_and_useful_answers_of_the_month() {
    let events = [
        // 30 September at 23:00 in Paris: September's.
        asked("2026-09-30T21:00:00Z", 3, true),
        asked("2026-10-02T08:00:00Z", 1, true),
        rated("2026-10-02T08:01:00Z", 1, true),
        asked("2026-10-02T09:00:00Z", 1, false),
        asked("2026-10-12T10:00:00Z", 2, false),
        rated("2026-10-12T10:01:00Z", 2, false),
        asked("2026-10-20T10:00:00Z", 1, true),
        rated("2026-10-20T10:02:00Z", 1, true),
        // 1 November at 00:30 in Paris: November's.
        asked("2026-10-31T23:30:00Z", 2, true),
    ];
    let october =
        Period::parse("2026-10", &time_zone("Europe/Paris").expect("zone")).expect("period");
    let k = adoption_kpis(&events, &october);
    assert_eq!(k.questions, 4);
    assert_eq!(k.active_employees, 2);
    assert_eq!(k.questions_per_employee, Some(2.0));
    assert_eq!(k.answered, Share { part: 2, whole: 4 });
    assert_eq!(k.useful, Share { part: 2, whole: 3 });
    let empty = adoption_kpis(&[], &october);
    assert_eq!((empty.questions, empty.questions_per_employee), (0, None));
}
