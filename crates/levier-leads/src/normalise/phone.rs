//! Phone numbers of leads in E.164 ("+33612345678"): French files write the same number as
//! "06 12 34 56 78", "+33 (0)6 12 34 56 78", "0033 6…" or "6.12.34.56.78"; one form makes
//! duplicates visible and numbers dialable.

use phonenumber::country::Id;
use phonenumber::{Mode, PhoneNumber};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Not readable as a phone number at all.
    #[error("'{0}' is not a phone number")]
    Unreadable(String),
    /// Readable, but no such number can exist (wrong length or prefix for its country).
    #[error("'{0}' is not a valid number for its country (a digit missing or too many?)")]
    Invalid(String),
}

/// A valid number in E.164 with the country it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Phone {
    e164: String,
    /// ISO 3166 country code ("FR", "BE"), when the number's metadata gives one.
    country: Option<String>,
}

impl Phone {
    /// Reads a number, national numbers being taken as French (`default_region`, usually "FR").
    pub fn parse(raw: &str, default_region: Id) -> Result<Self, PhoneError> {
        let cleaned = clean(raw);
        let number = phonenumber::parse(Some(default_region), &cleaned)
            .map_err(|_| PhoneError::Unreadable(raw.trim().to_owned()))?;
        if !phonenumber::is_valid(&number) {
            return Err(PhoneError::Invalid(raw.trim().to_owned()));
        }
        Ok(Phone {
            e164: number.format().mode(Mode::E164).to_string(),
            country: country_of(&number),
        })
    }

    /// "+33612345678".
    pub fn e164(&self) -> &str {
        &self.e164
    }

    /// ISO 3166 country code of the number ("FR", "BE").
    pub fn country(&self) -> Option<&str> {
        self.country.as_deref()
    }
}

fn country_of(number: &PhoneNumber) -> Option<String> {
    number.country().id().map(|id| format!("{id:?}"))
}

/// Removes what the parser does not expect: the "(0)" trunk prefix written after "+33", dots
/// used as separators, and a "tél :" label.
fn clean(raw: &str) -> String {
    let lowered = raw.trim().to_lowercase();
    let without_label = [
        "téléphone",
        "telephone",
        "portable",
        "mobile",
        "phone",
        "gsm",
        "tél",
        "tel",
    ]
    .iter()
    .find_map(|l| lowered.strip_prefix(l))
    .map_or(lowered.as_str(), |rest| {
        rest.trim_start_matches([' ', ':', '.'])
    });
    without_label
        .replace("(0)", "")
        .replace(['.', '/', '\u{a0}'], " ")
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.e164)
    }
}
