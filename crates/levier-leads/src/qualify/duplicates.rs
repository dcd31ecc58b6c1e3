//! Duplicates among the stored leads, found by [`find_duplicates`] on their normalised records
//! (computed when asked: a company's list changes with every import, and a stored suggestion
//! would go stale), and merged with [`merge`] so the kept lead keeps every value and source.

use super::convert::contact_fields;
use crate::dedup::{DedupConfig, FieldDifference, MatchReason, find_duplicates};
use crate::lead::Lead;
use crate::merge::merge;
use levier_core::ids::{LeadId, UserId};
use levier_store::leads::{LeadFilter, LeadRecord};
use levier_store::{Store, StoreError};
use serde::Serialize;

/// Two stored leads that look like one person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredSuggestion {
    /// The lead to keep (the better scored, else the older).
    pub keep: LeadId,
    /// Its name, for the page.
    pub keep_name: String,
    /// The lead to merge into it.
    pub merge: LeadId,
    /// Its name.
    pub merge_name: String,
    /// Why they match.
    pub reasons: Vec<MatchReason>,
    /// The fields that differ (`first` is the kept lead's value).
    pub differences: Vec<FieldDifference>,
}

/// A stored lead's normalised record; `None` for a lead stored before normalisation existed.
pub fn normalised(record: &LeadRecord) -> Option<Lead> {
    serde_json::from_value(record.fields.normalised.clone())
        .ok()
        .filter(|l: &Lead| !l.sources.is_empty())
}

/// The merge suggestions among unmerged leads, best-scored pairs first, without the pairs a
/// person dismissed.
pub async fn suggestions(store: &Store) -> Result<Vec<StoredSuggestion>, StoreError> {
    let dismissed = store.dismissed_lead_pairs().await?;
    let records: Vec<LeadRecord> = store
        .leads(&LeadFilter::default())
        .await?
        .into_iter()
        .filter(|r| normalised(r).is_some())
        .collect();
    let leads: Vec<Lead> = records.iter().filter_map(normalised).collect();
    let mut found: Vec<StoredSuggestion> = find_duplicates(&leads, &DedupConfig::default())
        .into_iter()
        .map(|s| {
            // The list is sorted best score first, so the lower index is the one to keep.
            let (keep, other) = (s.first.min(s.second), s.first.max(s.second));
            StoredSuggestion {
                keep: records[keep].id,
                keep_name: records[keep].display_name(),
                merge: records[other].id,
                merge_name: records[other].display_name(),
                reasons: s.reasons,
                differences: crate::dedup::differences(&leads[keep], &leads[other]),
            }
        })
        .filter(|s: &StoredSuggestion| {
            let pair = (s.keep.min(s.merge), s.keep.max(s.merge));
            !dismissed.contains(&pair)
        })
        .collect();
    found.sort_by_key(|s| {
        let rank = |id| {
            records
                .iter()
                .position(|r| r.id == id)
                .unwrap_or(usize::MAX)
        };
        (rank(s.keep), rank(s.merge))
    });
    Ok(found)
}

/// Records that a suggested pair is not one person, so it is not suggested again.
pub async fn dismiss(
    store: &Store,
    keep: LeadId,
    other: LeadId,
    actor: Option<UserId>,
) -> Result<(), StoreError> {
    store.dismiss_lead_pair(keep, other, actor).await
}

/// Merges lead `other` into `keep`, both records kept in the merge history.
pub async fn merge_stored(
    store: &Store,
    keep: LeadId,
    other: LeadId,
    actor: Option<UserId>,
) -> Result<(), StoreError> {
    let read = |id: LeadId| async move {
        let record = store.lead(id).await?.ok_or_else(|| StoreError::NotFound {
            what: "lead",
            id: id.0.to_string(),
        })?;
        normalised(&record).ok_or_else(|| {
            StoreError::Invalid(format!(
                "lead {} was stored before normalisation: import it again to merge it",
                id.0
            ))
        })
    };
    let merged = merge(&read(keep).await?, &read(other).await?);
    store
        .merge_leads(keep, other, &contact_fields(&merged), actor)
        .await
}
