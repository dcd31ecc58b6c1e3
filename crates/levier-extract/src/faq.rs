//! FAQ import from a CSV file (`question,answer[,category][,language][,variants][,public]`,
//! header names in English or French): the format companies already keep their FAQ in. A
//! broken row is reported with its line (and column when one is at fault) and skipped; the
//! other rows still import.

use crate::encoding::decode_text;
use crate::formats::csv_table::detect_delimiter;

/// One question-answer pair ready to become an FAQ entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaqRow {
    /// The line of the row in the file (1-based), to point people at it.
    pub line: u64,
    /// The canonical question.
    pub question: String,
    /// The answer, as written.
    pub answer: String,
    /// Category, if the file has the column and the row fills it.
    pub category: Option<String>,
    /// ISO 639-1 language code (`fr`, `en`), if given.
    pub language: Option<String>,
    /// Other ways people ask the same question (the `variants` column, split on `|`).
    pub variants: Vec<String>,
    /// Whether customers may receive it, if the file has a `public` column and the row fills it.
    pub public: Option<bool>,
}

/// A row that could not be imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The line of the row in the file (1-based).
    pub line: u64,
    /// The column at fault, as named in the header, when one is.
    pub column: Option<String>,
    /// What is wrong with it.
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// Column positions found in the header.
struct Columns {
    question: usize,
    answer: usize,
    category: Option<usize>,
    language: Option<usize>,
    variants: Option<usize>,
    public: Option<usize>,
    /// The header's names, to say which column is at fault.
    names: Vec<String>,
}

/// The names each column may have in the header (compared case-insensitively): English, and
/// French for files written by French teams.
const QUESTION: &[&str] = &["question"];
const ANSWER: &[&str] = &["answer", "réponse", "reponse"];
const CATEGORY: &[&str] = &["category", "catégorie", "categorie"];
const LANGUAGE: &[&str] = &["language", "langue"];
const VARIANTS: &[&str] = &["variants", "variantes", "formulations"];
const PUBLIC: &[&str] = &["public"];

/// Reads an FAQ CSV (delimiter `,` or `;` detected, any common encoding). Returns the rows that
/// import and the errors of those that do not; a file without a usable header is one error on
/// line 1.
pub fn faq_csv(bytes: &[u8]) -> (Vec<FaqRow>, Vec<RowError>) {
    let file_error = |reason: String| {
        (
            Vec::new(),
            vec![RowError {
                line: 1,
                column: None,
                reason,
            }],
        )
    };
    let text = match decode_text(bytes, None) {
        // The csv crate counts a CRLF file's lines one short in its error positions
        // (rust-csv#395): with plain LF line ends, reported lines are the editor's lines.
        Ok(text) => text.replace("\r\n", "\n"),
        Err(kind) => return file_error(kind.to_string()),
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(detect_delimiter(&text))
        .flexible(true)
        .from_reader(text.as_bytes());
    let columns = match reader
        .headers()
        .map_err(|e| e.to_string())
        .and_then(columns)
    {
        Ok(columns) => columns,
        Err(reason) => return file_error(reason),
    };
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => match row(&record, &columns) {
                Ok(faq) => rows.push(faq),
                Err(error) => errors.push(error),
            },
            Err(error) => errors.push(RowError {
                line: error.position().map_or(0, csv::Position::line),
                column: None,
                reason: format!("unreadable row: {error}"),
            }),
        }
    }
    (rows, errors)
}

fn columns(header: &csv::StringRecord) -> Result<Columns, String> {
    let names: Vec<String> = header
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let find = |aliases: &[&str]| {
        names
            .iter()
            .position(|h| aliases.contains(&h.to_lowercase().as_str()))
    };
    let (Some(question), Some(answer)) = (find(QUESTION), find(ANSWER)) else {
        return Err(format!(
            "the header must name the columns question and answer (or réponse; optionally \
             category, language, variants, public); found: {}",
            names.join(", ")
        ));
    };
    Ok(Columns {
        question,
        answer,
        category: find(CATEGORY),
        language: find(LANGUAGE),
        variants: find(VARIANTS),
        public: find(PUBLIC),
        names,
    })
}

fn row(record: &csv::StringRecord, columns: &Columns) -> Result<FaqRow, RowError> {
    let line = record.position().map_or(0, csv::Position::line);
    let error = |column: Option<usize>, reason: String| RowError {
        line,
        column: column.map(|c| columns.names[c].clone()),
        reason,
    };
    if record.len() != columns.names.len() {
        return Err(error(None, field_count_reason(record, columns.names.len())));
    }
    let field = |i: Option<usize>| {
        i.and_then(|i| record.get(i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let question = field(Some(columns.question))
        .ok_or_else(|| error(Some(columns.question), "empty question".into()))?;
    let answer = field(Some(columns.answer))
        .ok_or_else(|| error(Some(columns.answer), "empty answer".into()))?;
    let language = field(columns.language)
        .map(|l| {
            language_code(&l).ok_or_else(|| {
                error(
                    columns.language,
                    format!("language {l:?} is not a language code such as fr or en"),
                )
            })
        })
        .transpose()?;
    let public = field(columns.public)
        .map(|p| {
            yes_no(&p).ok_or_else(|| {
                error(
                    columns.public,
                    format!("public {p:?} is not one of true, false, oui, non, 1, 0"),
                )
            })
        })
        .transpose()?;
    let variants = field(columns.variants)
        .map(|v| {
            v.split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Ok(FaqRow {
        line,
        question,
        answer,
        category: field(columns.category),
        language,
        variants,
        public,
    })
}

/// Why a row has the wrong number of fields. A field running over several lines means an
/// opening quote without its closing one, which swallows the rows after it: say so, since
/// "wrong field count" alone sends people looking for a stray delimiter.
fn field_count_reason(record: &csv::StringRecord, expected: usize) -> String {
    if record.iter().any(|f| f.contains('\n')) {
        return format!(
            "unbalanced quote: a quoted text opened on this line is not closed, so the \
             following lines were read into it (expected {expected} fields, found {})",
            record.len()
        );
    }
    format!(
        "expected {expected} fields, found {} (a delimiter inside an unquoted text?)",
        record.len()
    )
}

/// `true`/`false`, `oui`/`non`, `yes`/`no`, `1`/`0`, any case.
fn yes_no(value: &str) -> Option<bool> {
    match value.to_lowercase().as_str() {
        "true" | "oui" | "yes" | "1" => Some(true),
        "false" | "non" | "no" | "0" => Some(false),
        _ => None,
    }
}

/// `fr`, `FR`, `fr-FR` and `fr_FR` all mean `fr`.
fn language_code(value: &str) -> Option<String> {
    let primary = value.split(['-', '_']).next()?.to_ascii_lowercase();
    let valid = (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_lowercase());
    valid.then_some(primary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes() {
        assert_eq!(language_code("FR").as_deref(), Some("fr"));
        assert_eq!(language_code("en-GB").as_deref(), Some("en"));
        assert_eq!(language_code("français"), None);
    }
}
