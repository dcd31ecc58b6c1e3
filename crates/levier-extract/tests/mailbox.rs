//! Mailboxes: one document per message, each with its position; one broken message does not
//! lose the others.

mod common;

use common::{assert_contains, demo};
use levier_extract::{ErrorKind, Limits, MediaType, extract, extract_mbox};

#[test]
fn demo_mailbox_gives_one_document_per_message() {
    let bytes = demo("emails/archive.mbox");
    let messages = extract_mbox("archive.mbox", &bytes, &Limits::default()).unwrap();
    let separators = bytes
        .split(|b| *b == b'\n')
        .filter(|l| l.starts_with(b"From "))
        .count();
    assert_eq!(messages.len(), 13);
    assert_eq!(messages.len(), separators);
    for (i, message) in messages.iter().enumerate() {
        assert_eq!(message.index, i + 1);
        assert!(
            bytes[message.offset..].starts_with(b"From "),
            "offset of #{}",
            message.index
        );
        let doc = message.result.as_ref().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(doc.media_type, MediaType::Email);
        assert!(doc.title.is_some());
    }
    assert_eq!(messages[0].offset, 0);
}

#[test]
fn mailbox_messages_decode_headers_and_legacy_charsets() {
    let messages = extract_mbox(
        "archive.mbox",
        &demo("emails/archive.mbox"),
        &Limits::default(),
    )
    .unwrap();
    let first = messages[0].result.as_ref().unwrap();
    assert_eq!(first.title.as_deref(), Some("Fauteuil Orbe XL en stock ?"));
    assert_eq!(
        first.metadata.author.as_deref(),
        Some("Hervé Langlois <herve.langlois@orange.fr>")
    );
    assert_eq!(
        first.metadata.created.as_deref(),
        Some("2026-10-05T09:12:11+02:00")
    );
    assert_contains(first, "quand serait-il livré à Mâcon ?");
}

#[test]
fn a_broken_message_is_an_error_in_its_slot() {
    let mut mbox = b"From a@exemple.fr Mon Oct  5 07:12:11 2026\nSubject: premier\n\nBonjour, voici le premier message.\n\n".to_vec();
    mbox.extend_from_slice(b"From b@exemple.fr Mon Oct  5 08:00:00 2026\nSubject: binaire\n\n\0\0\0\x01\x02\x03\0\0\n\n");
    mbox.extend_from_slice(b"From c@exemple.fr Mon Oct  5 09:00:00 2026\nSubject: troisieme\n\n>From the archive, a quoted line.\n");
    let messages = extract_mbox("boite.mbox", &mbox, &Limits::default()).unwrap();
    assert_eq!(messages.len(), 3);
    assert!(messages[0].result.is_ok());
    let error = messages[1].result.as_ref().unwrap_err();
    assert!(matches!(error.kind, ErrorKind::Binary(_)));
    assert_eq!(
        error.to_string(),
        "boite.mbox: message 2: binary content, not text (NUL bytes)"
    );
    let third = messages[2].result.as_ref().unwrap();
    assert_contains(third, "From the archive, a quoted line.");
}

#[test]
fn extract_points_mailboxes_to_extract_mbox() {
    let error = extract(
        "archive.mbox",
        &demo("emails/archive.mbox"),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Mailbox);
}

#[test]
fn not_a_mailbox() {
    let error =
        extract_mbox("notes.mbox", b"Subject: x\n\nbody\n", &Limits::default()).unwrap_err();
    assert!(matches!(error.kind, ErrorKind::Corrupt { .. }), "{error}");
}
