//! Test sets of the support assistant and the gate they put on a pilot going live, every case
//! on SQLite and on a real PostgreSQL server.

mod common;

use common::TestStore;
use levier_core::Timestamp;
use levier_core::ids::{FaqEntryId, PilotId};
use levier_store::faq::NewFaqEntry;
use levier_store::pilots::{NewPilot, PilotStatus, Scope};
use levier_store::support::{NewSite, PilotScope};
use levier_store::test_sets::{
    CaseOutcome, Expected, Gate, Given, NewCase, NewTestRun, NewTestSet, TestSetId, Thresholds,
    parse_cases,
};
use levier_store::{Store, StoreError};

on_both_backends!(
    a_test_set_keeps_its_cases_and_runs,
    bad_cases_and_thresholds_are_refused_with_their_reason,
    a_pilot_goes_live_only_when_its_test_set_passes,
    a_draft_pilot_is_tried_with_the_scope_it_will_have,
);

async fn entry(s: &Store, question: &str) -> FaqEntryId {
    s.create_faq_entry(&NewFaqEntry {
        question: question.into(),
        answer: format!("Réponse à « {question} »"),
        category: "livraison".into(),
        language: "fr".into(),
        public: true,
        phrasings: vec![],
    })
    .await
    .expect("faq entry")
}

async fn draft_pilot(s: &Store, scope: Scope) -> PilotId {
    let use_case_id = common::faq_use_case(s).await;
    s.upsert_pilot(&NewPilot {
        use_case_id,
        name: "Assistant FAQ".into(),
        scope,
        baseline: Default::default(),
        targets: vec![],
        starts_at: Timestamp(2_000),
        ends_at: Timestamp(9_000),
        champions: vec![],
    })
    .await
    .expect("pilot")
}

fn set(name: &str, pilot: Option<PilotId>, precision: f64, coverage: f64) -> NewTestSet {
    NewTestSet {
        name: name.into(),
        pilot_id: pilot,
        thresholds: Thresholds {
            min_precision: precision,
            min_coverage: coverage,
        },
        created_by: None,
    }
}

/// Runs `set` as if the assistant answered every question expecting an entry with `answer`
/// (`None`: handed off) and handed off the rest.
async fn run(s: &Store, set: TestSetId, answer: impl Fn(FaqEntryId) -> Option<FaqEntryId>) {
    let outcomes = s
        .test_cases(set)
        .await
        .expect("succeeds")
        .iter()
        .map(|case| {
            let given = match case.expected {
                Expected::Entry { entry_id } => match answer(entry_id) {
                    Some(got) => Given::Answer {
                        entry_id: Some(got),
                    },
                    None => Given::Handoff {
                        reason: "unsure".into(),
                    },
                },
                Expected::Handoff => Given::Handoff {
                    reason: "human_request".into(),
                },
            };
            CaseOutcome::new(case, given, 0.93, "because".into())
        })
        .collect();
    s.record_test_run(&NewTestRun {
        test_set_id: set,
        task_id: None,
        started_by: None,
        outcomes,
    })
    .await
    .expect("run");
}

async fn a_test_set_keeps_its_cases_and_runs(t: &TestStore) {
    let s = &t.store;
    let price = entry(s, "Combien coûte la livraison ?").await;
    let delay = entry(s, "Quel est le délai de livraison ?").await;
    let id = s
        .create_test_set(&set("Livraison", None, 0.9, 0.5))
        .await
        .expect("succeeds");
    let text = format!(
        "Prix du port ? => {}\nÇa arrive quand ? => {}\nJe veux parler à quelqu'un => handoff",
        price.0, delay.0
    );
    assert_eq!(
        s.add_test_cases(id, &parse_cases(&text).expect("succeeds"))
            .await
            .expect("succeeds"),
        3
    );
    let cases = s.test_cases(id).await.expect("succeeds");
    assert_eq!(cases.len(), 3);
    assert_eq!(cases[0].question, "Prix du port ?");
    assert_eq!(cases[2].expected, Expected::Handoff);
    assert!(s.latest_test_run(id).await.expect("succeeds").is_none());

    // The delay question is answered with the price: precision 1/2, coverage 2/2.
    run(s, id, |_| Some(price)).await;
    let first = s
        .latest_test_run(id)
        .await
        .expect("succeeds")
        .expect("a run");
    assert_eq!(first.score.precision(), Some(0.5));
    assert_eq!(first.score.coverage(), Some(1.0));
    assert!(!first.passed);
    assert_eq!(
        first.outcomes.iter().map(|o| o.passed).collect::<Vec<_>>(),
        [true, false, true]
    );
    assert_eq!(first.outcomes[1].why, "because");

    run(s, id, Some).await;
    let second = s
        .latest_test_run(id)
        .await
        .expect("succeeds")
        .expect("succeeds");
    assert!(second.id.0 > first.id.0, "the latest run is the last one");
    assert!(second.passed);
    assert_eq!(s.test_sets().await.expect("succeeds").len(), 1);
}

async fn bad_cases_and_thresholds_are_refused_with_their_reason(t: &TestStore) {
    let s = &t.store;
    let e = s
        .create_test_set(&set(" ", None, 0.9, 0.5))
        .await
        .expect_err("refused");
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    let e = s
        .create_test_set(&set("A", None, 1.2, 0.5))
        .await
        .expect_err("refused");
    assert!(e.to_string().contains("120.0 %"), "{e}");
    let id = s
        .create_test_set(&set("A", None, 0.9, 0.5))
        .await
        .expect("succeeds");
    let e = s
        .create_test_set(&set("A", None, 0.9, 0.5))
        .await
        .expect_err("refused");
    assert!(
        matches!(e, StoreError::Conflict(_)),
        "a name is unique: {e}"
    );
    let known = entry(s, "Combien coûte la livraison ?").await;
    let cases = [
        NewCase {
            question: "Prix ?".into(),
            expected: Expected::Entry { entry_id: known },
        },
        NewCase {
            question: "Retour ?".into(),
            expected: Expected::Entry {
                entry_id: FaqEntryId(known.0 + 1000),
            },
        },
    ];
    let e = s
        .add_test_cases(id, &cases)
        .await
        .expect_err("refused")
        .to_string();
    assert!(
        e.contains("no FAQ entry number") && e.contains("Retour ?"),
        "{e}"
    );
    assert!(
        s.test_cases(id).await.expect("succeeds").is_empty(),
        "all or nothing"
    );
    let e = s
        .add_test_cases(TestSetId(id.0 + 99), &cases[..1])
        .await
        .expect_err("refused");
    assert!(matches!(e, StoreError::NotFound { .. }), "{e}");
}

async fn a_pilot_goes_live_only_when_its_test_set_passes(t: &TestStore) {
    let s = &t.store;
    let pilot = draft_pilot(s, Scope::default()).await;
    assert_eq!(
        s.pilot_gate(pilot).await.expect("succeeds"),
        Gate::NoTestSet
    );
    let price = entry(s, "Combien coûte la livraison ?").await;
    let delay = entry(s, "Quel est le délai de livraison ?").await;
    let id = s
        .create_test_set(&set("Pilote FAQ", Some(pilot), 0.9, 0.8))
        .await
        .expect("succeeds");
    let e = s
        .create_test_set(&set("Autre", Some(pilot), 0.9, 0.8))
        .await
        .expect_err("refused");
    assert!(
        matches!(e, StoreError::Conflict(_)),
        "one set per pilot: {e}"
    );
    let text = format!(
        "Prix ? => {}\nDélai ? => {}\nHumain ! => handoff",
        price.0, delay.0
    );
    s.add_test_cases(id, &parse_cases(&text).expect("succeeds"))
        .await
        .expect("succeeds");

    let e = s
        .start_tested_pilot(pilot)
        .await
        .expect_err("refused")
        .to_string();
    assert!(e.contains("has not been run yet"), "{e}");

    // The delay question goes to a person: precision 1/1, coverage 1/2.
    run(s, id, |e| (e == price).then_some(e)).await;
    let e = s
        .start_tested_pilot(pilot)
        .await
        .expect_err("refused")
        .to_string();
    assert!(
        e.contains("coverage 50.0 % is 30.0 points below the 80.0 % required"),
        "{e}"
    );
    assert!(!e.contains("precision"), "precision is met: {e}");
    assert_eq!(
        s.pilot(pilot)
            .await
            .expect("succeeds")
            .expect("succeeds")
            .status,
        PilotStatus::Draft
    );

    run(s, id, Some).await;
    let admitted = s
        .start_tested_pilot(pilot)
        .await
        .expect("succeeds")
        .expect("the passing run");
    assert_eq!(
        s.pilot(pilot)
            .await
            .expect("succeeds")
            .expect("succeeds")
            .status,
        PilotStatus::Live
    );
    let kept = s
        .admitting_test_run(pilot)
        .await
        .expect("succeeds")
        .expect("kept with the pilot");
    assert_eq!(kept.id, admitted);
    assert_eq!(kept.pilot_id, Some(pilot));
    assert!(kept.admitted_at.is_some());
}

async fn a_draft_pilot_is_tried_with_the_scope_it_will_have(t: &TestStore) {
    let s = &t.store;
    let site = s
        .create_site(&NewSite {
            name: "Site".into(),
            pilot_scope: PilotScope {
                answer_at: Some(0.8),
                ..PilotScope::default()
            },
            ..NewSite::default()
        })
        .await
        .expect("succeeds");
    let pilot = draft_pilot(
        s,
        Scope {
            sites: vec![site.id],
            faq_categories: vec!["livraison".into()],
            ..Scope::default()
        },
    )
    .await;
    let pilot = s.pilot(pilot).await.expect("succeeds").expect("succeeds");
    let scope = s.pilot_trial_scope(&pilot).await.expect("succeeds");
    assert_eq!(scope.categories, vec!["livraison".to_string()]);
    assert_eq!(scope.answer_at, Some(0.8), "the site's own threshold stays");
    s.start_tested_pilot(pilot.id)
        .await
        .expect("no test set: it goes live");
    let live = s
        .site(site.id)
        .await
        .expect("succeeds")
        .expect("succeeds")
        .pilot_scope;
    assert_eq!(
        live, scope,
        "the trial used the scope the pilot went live with"
    );
}
