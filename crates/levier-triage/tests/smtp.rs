//! Mail sent through lettre's real client to a real SMTP server on loopback (the test sink):
//! a reply's threading headers, an acknowledgement's `Auto-Submitted`, an attachment, a
//! server asking to try later, and STARTTLS never skipped when it is required.

#[path = "common/smtp_sink.rs"]
mod smtp_sink;

use levier_core::config::{SmtpConfig, SmtpSecurity};
use levier_triage::{AutoSubmitted, Mailer, Outgoing, OutgoingFile, SmtpError, reply_subject};
use smtp_sink::SmtpSink;

fn config(sink: &SmtpSink) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port: sink.port(),
        security: SmtpSecurity::None,
        from: "Support Ergolis <support@ergolis.fr>".into(),
        ..SmtpConfig::default()
    }
}

fn reply() -> Outgoing {
    Outgoing {
        to: vec!["client@exemple.fr".into()],
        subject: reply_subject("Colis en retard"),
        body: "Bonjour,\n\nVotre colis part demain.\n.\nCordialement".into(),
        message_id: "levier.reply.1@ergolis.fr".into(),
        in_reply_to: Some("original-42@exemple.fr".into()),
        ..Outgoing::default()
    }
}

#[tokio::test]
async fn a_reply_arrives_threaded_under_the_customer_s_mail() {
    let sink = SmtpSink::start().await;
    let mailer = Mailer::new(&config(&sink)).unwrap();
    let id = mailer.send(&reply()).await.unwrap();
    assert_eq!(id, "levier.reply.1@ergolis.fr");

    let got = &sink.wait_for(1).await[0];
    assert_eq!(got.from, "support@ergolis.fr");
    assert_eq!(got.to, vec!["client@exemple.fr"]);
    let header = |name: &str| {
        got.header(name)
            .unwrap_or_else(|| panic!("{name}: {}", got.data))
    };
    assert_eq!(header("In-Reply-To"), "<original-42@exemple.fr>");
    assert_eq!(header("References"), "<original-42@exemple.fr>");
    assert_eq!(header("Message-ID"), "<levier.reply.1@ergolis.fr>");
    assert_eq!(header("Subject"), "Re: Colis en retard");
    assert!(header("From").contains("support@ergolis.fr"));
    assert_eq!(header("To"), "client@exemple.fr");
    assert!(!header("Date").is_empty());
    assert!(got.header("Auto-Submitted").is_none(), "a person wrote it");
    assert!(
        got.data.contains("Votre colis part demain."),
        "{}",
        got.data
    );
}

#[tokio::test]
async fn an_acknowledgement_is_marked_automatic_and_files_are_attached() {
    let sink = SmtpSink::start().await;
    let mailer = Mailer::new(&config(&sink)).unwrap();
    let mail = Outgoing {
        automatic: Some(AutoSubmitted::Replied),
        in_reply_to: Some("sha256:00ff".into()),
        files: vec![OutgoingFile {
            name: "rapport.csv".into(),
            content_type: "text/csv".into(),
            bytes: b"kpi,value\nfirst_reply,4\n".to_vec(),
        }],
        ..reply()
    };
    mailer.send(&mail).await.unwrap();
    let got = &sink.wait_for(1).await[0];
    assert_eq!(
        got.header("Auto-Submitted").as_deref(),
        Some("auto-replied")
    );
    assert!(
        got.header("In-Reply-To").is_none(),
        "a mail without Message-ID is not referenced"
    );
    assert!(
        got.header("Content-Type")
            .unwrap()
            .starts_with("multipart/mixed")
    );
    assert!(
        got.data.contains("filename=\"rapport.csv\""),
        "{}",
        got.data
    );
}

#[tokio::test]
async fn a_server_asking_to_try_later_is_a_transient_failure() {
    let sink = SmtpSink::start().await;
    sink.refuse_next(1);
    let mailer = Mailer::new(&config(&sink)).unwrap();
    let e = mailer.send(&reply()).await.unwrap_err();
    assert!(e.is_transient(), "{e}");
    mailer.send(&reply()).await.unwrap();
    assert_eq!(sink.wait_for(1).await.len(), 1);
}

#[tokio::test]
async fn required_starttls_is_never_skipped_and_no_server_is_transient() {
    let sink = SmtpSink::start().await;
    let tls = SmtpConfig {
        security: SmtpSecurity::Starttls,
        ..config(&sink)
    };
    let e = Mailer::new(&tls).unwrap().send(&reply()).await.unwrap_err();
    assert!(!e.to_string().is_empty());
    assert!(sink.received().is_empty(), "nothing sent in clear");

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let nobody = SmtpConfig {
        port,
        ..config(&sink)
    };
    let e = Mailer::new(&nobody)
        .unwrap()
        .send(&reply())
        .await
        .unwrap_err();
    assert!(matches!(e, SmtpError::Unavailable(_)), "{e}");
}
