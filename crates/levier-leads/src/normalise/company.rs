//! Company names with their legal form taken apart: "SARL Dupont & Fils", "Dupont et Fils
//! S.A.R.L." and "DUPONT & FILS (sarl)" are one company; the legal form is a fact of its own
//! (a size and liability signal for scoring) and noise when comparing names.

use super::text::{collapse_spaces, fold};
use serde::{Deserialize, Serialize};

/// A legal form of a French or Belgian business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum LegalForm {
    /// Société anonyme (France, Belgium).
    Sa,
    /// Société par actions simplifiée.
    Sas,
    /// SAS with a single shareholder.
    Sasu,
    /// Société à responsabilité limitée.
    Sarl,
    /// SARL with a single shareholder.
    Eurl,
    /// Société civile immobilière.
    Sci,
    /// Société civile (professionnelle, de moyens…) or Belgian société coopérative.
    Sc,
    /// Société en nom collectif.
    Snc,
    /// Société en commandite par actions.
    Sca,
    /// Société d'exercice libéral à responsabilité limitée.
    Selarl,
    /// Société d'exercice libéral par actions simplifiée.
    Selas,
    /// Société coopérative et participative.
    Scop,
    /// Groupement d'intérêt économique.
    Gie,
    /// Entreprise individuelle (sole trader).
    Ei,
    /// Micro-entrepreneur ("auto-entrepreneur"): a sole trader under the simplified regime.
    #[serde(rename = "MICRO")]
    MicroEntrepreneur,
    /// Association loi 1901.
    Association,
    /// Belgian société à responsabilité limitée (since 2019).
    Srl,
    /// Belgian société privée à responsabilité limitée (before 2019).
    Sprl,
    /// Belgian association sans but lucratif.
    Asbl,
    /// Belgian naamloze vennootschap (Dutch for SA).
    Nv,
    /// Belgian besloten vennootschap (Dutch for SRL).
    Bv,
    /// Belgian vereniging zonder winstoogmerk (Dutch for ASBL).
    Vzw,
}

/// How each form is written, folded (lowercase, no accents or dots: "S.A.R.L." folds to
/// "s a r l", so both the dotted and the joined spelling are listed).
const SPELLINGS: &[(LegalForm, &[&str])] = &[
    (LegalForm::Sasu, &["sasu", "s a s u"]),
    (
        LegalForm::Sas,
        &["sas", "s a s", "societe par actions simplifiee"],
    ),
    (
        LegalForm::Sarl,
        &["sarl", "s a r l", "societe a responsabilite limitee"],
    ),
    (LegalForm::Eurl, &["eurl", "e u r l"]),
    (LegalForm::Selarl, &["selarl"]),
    (LegalForm::Selas, &["selas"]),
    (
        LegalForm::Sci,
        &["sci", "s c i", "societe civile immobiliere"],
    ),
    (
        LegalForm::Snc,
        &["snc", "s n c", "societe en nom collectif"],
    ),
    (LegalForm::Sca, &["sca"]),
    (LegalForm::Scop, &["scop"]),
    (LegalForm::Gie, &["gie"]),
    (LegalForm::Sc, &["sc", "societe civile"]),
    (LegalForm::Sa, &["sa", "s a", "societe anonyme"]),
    (LegalForm::Ei, &["ei", "e i", "entreprise individuelle"]),
    (
        LegalForm::MicroEntrepreneur,
        &[
            "auto entrepreneur",
            "autoentrepreneur",
            "micro entrepreneur",
            "micro entreprise",
        ],
    ),
    (LegalForm::Association, &["association"]),
    (LegalForm::Srl, &["srl"]),
    (LegalForm::Sprl, &["sprl", "s p r l"]),
    (LegalForm::Asbl, &["asbl", "a s b l"]),
    (LegalForm::Nv, &["nv"]),
    (LegalForm::Bv, &["bv", "bvba"]),
    (LegalForm::Vzw, &["vzw"]),
];

/// Why a company name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompanyError {
    /// Nothing but a legal form, or nothing at all.
    #[error("'{0}' has no name besides its legal form")]
    Empty(String),
}

/// A company's name without its legal form, and that form when the name carried one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CompanyName {
    /// The name as written, spaces collapsed, legal form and its brackets removed.
    pub name: String,
    /// The legal form found at the start or the end of the name.
    pub legal_form: Option<LegalForm>,
}

impl CompanyName {
    /// Reads a company name, taking a legal form off its start or end.
    pub fn parse(raw: &str) -> Result<Self, CompanyError> {
        let text = collapse_spaces(raw);
        let words: Vec<&str> = text.split(' ').collect();
        if form_of(&words).is_some() {
            return Err(CompanyError::Empty(text));
        }
        let (legal_form, kept) = strip_form(&words);
        let name = kept
            .join(" ")
            .trim_matches(|c: char| c == ',' || c == '-' || c == '–' || c.is_whitespace())
            .to_owned();
        if fold(&name).is_empty() {
            return Err(CompanyError::Empty(text));
        }
        Ok(CompanyName { name, legal_form })
    }

    /// The name folded for comparison: lowercase, no accents or punctuation, "et" for "&".
    pub fn key(&self) -> String {
        fold(&self.name.replace('&', " et "))
    }
}

/// Finds a legal form in the leading or trailing words (longest spelling first) and returns the
/// remaining words.
fn strip_form<'a>(words: &[&'a str]) -> (Option<LegalForm>, Vec<&'a str>) {
    let max = words.len().saturating_sub(1).min(5);
    for n in (1..=max).rev() {
        if let Some(form) = form_of(&words[..n]) {
            return (Some(form), words[n..].to_vec());
        }
        if let Some(form) = form_of(&words[words.len() - n..]) {
            return (Some(form), words[..words.len() - n].to_vec());
        }
    }
    (None, words.to_vec())
}

fn form_of(words: &[&str]) -> Option<LegalForm> {
    let folded = fold(&words.join(" "));
    SPELLINGS
        .iter()
        .find(|(_, spellings)| spellings.contains(&folded.as_str()))
        .map(|(form, _)| *form)
}
