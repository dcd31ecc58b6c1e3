//! Which column of a lead file holds which field. French and English headers are recognised
//! ("Raison sociale", "Courriel", "Tél. portable", "Company"); the mapping is a plain serde
//! value, so a company that corrected it once saves it and imports next month's export the
//! same way.

use crate::normalise::text::fold;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The fields levier understands in a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Prénom.
    FirstName,
    /// Nom de famille.
    LastName,
    /// A whole name in one column ("Contact").
    FullName,
    /// Adresse e-mail.
    Email,
    /// Téléphone fixe or standard.
    Phone,
    /// Téléphone portable.
    Mobile,
    /// Société, raison sociale.
    Company,
    /// SIRET or SIREN.
    RegisterNumber,
    /// Code postal.
    Postcode,
    /// Ville.
    City,
    /// Pays.
    Country,
    /// Site web.
    Website,
    /// Where the lead came from (salon, site, recommandation…).
    Source,
    /// Where the lead stands (nouveau, qualifié, gagné, perdu…).
    Status,
    /// Fonction, poste.
    JobTitle,
}

/// Header spellings of each field, folded (see [`fold`]).
const SYNONYMS: &[(Field, &[&str])] = &[
    (
        Field::FirstName,
        &[
            "prenom",
            "first name",
            "firstname",
            "given name",
            "prenom du contact",
        ],
    ),
    (
        Field::LastName,
        &[
            "nom",
            "nom de famille",
            "last name",
            "lastname",
            "surname",
            "family name",
            "nom du contact",
        ],
    ),
    (
        Field::FullName,
        &[
            "nom complet",
            "contact",
            "name",
            "full name",
            "interlocuteur",
            "nom prenom",
            "prenom nom",
        ],
    ),
    (
        Field::Email,
        &[
            "email",
            "e mail",
            "mail",
            "courriel",
            "adresse email",
            "adresse e mail",
            "adresse mail",
            "email address",
            "e mail address",
            "adresse electronique",
        ],
    ),
    (
        Field::Phone,
        &[
            "telephone",
            "tel",
            "phone",
            "phone number",
            "numero de telephone",
            "tel fixe",
            "telephone fixe",
            "standard",
            "n telephone",
        ],
    ),
    (
        Field::Mobile,
        &[
            "portable",
            "mobile",
            "gsm",
            "tel portable",
            "telephone portable",
            "mobile phone",
            "tel mobile",
        ],
    ),
    (
        Field::Company,
        &[
            "societe",
            "entreprise",
            "raison sociale",
            "company",
            "company name",
            "organisation",
            "organization",
            "compte",
            "account",
            "account name",
            "nom de l entreprise",
            "nom de la societe",
            "etablissement",
            "structure",
        ],
    ),
    (
        Field::RegisterNumber,
        &[
            "siret",
            "siren",
            "n siret",
            "n siren",
            "numero siret",
            "numero siren",
            "no siret",
            "siret siren",
            "siren siret",
        ],
    ),
    (
        Field::Postcode,
        &[
            "code postal",
            "cp",
            "postcode",
            "postal code",
            "zip",
            "zip code",
            "zipcode",
            "code",
        ],
    ),
    (
        Field::City,
        &["ville", "commune", "city", "localite", "town"],
    ),
    (Field::Country, &["pays", "country"]),
    (
        Field::Website,
        &[
            "site web",
            "site",
            "site internet",
            "website",
            "web",
            "url",
            "site web de l entreprise",
        ],
    ),
    (
        Field::Source,
        &[
            "source",
            "origine",
            "canal",
            "lead source",
            "provenance",
            "source du lead",
            "origine du contact",
        ],
    ),
    (
        Field::Status,
        &[
            "statut",
            "status",
            "etat",
            "stage",
            "etape",
            "lead status",
            "statut du lead",
        ],
    ),
    (
        Field::JobTitle,
        &["fonction", "poste", "titre", "job title", "title", "role"],
    ),
];

impl Field {
    /// The field a header names, if any.
    pub fn from_header(header: &str) -> Option<Field> {
        let folded = fold(header);
        SYNONYMS
            .iter()
            .find(|(_, names)| names.contains(&folded.as_str()))
            .map(|(field, _)| *field)
    }
}

/// What a column becomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// A field levier understands.
    Field(Field),
    /// Kept on the lead as an extra attribute under this name (and usable for scoring).
    Extra(String),
    /// Not imported.
    Ignore,
}

/// Header name → target, as saved between imports. Headers a saved mapping does not know are
/// inferred on the next import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    /// One entry per header name (duplicated names carry their " (2)" suffix, see
    /// [`unique_headers`]).
    pub columns: BTreeMap<String, Target>,
}

impl ColumnMapping {
    /// The mapping levier guesses from the headers: a recognised header maps to its field (the
    /// first of two headers naming the same field wins, the other becomes an extra), anything
    /// else is kept as an extra attribute.
    pub fn infer(headers: &[String]) -> Self {
        let mut taken = Vec::new();
        let columns = headers
            .iter()
            .map(|header| {
                let target = match Field::from_header(header) {
                    Some(field) if !taken.contains(&field) => {
                        taken.push(field);
                        Target::Field(field)
                    }
                    _ => Target::Extra(header.clone()),
                };
                (header.clone(), target)
            })
            .collect();
        ColumnMapping { columns }
    }

    /// Each header's target: the saved one, else the inferred one.
    pub fn resolve(&self, headers: &[String]) -> Vec<Target> {
        let inferred = ColumnMapping::infer(headers);
        headers
            .iter()
            .map(|h| {
                self.columns
                    .get(h)
                    .or_else(|| inferred.columns.get(h))
                    .cloned()
                    .unwrap_or(Target::Ignore)
            })
            .collect()
    }
}

/// Header names made unique: a repeated name gets " (2)", " (3)"…, and an empty one "column N",
/// so that no column is lost or confused with another. Returns the names and the ones renamed.
pub fn unique_headers(raw: &[String]) -> (Vec<String>, Vec<(usize, String)>) {
    let mut names: Vec<String> = Vec::with_capacity(raw.len());
    let mut renamed = Vec::new();
    for (i, header) in raw.iter().enumerate() {
        let base = match header.trim() {
            "" => format!("column {}", i + 1),
            h => h.to_owned(),
        };
        let mut name = base.clone();
        let mut n = 2;
        while names.iter().any(|existing| fold(existing) == fold(&name)) {
            name = format!("{base} ({n})");
            n += 1;
        }
        if name != header.trim() {
            renamed.push((i, name.clone()));
        }
        names.push(name);
    }
    (names, renamed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn french_headers_map_to_fields() {
        let headers = strings(&[
            "Raison sociale",
            "Courriel",
            "Tél.",
            "N° SIRET",
            "CP",
            "Secteur",
        ]);
        let mapping = ColumnMapping::infer(&headers);
        assert_eq!(
            mapping.resolve(&headers),
            vec![
                Target::Field(Field::Company),
                Target::Field(Field::Email),
                Target::Field(Field::Phone),
                Target::Field(Field::RegisterNumber),
                Target::Field(Field::Postcode),
                Target::Extra("Secteur".into()),
            ]
        );
    }

    #[test]
    fn a_saved_mapping_survives_a_round_trip_and_wins() {
        let headers = strings(&["Contact", "Mail"]);
        let mut mapping = ColumnMapping::infer(&headers);
        mapping
            .columns
            .insert("Contact".into(), Target::Field(Field::LastName));
        let json = serde_json::to_string(&mapping).unwrap();
        let back: ColumnMapping = serde_json::from_str(&json).unwrap();
        assert_eq!(
            back.resolve(&headers),
            vec![Target::Field(Field::LastName), Target::Field(Field::Email)]
        );
    }

    #[test]
    fn duplicate_and_empty_headers_are_renamed() {
        let (names, renamed) = unique_headers(&strings(&["Email", "email", "", "Email"]));
        assert_eq!(
            names,
            strings(&["Email", "email (2)", "column 3", "Email (3)"])
        );
        assert_eq!(renamed.len(), 3);
    }
}
