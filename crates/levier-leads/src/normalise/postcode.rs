//! Postcodes to sales territories: the département and région of a French postcode, the
//! province of a Belgian one, from embedded tables (see [`super::geo_fr`], [`super::geo_be`]).

use super::text::fold;
use super::{geo_be, geo_fr};
use serde::{Deserialize, Serialize};

/// The countries whose postcodes levier places on a map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Country {
    /// France, overseas included.
    #[serde(rename = "FR")]
    France,
    /// Belgium.
    #[serde(rename = "BE")]
    Belgium,
}

impl Country {
    /// Reads a country column ("France", "FR", "Belgique", "België", "BE"…).
    pub fn parse(raw: &str) -> Option<Self> {
        match fold(raw).as_str() {
            "france" | "fr" | "fra" | "f" => Some(Country::France),
            "belgique" | "belgie" | "belgium" | "be" | "bel" | "b" => Some(Country::Belgium),
            _ => None,
        }
    }
}

/// Why a postcode was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostcodeError {
    /// Not 5 digits (France) or 4 (Belgium).
    #[error("'{0}' is not a postcode: France has 5 digits, Belgium 4")]
    Format(String),
    /// Five digits that no French département has (00…, 96…, Monaco's 980…).
    #[error("'{0}' is no French département's postcode")]
    UnknownDepartement(String),
}

/// A postcode with the territory it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Postcode {
    /// The digits ("75008", "01000", "1000").
    pub code: String,
    /// The country the postcode was read for.
    pub country: Country,
    /// French département code ("75", "2A", "974"); `None` in Belgium.
    pub departement: Option<String>,
    /// Département name in France, province in Belgium.
    pub area: String,
    /// Région.
    pub region: String,
    /// Whether the value carried "CEDEX" (a business mail address, not a place).
    pub cedex: bool,
    /// Whether a leading zero dropped by a spreadsheet ("1000" for Bourg-en-Bresse's 01000)
    /// was put back.
    pub zero_restored: bool,
}

impl Postcode {
    /// Reads a postcode as written in a lead file ("75 008", "F-75008", "75008 CEDEX 08",
    /// "B-1000"). Four digits are Belgian when the country says so or a "B-" prefix does, else
    /// a French postcode whose leading zero a spreadsheet dropped.
    pub fn parse(raw: &str, country: Option<Country>) -> Result<Self, PostcodeError> {
        let upper = raw.trim().to_uppercase();
        let cedex = upper.contains("CEDEX");
        let before_cedex = upper.split("CEDEX").next().unwrap_or_default().trim();
        let (prefix_country, rest) = strip_country_prefix(before_cedex);
        let digits: String = rest
            .chars()
            .take_while(|c| !c.is_alphabetic())
            .filter(|c| !c.is_whitespace())
            .collect();
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(PostcodeError::Format(raw.trim().to_owned()));
        }
        match (digits.len(), prefix_country.or(country)) {
            (4, Some(Country::Belgium)) => belgian(&digits, raw),
            (4, _) => french(&format!("0{digits}"), cedex, true, raw),
            (5, _) => french(&digits, cedex, false, raw),
            _ => Err(PostcodeError::Format(raw.trim().to_owned())),
        }
    }
}

fn strip_country_prefix(text: &str) -> (Option<Country>, &str) {
    for (prefix, country) in [
        ("FR-", Country::France),
        ("F-", Country::France),
        ("BE-", Country::Belgium),
        ("B-", Country::Belgium),
    ] {
        if let Some(rest) = text.strip_prefix(prefix) {
            return (Some(country), rest);
        }
    }
    (None, text)
}

fn french(
    code: &str,
    cedex: bool,
    zero_restored: bool,
    raw: &str,
) -> Result<Postcode, PostcodeError> {
    let dep = geo_fr::departement_code(code);
    let (_, name, region) = geo_fr::DEPARTEMENTS
        .iter()
        .find(|(c, _, _)| *c == dep)
        .ok_or_else(|| PostcodeError::UnknownDepartement(raw.trim().to_owned()))?;
    Ok(Postcode {
        code: code.to_owned(),
        country: Country::France,
        departement: Some(dep.to_owned()),
        area: (*name).to_owned(),
        region: geo_fr::REGIONS[usize::from(*region)].to_owned(),
        cedex,
        zero_restored,
    })
}

fn belgian(code: &str, raw: &str) -> Result<Postcode, PostcodeError> {
    let number: u16 = code
        .parse()
        .map_err(|_| PostcodeError::Format(raw.trim().to_owned()))?;
    let (province, region) =
        geo_be::province(number).ok_or_else(|| PostcodeError::Format(raw.trim().to_owned()))?;
    Ok(Postcode {
        code: code.to_owned(),
        country: Country::Belgium,
        departement: None,
        area: province.to_owned(),
        region: region.to_owned(),
        cedex: false,
        zero_restored: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_departement_has_a_region_and_a_unique_code() {
        let mut codes: Vec<&str> = geo_fr::DEPARTEMENTS.iter().map(|d| d.0).collect();
        assert_eq!(codes.len(), 96 + 5 + 6);
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 96 + 5 + 6);
        assert!(
            geo_fr::DEPARTEMENTS
                .iter()
                .all(|d| usize::from(d.2) < geo_fr::REGIONS.len())
        );
    }
}
