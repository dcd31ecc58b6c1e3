//! Websites to their domain: "https://www.Dupont-Fils.fr/contact" and "dupont-fils.fr" are the
//! same company site, and the domain is what matches it to e-mail addresses.

use super::email::domain_valid;
use serde::{Deserialize, Serialize};

/// Why a website was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebsiteError {
    /// Not readable as a web address with a host name.
    #[error("'{0}' is not a website address (e.g. www.societe.fr)")]
    Invalid(String),
}

/// A website's host name, lowercase, without "www." (international names in their ASCII
/// form, as e-mail domains are compared).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Domain(String);

impl Domain {
    /// Reads a website as people write it: with or without scheme, "www.", path, port.
    pub fn parse(raw: &str) -> Result<Self, WebsiteError> {
        let invalid = || WebsiteError::Invalid(raw.trim().to_owned());
        let trimmed = raw.trim();
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("http://{trimmed}")
        };
        let url = url::Url::parse(&with_scheme).map_err(|_| invalid())?;
        let host = url.host_str().ok_or_else(invalid)?.to_lowercase();
        let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
        if !matches!(url.scheme(), "http" | "https") || !domain_valid(&host) {
            return Err(invalid());
        }
        Ok(Domain(host))
    }

    /// The host name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_newtype!(Domain, WebsiteError);
