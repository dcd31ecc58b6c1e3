//! Reading a shared mailbox over IMAP: every new message of a folder is imported (classified,
//! stored once, routed), and the highest UID done is remembered in the store with the folder's
//! UIDVALIDITY, so a restart neither reads a message twice nor misses one. A message is marked
//! done only once the store has it (or once it is known unreadable, with its reason in the
//! report): a store failure stops the import there, and the next one starts again from it.
//! Re-reading is harmless anyway: a mail is stored once per Message-ID.
//!
//! `imaps://` connects with TLS; `imap://` upgrades with STARTTLS, or stays plain to a server
//! on this machine (or with an explicit opt-in): the password is never sent in clear over a
//! network. Certificates are checked against the Mozilla roots plus an optional CA file. When
//! the server offers IDLE, [`ImapWatch`] keeps the connection and waits there, so a new mail is
//! read as soon as it arrives; otherwise it polls. The password comes from the caller (an
//! environment variable or a secret file) and is never logged.

mod account;
mod after;
mod folder;
mod tls;
mod utf7;

use std::time::Duration;

use levier_store::Store;

pub use account::{ImapAccount, ImapSecurity};
pub use after::AfterImport;
use folder::Folder;

use crate::error::TriageError;
use crate::import::{ImportReport, Importer};

/// The longest wait in IDLE before it is re-issued: RFC 2177 lets servers log out a client
/// idle for 30 minutes.
const IDLE_MAX: Duration = Duration::from_secs(25 * 60);

/// Imports the folder's messages not done yet; the report says what happened to each.
pub async fn poll_once(
    store: &Store,
    importer: &Importer<'_>,
    account: &ImapAccount,
) -> Result<ImportReport, TriageError> {
    let mut folder = Folder::open(account).await?;
    let report = folder.import_new(store, importer, account).await?;
    folder.logout().await;
    Ok(report)
}

/// A watched folder (`levier triage watch`): [`ImapWatch::wait`] until there may be new mail,
/// then [`ImapWatch::import`] it, in a loop. With IDLE the connection stays open between the
/// two; without it, or after an error, each import connects again.
pub struct ImapWatch {
    account: ImapAccount,
    interval: Duration,
    /// The open connection, kept only when the server offers IDLE.
    folder: Option<Folder>,
    started: bool,
}

impl ImapWatch {
    /// Watches `account`, polling every `interval` when the server does not offer IDLE (or
    /// after a failed import).
    pub fn new(account: ImapAccount, interval: Duration) -> ImapWatch {
        ImapWatch {
            account,
            interval,
            folder: None,
            started: false,
        }
    }

    /// Returns when there may be new mail: at once the first time; when the server signals a
    /// change in IDLE (or after [`IDLE_MAX`], to re-issue it); otherwise after the polling
    /// interval. An error means the connection was lost: the next import connects again.
    pub async fn wait(&mut self) -> Result<(), TriageError> {
        if !std::mem::replace(&mut self.started, true) {
            return Ok(());
        }
        match self.folder.take() {
            Some(folder) => self.folder = Some(folder.idle(&self.account, IDLE_MAX).await?),
            None => tokio::time::sleep(self.interval).await,
        }
        Ok(())
    }

    /// Imports the folder's messages not done yet (connecting first when needed).
    pub async fn import(
        &mut self,
        store: &Store,
        importer: &Importer<'_>,
    ) -> Result<ImportReport, TriageError> {
        let mut folder = match self.folder.take() {
            Some(folder) => folder,
            None => Folder::open(&self.account).await?,
        };
        let report = folder.import_new(store, importer, &self.account).await?;
        if folder.can_idle() {
            self.folder = Some(folder);
        } else {
            folder.logout().await;
        }
        Ok(report)
    }

    /// Logs out of a connection kept for IDLE.
    pub async fn close(mut self) {
        if let Some(folder) = self.folder.take() {
            folder.logout().await;
        }
    }
}

fn imap_error(account: &ImapAccount, what: &str, e: impl std::fmt::Display) -> TriageError {
    TriageError::Imap(format!("{}: {what}: {e}", account.label()))
}
