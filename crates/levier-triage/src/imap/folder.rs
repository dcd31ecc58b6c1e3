//! One logged-in connection with the folder selected: opened in plain, STARTTLS or TLS, it
//! imports the messages past the last UID done and, when the server offers IDLE, waits there
//! for the next ones.

use std::fmt::Debug;
use std::time::Duration;

use async_imap::extensions::idle::IdleResponse;
use async_imap::types::UnsolicitedResponse;
use async_imap::{Client, Session};
use futures_util::TryStreamExt;
use levier_store::Store;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::account::{ImapAccount, ImapSecurity};
use super::{imap_error, tls, utf7};
use crate::error::TriageError;
use crate::import::{ImportReport, Importer};
use crate::sources::RawMail;

/// Any of the three transports, so one session type serves them all.
pub(super) trait Transport: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> Transport for T {}
type Stream = Box<dyn Transport>;

/// A logged-in session on the account's folder.
pub(super) struct Folder {
    session: Session<Stream>,
    /// The folder's UIDVALIDITY at SELECT: the UIDs remembered are only valid with it.
    validity: u32,
    /// The server offers IDLE (RFC 2177).
    can_idle: bool,
}

impl Folder {
    /// Connects, protects the connection as the account says, logs in and selects the folder.
    pub(super) async fn open(account: &ImapAccount) -> Result<Folder, TriageError> {
        account.check()?;
        let tcp = TcpStream::connect((account.host.as_str(), account.port))
            .await
            .map_err(|e| imap_error(account, "cannot connect", e))?;
        let client = match account.security {
            ImapSecurity::Tls => greeted(account, Box::new(tls::wrap(account, tcp).await?)).await?,
            ImapSecurity::StartTls => {
                starttls(account, greeted(account, Box::new(tcp)).await?).await?
            }
            ImapSecurity::Plain => greeted(account, Box::new(tcp)).await?,
        };
        let mut session = client
            .login(&account.user, &account.password)
            .await
            .map_err(|(e, _)| {
                imap_error(account, "login refused (check the user and password)", e)
            })?;
        let capabilities = session
            .capabilities()
            .await
            .map_err(|e| imap_error(account, "no capabilities", e))?;
        let (can_idle, can_move) = (capabilities.has_str("IDLE"), capabilities.has_str("MOVE"));
        let mailbox = session
            .select(utf7::encode(&account.folder))
            .await
            .map_err(|e| imap_error(account, "cannot open the folder", e))?;
        account
            .after
            .prepare(&mut session, can_move)
            .await
            .map_err(|e| imap_error(account, "after import", e))?;
        Ok(Folder {
            session,
            validity: mailbox.uid_validity.unwrap_or(0),
            can_idle,
        })
    }

    pub(super) fn can_idle(&self) -> bool {
        self.can_idle
    }

    /// Imports the folder's messages past the last UID done, remembering each one done.
    pub(super) async fn import_new(
        &mut self,
        store: &Store,
        importer: &Importer<'_>,
        account: &ImapAccount,
    ) -> Result<ImportReport, TriageError> {
        let mut done = last_done(store, account, self.validity).await?;
        let mut uids: Vec<u32> = self
            .session
            .uid_search(format!("UID {}:*", done + 1))
            .await
            .map_err(|e| imap_error(account, "search failed", e))?
            .into_iter()
            .filter(|uid| *uid > done)
            .collect();
        uids.sort_unstable();
        let mut report = ImportReport::default();
        for uid in uids {
            let bytes = self.fetch(account, uid).await?;
            let raw = RawMail {
                source: format!("imap:{}/{uid}", account.label()),
                bytes,
            };
            importer.try_import(&raw, &mut report).await?;
            done = uid;
            remember(store, account, self.validity, done).await?;
            if let Err(e) = account.after.apply(&mut self.session, uid).await {
                tracing::warn!(account = %account.label(), uid, error = %e, "message imported, left in place");
            }
        }
        Ok(report)
    }

    /// Waits in IDLE until the server reports a change to the folder or `max` passes (servers
    /// may drop a client idle for 30 minutes, so `max` is below that), and gives the session
    /// back. Returns at once when the server already reported a new message while importing.
    pub(super) async fn idle(
        mut self,
        account: &ImapAccount,
        max: Duration,
    ) -> Result<Folder, TriageError> {
        if self.news_pending() {
            return Ok(self);
        }
        let lost = |e| imap_error(account, "connection lost in IDLE", e);
        let mut handle = self.session.idle();
        handle
            .init()
            .await
            .map_err(|e| imap_error(account, "IDLE refused", e))?;
        {
            let (change, _stop) = handle.wait_with_timeout(max);
            let outcome: IdleResponse = change.await.map_err(lost)?;
            tracing::debug!(account = %account.label(), ?outcome, "IDLE ended");
        }
        self.session = handle.done().await.map_err(lost)?;
        Ok(self)
    }

    /// Says goodbye; a failure is of no consequence (everything done is remembered).
    pub(super) async fn logout(mut self) {
        let _ = self.session.logout().await;
    }

    /// Whether the server announced new messages (EXISTS) outside IDLE, e.g. during a fetch:
    /// it will not announce them again, so IDLE would wait for the next one.
    fn news_pending(&mut self) -> bool {
        let mut news = false;
        while let Ok(response) = self.session.unsolicited_responses.try_recv() {
            news |= matches!(
                response,
                UnsolicitedResponse::Exists(_) | UnsolicitedResponse::Recent(_)
            );
        }
        news
    }

    /// One message's bytes, read without setting `\Seen` (people may read the mailbox too).
    async fn fetch(&mut self, account: &ImapAccount, uid: u32) -> Result<Vec<u8>, TriageError> {
        let fetched: Vec<_> = self
            .session
            .uid_fetch(uid.to_string(), "BODY.PEEK[]")
            .await
            .map_err(|e| imap_error(account, "fetch failed", e))?
            .try_collect()
            .await
            .map_err(|e| imap_error(account, "fetch interrupted", e))?;
        Ok(fetched
            .iter()
            .find_map(|f| f.body().map(<[u8]>::to_vec))
            .unwrap_or_default())
    }
}

/// A client past the server's greeting.
async fn greeted(account: &ImapAccount, stream: Stream) -> Result<Client<Stream>, TriageError> {
    let mut client = Client::new(stream);
    match client.read_response().await {
        Ok(Some(_)) => Ok(client),
        Ok(None) => Err(imap_error(
            account,
            "no greeting",
            "the server closed the connection",
        )),
        Err(e) => Err(imap_error(account, "no greeting", e)),
    }
}

/// The plain connection upgraded to TLS (`STARTTLS`, RFC 3501 6.2.1), before any password is
/// sent; a server that refuses is an error, never a fallback to plain.
async fn starttls(
    account: &ImapAccount,
    mut client: Client<Stream>,
) -> Result<Client<Stream>, TriageError> {
    client
        .run_command_and_check_ok("STARTTLS", None)
        .await
        .map_err(|e| imap_error(account, "the server refused STARTTLS (try imaps://)", e))?;
    let tls = tls::wrap(account, client.into_inner()).await?;
    Ok(Client::new(Box::new(tls)))
}

/// The highest UID done in this folder, 0 when none or when the folder's UIDVALIDITY changed
/// (its UIDs were renumbered: everything is read again, and Message-IDs keep it from being
/// stored twice).
async fn last_done(
    store: &Store,
    account: &ImapAccount,
    validity: u32,
) -> Result<u32, TriageError> {
    let stored = store.meta(&account.meta_key()).await?.unwrap_or_default();
    Ok(match stored.split_once(':') {
        Some((v, uid)) if v == validity.to_string() => uid.parse().unwrap_or(0),
        _ => 0,
    })
}

async fn remember(
    store: &Store,
    account: &ImapAccount,
    validity: u32,
    uid: u32,
) -> Result<(), TriageError> {
    Ok(store
        .set_meta(&account.meta_key(), &format!("{validity}:{uid}"))
        .await?)
}
