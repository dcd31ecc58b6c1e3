//! Bad input, case by case: each damaged mail says what is wrong and where — an error naming
//! the file (and the message of a mailbox) when it is not a mail at all, a warning naming the
//! part when it is a mail with a damaged part — and the rest of the batch goes through.
//! (An attachment over the size limit, a zip bomb and an image-only mail are in parsing.rs.)

mod common;

use common::{demo_model, store};
use levier_triage::{Importer, MailLimits, TriageError, parse_mail};

const BROKEN_BOUNDARY: &[u8] = b"From: Client <c@exemple.fr>\r\nSubject: Garantie\r\n\
Content-Type: multipart/mixed; boundary=\"abc\"\r\n\r\n--xyz\r\nContent-Type: text/plain\r\n\r\n\
Quelle est la duree de garantie du fauteuil ?\r\n--xyz--\r\n";

const INVALID_BASE64_BODY: &[u8] = b"From: Client <c@exemple.fr>\r\nSubject: Retour\r\n\
Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n\
Je souhaite retourner ma chaise *** pas du base64 ***\r\n";

const INVALID_BASE64_ATTACHMENT: &[u8] = b"From: Client <c@exemple.fr>\r\nSubject: Facture\r\n\
Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\
Voici la facture contestee.\r\n--b\r\nContent-Type: application/pdf; name=facture.pdf\r\n\
Content-Disposition: attachment; filename=facture.pdf\r\n\
Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK!!!*** pas du base64 ***\r\n--b--\r\n";

const HEADER_WITHOUT_COLON: &[u8] = b"From: Client <c@exemple.fr>\r\nX-Broken header line\r\n\
Subject: Livraison en retard\r\n\r\nMa commande n'est toujours pas arrivee.\r\n";

/// Bytes of no text format: what a truncated download or a mislabelled file looks like.
fn binary_garbage() -> Vec<u8> {
    (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

fn parse(name: &str, bytes: &[u8]) -> levier_triage::Mail {
    parse_mail(name, bytes, &MailLimits::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn assert_warned(mail: &levier_triage::Mail, expected: &str) {
    assert!(
        mail.warnings.iter().any(|w| w.contains(expected)),
        "no warning with {expected:?}: {:?}",
        mail.warnings
    );
}

#[test]
fn a_boundary_that_never_occurs_keeps_the_text_and_says_so() {
    let mail = parse("boundary.eml", BROKEN_BOUNDARY);
    assert!(mail.body.contains("duree de garantie"), "{:?}", mail.body);
    assert!(mail.new_text.contains("duree de garantie"));
    assert!(mail.attachments.is_empty(), "{:?}", mail.attachments);
    assert_warned(&mail, "boundary \"abc\" never occurs");
}

#[test]
fn invalid_base64_is_kept_as_it_came_with_the_part_named() {
    let body = parse("body.eml", INVALID_BASE64_BODY);
    assert!(body.body.contains("retourner ma chaise"), "{:?}", body.body);
    assert_warned(&body, "MIME part 1: its transfer encoding");
    let attached = parse("attachment.eml", INVALID_BASE64_ATTACHMENT);
    assert_eq!(attached.new_text, "Voici la facture contestee.");
    assert_eq!(attached.attachments[0].name, "facture.pdf");
    assert_warned(&attached, "attachment facture.pdf");
}

#[test]
fn a_header_line_without_colon_is_ignored_by_number() {
    let mail = parse("header.eml", HEADER_WITHOUT_COLON);
    assert_eq!(mail.subject, "Livraison en retard");
    assert_eq!(
        mail.from.as_ref().map(|f| f.address.as_str()),
        Some("c@exemple.fr")
    );
    assert_eq!(
        mail.warnings,
        ["header line 2 has no colon (\"X-Broken header line\"): ignored"]
    );
}

#[test]
fn binary_garbage_is_not_a_mail() {
    let error = parse_mail("garbage.eml", &binary_garbage(), &MailLimits::default())
        .expect_err("garbage refused");
    assert!(matches!(error, TriageError::NotAMail { .. }), "{error}");
    assert!(
        error.to_string().starts_with("garbage.eml: not an e-mail"),
        "{error}"
    );
}

/// An mbox of three messages, the second one corrupt (no header block).
fn mailbox_with_a_corrupt_message() -> Vec<u8> {
    let mut mbox = Vec::new();
    let messages: [&[u8]; 3] = [
        b"From: a@exemple.fr\nSubject: Commande 1\nMessage-ID: <m1@exemple.fr>\n\nPremiere commande.\n",
        b"\x00\x01\x02\xff\xfe corrupted by a disk error\n\x9f\x92\n",
        b"From: b@exemple.fr\nSubject: Commande 3\nMessage-ID: <m3@exemple.fr>\n\nTroisieme commande.\n",
    ];
    for message in messages {
        mbox.extend_from_slice(b"From sender@exemple.fr Mon Nov  2 10:20:00 2026\n");
        mbox.extend_from_slice(message);
        mbox.extend_from_slice(b"\n");
    }
    mbox
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_of_damaged_mails_reports_each_and_imports_the_rest() {
    let dir = tempfile::tempdir().expect("dir");
    let store = store(dir.path()).await;
    let mails = dir.path().join("in");
    std::fs::create_dir_all(&mails).expect("mkdir");
    let files: [(&str, Vec<u8>); 7] = [
        ("a-empty.eml", Vec::new()),
        ("b-garbage.eml", binary_garbage()),
        ("c-boundary.eml", BROKEN_BOUNDARY.to_vec()),
        ("d-base64.eml", INVALID_BASE64_ATTACHMENT.to_vec()),
        ("e-header.eml", HEADER_WITHOUT_COLON.to_vec()),
        ("f-archive.mbox", mailbox_with_a_corrupt_message()),
        ("g-body.eml", INVALID_BASE64_BODY.to_vec()),
    ];
    for (name, bytes) in &files {
        std::fs::write(mails.join(name), bytes).expect("write");
    }
    let model = demo_model();
    let importer = Importer::new(&store, &model).await.expect("importer");
    let report = importer.import_path(&mails).await;
    assert_eq!(report.read, 9, "{report:?}");
    assert_eq!(report.stored, 6, "{report:?}");
    let errors: Vec<(String, &str)> = report
        .errors
        .iter()
        .map(|e| (file_name(&e.source), e.reason.as_str()))
        .collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert_eq!(errors[0].0, "a-empty.eml");
    assert!(errors[0].1.contains("empty"), "{errors:?}");
    assert_eq!(errors[1].0, "b-garbage.eml");
    assert!(errors[1].1.contains("not an e-mail"), "{errors:?}");
    assert_eq!(errors[2].0, "f-archive.mbox#2 (offset 136)");
    assert!(errors[2].1.contains("not an e-mail"), "{errors:?}");
    let warned: Vec<String> = report
        .warnings
        .iter()
        .map(|w| file_name(&w.source))
        .collect();
    assert_eq!(
        warned,
        [
            "c-boundary.eml",
            "d-base64.eml",
            "d-base64.eml",
            "e-header.eml",
            "g-body.eml"
        ],
        "{:?}",
        report.warnings
    );
    store.close().await;
}

fn file_name(source: &str) -> String {
    source.rsplit('/').next().unwrap_or_default().to_owned()
}
