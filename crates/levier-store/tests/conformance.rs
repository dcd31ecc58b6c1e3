//! The store conformance suite: every case runs on SQLite and on a real PostgreSQL server.

mod common;

use common::TestStore;
use levier_core::ids::{DocumentId, SourceId};
use levier_core::{Event, EventKind, Role, Timestamp};
use levier_store::changes::{ChangeOp, Entity};
use levier_store::directory::{NewSource, NewUser};
use levier_store::documents::{NewChunk, NewDocument, StoreOutcome};
use levier_store::events::EventQuery;
use levier_store::knowledge::{NewFaqEntry, NewUseCase};
use levier_store::leads::{LeadInteraction, NewLead};
use levier_store::{SCHEMA_VERSION, Store, StoreError};

on_both_backends!(
    migrations_are_idempotent,
    newer_schema_is_refused,
    users_groups_and_conflicts,
    documents_version_and_feed_the_change_sequence,
    documents_are_stored_and_read_in_batches,
    events_are_ordered_queryable_and_append_only,
    concurrent_writers_lose_nothing,
    faq_leads_and_use_cases_are_counted,
    only_one_first_account_is_created,
);

async fn migrations_are_idempotent(t: &TestStore) {
    t.store.ready().await.expect("ready after open");
    let again = Store::open(&t.config).await.expect("reopen");
    again.ready().await.expect("ready after reopen");
}

async fn newer_schema_is_refused(t: &TestStore) {
    common::raw_sql(
        &t.config,
        "INSERT INTO levier_migrations (version, name, applied_at) VALUES (99, 'from the future', 0)",
    )
    .await
    .expect("tamper");
    match Store::open(&t.config).await {
        Err(StoreError::TooNew {
            found: 99,
            supported,
        }) => assert_eq!(supported, SCHEMA_VERSION),
        Err(other) => panic!("expected TooNew, got {other}"),
        Ok(_) => panic!("a database from a newer levier was accepted"),
    }
}

fn user(email: &str, role: Role, groups: &[&str]) -> NewUser {
    NewUser {
        email: email.into(),
        display_name: "Camille Martin".into(),
        role,
        password_hash: None,
        team: Some("Service client".into()),
        groups: groups.iter().map(|g| g.to_string()).collect(),
    }
}

async fn users_groups_and_conflicts(t: &TestStore) {
    let s = &t.store;
    s.upsert_group("rh", "Ressources humaines", "")
        .await
        .expect("group");
    s.upsert_group("personnel", "Tout le personnel", "")
        .await
        .expect("group");
    let again = s
        .upsert_group("RH", "RH", "renamed")
        .await
        .expect("upsert same slug");
    assert_eq!(s.groups().await.expect("groups").len(), 2);
    assert!(
        s.groups()
            .await
            .expect("groups")
            .iter()
            .any(|(id, _, name)| *id == again && name == "RH")
    );

    let id = s
        .create_user(
            &user(
                "Camille.Martin@Ergolis.fr",
                Role::Agent,
                &["rh", "personnel"],
            ),
            None,
        )
        .await
        .expect("create user");
    let found = s
        .user_by_email("camille.martin@ergolis.fr")
        .await
        .expect("lookup")
        .expect("exists");
    assert_eq!(found.id, id);
    assert_eq!(found.role, Role::Agent);
    assert_eq!(
        found.groups,
        vec!["personnel".to_string(), "rh".to_string()]
    );

    let dup = s
        .create_user(&user("camille.martin@ergolis.fr", Role::Member, &[]), None)
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    let bad_group = s
        .create_user(&user("x@ergolis.fr", Role::Member, &["nope"]), None)
        .await;
    assert!(
        matches!(bad_group, Err(StoreError::Invalid(ref m)) if m.contains("nope")),
        "{bad_group:?}"
    );
    assert!(
        s.user_by_email("x@ergolis.fr")
            .await
            .expect("lookup")
            .is_none(),
        "failed creation left a user"
    );
    assert_eq!(s.users().await.expect("users").len(), 1);
}

fn doc(source: SourceId, path: &str, hash: &str, groups: &[&str]) -> NewDocument {
    NewDocument {
        source_id: source,
        external_id: path.into(),
        title: "Politique de retour".into(),
        media_type: "text/markdown".into(),
        content_hash: hash.into(),
        size_bytes: 1234,
        language: Some("fr".into()),
        public: true,
        metadata: serde_json::json!({"author": "Service client"}),
        body: Some("Vous disposez de 30 jours pour retourner un article.".into()),
        groups: groups.iter().map(|g| g.to_string()).collect(),
        chunks: vec![NewChunk {
            ordinal: 0,
            heading_path: vec!["Retours".into(), format!("Délai ({hash})")],
            body: "Vous disposez de 30 jours pour retourner un article.".into(),
            language: Some("fr".into()),
            start_offset: 0,
            end_offset: 52,
        }],
    }
}

async fn documents_version_and_feed_the_change_sequence(t: &TestStore) {
    let s = &t.store;
    s.upsert_group("public", "Clients", "")
        .await
        .expect("group");
    s.upsert_group("personnel", "Personnel", "")
        .await
        .expect("group");
    let src = s
        .upsert_source(&NewSource {
            name: "docs/public".into(),
            kind: "folder".into(),
            location: "/srv/docs/public".into(),
            public: true,
            groups: vec!["public".into()],
        })
        .await
        .expect("source");
    let start = s.last_change_seq().await.expect("seq");

    let StoreOutcome::Added(id) = s
        .store_document(&doc(src, "retours.md", "h1", &["public"]))
        .await
        .expect("add")
    else {
        panic!("expected Added");
    };
    assert_eq!(
        s.store_document(&doc(src, "retours.md", "h1", &["public"]))
            .await
            .expect("same"),
        StoreOutcome::Unchanged(id)
    );
    assert_eq!(
        s.store_document(&doc(src, "retours.md", "h2", &["public", "personnel"]))
            .await
            .expect("update"),
        StoreOutcome::Updated(id)
    );
    let listed = s.documents_of_source(src).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].version, 2);
    assert_eq!(
        s.document_groups(id).await.expect("groups"),
        vec!["personnel", "public"]
    );
    let full = s.full_document(id).await.expect("read").expect("exists");
    assert_eq!(full.chunks.len(), 1, "an update replaces the passages");
    assert_eq!(
        full.chunks[0].heading_path,
        vec!["Retours".to_string(), "Délai (h2)".to_string()]
    );
    assert_eq!(full.groups, vec!["personnel", "public"]);
    assert_eq!(
        s.document_id(src, "retours.md").await.expect("lookup"),
        Some(id)
    );

    assert!(s.remove_document(id).await.expect("remove"));
    assert!(!s.remove_document(id).await.expect("remove twice"));
    assert!(
        !s.remove_document(DocumentId(999_999))
            .await
            .expect("remove missing")
    );
    assert!(
        s.full_document(id).await.expect("read").is_none(),
        "passages and document removed"
    );

    let changes = s.changes_since(start, 100).await.expect("changes");
    let ops: Vec<(Entity, i64, ChangeOp)> = changes
        .iter()
        .map(|c| (c.entity, c.entity_id, c.op))
        .collect();
    assert_eq!(
        ops,
        vec![
            (Entity::Document, id.0, ChangeOp::Upsert),
            (Entity::Document, id.0, ChangeOp::Upsert),
            (Entity::Document, id.0, ChangeOp::Delete),
        ]
    );
    assert!(
        changes.windows(2).all(|w| w[1].seq == w[0].seq + 1),
        "{changes:?}"
    );
    assert_eq!(
        s.changes_since(changes[1].seq, 100)
            .await
            .expect("tail")
            .len(),
        1
    );
}

/// A document of a batch test: `n` passages, hash `hash`.
fn batch_doc(source: SourceId, i: usize, hash: &str, groups: &[&str]) -> NewDocument {
    let mut d = doc(source, &format!("notes/{i:04}.md"), hash, groups);
    d.chunks = (0..3)
        .map(|ordinal| NewChunk {
            ordinal,
            heading_path: vec![format!("Note {i}")],
            body: format!("Passage {ordinal} de la note {i} ({hash})."),
            language: Some("fr".into()),
            start_offset: ordinal * 40,
            end_offset: ordinal * 40 + 40,
        })
        .collect();
    d
}

async fn documents_are_stored_and_read_in_batches(t: &TestStore) {
    let s = &t.store;
    for slug in ["public", "personnel"] {
        s.upsert_group(slug, slug, "").await.expect("group");
    }
    let src = s
        .upsert_source(&NewSource {
            name: "notes".into(),
            kind: "folder".into(),
            location: "/srv/notes".into(),
            public: false,
            groups: vec![],
        })
        .await
        .expect("source");
    let start = s.last_change_seq().await.expect("seq");
    let events = s.last_event_seq().await.expect("events");

    // Enough documents that every statement is cut in several; one names an unknown group,
    // and the first comes again at the end with new content.
    let count = 300;
    let mut batch: Vec<NewDocument> = (0..count)
        .map(|i| batch_doc(src, i, "v1", &["Personnel "]))
        .collect();
    batch[7].groups.push("inconnu".into());
    batch.push(batch_doc(src, 0, "v2", &["public"]));
    let outcomes = s.store_documents(&batch).await.expect("batch");
    assert_eq!(outcomes.len(), count + 1);
    assert!(
        matches!(&outcomes[7], Err(StoreError::Invalid(m)) if m.contains("inconnu")),
        "{:?}",
        outcomes[7]
    );
    let ids: Vec<DocumentId> = outcomes[..count]
        .iter()
        .filter_map(|o| match o {
            Ok(StoreOutcome::Added(id)) => Some(*id),
            _ => None,
        })
        .collect();
    assert_eq!(ids.len(), count - 1, "every other document is added");
    assert!(matches!(outcomes[count], Ok(StoreOutcome::Updated(id)) if id == ids[0]));

    // Read back in one call, in the order asked, the missing one left out.
    let mut asked = ids.clone();
    asked.insert(1, DocumentId(999_999));
    let full = s.full_documents(&asked).await.expect("read");
    assert_eq!(full.iter().map(|d| d.id).collect::<Vec<_>>(), ids);
    assert_eq!(
        (full[0].version, full[0].groups.clone()),
        (2, vec!["public".into()])
    );
    assert_eq!(full[1].groups, vec!["personnel"]);
    assert!(full.iter().all(|d| d.chunks.len() == 3));
    assert_eq!(full[5].chunks[2].body, "Passage 2 de la note 5 (v1).");
    assert_eq!(
        Some(&full[5]),
        s.full_document(ids[5]).await.expect("one").as_ref()
    );
    let indexable = s.indexable_documents(&ids[..2]).await.expect("indexable");
    assert_eq!(indexable[1].body, None, "without the whole text");
    assert_eq!(indexable[1].chunks, full[1].chunks);
    assert!(full[1].body.is_some());

    // The same batch again: unchanged, except a new content, new groups and new metadata.
    batch.truncate(count);
    batch[7].groups.pop();
    batch[0] = batch_doc(src, 0, "v2", &["public"]);
    batch[2].content_hash = "v3".into();
    batch[3].groups = vec!["public".into()];
    batch[4].metadata = serde_json::json!({"file_size": 12});
    let outcomes = s.store_documents(&batch).await.expect("again");
    let kinds: Vec<&str> = outcomes
        .iter()
        .map(|o| match o.as_ref().expect("stored") {
            StoreOutcome::Added(_) => "added",
            StoreOutcome::Updated(_) => "updated",
            StoreOutcome::Unchanged(_) => "unchanged",
        })
        .collect();
    assert_eq!(
        kinds[..9],
        [
            "unchanged",
            "unchanged",
            "updated",
            "updated",
            "unchanged",
            "unchanged",
            "unchanged",
            "added",
            "unchanged"
        ]
    );
    let known = s.source_documents(src).await.expect("known");
    assert_eq!(
        known["notes/0004.md"].1,
        serde_json::json!({"file_size": 12})
    );
    assert_eq!(
        s.document_groups(ids[3]).await.expect("groups"),
        vec!["public"]
    );

    // One change and one event per written document, in the batch's order, without gaps.
    let changes = s.changes_since(start, 1000).await.expect("changes");
    assert_eq!(changes.len(), count - 1 + 1 + 3);
    assert!(changes.windows(2).all(|w| w[1].seq == w[0].seq + 1));
    assert_eq!(changes[0].entity_id, ids[0].0);
    assert_eq!(
        changes[count - 1].entity_id,
        ids[0].0,
        "the later version last"
    );
    assert_eq!(changes[count].entity_id, ids[2].0);
    let stored = s
        .events(&EventQuery {
            after_seq: events,
            kinds: vec!["document_stored".into()],
            ..EventQuery::default()
        })
        .await
        .expect("events");
    assert_eq!(stored.len(), changes.len());
}

async fn events_are_ordered_queryable_and_append_only(t: &TestStore) {
    let s = &t.store;
    let base = s.last_event_seq().await.expect("seq");
    for (i, at) in [1_000, 2_000, 3_000].into_iter().enumerate() {
        let kind = if i == 1 {
            EventKind::DemoLoaded {
                documents: 1,
                faq_entries: 2,
                leads: 3,
            }
        } else {
            EventKind::BackupWritten { bytes: i as i64 }
        };
        s.append_event(&Event {
            at: Timestamp(at),
            actor: None,
            kind,
        })
        .await
        .expect("append");
    }
    let all = s
        .events(&EventQuery {
            after_seq: base,
            ..Default::default()
        })
        .await
        .expect("read");
    assert_eq!(
        all.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![base + 1, base + 2, base + 3]
    );
    assert_eq!(
        all[1].kind(),
        Some(EventKind::DemoLoaded {
            documents: 1,
            faq_entries: 2,
            leads: 3
        })
    );
    let ranged = s
        .events(&EventQuery {
            from: Some(Timestamp(1_500)),
            until: Some(Timestamp(3_000)),
            ..Default::default()
        })
        .await
        .expect("range");
    assert_eq!(ranged.len(), 1);
    let by_kind = s
        .events(&EventQuery {
            kinds: vec!["backup_written".into()],
            after_seq: base,
            ..Default::default()
        })
        .await
        .expect("kind");
    assert_eq!(by_kind.len(), 2);

    assert!(
        common::raw_sql(&t.config, "UPDATE events SET kind = 'x'")
            .await
            .is_err(),
        "update allowed"
    );
    assert!(
        common::raw_sql(&t.config, "DELETE FROM events")
            .await
            .is_err(),
        "delete allowed"
    );
    assert_eq!(s.last_event_seq().await.expect("seq"), base + 3);
}

async fn concurrent_writers_lose_nothing(t: &TestStore) {
    // Two pools on the same database stand for two processes.
    let other = Store::open(&t.config).await.expect("second store");
    let base = t.store.last_event_seq().await.expect("seq");
    let mut handles = Vec::new();
    for w in 0..8 {
        let s = if w % 2 == 0 {
            t.store.clone()
        } else {
            other.clone()
        };
        handles.push(tokio::spawn(async move {
            for i in 0..40 {
                s.append_event(&Event::now(EventKind::BackupWritten {
                    bytes: w * 1000 + i,
                }))
                .await
                .expect("append under contention");
            }
        }));
    }
    for h in handles {
        h.await.expect("writer");
    }
    let events = t
        .store
        .events(&EventQuery {
            after_seq: base,
            ..Default::default()
        })
        .await
        .expect("read");
    assert_eq!(events.len(), 320);
    let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(
        seqs,
        (base + 1..=base + 320).collect::<Vec<_>>(),
        "gaps or duplicates"
    );
    let mut payloads: Vec<i64> = events
        .iter()
        .filter_map(|e| match e.kind() {
            Some(EventKind::BackupWritten { bytes }) => Some(bytes),
            _ => None,
        })
        .collect();
    payloads.sort_unstable();
    payloads.dedup();
    assert_eq!(payloads.len(), 320, "an event was lost or duplicated");
}

async fn faq_leads_and_use_cases_are_counted(t: &TestStore) {
    let s = &t.store;
    let before = s.counts().await.expect("counts");
    s.create_faq_entry(&NewFaqEntry {
        question: "Quels sont les délais de livraison ?".into(),
        answer: "48 à 72 heures ouvrées en France métropolitaine.".into(),
        category: "livraison".into(),
        language: "fr".into(),
        public: true,
        phrasings: vec![
            "Je reçois ma commande quand ?".into(),
            "delai livraison".into(),
        ],
    })
    .await
    .expect("faq");
    assert!(
        s.create_faq_entry(&NewFaqEntry {
            question: " ".into(),
            answer: "x".into(),
            category: String::new(),
            language: "fr".into(),
            public: true,
            phrasings: vec![],
        })
        .await
        .is_err()
    );
    s.create_lead(
        &NewLead {
            first_name: "Élodie".into(),
            last_name: "Garnier".into(),
            email: Some("e.garnier@cabinet-garnier.fr".into()),
            status: "won".into(),
            estimated_amount: Some(12_500.0),
            employees: Some(12),
            created_at: Timestamp(1_700_000_000_000),
            closed_at: Some(Timestamp(1_702_000_000_000)),
            attributes: serde_json::json!({"effectif": "10-49"}),
            ..NewLead::default()
        },
        &[LeadInteraction {
            at: Timestamp(1_700_100_000_000),
            kind: "appel".into(),
            note: "Premier contact".into(),
        }],
    )
    .await
    .expect("lead");
    assert!(
        s.create_lead(
            &NewLead {
                status: "maybe".into(),
                ..NewLead::default()
            },
            &[]
        )
        .await
        .is_err()
    );
    let uc = NewUseCase {
        name: "Tri des emails".into(),
        process: "Boîte contact@".into(),
        pain: "2 h par jour".into(),
        frequency_per_month: 900,
        minutes_per_occurrence: 3,
        people_involved: 3,
        data_available: "Historique de 2 ans".into(),
        risk: "basse".into(),
        impact: 4,
        feasibility: 5,
    };
    let a = s.upsert_use_case(&uc).await.expect("use case");
    assert_eq!(s.upsert_use_case(&uc).await.expect("same name"), a);
    assert_eq!(
        s.use_cases().await.expect("inventory"),
        vec![(a, uc.clone())]
    );
    assert!(
        s.upsert_use_case(&NewUseCase { impact: 9, ..uc })
            .await
            .is_err()
    );
    let after = s.counts().await.expect("counts");
    assert_eq!(after.faq_entries, before.faq_entries + 1);
    assert_eq!(after.faq_phrasings, before.faq_phrasings + 3);
    assert_eq!(after.leads, before.leads + 1);
    assert_eq!(after.lead_interactions, before.lead_interactions + 1);
    assert_eq!(after.use_cases, before.use_cases + 1);
}

async fn only_one_first_account_is_created(t: &TestStore) {
    // Eight first-run requests at once, from two pools (two nodes): exactly one admin.
    let other = Store::open(&t.config).await.expect("second store");
    let mut handles = Vec::new();
    for i in 0..8 {
        let s = if i % 2 == 0 {
            t.store.clone()
        } else {
            other.clone()
        };
        handles.push(tokio::spawn(async move {
            s.create_first_user(&user(&format!("admin{i}@ergolis.fr"), Role::Admin, &[]))
                .await
        }));
    }
    let mut created = 0;
    for h in handles {
        match h.await.expect("task") {
            Ok(_) => created += 1,
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!(created, 1);
    assert_eq!(t.store.user_count().await.expect("count"), 1);
}
