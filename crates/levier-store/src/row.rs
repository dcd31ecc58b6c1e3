//! Reading typed values out of rows: times, optional times and JSON text.

use crate::StoreResult;
use levier_core::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A `BIGINT` milliseconds column.
pub(crate) fn time(row: &AnyRow, column: &str) -> StoreResult<Timestamp> {
    Ok(Timestamp(row.try_get(column)?))
}

/// A nullable `BIGINT` milliseconds column.
pub(crate) fn opt_time(row: &AnyRow, column: &str) -> StoreResult<Option<Timestamp>> {
    Ok(row.try_get::<Option<i64>, _>(column)?.map(Timestamp))
}

/// A JSON text column; text that is not JSON reads as `null` rather than failing the whole
/// listing (the store writes only JSON there; a hand-edited row should not hide the others).
pub(crate) fn json(row: &AnyRow, column: &str) -> StoreResult<serde_json::Value> {
    let text: String = row.try_get(column)?;
    Ok(serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
}
