//! E-mail triage's store (mails once per key, routing into the support inbox, corrections,
//! routing rules, KPI events), every case on SQLite and on a real PostgreSQL server.

mod common;

use common::TestStore;
use levier_core::ids::UserId;
use levier_core::{EventKind, Role};
use levier_store::Store;
use levier_store::directory::NewUser;
use levier_store::events::EventQuery;
use levier_store::mail::{
    MailQuery, MailRuleSpec, MailStatus, NewMail, Route, RouteFacts, TargetKind, route_for,
};
use levier_store::support::{Author, MessageView, NewMessage, TicketPriority, TicketStatus};

on_both_backends!(
    a_mail_is_stored_once_per_key,
    a_routed_mail_is_a_ticket_in_the_inbox_once,
    a_correction_is_recorded_and_moves_the_route,
    rules_are_stored_in_order_and_validated,
    replies_and_resolution_of_a_mail_ticket_are_measured,
    listings_filter_by_category_review_and_spam,
);

fn mail(key: &str, category: &str) -> NewMail {
    NewMail {
        message_key: key.into(),
        thread_key: format!("thread-{key}"),
        source: format!("{key}.eml"),
        from_address: "client@exemple.fr".into(),
        subject: format!("Sujet {key}"),
        body: "Bonjour, ma commande n'est pas arrivée.".into(),
        new_text: "Bonjour, ma commande n'est pas arrivée.".into(),
        attachments: serde_json::json!([{ "name": "bon.pdf" }]),
        category: category.into(),
        confidence: 0.8,
        urgency: Some("haute".into()),
        language: Some("fr".into()),
        sentiment: "negatif".into(),
        ..NewMail::default()
    }
}

async fn agent(s: &Store, email: &str) -> UserId {
    s.create_user(
        &NewUser {
            email: email.into(),
            display_name: "Agent".into(),
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

async fn kinds(s: &Store) -> Vec<EventKind> {
    s.events(&EventQuery::default())
        .await
        .expect("events")
        .iter()
        .filter_map(|e| e.kind())
        .filter(|k| k.name().starts_with("mail_"))
        .collect()
}

async fn a_mail_is_stored_once_per_key(t: &TestStore) {
    let s = &t.store;
    let first = s
        .store_mail(&mail("<a@x>", "livraison"))
        .await
        .expect("store");
    assert!(first.created);
    assert_eq!(first.mail.status, MailStatus::New);
    let again = s.store_mail(&mail("<a@x>", "autre")).await.expect("again");
    assert!(!again.created);
    assert_eq!(again.mail, first.mail, "the first import stands");
    let mut spam = mail("<s@x>", "autre");
    spam.spam = true;
    spam.spam_score = 0.97;
    let spam = s.store_mail(&spam).await.expect("spam").mail;
    assert_eq!(spam.status, MailStatus::Spam);
    let events = kinds(s).await;
    assert_eq!(events.len(), 5, "{events:?}");
    assert!(events.contains(&EventKind::MailSpamCaught {
        mail_id: spam.id,
        probability: 0.97
    }));
    let empty = s.store_mail(&mail(" ", "autre")).await;
    assert!(empty.is_err());
}

async fn a_routed_mail_is_a_ticket_in_the_inbox_once(t: &TestStore) {
    let s = &t.store;
    let id = s
        .store_mail(&mail("<r@x>", "livraison"))
        .await
        .expect("store")
        .mail
        .id;
    let route = Route::default_queue();
    let routed = s
        .route_mail(id, &route, serde_json::json!([]))
        .await
        .expect("route");
    assert_eq!(routed.status, MailStatus::Routed);
    assert_eq!(routed.route.as_deref(), Some("queue:général"));
    let ticket = s
        .ticket(routed.ticket_id.expect("ticket"))
        .await
        .expect("read")
        .expect("ticket");
    assert_eq!(ticket.category, "livraison");
    assert_eq!(ticket.priority, TicketPriority::High, "from the urgency");
    assert_eq!(ticket.handoff_reason.as_deref(), Some("email"));
    let conversation = s
        .conversation(ticket.conversation_id)
        .await
        .expect("read")
        .expect("conversation");
    assert_eq!(conversation.channel, "email");
    assert_eq!(conversation.subject, "Sujet <r@x>");
    let again = s
        .route_mail(id, &route, serde_json::json!([]))
        .await
        .expect("again");
    assert_eq!(again.ticket_id, routed.ticket_id);
    let messages = s
        .messages_after(ticket.conversation_id, None, MessageView::Agent, 10)
        .await
        .expect("messages");
    assert_eq!(messages.len(), 1, "one message per mail");
    assert!(messages[0].body.contains("bon.pdf"));
    // Drafted answers are given to the ticket once; later drafts do not replace them.
    let drafted = serde_json::json!([{ "entry_id": 3, "question": "Où est mon colis ?" }]);
    assert!(
        s.suggest_for_ticket(ticket.id, &drafted)
            .await
            .expect("suggest")
    );
    let other = serde_json::json!([{ "entry_id": 4 }]);
    assert!(
        !s.suggest_for_ticket(ticket.id, &other)
            .await
            .expect("again")
    );
    let ticket = s.ticket(ticket.id).await.expect("read").expect("ticket");
    assert_eq!(ticket.suggested_answers, drafted);
    let routed_events = kinds(s)
        .await
        .into_iter()
        .filter(|k| matches!(k, EventKind::MailRouted { .. }))
        .count();
    assert_eq!(routed_events, 1);
}

async fn a_correction_is_recorded_and_moves_the_route(t: &TestStore) {
    let s = &t.store;
    let who = agent(s, "compta@ergolis.fr").await;
    let rule = s
        .create_mail_rule(&MailRuleSpec {
            name: "Factures".into(),
            categories: vec!["facturation".into()],
            target_kind: Some(TargetKind::Agent),
            target: "Compta".into(),
            assignee: Some(who),
            enabled: true,
            ..Default::default()
        })
        .await
        .expect("rule");
    let mut new = mail("<c@x>", "livraison");
    new.to_review = true;
    let id = s.store_mail(&new).await.expect("store").mail.id;
    s.route_mail(id, &Route::default_queue(), serde_json::json!([]))
        .await
        .expect("route");
    let corrected = s
        .correct_mail_category(id, "facturation", who)
        .await
        .expect("correct");
    assert_eq!(corrected.mail.category, "facturation");
    assert!(!corrected.mail.to_review);
    let facts = RouteFacts {
        category: Some(corrected.mail.category.clone()),
        sender: corrected.mail.from_address.clone(),
        text: corrected.mail.new_text.clone(),
        language: corrected.mail.language.clone(),
    };
    let route = route_for(&s.mail_rules().await.expect("rules"), &facts);
    assert_eq!(route.rule_id, Some(rule.id));
    let moved = s.reroute_mail(id, &route).await.expect("reroute");
    assert_eq!(moved.route.as_deref(), Some("agent:Compta"));
    let ticket = s
        .ticket(moved.ticket_id.expect("ticket"))
        .await
        .expect("read")
        .expect("ticket");
    assert_eq!(ticket.category, "facturation");
    assert_eq!(ticket.assignee, Some(who));
    let corrections = s.mail_corrections(id).await.expect("corrections");
    assert_eq!(corrections.len(), 1);
    assert_eq!(
        (corrections[0].from.as_str(), corrections[0].to.as_str()),
        ("livraison", "facturation")
    );
    // The same category again only confirms: no second correction.
    s.correct_mail_category(id, "facturation", who)
        .await
        .expect("confirm");
    assert_eq!(s.mail_corrections(id).await.expect("again").len(), 1);
    s.correct_mail_spam(id, true, who).await.expect("spam");
    let training = s.corrected_mails().await.expect("training");
    assert_eq!(training.len(), 1);
    assert!(training[0].spam);
    let events = kinds(s).await;
    assert!(events.contains(&EventKind::MailReclassified {
        mail_id: id,
        from: "livraison".into(),
        to: "facturation".into()
    }));
    assert!(events.contains(&EventKind::MailSpamMissed { mail_id: id }));
}

async fn rules_are_stored_in_order_and_validated(t: &TestStore) {
    let s = &t.store;
    let spec = |name: &str, position: i64| MailRuleSpec {
        name: name.into(),
        position,
        sender_domains: vec![" Client.FR ".into()],
        keywords: vec!["URGENT".into()],
        target_kind: Some(TargetKind::Team),
        target: "sav".into(),
        priority: Some(TicketPriority::Urgent),
        enabled: true,
        ..Default::default()
    };
    let second = s.create_mail_rule(&spec("B", 2)).await.expect("b");
    let first = s.create_mail_rule(&spec("A", 1)).await.expect("a");
    assert_eq!(first.spec.sender_domains, vec!["client.fr"]);
    assert_eq!(first.spec.keywords, vec!["urgent"]);
    let rules = s.mail_rules().await.expect("rules");
    assert_eq!(
        rules.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![first.id, second.id]
    );
    let mut changed = spec("A2", 3);
    changed.enabled = false;
    let updated = s
        .update_mail_rule(first.id, &changed)
        .await
        .expect("update");
    assert_eq!(updated.spec.name, "A2");
    assert!(!updated.spec.enabled);
    let no_target = MailRuleSpec {
        target: " ".into(),
        ..spec("C", 4)
    };
    let err = s.create_mail_rule(&no_target).await.expect_err("refused");
    assert!(err.to_string().contains("target"), "{err}");
    s.delete_mail_rule(second.id).await.expect("delete");
    assert!(s.delete_mail_rule(second.id).await.is_err());
    assert_eq!(s.mail_rules().await.expect("rules").len(), 1);
}

async fn replies_and_resolution_of_a_mail_ticket_are_measured(t: &TestStore) {
    let s = &t.store;
    let who = agent(s, "sav@ergolis.fr").await;
    let id = s
        .store_mail(&mail("<m@x>", "livraison"))
        .await
        .expect("store")
        .mail
        .id;
    let routed = s
        .route_mail(id, &Route::default_queue(), serde_json::json!([]))
        .await
        .expect("route");
    let ticket = routed.ticket_id.expect("ticket");
    let conversation = routed.conversation_id.expect("conversation");
    for body in ["Nous regardons.", "Le colis part demain."] {
        s.append_message(&NewMessage {
            conversation_id: conversation,
            author: Author::Agent(who),
            body: body.into(),
            internal: false,
            client_key: None,
            metadata: serde_json::json!({}),
        })
        .await
        .expect("reply");
    }
    s.set_ticket_status(ticket, TicketStatus::Resolved, Some(who))
        .await
        .expect("resolve");
    let events = kinds(s).await;
    let first = events
        .iter()
        .filter(|k| matches!(k, EventKind::MailFirstReply { mail_id, .. } if *mail_id == id))
        .count();
    let resolved = events
        .iter()
        .filter(|k| matches!(k, EventKind::MailResolved { mail_id, .. } if *mail_id == id))
        .count();
    assert_eq!((first, resolved), (1, 1), "{events:?}");
}

async fn listings_filter_by_category_review_and_spam(t: &TestStore) {
    let s = &t.store;
    let mut unsure = mail("<1@x>", "facturation");
    unsure.to_review = true;
    s.store_mail(&unsure).await.expect("1");
    s.store_mail(&mail("<2@x>", "facturation"))
        .await
        .expect("2");
    s.store_mail(&mail("<3@x>", "livraison")).await.expect("3");
    let mut spam = mail("<4@x>", "autre");
    spam.spam = true;
    s.store_mail(&spam).await.expect("4");
    let q = |category: Option<&str>, to_review, spam| MailQuery {
        category: category.map(str::to_owned),
        to_review,
        spam,
        limit: None,
    };
    let count = |v: Vec<_>| v.len();
    assert_eq!(count(s.mails(&q(None, None, None)).await.expect("all")), 4);
    assert_eq!(
        count(
            s.mails(&q(Some("facturation"), None, None))
                .await
                .expect("f")
        ),
        2
    );
    assert_eq!(
        count(s.mails(&q(None, Some(true), None)).await.expect("r")),
        1
    );
    assert_eq!(
        count(s.mails(&q(None, None, Some(false))).await.expect("h")),
        3
    );
    let categories = s.mail_categories().await.expect("categories");
    assert_eq!(categories[0].category, "facturation");
    assert_eq!((categories[0].mails, categories[0].to_review), (2, 1));
    assert_eq!(categories.len(), 2, "spam is not a category");
}
