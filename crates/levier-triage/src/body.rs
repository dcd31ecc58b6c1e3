//! The body of a mail as plain text. The text/plain alternative is preferred (it is what the
//! sender's client wrote); an HTML-only body goes through levier-extract's HTML reader, which
//! drops scripts and styles and keeps the structure. Quoted blocks of an HTML reply
//! (`<blockquote>`, Gmail's and Outlook's quote containers end up as quote blocks) are written
//! back with `> ` so that reply stripping treats both kinds of body the same way.

use levier_extract::{BlockKind, ErrorKind, Limits, MediaType};
use mail_parser::{Message, MimeHeaders, PartType};

use crate::charset::redecoded_text;

/// The text of every body part, in order, one blank line between parts. Unreadable parts add a
/// warning and are skipped.
pub(crate) fn read_body(
    message: &Message<'_>,
    limits: &Limits,
    warnings: &mut Vec<String>,
) -> String {
    let mut body = String::new();
    for part in message.text_bodies() {
        let text = match &part.body {
            PartType::Text(text) => {
                redecoded_text(message, part).unwrap_or_else(|| text.to_string())
            }
            PartType::Html(html) => html_to_text(html, limits, warnings),
            _ => continue,
        };
        if !body.is_empty() && !text.trim().is_empty() {
            body.push_str("\n\n");
        }
        body.push_str(text.trim_end());
    }
    body
}

/// The raw body of a message that declares itself multipart without saying where its parts
/// begin (no `boundary`), or with a boundary that never occurs: mail-parser finds no part in
/// it (or one opaque part), but a person wrote text there. With the warning that says so.
pub(crate) fn unsplittable_multipart(message: &Message<'_>) -> Option<(String, String)> {
    let content_type = message.content_type()?;
    if !content_type.ctype().eq_ignore_ascii_case("multipart") {
        return None;
    }
    let root = message.root_part();
    let raw = message
        .raw_message()
        .get(root.offset_body as usize..root.offset_end as usize)?;
    let warning = match content_type.attribute("boundary") {
        None => "multipart body without a boundary: kept as raw text".to_owned(),
        Some(b) if !contains(raw, format!("--{b}").as_bytes()) => {
            format!("multipart body whose boundary \"{b}\" never occurs: kept as raw text")
        }
        Some(_) => return None,
    };
    Some((String::from_utf8_lossy(raw).trim().to_owned(), warning))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// An HTML body as lines of text (one per block, and one per `<br>`-separated line), quote
/// blocks prefixed with `> `.
fn html_to_text(html: &str, limits: &Limits, warnings: &mut Vec<String>) -> String {
    let html = break_lines(html);
    let document =
        match levier_extract::extract_as(MediaType::Html, "body", html.as_bytes(), limits) {
            Ok(document) => document,
            Err(e) if matches!(e.kind, ErrorKind::NoText(_)) => return String::new(),
            Err(e) => {
                warnings.push(format!("HTML body: {}", e.kind));
                return String::new();
            }
        };
    let mut text = String::new();
    for block in &document.blocks {
        if !text.is_empty() {
            text.push('\n');
        }
        if block.kind == BlockKind::Quote {
            text.push_str("> ");
        }
        text.push_str(&block.text);
    }
    text
}

/// Opens a paragraph after every `<br>`: levier-extract joins the lines of a block into one
/// (right for indexing), but in a mail `Best regards,<br>John Smith` is two lines, and reply and
/// signature stripping work line by line.
fn break_lines(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = lower[from..].find("<br") {
        let at = from + found;
        let after = lower.as_bytes().get(at + 3).copied();
        from = at + 3;
        if !matches!(after, Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r')) {
            continue;
        }
        let Some(end) = lower[at..].find('>').map(|e| at + e + 1) else {
            break;
        };
        out.push_str(&html[copied..end]);
        out.push_str("<p>");
        copied = end;
        from = end;
    }
    out.push_str(&html[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_open_paragraphs() {
        assert_eq!(
            break_lines("a<BR>b<br/>c<br >d<bread>"),
            "a<BR><p>b<br/><p>c<br ><p>d<bread>"
        );
    }
}
