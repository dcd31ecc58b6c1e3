//! A lead: one prospect, its fields normalised into validated types, what the file held beyond
//! them, and what could not be read (kept aside, never dropped).

use crate::mapping::{Field, Target};
use crate::normalise::text::collapse_spaces;
use crate::normalise::{
    CompanyName, Country, Domain, Email, PersonName, Phone, Postcode, RegisterNumber,
};
use crate::report::{RowIssue, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One prospect.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Lead {
    /// Where the lead came from: "file line N" for an import, accumulating on merges.
    pub sources: Vec<String>,
    /// Prénom.
    pub first_name: Option<PersonName>,
    /// Nom.
    pub last_name: Option<PersonName>,
    /// A whole name given in one column.
    pub full_name: Option<PersonName>,
    /// E-mail.
    pub email: Option<Email>,
    /// Landline or switchboard.
    pub phone: Option<Phone>,
    /// Mobile.
    pub mobile: Option<Phone>,
    /// Company, legal form apart.
    pub company: Option<CompanyName>,
    /// SIREN or SIRET.
    pub register_number: Option<RegisterNumber>,
    /// Postcode with its territory.
    pub postcode: Option<Postcode>,
    /// City, as written (CEDEX removed).
    pub city: Option<String>,
    /// Country, when given or implied by the postcode.
    pub country: Option<Country>,
    /// Website's domain.
    pub website: Option<Domain>,
    /// Where the lead came from (salon, site, recommandation…).
    pub source: Option<String>,
    /// Where it stands in the pipeline.
    pub status: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
    /// Columns levier has no field for, by header.
    pub extra: BTreeMap<String, String>,
    /// Values that were refused, by header, so a person can fix them.
    pub invalid: BTreeMap<String, String>,
    /// Other values merged duplicates had for a field (see [`crate::merge`]), by field.
    pub alternatives: BTreeMap<String, Vec<String>>,
}

impl Lead {
    /// The company's web domain: the website's, else the e-mail's unless it is free mail.
    pub fn company_domain(&self) -> Option<&str> {
        self.website
            .as_ref()
            .map(Domain::as_str)
            .or_else(|| self.email.as_ref().and_then(Email::company_domain))
    }

    /// Whether the lead wrote from a free-mail address (gmail.com, orange.fr…).
    pub fn free_mail(&self) -> Option<bool> {
        self.email.as_ref().map(Email::is_free_mail)
    }

    /// The person's name for display and comparison: first and last, else the full name.
    pub fn person_name(&self) -> Option<String> {
        match (&self.first_name, &self.last_name) {
            (Some(f), Some(l)) => Some(format!("{f} {l}")),
            (None, Some(l)) => Some(l.to_string()),
            (Some(f), None) => Some(f.to_string()),
            (None, None) => self.full_name.as_ref().map(ToString::to_string),
        }
    }

    /// Every field and extra attribute that has a value, as text, by name: what a person
    /// compares when deciding a merge.
    pub fn field_values(&self) -> BTreeMap<String, String> {
        let mut values = BTreeMap::new();
        let mut put = |name: &str, value: Option<String>| {
            if let Some(value) = value {
                values.insert(name.to_owned(), value);
            }
        };
        let text = |v: &Option<String>| v.clone();
        put(
            "first_name",
            self.first_name.as_ref().map(ToString::to_string),
        );
        put(
            "last_name",
            self.last_name.as_ref().map(ToString::to_string),
        );
        put(
            "full_name",
            self.full_name.as_ref().map(ToString::to_string),
        );
        put("email", self.email.as_ref().map(ToString::to_string));
        put("phone", self.phone.as_ref().map(ToString::to_string));
        put("mobile", self.mobile.as_ref().map(ToString::to_string));
        put("company", self.company.as_ref().map(|c| c.name.clone()));
        put(
            "legal_form",
            self.company
                .as_ref()
                .and_then(|c| c.legal_form)
                .map(|f| format!("{f:?}").to_uppercase()),
        );
        put(
            "register_number",
            self.register_number.as_ref().map(|r| match r {
                RegisterNumber::Siren(s) => s.to_string(),
                RegisterNumber::Siret(s) => s.to_string(),
            }),
        );
        put("postcode", self.postcode.as_ref().map(|p| p.code.clone()));
        put("city", text(&self.city));
        put("country", self.country.map(|c| format!("{c:?}")));
        put("website", self.website.as_ref().map(ToString::to_string));
        put("source", text(&self.source));
        put("status", text(&self.status));
        put("job_title", text(&self.job_title));
        for (name, value) in &self.extra {
            values.entry(name.clone()).or_insert_with(|| value.clone());
        }
        values
    }

    /// Builds a lead from a row's values and the columns' targets; returns it with the issues
    /// found (a refused value leaves its field empty and is kept in [`Lead::invalid`]).
    pub fn from_row(
        line: u64,
        headers: &[String],
        targets: &[Target],
        values: &[String],
    ) -> (Lead, Vec<RowIssue>) {
        let mut builder = Builder {
            lead: Lead {
                sources: vec![format!("line {line}")],
                ..Lead::default()
            },
            issues: Vec::new(),
            line,
        };
        let cells: Vec<(&String, &Target, &str)> = headers
            .iter()
            .zip(targets)
            .zip(values)
            .map(|((h, t), v)| (h, t, v.as_str()))
            .filter(|(_, _, v)| !v.is_empty())
            .collect();
        // The country first: it decides how a four-digit postcode is read.
        for &(header, target, value) in cells
            .iter()
            .filter(|c| *c.1 == Target::Field(Field::Country))
        {
            builder.set(header, target, value);
        }
        for &(header, target, value) in cells
            .iter()
            .filter(|c| *c.1 != Target::Field(Field::Country))
        {
            builder.set(header, target, value);
        }
        builder.finish()
    }
}

/// A lead being filled from one row.
struct Builder {
    lead: Lead,
    issues: Vec<RowIssue>,
    line: u64,
}

impl Builder {
    fn set(&mut self, header: &str, target: &Target, value: &str) {
        match target {
            Target::Ignore => {}
            Target::Extra(name) => {
                self.lead.extra.insert(name.clone(), value.to_owned());
            }
            Target::Field(field) => self.set_field(*field, header, value),
        }
    }

    fn set_field(&mut self, field: Field, header: &str, value: &str) {
        let lead = &mut self.lead;
        let result: Result<(), String> = match field {
            Field::FirstName => store(&mut lead.first_name, PersonName::parse(value)),
            Field::LastName => store(&mut lead.last_name, PersonName::parse(value)),
            Field::FullName => store(&mut lead.full_name, PersonName::parse(value)),
            Field::Email => store(&mut lead.email, Email::parse(value)),
            Field::Phone => self.phone(header, value, false),
            Field::Mobile => self.phone(header, value, true),
            Field::Company => store(&mut lead.company, CompanyName::parse(value)),
            Field::RegisterNumber => store(&mut lead.register_number, RegisterNumber::parse(value)),
            Field::Postcode => self.postcode(header, value),
            Field::City => {
                let city = collapse_spaces(value.split(['(']).next().unwrap_or(value));
                let city = strip_cedex(&city);
                lead.city = Some(city);
                Ok(())
            }
            Field::Country => {
                match Country::parse(value) {
                    Some(country) => lead.country = Some(country),
                    None => {
                        lead.extra.insert(header.to_owned(), value.to_owned());
                    }
                }
                Ok(())
            }
            Field::Website => store(&mut lead.website, Domain::parse(value)),
            Field::Source | Field::Status | Field::JobTitle => {
                let text = Some(collapse_spaces(value));
                match field {
                    Field::Source => lead.source = text,
                    Field::Status => lead.status = text,
                    _ => lead.job_title = text,
                }
                Ok(())
            }
        };
        if let Err(reason) = result {
            self.lead
                .invalid
                .insert(header.to_owned(), value.to_owned());
            self.issue(header, Severity::Invalid, reason);
        }
    }

    fn phone(&mut self, header: &str, value: &str, mobile: bool) -> Result<(), String> {
        let phone = Phone::parse(value, phonenumber::country::Id::FR).map_err(|e| {
            format!("{e}; a foreign number needs its country code (e.g. +44 20 7946 0958)")
        })?;
        if let Some(country) = phone.country().filter(|c| !matches!(*c, "FR" | "BE")) {
            self.issue(
                header,
                Severity::Warning,
                format!("a foreign number ({country}): kept as {}", phone.e164()),
            );
        }
        if mobile {
            self.lead.mobile = Some(phone);
        } else {
            self.lead.phone = Some(phone);
        }
        Ok(())
    }

    fn postcode(&mut self, header: &str, value: &str) -> Result<(), String> {
        let postcode = Postcode::parse(value, self.lead.country).map_err(|e| e.to_string())?;
        if postcode.zero_restored {
            self.issue(
                header,
                Severity::Warning,
                format!(
                    "'{value}' read as {} (a spreadsheet dropped the leading zero)",
                    postcode.code
                ),
            );
        }
        self.lead.country.get_or_insert(postcode.country);
        self.lead.postcode = Some(postcode);
        Ok(())
    }

    fn issue(&mut self, header: &str, severity: Severity, reason: String) {
        self.issues.push(RowIssue {
            line: self.line,
            column: Some(header.to_owned()),
            severity,
            reason,
        });
    }

    fn finish(self) -> (Lead, Vec<RowIssue>) {
        (self.lead, self.issues)
    }
}

/// Puts a parsed value in its field, or returns why it was refused.
fn store<T, E: std::fmt::Display>(
    slot: &mut Option<T>,
    parsed: Result<T, E>,
) -> Result<(), String> {
    *slot = Some(parsed.map_err(|e| e.to_string())?);
    Ok(())
}

/// "PARIS CEDEX 08" → "PARIS": CEDEX is a mail-sorting code, not part of the city.
fn strip_cedex(city: &str) -> String {
    let upper = city.to_ascii_uppercase();
    match upper.find("CEDEX") {
        Some(at) => city[..at].trim().to_owned(),
        None => city.to_owned(),
    }
}
