//! ODT (LibreOffice): `content.xml` streamed with quick-xml — `text:h` with its outline level
//! is a heading, `text:p` a paragraph (a list item inside `text:list-item`, a cell's text inside
//! `table:table-cell`); `meta.xml` gives title, author, dates and keywords.

use quick_xml::events::BytesStart;

use super::xml_events::{LeafTexts, XmlHandler, attribute, walk};
use super::zip_archive::Archive;
use crate::builder::DocumentBuilder;
use crate::document::{BlockKind, Document, MediaType, Metadata};
use crate::error::{ErrorKind, PartError};
use crate::limits::Limits;

const FORMAT: &str = "ODT";

/// Reads an OpenDocument text.
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Document, PartError> {
    let mut archive = Archive::open(bytes, FORMAT, limits)?;
    let mut body = Body::new(limits);
    archive
        .parse_entry("content.xml", |r| walk(r, FORMAT, &mut body))?
        .ok_or_else(|| {
            PartError::from(ErrorKind::Corrupt {
                format: FORMAT,
                reason: "no content.xml: this is not an OpenDocument text".into(),
            })
        })?;
    let meta = archive
        .parse_entry("meta.xml", |r| {
            let mut leaves = LeafTexts::default();
            walk(r, FORMAT, &mut leaves)?;
            Ok(leaves)
        })?
        .unwrap_or_default();
    let title = meta.get(b"title").or_else(|| body.builder.first_heading());
    Ok(body
        .builder
        .finish(MediaType::Odt, title, odf_metadata(&meta))?)
}

fn odf_metadata(meta: &LeafTexts) -> Metadata {
    Metadata {
        author: meta
            .get(b"creator")
            .or_else(|| meta.get(b"initial-creator")),
        created: meta.get(b"creation-date"),
        modified: meta.get(b"date"),
        subject: meta.get(b"subject").or_else(|| meta.get(b"description")),
        keywords: meta.joined(b"keyword"),
        declared_language: meta.get(b"language"),
        recipients: None,
    }
}

/// Elements whose text is not part of the reading text: annotations, footnote marks, deleted
/// text kept for change tracking.
const SKIPPED: &[&[u8]] = &[
    b"annotation",
    b"note-citation",
    b"tracked-changes",
    b"bookmark-ref",
];

/// One `text:p` or `text:h` being read.
struct Paragraph {
    heading: Option<u8>,
    text: String,
}

struct Body {
    builder: DocumentBuilder,
    paragraphs: Vec<Paragraph>,
    items: usize,
    rows: Vec<Vec<String>>,
    cells: Vec<String>,
    skipping: usize,
}

impl Body {
    fn new(limits: &Limits) -> Self {
        Self {
            builder: DocumentBuilder::new(limits.max_text_bytes),
            paragraphs: Vec::new(),
            items: 0,
            rows: Vec::new(),
            cells: Vec::new(),
            skipping: 0,
        }
    }

    fn push_text(&mut self, text: &str) {
        if let Some(p) = self.paragraphs.last_mut() {
            p.text.push_str(text);
        }
    }

    fn end_paragraph(&mut self) -> Result<(), PartError> {
        let Some(p) = self.paragraphs.pop() else {
            return Ok(());
        };
        if let Some(cell) = self.cells.last_mut() {
            cell.push_str(&p.text);
            cell.push(' ');
            return Ok(());
        }
        match p.heading {
            Some(level) => self.builder.heading(level, &p.text)?,
            None if self.items > 0 => self.builder.block(BlockKind::ListItem, &p.text)?,
            None => self.builder.block(BlockKind::Paragraph, &p.text)?,
        }
        Ok(())
    }
}

impl XmlHandler for Body {
    fn open(&mut self, name: &[u8], el: &BytesStart<'_>) -> Result<(), PartError> {
        if SKIPPED.contains(&name) {
            self.skipping += 1;
        }
        if self.skipping > 0 {
            return Ok(());
        }
        match name {
            b"h" => {
                let level = attribute(el, b"outline-level")
                    .and_then(|l| l.parse::<u8>().ok())
                    .unwrap_or(1);
                self.paragraphs.push(Paragraph {
                    heading: Some(level.clamp(1, 6)),
                    text: String::new(),
                });
            }
            b"p" => self.paragraphs.push(Paragraph {
                heading: None,
                text: String::new(),
            }),
            b"s" => {
                let count = attribute(el, b"c")
                    .and_then(|c| c.parse::<usize>().ok())
                    .unwrap_or(1);
                self.push_text(&" ".repeat(count.min(100)));
            }
            b"tab" => self.push_text("\t"),
            b"line-break" => self.push_text("\n"),
            b"list-item" => self.items += 1,
            b"table-row" => self.rows.push(Vec::new()),
            b"table-cell" => self.cells.push(String::new()),
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self, name: &[u8]) -> Result<(), PartError> {
        if SKIPPED.contains(&name) {
            self.skipping = self.skipping.saturating_sub(1);
            return Ok(());
        }
        if self.skipping > 0 {
            return Ok(());
        }
        match name {
            b"h" | b"p" => self.end_paragraph()?,
            b"list-item" => self.items = self.items.saturating_sub(1),
            b"table-cell" => {
                if let (Some(cell), Some(row)) = (self.cells.pop(), self.rows.last_mut()) {
                    row.push(cell);
                }
            }
            b"table-row" => {
                if let Some(row) = self.rows.pop() {
                    self.builder.table_row(&row)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn text(&mut self, text: &str) -> Result<(), PartError> {
        if self.skipping == 0 {
            self.push_text(text);
        }
        Ok(())
    }
}
