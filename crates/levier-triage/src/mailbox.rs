//! Mailboxes (mbox): split by levier-extract exactly as ingestion splits them, then each message
//! parsed on demand, so a mailbox of any size is read one mail at a time and a broken message
//! does not lose the others.

use crate::error::TriageError;
use crate::mail::{Mail, MailLimits, parse_mail};

/// One message of a mailbox and what parsing it gave.
#[derive(Debug)]
pub struct MailboxEntry {
    /// Its position in the mailbox, from 1 (`archive.mbox#3` is the third).
    pub index: usize,
    /// Byte offset of its `From ` separator line.
    pub offset: usize,
    /// The mail, or why it could not be read.
    pub mail: Result<Mail, TriageError>,
}

/// The mails of a mailbox, parsed one at a time as the iterator is advanced. Fails only when
/// the bytes are not a mailbox.
pub fn read_mailbox<'a>(
    name: &'a str,
    bytes: &'a [u8],
    limits: &'a MailLimits,
) -> Result<impl Iterator<Item = MailboxEntry> + 'a, TriageError> {
    let messages =
        levier_extract::mbox_messages(bytes).ok_or_else(|| TriageError::NotAMailbox {
            name: name.to_owned(),
        })?;
    Ok(messages
        .enumerate()
        .map(move |(i, (offset, raw))| MailboxEntry {
            index: i + 1,
            offset,
            mail: parse_mail(&format!("{name}#{}", i + 1), &raw, limits),
        }))
}
