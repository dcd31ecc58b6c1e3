//! The won/lost history as a table of text cells, the form every source reduces to (a CSV
//! export, the store's leads): scoring learns from columns, whatever they are called.

use crate::csv_rows::CsvRows;
use crate::error::ImportError;
use crate::normalise::text::fold;

/// Rows of text cells under named columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Column names.
    pub columns: Vec<String>,
    /// One value per column in each row.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Reads every importable row of a file; returns the table and the number of rows rejected
    /// for their shape (reported, not learnt from).
    pub fn from_csv(rows: CsvRows) -> Result<(Table, usize), ImportError> {
        let columns = rows.headers().to_vec();
        let mut table = Table {
            columns,
            rows: Vec::new(),
        };
        let mut rejected = 0;
        for row in rows {
            let row = row?;
            if row.is_rejected() {
                rejected += 1;
            } else {
                table.rows.push(row.values);
            }
        }
        Ok((table, rejected))
    }

    /// The index of a column, compared case- and accent-insensitively.
    pub fn column(&self, name: &str) -> Option<usize> {
        let wanted = fold(name);
        self.columns.iter().position(|c| fold(c) == wanted)
    }

    /// The rows at these indexes.
    pub fn subset(&self, indexes: &[usize]) -> Table {
        Table {
            columns: self.columns.clone(),
            rows: indexes.iter().map(|&i| self.rows[i].clone()).collect(),
        }
    }

    /// Whether each row's `target` cell equals `positive` (case-insensitively); `None` where
    /// the cell is empty (no outcome yet).
    pub fn outcomes(&self, target: usize, positive: &str) -> Vec<Option<bool>> {
        let positive = positive.trim().to_lowercase();
        self.rows
            .iter()
            .map(|row| {
                let cell = row[target].trim();
                (!cell.is_empty()).then(|| cell.to_lowercase() == positive)
            })
            .collect()
    }
}

/// Whether a column is excluded by one of the patterns: a name, or a prefix ending in `*`
/// ("Asymmetrique*"), compared case- and accent-insensitively.
pub fn excluded(column: &str, patterns: &[String]) -> bool {
    let folded = fold(column);
    patterns.iter().any(|p| match p.trim().strip_suffix('*') {
        Some(prefix) => folded.starts_with(&fold(prefix)),
        None => folded == fold(p),
    })
}
