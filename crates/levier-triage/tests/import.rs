//! Importing the demo company's mailbox into a real SQLite store: every mail is a ticket,
//! spam, a machine's, or an error with its reason; a second import adds nothing; a broken
//! message fails alone; a correction reroutes the mail and its ticket.

mod common;

use common::{demo_emails, demo_model, store};
use levier_core::Role;
use levier_core::ids::UserId;
use levier_store::directory::NewUser;
use levier_store::mail::{MailQuery, MailRuleSpec, MailStatus, TargetKind};
use levier_triage::{
    Importer, MailLimits, correct_category, model_or_train, read_labelled_folder, stored_model,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_mailbox_becomes_tickets_once_and_corrections_reroute() {
    let dir = tempfile::tempdir().expect("dir");
    let store = store(dir.path()).await;
    let agent = store
        .create_user(
            &NewUser {
                email: "compta@ergolis.fr".into(),
                display_name: "Compta".into(),
                role: Role::Agent,
                password_hash: None,
                team: None,
                groups: vec![],
            },
            None,
        )
        .await
        .expect("agent");
    store
        .create_mail_rule(&MailRuleSpec {
            name: "Factures".into(),
            categories: vec!["facturation".into()],
            target_kind: Some(TargetKind::Agent),
            target: "Compta".into(),
            assignee: Some(agent),
            enabled: true,
            ..Default::default()
        })
        .await
        .expect("rule");
    let model = demo_model();
    let importer = Importer::new(&store, &model).await.expect("importer");
    let first = importer.import_path(&demo_emails()).await;
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    assert_eq!(first.read, 118, "the .eml files and the mailbox's messages");
    assert_eq!(first.stored, first.read);
    assert_eq!(
        first.routed + first.spam + first.automatic,
        first.stored,
        "no mail lost: {first:?}"
    );
    assert!(first.spam > 0 && first.routed > 50, "{first:?}");
    let again = importer.import_path(&demo_emails()).await;
    assert_eq!(
        (again.stored, again.already_stored, again.routed),
        (0, 118, 0)
    );

    let mails = store.mails(&MailQuery::default()).await.expect("mails");
    let routed: Vec<_> = mails
        .iter()
        .filter(|m| m.status == MailStatus::Routed)
        .collect();
    assert!(routed.iter().all(|m| m.ticket_id.is_some()));
    let to_move = routed
        .iter()
        .find(|m| m.mail.category != "facturation")
        .expect("a non-invoice mail");
    let moved = correct_category(&store, to_move.id, "facturation", UserId(agent.0))
        .await
        .expect("correct");
    assert_eq!(moved.route.as_deref(), Some("agent:Compta"));
    let ticket = store
        .ticket(moved.ticket_id.expect("ticket"))
        .await
        .expect("read")
        .expect("ticket");
    assert_eq!(
        (ticket.category.as_str(), ticket.assignee),
        ("facturation", Some(agent))
    );
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_message_fails_alone_with_its_place() {
    let dir = tempfile::tempdir().expect("dir");
    let store = store(dir.path()).await;
    let mails = dir.path().join("in");
    std::fs::create_dir_all(&mails).expect("mkdir");
    std::fs::write(mails.join("empty.eml"), b"").expect("empty");
    std::fs::write(
        mails.join("ok.eml"),
        b"From: Client <c@exemple.fr>\r\nSubject: Facture en double\r\n\r\nBonjour, j'ai recu deux fois la facture F-2024-118.\r\n",
    )
    .expect("ok");
    let model = demo_model();
    let importer = Importer::new(&store, &model).await.expect("importer");
    let report = importer.import_path(&mails).await;
    assert_eq!(report.read, 2);
    assert_eq!(report.stored, 1, "{report:?}");
    assert_eq!(report.errors.len(), 1);
    assert!(report.errors[0].source.ends_with("empty.eml"), "{report:?}");
    // The same bytes without a Message-ID are keyed by their hash: no duplicate.
    assert_eq!(importer.import_path(&mails).await.already_stored, 1);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_model_is_trained_once_and_forgotten_after_a_correction() {
    let dir = tempfile::tempdir().expect("dir");
    let store = store(dir.path()).await;
    assert!(stored_model(&store).await.expect("none").is_none());
    let labelled = || {
        read_labelled_folder(&demo_emails(), &MailLimits::default())
            .map(|set| set.into_iter().map(|m| m.example).collect())
    };
    model_or_train(&store, labelled).await.expect("trained");
    assert!(stored_model(&store).await.expect("stored").is_some());
    model_or_train(&store, || panic!("not trained twice"))
        .await
        .expect("stored model");
    store.close().await;
}
