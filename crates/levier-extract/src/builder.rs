//! Assembles blocks while a format reader walks its file: keeps the heading path current,
//! normalises whitespace and enforces the extracted-text budget, so every reader does the same
//! thing the same way.

use crate::document::{Block, BlockKind, Document, MediaType, Metadata};
use crate::error::ErrorKind;
use crate::language::detect_language;

/// Bytes counted per block on top of its text, so a file of a million one-letter paragraphs
/// cannot pass the budget while costing gigabytes of block bookkeeping.
const BLOCK_OVERHEAD: usize = 32;

/// Collects blocks in reading order. Readers push raw text; the builder cleans it.
#[derive(Debug)]
pub(crate) struct DocumentBuilder {
    blocks: Vec<Block>,
    /// Open headings, outermost first: `(level, text)`.
    headings: Vec<(u8, String)>,
    text_bytes: usize,
    max_text_bytes: usize,
}

impl DocumentBuilder {
    pub(crate) fn new(max_text_bytes: usize) -> Self {
        Self {
            blocks: Vec::new(),
            headings: Vec::new(),
            text_bytes: 0,
            max_text_bytes,
        }
    }

    /// Adds a heading; it closes headings of the same or a deeper level.
    pub(crate) fn heading(&mut self, level: u8, raw: &str) -> Result<(), ErrorKind> {
        let text = normalize_inline(raw);
        if text.is_empty() {
            return Ok(());
        }
        let level = level.clamp(1, 6);
        while self.headings.last().is_some_and(|(l, _)| *l >= level) {
            self.headings.pop();
        }
        self.push(BlockKind::Heading(level), text.clone())?;
        self.headings.push((level, text));
        Ok(())
    }

    /// Adds a block of running text (anything but a heading); blank text is skipped.
    pub(crate) fn block(&mut self, kind: BlockKind, raw: &str) -> Result<(), ErrorKind> {
        let text = match kind {
            BlockKind::Code => normalize_code(raw),
            BlockKind::ListItem => strip_bullet(&normalize_inline(raw)).to_owned(),
            _ => normalize_inline(raw),
        };
        if text.is_empty() {
            return Ok(());
        }
        self.push(kind, text)
    }

    /// Adds a table row from its cells, joined by ` | `; empty rows are skipped.
    pub(crate) fn table_row<S: AsRef<str>>(&mut self, cells: &[S]) -> Result<(), ErrorKind> {
        let cells: Vec<String> = cells.iter().map(|c| normalize_inline(c.as_ref())).collect();
        if cells.iter().all(String::is_empty) {
            return Ok(());
        }
        self.push(BlockKind::TableRow, cells.join(" | "))
    }

    /// The first heading seen, a fallback title for formats without a title field.
    pub(crate) fn first_heading(&self) -> Option<String> {
        self.blocks.iter().find_map(|b| match b.kind {
            BlockKind::Heading(_) => Some(b.text.clone()),
            _ => None,
        })
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    fn push(&mut self, kind: BlockKind, text: String) -> Result<(), ErrorKind> {
        let path_bytes: usize = self.headings.iter().map(|(_, t)| t.len()).sum();
        self.text_bytes += text.len() + path_bytes + BLOCK_OVERHEAD;
        if self.text_bytes > self.max_text_bytes {
            return Err(ErrorKind::TextTooLarge {
                limit: self.max_text_bytes,
            });
        }
        let heading_path = self.headings.iter().map(|(_, t)| t.clone()).collect();
        self.blocks.push(Block {
            kind,
            text,
            heading_path,
        });
        Ok(())
    }

    /// Finishes the document and detects its language. A document with neither text nor title
    /// is an error: indexing it would only add an unfindable entry.
    pub(crate) fn finish(
        self,
        media_type: MediaType,
        title: Option<String>,
        metadata: Metadata,
    ) -> Result<Document, ErrorKind> {
        let title = title
            .map(|t| normalize_inline(&t))
            .filter(|t| !t.is_empty());
        if self.blocks.is_empty() && title.is_none() {
            return Err(ErrorKind::NoText(""));
        }
        let mut document = Document {
            media_type,
            title,
            metadata: clean_metadata(metadata),
            blocks: self.blocks,
            language: None,
        };
        document.language = document_language(&document);
        Ok(document)
    }
}

/// Detects the language on a bounded sample: the first blocks up to ~20 kB are plenty for a
/// trigram model, and a 50 MB text would otherwise cost seconds.
fn document_language(document: &Document) -> Option<String> {
    const SAMPLE_BYTES: usize = 20_000;
    let mut sample = String::new();
    for block in &document.blocks {
        if sample.len() > SAMPLE_BYTES {
            break;
        }
        sample.push_str(&block.text);
        sample.push('\n');
    }
    if sample.trim().is_empty() {
        sample = document.title.clone().unwrap_or_default();
    }
    detect_language(&sample)
}

fn clean_metadata(m: Metadata) -> Metadata {
    let clean = |v: Option<String>| v.map(|s| normalize_inline(&s)).filter(|s| !s.is_empty());
    Metadata {
        author: clean(m.author),
        created: clean(m.created),
        modified: clean(m.modified),
        subject: clean(m.subject),
        keywords: clean(m.keywords),
        declared_language: clean(m.declared_language),
        recipients: clean(m.recipients),
    }
}

/// Collapses every run of whitespace to one space and drops control characters, so text
/// from any format compares and indexes the same way.
pub(crate) fn normalize_inline(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if !is_dropped_control(c) {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Drops a bullet typed as text (`• item`, as some generators write list items) so every
/// list item reads the same whatever made the file.
fn strip_bullet(text: &str) -> &str {
    const BULLETS: &[char] = &['•', '●', '▪', '◦', '·', '–', '-', '*', '■', '➢', '✓'];
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(bullet), Some(' ')) if BULLETS.contains(&bullet) => chars.as_str(),
        _ => text,
    }
}

/// Keeps line breaks and indentation (code means something by them) but trims trailing
/// spaces and blank edges, and drops control characters.
fn normalize_code(raw: &str) -> String {
    let lines: Vec<String> = raw
        .lines()
        .map(|l| {
            l.chars()
                .filter(|c| *c == '\t' || !is_dropped_control(*c))
                .collect::<String>()
                .trim_end()
                .to_owned()
        })
        .collect();
    let first = lines.iter().position(|l| !l.is_empty());
    let last = lines.iter().rposition(|l| !l.is_empty());
    match (first, last) {
        (Some(a), Some(b)) => lines[a..=b].join("\n"),
        _ => String::new(),
    }
}

/// Control and format characters that carry no text: NUL, BEL, the BOM, soft hyphens.
fn is_dropped_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{feff}' | '\u{00ad}' | '\u{200b}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_nest_and_close() {
        let mut b = DocumentBuilder::new(1_000);
        b.heading(1, "Guide").unwrap();
        b.heading(2, "Livraison").unwrap();
        b.block(BlockKind::Paragraph, "  Sous  48 h.\n").unwrap();
        b.heading(2, "Retours").unwrap();
        b.block(BlockKind::ListItem, "30 jours").unwrap();
        let doc = b
            .finish(MediaType::Markdown, None, Metadata::default())
            .unwrap();
        assert_eq!(doc.blocks[2].text, "Sous 48 h.");
        assert_eq!(doc.blocks[2].heading_path, ["Guide", "Livraison"]);
        assert_eq!(doc.blocks[3].heading_path, ["Guide"]);
        assert_eq!(doc.blocks[4].heading_path, ["Guide", "Retours"]);
    }

    #[test]
    fn text_budget_is_enforced() {
        let mut b = DocumentBuilder::new(70);
        assert!(b.block(BlockKind::Paragraph, "abcdef").is_ok());
        assert_eq!(
            b.block(BlockKind::Paragraph, "ghijkl"),
            Err(ErrorKind::TextTooLarge { limit: 70 })
        );
    }

    #[test]
    fn code_keeps_lines() {
        assert_eq!(
            normalize_code("\n  a = 1  \n\n  b\u{0}\n\n"),
            "  a = 1\n\n  b"
        );
    }
}
