//! Real messages with real MIME structure, parsed into what triage needs.

use std::path::PathBuf;

use levier_triage::{Automatic, MailLimits, TriageError, parse_mail, read_mailbox};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/mails")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse(name: &str) -> levier_triage::Mail {
    parse_mail(name, &fixture(name), &MailLimits::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// What the sender wrote starts and ends as given, the signature starts as given, and the
/// quoted part holds the given words.
fn assert_reply(mail: &levier_triage::Mail, new: (&str, &str), signature: &str, quoted: &str) {
    let text = &mail.new_text;
    assert!(text.starts_with(new.0) && text.ends_with(new.1), "{text}");
    let found = mail.signature.as_deref().unwrap_or_default();
    assert!(found.starts_with(signature), "{found}");
    let found = mail.quoted.as_deref().unwrap_or_default();
    assert!(found.contains(quoted), "{found}");
}

#[test]
fn a_latin1_reply_gives_headers_thread_new_text_quote_and_signature() {
    let mail = parse("reply-latin1.eml");
    let from = mail.from.as_ref().expect("sender");
    assert_eq!(from.name.as_deref(), Some("Marie Dupont"));
    assert_eq!(from.domain().as_deref(), Some("atelier-dupont.fr"));
    assert_eq!(mail.to[0].address, "support@ergolis.fr");
    assert_eq!(mail.cc.len(), 2);
    assert_eq!(
        mail.subject,
        "Re\u{a0}: Commande ERG-246310 toujours pas reçue"
    );
    assert_eq!(
        mail.message_id.as_deref(),
        Some("reply-42@atelier-dupont.fr")
    );
    assert_eq!(mail.in_reply_to, ["ack-41@ergolis.fr"]);
    assert_eq!(
        mail.references,
        ["order-40@atelier-dupont.fr", "ack-41@ergolis.fr"]
    );
    assert_eq!(mail.thread_key, "id:order-40@atelier-dupont.fr");
    assert_eq!(mail.date.as_deref(), Some("2026-11-03T09:12:44+01:00"));
    assert_reply(
        &mail,
        (
            "Bonjour,\n\nNotre commande ERG-246310",
            "se trouve le colis ?",
        ),
        "Cordialement,\nMarie Dupont\nResponsable achats",
        "a été expédiée",
    );
    assert_eq!(mail.language().as_deref(), Some("fr"));
    assert_eq!(mail.automatic, None);
    assert!(mail.warnings.is_empty(), "{:?}", mail.warnings);
}

#[test]
fn undeclared_8bit_subject_and_body_are_read_as_windows_1252() {
    let mail = parse("undeclared-8bit.eml");
    assert_eq!(mail.subject, "Facture impayée – relance n°2");
    assert!(
        mail.body.contains("reste impayée à ce jour"),
        "{}",
        mail.body
    );
    assert_eq!(mail.from.unwrap().address, "compta@vieux-serveur.fr");
}

#[test]
fn an_html_only_mail_is_converted_without_its_script_and_quote() {
    let mail = parse("english-html.eml");
    assert!(mail.body.contains("confirm the delivery lead time"));
    assert!(!mail.body.contains("alert"), "{}", mail.body);
    assert_reply(
        &mail,
        ("Hello,", "to our London office?"),
        "Best regards,\nJohn Smith",
        "quote attached",
    );
    assert_eq!(mail.thread_key, "id:quote-77@ergolis.fr");
    assert_eq!(mail.language().as_deref(), Some("en"));
}

#[test]
fn auto_replies_and_bounces_are_recognised() {
    let reply = parse("auto-reply.eml");
    assert_eq!(reply.automatic, Some(Automatic::AutoReply));
    assert!(reply.subject.starts_with("Réponse automatique"));
    let bounce = parse("bounce.eml");
    assert_eq!(bounce.automatic, Some(Automatic::Bounce));
    assert!(bounce.body.contains("User unknown"));
    assert_eq!(bounce.from.unwrap().address, "MAILER-DAEMON@mx1.ergolis.fr");
}

#[test]
fn attachments_are_extracted_bounded_or_refused_with_a_reason() {
    let limits = MailLimits {
        max_attachment_bytes: 200_000,
        ..MailLimits::default()
    };
    let mail = parse_mail("cv.eml", &fixture("attachments.eml"), &limits).expect("parsed");
    let names: Vec<&str> = mail.attachments.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["cv.txt", "lettre.docx", "catalogue.txt"]);
    let cv = &mail.attachments[0];
    assert!(cv.text.as_deref().unwrap().contains("5 ans d'expérience"));
    let bomb = &mail.attachments[1];
    assert!(bomb.text.is_none());
    assert!(
        bomb.error.as_deref().unwrap().contains("zip bomb"),
        "{bomb:?}"
    );
    let big = &mail.attachments[2];
    assert_eq!(big.size, 228_000);
    assert!(
        big.error
            .as_deref()
            .unwrap()
            .contains("over the 200 kB limit"),
        "{big:?}"
    );
    assert_eq!(mail.warnings.len(), 2);
    assert_eq!(
        mail.new_text,
        "Bonjour,\n\nVeuillez trouver ci-joint ma candidature au poste d'assistante commerciale."
    );
    assert!(
        mail.classification_text()
            .contains("cv.txt\nCurriculum vitae")
    );
}

#[test]
fn damaged_mails_are_kept_degraded() {
    let image = parse("image-only.eml");
    assert_eq!(image.subject, "");
    assert_eq!(image.new_text, "");
    assert_eq!(image.attachments[0].name, "IMG_0042.png");
    assert!(
        image.attachments[0]
            .error
            .as_deref()
            .unwrap()
            .contains("PNG image")
    );
    let broken = parse("missing-boundary.eml");
    assert_eq!(broken.subject, "Question sur la garantie");
    assert!(
        broken.body.contains("durée de garantie"),
        "{:?}",
        broken.body
    );
}

#[test]
fn bytes_that_are_not_a_mail_are_errors() {
    let limits = MailLimits::default();
    assert!(matches!(
        parse_mail("empty.eml", b"", &limits),
        Err(TriageError::Unreadable(_))
    ));
    assert!(matches!(
        read_mailbox("x.mbox", b"Subject: x\n\nbody", &limits).err(),
        Some(TriageError::NotAMailbox { .. })
    ));
}

#[test]
fn a_mailbox_is_read_mail_by_mail() {
    let mut mbox = Vec::new();
    for name in ["reply-latin1.eml", "auto-reply.eml", "bounce.eml"] {
        mbox.extend_from_slice(b"From sender@example.fr Mon Nov  2 10:20:00 2026\n");
        mbox.extend_from_slice(&fixture(name));
        mbox.extend_from_slice(b"\n");
    }
    let limits = MailLimits::default();
    let entries: Vec<_> = read_mailbox("inbox.mbox", &mbox, &limits)
        .expect("a mailbox")
        .collect();
    assert_eq!(entries.len(), 3);
    let subjects: Vec<String> = entries
        .iter()
        .map(|e| e.mail.as_ref().expect("parsed").subject.clone())
        .collect();
    assert!(subjects[0].contains("ERG-246310"));
    assert_eq!(entries[2].index, 3);
    assert_eq!(
        entries[2].mail.as_ref().unwrap().automatic,
        Some(Automatic::Bounce)
    );
}
