//! `WHERE` clauses assembled from optional filters (list pages: the inbox, the FAQ).
//!
//! Only the filters actually given become SQL, so no statement compares a parameter with NULL
//! (PostgreSQL cannot always infer the type of a parameter that is only tested for NULL).

use crate::bulk::AnyQuery;

/// A value bound to a filter's placeholder.
enum Param {
    Int(i64),
    Text(String),
}

/// Conditions joined by `AND`, with their parameters numbered in order.
#[derive(Default)]
pub(crate) struct Filter {
    clauses: Vec<String>,
    params: Vec<Param>,
}

impl Filter {
    /// Adds a condition without parameters.
    pub(crate) fn raw(&mut self, clause: &str) {
        self.clauses.push(clause.to_owned());
    }

    /// Adds a condition whose `?` stands for an integer parameter.
    pub(crate) fn int(&mut self, clause: &str, value: i64) {
        self.push(clause, Param::Int(value));
    }

    /// Adds a condition whose every `?` stands for the same text parameter.
    pub(crate) fn text(&mut self, clause: &str, value: impl Into<String>) {
        self.push(clause, Param::Text(value.into()));
    }

    /// Adds `column IN (…)` over texts; nothing when `values` is empty.
    pub(crate) fn text_in<'a>(&mut self, column: &str, values: impl IntoIterator<Item = &'a str>) {
        let mut marks = Vec::new();
        for value in values {
            self.params.push(Param::Text(value.to_owned()));
            marks.push(format!("${}", self.params.len()));
        }
        if !marks.is_empty() {
            self.clauses
                .push(format!("{column} IN ({})", marks.join(", ")));
        }
    }

    fn push(&mut self, clause: &str, param: Param) {
        self.params.push(param);
        let mark = format!("${}", self.params.len());
        self.clauses.push(clause.replace('?', &mark));
    }

    /// ` WHERE a AND b`, or nothing.
    pub(crate) fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// Binds the parameters in order.
    pub(crate) fn bind<'q>(&'q self, mut query: AnyQuery<'q>) -> AnyQuery<'q> {
        for param in &self.params {
            query = match param {
                Param::Int(v) => query.bind(*v),
                Param::Text(v) => query.bind(v.as_str()),
            };
        }
        query
    }
}

/// A case-insensitive `LIKE` pattern matching `text` anywhere, its `%`, `_` and `\` escaped
/// (use with `LOWER(column) LIKE ? ESCAPE '\'`).
pub(crate) fn contains_pattern(text: &str) -> String {
    let mut out = String::from("%");
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_numbered_in_order_and_patterns_escaped() {
        let mut f = Filter::default();
        f.int("a = ?", 1);
        f.text_in("b", ["x", "y"]);
        f.raw("c IS NULL");
        f.text("(d LIKE ? OR e LIKE ?)", "z");
        assert_eq!(
            f.where_sql(),
            " WHERE a = $1 AND b IN ($2, $3) AND c IS NULL AND (d LIKE $4 OR e LIKE $4)"
        );
        assert_eq!(contains_pattern(" 50%_A\\ "), "%50\\%\\_a\\\\%");
    }
}
