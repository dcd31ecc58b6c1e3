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
            r#"<tr data-figure="conversations"><td><a href="/reports/drill?figure=conversations&amp;period=2026-10&amp;channel=all">Conversations</a></td><td class="value">2</td>"#
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
    assert!(
        body.contains(r#"data-testid="breakdown-chart""#) && body.contains("1 (100 %)"),
        "the handoffs by reason\n{body}"
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
            .contains(r#">Conversations</a></td><td class="value">3</td>"#),
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn figures_are_read_per_channel() {
    let app = TestApp::new().await;
    october(&app).await;
    // A third conversation, from a website's chat.
    app.store
        .append_event(&Event {
            at: at("2026-10-08T10:00:00Z"),
            actor: None,
            kind: EventKind::MessageReceived {
                conversation_id: ConversationId(9),
                site_id: Some(levier_core::ids::SiteId(1)),
            },
        })
        .await
        .expect("event");
    let conversations = |body: &str| {
        let row = body
            .split(r#"<tr data-figure="conversations">"#)
            .nth(1)
            .expect("the conversations row");
        let value = row
            .split(r#"<td class="value">"#)
            .nth(1)
            .expect("its value");
        value.split('<').next().expect("a number").to_string()
    };
    let all = page(&app, Role::Agent, "?period=2026-10").await;
    assert_eq!(conversations(&all.body), "3");
    let widget = page(&app, Role::Agent, "?period=2026-10&channel=widget").await;
    assert_eq!(conversations(&widget.body), "1", "{}", widget.body);
    assert!(widget.body.contains(r#"<option value="widget" selected>"#));
    let email = page(&app, Role::Agent, "?period=2026-10&channel=email").await;
    assert_eq!(conversations(&email.body), "2");
    let who = Who::Session(app.login(Role::Agent).await);
    let drill = app
        .send(
            Req::get("/reports/drill?figure=conversations&period=2026-10&channel=widget")
                .auth(&who),
        )
        .await;
    assert!(
        drill.body.contains("1 lignes · 1 comptées"),
        "{}",
        drill.body
    );
    let bad = app
        .send(Req::get("/reports/drill?figure=conversations&period=2026-10&channel=fax").auth(&who))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_figure_drills_down_to_its_conversations_and_exports_them() {
    let app = TestApp::new().await;
    october(&app).await;
    let who = Who::Session(app.login(Role::Agent).await);
    let reply = app
        .send(Req::get("/reports/drill?figure=handoff&period=2026-10").auth(&who))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(
        reply.body.contains("2 lignes · 1 comptées"),
        "{}",
        reply.body
    );
    assert!(
        reply.body.contains(r#"<a href="/inbox/1">#1</a>"#),
        "the handed-off conversation links to its ticket\n{}",
        reply.body
    );
    assert!(
        reply.body.contains("A demandé un conseiller") || reply.body.contains("customer_asked")
    );
    let csv = app
        .send(Req::get("/reports/drill.csv?figure=handoff&period=2026-10").auth(&who))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines[0], "at,conversation_id,ticket_id,counted,detail");
    assert_eq!(lines[1], "2026-10-05 10:00,1,,false,");
    assert_eq!(lines[2], "2026-10-06 11:00,2,1,true,customer_asked");
    let unknown = app
        .send(Req::get("/reports/drill?figure=%3Cb%3E&period=2026-10").auth(&who))
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        unknown.headers["content-type"], "application/problem+json",
        "an error a browser does not read as a page"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_period_is_compared_and_valued_with_the_company_s_assumptions() {
    let app = TestApp::new().await;
    october(&app).await;
    let reply = page(&app, Role::Champion, "?period=2026-10&compare=2026-09").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(
        reply.body.contains(r#"<th>2026-09</th>"#),
        "the compared period's column\n{}",
        reply.body
    );
    // One conversation settled alone × 6 min = 0.1 h.
    assert!(
        reply.body.contains(
            r#"<tr data-figure="hours_saved"><td>Temps gagné</td><td class="value">0.1 h</td>"#
        ),
        "{}",
        reply.body
    );
    let who = Who::Session(app.login(Role::Admin).await);
    let inputs = |minutes: &'static str| {
        [
            ("minutes_per_self_served_conversation", minutes),
            ("minutes_per_answered_question", "4"),
            ("minutes_per_routed_mail", "2"),
            ("minutes_per_qualified_lead", "5"),
            ("hourly_cost_eur", "35"),
            ("monthly_running_cost_eur", "0"),
            ("employees", "10"),
            ("period", "2026-10"),
        ]
    };
    let post = |minutes, who: &Who| {
        Req::post("/reports/value")
            .sent_by(who)
            .form(&inputs(minutes))
    };
    let saved = app.send(post("60", &who)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let reply = page(&app, Role::Admin, "?period=2026-10").await;
    assert!(
        reply.body.contains(
            r#"<tr data-figure="hours_saved"><td>Temps gagné</td><td class="value">1.0 h</td>"#
        ),
        "{}",
        reply.body
    );
    let refused = app.send(post("-5", &who)).await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    let reply = page(&app, Role::Admin, "?period=2026-10&error=value-inputs").await;
    assert!(reply.body.contains("Hypothèses refusées"), "{}", reply.body);
    let reply = page(&app, Role::Admin, "?period=2026-10&error=%3Cb%3Ehello").await;
    assert!(
        !reply.body.contains("hello"),
        "a link cannot put its own words on the page"
    );
    let agent = Who::Session(app.login(Role::Agent).await);
    let refused = app.send(post("60", &agent)).await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "agents read the value, they do not set it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_champion_reads_the_feedback_of_their_team_and_the_wrong_answers() {
    use levier_store::answer_ratings::AnswerRating;
    use levier_store::directory::NewUser;
    let app = TestApp::new().await;
    let person = |email: &str, role, team: &str| NewUser {
        email: email.into(),
        display_name: email.split('@').next().unwrap().into(),
        role,
        password_hash: Some(levier_core::password::hash_password(support::PASSWORD).unwrap()),
        team: Some(team.into()),
        groups: vec![],
    };
    let champion = person("referente@ergolis.fr", Role::Champion, "RH");
    app.store.create_user(&champion, None).await.unwrap();
    for (email, team, question) in [
        ("rh@ergolis.fr", "RH", "Combien de jours de congés <b>?"),
        ("compta@ergolis.fr", "Comptabilité", "Délai de paiement ?"),
    ] {
        let id = app
            .store
            .create_user(&person(email, Role::Member, team), None)
            .await
            .unwrap();
        let rating = AnswerRating {
            user_id: Some(id),
            question: question.into(),
            document_id: None,
            useful: false,
            comment: "réponse périmée".into(),
            at: Timestamp::now(),
        };
        app.store.rate_answer(&rating).await.unwrap();
    }
    let who = Who::Session(app.login_email("referente@ergolis.fr").await);
    let reply = app.send(Req::get("/feedback").auth(&who)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.contains("Équipes : RH"), "{}", reply.body);
    assert!(
        reply
            .body
            .contains("Combien de jours de congés &#60;b&#62;?"),
        "their team's rating, escaped\n{}",
        reply.body
    );
    assert!(
        !reply.body.contains("Délai de paiement"),
        "not another team's"
    );
    let admin = Who::Session(app.login(Role::Admin).await);
    let reply = app.send(Req::get("/feedback").auth(&admin)).await;
    assert!(reply.body.contains("Toutes les équipes"), "{}", reply.body);
    assert!(
        reply.body.contains("Délai de paiement"),
        "administrators read everyone's"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_downloads_as_the_cli_writes_it() {
    let app = TestApp::new().await;
    october(&app).await;
    let who = Who::Session(app.login(Role::Agent).await);
    let csv = app
        .send(Req::get("/reports/export?period=2026-10&format=csv").auth(&who))
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert_eq!(
        csv.headers["content-disposition"],
        "attachment; filename=\"levier-2026-10.csv\""
    );
    assert!(
        csv.body
            .starts_with("period,id,label,value,part,whole,median_ms,p90_ms\n2026-10,conversations,Conversations,2,"),
        "{}",
        csv.body
    );
    let md = app
        .send(Req::get("/reports/export?period=2026-10&format=md").auth(&who))
        .await;
    assert!(
        md.body.starts_with("# Indicateurs\n\nPériode : 2026-10"),
        "{}",
        md.body
    );
    for bad in [
        "format=docx",
        "format=csv&pilot=99",
        "format=csv&period=2026-13",
    ] {
        let reply = app
            .send(Req::get(&format!("/reports/export?{bad}")).auth(&who))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{bad}: {}",
            reply.body
        );
    }
}

/// October under a manual clock: a billing ticket assigned to an agent of the "compta" team,
/// a conversation the assistant settled with a delivery FAQ entry, one left alone, and the
/// internal questions of a "compta" employee and of someone else.
async fn october_by_team_and_category(app: &TestApp) {
    use levier_store::directory::NewUser;
    use levier_store::faq::NewFaqEntry;
    use levier_store::support::{
        Author, Handoff, NewConversation, NewMessage, NewSite, TicketPriority,
    };
    let store = app
        .store
        .with_clock(&levier_store::ManualClock::new(at("2026-10-05T08:00:00Z")));
    let member = |email: &str, team: Option<&str>| NewUser {
        email: email.into(),
        display_name: email.into(),
        role: Role::Agent,
        password_hash: None,
        team: team.map(str::to_owned),
        groups: vec![],
    };
    let accountant = store
        .create_user(&member("compta@ergolis.fr", Some("compta")), None)
        .await
        .expect("user");
    let other = store
        .create_user(&member("vente@ergolis.fr", Some("vente")), None)
        .await
        .expect("user");
    let entry = store
        .create_faq_entry(&NewFaqEntry {
            question: "Quand vais-je recevoir ma commande ?".into(),
            answer: "Sous 48 h.".into(),
            category: "livraison".into(),
            language: "fr".into(),
            public: true,
            phrasings: vec![],
        })
        .await
        .expect("faq");
    let site = store
        .create_site(&NewSite {
            name: "Boutique".into(),
            allowed_origins: vec!["https://boutique.example.fr".into()],
            default_language: "fr".into(),
            pilot_scope: Default::default(),
        })
        .await
        .expect("site");
    let mut conversations = Vec::new();
    for text in ["Ma facture est fausse", "Où est mon colis ?", "Bonjour"] {
        let c = store
            .start_conversation(&NewConversation {
                site_id: site.id,
                contact_id: None,
                language: None,
            })
            .await
            .expect("conversation")
            .conversation
            .id;
        store
            .append_message(&NewMessage {
                conversation_id: c,
                author: Author::Customer,
                body: text.into(),
                internal: false,
                client_key: None,
                metadata: serde_json::json!({}),
            })
            .await
            .expect("message");
        conversations.push(c);
    }
    let ticket = store
        .hand_off(
            &Handoff {
                conversation_id: conversations[0],
                reason: "customer_asked".into(),
                priority: TicketPriority::Normal,
                category: "facturation".into(),
                subject: String::new(),
                suggested_answers: serde_json::json!([]),
                first_response_due_at: None,
                resolution_due_at: None,
            },
            None,
        )
        .await
        .expect("ticket");
    store
        .assign_ticket(ticket.id, Some(accountant))
        .await
        .expect("assign");
    let event = |kind| Event {
        at: at("2026-10-05T08:01:00Z"),
        actor: None,
        kind,
    };
    store
        .append_events(&[
            event(EventKind::BotAnswered {
                conversation_id: conversations[1],
                message_id: MessageId(99),
                confidence: 0.95,
                source: Some(format!("faq:{}", entry.0)),
            }),
            event(EventKind::QuestionAsked {
                user_id: accountant,
                answered: true,
            }),
            event(EventKind::QuestionAsked {
                user_id: other,
                answered: true,
            }),
        ])
        .await
        .expect("events");
}

/// The figures of one team or one category: its tickets, the conversations the assistant
/// settled from its FAQ entries, its employees' questions; the drill-down links keep them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_figures_of_one_team_or_one_category() {
    let app = TestApp::new().await;
    october_by_team_and_category(&app).await;
    let conversations = |body: &str| {
        let cell = body
            .split(r#"<tr data-figure="conversations">"#)
            .nth(1)
            .and_then(|row| row.split(r#"<td class="value">"#).nth(1))
            .and_then(|v| v.split('<').next())
            .map(str::to_owned);
        cell.unwrap_or_else(|| panic!("no conversations figure\n{body}"))
    };
    let questions = |body: &str| {
        body.split(r#"<tr data-figure="questions">"#)
            .nth(1)
            .and_then(|row| row.split(r#"<td class="value">"#).nth(1))
            .and_then(|v| v.split('<').next())
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("no questions figure\n{body}"))
    };
    let all = page(&app, Role::Champion, "?period=2026-10").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert_eq!(conversations(&all.body), "3");
    assert_eq!(questions(&all.body), "2");
    assert!(
        all.body
            .contains(r#"<option value="compta">compta</option>"#)
    );
    assert!(
        all.body
            .contains(r#"<option value="facturation">facturation</option>"#)
    );

    let billing = page(&app, Role::Champion, "?period=2026-10&category=facturation").await;
    assert_eq!(conversations(&billing.body), "1", "the billing ticket's");
    assert!(
        billing
            .body
            .contains("/reports/drill?figure=conversations&amp;period=2026-10&amp;channel=all&#38;category=facturation"),
        "{}",
        billing.body
    );
    let delivery = page(&app, Role::Champion, "?period=2026-10&category=livraison").await;
    assert_eq!(
        conversations(&delivery.body),
        "1",
        "settled from a delivery entry"
    );

    let team = page(&app, Role::Champion, "?period=2026-10&team=compta").await;
    assert_eq!(conversations(&team.body), "1", "its member's ticket");
    assert_eq!(questions(&team.body), "1", "its member's question");
    assert!(team.body.contains(r#"<option value="compta" selected>"#));

    let drill = app
        .send(
            Req::get("/reports/drill?figure=conversations&period=2026-10&team=compta")
                .auth(&Who::Session(app.login(Role::Champion).await)),
        )
        .await;
    assert_eq!(drill.status, StatusCode::OK, "{}", drill.body);
    assert!(drill.body.contains("1 "), "{}", drill.body);
}
