//! Why a mail could not be read or a model could not be trained, said so that whoever imports
//! the mailbox knows what to do.

/// An error of mail triage.
#[derive(Debug, thiserror::Error)]
pub enum TriageError {
    /// The bytes are not a mail at all (empty, too large, binary).
    #[error("{0}")]
    Unreadable(#[from] levier_extract::ExtractError),
    /// The bytes hold no header block: not an RFC 5322 message.
    #[error("{name}: not an e-mail (it must start with header lines such as \"From: …\")")]
    NotAMail {
        /// The file or message the bytes came from.
        name: String,
    },
    /// A mailbox file does not start with a `From ` separator line.
    #[error("{name}: not an mbox mailbox (it must start with a \"From \" line)")]
    NotAMailbox {
        /// The file.
        name: String,
    },
    /// Training data is missing or unusable.
    #[error("cannot train: {0}")]
    Training(String),
    /// The store refused or failed (importing, routing, correcting).
    #[error(transparent)]
    Store(#[from] levier_store::StoreError),
    /// A stored triage model could not be read or written.
    #[error("the stored triage model: {0}")]
    Model(String),
    /// The IMAP server could not be reached, refused the login or failed a command.
    #[error("IMAP {0}")]
    Imap(String),
    /// The shared classifier refused its data.
    #[error(transparent)]
    Classifier(#[from] levier_intent::IntentError),
}
