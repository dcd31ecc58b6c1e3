//! Lead qualification's store (normalised leads, scores, first contact, outcomes, merges,
//! mappings, models, enrichment from the support desk), every case on SQLite and PostgreSQL.

mod common;

use common::TestStore;
use levier_core::Timestamp;
use levier_core::ids::LeadId;
use levier_store::events::EventQuery;
use levier_store::leads::{LeadColumn, LeadFilter, LeadOutcome, LeadScoreUpdate, NewLead};
use levier_store::{Store, StoreError};

on_both_backends!(
    leads_list_by_score_with_filters,
    contact_and_outcome_record_their_events_once,
    merging_keeps_both_records_and_hides_the_merged_lead,
    mappings_and_models_are_kept,
    dismissed_pairs_are_remembered_either_way_round,
    enrichment_counts_the_support_history_of_a_person_or_domain,
);

fn lead(first: &str, email: &str, source: &str, region: &str) -> NewLead {
    NewLead {
        first_name: first.into(),
        last_name: "Martin".into(),
        email: Some(email.into()),
        source: Some(source.into()),
        status: "open".into(),
        created_at: Timestamp(1_700_000_000_000),
        normalised: serde_json::json!({"first_name": first}),
        domain: email.split('@').nth(1).map(str::to_owned),
        free_mail: Some(false),
        region: Some(region.into()),
        size_band: Some("10-49".into()),
        ..NewLead::default()
    }
}

async fn three(s: &Store) -> [LeadId; 3] {
    let mut ids = Vec::new();
    for (first, email, source, region) in [
        ("Anne", "anne@a.fr", "salon", "Bretagne"),
        ("Bruno", "bruno@b.fr", "site web", "Occitanie"),
        ("Chloé", "chloe@c.fr", "salon", "Occitanie"),
    ] {
        ids.push(
            s.create_lead(&lead(first, email, source, region), &[])
                .await
                .expect("lead"),
        );
    }
    [ids[0], ids[1], ids[2]]
}

fn score(id: LeadId, probability: f64, tier: &str) -> LeadScoreUpdate {
    LeadScoreUpdate {
        lead_id: id,
        probability,
        tier: tier.into(),
        factors: serde_json::json!([{"column": "source", "value": "salon", "contribution": 0.4}]),
    }
}

async fn event_count(s: &Store, kind: &str) -> usize {
    s.events(&EventQuery {
        kinds: vec![kind.into()],
        ..EventQuery::default()
    })
    .await
    .expect("events")
    .len()
}

async fn leads_list_by_score_with_filters(t: &TestStore) {
    let s = &t.store;
    let [a, b, c] = three(s).await;
    assert_eq!(event_count(s, "lead_created").await, 3);
    let history = NewLead {
        status: "won".into(),
        closed_at: Some(Timestamp(1_700_500_000_000)),
        ..lead("Dora", "dora@d.fr", "salon", "Bretagne")
    };
    let dora = s.create_lead(&history, &[]).await.expect("won lead");
    let won = s
        .events(&EventQuery {
            kinds: vec!["lead_converted".into()],
            ..EventQuery::default()
        })
        .await
        .expect("events");
    assert_eq!(won.len(), 1, "a lead imported as won counts as converted");
    assert_eq!(won[0].at, Timestamp(1_700_500_000_000));
    assert_eq!(won[0].payload["lead_id"], dora.0);
    let changed = s
        .set_lead_scores(&[score(a, 0.2, "C"), score(b, 0.9, "A")], "model-1")
        .await
        .expect("scores");
    assert_eq!(changed, 2);
    let all = s.leads(&LeadFilter::default()).await.expect("list");
    let order: Vec<LeadId> = all.iter().map(|l| l.id).collect();
    assert_eq!(
        order,
        vec![b, a, c, dora],
        "best score first, unscored last"
    );
    let best = &all[0];
    let scored = best.score.as_ref().expect("scored");
    assert_eq!(
        (scored.tier.as_str(), scored.model_version.as_str()),
        ("A", "model-1")
    );
    assert_eq!(scored.factors[0]["column"], "source");
    assert_eq!(best.fields.normalised["first_name"], "Bruno");
    assert_eq!(best.fields.region.as_deref(), Some("Occitanie"));
    assert_eq!(best.fields.free_mail, Some(false));

    let only = |f: LeadFilter| async move {
        s.leads(&f)
            .await
            .expect("filtered")
            .iter()
            .map(|l| l.id)
            .collect::<Vec<_>>()
    };
    let tier_a = LeadFilter {
        tier: Some("A".into()),
        ..LeadFilter::default()
    };
    assert_eq!(only(tier_a).await, vec![b]);
    let salon_occitanie = LeadFilter {
        source: Some("salon".into()),
        region: Some("Occitanie".into()),
        ..LeadFilter::default()
    };
    assert_eq!(only(salon_occitanie).await, vec![c]);
    let light = LeadFilter {
        without_records: true,
        ..LeadFilter::default()
    };
    let light = s.leads(&light).await.expect("light list");
    assert_eq!(light[0].fields.normalised, serde_json::json!({}));
    assert_eq!(light[0].fields.email.as_deref(), Some("bruno@b.fr"));
    let open = LeadFilter {
        status: Some("open".into()),
        ..LeadFilter::default()
    };
    assert_eq!(only(open).await, vec![b, a, c]);
    assert_eq!(
        s.lead_values(LeadColumn::Source).await.expect("sources"),
        vec!["salon".to_owned(), "site web".to_owned()]
    );

    // Rescoring with the same tiers records no new event.
    let changed = s
        .set_lead_scores(&[score(a, 0.25, "C"), score(b, 0.8, "B")], "model-2")
        .await
        .expect("rescore");
    assert_eq!(changed, 1);
    assert_eq!(event_count(s, "lead_scored").await, 3);
}

async fn contact_and_outcome_record_their_events_once(t: &TestStore) {
    let s = &t.store;
    let [a, b, _] = three(s).await;
    s.set_lead_scores(&[score(a, 0.7, "A")], "rules-1")
        .await
        .expect("score");
    let at = Timestamp(1_700_100_000_000);
    assert!(s.mark_lead_contacted(a, None, at).await.expect("contact"));
    assert!(
        !s.mark_lead_contacted(a, None, Timestamp(1_700_200_000_000))
            .await
            .expect("again")
    );
    assert_eq!(
        s.lead(a).await.expect("read").expect("lead").contacted_at,
        Some(at)
    );
    assert_eq!(event_count(s, "lead_contacted").await, 1);
    let missing = s.mark_lead_contacted(LeadId(999_999), None, at).await;
    assert!(
        matches!(missing, Err(StoreError::NotFound { .. })),
        "{missing:?}"
    );

    s.set_lead_outcome(a, LeadOutcome::Won, None, at)
        .await
        .expect("won");
    s.set_lead_outcome(a, LeadOutcome::Won, None, at)
        .await
        .expect("won again");
    s.set_lead_outcome(b, LeadOutcome::Lost, None, at)
        .await
        .expect("lost");
    let won = s
        .events(&EventQuery {
            kinds: vec!["lead_converted".into()],
            ..EventQuery::default()
        })
        .await
        .expect("events");
    assert_eq!(won.len(), 1, "the same outcome twice is one event");
    assert_eq!(won[0].payload["tier"], "A");
    assert_eq!(won[0].payload["source"], "salon");
    assert_eq!(event_count(s, "lead_lost").await, 1);
    let record = s.lead(a).await.expect("read").expect("lead");
    assert_eq!(
        (record.fields.status.as_str(), record.fields.closed_at),
        ("won", Some(at))
    );
    assert_eq!(s.lead_outcome_counts().await.expect("counts"), (1, 1));
    s.set_lead_outcome(a, LeadOutcome::Open, None, at)
        .await
        .expect("reopen");
    let record = s.lead(a).await.expect("read").expect("lead");
    assert_eq!(
        (record.fields.status.as_str(), record.fields.closed_at),
        ("open", None)
    );
}

async fn merging_keeps_both_records_and_hides_the_merged_lead(t: &TestStore) {
    let s = &t.store;
    let [a, b, c] = three(s).await;
    let update = NewLead {
        first_name: "Anne".into(),
        last_name: "Martin".into(),
        email: Some("anne@a.fr".into()),
        phone: Some("+33612345678".into()),
        normalised: serde_json::json!({"alternatives": {"email": ["bruno@b.fr"]}}),
        ..NewLead::default()
    };
    s.merge_leads(a, b, &update, None).await.expect("merge");
    let listed: Vec<LeadId> = s
        .leads(&LeadFilter::default())
        .await
        .expect("list")
        .iter()
        .map(|l| l.id)
        .collect();
    assert_eq!(listed, vec![a, c], "the merged lead leaves the list");
    let kept = s.lead(a).await.expect("read").expect("kept");
    assert_eq!(kept.fields.phone.as_deref(), Some("+33612345678"));
    assert_eq!(
        s.lead(b).await.expect("read").expect("merged").merged_into,
        Some(a)
    );
    let history = s.lead_merges(a).await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].merged_before["email"], "bruno@b.fr");
    assert_eq!(history[0].kept_before["phone"], serde_json::Value::Null);
    let twice = s.merge_leads(c, b, &update, None).await;
    assert!(matches!(twice, Err(StoreError::Invalid(_))), "{twice:?}");
    let itself = s.merge_leads(c, c, &update, None).await;
    assert!(matches!(itself, Err(StoreError::Invalid(_))), "{itself:?}");
}

async fn mappings_and_models_are_kept(t: &TestStore) {
    let s = &t.store;
    let mapping = serde_json::json!({"columns": [["Société", {"field": "company"}]]});
    s.save_lead_mapping("crm", &mapping).await.expect("save");
    s.save_lead_mapping("crm", &mapping).await.expect("replace");
    assert_eq!(s.lead_mapping("crm").await.expect("read"), Some(mapping));
    assert_eq!(s.lead_mapping("autre").await.expect("read"), None);
    s.save_lead_mapping("autre", &serde_json::json!({"columns": {}}))
        .await
        .expect("save another");
    let names: Vec<String> = s
        .lead_mappings()
        .await
        .expect("list")
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(names, ["autre", "crm"], "by name");
    assert!(
        s.save_lead_mapping(" ", &serde_json::json!({}))
            .await
            .is_err()
    );

    assert_eq!(s.latest_lead_model().await.expect("none"), None);
    let rules = s
        .save_lead_model(
            "rules",
            &serde_json::json!({"rules": []}),
            &serde_json::json!({}),
        )
        .await
        .expect("rules");
    let model = s
        .save_lead_model(
            "model",
            &serde_json::json!({"w": 1}),
            &serde_json::json!({"auc": 0.8}),
        )
        .await
        .expect("model");
    assert!(model.version > rules.version);
    let latest = s.latest_lead_model().await.expect("read").expect("some");
    assert_eq!(latest.label(), format!("model-{}", model.version));
    assert_eq!(latest.report["auc"], 0.8);
    assert!(
        s.save_lead_model("magic", &serde_json::json!({}), &serde_json::json!({}))
            .await
            .is_err()
    );
}

async fn enrichment_counts_the_support_history_of_a_person_or_domain(t: &TestStore) {
    let s = &t.store;
    assert_eq!(
        s.lead_enrichment(Some("anne@a.fr"), Some("a.fr"))
            .await
            .expect("none")
            .conversations,
        0
    );
    common::raw_sql(
        &t.config,
        "INSERT INTO contacts (id, email, created_at, updated_at) VALUES
            (501, 'Anne@A.fr', 1, 1), (502, 'paul@a.fr', 1, 1), (503, 'x@other.fr', 1, 1);
         INSERT INTO conversations (id, channel, contact_id, created_at, updated_at) VALUES
            (601, 'email', 501, 10, 1000), (602, 'email', 502, 10, 2000), (603, 'email', 503, 10, 3000);
         INSERT INTO tickets (conversation_id, status, created_at, updated_at) VALUES
            (601, 'open', 10, 10), (602, 'resolved', 10, 10), (603, 'open', 10, 10);",
    )
    .await
    .expect("support history");
    let person = s
        .lead_enrichment(Some("anne@a.fr"), None)
        .await
        .expect("person");
    assert_eq!(
        (person.conversations, person.tickets, person.open_tickets),
        (1, 1, 1)
    );
    assert_eq!(person.last_contact, Some(Timestamp(1000)));
    let company = s
        .lead_enrichment(Some("anne@a.fr"), Some("a.fr"))
        .await
        .expect("company");
    assert_eq!(
        (company.conversations, company.tickets, company.open_tickets),
        (2, 2, 1)
    );
    assert_eq!(company.last_contact, Some(Timestamp(2000)));
}

async fn dismissed_pairs_are_remembered_either_way_round(t: &TestStore) {
    let s = &t.store;
    let [a, b, c] = three(s).await;
    assert!(s.dismissed_lead_pairs().await.expect("none").is_empty());
    s.dismiss_lead_pair(c, a, None).await.expect("dismiss");
    s.dismiss_lead_pair(a, c, None)
        .await
        .expect("dismissing again changes nothing");
    let pairs = s.dismissed_lead_pairs().await.expect("pairs");
    assert_eq!(pairs.len(), 1);
    assert!(pairs.contains(&(a, c)), "stored lower id first: {pairs:?}");
    assert!(!pairs.contains(&(a, b)));
    assert!(matches!(
        s.dismiss_lead_pair(b, b, None).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        s.dismiss_lead_pair(b, LeadId(999_999), None).await,
        Err(StoreError::NotFound { .. })
    ));
}
