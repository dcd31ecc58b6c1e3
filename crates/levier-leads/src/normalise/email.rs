//! E-mail addresses of leads: the most common key to recognise a person twice, and whose domain
//! says whether the lead wrote from a company (a domain to enrich from) or a free-mail box.

use serde::{Deserialize, Serialize};

/// Free-mail and internet-provider domains common in France and Belgium: an address there says
/// nothing about the lead's company, so its domain is not taken as the company's.
const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "hotmail.com",
    "hotmail.fr",
    "hotmail.be",
    "outlook.com",
    "outlook.fr",
    "outlook.be",
    "live.com",
    "live.fr",
    "live.be",
    "msn.com",
    "yahoo.com",
    "yahoo.fr",
    "yahoo.be",
    "ymail.com",
    "aol.com",
    "aol.fr",
    "icloud.com",
    "me.com",
    "mac.com",
    "orange.fr",
    "wanadoo.fr",
    "free.fr",
    "sfr.fr",
    "neuf.fr",
    "cegetel.net",
    "club-internet.fr",
    "laposte.net",
    "bbox.fr",
    "numericable.fr",
    "noos.fr",
    "aliceadsl.fr",
    "gmx.fr",
    "gmx.com",
    "gmx.net",
    "protonmail.com",
    "proton.me",
    "tutanota.com",
    "skynet.be",
    "telenet.be",
    "voo.be",
    "proximus.be",
    "scarlet.be",
    "mail.com",
    "yandex.com",
];

/// Why an address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// No `@`, or more than one.
    #[error("'{0}' is not an e-mail address: it needs exactly one @")]
    NoAt(String),
    /// The part before `@` is empty or has characters addresses cannot carry.
    #[error("'{0}': the part before @ is empty or has a space, an accent or a misplaced dot")]
    Local(String),
    /// The domain is not a dotted host name with a top-level domain of letters.
    #[error("'{0}': the domain after @ is not a valid host name (e.g. societe.fr)")]
    Domain(String),
}

/// A syntactically valid address, lowercased (domains are case-insensitive and nobody relies on
/// a case-sensitive local part), so that the same person matches whatever the case typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Reads an address as people paste it: surrounding spaces, `mailto:`, angle brackets,
    /// capitals, a trailing dot.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let trimmed = raw.trim().trim_matches(|c| c == '<' || c == '>').trim();
        let trimmed = trimmed
            .strip_prefix("mailto:")
            .or_else(|| trimmed.strip_prefix("MAILTO:"))
            .unwrap_or(trimmed)
            .trim_end_matches('.');
        let lower = trimmed.to_lowercase();
        let mut parts = lower.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(EmailError::NoAt(raw.trim().to_owned()));
        };
        if !local_valid(local) {
            return Err(EmailError::Local(raw.trim().to_owned()));
        }
        if !domain_valid(domain) {
            return Err(EmailError::Domain(raw.trim().to_owned()));
        }
        Ok(Email(lower))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit('@').next().unwrap_or_default()
    }

    /// Whether the domain is a free-mail or internet-provider one (gmail.com, orange.fr…).
    pub fn is_free_mail(&self) -> bool {
        FREE_MAIL.contains(&self.domain())
    }

    /// The company's domain, when the address is not a free-mail one.
    pub fn company_domain(&self) -> Option<&str> {
        (!self.is_free_mail()).then(|| self.domain())
    }
}

fn local_valid(local: &str) -> bool {
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c))
}

/// Host-name syntax: labels of letters, digits and inner hyphens, at least two, the last
/// (top-level domain) of letters only.
pub(crate) fn domain_valid(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    labels.len() >= 2
        && labels.iter().all(label_ok)
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

text_newtype!(Email, EmailError);
