//! Loading the demo CRM export (`leads.csv`, `lead_interactions.csv`): fields are kept as the
//! CRM wrote them (lead qualification cleans them); a row that cannot be read is reported with
//! its line and reason, and the others still load.

use super::{LoadSummary, embedded_text, load_retry as retry};
use levier_core::Timestamp;
use levier_store::Store;
use levier_store::leads::{LeadInteraction, NewLead};
use levier_store::tasks::TaskFailure;
use std::collections::HashMap;

pub(super) async fn load(store: &Store, summary: &mut LoadSummary) -> Result<(), TaskFailure> {
    let history = interactions(summary)?;
    let text = embedded_text("leads.csv").map_err(|e| TaskFailure::Permanent(e.to_string()))?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| TaskFailure::Permanent(format!("leads.csv: {e}")))?
        .clone();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                summary.rejected.push(format!("leads.csv line {line}: {e}"));
                continue;
            }
        };
        let row: HashMap<&str, &str> = headers.iter().zip(record.iter()).collect();
        let lead = match parse_lead(&row) {
            Ok(l) => l,
            Err(reason) => {
                summary
                    .rejected
                    .push(format!("leads.csv line {line}: {reason}"));
                continue;
            }
        };
        let reference = lead.external_ref.clone().unwrap_or_default();
        if store
            .lead_by_external_ref(&reference)
            .await
            .map_err(retry)?
            .is_none()
        {
            let past = history
                .get(&reference)
                .map(Vec::as_slice)
                .unwrap_or_default();
            store.create_lead(&lead, past).await.map_err(retry)?;
        }
        summary.leads += 1;
    }
    Ok(())
}

fn field<'a>(row: &HashMap<&str, &'a str>, name: &str) -> Option<&'a str> {
    row.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
}

fn owned(row: &HashMap<&str, &str>, name: &str) -> Option<String> {
    field(row, name).map(str::to_string)
}

fn parse_lead(row: &HashMap<&str, &str>) -> Result<NewLead, String> {
    let reference = field(row, "id").ok_or("no id")?;
    let status = match field(row, "statut").map(str::to_lowercase).as_deref() {
        Some("gagné" | "gagne") => "won",
        Some("perdu") => "lost",
        Some("en cours") | None => "open",
        Some(other) => return Err(format!("unknown statut '{other}'")),
    };
    let created = field(row, "date_creation").ok_or("no date_creation")?;
    let amount = field(row, "montant_estime")
        .map(|a| {
            a.replace(['€', ' ', '\u{a0}'], "")
                .replace(',', ".")
                .parse::<f64>()
                .map_err(|_| format!("montant_estime '{a}' is not a number"))
        })
        .transpose()?;
    let attributes: serde_json::Map<String, serde_json::Value> =
        ["nb_interactions", "derniere_interaction", "effectif"]
            .iter()
            .filter_map(|k| field(row, k).map(|v| (k.to_string(), serde_json::Value::from(v))))
            .collect();
    Ok(NewLead {
        external_ref: Some(reference.to_string()),
        first_name: owned(row, "prenom").unwrap_or_default(),
        last_name: owned(row, "nom").unwrap_or_default(),
        email: owned(row, "email"),
        phone: owned(row, "telephone"),
        company: owned(row, "entreprise"),
        siret: owned(row, "siret"),
        postcode: owned(row, "code_postal"),
        city: owned(row, "ville"),
        sector: owned(row, "secteur"),
        employees: field(row, "effectif").and_then(|e| e.parse().ok()),
        source: owned(row, "source"),
        status: status.into(),
        estimated_amount: amount,
        created_at: parse_date(created)?,
        closed_at: field(row, "date_cloture").map(parse_date).transpose()?,
        attributes: serde_json::Value::Object(attributes),
    })
}

/// Reads `YYYY-MM-DD` or `DD/MM/YYYY` (midnight, Paris time) into a timestamp.
fn parse_date(s: &str) -> Result<Timestamp, String> {
    let date = jiff::civil::Date::strptime("%Y-%m-%d", s)
        .or_else(|_| jiff::civil::Date::strptime("%d/%m/%Y", s))
        .map_err(|_| format!("'{s}' is not a date (YYYY-MM-DD or DD/MM/YYYY)"))?;
    let zoned = date
        .to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap_or(jiff::tz::TimeZone::UTC))
        .map_err(|e| e.to_string())?;
    Ok(Timestamp(zoned.timestamp().as_millisecond()))
}

fn interactions(
    summary: &mut LoadSummary,
) -> Result<HashMap<String, Vec<LeadInteraction>>, TaskFailure> {
    let text = embedded_text("lead_interactions.csv")
        .map_err(|e| TaskFailure::Permanent(e.to_string()))?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let mut by_lead: HashMap<String, Vec<LeadInteraction>> = HashMap::new();
    for (i, record) in reader.records().enumerate() {
        let parsed = record.map_err(|e| e.to_string()).and_then(|r| {
            let get = |n: usize| r.get(n).map(str::trim).unwrap_or_default().to_string();
            Ok((
                get(0),
                LeadInteraction {
                    at: parse_date(&get(1))?,
                    kind: get(2),
                    note: get(3),
                },
            ))
        });
        match parsed {
            Ok((lead, interaction)) => by_lead.entry(lead).or_default().push(interaction),
            Err(reason) => summary
                .rejected
                .push(format!("lead_interactions.csv line {}: {reason}", i + 2)),
        }
    }
    Ok(by_lead)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_french_forms() {
        assert_eq!(parse_date("2026-03-01"), parse_date("01/03/2026"));
        assert!(parse_date("1er mars").is_err());
    }

    #[test]
    fn a_bad_row_says_why() {
        let row: HashMap<&str, &str> = [
            ("id", "L1"),
            ("date_creation", "2026-01-05"),
            ("statut", "peut-être"),
        ]
        .into_iter()
        .collect();
        assert!(parse_lead(&row).unwrap_err().contains("peut-être"));
        let row: HashMap<&str, &str> = [
            ("id", "L2"),
            ("date_creation", "2026-01-05"),
            ("statut", "Gagné"),
            ("montant_estime", "12 500,50 €"),
        ]
        .into_iter()
        .collect();
        let lead = parse_lead(&row).expect("valid");
        assert_eq!(lead.status, "won");
        assert_eq!(lead.estimated_amount, Some(12500.5));
    }
}
