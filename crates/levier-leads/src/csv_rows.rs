//! Reading a lead file's rows as text, whatever its shape: gzip or not, UTF-8 (with or without
//! a byte-order mark), Windows-1252/ISO-8859-1 or UTF-16 (detected by levier-extract's
//! [`levier_extract::detect_encoding`]), `;`, `,` or tab delimiter (detected by
//! [`levier_extract::detect_delimiter`] unless given). Rows are streamed: memory stays bounded
//! whatever the number of rows.

use crate::decode::DecodingReader;
use crate::error::ImportError;
use crate::mapping::unique_headers;
use crate::report::{RowIssue, Severity};
use std::io::{BufRead, BufReader, Read};

/// Bytes read ahead to detect the encoding and the delimiter.
const HEAD_BYTES: usize = 1024 * 1024;

/// How to read the file.
#[derive(Debug, Clone, Copy, Default)]
pub struct CsvOptions {
    /// The delimiter, when detection should not guess (`b';'`, `b','`, `b'\t'`).
    pub delimiter: Option<u8>,
}

/// One data row: its values, one per header (missing trailing values are empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRow {
    /// The row's first line in the file, from 1 (the header is line 1).
    pub line: u64,
    /// One value per header, trimmed.
    pub values: Vec<String>,
    /// What was odd about the row's shape; a `Rejected` issue means the values are not to be
    /// imported (they are still here, for the report).
    pub issues: Vec<RowIssue>,
}

impl CsvRow {
    /// Whether the row's shape makes its values unusable.
    pub fn is_rejected(&self) -> bool {
        self.issues.iter().any(|i| i.severity == Severity::Rejected)
    }
}

/// A lead file opened for reading: its headers, and its rows as an iterator.
pub struct CsvRows {
    reader: csv::Reader<Box<dyn Read + Send>>,
    headers: Vec<String>,
    header_issues: Vec<RowIssue>,
    encoding: &'static str,
    delimiter: u8,
    gzip: bool,
    record: csv::StringRecord,
}

impl CsvRows {
    /// Opens a file's bytes: gzip detected by its magic number, then encoding and delimiter.
    pub fn open<R: Read + Send + 'static>(
        source: R,
        options: CsvOptions,
    ) -> Result<Self, ImportError> {
        let mut buffered = BufReader::new(source);
        let gzip = buffered
            .fill_buf()
            .map_err(ImportError::Io)?
            .starts_with(&[0x1f, 0x8b]);
        let mut stream: Box<dyn Read + Send> = if gzip {
            Box::new(flate2::read::MultiGzDecoder::new(buffered))
        } else {
            Box::new(buffered)
        };
        let mut head = Vec::new();
        (&mut stream)
            .take(HEAD_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(ImportError::Io)?;
        let complete = head.len() < HEAD_BYTES;
        let (encoding, bom) = levier_extract::detect_encoding(&head, complete)
            .map_err(|e| ImportError::NotText(e.to_string()))?;
        let head_text = encoding.decode_without_bom_handling(&head[bom..]).0;
        if head_text.trim().is_empty() {
            return Err(ImportError::Empty);
        }
        let delimiter = options
            .delimiter
            .unwrap_or_else(|| levier_extract::detect_delimiter(&head_text));
        let mut head = std::io::Cursor::new(head);
        head.set_position(bom as u64);
        // A final line break, so that every row ends with one (see `first_line`); an extra
        // one is a blank line, skipped.
        let decoded: Box<dyn Read + Send> = Box::new(
            CrlfToLf::new(DecodingReader::new(head.chain(stream), encoding)).chain(&b"\n"[..]),
        );
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(decoded);
        Self::with_headers(reader, encoding.name(), delimiter, gzip)
    }

    fn with_headers(
        mut reader: csv::Reader<Box<dyn Read + Send>>,
        encoding: &'static str,
        delimiter: u8,
        gzip: bool,
    ) -> Result<Self, ImportError> {
        let mut record = csv::StringRecord::new();
        if !reader.read_record(&mut record).map_err(ImportError::Csv)? {
            return Err(ImportError::Empty);
        }
        let raw: Vec<String> = record.iter().map(|h| h.trim().to_owned()).collect();
        let (headers, renamed) = unique_headers(&raw);
        let header_issues = renamed
            .into_iter()
            .map(|(i, name)| RowIssue {
                line: 1,
                column: Some(name.clone()),
                severity: Severity::Warning,
                reason: format!(
                    "header of column {} is {}: read as '{name}'",
                    i + 1,
                    if raw[i].is_empty() {
                        "empty".to_owned()
                    } else {
                        format!("a repeated '{}'", raw[i])
                    }
                ),
            })
            .collect();
        Ok(CsvRows {
            reader,
            headers,
            header_issues,
            encoding,
            delimiter,
            gzip,
            record,
        })
    }

    /// The headers, made unique.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// What was odd about the header (repeated or empty names).
    pub fn header_issues(&self) -> &[RowIssue] {
        &self.header_issues
    }

    /// The encoding detected ("UTF-8", "windows-1252", "UTF-16LE").
    pub fn encoding(&self) -> &'static str {
        self.encoding
    }

    /// The delimiter used.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Whether the file was gzip-compressed.
    pub fn gzip(&self) -> bool {
        self.gzip
    }

    /// The line the row just read starts on (line breaks are `\n` here: see [`CrlfToLf`]), from where the reader stopped (the record's own
    /// position counts the blank lines skipped before it): the line after the row, less the
    /// line breaks inside quoted values and the row's own. A quote left open to the end of
    /// the file ends the row without a line break of its own, which the reader does not
    /// count: the row then starts no earlier than where the previous one ended, so no two
    /// rows ever report the same line.
    fn first_line(&self) -> u64 {
        let next = self.reader.position().line();
        let inner: usize = self.record.iter().map(|v| v.matches('\n').count()).sum();
        let after_previous = self.record.position().map_or(1, csv::Position::line);
        next.saturating_sub(inner as u64 + 1)
            .max(after_previous)
            .max(1)
    }

    /// The row just read, shaped to the header.
    fn shape(&self) -> Option<CsvRow> {
        let line = self.first_line();
        let mut values: Vec<String> = self.record.iter().map(|v| v.trim().to_owned()).collect();
        if values.iter().all(String::is_empty) {
            return None;
        }
        let expected = self.headers.len();
        let mut issues = Vec::new();
        if values.len() > expected {
            let extra = values[expected..]
                .iter()
                .map(|v| format!("'{v}'"))
                .collect::<Vec<_>>();
            issues.push(RowIssue {
                line,
                column: None,
                severity: Severity::Rejected,
                reason: format!(
                    "{} values for {expected} columns (extra: {}): a delimiter inside an unquoted value? Quote the value or fix the row",
                    values.len(),
                    extra.join(", ")
                ),
            });
        } else if values.len() < expected {
            issues.push(RowIssue {
                line,
                column: self.headers.get(values.len()).cloned(),
                severity: Severity::Warning,
                reason: format!(
                    "{} values for {expected} columns: the last ones are read as empty",
                    values.len()
                ),
            });
        }
        values.resize(expected.max(values.len()), String::new());
        Some(CsvRow {
            line,
            values,
            issues,
        })
    }
}

impl Iterator for CsvRows {
    type Item = Result<CsvRow, ImportError>;

    /// The next non-blank row; a row of empty values is skipped (it holds nothing to lose).
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => return None,
                Err(e) => return Some(Err(ImportError::Csv(e))),
                Ok(true) => {
                    if let Some(row) = self.shape() {
                        return Some(Ok(row));
                    }
                }
            }
        }
    }
}

/// Windows line breaks (`\r\n`) and old Mac ones (a lone `\r`) read as `\n`: the csv reader
/// counts a CRLF row's break only when it reads the next row, which put every reported line of
/// a Windows export one too low, and it ends a row at a lone `\r` without counting a line at
/// all, which gave two rows the same line.
struct CrlfToLf<R> {
    inner: R,
    /// A `\r` ending the previous chunk, not yet known to start a CRLF.
    pending_cr: bool,
}

impl<R: Read> CrlfToLf<R> {
    fn new(inner: R) -> Self {
        CrlfToLf {
            inner,
            pending_cr: false,
        }
    }
}

impl<R: Read> Read for CrlfToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.len() < 2 {
            return self.inner.read(buf);
        }
        // Room for a pending `\r` put back in front.
        let n = self.inner.read(&mut buf[1..])?;
        let mut out = 0;
        let mut cr = std::mem::take(&mut self.pending_cr);
        if n == 0 {
            if cr {
                buf[0] = b'\n';
                return Ok(1);
            }
            return Ok(0);
        }
        for i in 1..=n {
            let b = buf[i];
            if cr && b != b'\n' {
                buf[out] = b'\n';
                out += 1;
            }
            cr = b == b'\r';
            if !cr {
                buf[out] = b;
                out += 1;
            }
        }
        self.pending_cr = cr;
        if out == 0 {
            // Only a lone `\r` was read: ask again rather than report the end of the file.
            return self.read(buf);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<u64> {
        let rows = CsvRows::open(
            std::io::Cursor::new(text.as_bytes().to_vec()),
            CsvOptions::default(),
        )
        .unwrap();
        rows.map(|r| r.unwrap().line).collect()
    }

    #[test]
    fn windows_and_mac_line_breaks_read_as_unix_ones_whatever_the_chunks() {
        for text in [
            "a\r\nb\r\n",
            "\r\r\n\r",
            "x\ry\r\n\r\r\nz\r",
            "\r\n\r\n",
            "é\r\nà",
        ] {
            let expected = text.replace("\r\n", "\n").replace('\r', "\n");
            for size in 2..6 {
                let mut reader = CrlfToLf::new(text.as_bytes());
                let mut out = Vec::new();
                let mut buf = vec![0; size];
                loop {
                    let n = reader.read(&mut buf).unwrap();
                    if n == 0 {
                        break;
                    }
                    out.extend_from_slice(&buf[..n]);
                }
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    expected,
                    "{text:?} by {size}"
                );
            }
        }
    }

    #[test]
    fn rows_know_their_lines_across_blank_lines_and_quoted_breaks() {
        assert_eq!(lines("nom;ville\nA;B\n\n\nC;D\n"), vec![2, 5]);
        assert_eq!(lines("nom;ville\r\nA;B\r\nC;D\r\n"), vec![2, 3]);
        assert_eq!(lines("nom;ville\nA;B\n\nC;D"), vec![2, 4]);
        assert_eq!(lines("nom;note\nA;\"deux\nlignes\"\nC;D\n"), vec![2, 4]);
        // A quote left open runs to the end of the file: the row still starts where it starts.
        assert_eq!(lines("nom;note\nA;B\nC;\"ouvert\nsans fin"), vec![2, 3]);
        assert_eq!(lines("nom;note\nA;B\nC;\"ouvert\nsans fin\n"), vec![2, 3]);
        // An old Mac line break (a lone CR) ends a row too.
        assert_eq!(lines("nom;note\nA;B\rC;D\n"), vec![2, 3]);
    }
}
