//! Statements over many rows at once: multi-row `INSERT … VALUES (…), (…)` and `IN (…)` lists.
//!
//! Each statement costs a round trip (on SQLite, a hop to the connection's worker thread and
//! back), which dominated ingestion when every row had its own. Long lists are cut into
//! statements of at most [`MAX_PARAMS`] parameters.

use crate::StoreResult;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, AnyConnection};

/// Parameters per statement. Both backends accept thousands (32 766 on SQLite, 65 535 on
/// PostgreSQL), but SQLite treats `$N` as a named parameter and looks each one up by name, at
/// parse and at bind time, in a list of all of them: the cost grows with the square of their
/// number (16 000 parameters a statement made ingestion twice slower than one statement a
/// row). A few hundred keep that lookup negligible and round trips few.
const MAX_PARAMS: usize = 256;

/// A statement being bound.
pub(crate) type AnyQuery<'q> = sqlx::query::Query<'q, Any, AnyArguments<'q>>;

/// `$first, $first+1, …` for `count` parameters.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Inserts `rows` with `insert` (`INSERT INTO t (a, b)`, `columns` columns) followed by
/// `tail` (`ON CONFLICT …`, `RETURNING …` or nothing), in as few statements as the parameter
/// limit allows; `bind` binds one row's values in column order. Returns what `tail` returns,
/// in statement order.
pub(crate) async fn insert_rows<T>(
    conn: &mut AnyConnection,
    insert: &str,
    columns: usize,
    tail: &str,
    rows: &[T],
    bind: impl for<'q> Fn(AnyQuery<'q>, &'q T) -> AnyQuery<'q>,
) -> StoreResult<Vec<AnyRow>> {
    let mut out = Vec::new();
    for part in rows.chunks((MAX_PARAMS / columns).max(1)) {
        let values: Vec<String> = (0..part.len())
            .map(|r| format!("({})", placeholders(r * columns + 1, columns)))
            .collect();
        let sql = format!("{insert} VALUES {} {tail}", values.join(", "));
        let mut query = sqlx::query(&sql);
        for row in part {
            query = bind(query, row);
        }
        out.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

/// Runs `sql`, whose `{ids}` is replaced by an `IN` list, once per slice of `ids` that fits
/// the parameter limit after the `fixed` leading parameters (bound by `bind_fixed`); returns
/// every row.
pub(crate) async fn select_in<T>(
    conn: &mut AnyConnection,
    sql: &str,
    fixed: usize,
    bind_fixed: impl for<'q> Fn(AnyQuery<'q>) -> AnyQuery<'q>,
    ids: &[T],
) -> StoreResult<Vec<AnyRow>>
where
    for<'q> &'q T: sqlx::Encode<'q, Any> + sqlx::Type<Any> + Send,
{
    let mut out = Vec::new();
    for part in ids.chunks(MAX_PARAMS - fixed) {
        let sql = sql.replace("{ids}", &placeholders(fixed + 1, part.len()));
        let mut query = bind_fixed(sqlx::query(&sql));
        for id in part {
            query = query.bind(id);
        }
        out.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_from_the_first() {
        assert_eq!(placeholders(3, 3), "$3, $4, $5");
        assert_eq!(placeholders(1, 0), "");
    }
}
