//! A folder of labelled mails: `.eml` files and mailboxes next to a `labels.csv` that says what
//! each mail is — the layout of the demo company's `demo/emails/` and of an export of agents'
//! corrections:
//!
//! ```text
//! file,category,urgency,spam,sentiment,language
//! msg-001.eml,facturation,basse,0,neutre,fr
//! archive.mbox#2,livraison,normale,0,negatif,fr
//! ```
//!
//! `file` names an `.eml` file or the Nth message of a mailbox; `category` and `spam` (`0`/`1`)
//! are required, the other columns optional (sentiment and language are kept to measure the
//! lexicon and the detector against).

use std::collections::HashMap;
use std::path::Path;

use crate::error::TriageError;
use crate::mail::{Mail, MailLimits, parse_mail};
use crate::mailbox::read_mailbox;
use crate::model::TrainingMail;

/// Name of the labels file in a labelled folder.
pub const LABELS_FILE: &str = "labels.csv";

/// One labelled mail of a folder.
#[derive(Debug, Clone)]
pub struct LabelledMail {
    /// Where it came from (`msg-001.eml`, `archive.mbox#2`).
    pub file: String,
    /// The mail and its category, urgency and spam labels.
    pub example: TrainingMail,
    /// The labelled sentiment (`negatif`, `neutre`, `positif`), if any.
    pub sentiment: Option<String>,
    /// The labelled language, if any.
    pub language: Option<String>,
}

/// Reads every mail `labels.csv` names. A missing or unreadable mail is an error: a labelled
/// set with holes measures the wrong thing.
pub fn read_labelled_folder(
    dir: &Path,
    limits: &MailLimits,
) -> Result<Vec<LabelledMail>, TriageError> {
    let labels_path = dir.join(LABELS_FILE);
    let mut reader = csv::Reader::from_path(&labels_path)
        .map_err(|e| training(format!("{}: {e}", labels_path.display())))?;
    let mut mailboxes: HashMap<String, Vec<Mail>> = HashMap::new();
    let mut out = Vec::new();
    for record in reader.deserialize::<LabelRow>() {
        let row = record.map_err(|e| training(format!("{}: {e}", labels_path.display())))?;
        let mail = match row.file.split_once('#') {
            Some((mbox, index)) => mailbox_mail(dir, mbox, index, &mut mailboxes, limits)?,
            None => read_eml(dir, &row.file, limits)?,
        };
        out.push(row.into_labelled(mail));
    }
    Ok(out)
}

/// A row of `labels.csv`.
#[derive(Debug, serde::Deserialize)]
struct LabelRow {
    file: String,
    category: String,
    urgency: Option<String>,
    spam: u8,
    sentiment: Option<String>,
    language: Option<String>,
}

impl LabelRow {
    fn into_labelled(self, mail: Mail) -> LabelledMail {
        let present = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        LabelledMail {
            example: TrainingMail {
                mail,
                category: self.category,
                urgency: present(self.urgency),
                spam: self.spam == 1,
            },
            file: self.file,
            sentiment: present(self.sentiment),
            language: present(self.language),
        }
    }
}

fn read_eml(dir: &Path, file: &str, limits: &MailLimits) -> Result<Mail, TriageError> {
    let path = dir.join(file);
    let bytes = std::fs::read(&path).map_err(|e| training(format!("{}: {e}", path.display())))?;
    parse_mail(file, &bytes, limits)
}

/// The `index`th mail of a mailbox (from 1), the mailbox read once.
fn mailbox_mail(
    dir: &Path,
    mbox: &str,
    index: &str,
    cache: &mut HashMap<String, Vec<Mail>>,
    limits: &MailLimits,
) -> Result<Mail, TriageError> {
    if !cache.contains_key(mbox) {
        let path = dir.join(mbox);
        let bytes =
            std::fs::read(&path).map_err(|e| training(format!("{}: {e}", path.display())))?;
        let mails = read_mailbox(mbox, &bytes, limits)?
            .map(|entry| entry.mail)
            .collect::<Result<Vec<_>, _>>()?;
        cache.insert(mbox.to_owned(), mails);
    }
    let position: usize = index
        .parse()
        .map_err(|_| training(format!("{mbox}#{index}: not a message number")))?;
    cache[mbox]
        .get(position.wrapping_sub(1))
        .cloned()
        .ok_or_else(|| training(format!("{mbox} has no message {index}")))
}

fn training(reason: String) -> TriageError {
    TriageError::Training(reason)
}
