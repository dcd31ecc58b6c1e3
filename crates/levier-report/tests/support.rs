//! Support KPIs on a hand-built month of events around the end of summer time (Paris moves
//! from UTC+2 to UTC+1 on 25 October 2026): every expected figure below was counted by hand.

use levier_core::config::Config;
use levier_core::event::{Event, EventKind};
use levier_core::ids::{ConversationId, MessageId, TicketId, UserId};
use levier_core::time::Timestamp;
use levier_report::{Dated, Period, Share, SupportKpis, SupportOptions, support_kpis, time_zone};
use levier_store::Store;

fn at(utc: &str) -> Timestamp {
    Timestamp(
        utc.parse::<jiff::Timestamp>()
            .expect("instant")
            .as_millisecond(),
    )
}

fn message(c: i64) -> EventKind {
    EventKind::MessageReceived {
        conversation_id: ConversationId(c),
        site_id: None,
    }
}

fn answer(c: i64, m: i64) -> EventKind {
    EventKind::BotAnswered {
        conversation_id: ConversationId(c),
        message_id: MessageId(m),
        confidence: 0.9,
        source: Some("faq:1".into()),
    }
}

fn helpful(c: i64, m: i64, helpful: bool) -> EventKind {
    EventKind::BotAnswerHelpful {
        conversation_id: ConversationId(c),
        message_id: MessageId(m),
        helpful,
    }
}

fn handoff(c: i64, t: i64, reason: &str) -> EventKind {
    EventKind::HandedOff {
        conversation_id: ConversationId(c),
        ticket_id: TicketId(t),
        reason: reason.into(),
    }
}

/// The month, conversation by conversation (times in UTC; Paris is UTC+2 until 25 October
/// 01:00 UTC, UTC+1 after).
fn october() -> Vec<Dated> {
    let events = [
        // C1 starts at 23:30 on 30 September in Paris: September's.
        ("2026-09-30T21:30:00Z", message(1)),
        ("2026-09-30T21:31:00Z", answer(1, 101)),
        // C2 starts at 00:10 on 1 October in Paris; answered, then quiet: self-served.
        ("2026-09-30T22:10:00Z", message(2)),
        ("2026-09-30T22:11:00Z", answer(2, 201)),
        // …and the customer said it helped.
        ("2026-09-30T22:12:00Z", helpful(2, 201, true)),
        // C3: answered, the customer writes again within the day, handed off, answered by
        // an agent in 30 min, resolved in 24 h, rated 5, reopened, resolved again.
        ("2026-10-10T08:00:00Z", message(3)),
        ("2026-10-10T08:01:00Z", answer(3, 301)),
        // The customer first said it helped, then changed their mind.
        ("2026-10-10T08:02:00Z", helpful(3, 301, true)),
        ("2026-10-10T08:59:00Z", helpful(3, 301, false)),
        ("2026-10-10T09:00:00Z", message(3)),
        ("2026-10-10T09:01:00Z", handoff(3, 3, "customer_asked")),
        (
            "2026-10-10T09:31:00Z",
            EventKind::AgentFirstResponse {
                ticket_id: TicketId(3),
                after_ms: 1_800_000,
                within_sla: Some(true),
            },
        ),
        // The agent spent 5 min on the first answer, 7 min on the second.
        (
            "2026-10-10T09:31:00Z",
            EventKind::AgentHandled {
                ticket_id: TicketId(3),
                ms: 300_000,
            },
        ),
        (
            "2026-10-11T09:00:00Z",
            EventKind::AgentHandled {
                ticket_id: TicketId(3),
                ms: 420_000,
            },
        ),
        (
            "2026-10-11T09:01:00Z",
            EventKind::TicketResolved {
                ticket_id: TicketId(3),
                after_ms: 86_400_000,
                within_sla: Some(true),
            },
        ),
        (
            "2026-10-11T10:00:00Z",
            EventKind::CsatGiven {
                ticket_id: TicketId(3),
                rating: 5,
            },
        ),
        (
            "2026-10-12T08:00:00Z",
            EventKind::TicketReopened {
                ticket_id: TicketId(3),
                by_customer: true,
            },
        ),
        (
            "2026-10-12T10:00:00Z",
            EventKind::TicketResolved {
                ticket_id: TicketId(3),
                after_ms: 176_340_000,
                within_sla: None,
            },
        ),
        // C7: no answer, handed off at once, first agent answer after 2 h, late.
        ("2026-10-15T10:00:00Z", message(7)),
        ("2026-10-15T10:00:05Z", handoff(7, 7, "low_confidence")),
        (
            "2026-10-15T12:00:05Z",
            EventKind::AgentFirstResponse {
                ticket_id: TicketId(7),
                after_ms: 7_200_000,
                within_sla: Some(false),
            },
        ),
        // 3 min on C7's ticket, which is not resolved: it counts in no handling time.
        (
            "2026-10-15T12:00:05Z",
            EventKind::AgentHandled {
                ticket_id: TicketId(7),
                ms: 180_000,
            },
        ),
        (
            "2026-10-16T09:00:00Z",
            EventKind::CsatGiven {
                ticket_id: TicketId(7),
                rating: 2,
            },
        ),
        // C4: answered, the answer later marked wrong by an agent.
        ("2026-10-20T12:00:00Z", message(4)),
        ("2026-10-20T12:00:30Z", answer(4, 401)),
        (
            "2026-10-22T08:00:00Z",
            EventKind::BotAnswerMarkedWrong {
                message_id: MessageId(401),
                user_id: UserId(1),
            },
        ),
        // C5 starts at 23:30 on 31 October in Paris (winter time): still October's.
        ("2026-10-31T22:30:00Z", message(5)),
        ("2026-10-31T22:31:00Z", answer(5, 501)),
        // C6 starts at 00:10 on 1 November in Paris: November's.
        ("2026-10-31T23:10:00Z", message(6)),
    ];
    events
        .into_iter()
        .map(|(t, kind)| Dated { at: at(t), kind })
        .collect()
}

fn october_period() -> Period {
    Period::parse("2026-10", &time_zone("Europe/Paris").expect("zone")).expect("valid")
}

/// The figures on the morning of 1 November: C5's quiet window is still open.
fn expected_on_1_november() -> SupportKpis {
    SupportKpis {
        conversations: 5,
        customer_messages: 6,
        tickets_opened: 2,
        bot_answers: 4,
        involvement: Share { part: 4, whole: 5 },
        self_service_assumed: Share { part: 1, whole: 3 },
        pending: 1,
        self_service_confirmed: Share { part: 1, whole: 4 },
        automation_rate: Some(4.0 / 5.0 * (1.0 / 3.0)),
        handoff: Share { part: 2, whole: 5 },
        handoff_reasons: vec![("customer_asked".into(), 1), ("low_confidence".into(), 1)],
        first_response: levier_report::Spread::of(vec![1_800_000, 7_200_000]),
        first_response_within_sla: Share { part: 1, whole: 2 },
        resolution: levier_report::Spread::of(vec![86_400_000, 176_340_000]),
        resolution_within_sla: Share { part: 1, whole: 1 },
        // T3 was resolved twice in October; each resolution counts its ticket's 12 min.
        handling: levier_report::Spread::of(vec![720_000, 720_000]),
        reopen: Share { part: 1, whole: 2 },
        error: Share { part: 1, whole: 4 },
        csat: Some(levier_report::support::Csat {
            average: 3.5,
            satisfied: Share { part: 1, whole: 2 },
        }),
    }
}

#[test]
fn every_support_figure_of_the_month_matches_the_hand_count() {
    let kpis = support_kpis(
        &october(),
        &october_period(),
        SupportOptions::at(at("2026-11-01T10:00:00Z")),
    );
    assert_eq!(kpis, expected_on_1_november());
    let first = kpis.first_response.expect("first responses");
    assert_eq!((first.median_ms, first.p90_ms), (1_800_000, 7_200_000));
}

#[test]
fn a_conversation_counts_once_its_quiet_window_has_ended() {
    let kpis = support_kpis(
        &october(),
        &october_period(),
        SupportOptions::at(at("2026-12-01T00:00:00Z")),
    );
    assert_eq!(kpis.self_service_assumed, Share { part: 2, whole: 4 });
    assert_eq!(kpis.pending, 0);
    assert_eq!(kpis.automation_rate, Some(0.4));
}

#[test]
fn the_first_of_november_in_paris_belongs_to_november() {
    let november =
        Period::parse("2026-11", &time_zone("Europe/Paris").expect("zone")).expect("november");
    let kpis = support_kpis(
        &october(),
        &november,
        SupportOptions::at(at("2026-12-01T00:00:00Z")),
    );
    assert_eq!(kpis.conversations, 1);
    assert_eq!(kpis.customer_messages, 1);
    assert_eq!(kpis.involvement, Share { part: 0, whole: 1 });
    assert_eq!(kpis.self_service_assumed, Share { part: 0, whole: 0 });
    assert_eq!(
        kpis.automation_rate, None,
        "no answered conversation: no rate"
    );
    assert_eq!(kpis.first_response, None);
    assert_eq!(kpis.csat, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn figures_read_from_a_real_store_match_the_pure_computation() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    };
    let store = Store::open(&config).await.expect("store");
    for e in october() {
        store
            .append_event(&Event {
                at: e.at,
                actor: None,
                kind: e.kind,
            })
            .await
            .expect("append");
    }
    let options = SupportOptions::at(at("2026-11-01T10:00:00Z"));
    let kpis = levier_report::load::support(&store, &october_period(), options)
        .await
        .expect("kpis");
    assert_eq!(kpis, expected_on_1_november());
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cache_reads_only_what_was_appended_and_keeps_instants_in_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    };
    let store = Store::open(&config).await.expect("store");
    let mut events = october();
    // The last conversation arrives later, written by another node, before the rest.
    let late = events.split_off(events.len() - 3);
    let options = SupportOptions::at(at("2026-11-01T10:00:00Z"));
    let cache = levier_report::EventCache::new();
    let append = |batch: Vec<Dated>| {
        let events: Vec<Event> = batch
            .into_iter()
            .map(|e| Event {
                at: e.at,
                actor: None,
                kind: e.kind,
            })
            .collect();
        let store = &store;
        async move { store.append_events(&events).await.expect("append") }
    };
    append(late).await;
    let partial = cache
        .support(&store, &october_period(), options, &Default::default())
        .await
        .expect("kpis");
    assert_eq!(partial.conversations, 1, "only C5 so far");
    append(events).await;
    let kpis = cache
        .support(&store, &october_period(), options, &Default::default())
        .await
        .expect("kpis");
    assert_eq!(kpis, expected_on_1_november());
    // An agent marks C2's answer wrong later: the month's figures change.
    append(vec![Dated {
        at: at("2026-11-01T09:00:00Z"),
        kind: EventKind::BotAnswerMarkedWrong {
            message_id: MessageId(201),
            user_id: UserId(1),
        },
    }])
    .await;
    let kpis = cache
        .support(&store, &october_period(), options, &Default::default())
        .await
        .expect("kpis");
    assert_eq!(kpis.error, Share { part: 2, whole: 4 });
    assert_eq!(kpis.self_service_assumed, Share { part: 0, whole: 3 });
    store.close().await;
}

#[test]
fn volume_counts_conversations_and_tickets_per_week() {
    let zone = time_zone("Europe/Paris").expect("zone");
    let weeks = october_period()
        .slices(levier_report::Granularity::Week, &zone)
        .expect("weeks");
    let v = levier_report::volume(&october(), &weeks);
    let counts: Vec<(usize, usize)> = v.iter().map(|w| (w.conversations, w.tickets)).collect();
    // 1–4 Oct: C2; 5–11: C3 (ticket); 12–18: C7 (ticket); 19–25: C4; 26–31: C5.
    assert_eq!(counts, [(1, 0), (1, 1), (1, 1), (1, 0), (1, 0)]);
    assert_eq!(v[1].label, "2026-10-05");
}

/// The drill-down lists exactly what each figure counts: for every share, the items counted
/// and the items listed are its part and its whole; for counts and durations, the items are
/// the count.
#[test]
fn the_drill_down_lists_what_each_figure_counts() {
    use levier_report::drill::{DRILLABLE, Detail, behind};
    let events = october();
    let period = october_period();
    let options = SupportOptions::at(at("2026-11-01T10:00:00Z"));
    let k = support_kpis(&events, &period, options);
    let split = |figure: &str| {
        let items = behind(&events, &period, options, figure).expect(figure);
        Share {
            part: items.iter().filter(|i| i.counted).count(),
            whole: items.len(),
        }
    };
    assert_eq!(split("involvement"), k.involvement);
    assert_eq!(split("self_service_assumed"), k.self_service_assumed);
    assert_eq!(split("self_service_confirmed"), k.self_service_confirmed);
    assert_eq!(split("handoff"), k.handoff);
    assert_eq!(split("reopen").whole, k.reopen.part);
    assert_eq!(split("error"), k.error);
    assert_eq!(split("conversations").whole, k.conversations);
    assert_eq!(split("tickets_opened").whole, k.tickets_opened);
    assert_eq!(split("csat").part, k.csat.map_or(0, |c| c.satisfied.part));
    let firsts = behind(&events, &period, options, "first_response").unwrap();
    assert_eq!(firsts.len(), k.first_response.map_or(0, |s| s.count));
    assert!(matches!(
        firsts[0].detail,
        Detail::Duration { ms: 1_800_000 }
    ));
    assert_eq!(firsts[0].ticket, Some(TicketId(3)));
    assert_eq!(firsts[0].conversation, Some(ConversationId(3)));
    assert_eq!(
        split("resolution").whole,
        k.resolution.map_or(0, |s| s.count)
    );
    assert_eq!(
        split("handling_time").whole,
        k.handling.map_or(0, |s| s.count)
    );
    assert!(behind(&events, &period, options, "pending").is_none());
    assert_eq!(DRILLABLE.len(), 12);
}
