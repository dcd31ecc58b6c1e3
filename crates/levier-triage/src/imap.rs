//! Polling a shared mailbox over IMAP: every new message of a folder is imported (classified,
//! stored once, routed), and the highest UID done is remembered in the store with the folder's
//! UIDVALIDITY, so a restart neither reads a message twice nor misses one. A message is marked
//! done only once the store has it (or once it is known unreadable, with its reason in the
//! report): a store failure stops the poll there, and the next poll starts again from it.
//! Re-reading is harmless anyway: a mail is stored once per Message-ID.
//!
//! `imaps://` connects with TLS (rustls, the Mozilla roots); `imap://` is plain and meant for a
//! server on the same machine or network. The password comes from the caller (an environment
//! variable or a secret file) and is never logged.

use std::sync::Arc;

use futures_util::TryStreamExt;
use levier_store::Store;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use crate::error::TriageError;
use crate::import::{ImportReport, Importer};
use crate::sources::RawMail;

/// Where to read mail.
#[derive(Clone)]
pub struct ImapAccount {
    /// Server host name.
    pub host: String,
    /// Port (993 for `imaps`, 143 for `imap`).
    pub port: u16,
    /// TLS from the first byte (`imaps://`).
    pub tls: bool,
    /// Login.
    pub user: String,
    /// Password (never logged, never in errors).
    pub password: String,
    /// Folder to read (`INBOX`).
    pub folder: String,
}

impl std::fmt::Debug for ImapAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.label())
    }
}

impl ImapAccount {
    /// Reads `imap[s]://user@host[:port]/FOLDER` (a password in the URL is refused: it would
    /// end up in shell histories and process lists).
    pub fn parse(url: &str, password: String) -> Result<ImapAccount, TriageError> {
        let shown = masked(url);
        let bad = |why: &str| TriageError::Imap(format!("{shown}: {why}"));
        let (tls, rest) = if let Some(rest) = url.strip_prefix("imaps://") {
            (true, rest)
        } else if let Some(rest) = url.strip_prefix("imap://") {
            (false, rest)
        } else {
            return Err(bad("not an imap:// or imaps:// address"));
        };
        let (authority, folder) = rest.split_once('/').unwrap_or((rest, "INBOX"));
        let (user, server) = authority
            .rsplit_once('@')
            .ok_or_else(|| bad("no user (imap://user@host/INBOX)"))?;
        if user.contains(':') {
            return Err(bad(
                "put the password in LEVIER_IMAP_PASSWORD or a secret file, not in the address",
            ));
        }
        let (host, port) = match server.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().map_err(|_| bad("the port is not a number"))?),
            None => (server, if tls { 993 } else { 143 }),
        };
        Ok(ImapAccount {
            host: host.to_owned(),
            port,
            tls,
            user: user.to_owned(),
            password,
            folder: if folder.is_empty() { "INBOX" } else { folder }.to_owned(),
        })
    }

    /// `user@host:port/folder`: the account in logs, errors and the store (no password).
    pub fn label(&self) -> String {
        format!("{}@{}:{}/{}", self.user, self.host, self.port, self.folder)
    }

    fn meta_key(&self) -> String {
        format!("triage.imap.{}", self.label())
    }
}

/// Imports the folder's messages not done yet; the report says what happened to each.
pub async fn poll_once(
    store: &Store,
    importer: &Importer<'_>,
    account: &ImapAccount,
) -> Result<ImportReport, TriageError> {
    let tcp = TcpStream::connect((account.host.as_str(), account.port))
        .await
        .map_err(|e| imap_error(account, "cannot connect", e))?;
    if account.tls {
        let tls = tls_connector()
            .connect(server_name(account)?, tcp)
            .await
            .map_err(|e| imap_error(account, "TLS failed", e))?;
        poll_stream(store, importer, account, tls).await
    } else {
        poll_stream(store, importer, account, tcp).await
    }
}

async fn poll_stream<S>(
    store: &Store,
    importer: &Importer<'_>,
    account: &ImapAccount,
    stream: S,
) -> Result<ImportReport, TriageError>
where
    S: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let mut client = async_imap::Client::new(stream);
    client
        .read_response()
        .await
        .map_err(|e| imap_error(account, "no greeting", e))?;
    let mut session = client
        .login(&account.user, &account.password)
        .await
        .map_err(|(e, _)| imap_error(account, "login refused (check the user and password)", e))?;
    let mailbox = session
        .select(&account.folder)
        .await
        .map_err(|e| imap_error(account, "cannot open the folder", e))?;
    let validity = mailbox.uid_validity.unwrap_or(0);
    let mut done = last_done(store, account, validity).await?;
    let mut uids: Vec<u32> = session
        .uid_search(format!("UID {}:*", done + 1))
        .await
        .map_err(|e| imap_error(account, "search failed", e))?
        .into_iter()
        .filter(|uid| *uid > done)
        .collect();
    uids.sort_unstable();
    let mut report = ImportReport::default();
    for uid in uids {
        let bytes = fetch(&mut session, account, uid).await?;
        let raw = RawMail {
            source: format!("imap:{}/{uid}", account.label()),
            bytes,
        };
        importer.try_import(&raw, &mut report).await?;
        done = uid;
        remember(store, account, validity, done).await?;
    }
    let _ = session.logout().await;
    Ok(report)
}

/// One message's bytes, read without setting `\Seen` (people may read the mailbox too).
async fn fetch<S>(
    session: &mut async_imap::Session<S>,
    account: &ImapAccount,
    uid: u32,
) -> Result<Vec<u8>, TriageError>
where
    S: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let fetched: Vec<_> = session
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

/// The address with any password in it replaced by `***`, for error messages.
fn masked(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rsplit_once('@') {
        Some((userinfo, _)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or_default();
            let after = &rest[userinfo.len()..];
            format!("{scheme}://{user}:***{after}")
        }
        _ => url.to_owned(),
    }
}

fn tls_connector() -> tokio_rustls::TlsConnector {
    let roots = rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map(|b| b.with_root_certificates(roots).with_no_client_auth());
    match config {
        Ok(config) => tokio_rustls::TlsConnector::from(Arc::new(config)),
        // The ring provider supports the safe defaults; this cannot fail in practice.
        Err(_) => unreachable_config(),
    }
}

#[allow(clippy::panic)]
fn unreachable_config() -> tokio_rustls::TlsConnector {
    panic!("rustls refused its own default protocol versions")
}

fn server_name(
    account: &ImapAccount,
) -> Result<rustls::pki_types::ServerName<'static>, TriageError> {
    rustls::pki_types::ServerName::try_from(account.host.clone())
        .map_err(|e| imap_error(account, "not a host name", e))
}

fn imap_error(account: &ImapAccount, what: &str, e: impl std::fmt::Display) -> TriageError {
    TriageError::Imap(format!("{}: {what}: {e}", account.label()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_read_and_passwords_kept_out_of_them() {
        let a = ImapAccount::parse("imaps://contact@mail.ergolis.fr/Support", "s3cret".into())
            .expect("parse");
        assert_eq!((a.tls, a.port, a.folder.as_str()), (true, 993, "Support"));
        assert_eq!(a.label(), "contact@mail.ergolis.fr:993/Support");
        assert!(!format!("{a:?}").contains("s3cret"));
        let plain = ImapAccount::parse("imap://u@127.0.0.1:1430", String::new()).expect("plain");
        assert_eq!(
            (plain.tls, plain.port, plain.folder.as_str()),
            (false, 1430, "INBOX")
        );
        let err = ImapAccount::parse("imap://u:pw@h/INBOX", String::new()).expect_err("refused");
        assert!(!err.to_string().contains("pw@"), "{err}");
        assert!(ImapAccount::parse("pop3://u@h", String::new()).is_err());
    }
}
