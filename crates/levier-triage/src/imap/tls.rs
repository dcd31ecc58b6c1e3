//! TLS for IMAP (rustls with ring, as the rest of the workspace): the Mozilla roots, plus the
//! authorities of the account's CA file for a company's own server; a refused certificate is
//! explained in words, since "UnknownIssuer" alone does not tell an admin what to do.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{CertificateError, RootCertStore};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::client::TlsStream;

use super::account::ImapAccount;
use super::imap_error;
use crate::error::TriageError;

/// `stream` wrapped in TLS, the server's certificate checked against the trusted authorities
/// and the account's host name.
pub(super) async fn wrap<S>(account: &ImapAccount, stream: S) -> Result<TlsStream<S>, TriageError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let name = ServerName::try_from(account.host.clone())
        .map_err(|e| imap_error(account, "not a host name", e))?;
    connector(account)?
        .connect(name, stream)
        .await
        .map_err(|e| imap_error(account, "TLS failed", explained(account, &e)))
}

fn connector(account: &ImapAccount) -> Result<tokio_rustls::TlsConnector, TriageError> {
    let mut roots = RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(file) = &account.ca_file {
        add_ca_file(&mut roots, file)?;
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| TriageError::Imap(format!("TLS setup: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

/// Trusts every certificate of a PEM file; a file without any is an error, not a silent no-op.
fn add_ca_file(roots: &mut RootCertStore, file: &std::path::Path) -> Result<(), TriageError> {
    let bad = |why: String| TriageError::Imap(format!("CA file {}: {why}", file.display()));
    let pem = std::fs::read(file).map_err(|e| bad(e.to_string()))?;
    let mut added = 0;
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert.map_err(|e| bad(format!("not PEM: {e}")))?;
        roots
            .add(cert)
            .map_err(|e| bad(format!("not a usable CA certificate: {e}")))?;
        added += 1;
    }
    if added == 0 {
        return Err(bad(
            "holds no certificate (-----BEGIN CERTIFICATE-----)".into()
        ));
    }
    Ok(())
}

/// The TLS error with what it means for whoever configures the account.
fn explained(account: &ImapAccount, e: &std::io::Error) -> String {
    let hint = match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        Some(rustls::Error::InvalidCertificate(cert)) => match cert {
            CertificateError::UnknownIssuer => {
                "the server's certificate is not signed by a trusted authority (the Mozilla \
                 roots, or the CA file for a company's own authority)"
                    .to_owned()
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                format!("the server's certificate is not for {}", account.host)
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "the server's certificate has expired".to_owned()
            }
            _ => "the server's certificate was refused".to_owned(),
        },
        _ => return e.to_string(),
    };
    format!("{e}: {hint}")
}
