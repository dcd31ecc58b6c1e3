//! Loading the demo CRM export (`leads.csv`, `lead_interactions.csv`) through lead
//! qualification, as a company's own export would go: each lead normalised (phones to E.164,
//! legal forms apart, postcodes to régions) with its past interactions, then the scoring model
//! trained on the demo's won/lost history, so the Leads page is ranked with reasons on first
//! start. A row that cannot be read is reported with its line and reason; the others load.

use super::{LoadSummary, embedded_text, load_retry as retry};
use levier_leads::qualify::{self, IntakeError, IntakeOptions, RankError, parse_date};
use levier_leads::{RowIssue, Severity};
use levier_store::Store;
use levier_store::leads::LeadInteraction;
use levier_store::tasks::TaskFailure;
use std::collections::HashMap;

pub(super) async fn load(store: &Store, summary: &mut LoadSummary) -> Result<(), TaskFailure> {
    let history = interactions(summary)?;
    let text = embedded_text("leads.csv").map_err(|e| TaskFailure::Permanent(e.to_string()))?;
    let options = IntakeOptions {
        history,
        ..IntakeOptions::default()
    };
    let report = qualify::import_leads(store, std::io::Cursor::new(text.as_bytes()), options)
        .await
        .map_err(|e| match e {
            IntakeError::Store(e) => retry(e),
            IntakeError::File(e) => TaskFailure::Permanent(format!("leads.csv: {e}")),
        })?;
    summary.rejected.extend(
        report
            .issues
            .iter()
            .filter(|i| i.severity == Severity::Rejected)
            .map(|i: &RowIssue| format!("leads.csv {i}")),
    );
    summary.leads += report.created.len() + report.already_stored as usize;
    if !report.created.is_empty() {
        qualify::train(store, &[]).await.map_err(|e| match e {
            RankError::Store(e) => retry(e),
            e => TaskFailure::Permanent(format!("scoring the demo leads: {e}")),
        })?;
    }
    Ok(())
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
    fn every_demo_interaction_is_read() {
        let mut summary = LoadSummary::default();
        let by_lead = interactions(&mut summary).expect("interactions");
        assert!(summary.rejected.is_empty(), "{:?}", summary.rejected);
        assert_eq!(by_lead.values().map(Vec::len).sum::<usize>(), 999);
    }
}
