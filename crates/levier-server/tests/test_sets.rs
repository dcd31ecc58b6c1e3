//! The playground and the test sets through the real router over a real SQLite store, without
//! the model (the browser test `e2e/tests/playground.test.mjs` runs them with it): questions
//! are escaped and nothing is recorded, bad input is explained, a run waits for a trained
//! assistant, and a pilot's start is refused with the reason while its test set does not pass.

mod support;

use axum::http::StatusCode;
use levier_core::Role;
use levier_store::events::EventQuery;
use levier_store::faq::NewFaqEntry;
use levier_store::knowledge::NewUseCase;
use levier_store::test_sets::{CaseOutcome, Given, NewTestRun};
use support::{Req, TestApp, Who};

async fn champion(app: &TestApp) -> Who {
    Who::Session(app.login(Role::Champion).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_playground_escapes_the_question_and_records_nothing() {
    let app = TestApp::new().await;
    let who = champion(&app).await;
    let page = app.send(Req::get("/playground").auth(&who)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"data-testid="trial-untrained""#),
        "{}",
        page.body
    );

    let asked = Req::post("/playground").sent_by(&who).form(&[
        ("target", ""),
        ("lang", "fr"),
        ("question", "<script>alert(1)</script> livraison ?"),
    ]);
    let reply = app.send(asked).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(
        !reply.body.contains("<script>alert"),
        "the question is escaped"
    );
    assert!(
        reply.body.contains("&#60;script&#62;alert(1)"),
        "{}",
        reply.body
    );
    assert!(
        reply.body.contains(r#"data-action="handoff""#),
        "no assistant: a person answers"
    );
    assert!(
        reply.body.contains("assistant unavailable"),
        "the reason is shown"
    );
    let events = app
        .store
        .events(&EventQuery::default())
        .await
        .expect("events");
    assert!(
        events
            .iter()
            .all(|e| !e.kind_name.contains("message") && !e.kind_name.contains("handed")),
        "nothing recorded: {events:?}"
    );

    let blank = Req::post("/playground")
        .sent_by(&who)
        .form(&[("question", "  ")]);
    let reply = app.send(blank).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.body.contains("the message is empty"),
        "{}",
        reply.body
    );

    let agent = Who::Session(app.login(Role::Agent).await);
    assert_eq!(
        app.send(Req::get("/playground").auth(&agent)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_test_set_holds_its_pilot_back_with_the_reason() {
    let app = TestApp::new().await;
    let who = champion(&app).await;
    let entry = app
        .store
        .create_faq_entry(&NewFaqEntry {
            question: "Combien coûte la livraison ?".into(),
            answer: "5,90 €".into(),
            category: "livraison".into(),
            language: "fr".into(),
            public: true,
            phrasings: vec![],
        })
        .await
        .expect("entry");
    let use_case = app
        .store
        .upsert_use_case(&NewUseCase {
            name: "FAQ".into(),
            process: "support".into(),
            pain: String::new(),
            frequency_per_month: 1,
            minutes_per_occurrence: 1,
            people_involved: 1,
            data_available: String::new(),
            risk: String::new(),
            impact: 3,
            feasibility: 3,
        })
        .await
        .expect("use case");
    let draft = Req::post("/test-sets/pilots").sent_by(&who).form(&[
        ("name", "Essai"),
        ("use_case", &use_case.0.to_string()),
        ("categories", "livraison"),
    ]);
    assert_eq!(app.send(draft).await.status, StatusCode::SEE_OTHER);
    let pilot = app.store.pilots().await.expect("pilots")[0].id;

    let entry_line = format!("Prix du port ? => {}", entry.0);
    let bad = Req::post("/test-sets").sent_by(&who).form(&[
        ("name", "Livraison"),
        ("min_precision", "90"),
        ("min_coverage", "100"),
        ("cases", &format!("{entry_line}\nPrix ? => peut-être")),
    ]);
    let reply = app.send(bad).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply
            .body
            .contains("line 2: &#39;peut-être&#39; is neither"),
        "{}",
        reply.body
    );
    assert!(
        app.store.test_sets().await.expect("sets").is_empty(),
        "nothing created"
    );

    let good = Req::post("/test-sets").sent_by(&who).form(&[
        ("name", "Livraison"),
        ("pilot", &pilot.0.to_string()),
        ("min_precision", "90"),
        ("min_coverage", "100"),
        ("cases", &format!("{entry_line}\nUn humain ! => handoff")),
    ]);
    let reply = app.send(good).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let set = app
        .store
        .test_set_of_pilot(pilot)
        .await
        .expect("read")
        .expect("the set");

    let run = Req::post(&format!("/test-sets/{}/run", set.id))
        .sent_by(&who)
        .form(&[]);
    let reply = app.send(run).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(reply.body.contains("not trained yet"), "{}", reply.body);

    let start = || {
        Req::post(&format!("/pilots/{}/start", pilot.0))
            .sent_by(&who)
            .form(&[])
    };
    let reply = app.send(start()).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.body.contains("pas encore été passé"),
        "{}",
        reply.body
    );

    // The assistant handed the priced question off: coverage 0 / 1.
    let cases = app.store.test_cases(set.id).await.expect("cases");
    let handed = |reason: &str| Given::Handoff {
        reason: reason.into(),
    };
    let outcomes = vec![
        CaseOutcome::new(&cases[0], handed("unsure"), 0.4, "not sure".into()),
        CaseOutcome::new(&cases[1], handed("human_request"), 0.1, "asked".into()),
    ];
    let new = NewTestRun {
        test_set_id: set.id,
        task_id: None,
        started_by: None,
        outcomes,
    };
    app.store.record_test_run(&new).await.expect("run");
    let reply = app.send(start()).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply
            .body
            .contains("couverture 0.0 % : 100.0 points sous les 100.0 % exigés"),
        "{}",
        reply.body
    );
    let page = app
        .send(Req::get(&format!("/pilots/{}", pilot.0)).auth(&who))
        .await;
    assert!(
        page.body.contains(r#"data-testid="pilot-gate""#),
        "{}",
        page.body
    );
    let set_page = app
        .send(Req::get(&format!("/test-sets/{}", set.id)).auth(&who))
        .await;
    assert!(set_page.body.contains(r#"data-testid="case-fail""#));
    assert!(
        set_page
            .body
            .contains("#1</a> Combien coûte la livraison ?"),
        "{}",
        set_page.body
    );
}
