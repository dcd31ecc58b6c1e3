//! Saved column mappings: a company corrects once how its CRM export's headers map to lead
//! fields, saves the mapping under a name, and names it on the next import (CLI
//! `--mapping NAME`, API `?mapping=NAME`, the Leads page's import form).

use crate::mapping::ColumnMapping;
use levier_store::{Store, StoreError};
use serde::Serialize;

/// Why a saved mapping cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    /// No mapping has this name.
    #[error("no saved column mapping is named '{0}'")]
    Unknown(String),
    /// It was saved by a version that wrote another shape.
    #[error("the saved column mapping '{0}' cannot be read ({1}): save it again")]
    Unreadable(String, String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A saved mapping with its name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamedMapping {
    /// The name it was saved under.
    pub name: String,
    /// Header → field.
    pub mapping: ColumnMapping,
}

/// The mapping saved as `name`.
pub async fn saved_mapping(store: &Store, name: &str) -> Result<ColumnMapping, MappingError> {
    let value = store
        .lead_mapping(name)
        .await?
        .ok_or_else(|| MappingError::Unknown(name.trim().to_owned()))?;
    serde_json::from_value(value)
        .map_err(|e| MappingError::Unreadable(name.trim().to_owned(), e.to_string()))
}

/// Saves (or replaces) `mapping` as `name`.
pub async fn save_mapping(
    store: &Store,
    name: &str,
    mapping: &ColumnMapping,
) -> Result<(), StoreError> {
    let value = serde_json::to_value(mapping).unwrap_or_default();
    store.save_lead_mapping(name, &value).await
}

/// Every saved mapping that can be read, by name (one saved in an older shape is left out: it
/// would fail the import it is chosen for).
pub async fn saved_mappings(store: &Store) -> Result<Vec<NamedMapping>, StoreError> {
    Ok(store
        .lead_mappings()
        .await?
        .into_iter()
        .filter_map(|(name, value)| {
            let mapping = serde_json::from_value(value).ok()?;
            Some(NamedMapping { name, mapping })
        })
        .collect())
}
