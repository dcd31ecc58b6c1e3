//! What the sender wrote in this mail, apart from the earlier messages it quotes and the
//! signature under it. Classifying "where is my order?" must not read the whole thread of
//! invoices below it, nor the sender's job title.
//!
//! The quote starts at the first line a French or English client writes above a quoted
//! message — `Le 2 nov. 2026 à 10:20, Marie <m@x.fr> a écrit :` (often wrapped on two lines),
//! `On Mon, Nov 2, 2026 at 10:20 AM Marie <m@x.fr> wrote:`, `-----Message d'origine-----`,
//! `-----Original Message-----`, Outlook's `De : … / Envoyé : … / À : … / Objet : …` block —
//! or at a trailing run of `>` lines; `>` lines inside the text (answers between quotes) are
//! set apart too. The signature starts at the `-- ` delimiter, at a phone client's line
//! (`Envoyé depuis mon iPhone`, `Sent from my…`), or at a sign-off (`Cordialement`,
//! `Bien à vous`, `Best regards`…) that only a few lines follow.

/// A body split into what is new, what is quoted, and the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    pub(crate) new_text: String,
    pub(crate) quoted: Option<String>,
    pub(crate) signature: Option<String>,
}

/// Most lines a sign-off may be followed by and still open a signature (name, title, company,
/// address, phone, web site…); more, and it is text that happens to start with "Merci".
const MAX_SIGNATURE_LINES: usize = 10;

/// Splits a body. Without any quote or signature, the whole body is new text.
pub(crate) fn split_reply(body: &str) -> Reply {
    let lines: Vec<&str> = body.lines().collect();
    let quote_at = quote_start(&lines).unwrap_or(lines.len());
    let (own, quoted) = lines.split_at(quote_at);
    let (own, inline_quotes): (Vec<&str>, Vec<&str>) = own
        .iter()
        .partition(|line| !line.trim_start().starts_with('>'));
    let signature_at = signature_start(&own).unwrap_or(own.len());
    let mut quoted_text = join(&inline_quotes);
    if !quoted.is_empty() {
        if !quoted_text.is_empty() {
            quoted_text.push('\n');
        }
        quoted_text.push_str(&join(quoted));
    }
    Reply {
        new_text: join(&own[..signature_at]),
        quoted: non_empty(quoted_text),
        signature: non_empty(join(&own[signature_at..])),
    }
}

/// The index of the line where the quoted part begins.
fn quote_start(lines: &[&str]) -> Option<usize> {
    let trailing = trailing_quote_start(lines);
    (0..lines.len()).find(|&i| {
        let line = lines[i].trim();
        is_attribution_at(lines, i)
            || is_original_message_marker(line)
            || is_header_block(&lines[i..])
            || (i >= trailing && line.starts_with('>'))
    })
}

/// An attribution line at `i`, alone or wrapped onto the next line.
fn is_attribution_at(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    if !(line.starts_with("Le ") || line.starts_with("On ")) {
        return false;
    }
    is_attribution(line)
        || lines
            .get(i + 1)
            .is_some_and(|next| is_attribution(&format!("{line} {}", next.trim())))
}

/// `Le … a écrit :` / `On … wrote:` (after any non-breaking spaces are made plain).
fn is_attribution(line: &str) -> bool {
    let line = line.replace('\u{a0}', " ");
    let line = line.trim_end();
    (line.starts_with("Le ") && (line.ends_with("a écrit :") || line.ends_with("a écrit:")))
        || (line.starts_with("On ") && line.ends_with("wrote:"))
}

fn is_original_message_marker(line: &str) -> bool {
    if !line.starts_with("-----") {
        return false;
    }
    const MARKERS: &[&str] = &[
        "-----message d'origine-----",
        "-----original message-----",
        "----- mail original -----",
        "----- original message -----",
    ];
    let line = line.to_lowercase();
    MARKERS.iter().any(|m| line.starts_with(m))
}

/// Outlook's quoted header block: `De :`/`From:` followed within four lines by another header
/// of the block (`Envoyé :`, `Sent:`, `À :`, `To:`, `Objet :`, `Subject:`, `Date :`).
fn is_header_block(lines: &[&str]) -> bool {
    const FIRST: &[&str] = &["De :", "De:", "From:", "From :", "*De :*", "*From:*"];
    const NEXT: &[&str] = &[
        "Envoyé :",
        "Envoyé le :",
        "Envoyé:",
        "Sent:",
        "Sent :",
        "À :",
        "A :",
        "To:",
        "Objet :",
        "Subject:",
        "Date :",
        "Date:",
        "*Envoyé :*",
        "*Sent:*",
    ];
    let starts = |line: &str, set: &[&str]| set.iter().any(|p| line.trim_start().starts_with(p));
    lines.first().is_some_and(|first| starts(first, FIRST))
        && lines.iter().skip(1).take(4).any(|line| starts(line, NEXT))
}

/// The first line from which every line to the end is quoted (`>`) or blank; `lines.len()`
/// when the body does not end with a quote.
fn trailing_quote_start(lines: &[&str]) -> usize {
    let mut start = lines.len();
    while start > 0 {
        let line = lines[start - 1].trim();
        if !(line.is_empty() || line.starts_with('>')) {
            break;
        }
        start -= 1;
    }
    start
}

/// The index of the line where the signature begins.
fn signature_start(lines: &[&str]) -> Option<usize> {
    if let Some(at) = lines
        .iter()
        .position(|l| l.trim_end() == "--" || is_device_line(l))
    {
        return Some(at);
    }
    let last = last_non_blank(lines)?;
    (0..=last).find(|&i| is_sign_off(lines[i]) && last - i <= MAX_SIGNATURE_LINES)
}

/// `Envoyé depuis mon iPhone`, `Sent from my Galaxy`, `Get Outlook for Android`…
fn is_device_line(line: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "envoyé depuis mon",
        "envoyé de mon",
        "envoyé à partir de",
        "sent from my",
        "sent from outlook",
        "get outlook for",
        "obtenir outlook pour",
        "téléchargez outlook",
    ];
    let line = line.trim().to_lowercase();
    PREFIXES.iter().any(|p| line.starts_with(p))
}

/// A closing formula alone on its line, or followed by a comma and a name
/// (`Cordialement, Marie Dupont`).
fn is_sign_off(line: &str) -> bool {
    const SIGN_OFFS: &[&str] = &[
        "cordialement",
        "bien cordialement",
        "très cordialement",
        "bien à vous",
        "bien a vous",
        "salutations",
        "sincères salutations",
        "meilleures salutations",
        "bien sincèrement",
        "amicalement",
        "cdlt",
        "bàv",
        "best regards",
        "kind regards",
        "regards",
        "best wishes",
        "sincerely",
        "yours sincerely",
        "many thanks",
    ];
    let line = line.trim().to_lowercase();
    let head = line.split(',').next().unwrap_or_default();
    let head = head.trim_end_matches(['.', '!', ' ']);
    SIGN_OFFS.contains(&head)
}

fn last_non_blank(lines: &[&str]) -> Option<usize> {
    lines.iter().rposition(|l| !l.trim().is_empty())
}

/// Lines joined, blank lines at both ends and Outlook's underscore rule dropped.
fn join(lines: &[&str]) -> String {
    let is_rule = |l: &&str| l.trim().is_empty() || l.trim().chars().all(|c| c == '_');
    let start = lines
        .iter()
        .position(|l| !is_rule(l))
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !is_rule(l))
        .map_or(start, |e| e + 1);
    lines[start..end.max(start)].join("\n")
}

fn non_empty(text: String) -> Option<String> {
    (!text.trim().is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_french_reply_keeps_only_what_is_new() {
        let body = "Bonjour,\n\nLe colis n'est toujours pas arrivé.\n\nCordialement,\nMarie Dupont\n\
                    Responsable achats\n06 12 34 56 78\n\nLe lun. 2 nov. 2026 à 10:20, Ergolis <contact@ergolis.fr> a\n\
                    écrit :\n> Votre commande est partie.\n";
        let reply = split_reply(body);
        assert_eq!(
            reply.new_text,
            "Bonjour,\n\nLe colis n'est toujours pas arrivé."
        );
        assert!(reply.signature.unwrap().starts_with("Cordialement,"));
        assert!(
            reply
                .quoted
                .unwrap()
                .ends_with("> Votre commande est partie.")
        );
    }

    #[test]
    fn outlook_blocks_and_phone_lines_are_cut() {
        let body = "OK pour moi.\n\nEnvoyé depuis mon iPhone\n\n________________________________\n\
                    De : Paul Martin <p@x.fr>\nEnvoyé : lundi 2 novembre 2026 10:20\nÀ : contact@ergolis.fr\n\
                    Objet : Devis\n\nVoici le devis.";
        let reply = split_reply(body);
        assert_eq!(reply.new_text, "OK pour moi.");
        assert_eq!(reply.signature.as_deref(), Some("Envoyé depuis mon iPhone"));
        assert!(reply.quoted.unwrap().starts_with("De : Paul Martin"));
    }

    #[test]
    fn english_attribution_and_signature_delimiter() {
        let body = "Thanks, that works.\n-- \nJohn Smith\nACME Ltd\n\nOn Mon, Nov 2, 2026 at 10:20 AM Ergolis <c@e.fr> wrote:\n> Hello";
        let reply = split_reply(body);
        assert_eq!(reply.new_text, "Thanks, that works.");
        assert_eq!(
            reply.signature.as_deref(),
            Some("-- \nJohn Smith\nACME Ltd")
        );
        assert!(reply.quoted.is_some());
    }

    #[test]
    fn a_sign_off_far_from_the_end_is_text() {
        let mut body = String::from("Merci.\nCordialement\n");
        for i in 0..12 {
            body.push_str(&format!("ligne {i} du message\n"));
        }
        assert_eq!(split_reply(&body).signature, None);
        assert_eq!(split_reply("Bonjour").new_text, "Bonjour");
    }
}
