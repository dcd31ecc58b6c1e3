//! The Reports page through the real router over a real SQLite store: figures computed from
//! events written to the log, the chart, the period form, and who may see it.

mod support;

use axum::http::StatusCode;
use levier_core::Role;
use levier_core::event::{Event, EventKind};
use levier_core::ids::{ConversationId, MessageId, TicketId};
use levier_core::time::Timestamp;
use support::{Req, TestApp, Who};

fn at(utc: &str) -> Timestamp {
    Timestamp(
        utc.parse::<jiff::Timestamp>()
            .expect("instant")
            .as_millisecond(),
    )
}

/// Two October conversations: one the assistant answered, one handed off.
async fn october(app: &TestApp) {
    let event = |t: &str, kind| Event {
        at: at(t),
        actor: None,
        kind,
    };
    let c = |n| ConversationId(n);
    app.store
        .append_events(&[
            event(
                "2026-10-05T08:00:00Z",
                EventKind::MessageReceived {
                    conversation_id: c(1),
                    site_id: None,
                },
            ),
            event(
                "2026-10-05T08:00:01Z",
                EventKind::BotAnswered {
                    conversation_id: c(1),
                    message_id: MessageId(10),
                    confidence: 0.95,
                    source: None,
                },
            ),
            event(
                "2026-10-06T09:00:00Z",
                EventKind::MessageReceived {
                    conversation_id: c(2),
                    site_id: None,
                },
            ),
            event(
                "2026-10-06T09:00:02Z",
                EventKind::HandedOff {
                    conversation_id: c(2),
                    ticket_id: TicketId(1),
                    reason: "customer_asked".into(),
                },
            ),
        ])
        .await
        .expect("events");
}

async fn page(app: &TestApp, role: Role, query: &str) -> support::Reply {
    let who = Who::Session(app.login(role).await);
    app.send(Req::get(&format!("/reports{query}")).auth(&who))
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_the_periods_figures_and_chart() {
    let app = TestApp::new().await;
    october(&app).await;
    let reply = page(&app, Role::Champion, "?period=2026-10").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let body = &reply.body;
    assert!(
        body.contains(
            r#"<tr data-figure="conversations"><td>Conversations</td><td class="value">2</td>"#
        ),
        "{body}"
    );
    assert!(
        body.contains(r#"<td class="value">50.0 % (1/2)</td>"#),
        "handoff rate\n{body}"
    );
    // 31 days, one bar pair each; the 5th and 6th carry the conversations.
    assert_eq!(body.matches(r#"class="bar-conversations""#).count(), 31);
    assert!(
        body.contains("2026-10-05 : 1 conversations, 0 tickets"),
        "{body}"
    );
    assert!(
        body.contains("2026-10-06 : 1 conversations, 1 tickets"),
        "{body}"
    );
    // A new event shows at the next load (the cache reads what was appended).
    app.store
        .append_event(&Event {
            at: at("2026-10-07T10:00:00Z"),
            actor: None,
            kind: EventKind::MessageReceived {
                conversation_id: ConversationId(3),
                site_id: None,
            },
        })
        .await
        .expect("event");
    let reply = page(&app, Role::Admin, "?period=2026-10").await;
    assert!(
        reply
            .body
            .contains(r#"<td>Conversations</td><td class="value">3</td>"#),
        "{}",
        reply.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_period_is_explained_and_escaped() {
    let app = TestApp::new().await;
    let reply = page(&app, Role::Agent, "?period=%3Cscript%3Ex%3C/script%3E").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("is not a period"), "{}", reply.body);
    assert!(
        !reply.body.contains("<script>x"),
        "the period must be escaped"
    );
    assert!(reply.body.contains("&#60;script&#62;") || reply.body.contains("&lt;script&gt;"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_and_viewers_may_not_see_reports() {
    let app = TestApp::new().await;
    for role in [Role::Member, Role::Viewer] {
        let reply = page(&app, role, "").await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{role}");
    }
    let reply = page(&app, Role::Agent, "").await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_use_case_inventory_is_ranked_and_drawn_in_its_matrix() {
    use levier_store::knowledge::NewUseCase;
    let app = TestApp::new().await;
    let case = |name: &str, impact, feasibility, per_month| NewUseCase {
        name: name.into(),
        process: String::new(),
        pain: String::new(),
        frequency_per_month: per_month,
        minutes_per_occurrence: 6,
        people_involved: 3,
        data_available: String::new(),
        risk: "moyenne".into(),
        impact,
        feasibility,
    };
    for u in [
        case("Rapports <script>alert(1)</script>", 3, 4, 10),
        case("Assistant FAQ", 5, 5, 1390),
        case("Contrats", 5, 2, 30),
    ] {
        app.store.upsert_use_case(&u).await.expect("use case");
    }
    let who = Who::Session(app.login(Role::Champion).await);
    let reply = app.send(Req::get("/use-cases").auth(&who)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let body = &reply.body;
    let first = body.find("<td>Assistant FAQ</td>").expect("FAQ listed");
    let second = body
        .find("<td>Rapports &#60;script&#62;")
        .expect("escaped name listed");
    let third = body.find("<td>Contrats</td>").expect("contracts listed");
    assert!(
        first < second && second < third,
        "ranked by priority\n{body}"
    );
    assert!(
        body.contains("<td>139</td>"),
        "1390 × 6 min = 139 h\n{body}"
    );
    assert!(body.contains("Gain rapide : à lancer"), "{body}");
    assert!(body.contains("Projet : à planifier"), "{body}");
    assert_eq!(body.matches("<circle ").count(), 3);
    assert!(!body.contains("<script>alert"), "names are escaped");
    let member = Who::Session(app.login(Role::Member).await);
    let reply = app.send(Req::get("/use-cases").auth(&member)).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}
