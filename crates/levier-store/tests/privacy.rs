//! GDPR export and erasure of one person's data (privacy.rs), every case on SQLite and on a
//! real PostgreSQL server: what an export gathers, that an erasure leaves nothing of the person
//! and touches no one else, and that the event log stays append-only outside a recorded
//! rewrite.

mod common;

use common::{TestStore, raw_sql};
use levier_core::ids::{ContactId, ConversationId, MessageId, UserId};
use levier_core::{Event, EventKind, Role, Timestamp};
use levier_store::answer_ratings::AnswerRating;
use levier_store::directory::NewUser;
use levier_store::events::EventQuery;
use levier_store::faq::{NewFaqEntry, PhrasingOrigin};
use levier_store::leads::{LeadInteraction, NewLead};
use levier_store::mail::{NewMail, Route};
use levier_store::privacy::ERASED;
use levier_store::support::{
    Author, Handoff, MessageView, NewConversation, NewMessage, NewSite, PilotScope, TicketPriority,
};
use levier_store::{Store, StoreError};

on_both_backends!(
    export_gathers_what_erasure_removes_and_no_one_else_is_touched,
    an_employee_account_is_anonymised_and_closed,
    the_event_log_accepts_only_a_recorded_payload_rewrite,
    an_address_that_is_not_one_is_refused,
);

const MARIE: &str = "marie.dupont@exemple.fr";
/// Another customer whose address contains Marie's: `LIKE` finds both, the erasure must not.
const OTHER: &str = "amarie.dupont@exemple.fr";

async fn agent(s: &Store) -> UserId {
    s.create_user(
        &NewUser {
            email: "agent@ergolis.fr".into(),
            display_name: "Agent Ergolis".into(),
            role: Role::Agent,
            password_hash: None,
            team: None,
            groups: vec![],
        },
        None,
    )
    .await
    .expect("agent")
}

async fn widget_conversation(s: &Store, customer_text: &str) -> (ConversationId, MessageId) {
    let site = match s.sites().await.expect("sites").into_iter().next() {
        Some(site) => site,
        None => s
            .create_site(&NewSite {
                name: "Site".into(),
                allowed_origins: vec!["https://www.ergolis.fr/".into()],
                default_language: "fr".into(),
                pilot_scope: PilotScope::default(),
            })
            .await
            .expect("site"),
    };
    let started = s
        .start_conversation(&NewConversation {
            site_id: site.id,
            contact_id: None,
            language: Some("fr".into()),
        })
        .await
        .expect("conversation");
    let c = started.conversation.id;
    let m = say(s, c, Author::Customer, customer_text).await;
    (c, m)
}

async fn say(s: &Store, c: ConversationId, author: Author, text: &str) -> MessageId {
    s.append_message(&NewMessage {
        conversation_id: c,
        author,
        body: text.into(),
        internal: false,
        client_key: None,
        metadata: serde_json::json!({}),
    })
    .await
    .expect("message")
    .message
    .id
}

/// Marie's traces everywhere, and another customer's beside them.
async fn marie_everywhere(t: &TestStore) -> (ConversationId, ConversationId) {
    let s = &t.store;
    let agent = agent(s).await;
    let question = "Bonjour, je suis marie.dupont@exemple.fr, où en est ma commande 4521 ?";
    let (c, m) = widget_conversation(s, question).await;
    say(
        s,
        c,
        Author::Agent(agent),
        "Bonjour Marie Dupont, elle part demain.",
    )
    .await;
    s.hand_off(
        &Handoff {
            conversation_id: c,
            reason: "customer_asked".into(),
            priority: TicketPriority::Normal,
            category: "livraison".into(),
            subject: "Commande 4521".into(),
            suggested_answers: serde_json::json!(["Bonjour Marie Dupont"]),
            first_response_due_at: None,
            resolution_due_at: None,
        },
        None,
    )
    .await
    .expect("handoff");
    s.mark_out_of_scope(m, agent).await.expect("out of scope");
    let entry = s
        .create_faq_entry(&NewFaqEntry {
            question: "Où en est ma commande ?".into(),
            answer: "Suivez-la dans votre espace.".into(),
            category: "livraison".into(),
            language: "fr".into(),
            public: true,
            phrasings: vec![],
        })
        .await
        .expect("entry");
    s.add_faq_phrasing(entry, question, PhrasingOrigin::Agent, Some(agent))
        .await
        .expect("phrasing");
    let (other, _) = widget_conversation(
        s,
        "Bonjour, je suis amarie.dupont@exemple.fr, une question.",
    )
    .await;
    let contact = "INSERT INTO contacts (id, email, display_name, phone, created_at, updated_at)
         VALUES (77, 'Marie.Dupont@exemple.fr', 'Marie Dupont', '+33612345678', 0, 0)";
    raw_sql(&t.config, contact).await.expect("contact");
    // A conversation of hers found by her contact alone: she wrote no address in it.
    let (by_contact, _) = widget_conversation(s, "Où est mon colis ?").await;
    s.set_conversation_contact(by_contact, Some(ContactId(77)))
        .await
        .expect("link");
    let mail = s
        .store_mail(&NewMail {
            message_key: "<m1@exemple.fr>".into(),
            thread_key: "t1".into(),
            source: "imap:INBOX/42".into(),
            from_address: "Marie.Dupont@exemple.fr".into(),
            from_name: "Marie Dupont".into(),
            to_addresses: vec!["support@ergolis.fr".into()],
            subject: "Facture".into(),
            body: "Ma facture est fausse. Marie Dupont, 06 12 34 56 78".into(),
            new_text: "Ma facture est fausse.".into(),
            attachments: serde_json::json!([{"name": "facture.pdf", "text": "Marie Dupont"}]),
            category: "facturation".into(),
            confidence: 0.9,
            ..NewMail::default()
        })
        .await
        .expect("mail");
    s.route_mail(mail.mail.id, &Route::default_queue(), serde_json::json!([]))
        .await
        .expect("route");
    // The company's reply to her alone is about her: erased like hers.
    s.store_mail(&NewMail {
        message_key: "<r1@ergolis.fr>".into(),
        thread_key: "t1".into(),
        from_address: "support@ergolis.fr".into(),
        to_addresses: vec![MARIE.into()],
        subject: "Re: Facture".into(),
        body: "Bonjour Marie Dupont, voici l'avoir.".into(),
        ..NewMail::default()
    })
    .await
    .expect("reply to her");
    // A colleague's mail to her and others: hers to the sender, only her address goes.
    s.store_mail(&NewMail {
        message_key: "<m2@ergolis.fr>".into(),
        thread_key: "t2".into(),
        from_address: "paul@ergolis.fr".into(),
        to_addresses: vec!["Marie.Dupont@exemple.fr".into(), "jean@exemple.fr".into()],
        subject: "Votre devis".into(),
        body: "Voici le devis.".into(),
        ..NewMail::default()
    })
    .await
    .expect("mail to her");
    s.create_lead(
        &NewLead {
            first_name: "Marie".into(),
            last_name: "Dupont".into(),
            email: Some(MARIE.into()),
            phone: Some("+33612345678".into()),
            status: "open".into(),
            created_at: Timestamp(1_700_000_000_000),
            normalised: serde_json::json!({"email": MARIE}),
            ..NewLead::default()
        },
        &[LeadInteraction {
            at: Timestamp(1_700_000_100_000),
            kind: "appel".into(),
            note: "Rappeler Marie".into(),
        }],
    )
    .await
    .expect("lead");
    for place in [
        serde_json::json!({"conversation_id": c.0, "customer": "Marie Dupont"}),
        serde_json::json!({"conversation_id": other.0, "customer": OTHER}),
    ] {
        s.append_event(&Event::now(EventKind::LlmFellBack(
            serde_json::json!({"use_case": "assistant", "reason": "slow", "place": place}),
        )))
        .await
        .expect("event");
    }
    s.append_event(&Event::now(EventKind::BackupWritten { bytes: 4096 }))
        .await
        .expect("backup event");
    (c, other)
}

async fn export_gathers_what_erasure_removes_and_no_one_else_is_touched(t: &TestStore) {
    let s = &t.store;
    let (c, other) = marie_everywhere(t).await;
    let record = s
        .export_person(" Marie.Dupont@Exemple.fr ")
        .await
        .expect("export");
    let counts = record.counts();
    let expected = [
        ("contacts", 1),
        ("conversations", 3),
        ("messages", 4),
        ("tickets", 2),
        ("mails", 2),
        ("mails_received", 1),
        ("leads", 1),
        ("lead_interactions", 1),
        ("faq_phrasings", 1),
        ("faq_out_of_scope", 1),
        ("events", 1),
    ];
    for (kind, n) in expected {
        assert_eq!(counts.get(kind), Some(&n), "{kind}: {counts:?}");
    }
    let text = serde_json::to_string(&record).expect("json");
    assert!(text.contains("commande 4521") && text.contains("Ma facture est fausse"));
    assert!(
        !text.contains("une question."),
        "the other customer's message: {text}"
    );
    assert_eq!(record.elsewhere.mail_sources, vec!["imap:INBOX/42"]);
    assert_eq!(record.elsewhere.backups.len(), 1);
    assert_eq!(record.elsewhere.backups[0]["bytes"], 4096);
    let events_before = s.last_event_seq().await.expect("seq");

    let erasure = s.erase_person(MARIE).await.expect("erase");
    assert_eq!(erasure.erased, counts);
    assert_eq!(erasure.elsewhere, record.elsewhere);
    let after = s.export_person(MARIE).await.expect("export after");
    assert!(after.is_empty(), "{:?}", after.counts());

    // Conversations stay for the KPIs, without a word of hers; the other customer's is intact.
    let mine = s
        .messages_after(c, None, MessageView::Agent, 100)
        .await
        .expect("messages");
    assert!(!mine.is_empty() && mine.iter().all(|m| m.body == ERASED));
    let theirs = s
        .messages_after(other, None, MessageView::Agent, 100)
        .await
        .expect("messages");
    assert!(theirs[0].body.contains(OTHER));
    // The log keeps every event; no payload names her, the other customer's still names them.
    assert_eq!(s.last_event_seq().await.expect("seq"), events_before);
    let log = serde_json::to_string(
        &s.events(&EventQuery::default())
            .await
            .expect("events")
            .iter()
            .map(|e| e.payload.clone())
            .collect::<Vec<_>>(),
    )
    .expect("json");
    assert!(
        !log.contains("Marie Dupont") && log.contains(OTHER),
        "{log}"
    );
    // What the assistant learnt from her is gone, and every node hears of it.
    let examples = s.out_of_scope_examples().await.expect("examples");
    assert!(examples.iter().all(|e| !e.contains("4521")), "{examples:?}");
    let changes = s.changes_since(0, 1000).await.expect("changes");
    assert!(changes.iter().any(|ch| {
        ch.entity == levier_store::changes::Entity::OutOfScopeExample
            && ch.op == levier_store::changes::ChangeOp::Delete
    }));
    let to_her = s
        .mails(&Default::default())
        .await
        .expect("mails")
        .into_iter()
        .find(|m| m.mail.from_address == "paul@ergolis.fr")
        .expect("the colleague's mail stays");
    assert_eq!(to_her.mail.to_addresses, [ERASED, "jean@exemple.fr"]);
    assert_eq!(to_her.mail.body, "Voici le devis.");
    // A second erasure finds nothing more.
    let again = s.erase_person(MARIE).await.expect("erase again");
    assert!(again.erased.is_empty(), "{:?}", again.erased);
}

async fn an_employee_account_is_anonymised_and_closed(t: &TestStore) {
    let s = &t.store;
    let id = s
        .create_user(
            &NewUser {
                email: "Claire.Petit@ergolis.fr".into(),
                display_name: "Claire Petit".into(),
                role: Role::Member,
                password_hash: Some("hash".into()),
                team: Some("compta".into()),
                groups: vec![],
            },
            None,
        )
        .await
        .expect("user");
    s.rate_answer(&AnswerRating {
        user_id: Some(id),
        question: "congés de Claire Petit ?".into(),
        document_id: None,
        useful: false,
        comment: "rien trouvé".into(),
        at: Timestamp(1_700_000_000_000),
    })
    .await
    .expect("rating");
    // A customer who names her: the conversation is the customer's, only her address goes.
    let said = "J'ai déjà écrit à claire.petit@ergolis.fr la semaine dernière.";
    let (customer, _) = widget_conversation(s, said).await;
    let record = s
        .export_person("claire.petit@ergolis.fr")
        .await
        .expect("export");
    assert_eq!(record.counts().get("account"), Some(&1));
    assert_eq!(record.counts().get("answer_ratings"), Some(&1));

    let erasure = s
        .erase_person("claire.petit@ergolis.fr")
        .await
        .expect("erase");
    assert_eq!(erasure.erased.get("account"), Some(&1));
    assert_eq!(erasure.erased.get("messages"), None, "{:?}", erasure.erased);
    assert_eq!(erasure.erased.get("messages_mentioning"), Some(&1));
    let kept = s
        .messages_after(customer, None, MessageView::Agent, 10)
        .await
        .expect("messages");
    assert_eq!(
        kept[0].body,
        format!("J'ai déjà écrit à {ERASED} la semaine dernière.")
    );
    assert!(
        s.user_by_email("claire.petit@ergolis.fr")
            .await
            .expect("lookup")
            .is_none()
    );
    let users = s.users().await.expect("users");
    let user = users.iter().find(|u| u.id == id).expect("the row stays");
    assert!(user.disabled && user.display_name == ERASED && user.team.as_deref() == Some("compta"));
    assert!(
        s.export_person("claire.petit@ergolis.fr")
            .await
            .expect("export")
            .is_empty()
    );
}

async fn the_event_log_accepts_only_a_recorded_payload_rewrite(t: &TestStore) {
    let s = &t.store;
    let seq = s
        .append_event(&Event::now(EventKind::BackupWritten { bytes: 1 }))
        .await
        .expect("event");
    let refused = [
        format!("UPDATE events SET payload = '{{\"bytes\":2}}' WHERE seq = {seq}"),
        format!("DELETE FROM events WHERE seq = {seq}"),
    ];
    for sql in &refused {
        let e = raw_sql(&t.config, sql).await.expect_err(sql);
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
    let record = format!(
        "INSERT INTO event_redactions (event_seq, payload, reason, at) VALUES ({seq}, '{{\"bytes\":2}}', 'test', 0)"
    );
    raw_sql(&t.config, &record).await.expect("redaction row");
    let other_column =
        format!("UPDATE events SET payload = '{{\"bytes\":2}}', kind = 'other' WHERE seq = {seq}");
    assert!(raw_sql(&t.config, &other_column).await.is_err());
    let other_payload = format!("UPDATE events SET payload = '{{\"bytes\":3}}' WHERE seq = {seq}");
    assert!(raw_sql(&t.config, &other_payload).await.is_err());
    raw_sql(&t.config, &refused[0])
        .await
        .expect("the recorded rewrite");
    assert!(
        raw_sql(&t.config, &refused[1]).await.is_err(),
        "delete stays refused"
    );
    let events = s.events(&EventQuery::default()).await.expect("events");
    assert_eq!(
        events.last().map(|e| e.payload["bytes"].clone()),
        Some(2.into())
    );
}

async fn an_address_that_is_not_one_is_refused(t: &TestStore) {
    for bad in ["marie", "", "marie@@x.fr"] {
        match t.store.erase_person(bad).await {
            Err(StoreError::Invalid(m)) => assert!(m.starts_with("email:"), "{m}"),
            other => panic!("{bad:?}: {other:?}"),
        }
    }
}
