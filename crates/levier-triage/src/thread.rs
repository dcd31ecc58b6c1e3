//! Which conversation a mail belongs to.
//!
//! The key is the thread's root as the mail knows it: the first id of `References` (RFC 5322
//! clients list the thread oldest first), else the message it answers (`In-Reply-To`), else its
//! own `Message-ID` (it starts a thread). Replies from well-behaved clients then share the
//! root's key. A mail with no id at all (some web forms, some scripts) falls back to its
//! subject with reply and forward prefixes removed, which groups "Re: Re: Commande 1234" with
//! "Commande 1234". The store can do better by following every id a mail lists
//! ([`crate::Mail::references`]) to tickets it already holds; this key is what a mail says on
//! its own.

use crate::mail::MessageIds;

/// The thread key of a mail: `id:<root id>` or `subject:<normalised subject>`.
pub(crate) fn thread_key(ids: &MessageIds, subject: &str) -> String {
    let root = ids
        .references
        .first()
        .or(ids.in_reply_to.first())
        .or(ids.message_id.as_ref());
    match root {
        Some(id) => format!("id:{id}"),
        None => format!("subject:{}", normalised_subject(subject)),
    }
}

/// Reply and forward prefixes in French and English clients (`Re:`, `RE :`, `Fwd:`, `TR:`,
/// `Réf :`, `AW:`), any number of times, then the subject lower-cased with spaces collapsed.
pub fn normalised_subject(subject: &str) -> String {
    const PREFIXES: &[&str] = &[
        "re", "fw", "fwd", "tr", "réf", "ref", "aw", "wg", "rép", "rep",
    ];
    let mut rest = subject.trim();
    while let Some((head, tail)) = rest.split_once(':') {
        let head = head.trim().to_lowercase();
        let head = head.trim_end_matches(|c: char| c == ']' || c.is_ascii_digit() || c == '[');
        if !PREFIXES.contains(&head) {
            break;
        }
        rest = tail.trim_start();
    }
    rest.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_prefixes_do_not_change_the_subject() {
        assert_eq!(
            normalised_subject("RE : Re: TR: Commande  1234"),
            "commande 1234"
        );
        assert_eq!(normalised_subject("Re[2]: Devis"), "devis");
        assert_eq!(normalised_subject("Remise: 10 %"), "remise: 10 %");
    }

    #[test]
    fn the_root_of_the_references_is_the_key() {
        let ids = MessageIds {
            message_id: Some("c@x".into()),
            in_reply_to: vec!["b@x".into()],
            references: vec!["a@x".into(), "b@x".into()],
        };
        assert_eq!(thread_key(&ids, "Re: x"), "id:a@x");
        let first = MessageIds {
            message_id: Some("a@x".into()),
            ..MessageIds::default()
        };
        assert_eq!(thread_key(&first, "x"), "id:a@x");
        assert_eq!(
            thread_key(&MessageIds::default(), "Re: Devis"),
            "subject:devis"
        );
    }
}
