//! Pilots of the adoption method, and operations replayed under a manual clock, every case on
//! SQLite and on a real PostgreSQL server.

mod common;

use common::TestStore;
use levier_core::ids::UserId;
use levier_core::{Role, Timestamp};
use levier_store::directory::NewUser;
use levier_store::events::EventQuery;
use levier_store::pilots::{
    Baseline, Comparison, Decision, EnteredValue, NewPilot, PilotStatus, Scope, Target,
};
use levier_store::support::{Author, NewConversation, NewMessage, NewSite};
use levier_store::{ManualClock, Store, StoreError};

on_both_backends!(
    a_pilot_goes_from_draft_to_live_to_a_decision,
    a_pilot_plan_is_frozen_once_live,
    a_pilot_refuses_an_impossible_plan,
    operations_under_a_manual_clock_record_its_instants,
    a_live_pilot_asks_its_teams_once_and_keeps_their_latest_answer,
);

async fn champion(s: &Store) -> UserId {
    s.create_user(
        &NewUser {
            email: "referent@example.fr".into(),
            display_name: "Référente".into(),
            role: Role::Champion,
            password_hash: None,
            team: None,
            groups: vec![],
        },
        None,
    )
    .await
    .expect("champion")
}

async fn plan(s: &Store, name: &str, champion: UserId) -> NewPilot {
    let use_case_id = common::faq_use_case(s).await;
    NewPilot {
        use_case_id,
        name: name.into(),
        scope: Scope {
            faq_categories: vec!["livraison".into()],
            channels: vec!["widget".into()],
            ..Scope::default()
        },
        baseline: Baseline {
            from: Some(Timestamp(1_000)),
            until: Some(Timestamp(2_000)),
            entered: vec![EnteredValue {
                figure: "csat".into(),
                value: 3.9,
                source: "enquête de satisfaction 2025".into(),
            }],
        },
        targets: vec![
            Target {
                figure: "first_response".into(),
                comparison: Comparison::ChangeAtMost,
                value: -0.3,
            },
            Target {
                figure: "self_service_assumed".into(),
                comparison: Comparison::AtLeast,
                value: 0.25,
            },
        ],
        starts_at: Timestamp(2_000),
        ends_at: Timestamp(9_000),
        champions: vec![champion],
    }
}

async fn a_pilot_goes_from_draft_to_live_to_a_decision(t: &TestStore) {
    let s = &t.store;
    let who = champion(s).await;
    let new = plan(s, "Assistant FAQ", who).await;
    let id = s.upsert_pilot(&new).await.expect("create");
    let site = s
        .create_site(&NewSite {
            name: "Site".into(),
            ..NewSite::default()
        })
        .await
        .expect("ok");
    let mut new = new;
    new.scope.sites = vec![site.id];
    let id2 = s.upsert_pilot(&new).await.expect("update the draft");
    assert_eq!(id2, id);
    let draft = s.pilot(id).await.expect("ok").expect("ok");
    assert_eq!(draft.status, PilotStatus::Draft);
    assert_eq!(
        (draft.scope, draft.baseline, draft.targets, draft.champions),
        (new.scope, new.baseline, new.targets, new.champions),
        "the plan reads back as written"
    );
    let err = s
        .close_pilot(id, Decision::Extend, "ok", who)
        .await
        .expect_err("refused");
    assert!(
        matches!(err, StoreError::Conflict(_)),
        "a draft is not closed: {err}"
    );
    s.start_pilot(id).await.expect("start");
    let scoped = s.site(site.id).await.expect("ok").expect("ok").pilot_scope;
    assert_eq!(
        scoped.categories,
        vec!["livraison".to_string()],
        "the site's assistant follows the pilot"
    );
    let err = s
        .close_pilot(id, Decision::Extend, "  ", who)
        .await
        .expect_err("refused");
    assert!(
        matches!(err, StoreError::Invalid(_)),
        "a decision needs its note"
    );
    s.close_pilot(
        id,
        Decision::Extend,
        "Objectifs atteints, on étend au SAV.",
        who,
    )
    .await
    .expect("close");
    let closed = s.pilot(id).await.expect("ok").expect("ok");
    assert_eq!(closed.status, PilotStatus::Closed);
    assert_eq!(closed.decision, Some(Decision::Extend));
    assert_eq!(closed.decided_by, Some(who));
    assert!(closed.decided_at.is_some());
    assert_eq!(s.pilots().await.expect("ok").len(), 1);
}

async fn a_pilot_plan_is_frozen_once_live(t: &TestStore) {
    let s = &t.store;
    let who = champion(s).await;
    let mut new = plan(s, "Tri des e-mails", who).await;
    let id = s.upsert_pilot(&new).await.expect("ok");
    new.targets.clear();
    assert_eq!(
        s.upsert_pilot(&new).await.expect("ok"),
        id,
        "a draft is updated"
    );
    assert!(
        s.pilot(id)
            .await
            .expect("ok")
            .expect("ok")
            .targets
            .is_empty()
    );
    s.start_pilot(id).await.expect("ok");
    let err = s.start_pilot(id).await.expect_err("refused");
    assert!(
        matches!(err, StoreError::Conflict(_)),
        "started twice: {err}"
    );
    new.ends_at = Timestamp(99_000);
    assert_eq!(s.upsert_pilot(&new).await.expect("ok"), id);
    assert_eq!(
        s.pilot(id).await.expect("ok").expect("ok").ends_at,
        Timestamp(9_000),
        "a live pilot keeps the plan it is measured against"
    );
}

async fn a_pilot_refuses_an_impossible_plan(t: &TestStore) {
    let s = &t.store;
    let who = champion(s).await;
    let mut new = plan(s, "Rapports", who).await;
    new.ends_at = new.starts_at;
    assert!(matches!(
        s.upsert_pilot(&new).await.expect_err("refused"),
        StoreError::Invalid(_)
    ));
    let mut new = plan(s, "Rapports", who).await;
    new.baseline.until = Some(Timestamp(500));
    assert!(matches!(
        s.upsert_pilot(&new).await.expect_err("refused"),
        StoreError::Invalid(_)
    ));
    assert!(s.pilots().await.expect("ok").is_empty());
}

async fn operations_under_a_manual_clock_record_its_instants(t: &TestStore) {
    let s = &t.store;
    let site = s
        .create_site(&NewSite {
            name: "Site".into(),
            ..NewSite::default()
        })
        .await
        .expect("ok");
    let clock = ManualClock::new(Timestamp(1_750_000_000_000));
    let past = s.with_clock(&clock);
    let started = past
        .start_conversation(&NewConversation {
            site_id: site.id,
            contact_id: None,
            language: None,
        })
        .await
        .expect("ok");
    clock.set(Timestamp(1_750_000_060_000));
    let message = past
        .append_message(&NewMessage {
            conversation_id: started.conversation.id,
            author: Author::Customer,
            body: "Bonjour".into(),
            internal: false,
            client_key: None,
            metadata: serde_json::json!({}),
        })
        .await
        .expect("ok");
    assert_eq!(
        started.conversation.created_at,
        Timestamp(1_750_000_000_000)
    );
    assert_eq!(message.message.created_at, Timestamp(1_750_000_060_000));
    let events = s
        .events(&EventQuery {
            kinds: vec!["message_received".into()],
            ..EventQuery::default()
        })
        .await
        .expect("ok");
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].at,
        Timestamp(1_750_000_060_000),
        "the event is dated by the clock"
    );
    let now = s
        .start_conversation(&NewConversation {
            site_id: site.id,
            contact_id: None,
            language: None,
        })
        .await
        .expect("ok");
    assert!(
        now.conversation.created_at > Timestamp(1_750_000_060_000),
        "the original handle keeps the system clock"
    );
}

async fn a_live_pilot_asks_its_teams_once_and_keeps_their_latest_answer(t: &TestStore) {
    let s = &t.store;
    let who = champion(s).await;
    let mut new = plan(s, "Recherche interne", who).await;
    new.scope.teams = vec!["RH".into()];
    let id = s.upsert_pilot(&new).await.expect("ok");
    let err = s
        .answer_pilot_survey(id, who, 4, "")
        .await
        .expect_err("refused");
    assert!(
        matches!(err, StoreError::Conflict(_)),
        "a draft asks nobody: {err}"
    );
    s.start_pilot(id).await.expect("ok");
    assert_eq!(s.surveys_for(who, Some("RH")).await.expect("ok").len(), 1);
    assert!(
        s.surveys_for(who, Some("Compta"))
            .await
            .expect("ok")
            .is_empty(),
        "another team"
    );
    assert!(s.surveys_for(who, None).await.expect("ok").is_empty());
    let err = s
        .answer_pilot_survey(id, who, 6, "")
        .await
        .expect_err("refused");
    assert!(matches!(err, StoreError::Invalid(_)));
    s.answer_pilot_survey(id, who, 2, "  lent  ")
        .await
        .expect("ok");
    s.answer_pilot_survey(id, who, 5, "bien mieux")
        .await
        .expect("ok");
    let answers = s.pilot_survey(id).await.expect("ok");
    assert_eq!(answers.len(), 1, "one answer per person");
    assert_eq!(
        (answers[0].score, answers[0].comment.as_str()),
        (5, "bien mieux")
    );
    assert!(
        s.surveys_for(who, Some("RH")).await.expect("ok").is_empty(),
        "asked once"
    );
}
