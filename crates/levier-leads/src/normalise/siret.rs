//! SIREN (9 digits, the company) and SIRET (14 digits, one of its establishments): the keys of
//! the French business register, and so the surest way to recognise the same company twice.

use serde::{Deserialize, Serialize};

/// La Poste's SIREN: its establishments are too many for the Luhn check of SIRET, so INSEE
/// numbers them so that the sum of the digits is a multiple of 5 instead.
const LA_POSTE_SIREN: &str = "356000000";

/// Why a register number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegisterNumberError {
    /// Characters other than digits and separators.
    #[error("'{0}' contains characters other than digits")]
    NotDigits(String),
    /// Neither 9 (SIREN) nor 14 (SIRET) digits.
    #[error("{found} digits: a SIREN has 9, a SIRET 14")]
    Length {
        /// Digits found.
        found: usize,
    },
    /// The check digit does not match: a typo.
    #[error("{0} fails the Luhn check: a digit is wrong or two are swapped")]
    Checksum(String),
}

/// A SIREN whose check digit is right: the company as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siren(String);

/// A SIRET whose check digit is right (or that follows La Poste's rule): one establishment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siret(String);

/// Either number, as a lead file gives one or the other in the same column.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "number", rename_all = "lowercase")]
pub enum RegisterNumber {
    /// A company.
    Siren(Siren),
    /// An establishment.
    Siret(Siret),
}

impl RegisterNumber {
    /// Reads a SIREN or SIRET written with spaces, dots or dashes ("732 829 320 00074").
    pub fn parse(raw: &str) -> Result<Self, RegisterNumberError> {
        let digits = digits_of(raw)?;
        match digits.len() {
            9 => Siren::from_digits(digits).map(RegisterNumber::Siren),
            14 => Siret::from_digits(digits).map(RegisterNumber::Siret),
            found => Err(RegisterNumberError::Length { found }),
        }
    }

    /// The company's SIREN (a SIRET's first nine digits).
    pub fn siren(&self) -> Siren {
        match self {
            RegisterNumber::Siren(s) => s.clone(),
            RegisterNumber::Siret(s) => s.siren(),
        }
    }
}

impl Siren {
    /// Reads a SIREN written with spaces, dots or dashes.
    pub fn parse(raw: &str) -> Result<Self, RegisterNumberError> {
        match RegisterNumber::parse(raw)? {
            RegisterNumber::Siren(s) => Ok(s),
            RegisterNumber::Siret(_) => Err(RegisterNumberError::Length { found: 14 }),
        }
    }

    fn from_digits(digits: String) -> Result<Self, RegisterNumberError> {
        if digits == LA_POSTE_SIREN || luhn_valid(&digits) {
            Ok(Siren(digits))
        } else {
            Err(RegisterNumberError::Checksum(digits))
        }
    }

    /// The nine digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Siret {
    /// Reads a SIRET written with spaces, dots or dashes.
    pub fn parse(raw: &str) -> Result<Self, RegisterNumberError> {
        match RegisterNumber::parse(raw)? {
            RegisterNumber::Siret(s) => Ok(s),
            RegisterNumber::Siren(_) => Err(RegisterNumberError::Length { found: 9 }),
        }
    }

    fn from_digits(digits: String) -> Result<Self, RegisterNumberError> {
        let la_poste = digits.starts_with(LA_POSTE_SIREN) && digit_sum(&digits).is_multiple_of(5);
        if la_poste || luhn_valid(&digits) {
            Ok(Siret(digits))
        } else {
            Err(RegisterNumberError::Checksum(digits))
        }
    }

    /// The company's SIREN: the first nine digits.
    pub fn siren(&self) -> Siren {
        Siren(self.0[..9].to_owned())
    }

    /// The fourteen digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn digits_of(raw: &str) -> Result<String, RegisterNumberError> {
    let kept: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-' | '/'))
        .collect();
    if kept.chars().all(|c| c.is_ascii_digit()) {
        Ok(kept)
    } else {
        Err(RegisterNumberError::NotDigits(raw.trim().to_owned()))
    }
}

/// Luhn: every second digit from the right doubled (minus 9 above 9); the total is a multiple
/// of 10.
fn luhn_valid(digits: &str) -> bool {
    let total: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    total.is_multiple_of(10)
}

fn digit_sum(digits: &str) -> u32 {
    digits.bytes().map(|b| u32::from(b - b'0')).sum()
}

text_newtype!(Siren, RegisterNumberError);
text_newtype!(Siret, RegisterNumberError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_and_la_poste() {
        assert!(Siret::parse("732 829 320 00074").is_ok());
        assert!(Siret::parse("732 829 320 00075").is_err());
        assert!(Siren::parse("356 000 000").is_ok());
        // La Poste's establishments: digit sum a multiple of 5, Luhn or not.
        assert!(Siret::parse("356 000 000 00051").is_ok());
        assert!(Siret::parse("356 000 000 00052").is_err());
        assert_eq!(
            Siret::parse("73282932000074").map(|s| s.siren().to_string()),
            Ok("732829320".into())
        );
    }
}
