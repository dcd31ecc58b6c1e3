//! Where and how to read mail: the account's address, how the connection is protected, and
//! which authorities are trusted. The password is never part of the address, logs or errors.

use std::net::IpAddr;
use std::path::PathBuf;
use std::str::FromStr;

use super::after::AfterImport;
use crate::error::TriageError;

/// How the connection to the server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImapSecurity {
    /// TLS from the first byte (`imaps://`, port 993).
    Tls,
    /// A plain connection upgraded by `STARTTLS` before logging in (port 143): the default of
    /// `imap://` to another machine, so the password never crosses the network in clear.
    StartTls,
    /// No encryption: the default of `imap://` to this machine (loopback), refused to any
    /// other host unless [`ImapAccount::allow_plain`] is set.
    Plain,
}

impl FromStr for ImapSecurity {
    type Err = TriageError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "tls" => Ok(ImapSecurity::Tls),
            "starttls" => Ok(ImapSecurity::StartTls),
            "plain" => Ok(ImapSecurity::Plain),
            _ => Err(TriageError::Imap(format!(
                "IMAP security {s:?}: expected tls, starttls or plain"
            ))),
        }
    }
}

/// Where to read mail.
#[derive(Clone)]
pub struct ImapAccount {
    /// Server host name (or IP address).
    pub host: String,
    /// Port (993 for `imaps`, 143 for `imap`).
    pub port: u16,
    /// How the connection is protected (from the address's scheme and host by default).
    pub security: ImapSecurity,
    /// Login.
    pub user: String,
    /// Password (never logged, never in errors).
    pub password: String,
    /// Folder to read (`INBOX`).
    pub folder: String,
    /// A PEM file of authorities trusted besides the Mozilla roots: a company's own CA, whose
    /// mail server the public roots do not vouch for.
    pub ca_file: Option<PathBuf>,
    /// Allows [`ImapSecurity::Plain`] to a host that is not this machine (a trusted network
    /// only: the password then travels in clear).
    pub allow_plain: bool,
    /// What to do in the mailbox to each message once imported.
    pub after: AfterImport,
}

impl std::fmt::Debug for ImapAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.label())
    }
}

impl ImapAccount {
    /// Reads `imap[s]://user@host[:port]/FOLDER` (a password in the URL is refused: it would
    /// end up in shell histories and process lists). `imaps://` is TLS; `imap://` is plain to
    /// this machine and STARTTLS to any other.
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
        let (host, port) = host_and_port(server).map_err(bad)?;
        let security = match (tls, is_loopback(host)) {
            (true, _) => ImapSecurity::Tls,
            (false, true) => ImapSecurity::Plain,
            (false, false) => ImapSecurity::StartTls,
        };
        Ok(ImapAccount {
            host: host.to_owned(),
            port: port.unwrap_or(if tls { 993 } else { 143 }),
            security,
            user: user.to_owned(),
            password,
            folder: if folder.is_empty() { "INBOX" } else { folder }.to_owned(),
            ca_file: None,
            allow_plain: false,
            after: AfterImport::Leave,
        })
    }

    /// `user@host:port/folder`: the account in logs, errors and the store (no password).
    pub fn label(&self) -> String {
        format!("{}@{}:{}/{}", self.user, self.host, self.port, self.folder)
    }

    /// Refuses a plain connection that would send the password in clear over a network.
    pub fn check(&self) -> Result<(), TriageError> {
        if self.security == ImapSecurity::Plain && !self.allow_plain && !is_loopback(&self.host) {
            return Err(TriageError::Imap(format!(
                "{}: plain IMAP would send the password in clear to {}: use imaps:// or \
                 STARTTLS, or allow plain IMAP explicitly for a trusted network",
                self.label(),
                self.host
            )));
        }
        Ok(())
    }

    pub(super) fn meta_key(&self) -> String {
        format!("triage.imap.{}", self.label())
    }
}

/// `host[:port]`, where an IPv6 host is written `[::1]`.
fn host_and_port(server: &str) -> Result<(&str, Option<u16>), &'static str> {
    let (host, port) = match server.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6.split_once(']').ok_or("an IPv6 host lacks its ]")?;
            (host, after.strip_prefix(':'))
        }
        None => match server.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (server, None),
        },
    };
    let port = port
        .map(|p| p.parse().map_err(|_| "the port is not a number"))
        .transpose()?;
    Ok((host, port))
}

/// This machine: `localhost` or a loopback address (traffic that never leaves it).
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_read_and_passwords_kept_out_of_them() {
        let a = ImapAccount::parse("imaps://contact@mail.ergolis.fr/Support", "s3cret".into())
            .expect("parse");
        assert_eq!(
            (a.security, a.port, a.folder.as_str()),
            (ImapSecurity::Tls, 993, "Support")
        );
        assert_eq!(a.label(), "contact@mail.ergolis.fr:993/Support");
        assert!(!format!("{a:?}").contains("s3cret"));
        let plain = ImapAccount::parse("imap://u@127.0.0.1:1430", String::new()).expect("plain");
        assert_eq!(
            (plain.security, plain.port, plain.folder.as_str()),
            (ImapSecurity::Plain, 1430, "INBOX")
        );
        let v6 = ImapAccount::parse("imap://u@[::1]:1430/X", String::new()).expect("v6");
        assert_eq!(
            (v6.host.as_str(), v6.port, v6.security),
            ("::1", 1430, ImapSecurity::Plain)
        );
        let err = ImapAccount::parse("imap://u:pw@h/INBOX", String::new()).expect_err("refused");
        assert!(!err.to_string().contains("pw@"), "{err}");
        assert!(ImapAccount::parse("pop3://u@h", String::new()).is_err());
        assert!(ImapAccount::parse("imap://u@h:x", String::new()).is_err());
    }

    #[test]
    fn imap_to_another_machine_uses_starttls_and_plain_needs_an_explicit_opt_in() {
        let mut a = ImapAccount::parse("imap://u@mail.ergolis.fr/INBOX", "pw".into()).expect("url");
        assert_eq!((a.security, a.port), (ImapSecurity::StartTls, 143));
        a.check().expect("STARTTLS is fine");
        a.security = "plain".parse().expect("plain");
        let err = a
            .check()
            .expect_err("plain to a remote host is refused")
            .to_string();
        assert!(err.contains("in clear to mail.ergolis.fr"), "{err}");
        a.allow_plain = true;
        a.check().expect("explicitly allowed");
        let local = ImapAccount::parse("imap://u@localhost/INBOX", "pw".into()).expect("url");
        assert_eq!(local.security, ImapSecurity::Plain);
        local.check().expect("loopback may be plain");
        let err = "ssl"
            .parse::<ImapSecurity>()
            .expect_err("unknown mode")
            .to_string();
        assert!(err.contains("tls, starttls or plain"), "{err}");
    }
}
