//! CSV as a document: each data row becomes a table-row block written `column: value | …`,
//! so a row found by search (or cut into a chunk far from the header) still says what its
//! values are.

use crate::builder::DocumentBuilder;
use crate::document::{Document, MediaType, Metadata};
use crate::encoding::decode_text;
use crate::error::PartError;
use crate::limits::Limits;

/// Reads a CSV file with a header row; the delimiter (`,` `;` or tab) is detected.
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Document, PartError> {
    let text = decode_text(bytes, None)?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(detect_delimiter(&text))
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map(|h| h.iter().map(|c| c.trim().to_owned()).collect())
        .unwrap_or_default();
    let mut builder = DocumentBuilder::new(limits.max_text_bytes);
    for record in reader.records().flatten() {
        let cells: Vec<String> = record
            .iter()
            .enumerate()
            .filter(|(_, value)| !value.trim().is_empty())
            .map(|(i, value)| match header.get(i).filter(|h| !h.is_empty()) {
                Some(name) => format!("{name}: {}", value.trim()),
                None => value.trim().to_owned(),
            })
            .collect();
        builder.table_row(&cells)?;
    }
    if builder.is_empty() {
        builder.table_row(&header)?;
    }
    Ok(builder.finish(MediaType::Csv, None, Metadata::default())?)
}

/// The delimiter used most on the first line, outside quotes: `,`, `;` (French Excel exports)
/// or tab. Comma when the line has none.
pub fn detect_delimiter(text: &str) -> u8 {
    let first_line = text.lines().next().unwrap_or("");
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in first_line.bytes() {
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(entry) = counts.iter_mut().find(|(d, _)| *d == c) {
            entry.1 += 1;
        }
    }
    counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .max_by_key(|(_, n)| *n)
        .map_or(b',', |(d, _)| *d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_carry_their_column_names() {
        let csv = "reference;prix_ttc_eur;description\nALT-120;619,00;\"Bureau ; double moteur\"\n";
        let doc = read(csv.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(doc.blocks.len(), 1);
        assert_eq!(
            doc.blocks[0].text,
            "reference: ALT-120 | prix_ttc_eur: 619,00 | description: Bureau ; double moteur"
        );
    }

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter("a,b;c,d\n"), b',');
        assert_eq!(detect_delimiter("\"a,b\";c;d\n"), b';');
        assert_eq!(detect_delimiter("a\tb\n"), b'\t');
        assert_eq!(detect_delimiter("single\n"), b',');
    }
}
