//! The agents' inbox and FAQ API through the real router over a real SQLite store.

mod support;

use axum::http::StatusCode;
use levier_core::Role;
use levier_core::config::SupportConfig;
use support::desk::{WidgetClient, event_data, read_events, set_desk};
use support::{Req, TestApp, Who};

struct Desk {
    app: TestApp,
    widget: WidgetClient,
    agent: Who,
}

async fn desk() -> Desk {
    let mut app = TestApp::new().await;
    set_desk(&mut app, SupportConfig::default(), true);
    let widget = WidgetClient::site(&app, "Ergolis").await;
    let agent = Who::Session(app.login(Role::Agent).await);
    Desk { app, widget, agent }
}

impl Desk {
    /// A conversation handed off after `text`; returns (token, ticket id).
    async fn handed_off(&self, text: &str) -> (String, i64) {
        let token = self.widget.start(&self.app).await;
        let r = self.widget.say(&self.app, &token, text).await;
        assert_eq!(r.json()["status"], "waiting", "{}", r.body);
        let conversation = r.json()["message"]["id"].as_i64().expect("id");
        let message = self
            .app
            .store
            .message(levier_core::ids::MessageId(conversation))
            .await
            .expect("read")
            .expect("message");
        let ticket = self
            .app
            .store
            .ticket_for_conversation(message.conversation_id)
            .await
            .expect("read")
            .expect("ticket");
        (token, ticket.id.0)
    }

    async fn get(&self, path: &str) -> serde_json::Value {
        let r = self.app.send(Req::get(path).auth(&self.agent)).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        r.json()
    }

    async fn post(&self, path: impl Into<String>, body: serde_json::Value) -> support::Reply {
        let path = path.into();
        self.app
            .send(Req::post(&path).sent_by(&self.agent).json(&body))
            .await
    }
}

#[tokio::test]
async fn the_inbox_filters_by_status_assignee_reason_and_text() {
    let d = desk().await;
    let (_, first) = d.handed_off("ma facture est fausse").await;
    let (token, second) = d.handed_off("colis abîmé").await;
    d.app
        .send(
            d.widget
                .req("POST", "/handoff")
                .header("x-conversation-token", &token),
        )
        .await;
    let agent_id = d.app.user(Role::Agent).id.0;
    let r = d
        .post(
            &format!("/api/v1/tickets/{first}/assign"),
            serde_json::json!({ "user_id": agent_id }),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);

    let ids = |v: serde_json::Value| -> Vec<i64> {
        v.as_array()
            .expect("items")
            .iter()
            .map(|i| i["ticket"]["id"].as_i64().expect("id"))
            .collect()
    };
    let all = d.get("/api/v1/tickets").await;
    assert_eq!(ids(all.clone()).len(), 2);
    assert!(all[0]["due_at"].is_i64(), "{all}");
    assert_eq!(ids(d.get("/api/v1/tickets?assignee=me").await), [first]);
    assert_eq!(
        ids(d.get("/api/v1/tickets?assignee=unassigned").await),
        [second]
    );
    assert_eq!(ids(d.get("/api/v1/tickets?q=FACTURE").await), [first]);
    assert_eq!(
        ids(d.get("/api/v1/tickets?reason=unsure&status=open").await).len(),
        2
    );
    assert!(ids(d.get("/api/v1/tickets?status=resolved").await).is_empty());
    let r = d
        .app
        .send(Req::get("/api/v1/tickets?status=nope").auth(&d.agent))
        .await;
    assert_eq!(r.problem(StatusCode::BAD_REQUEST)["field"], "status");
    let r = d
        .post(
            &format!("/api/v1/tickets/{first}/assign"),
            serde_json::json!({ "user_id": 999_999 }),
        )
        .await;
    r.problem(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_ticket_shows_notes_and_decisions_and_a_reply_is_its_first_response() {
    let d = desk().await;
    let (token, ticket) = d.handed_off("ma facture est fausse").await;
    let path = format!("/api/v1/tickets/{ticket}");
    let r = d
        .post(
            &format!("{path}/notes"),
            serde_json::json!({ "text": "vérifier la compta" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert!(d.get(&path).await["ticket"]["first_response_at"].is_null());
    let r = d
        .post(
            &format!("{path}/reply"),
            serde_json::json!({ "text": "<b>Bonjour</b>", "client_key": "r1" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let again = d
        .post(
            &format!("{path}/reply"),
            serde_json::json!({ "text": "<b>Bonjour</b>", "client_key": "r1" }),
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::OK,
        "a retried reply is not written twice"
    );

    let detail = d.get(&path).await;
    assert!(detail["ticket"]["first_response_at"].is_i64(), "{detail}");
    assert_eq!(detail["conversation"]["status"], "open");
    let messages = detail["messages"].as_array().expect("messages");
    let kinds: Vec<(&str, bool)> = messages
        .iter()
        .map(|m| {
            (
                m["author_kind"].as_str().unwrap_or_default(),
                m["internal"] == true,
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("customer", false),
            ("bot", false),
            ("agent", true),
            ("agent", false)
        ]
    );
    let decision = &messages[1]["metadata"]["decision"];
    assert_eq!(decision["action"]["reason"], "unsure", "{decision}");
    assert_eq!(decision["candidates"][0]["probability"], 0.4_f32 as f64);

    let customer = d.widget.messages(&d.app, &token).await;
    let texts: Vec<&str> = customer["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["text"].as_str().unwrap_or_default())
        .collect();
    assert!(!texts.contains(&"vérifier la compta"), "{texts:?}");
    assert_eq!(texts.last(), Some(&"<b>Bonjour</b>"));

    let r = d
        .post(
            &format!("{path}/reply"),
            serde_json::json!({ "text": " \u{0} " }),
        )
        .await;
    assert_eq!(r.problem(StatusCode::BAD_REQUEST)["field"], "text");
}

#[tokio::test]
async fn resolve_and_reopen() {
    let d = desk().await;
    let (_, ticket) = d.handed_off("ma facture est fausse").await;
    let r = d
        .post(
            &format!("/api/v1/tickets/{ticket}/resolve"),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(r.json()["status"], "resolved", "{}", r.body);
    let r = d
        .post(
            &format!("/api/v1/tickets/{ticket}/reopen"),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(r.json()["status"], "open");
    assert_eq!(r.json()["reopen_count"], 1);
    let r = d
        .post("/api/v1/tickets/424242/resolve", serde_json::json!({}))
        .await;
    r.problem(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bot_answers_are_judged_right_or_wrong() {
    let d = desk().await;
    let token = d.widget.start(&d.app).await;
    let r = d.widget.say(&d.app, &token, "ma livraison ?").await;
    let (customer, bot) = (
        r.json()["message"]["id"].clone(),
        r.json()["replies"][0]["id"].clone(),
    );
    let judge = |id: &serde_json::Value, verdict: &str| {
        d.post(
            format!("/api/v1/messages/{id}/verdict"),
            serde_json::json!({ "verdict": verdict }),
        )
    };
    assert_eq!(judge(&bot, "wrong").await.status, StatusCode::NO_CONTENT);
    assert_eq!(judge(&bot, "right").await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        judge(&bot, "maybe").await.problem(StatusCode::BAD_REQUEST)["field"],
        "verdict"
    );
    judge(&customer, "right")
        .await
        .problem(StatusCode::BAD_REQUEST);
    let verdicts = d
        .app
        .store
        .bot_answer_verdicts(levier_core::ids::MessageId(bot.as_i64().expect("id")))
        .await
        .expect("verdicts");
    assert_eq!(verdicts.len(), 1);
}

#[tokio::test]
async fn the_faq_is_managed_and_fed_from_conversations() {
    let d = desk().await;
    let champion = Who::Session(d.app.login(Role::Champion).await);
    let r = d
        .app
        .send(
            Req::post("/api/v1/faq")
                .sent_by(&champion)
                .json(&serde_json::json!({
                    "question": "Quels sont les délais de livraison ?",
                    "answer": "48 heures en France métropolitaine.",
                    "category": "livraison",
                    "phrasings": ["délai de livraison"],
                })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let entry = r.json()["id"].as_i64().expect("id");
    let r = d
        .post(
            &format!("/api/v1/faq/{entry}/phrasings"),
            serde_json::json!({ "text": "quand arrive mon colis" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let phrasing = r.json()["id"].as_i64().expect("id");
    let r = d
        .app
        .send(
            Req::new("PATCH", &format!("/api/v1/faq/{entry}"))
                .sent_by(&d.agent)
                .json(&serde_json::json!({ "answer": "24 à 48 heures." })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let got = d.get(&format!("/api/v1/faq/{entry}")).await;
    assert_eq!(got["entry"]["answer"], "24 à 48 heures.");
    assert_eq!(
        got["entry"]["category"], "livraison",
        "absent fields are kept"
    );
    assert_eq!(got["phrasings"].as_array().map(Vec::len), Some(3), "{got}");
    let r = d
        .app
        .send(Req::new("DELETE", &format!("/api/v1/faq/phrasings/{phrasing}")).sent_by(&d.agent))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        d.get("/api/v1/faq?q=48").await.as_array().map(Vec::len),
        Some(1)
    );

    // An agent's reply becomes an entry; the customer's question a phrasing of another.
    let (_, ticket) = d.handed_off("Puis-je payer en trois fois ?").await;
    let r = d
        .post(
            &format!("/api/v1/tickets/{ticket}/reply"),
            serde_json::json!({ "text": "Oui, dès 100 € d'achat." }),
        )
        .await;
    let reply = r.json()["id"].as_i64().expect("id");
    let r = d
        .post(
            &format!("/api/v1/messages/{reply}/faq-entry"),
            serde_json::json!({ "category": "paiement" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let made = d.get(&format!("/api/v1/faq/{}", r.json()["id"])).await;
    assert_eq!(made["entry"]["question"], "Puis-je payer en trois fois ?");
    assert_eq!(made["entry"]["answer"], "Oui, dès 100 € d'achat.");
    let r = d
        .post(
            &format!("/api/v1/messages/{reply}/faq-phrasing"),
            serde_json::json!({ "entry_id": entry }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let got = d.get(&format!("/api/v1/faq/{entry}")).await;
    let bodies: Vec<&str> = got["phrasings"]
        .as_array()
        .expect("p")
        .iter()
        .map(|p| p["body"].as_str().unwrap_or_default())
        .collect();
    assert!(
        bodies.contains(&"Puis-je payer en trois fois ?"),
        "{bodies:?}"
    );

    let r = d
        .app
        .send(Req::new("DELETE", &format!("/api/v1/faq/{entry}")).sent_by(&d.agent))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = d
        .app
        .send(Req::get(&format!("/api/v1/faq/{entry}")).auth(&d.agent))
        .await;
    r.problem(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn support_routes_are_for_agents_and_admins_and_check_csrf() {
    let d = desk().await;
    let (_, ticket) = d.handed_off("ma facture est fausse").await;
    for role in [Role::Champion, Role::Member, Role::Viewer] {
        let who = Who::Session(d.app.login(role).await);
        let r = d.app.send(Req::get("/api/v1/tickets").auth(&who)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}");
    }
    let admin = Who::Session(d.app.login(Role::Admin).await);
    assert_eq!(
        d.app
            .send(Req::get("/api/v1/tickets").auth(&admin))
            .await
            .status,
        StatusCode::OK
    );
    let member = Who::Session(d.app.login(Role::Member).await);
    assert_eq!(
        d.app
            .send(Req::get("/api/v1/faq").auth(&member))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let no_csrf = Req::post(&format!("/api/v1/tickets/{ticket}/reply"))
        .auth(&d.agent)
        .json(&serde_json::json!({ "text": "bonjour" }));
    let r = d.app.send(no_csrf).await;
    assert_eq!(
        r.problem(StatusCode::FORBIDDEN)["title"],
        "CSRF token missing or wrong"
    );
}

#[tokio::test]
async fn agents_follow_a_ticket_and_the_whole_inbox_live() {
    let d = desk().await;
    let (token, ticket) = d.handed_off("ma facture est fausse").await;
    let open = |path: String| d.app.open(Req::get(&path).auth(&d.agent));
    let mut one = open(format!("/api/v1/tickets/{ticket}/stream"))
        .await
        .into_body()
        .into_data_stream();
    let mut all = open("/api/v1/inbox/stream".into())
        .await
        .into_body()
        .into_data_stream();
    d.post(
        &format!("/api/v1/tickets/{ticket}/notes"),
        serde_json::json!({ "text": "note interne" }),
    )
    .await;
    d.widget.say(&d.app, &token, "vous êtes là ?").await;
    for body in [&mut one, &mut all] {
        let mut seen = String::new();
        read_events(body, &mut seen, |s| s.contains("vous êtes là")).await;
        let events = event_data(&seen);
        assert_eq!(
            events[0]["body"], "note interne",
            "agents see notes: {seen}"
        );
        assert_eq!(events[1]["author_kind"], "customer");
    }
}

#[tokio::test]
async fn the_inbox_pages_list_show_escape_and_act() {
    let d = desk().await;
    let (token, ticket) = d.handed_off("<script>alert(1)</script> facture").await;
    let Who::Session(session) = &d.agent else {
        panic!("session")
    };
    let page = d.app.send(Req::get("/inbox").auth(&d.agent)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("Assistant pas assez sûr"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!("href=\"/inbox/{ticket}\"")));
    assert!(!page.body.contains("<script>alert"), "escaped");

    let form = |action: &str, text: &str| {
        Req::post(&format!("/inbox/{ticket}/{action}"))
            .auth(&d.agent)
            .form(&[("_csrf", session.csrf.as_str()), ("text", text)])
    };
    let r = d.app.send(form("note", "appeler la compta")).await;
    assert_eq!(
        r.location(),
        Some(format!("/inbox/{ticket}?done=noted").as_str())
    );
    let r = d.app.send(form("reply", "C'est corrigé.")).await;
    assert_eq!(
        r.location(),
        Some(format!("/inbox/{ticket}?done=replied").as_str())
    );
    let r = d.app.send(form("reply", "  ")).await;
    let refused = r.location().expect("redirect").to_string();
    let page = d.app.send(Req::get(&refused).auth(&d.agent)).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("Le message est vide ou trop long."));

    let page = d
        .app
        .send(Req::get(&format!("/inbox/{ticket}")).auth(&d.agent))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let escaped = "&#60;script&#62;alert(1)&#60;/script&#62; facture";
    assert!(page.body.contains(escaped), "{}", page.body);
    assert!(!page.body.contains("<script>alert"));
    assert!(page.body.contains("appeler la compta") && page.body.contains("note interne"));
    assert!(
        page.body.contains("test double"),
        "the assistant's reason is shown"
    );
    let customer = d.widget.messages(&d.app, &token).await.to_string();
    assert!(customer.contains("C'est corrigé.") && !customer.contains("appeler la compta"));

    let r = d.app.send(form("resolve", "")).await;
    assert_eq!(
        r.location(),
        Some(format!("/inbox/{ticket}?done=resolved").as_str())
    );
    let page = d
        .app
        .send(Req::get(&format!("/inbox/{ticket}?done=resolved")).auth(&d.agent))
        .await;
    assert!(page.body.contains("Demande résolue.") && page.body.contains("Rouvrir"));

    let no_csrf = Req::post(&format!("/inbox/{ticket}/reopen"))
        .auth(&d.agent)
        .form(&[]);
    assert_eq!(d.app.send(no_csrf).await.status, StatusCode::FORBIDDEN);
    let member = Who::Session(d.app.login(Role::Member).await);
    let page = d.app.send(Req::get("/inbox").auth(&member)).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

/// The CSRF token of a session caller's forms.
fn csrf(who: &Who) -> &str {
    match who {
        Who::Session(session) => &session.csrf,
        _ => panic!("a session"),
    }
}

/// A page form POST to `/inbox/{ticket}/{action}` by `who`.
fn page_form(who: &Who, ticket: i64, action: &str, fields: &[(&str, &str)]) -> Req {
    let mut all = vec![("_csrf", csrf(who))];
    all.extend_from_slice(fields);
    Req::post(&format!("/inbox/{ticket}/{action}"))
        .auth(who)
        .form(&all)
}

#[tokio::test]
async fn a_ticket_is_taken_or_assigned_from_its_page() {
    let d = desk().await;
    let (_, ticket) = d.handed_off("ma facture est fausse").await;
    let agent_id = d.app.user(Role::Agent).id;
    let admin_id = d.app.user(Role::Admin).id;
    let page = d
        .app
        .send(Req::get(&format!("/inbox/{ticket}")).auth(&d.agent))
        .await;
    assert!(page.body.contains("Je la prends"), "{}", page.body);
    assert!(
        page.body
            .contains(&format!("<option value=\"{admin_id}\">Test admin</option>")),
        "admins may be given tickets: {}",
        page.body
    );
    assert!(
        !page.body.contains("Test member"),
        "employees outside support are not offered"
    );

    let me = agent_id.0.to_string();
    let r = d
        .app
        .send(page_form(&d.agent, ticket, "assign", &[("user", &me)]))
        .await;
    assert_eq!(
        r.location(),
        Some(format!("/inbox/{ticket}?done=assigned").as_str())
    );
    let stored = d.app.store.ticket(levier_core::ids::TicketId(ticket)).await;
    assert_eq!(
        stored.expect("read").expect("ticket").assignee,
        Some(agent_id)
    );
    let page = d
        .app
        .send(Req::get(&format!("/inbox/{ticket}?done=assigned")).auth(&d.agent))
        .await;
    assert!(
        page.body.contains("Attribution enregistrée."),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<dd data-testid=\"assignee\">Test agent</dd>")
    );
    assert!(!page.body.contains("Je la prends"), "already mine");
    let list = d.app.send(Req::get("/inbox?who=me").auth(&d.agent)).await;
    assert!(list.body.contains(&format!("href=\"/inbox/{ticket}\"")));

    // Someone who may not work the inbox cannot be given it, nor assign.
    let member_id = d.app.user(Role::Member).id.0.to_string();
    let r = d
        .app
        .send(page_form(
            &d.agent,
            ticket,
            "assign",
            &[("user", &member_id)],
        ))
        .await;
    assert_eq!(r.problem(StatusCode::BAD_REQUEST)["field"], "user_id");
    let member = Who::Session(d.app.login(Role::Member).await);
    let r = d
        .app
        .send(page_form(
            &member,
            ticket,
            "assign",
            &[("user", &member_id)],
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let no_csrf = Req::post(&format!("/inbox/{ticket}/assign"))
        .auth(&d.agent)
        .form(&[("user", "")]);
    assert_eq!(d.app.send(no_csrf).await.status, StatusCode::FORBIDDEN);

    // An empty choice gives it back to nobody.
    let r = d
        .app
        .send(page_form(&d.agent, ticket, "assign", &[("user", "")]))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = d.app.store.ticket(levier_core::ids::TicketId(ticket)).await;
    assert_eq!(stored.expect("read").expect("ticket").assignee, None);
}

#[tokio::test]
async fn an_answer_is_judged_from_the_ticket_page_and_wrong_is_recorded() {
    let d = desk().await;
    let token = d.widget.start(&d.app).await;
    let r = d.widget.say(&d.app, &token, "ma livraison ?").await;
    let answer = r.json()["replies"][0]["id"].as_i64().expect("bot answer");
    let r = d.widget.say(&d.app, &token, "ma facture est fausse").await;
    let notice = r.json()["replies"][0]["id"]
        .as_i64()
        .expect("handoff notice");
    let conversation = d
        .app
        .store
        .message(levier_core::ids::MessageId(answer))
        .await
        .expect("read")
        .expect("message")
        .conversation_id;
    let ticket = d
        .app
        .store
        .ticket_for_conversation(conversation)
        .await
        .expect("read")
        .expect("ticket")
        .id
        .0;
    let page = d
        .app
        .send(Req::get(&format!("/inbox/{ticket}")).auth(&d.agent))
        .await;
    let forms: Vec<&str> = page
        .body
        .split("data-testid=\"verdict\"")
        .skip(1)
        .map(|f| f.split("</form>").next().unwrap_or_default())
        .collect();
    assert_eq!(forms.len(), 1, "one answer to judge: {}", page.body);
    assert!(forms[0].contains(&format!("name=\"message\" value=\"{answer}\"")));
    assert!(
        !forms[0].contains(&format!("value=\"{notice}\"")),
        "a handoff notice is not an answer to judge"
    );

    let id = answer.to_string();
    let r = d
        .app
        .send(page_form(
            &d.agent,
            ticket,
            "verdict",
            &[("message", &id), ("verdict", "wrong")],
        ))
        .await;
    assert_eq!(
        r.location(),
        Some(format!("/inbox/{ticket}?done=judged").as_str())
    );
    let events = d
        .app
        .store
        .events(&levier_store::events::EventQuery {
            kinds: vec!["bot_answer_marked_wrong".into()],
            ..Default::default()
        })
        .await
        .expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].payload["message_id"], answer);
    assert_eq!(events[0].actor, Some(d.app.user(Role::Agent).id));
    let page = d
        .app
        .send(Req::get(&format!("/inbox/{ticket}?done=judged")).auth(&d.agent))
        .await;
    assert!(page.body.contains("Avis enregistré."), "{}", page.body);
    assert!(page.body.contains("Fausse — Test agent"), "{}", page.body);
    assert!(
        page.body
            .contains("value=\"wrong\" class=\"secondary\" aria-pressed=\"true\"")
    );

    let r = d
        .app
        .send(page_form(
            &d.agent,
            ticket,
            "verdict",
            &[("message", &id), ("verdict", "maybe")],
        ))
        .await;
    assert_eq!(r.problem(StatusCode::BAD_REQUEST)["field"], "verdict");
}

#[tokio::test]
async fn the_inbox_is_paged_by_fifty_with_its_filters_and_shows_service_levels() {
    let d = desk().await;
    let site = d
        .app
        .store
        .create_site(&levier_store::support::NewSite {
            name: "Boutique".into(),
            allowed_origins: vec![],
            default_language: "fr".into(),
            pilot_scope: Default::default(),
        })
        .await
        .expect("site");
    for n in 0..60 {
        let started = d
            .app
            .store
            .start_conversation(&levier_store::support::NewConversation {
                site_id: site.id,
                contact_id: None,
                language: None,
            })
            .await
            .expect("conversation");
        // The first is late: its first response was due at the epoch.
        let late = (n == 0).then_some(levier_core::Timestamp(1_000));
        let handoff = levier_store::support::Handoff {
            conversation_id: started.conversation.id,
            reason: "unsure".into(),
            priority: levier_store::support::TicketPriority::Normal,
            category: String::new(),
            subject: format!("Demande {n:02}"),
            suggested_answers: serde_json::json!([]),
            first_response_due_at: late,
            resolution_due_at: None,
        };
        d.app.store.hand_off(&handoff, None).await.expect("ticket");
    }
    let rows = |body: &str| body.matches("<tr data-conversation=").count();
    let first = d
        .app
        .send(Req::get("/inbox?status=open").auth(&d.agent))
        .await;
    assert_eq!(rows(&first.body), 50);
    assert!(first.body.contains("Demande 00") && first.body.contains("Première réponse avant"));
    assert!(
        first.body.contains("<td class=\"error\">"),
        "overdue in red"
    );
    assert!(first.body.contains("En retard"));
    assert!(
        first
            .body
            .contains("href=\"/inbox?status=open&#38;page=2\" rel=\"next\""),
        "{}",
        first.body
    );
    assert!(!first.body.contains("rel=\"prev\""));

    let second = d
        .app
        .send(Req::get("/inbox?status=open&page=2").auth(&d.agent))
        .await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(rows(&second.body), 10);
    assert!(second.body.contains("Demande 59") && !second.body.contains("Demande 00"));
    assert!(
        second
            .body
            .contains("href=\"/inbox?status=open&#38;page=1\" rel=\"prev\"")
    );
    assert!(!second.body.contains("rel=\"next\""));
    assert!(
        second.body.contains("/assets/inbox.js?v="),
        "the live script"
    );

    let bad = d.app.send(Req::get("/inbox?page=abc").auth(&d.agent)).await;
    assert_eq!(rows(&bad.body), 50, "an unreadable page is the first");
    let mine = d.app.send(Req::get("/inbox?who=me").auth(&d.agent)).await;
    assert!(
        mine.body.contains("Aucune demande ici.") && !mine.body.contains("data-testid=\"pager\"")
    );
}

#[tokio::test]
async fn customer_html_is_escaped_on_the_ticket_page_and_the_live_script_is_served() {
    let d = desk().await;
    let (token, ticket) = d.handed_off("bonjour").await;
    let hostile = "\"><img src=x onerror=alert(1)> & <b>gras</b>";
    d.widget.say(&d.app, &token, hostile).await;
    let page = d
        .app
        .send(Req::get(&format!("/inbox/{ticket}")).auth(&d.agent))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.body.contains("<img src=x") && !page.body.contains("<b>gras"));
    assert!(
        page.body.contains(
            "&#34;&#62;&#60;img src=x onerror=alert(1)&#62; &#38; &#60;b&#62;gras&#60;/b&#62;"
        ),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("data-live=\"/api/v1/tickets/{ticket}/stream\""))
    );

    let script = d.app.get("/assets/inbox.js").await;
    assert_eq!(script.status, StatusCode::OK);
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(script.body.contains("textContent") && !script.body.contains("innerHTML ="));
}

#[tokio::test]
async fn a_customer_message_is_marked_outside_the_faq_from_the_page_or_the_api() {
    let d = desk().await;
    let (_, ticket) = d.handed_off("Vous louez des camionnettes ?").await;
    let page = d
        .app
        .send(Req::get(&format!("/inbox/{ticket}")).auth(&d.agent))
        .await;
    let form = page
        .body
        .split("data-testid=\"out-of-scope\"")
        .nth(1)
        .and_then(|f| f.split("</form>").next())
        .unwrap_or_else(|| panic!("a button on the customer's message: {}", page.body));
    let message = form
        .split("name=\"message\" value=\"")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .expect("the message id")
        .to_string();

    let r = d
        .app
        .send(page_form(
            &d.agent,
            ticket,
            "out-of-scope",
            &[("message", &message)],
        ))
        .await;
    assert_eq!(
        r.location(),
        Some(format!("/inbox/{ticket}?done=out_of_scope").as_str())
    );
    let examples = d.app.store.out_of_scope_examples().await.expect("examples");
    assert_eq!(examples, vec!["Vous louez des camionnettes ?".to_string()]);

    let again = d
        .post(
            format!("/api/v1/messages/{message}/out-of-scope"),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::OK,
        "already an example: {}",
        again.body
    );
    let bot = d
        .post(
            "/api/v1/messages/999999/out-of-scope",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(bot.status, StatusCode::NOT_FOUND, "{}", bot.body);
}

/// A reply sent from the ticket page records the time spent on it since the page was made
/// (the handling-time KPI), an hour at most; a reply without it records nothing.
#[tokio::test]
async fn a_reply_from_the_page_records_the_time_spent_on_it() {
    let d = desk().await;
    let (_, ticket) = d.handed_off("ma commande n'arrive pas").await;
    let page = d
        .app
        .send(Req::get(&format!("/inbox/{ticket}")).auth(&d.agent))
        .await;
    assert!(
        page.body.contains(r#"name="opened_at" value=""#),
        "{}",
        page.body
    );
    let now = levier_core::Timestamp::now().millis();
    let five_minutes_ago = (now - 300_000).to_string();
    let three_hours_ago = (now - 3 * 3_600_000).to_string();
    for opened in [five_minutes_ago.as_str(), three_hours_ago.as_str()] {
        let fields = [("text", "Nous regardons."), ("opened_at", opened)];
        let r = d
            .app
            .send(page_form(&d.agent, ticket, "reply", &fields))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let r = d
        .app
        .send(page_form(
            &d.agent,
            ticket,
            "reply",
            &[("text", "Sans compteur.")],
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let spent = handling_times(&d.app).await;
    assert_eq!(spent.len(), 2, "one per reply sent with its page's time");
    assert!((300_000..310_000).contains(&spent[0]), "{spent:?}");
    assert_eq!(spent[1], 3_600_000, "an hour at most");
}

/// A reply sent through the API records the handling time its client measured, once per
/// reply (a retried request with the same key records nothing more), an hour at most.
#[tokio::test]
async fn a_reply_through_the_api_records_the_time_its_client_measured() {
    let d = desk().await;
    let (_, ticket) = d.handed_off("ma commande n'arrive pas").await;
    let path = format!("/api/v1/tickets/{ticket}/reply");
    for (key, ms) in [("a", 240_000), ("a", 240_000), ("b", 5 * 3_600_000)] {
        let r = d
            .post(
                &path,
                serde_json::json!({ "text": format!("Réponse {key}"), "client_key": key, "handling_ms": ms }),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.body);
    }
    let r = d
        .post(&path, serde_json::json!({ "text": "Sans mesure." }))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let spent = handling_times(&d.app).await;
    assert_eq!(spent, vec![240_000, 3_600_000]);
}

/// The handling times recorded, in order.
async fn handling_times(app: &TestApp) -> Vec<i64> {
    let events = app
        .store
        .events(&levier_store::events::EventQuery {
            kinds: vec!["agent_handled".into()],
            ..Default::default()
        })
        .await
        .expect("events");
    events
        .iter()
        .filter_map(|e| match e.kind() {
            Some(levier_core::EventKind::AgentHandled { ms, .. }) => Some(ms),
            _ => None,
        })
        .collect()
}
