//! A normalised [`Lead`] turned into the store's record: the fields the store filters on, the
//! pipeline columns a CRM export carries beside the contact (status, dates, sector, headcount,
//! amount) read from their usual French and English headers, and the derived fields (company
//! domain, free-mail flag, région, size band).

use crate::lead::Lead;
use crate::normalise::RegisterNumber;
use crate::normalise::text::fold;
use crate::report::{RowIssue, Severity};
use levier_core::Timestamp;
use levier_store::leads::NewLead;

/// Header spellings (folded) of the pipeline columns kept in [`Lead::extra`].
const REFERENCE: &[&str] = &[
    "id",
    "ref",
    "reference",
    "identifiant",
    "external ref",
    "crm id",
];
const CREATED: &[&str] = &[
    "date creation",
    "date de creation",
    "cree le",
    "created",
    "created at",
    "creation date",
];
const CLOSED: &[&str] = &[
    "date cloture",
    "date de cloture",
    "closed",
    "closed at",
    "close date",
];
const SECTOR: &[&str] = &[
    "secteur",
    "secteur d activite",
    "activite",
    "sector",
    "industry",
];
const EMPLOYEES: &[&str] = &[
    "effectif",
    "effectifs",
    "salaries",
    "employees",
    "headcount",
];
const AMOUNT: &[&str] = &[
    "montant estime",
    "montant",
    "amount",
    "estimated amount",
    "deal amount",
];

/// The value of the first extra column whose folded header is one of `names`, with its header.
fn extra<'a>(lead: &'a Lead, names: &[&str]) -> Option<(&'a str, &'a str)> {
    lead.extra
        .iter()
        .find(|(header, value)| !value.trim().is_empty() && names.contains(&fold(header).as_str()))
        .map(|(h, v)| (h.as_str(), v.trim()))
}

/// `open`, `won` or `lost` from a CRM's status words; anything else is still open.
pub fn outcome_of(status: Option<&str>) -> &'static str {
    let folded = status.map(fold).unwrap_or_default();
    match folded.as_str() {
        "gagne" | "won" | "signe" | "client" | "converti" | "converted" | "closed won" => "won",
        "perdu" | "lost" | "abandonne" | "closed lost" | "refuse" => "lost",
        _ => "open",
    }
}

/// Reads `YYYY-MM-DD`, `DD/MM/YYYY` or an RFC 3339 instant (a day is midnight, Paris time).
pub fn parse_date(s: &str) -> Result<Timestamp, String> {
    let s = s.trim();
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Ok(Timestamp(t.as_millisecond()));
    }
    let date = jiff::civil::Date::strptime("%Y-%m-%d", s)
        .or_else(|_| jiff::civil::Date::strptime("%d/%m/%Y", s))
        .map_err(|_| format!("'{s}' is not a date (YYYY-MM-DD or DD/MM/YYYY)"))?;
    let zone = jiff::tz::TimeZone::get("Europe/Paris").unwrap_or(jiff::tz::TimeZone::UTC);
    let zoned = date.to_zoned(zone).map_err(|e| e.to_string())?;
    Ok(Timestamp(zoned.timestamp().as_millisecond()))
}

/// The size band of a headcount, as the French statistics office counts them.
pub fn size_band(employees: i64) -> &'static str {
    match employees {
        i64::MIN..=9 => "1-9",
        10..=49 => "10-49",
        50..=249 => "50-249",
        _ => "250+",
    }
}

/// A number as spreadsheets write it: "12 500,50 €", "1000", "12.5".
fn parse_amount(s: &str) -> Option<f64> {
    s.replace(['€', ' ', '\u{a0}', '\u{202f}'], "")
        .replace(',', ".")
        .parse()
        .ok()
}

/// The store's record of a lead read at `line`; `now` stands for a missing creation date.
/// Pipeline values that cannot be read are reported (and left empty), never fatal.
pub fn new_lead(lead: &Lead, line: u64, now: Timestamp) -> (NewLead, Vec<RowIssue>) {
    let mut issues = Vec::new();
    let mut issue = |column: &str, reason: String| {
        issues.push(RowIssue {
            line,
            column: Some(column.to_owned()),
            severity: Severity::Invalid,
            reason,
        })
    };
    let mut date = |names: &[&str]| {
        let (header, value) = extra(lead, names)?;
        parse_date(value).map_err(|e| issue(header, e)).ok()
    };
    let created_at = date(CREATED).unwrap_or(now);
    let status = outcome_of(lead.status.as_deref());
    let closed_at = date(CLOSED).filter(|_| status != "open");
    let employees = extra(lead, EMPLOYEES).and_then(|(header, value)| {
        let parsed = value.replace([' ', '\u{a0}'], "").parse::<i64>();
        parsed
            .map_err(|_| issue(header, format!("'{value}' is not a number of employees")))
            .ok()
    });
    let estimated_amount = extra(lead, AMOUNT).and_then(|(header, value)| {
        parse_amount(value)
            .ok_or_else(|| issue(header, format!("'{value}' is not an amount")))
            .ok()
    });
    let record = NewLead {
        external_ref: extra(lead, REFERENCE).map(|(_, v)| v.to_owned()),
        sector: extra(lead, SECTOR).map(|(_, v)| v.to_owned()),
        employees,
        status: status.to_owned(),
        estimated_amount,
        created_at,
        closed_at,
        attributes: serde_json::to_value(&lead.extra).unwrap_or_default(),
        size_band: employees.map(|e| size_band(e).to_owned()),
        ..contact_fields(lead)
    };
    (record, issues)
}

/// The contact and derived fields of a lead as the store writes them (also what a merge
/// rewrites); the pipeline fields are left at their defaults.
pub fn contact_fields(lead: &Lead) -> NewLead {
    let (first_name, last_name) = match (&lead.first_name, &lead.last_name, &lead.full_name) {
        (None, None, Some(full)) => (String::new(), full.to_string()),
        (first, last, _) => (
            first.as_ref().map(ToString::to_string).unwrap_or_default(),
            last.as_ref().map(ToString::to_string).unwrap_or_default(),
        ),
    };
    NewLead {
        first_name,
        last_name,
        email: lead.email.as_ref().map(ToString::to_string),
        phone: lead
            .phone
            .as_ref()
            .or(lead.mobile.as_ref())
            .map(|p| p.e164().to_owned()),
        company: lead.company.as_ref().map(|c| c.name.clone()),
        siret: lead.register_number.as_ref().map(|r| match r {
            RegisterNumber::Siren(s) => s.to_string(),
            RegisterNumber::Siret(s) => s.to_string(),
        }),
        postcode: lead.postcode.as_ref().map(|p| p.code.clone()),
        city: lead.city.clone(),
        source: lead.source.clone(),
        normalised: serde_json::to_value(lead).unwrap_or_default(),
        domain: lead.company_domain().map(str::to_owned),
        free_mail: lead.free_mail(),
        region: lead
            .postcode
            .as_ref()
            .map(|p| p.region.clone())
            .filter(|r| !r.is_empty()),
        ..NewLead::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::ColumnMapping;

    fn lead(headers: &[&str], values: &[&str]) -> Lead {
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        let targets = ColumnMapping::infer(&headers).resolve(&headers);
        Lead::from_row(2, &headers, &targets, &values).0
    }

    #[test]
    fn a_crm_row_becomes_a_record_with_derived_fields() {
        let l = lead(
            &[
                "id",
                "prenom",
                "nom",
                "email",
                "telephone",
                "code_postal",
                "statut",
                "date_creation",
                "date_cloture",
                "effectif",
                "montant_estime",
                "secteur",
            ],
            &[
                "1002",
                "Sarah",
                "Bernard",
                "Sarah@Compta-Krea.fr",
                "04 65 71 51 62",
                "74100",
                "Gagné",
                "2025-01-29",
                "25/03/2025",
                "34",
                "18 300,50 €",
                "cabinet comptable",
            ],
        );
        let (record, issues) = new_lead(&l, 2, Timestamp(0));
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(record.external_ref.as_deref(), Some("1002"));
        assert_eq!(record.email.as_deref(), Some("sarah@compta-krea.fr"));
        assert_eq!(record.phone.as_deref(), Some("+33465715162"));
        assert_eq!(record.status, "won");
        assert_eq!(
            record.created_at,
            parse_date("2025-01-29").unwrap_or(Timestamp(1))
        );
        assert!(record.closed_at.is_some());
        assert_eq!(
            (record.employees, record.size_band.as_deref()),
            (Some(34), Some("10-49"))
        );
        assert_eq!(record.estimated_amount, Some(18_300.5));
        assert_eq!(record.domain.as_deref(), Some("compta-krea.fr"));
        assert_eq!(record.free_mail, Some(false));
        assert_eq!(record.region.as_deref(), Some("Auvergne-Rhône-Alpes"));
        assert_eq!(record.sector.as_deref(), Some("cabinet comptable"));
    }

    #[test]
    fn unreadable_pipeline_values_are_reported_with_their_column() {
        let l = lead(
            &["nom", "date_creation", "effectif"],
            &["Durand", "hier", "beaucoup"],
        );
        let (record, issues) = new_lead(&l, 7, Timestamp(42));
        assert_eq!(record.created_at, Timestamp(42));
        assert_eq!(record.employees, None);
        let columns: Vec<_> = issues.iter().map(|i| (i.line, i.column.clone())).collect();
        assert_eq!(
            columns,
            vec![
                (7, Some("date_creation".into())),
                (7, Some("effectif".into()))
            ]
        );
    }

    #[test]
    fn status_words_and_bands() {
        assert_eq!(outcome_of(Some("GAGNÉ")), "won");
        assert_eq!(outcome_of(Some("Perdu")), "lost");
        assert_eq!(outcome_of(Some("en cours")), "open");
        assert_eq!(outcome_of(None), "open");
        assert_eq!(
            [size_band(1), size_band(50), size_band(250)],
            ["1-9", "50-249", "250+"]
        );
    }
}
