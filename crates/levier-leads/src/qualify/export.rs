//! The lead list back to CSV (`;`, UTF-8, French headers: what a French spreadsheet opens),
//! ranked, with the score and its reasons, for the CRM or a mailing.

use levier_store::leads::LeadRecord;
use std::io::Write;

const HEADERS: [&str; 18] = [
    "id",
    "reference",
    "prenom",
    "nom",
    "email",
    "telephone",
    "entreprise",
    "siret",
    "code_postal",
    "ville",
    "region",
    "domaine",
    "source",
    "statut",
    "premier_contact",
    "tier",
    "probabilite",
    "facteurs",
];

/// One factor in words: "source = salon (+0.42)".
pub fn factor_text(factor: &serde_json::Value) -> String {
    let column = factor["column"].as_str().unwrap_or_default();
    let value = factor["value"].as_str().unwrap_or_default();
    let weight = factor["contribution"].as_f64().unwrap_or_default();
    format!("{column} = {value} ({weight:+.2})")
}

/// Writes the leads, in the order given.
pub fn export_csv<W: Write>(leads: &[LeadRecord], out: W) -> Result<(), csv::Error> {
    let mut writer = csv::WriterBuilder::new().delimiter(b';').from_writer(out);
    writer.write_record(HEADERS)?;
    for l in leads {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let (tier, probability, factors) = match &l.score {
            Some(s) => (
                s.tier.clone(),
                format!("{:.3}", s.probability),
                s.factors
                    .as_array()
                    .map(|f| f.iter().map(factor_text).collect::<Vec<_>>().join(" | "))
                    .unwrap_or_default(),
            ),
            None => Default::default(),
        };
        writer.write_record([
            l.id.0.to_string(),
            opt(&l.fields.external_ref),
            l.fields.first_name.clone(),
            l.fields.last_name.clone(),
            opt(&l.fields.email),
            opt(&l.fields.phone),
            opt(&l.fields.company),
            opt(&l.fields.siret),
            opt(&l.fields.postcode),
            opt(&l.fields.city),
            opt(&l.fields.region),
            opt(&l.fields.domain),
            opt(&l.fields.source),
            l.fields.status.clone(),
            l.contacted_at
                .and_then(|t| jiff::Timestamp::from_millisecond(t.millis()).ok())
                .map(|t| t.to_string())
                .unwrap_or_default(),
            tier,
            probability,
            factors,
        ])?;
    }
    writer.flush()?;
    Ok(())
}
