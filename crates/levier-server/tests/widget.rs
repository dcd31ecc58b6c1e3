//! The public widget's API through the real router over a real SQLite store: site key and
//! origin checks, CORS, limits, idempotency, event streams, handoffs and ratings.

mod support;

use axum::http::StatusCode;
use levier_core::Role;
use levier_core::config::SupportConfig;
use support::desk::{ORIGIN, WidgetClient, event_data, read_events, set_desk};
use support::{Req, TestApp, Who, remote_n};

async fn app() -> TestApp {
    let mut app = TestApp::new().await;
    set_desk(&mut app, SupportConfig::default(), true);
    app
}

/// The ticket of the only conversation, as the inbox lists it.
async fn only_ticket(app: &TestApp) -> serde_json::Value {
    let admin = Who::Session(app.login(Role::Agent).await);
    let r = app.send(Req::get("/api/v1/tickets").auth(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let items = r.json();
    assert_eq!(items.as_array().map(Vec::len), Some(1), "{items}");
    items[0].clone()
}

#[tokio::test]
async fn unknown_keys_and_foreign_origins_are_refused_and_cors_is_for_allowed_origins_only() {
    let app = app().await;
    let widget = WidgetClient::site(&app, "Ergolis").await;
    let start = |w: &WidgetClient| w.req("POST", "/conversations").json(&serde_json::json!({}));

    let ok = app.send(start(&widget)).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    assert_eq!(ok.header("access-control-allow-origin"), Some(ORIGIN));

    let foreign = WidgetClient {
        key: widget.key.clone(),
        origin: "https://evil.example".into(),
    };
    let r = app.send(start(&foreign)).await;
    assert_eq!(r.problem(StatusCode::FORBIDDEN)["title"], "Widget refused");
    assert_eq!(r.header("access-control-allow-origin"), None);

    let no_origin = Req::post(&format!("/api/v1/widget/{}/conversations", widget.key))
        .json(&serde_json::json!({}));
    assert_eq!(app.send(no_origin).await.status, StatusCode::FORBIDDEN);

    let unknown = WidgetClient {
        key: "not-a-key".into(),
        origin: ORIGIN.into(),
    };
    assert_eq!(
        app.send(start(&unknown)).await.status,
        StatusCode::FORBIDDEN
    );

    let site = app
        .store
        .site_by_key(&widget.key)
        .await
        .expect("read")
        .expect("site");
    app.store.disable_site(site.id).await.expect("disable");
    assert_eq!(app.send(start(&widget)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_preflight_is_answered_for_allowed_origins_only() {
    let app = app().await;
    let widget = WidgetClient::site(&app, "Ergolis").await;
    let preflight = |w: &WidgetClient| {
        w.req("OPTIONS", "/messages")
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type, x-conversation-token",
            )
    };
    let r = app.send(preflight(&widget)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(r.header("access-control-allow-origin"), Some(ORIGIN));
    let allowed = r.header("access-control-allow-headers").unwrap_or_default();
    assert!(allowed.contains("x-conversation-token"), "{allowed}");

    let foreign = WidgetClient {
        key: widget.key.clone(),
        origin: "https://evil.example".into(),
    };
    let r = app.send(preflight(&foreign)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn oversized_empty_and_control_characters() {
    let app = app().await;
    let widget = WidgetClient::site(&app, "Ergolis").await;
    let token = widget.start(&app).await;

    let r = widget.say(&app, &token, &"é".repeat(2001)).await;
    let problem = r.problem(StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(problem["field"], "text");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("4000"),
        "{problem}"
    );

    for empty in ["", "   \n\t ", "\u{7}\u{0}"] {
        let r = widget.say(&app, &token, empty).await;
        assert_eq!(
            r.problem(StatusCode::BAD_REQUEST)["field"],
            "text",
            "{empty:?}"
        );
    }

    let r = widget
        .say(
            &app,
            &token,
            "ma livraison\u{0} est\r\n en\u{1b} retard\tsvp",
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        r.json()["message"]["text"],
        "ma livraison est\n en retard\tsvp"
    );
}

#[tokio::test]
async fn a_flood_gets_429_with_retry_after() {
    let mut app = TestApp::new().await;
    let config = SupportConfig {
        messages_per_minute_per_conversation: 3,
        requests_per_minute_per_ip: 8,
        ..SupportConfig::default()
    };
    set_desk(&mut app, config, true);
    let widget = WidgetClient::site(&app, "Ergolis").await;
    let token = widget.start(&app).await;
    for i in 0..3 {
        let r = widget.say(&app, &token, &format!("livraison {i}")).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let r = widget.say(&app, &token, "livraison encore").await;
    r.problem(StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((1..=21).contains(&wait), "{wait}");
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some(ORIGIN),
        "the page can read it"
    );

    // Per address: 8 requests a minute, 5 already spent; another address is not limited.
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(widget.messages_status(&app, &token).await);
    }
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let elsewhere = widget
        .req("GET", "/messages")
        .from(remote_n(9))
        .header("x-conversation-token", &token);
    assert_eq!(app.send(elsewhere).await.status, StatusCode::OK);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_visitor_has_their_own_limit() {
    let mut app = TestApp::new().await;
    let config = SupportConfig {
        requests_per_minute_per_ip: 3,
        ..SupportConfig::default()
    };
    set_desk(&mut app, config, true);
    let proxy = remote_n(1);
    app.state.settings.trusted_proxies = vec![proxy.ip()];
    let widget = WidgetClient::site(&app, "Ergolis").await;
    let start = |visitor: &str| {
        widget
            .req("POST", "/conversations")
            .from(proxy)
            .header("x-forwarded-for", visitor)
            .json(&serde_json::json!({}))
    };
    for _ in 0..3 {
        assert_eq!(
            app.send(start("192.0.2.10")).await.status,
            StatusCode::CREATED
        );
    }
    app.send(start("192.0.2.10"))
        .await
        .problem(StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        app.send(start("192.0.2.11")).await.status,
        StatusCode::CREATED,
        "another visitor behind the same proxy is not limited"
    );
    // A visitor who is not the proxy cannot pick the address counted against them.
    let spoofing = |i: u8| {
        widget
            .req("POST", "/conversations")
            .from(remote_n(2))
            .header("x-forwarded-for", &format!("192.0.2.{}", 100 + i))
            .json(&serde_json::json!({}))
    };
    let mut statuses = Vec::new();
    for i in 0..4 {
        statuses.push(app.send(spoofing(i)).await.status);
    }
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
}

trait StatusOnly {
    async fn messages_status(&self, app: &TestApp, token: &str) -> StatusCode;
}

impl StatusOnly for WidgetClient {
    async fn messages_status(&self, app: &TestApp, token: &str) -> StatusCode {
        let req = self
            .req("GET", "/messages")
            .header("x-conversation-token", token);
        app.send(req).await.status
    }
}

#[tokio::test]
async fn a_token_of_another_site_finds_nothing() {
    let app = app().await;
    let ergolis = WidgetClient::site(&app, "Ergolis").await;
    let other = WidgetClient::site(&app, "Autre").await;
    let token = ergolis.start(&app).await;
    let r = other.say(&app, &token, "livraison").await;
    r.problem(StatusCode::NOT_FOUND);
    let r = app
        .send(
            other
                .req("GET", "/messages")
                .header("x-conversation-token", &token),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.send(ergolis.req("GET", "/messages")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "no token at all");
}

#[tokio::test]
async fn a_retried_message_with_its_client_key_is_written_once() {
    let app = app().await;
    let widget = WidgetClient::site(&app, "Ergolis").await;
    let token = widget.start(&app).await;
    let send = || {
        widget
            .req("POST", "/messages")
            .header("x-conversation-token", &token)
            .json(&serde_json::json!({ "text": "ma livraison ?", "client_key": "k-1" }))
    };
    let first = app.send(send()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let again = app.send(send()).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(first.json()["message"]["id"], again.json()["message"]["id"]);
    let messages = widget.messages(&app, &token).await;
    let authors: Vec<&str> = messages["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["author"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(authors, ["customer", "bot"], "one message, one answer");

    let squatting = widget
        .req("POST", "/messages")
        .header("x-conversation-token", &token)
        .json(&serde_json::json!({ "text": "bonjour", "client_key": "reply-to:999" }));
    let r = app.send(squatting).await;
    assert_eq!(r.problem(StatusCode::BAD_REQUEST)["field"], "client_key");
}

#[tokio::test]
async fn html_is_stored_and_returned_as_text() {
    let app = app().await;
    let widget = WidgetClient::site(&app, "Ergolis").await;
    let token = widget.start(&app).await;
    let html = "<script>alert('x')</script><b>livraison</b> & co";
    let r = widget.say(&app, &token, html).await;
    assert_eq!(r.json()["message"]["text"], html);
    let messages = widget.messages(&app, &token).await;
    assert_eq!(messages["messages"][0]["text"], html);
}

#[tokio::test]
async fn the_assistant_answers_with_its_source_and_keeps_the_conversation() {
    let app = app().await;
    let widget = WidgetClient::site(&app, "Ergolis").await;
    let token = widget.start(&app).await;
    let r = widget.say(&app, &token, "où en est ma livraison ?").await;
    let v = r.json();
    assert_eq!(v["status"], "bot");
    assert_eq!(v["replies"][0]["author"], "bot");
    assert_eq!(v["replies"][0]["text"], "Réponse 1.");
    assert_eq!(v["replies"][0]["source"]["title"], "Question 1 ?");
    assert!(
        v["replies"][0].get("decision").is_none(),
        "no scores for customers: {v}"
    );
    let tickets = app.store.inbox(&Default::default()).await.expect("inbox");
    assert!(tickets.is_empty());
}

#[tokio::test]
async fn an_unsure_answer_hands_off_with_reason_suggestions_and_service_levels() {
    let app = app().await;
    let widget = WidgetClient::site(&app, "Ergolis").await;
    let token = widget.start(&app).await;
    let r = widget.say(&app, &token, "ma facture est fausse").await;
    assert_eq!(r.json()["status"], "waiting", "{}", r.body);
    let item = only_ticket(&app).await;
    let ticket = &item["ticket"];
    assert_eq!(ticket["handoff_reason"], "unsure");
    assert_eq!(ticket["suggested_answers"][0]["entry_id"], 2);
    assert!(ticket["first_response_due_at"].as_i64() < ticket["resolution_due_at"].as_i64());
    assert!(item["due_at"].is_i64());
    assert_eq!(item["subject"], "ma facture est fausse");

    // The assistant no longer answers: a person holds the conversation.
    let r = widget.say(&app, &token, "ma livraison aussi").await;
    assert_eq!(r.json()["replies"], serde_json::json!([]), "{}", r.body);
}

#[tokio::test]
async fn without_an_assistant_or_when_it_fails_a_person_is_called_honestly() {
    let mut app = TestApp::new().await;
    set_desk(&mut app, SupportConfig::default(), false);
    let widget = WidgetClient::site(&app, "Ergolis").await;
    let token = widget.start(&app).await;
    let r = widget.say(&app, &token, "ma livraison ?").await;
    let v = r.json();
    assert_eq!(v["status"], "waiting");
    let notice = v["replies"][0]["text"].as_str().unwrap_or_default();
    assert!(notice.contains("conseiller"), "{notice}");
    let item = only_ticket(&app).await;
    assert_eq!(item["ticket"]["handoff_reason"], "unsure");

    let app = self::app().await;
    let widget = WidgetClient::site(&app, "Ergolis").await;
    let token = widget.start(&app).await;
    let r = widget.say(&app, &token, "panne").await;
    assert_eq!(r.json()["status"], "waiting", "{}", r.body);
}

#[tokio::test]
async fn the_person_button_hands_off_as_a_human_request_once() {
    let app = app().await;
    let widget = WidgetClient::site(&app, "Ergolis").await;
    let token = widget.start(&app).await;
    widget.say(&app, &token, "ma livraison ?").await;
    let ask = || {
        widget
            .req("POST", "/handoff")
            .header("x-conversation-token", &token)
    };
    let r = app.send(ask()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "waiting");
    assert_eq!(r.json()["messages"].as_array().map(Vec::len), Some(1));
    let r = app.send(ask()).await;
    assert_eq!(
        r.json()["messages"],
        serde_json::json!([]),
        "no second notice"
    );
    let item = only_ticket(&app).await;
    assert_eq!(item["ticket"]["handoff_reason"], "human_request");
}

/// Hands the conversation off; returns the ticket id and an agent.
async fn handed_off(app: &TestApp, widget: &WidgetClient, token: &str) -> (i64, Who) {
    widget.say(app, token, "ma facture est fausse").await;
    let id = only_ticket(app).await["ticket"]["id"]
        .as_i64()
        .expect("ticket id");
    (id, Who::Session(app.login(Role::Agent).await))
}

#[tokio::test]
async fn the_widget_stream_delivers_agent_replies_never_notes_and_catches_up() {
    let app = app().await;
    let widget = WidgetClient::site(&app, "Ergolis").await;
    let token = widget.start(&app).await;
    let (ticket, agent) = handed_off(&app, &widget, &token).await;
    let stream = |last: Option<String>| {
        let req = widget.req("GET", &format!("/stream?token={token}"));
        match last {
            Some(id) => req.header("last-event-id", &id),
            None => req,
        }
    };
    let response = app.open(stream(None)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body().into_data_stream();
    let mut seen = String::new();
    read_events(&mut body, &mut seen, |s| event_data(s).len() == 2).await;

    let post = |path: &str, text: &str| {
        Req::post(&format!("/api/v1/tickets/{ticket}/{path}"))
            .sent_by(&agent)
            .json(&serde_json::json!({ "text": text }))
    };
    assert_eq!(
        app.send(post("notes", "client difficile")).await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        app.send(post("reply", "Bonjour, je regarde.")).await.status,
        StatusCode::CREATED
    );
    read_events(&mut body, &mut seen, |s| s.contains("je regarde")).await;
    let events = event_data(&seen);
    assert_eq!(events.len(), 3, "{seen}");
    assert_eq!(events[2]["author"], "agent");
    assert!(!seen.contains("client difficile"), "{seen}");
    // A person answering is announced after the reply.
    read_events(&mut body, &mut seen, |s| s.contains("\"status\":\"open\"")).await;

    // Resolving is announced, so the widget can offer the rating.
    let resolve = Req::post(&format!("/api/v1/tickets/{ticket}/resolve")).sent_by(&agent);
    assert_eq!(app.send(resolve).await.status, StatusCode::OK);
    read_events(&mut body, &mut seen, |s| {
        s.contains("\"status\":\"resolved\"")
    })
    .await;
    drop(body);

    // Reconnecting after the second event replays the reply only.
    let last = events[1]["id"].to_string();
    let response = app.open(stream(Some(last))).await;
    let mut body = response.into_body().into_data_stream();
    let mut seen = String::new();
    read_events(&mut body, &mut seen, |s| s.contains("je regarde")).await;
    let events = event_data(&seen);
    assert_eq!(events.len(), 1, "{seen}");
    assert!(!seen.contains("client difficile"));
}

#[tokio::test]
async fn the_customer_says_whether_an_answer_helped_and_may_change_their_mind() {
    let app = app().await;
    let widget = WidgetClient::site(&app, "Ergolis").await;
    let token = widget.start(&app).await;
    let v = widget
        .say(&app, &token, "où en est ma livraison ?")
        .await
        .json();
    let customer = v["message"]["id"].as_i64().expect("customer message id");
    let answer = v["replies"][0]["id"].as_i64().expect("answer id");
    let helpful = |message: i64, helpful: bool, token: &str| {
        widget
            .req("POST", "/helpful")
            .header("x-conversation-token", token)
            .json(&serde_json::json!({ "message_id": message, "helpful": helpful }))
    };
    assert_eq!(
        app.send(helpful(answer, true, &token)).await.status,
        StatusCode::NO_CONTENT
    );
    // Saying it twice counts once; changing one's mind is recorded.
    assert_eq!(
        app.send(helpful(answer, true, &token)).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.send(helpful(answer, false, &token)).await.status,
        StatusCode::NO_CONTENT
    );
    // Only the assistant's answers, only in one's own conversation.
    app.send(helpful(customer, true, &token))
        .await
        .problem(StatusCode::BAD_REQUEST);
    let other = widget.start(&app).await;
    app.send(helpful(answer, true, &other))
        .await
        .problem(StatusCode::NOT_FOUND);
    let events = app
        .store
        .events(&levier_store::events::EventQuery {
            kinds: vec!["bot_answer_helpful".into()],
            ..Default::default()
        })
        .await
        .expect("events");
    let said: Vec<bool> = events
        .iter()
        .map(|e| e.payload["helpful"].as_bool().expect("helpful"))
        .collect();
    assert_eq!(said, [true, false]);
}

#[tokio::test]
async fn a_resolution_is_rated_once() {
    let app = app().await;
    let widget = WidgetClient::site(&app, "Ergolis").await;
    let token = widget.start(&app).await;
    let rate = |rating: i64| {
        widget
            .req("POST", "/rating")
            .header("x-conversation-token", &token)
            .json(&serde_json::json!({ "rating": rating, "comment": "merci" }))
    };
    app.send(rate(5)).await.problem(StatusCode::BAD_REQUEST);
    let (ticket, agent) = handed_off(&app, &widget, &token).await;
    app.send(rate(4)).await.problem(StatusCode::BAD_REQUEST);
    let r = app
        .send(Req::post(&format!("/api/v1/tickets/{ticket}/resolve")).sent_by(&agent))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.send(rate(9)).await.problem(StatusCode::BAD_REQUEST)["field"],
        "rating"
    );
    assert_eq!(app.send(rate(5)).await.status, StatusCode::NO_CONTENT);
    app.send(rate(4)).await.problem(StatusCode::CONFLICT);

    // Asking for a person again reopens the ticket.
    let ask = widget
        .req("POST", "/handoff")
        .header("x-conversation-token", &token);
    assert_eq!(app.send(ask).await.json()["status"], "waiting");
    let stored = app
        .store
        .ticket(levier_core::ids::TicketId(ticket))
        .await
        .expect("read");
    assert_eq!(stored.and_then(|t| t.csat).map(|c| c.rating), Some(5));
}

#[tokio::test]
async fn admins_create_sites_get_the_snippet_and_set_the_pilot_scope() {
    let app = app().await;
    let admin = Who::Session(app.login(Role::Admin).await);
    let create = Req::post("/api/v1/sites")
        .sent_by(&admin)
        .json(&serde_json::json!({
            "name": "Boutique",
            "allowed_origins": ["HTTPS://Boutique.Example/"],
        }));
    let r = app.send(create).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let site = r.json();
    let key = site["site_key"].as_str().expect("key");
    assert_eq!(site["allowed_origins"][0], "https://boutique.example");
    let snippet = site["snippet"].as_str().expect("snippet");
    assert!(
        snippet.contains("/widget.js") && snippet.contains(&format!("data-site-key=\"{key}\"")),
        "{snippet}"
    );

    let path = format!("/api/v1/sites/{}", site["id"]);
    let scope = |scope: serde_json::Value| {
        Req::new("PATCH", &path)
            .sent_by(&admin)
            .json(&serde_json::json!({ "pilot_scope": scope }))
    };
    let wrong = app
        .send(scope(serde_json::json!({ "answer_at": 1.5 })))
        .await;
    wrong.problem(StatusCode::BAD_REQUEST);
    let r = app
        .send(scope(serde_json::json!({
            "categories": [" livraison ", "livraison"],
            "intents": ["12"],
            "answer_at": 0.95,
        })))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let stored = app
        .store
        .site_by_key(key)
        .await
        .expect("read")
        .expect("site");
    assert_eq!(stored.pilot_scope.categories, vec!["livraison".to_string()]);
    assert_eq!(stored.pilot_scope.answer_at, Some(0.95));

    let agent = Who::Session(app.login(Role::Agent).await);
    let r = app.send(Req::get("/api/v1/sites").auth(&agent)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "sites are the admins'");
    let r = app.send(Req::new("DELETE", &path).sent_by(&admin)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let audit = app.store.audit_entries(i64::MAX, 50).await.expect("audit");
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    for action in ["site.create", "site.update", "site.disable"] {
        assert!(actions.contains(&action), "{actions:?}");
    }
}

/// A settings form as a browser sends it: the session cookie and the `_csrf` field.
async fn submit(app: &TestApp, who: &Who, path: &str, fields: &[(&str, &str)]) -> support::Reply {
    let Who::Session(session) = who else {
        panic!("forms are sent from a session");
    };
    let mut all = vec![("_csrf", session.csrf.as_str())];
    all.extend_from_slice(fields);
    app.send(Req::post(path).auth(who).form(&all)).await
}

#[tokio::test]
async fn the_sites_pages_create_a_site_show_its_snippet_and_set_origins_and_scope() {
    let app = app().await;
    let admin = Who::Session(app.login(Role::Admin).await);
    let entry = app
        .store
        .create_faq_entry(&levier_store::faq::NewFaqEntry {
            question: "Quels délais de livraison ?".into(),
            answer: "Sous 3 jours ouvrés.".into(),
            category: "livraison".into(),
            language: "fr".into(),
            public: true,
            phrasings: Vec::new(),
        })
        .await
        .expect("entry")
        .0;

    // A site needs a name: the list says so, with what was typed.
    let r = submit(
        &app,
        &admin,
        "/settings/sites",
        &[("name", " "), ("origins", "https://typed.example")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("Donnez un nom au site") && r.body.contains("https://typed.example"));
    assert!(app.store.sites().await.expect("sites").is_empty());

    // Creating from the list's form opens the new site's page.
    let r = submit(
        &app,
        &admin,
        "/settings/sites",
        &[
            ("name", "<b>Boutique</b> & Cie"),
            (
                "origins",
                "HTTPS://Boutique.Example/\r\n\r\nhttps://shop.example",
            ),
            ("language", "en"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.location().expect("redirect").to_string();
    let site = app.store.sites().await.expect("sites").remove(0);
    assert_eq!(
        location,
        format!("/settings/sites/{}?done=created", site.id.0)
    );
    assert_eq!(
        site.allowed_origins,
        vec!["https://boutique.example", "https://shop.example"]
    );
    assert_eq!(site.default_language, "en");

    let page = app.send(Req::get(&location).auth(&admin)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        !page.body.contains("<b>Boutique</b>"),
        "the name is escaped"
    );
    assert!(
        page.body
            .contains("&#60;b&#62;Boutique&#60;/b&#62; &#38; Cie")
    );
    let snippet = format!(
        "&#60;script src=&#34;http://localhost/widget.js&#34; data-site-key=&#34;{}&#34; defer&#62;&#60;/script&#62;",
        site.site_key
    );
    assert!(page.body.contains(&snippet), "{}", page.body);
    assert!(page.body.contains("name=\"category\" value=\"livraison\""));
    assert!(page.body.contains("<optgroup label=\"livraison\">"));
    assert!(
        page.body
            .contains(&format!("<option value=\"{entry}\">{entry} — Quels délais"))
    );
    let list = app.send(Req::get("/settings/sites").auth(&admin)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("&#60;b&#62;Boutique") && !list.body.contains("<b>Boutique"));
    assert!(list.body.contains(&site.site_key) && list.body.contains("https://shop.example"));
    assert!(
        list.body.contains("href=\"/settings/sites\""),
        "in the settings' navigation"
    );

    // Origins, then the pilot scope, from the page's forms.
    let base = format!("/settings/sites/{}", site.id.0);
    let r = submit(
        &app,
        &admin,
        &format!("{base}/origins"),
        &[("origins", "https://www.ergolis.example\n")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let entry_id = entry.to_string();
    let scope = |answer_at: &'static str| {
        vec![
            ("category", "livraison"),
            ("category", "retours"),
            ("intent", entry_id.as_str()),
            ("answer_at", answer_at),
        ]
    };
    let r = submit(&app, &admin, &format!("{base}/scope"), &scope("0,9")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some(format!("{base}?done=scope").as_str()));
    let stored = app.store.site(site.id).await.expect("read").expect("site");
    assert_eq!(stored.allowed_origins, vec!["https://www.ergolis.example"]);
    assert_eq!(stored.pilot_scope.categories, vec!["livraison", "retours"]);
    assert_eq!(stored.pilot_scope.intents, vec![entry_id.clone()]);
    assert_eq!(stored.pilot_scope.answer_at, Some(0.9));

    // A threshold that is not a probability is refused on the page, and nothing changes.
    let r = submit(&app, &admin, &format!("{base}/scope"), &scope("1.5")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.body.contains("role=\"alert\"") && r.body.contains("Le seuil doit"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("value=\"1.5\""),
        "what was typed is shown again"
    );
    let r = submit(
        &app,
        &admin,
        &format!("{base}/scope"),
        &[("answer_at", "haut")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let after = app.store.site(site.id).await.expect("read").expect("site");
    assert_eq!(after.pilot_scope, stored.pilot_scope);
    let r = submit(
        &app,
        &admin,
        &format!("{base}/origins"),
        &[("origins", "ergolis.fr/contact")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let after = app.store.site(site.id).await.expect("read").expect("site");
    assert_eq!(after.allowed_origins, stored.allowed_origins);

    // Disabling asks first.
    let confirm = app
        .send(Req::get(&format!("{base}?confirm=disable")).auth(&admin))
        .await;
    assert!(confirm.body.contains(&format!("action=\"{base}/disable\"")));
    let r = submit(&app, &admin, &format!("{base}/disable"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = app.store.site(site.id).await.expect("read").expect("site");
    assert!(!after.enabled());

    // Audited like the API's changes.
    let audit = app.store.audit_entries(i64::MAX, 50).await.expect("audit");
    let target = format!("site:{}", site.id.0);
    let actions: Vec<&str> = audit
        .iter()
        .filter(|e| e.target == target)
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(
        actions,
        vec!["site.disable", "site.update", "site.update", "site.create"]
    );

    // The pages are the admins'.
    let agent = Who::Session(app.login(Role::Agent).await);
    for path in ["/settings/sites", base.as_str()] {
        let r = app.send(Req::get(path).auth(&agent)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    let r = submit(&app, &agent, &format!("{base}/scope"), &[("answer_at", "")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .send(Req::get("/settings/sites/424242").auth(&admin))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_message_left_unanswered_by_a_stopped_node_is_answered_once() {
    let app = app().await;
    let widget = WidgetClient::site(&app, "Ergolis").await;
    let token = widget.start(&app).await;
    let site = app
        .store
        .site_by_key(&widget.key)
        .await
        .expect("read")
        .expect("site");
    let conversation = app
        .store
        .conversation_by_token(site.id, &token)
        .await
        .expect("read")
        .expect("conversation");
    // A node stored the customer's message, then stopped before the assistant's turn.
    let stored = app
        .store
        .append_message(&levier_store::support::NewMessage {
            conversation_id: conversation.id,
            author: levier_store::support::Author::Customer,
            body: "ma livraison arrive quand ?".into(),
            internal: false,
            client_key: None,
            metadata: serde_json::json!({}),
        })
        .await
        .expect("stored");
    let later = levier_core::Timestamp(stored.message.created_at.0 + 1);
    let recover = levier_server::desk::recover::answer_forgotten;
    assert_eq!(recover(&app.state, later).await.expect("recover"), 1);
    // Another node, or the slow original request, takes its turn too: stored once.
    levier_server::desk::turn::answer(&app.state, &site, &conversation, &stored.message)
        .await
        .expect("a second turn is harmless");
    assert_eq!(recover(&app.state, later).await.expect("recover"), 0);
    let page = app
        .send(
            widget
                .req("GET", "/messages")
                .header("x-conversation-token", &token),
        )
        .await
        .json();
    let authors: Vec<&str> = page["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["author"].as_str())
        .collect();
    assert_eq!(authors, vec!["customer", "bot"], "{page}");
}
