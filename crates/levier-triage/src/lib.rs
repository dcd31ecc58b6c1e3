//! E-mail triage for a company's shared mailbox (contact@, support@, factures@): each incoming
//! mail is parsed into what a person needs to see and decided about — spam or not, which
//! category and urgency (with a calibrated confidence, "to review" when unsure), which
//! language, what tone.
//!
//! - [`parse_mail`] / [`read_mailbox`]: headers (addresses, subject with encoded-words and
//!   8-bit bytes decoded, date, ids), the body as text (HTML through levier-extract), what is
//!   new in it apart from the quoted reply and the signature ([`crate::Mail::new_text`]), the
//!   thread key, attachments with their text (levier-extract's readers, size-limited), and
//!   whether a machine sent it ([`Automatic`]: auto-reply, bounce, mailing).
//! - [`TriageModel`]: trained from a few labelled mails per category ([`read_labelled_folder`]),
//!   retrained with agents' corrections; spam by [`SpamFilter`], category and urgency by
//!   [`LabelModel`] (levier-intent's TF-IDF and logistic regression, calibrated), sentiment by
//!   a lexicon ([`sentiment()`]), language by levier-extract's detector.
//! - [`cross_validate`]: macro-F1 and "to review" share on a labelled set.
//!
//! - [`Importer`]: mails into the store (`.eml`, folders, mbox, Maildir via
//!   [`read_mail_sources`]), once per Message-ID, classified and routed into the support inbox
//!   by the store's rules; [`correct_category`] records a person's choice and reroutes.
//! - [`model_or_train`]: the company's model, kept in the store, retrained with corrections.
//!
//! - [`poll_once`]: new messages of an IMAP folder imported the same way, UIDs remembered.
//!
//! - [`Mailer`]: replies and acknowledgements sent over SMTP (`[smtp]`), threaded under the
//!   customer's mail; [`outbox`]: the `mail.send` task that sends agents' replies.

mod attachment;
mod automatic;
mod body;
mod charset;
mod damage;
mod error;
mod evaluate;
mod imap;
mod import;
mod label_model;
mod labelled;
mod learning;
mod mail;
mod mailbox;
mod model;
pub mod outbox;
mod reply;
mod sentiment;
mod smtp;
mod sources;
mod spam;
mod svm;
mod thread;

pub use attachment::Attachment;
pub use automatic::Automatic;
pub use error::TriageError;
pub use evaluate::{
    CrossValidation, LabelScore, cross_validate, evaluate, held_out_split, label_scores,
};
pub use imap::{AfterImport, ImapAccount, ImapSecurity, ImapWatch, poll_once};
pub use import::{ImportReport, Importer, message_key, new_mail, route_facts};
pub use label_model::{LabelModel, Labelled};
pub use labelled::{LABELS_FILE, LabelledMail, read_labelled_folder};
pub use learning::{
    MODEL_META_KEY, correct_category, corrections, model_or_train, save_model, stored_model,
};
pub use mail::{Mail, MailLimits, Mailbox, parse_mail};
pub use mailbox::{MailboxEntry, read_mailbox};
pub use model::{DEFAULT_CATEGORIES, TrainingMail, Triage, TriageConfig, TriageModel};
pub use sentiment::{Sentiment, sentiment};
pub use smtp::{
    AutoSubmitted, Mailer, Outgoing, OutgoingFile, SmtpError, build_message, new_message_id,
    reply_subject,
};
pub use sources::{RawMail, SourceError, read_mail_sources};
pub use spam::{SpamConfig, SpamFilter, SpamLearner, SpamVerdict};
pub use svm::SvmConfig;
pub use thread::normalised_subject;
