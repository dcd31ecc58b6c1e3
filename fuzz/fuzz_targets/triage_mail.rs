//! Fuzzes e-mail triage's parser ([`levier_triage::parse_mail`]: MIME structure, transfer
//! encodings, charsets, RFC 2047 encoded words, threading headers, auto-reply and DSN
//! recognition, reply and signature splitting, attachments through levier-extract) and, when
//! the input starts like an mbox, the mailbox reader on each of its messages. Beyond not
//! panicking, what it returns must hold together: the size is the input's, attachments are
//! bounded, every mail has a thread, and every refusal says why. (The new text is not checked
//! line by line against the body: the fuzzer found in seconds bodies whose reply split
//! rewraps lines, so that property does not hold and is not one levier relies on.)
#![no_main]

use levier_triage::{Mail, MailLimits, parse_mail, read_mailbox};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    levier_fuzz::tolerate_pdf_crate_panics();
    let limits = MailLimits {
        extract: levier_fuzz::limits(),
        max_attachment_bytes: 200_000,
        max_attachment_chars: 2_000,
    };
    match parse_mail("fuzz.eml", data, &limits) {
        Ok(mail) => check(&mail, data.len(), &limits),
        Err(error) => assert!(!error.to_string().is_empty(), "an error says why"),
    }
    if let Ok(entries) = read_mailbox("fuzz.mbox", data, &limits) {
        let mut last = None;
        for entry in entries {
            assert!(entry.offset < data.len(), "an entry starts inside the mailbox");
            assert!(last.is_none_or(|l| entry.offset > l), "offsets increase");
            last = Some(entry.offset);
            if let Ok(mail) = &entry.mail {
                check(mail, mail.size, &limits);
            }
        }
    }
});

/// What a parsed mail must hold whatever the input.
fn check(mail: &Mail, size: usize, limits: &MailLimits) {
    assert_eq!(mail.size, size, "the size is the input's");
    for attachment in &mail.attachments {
        assert!(
            attachment.text.is_some() != attachment.error.is_some(),
            "an attachment has either its text or why not: {attachment:?}"
        );
        let chars = attachment.text.as_deref().map_or(0, |t| t.chars().count());
        assert!(chars <= limits.max_attachment_chars, "attachment text bounded");
    }
    assert!(!mail.thread_key.is_empty(), "every mail belongs to a thread");
    let text = mail.classification_text();
    assert!(text.starts_with(&mail.subject), "classified text starts with the subject");
    let _ = levier_triage::sentiment(&mail.new_text);
    let _ = levier_triage::normalised_subject(&mail.subject);
}
