//! Mails into the product: each raw message is parsed, classified with the trained model,
//! stored once (its Message-ID, else the sha256 of its bytes, is the key, so a re-import or a
//! duplicate delivery changes nothing), then routed by the company's rules into a ticket of
//! the support inbox — or set aside as spam or as sent by a machine. A mail that cannot be
//! read is reported with its file and place, and the others go through: every mail is either
//! a ticket, spam, a machine's, or an error with its reason.

use std::path::Path;

use levier_core::Timestamp;
use levier_store::mail::{MailRule, MailStatus, NewMail, RouteFacts, StoredMail, route_for};
use levier_store::pilots::MailScope;
use levier_store::{ManualClock, Store};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::TriageError;
use crate::mail::{Mail, MailLimits, first_chars, parse_mail};
use crate::model::{Triage, TriageModel};
use crate::sources::{RawMail, SourceError, read_mail_sources};

/// Characters of each attachment's text stored with the mail (the agent's preview; the
/// classifier read its own share already).
const STORED_ATTACHMENT_CHARS: usize = 5_000;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Messages found.
    pub read: usize,
    /// New mails stored.
    pub stored: usize,
    /// Mails stored by an earlier import (left as they were).
    pub already_stored: usize,
    /// Mails routed into a ticket by this import.
    pub routed: usize,
    /// Mails set aside as spam.
    pub spam: usize,
    /// Mails sent by a machine (auto-replies, bounces), kept without a ticket.
    pub automatic: usize,
    /// Mails whose category a person must choose.
    pub to_review: usize,
    /// Files and messages that could not be imported, each with why.
    pub errors: Vec<SourceError>,
    /// Parts of newly stored mails that could not be read (an attachment over the size limit
    /// or damaged, a body without its boundary, an HTML body without text), each with its
    /// mail: the mail is in the inbox, and whoever imported it knows what it lacks.
    pub warnings: Vec<SourceError>,
}

/// Imports mails into a store with one model and the store's routing rules.
pub struct Importer<'a> {
    store: &'a Store,
    model: &'a TriageModel,
    rules: Vec<MailRule>,
    limits: MailLimits,
    /// The working hours promised in acknowledgements, when mails just received are
    /// acknowledged (`[smtp] acknowledge`).
    acknowledge: Option<u32>,
    /// The categories live pilots let triage acknowledge on its own.
    scope: MailScope,
}

impl<'a> Importer<'a> {
    /// An importer routing by the rules stored now.
    pub async fn new(store: &'a Store, model: &'a TriageModel) -> Result<Self, TriageError> {
        Ok(Importer {
            store,
            model,
            rules: store.mail_rules().await?,
            limits: MailLimits::default(),
            acknowledge: None,
            scope: store.mail_scope().await?,
        })
    }

    /// The same importer acknowledging each mail just received (never an archive's) once it
    /// is routed: a `mail.send` task promising an answer within `hours` working hours. While
    /// pilots limit e-mail to some categories, only the mails of those are acknowledged.
    pub fn acknowledging(mut self, hours: u32) -> Self {
        self.acknowledge = Some(hours);
        self
    }

    /// Imports every mail under `path` (`.eml`, folder, mbox, Maildir). Files are archives:
    /// each mail is recorded at the instant its `Date` says it was sent, when that is in the
    /// past, so that the reports count it in its own day rather than in the import's.
    pub async fn import_path(&self, path: &Path) -> ImportReport {
        let (mails, errors) = read_mail_sources(path);
        let mut report = ImportReport {
            errors,
            ..ImportReport::default()
        };
        for raw in &mails {
            if let Err(e) = self.import_one(raw, &mut report, Dating::Sent).await {
                report.errors.push(SourceError {
                    source: raw.source.clone(),
                    reason: e.to_string(),
                });
            }
        }
        report
    }

    /// Imports one raw message just received, counting what happened (or why not) in
    /// `report`.
    pub async fn import_raw(&self, raw: &RawMail, report: &mut ImportReport) {
        if let Err(e) = self.try_import(raw, report).await {
            report.errors.push(SourceError {
                source: raw.source.clone(),
                reason: e.to_string(),
            });
        }
    }

    /// Imports one raw message just received. A message that cannot be read is counted in
    /// `report` with its reason (it will never become readable); a failure of the store is
    /// returned, so that a mailbox poll stops there and tries the message again later.
    pub async fn try_import(
        &self,
        raw: &RawMail,
        report: &mut ImportReport,
    ) -> Result<(), TriageError> {
        self.import_one(raw, report, Dating::Now).await
    }

    async fn import_one(
        &self,
        raw: &RawMail,
        report: &mut ImportReport,
        dating: Dating,
    ) -> Result<(), TriageError> {
        report.read += 1;
        let mail = match parse_mail(&raw.source, &raw.bytes, &self.limits) {
            Ok(mail) => mail,
            Err(e) => {
                report.errors.push(SourceError {
                    source: raw.source.clone(),
                    reason: e.to_string(),
                });
                return Ok(());
            }
        };
        let store = match dating {
            Dating::Sent => recorder(self.store, &mail),
            Dating::Now => self.store.clone(),
        };
        self.import_parsed(&store, raw, &mail, report, dating).await
    }

    async fn import_parsed(
        &self,
        store: &Store,
        raw: &RawMail,
        mail: &Mail,
        report: &mut ImportReport,
        dating: Dating,
    ) -> Result<(), TriageError> {
        let triage = self.model.classify(mail);
        let new = new_mail(mail, &triage, &raw.source, &raw.bytes);
        let stored = store.store_mail(&new).await?;
        if stored.created {
            report.stored += 1;
            report
                .warnings
                .extend(mail.warnings.iter().map(|w| SourceError {
                    source: raw.source.clone(),
                    reason: w.clone(),
                }));
            report.to_review += usize::from(new.to_review && !new.spam);
        } else {
            report.already_stored += 1;
        }
        match stored.mail.status {
            MailStatus::Spam => report.spam += usize::from(stored.created),
            MailStatus::Automatic => report.automatic += usize::from(stored.created),
            MailStatus::Routed => {}
            // Also a mail an interrupted import stored but did not route.
            MailStatus::New => {
                route(store, &self.rules, &stored.mail).await?;
                report.routed += 1;
                let in_scope = self
                    .scope
                    .covers(route_facts(&stored.mail).category.as_deref());
                if let (Some(hours), Dating::Now, true) = (self.acknowledge, dating, in_scope) {
                    crate::outbox::enqueue_acknowledgement(store, stored.mail.id, hours).await?;
                }
            }
        }
        Ok(())
    }
}

/// When a mail is recorded.
#[derive(Debug, Clone, Copy)]
enum Dating {
    /// When it was sent (an archive's mails).
    Sent,
    /// Now (a mail just received).
    Now,
}

/// The store handle recording `mail` at the instant its `Date` gives, when that is readable
/// and in the past (a wrong clock of the sender's never puts a mail in the future).
fn recorder(store: &Store, mail: &Mail) -> Store {
    let now = Timestamp::now();
    let sent = mail
        .date
        .as_deref()
        .and_then(|d| d.parse::<jiff::Timestamp>().ok())
        .map(|t| Timestamp(t.as_millisecond()))
        .filter(|t| *t < now);
    match sent {
        Some(at) => store.with_clock(&ManualClock::new(at)),
        None => store.clone(),
    }
}

/// Routes a stored mail by `rules` into a ticket.
async fn route(
    store: &Store,
    rules: &[MailRule],
    mail: &StoredMail,
) -> Result<StoredMail, TriageError> {
    let route = route_for(rules, &route_facts(mail));
    Ok(store
        .route_mail(mail.id, &route, serde_json::json!([]))
        .await?)
}

/// What routing rules look at; a mail to review has no category yet.
pub fn route_facts(mail: &StoredMail) -> RouteFacts {
    let m = &mail.mail;
    RouteFacts {
        category: (!m.to_review).then(|| m.category.clone()),
        sender: m.from_address.to_lowercase(),
        text: format!("{}\n{}", m.subject, m.new_text),
        language: m.language.clone(),
    }
}

/// The key that makes a second import of the same mail a no-op: its Message-ID, else the
/// sha256 of its bytes.
pub fn message_key(mail: &Mail, bytes: &[u8]) -> String {
    match mail.message_id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() => id.to_owned(),
        _ => format!("sha256:{}", hex::encode(Sha256::digest(bytes))),
    }
}

/// The row to store for a parsed, classified mail.
pub fn new_mail(mail: &Mail, triage: &Triage, source: &str, bytes: &[u8]) -> NewMail {
    let spam = triage.spam.is_some_and(|s| s.spam);
    NewMail {
        message_key: message_key(mail, bytes),
        thread_key: mail.thread_key.clone(),
        source: source.to_owned(),
        from_address: mail.sender_address(),
        from_name: mail
            .from
            .as_ref()
            .and_then(|m| m.name.clone())
            .unwrap_or_default(),
        to_addresses: mail.to.iter().map(|m| m.address.clone()).collect(),
        subject: mail.subject.clone(),
        sent_at: mail.date.clone(),
        body: mail.body.clone(),
        new_text: mail.new_text.clone(),
        attachments: attachments_json(mail),
        automatic: mail
            .automatic
            .and_then(|a| serde_json::to_value(a).ok()?.as_str().map(str::to_owned)),
        spam,
        spam_score: triage.spam.map_or(0.0, |s| f64::from(s.probability)),
        category: triage.category.label.clone(),
        confidence: f64::from(triage.category.confidence),
        urgency: triage.urgency.as_ref().map(|u| u.label.clone()),
        language: triage.language.clone(),
        sentiment: triage.sentiment.name().to_owned(),
        to_review: triage.to_review,
    }
}

fn attachments_json(mail: &Mail) -> serde_json::Value {
    mail.attachments
        .iter()
        .map(|a| {
            serde_json::json!({
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "text": a.text.as_deref().map(|t| first_chars(t, STORED_ATTACHMENT_CHARS)),
                "error": a.error,
            })
        })
        .collect()
}
