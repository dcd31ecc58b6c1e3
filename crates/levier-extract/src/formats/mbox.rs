//! Mailboxes (mbox): split into messages, each read as an e-mail on its own so one broken
//! message does not lose the others. The split is written here rather than taken from
//! mail-parser's iterator because ingestion needs each message's byte offset (to point at it
//! and to name it `archive.mbox#N`), which that iterator does not give.

use super::email;
use crate::document::Document;
use crate::error::{ErrorKind, ExtractError};
use crate::limits::Limits;

/// One message of a mailbox and what reading it gave.
#[derive(Debug)]
pub struct MailboxMessage {
    /// Its position in the mailbox, from 1 (`archive.mbox#3` is the third).
    pub index: usize,
    /// Byte offset of its `From ` separator line in the file.
    pub offset: usize,
    /// The message as a document, or why it could not be read (its error names
    /// `message N` as the part).
    pub result: Result<Document, ExtractError>,
}

/// Splits a mailbox and reads each message. Fails as a whole only when the bytes are not a
/// mailbox or hold more messages than allowed.
pub(crate) fn read(
    file_name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<MailboxMessage>, ErrorKind> {
    if !starts_as_mailbox(bytes) {
        return Err(ErrorKind::Corrupt {
            format: "mbox",
            reason: "a mailbox starts with a \"From \" line".into(),
        });
    }
    let spans = split(bytes);
    if spans.len() > limits.max_mbox_messages {
        return Err(ErrorKind::TooManyMessages {
            limit: limits.max_mbox_messages,
        });
    }
    let messages = spans
        .into_iter()
        .enumerate()
        .map(|(i, (offset, end))| {
            let index = i + 1;
            let raw = unquote(&bytes[offset..end]);
            let result = email::read(&raw, limits)
                .map_err(|e| ExtractError::in_message(file_name, index, e.kind));
            MailboxMessage {
                index,
                offset,
                result,
            }
        })
        .collect();
    Ok(messages)
}

/// The raw messages of a mailbox, in order, each with the byte offset of its `From ` line and
/// its bytes (separator line dropped, `>From ` quoting undone), split as [`crate::extract_mbox`]
/// splits them: for callers that parse the messages themselves (mail triage needs headers a
/// [`crate::Document`] does not keep). `None` when the bytes do not start with a `From ` line.
pub fn mbox_messages(bytes: &[u8]) -> Option<impl Iterator<Item = (usize, Vec<u8>)> + '_> {
    let spans = starts_as_mailbox(bytes).then(|| split(bytes))?;
    Some(
        spans
            .into_iter()
            .map(|(offset, end)| (offset, unquote(&bytes[offset..end]))),
    )
}

fn starts_as_mailbox(bytes: &[u8]) -> bool {
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    is_separator(first_line)
}

/// Byte ranges of the messages: each starts at a `From ` line that opens the file, follows a
/// blank line, or is followed by a header line (writers that omit the blank line).
fn split(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut starts = Vec::new();
    let mut offset = 0;
    let mut previous_blank = true;
    while offset < bytes.len() {
        let end = bytes[offset..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(bytes.len(), |p| offset + p + 1);
        let line = &bytes[offset..end];
        if is_separator(line) && (previous_blank || is_header_line(&bytes[end..])) {
            starts.push(offset);
        }
        previous_blank = line.iter().all(u8::is_ascii_whitespace);
        offset = end;
    }
    starts
        .iter()
        .enumerate()
        .map(|(i, start)| (*start, starts.get(i + 1).copied().unwrap_or(bytes.len())))
        .collect()
}

/// `From sender Mon Oct  5 07:12:11 2026`: the word `From `, then somewhere a time `HH:MM`.
fn is_separator(line: &[u8]) -> bool {
    line.starts_with(b"From ")
        && line
            .windows(3)
            .any(|w| w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit())
}

fn is_header_line(rest: &[u8]) -> bool {
    let line_end = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
    let line = &rest[..line_end];
    let Some(colon) = line.iter().position(|b| *b == b':') else {
        return false;
    };
    colon > 0
        && line[..colon]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
}

/// Drops the `From ` separator line and undoes `>From ` quoting (mboxrd: one `>` less before
/// any run of `>` followed by `From `).
fn unquote(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len());
    let mut lines = message.split_inclusive(|b| *b == b'\n');
    lines.next();
    for line in lines {
        let quotes = line.iter().take_while(|b| **b == b'>').count();
        if quotes > 0 && line[quotes..].starts_with(b"From ") {
            out.extend_from_slice(&line[1..]);
        } else {
            out.extend_from_slice(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_separator_lines_only() {
        let mbox = b"From a@b Mon Oct  5 07:12:11 2026\nSubject: un\n\nFrom the start, hello\n>From here\n\n\
                     From c@d Tue Oct  6 08:00:00 2026\nSubject: deux\n\ncorps\n";
        let spans = split(mbox);
        assert_eq!(spans.len(), 2);
        let first = unquote(&mbox[spans[0].0..spans[0].1]);
        assert!(first.starts_with(b"Subject: un"));
        assert!(first.windows(10).any(|w| w == b"From here\n"));
    }
}
