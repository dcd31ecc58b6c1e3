//! Acknowledgements (`[smtp] acknowledge`) of mails just received, through a real store, the
//! `mail.send` task and lettre's client to the loopback SMTP sink: in the mail's language,
//! threaded, marked automatic, with the promised working hours and the `MailAcknowledged`
//! event; never for an auto-reply, spam, or an archive's old mails.

mod common;
#[path = "common/smtp_sink.rs"]
mod smtp_sink;

use common::{demo_model, store};
use levier_core::config::{SmtpConfig, SmtpSecurity, TaskConfig};
use levier_store::events::EventQuery;
use levier_store::tasks::Runner;
use levier_triage::{ImportReport, Importer, Mailer, RawMail, outbox};
use smtp_sink::SmtpSink;

fn raw(id: &str, subject: &str, text: &str, extra: &str) -> RawMail {
    let bytes = format!(
        "From: Claire Martin <claire@client.fr>\r\nTo: support@ergolis.fr\r\n\
         Subject: {subject}\r\nMessage-ID: <{id}>\r\nDate: Thu, 26 Nov 2026 09:00:00 +0100\r\n\
         {extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
    );
    RawMail {
        source: format!("{id}.eml"),
        bytes: bytes.into_bytes(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_mails_are_acknowledged_in_their_language_and_machines_never() {
    let sink = SmtpSink::start().await;
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path()).await;
    let model = demo_model();
    let importer = Importer::new(&store, &model)
        .await
        .unwrap()
        .acknowledging(4);
    let mut report = ImportReport::default();
    let french = "Bonjour, ma commande passée la semaine dernière n'est toujours pas arrivée. \
                  Pouvez-vous me dire où en est la livraison ? Merci d'avance.";
    let english = "Hello, the order I placed last week has still not arrived. Could you \
                   please tell me where the delivery is? Thank you in advance.";
    let out_of_office = "Je suis absente jusqu'au 3 décembre.";
    for mail in [
        raw("fr-1@client.fr", "Commande en retard", french, ""),
        raw("en-1@client.fr", "Late order", english, ""),
        raw(
            "ooo-1@client.fr",
            "Absence du bureau",
            out_of_office,
            "Auto-Submitted: auto-replied\r\n",
        ),
    ] {
        importer.try_import(&mail, &mut report).await.unwrap();
    }
    assert_eq!((report.routed, report.automatic), (2, 1), "{report:?}");

    let config = SmtpConfig {
        host: "127.0.0.1".into(),
        port: sink.port(),
        security: SmtpSecurity::None,
        from: "Support Ergolis <support@ergolis.fr>".into(),
        ..SmtpConfig::default()
    };
    let runner = outbox::register(
        Runner::new(store.clone(), "test", TaskConfig::default()),
        Mailer::new(&config).unwrap(),
    );
    while runner.run_one().await.unwrap() {}

    let got = sink.wait_for(2).await;
    assert_eq!(got.len(), 2, "no acknowledgement of the auto-reply");
    let to = |id: &str| {
        got.iter()
            .find(|m| m.header("In-Reply-To").as_deref() == Some(&format!("<{id}>")))
            .unwrap_or_else(|| panic!("no acknowledgement of {id}"))
    };
    let fr = to("fr-1@client.fr");
    assert_eq!(fr.to, vec!["claire@client.fr"]);
    assert_eq!(fr.header("Auto-Submitted").as_deref(), Some("auto-replied"));
    assert_eq!(
        fr.header("Subject").as_deref(),
        Some("Re: Commande en retard")
    );
    let fr_text = fr.data.replace("=\r\n", "");
    assert!(fr_text.contains("4 heures ouvr"), "{}", fr.data);
    assert!(to("en-1@client.fr").data.contains("within 4 working hours"));

    let acknowledged = store
        .events(&EventQuery {
            kinds: vec!["mail_acknowledged".into()],
            ..EventQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(acknowledged.len(), 2);

    // An archive's mails are old: importing one acknowledges nothing.
    let archive = dir.path().join("old.eml");
    std::fs::write(
        &archive,
        raw("old-1@client.fr", "Ancienne", french, "").bytes,
    )
    .unwrap();
    let report = importer.import_path(&archive).await;
    assert_eq!(report.routed, 1, "{report:?}");
    assert!(!runner.run_one().await.unwrap(), "nothing to send");
}

/// A live pilot limited to some mail categories: triage still routes every mail, but
/// acknowledges only those of the pilot's categories.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_pilot_limits_acknowledgements_to_its_mail_categories() {
    use levier_store::knowledge::NewUseCase;
    use levier_store::pilots::{Baseline, NewPilot, Scope};
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path()).await;
    let use_case_id = store
        .upsert_use_case(&NewUseCase {
            name: "Tri des e-mails".into(),
            process: "support".into(),
            pain: "boîte partagée".into(),
            frequency_per_month: 400,
            minutes_per_occurrence: 3,
            people_involved: 2,
            data_available: "archives".into(),
            risk: "basse".into(),
            impact: 4,
            feasibility: 4,
        })
        .await
        .unwrap();
    let pilot = store
        .upsert_pilot(&NewPilot {
            use_case_id,
            name: "Factures par e-mail".into(),
            scope: Scope {
                channels: vec!["email".into()],
                mail_categories: vec!["facturation".into()],
                ..Scope::default()
            },
            baseline: Baseline::default(),
            targets: Vec::new(),
            starts_at: levier_core::Timestamp(0),
            ends_at: levier_core::Timestamp(i64::MAX / 2),
            champions: Vec::new(),
        })
        .await
        .unwrap();
    store.start_pilot(pilot).await.unwrap();

    let model = demo_model();
    let importer = Importer::new(&store, &model)
        .await
        .unwrap()
        .acknowledging(4);
    let mut report = ImportReport::default();
    let delivery = "Bonjour, ma commande passée la semaine dernière n'est toujours pas arrivée. \
                    Pouvez-vous me dire où en est la livraison ? Merci d'avance.";
    importer
        .try_import(
            &raw("late@client.fr", "Commande en retard", delivery, ""),
            &mut report,
        )
        .await
        .unwrap();
    assert_eq!(report.routed, 1, "{report:?}");
    assert!(
        store.unfinished_task("mail.send").await.unwrap().is_none(),
        "a delivery mail is outside the pilot: no acknowledgement"
    );

    let invoice = "Bonjour, la facture FA-2026-118 reçue ce mois-ci compte deux fois la même \
                   ligne. Pouvez-vous nous envoyer un avoir et une facture corrigée ? Merci.";
    importer
        .try_import(
            &raw("invoice@client.fr", "Facture en double", invoice, ""),
            &mut report,
        )
        .await
        .unwrap();
    assert_eq!(report.routed, 2, "{report:?}");
    let mail = store
        .events(&EventQuery {
            kinds: vec!["mail_classified".into()],
            ..EventQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(mail.len(), 2);
    assert!(
        store.unfinished_task("mail.send").await.unwrap().is_some(),
        "an invoice mail is in the pilot: acknowledged"
    );
}
