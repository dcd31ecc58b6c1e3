//! DOCX (Word): `word/document.xml` streamed with quick-xml. Paragraph styles decide the block
//! kind — `heading N` styles (by their built-in name, which Word keeps in English whatever the
//! interface language) and outline levels become headings, numbered or `List` paragraphs
//! become list items, table rows become rows. `docProps/core.xml` gives title, author, dates.

use std::collections::HashMap;

use quick_xml::events::BytesStart;

use super::xml_events::{LeafTexts, XmlHandler, attribute, walk};
use super::zip_archive::Archive;
use crate::builder::DocumentBuilder;
use crate::document::{BlockKind, Document, MediaType, Metadata};
use crate::error::{ErrorKind, PartError};
use crate::limits::Limits;

const FORMAT: &str = "DOCX";

/// Reads a Word document.
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Document, PartError> {
    let mut archive = Archive::open(bytes, FORMAT, limits)?;
    if !archive.contains("word/document.xml") {
        return Err(corrupt("no word/document.xml: this is not a Word document"));
    }
    let styles = archive
        .parse_entry("word/styles.xml", |r| {
            let mut styles = StyleTable::default();
            walk(r, FORMAT, &mut styles)?;
            Ok(styles)
        })?
        .unwrap_or_default();
    let mut body = Body::new(&styles, limits);
    archive.parse_entry("word/document.xml", |r| walk(r, FORMAT, &mut body))?;
    let core = archive
        .parse_entry("docProps/core.xml", |r| {
            let mut leaves = LeafTexts::default();
            walk(r, FORMAT, &mut leaves)?;
            Ok(leaves)
        })?
        .unwrap_or_default();
    let title = core
        .get(b"title")
        .or(body.title_paragraph.take())
        .or_else(|| body.builder.first_heading());
    Ok(body
        .builder
        .finish(MediaType::Docx, title, core_metadata(&core))?)
}

fn corrupt(reason: &str) -> PartError {
    ErrorKind::Corrupt {
        format: FORMAT,
        reason: reason.to_owned(),
    }
    .into()
}

/// Dublin Core properties shared by DOCX (`core.xml`).
fn core_metadata(core: &LeafTexts) -> Metadata {
    Metadata {
        author: core.get(b"creator"),
        created: core.get(b"created"),
        modified: core.get(b"modified"),
        subject: core.get(b"subject").or_else(|| core.get(b"description")),
        keywords: core.get(b"keywords"),
        declared_language: core.get(b"language"),
        recipients: None,
    }
}

/// What a paragraph style makes of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StyleRole {
    Heading(u8),
    Title,
    List,
}

/// Paragraph styles by id, resolved through `basedOn` (a custom style based on "heading 2"
/// is a heading too).
#[derive(Debug, Default)]
struct StyleTable {
    roles: HashMap<String, StyleRole>,
    based_on: HashMap<String, String>,
    current: Option<String>,
}

impl StyleTable {
    fn role(&self, id: &str) -> Option<StyleRole> {
        let mut id = id;
        for _ in 0..10 {
            if let Some(role) = self.roles.get(id) {
                return Some(*role);
            }
            id = self.based_on.get(id)?;
        }
        None
    }
}

impl XmlHandler for StyleTable {
    fn open(&mut self, name: &[u8], el: &BytesStart<'_>) -> Result<(), PartError> {
        match name {
            b"style" => self.current = attribute(el, b"styleId"),
            b"name" => {
                if let (Some(id), Some(style_name)) = (&self.current, attribute(el, b"val"))
                    && let Some(role) = role_from_name(&style_name)
                {
                    self.roles.entry(id.clone()).or_insert(role);
                }
            }
            b"outlineLvl" => {
                if let (Some(id), Some(level)) = (&self.current, outline_level(el)) {
                    self.roles.insert(id.clone(), StyleRole::Heading(level));
                }
            }
            b"basedOn" => {
                if let (Some(id), Some(parent)) = (&self.current, attribute(el, b"val")) {
                    self.based_on.insert(id.clone(), parent);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self, name: &[u8]) -> Result<(), PartError> {
        if name == b"style" {
            self.current = None;
        }
        Ok(())
    }

    fn text(&mut self, _: &str) -> Result<(), PartError> {
        Ok(())
    }
}

fn role_from_name(name: &str) -> Option<StyleRole> {
    let name = name.to_ascii_lowercase();
    if let Some(level) = name.strip_prefix("heading ") {
        return level
            .trim()
            .parse::<u8>()
            .ok()
            .map(|l| StyleRole::Heading(l.clamp(1, 6)));
    }
    if name == "title" {
        return Some(StyleRole::Title);
    }
    name.starts_with("list").then_some(StyleRole::List)
}

/// `w:outlineLvl w:val="0"` is a level-1 heading; 9 means body text.
fn outline_level(el: &BytesStart<'_>) -> Option<u8> {
    let value: u8 = attribute(el, b"val")?.parse().ok()?;
    (value < 9).then(|| (value + 1).min(6))
}

/// One paragraph being read.
#[derive(Debug, Default)]
struct Paragraph {
    style: Option<String>,
    numbered: bool,
    outline: Option<u8>,
    text: String,
}

/// Walks `word/document.xml`.
struct Body<'s> {
    styles: &'s StyleTable,
    builder: DocumentBuilder,
    /// Open paragraphs (text boxes nest paragraphs inside paragraphs).
    paragraphs: Vec<Paragraph>,
    /// Open table rows and cells (tables nest too).
    rows: Vec<Vec<String>>,
    cells: Vec<String>,
    in_run: bool,
    in_text: bool,
    title_paragraph: Option<String>,
}

impl<'s> Body<'s> {
    fn new(styles: &'s StyleTable, limits: &Limits) -> Self {
        Self {
            styles,
            builder: DocumentBuilder::new(limits.max_text_bytes),
            paragraphs: Vec::new(),
            rows: Vec::new(),
            cells: Vec::new(),
            in_run: false,
            in_text: false,
            title_paragraph: None,
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
        let role = p.style.as_deref().and_then(|s| self.styles.role(s));
        match (p.outline, role) {
            (Some(level), _) | (None, Some(StyleRole::Heading(level))) => {
                self.builder.heading(level, &p.text)?;
            }
            (None, Some(StyleRole::Title)) => {
                if self.title_paragraph.is_none() && !p.text.trim().is_empty() {
                    self.title_paragraph = Some(p.text.clone());
                }
                self.builder.heading(1, &p.text)?;
            }
            (None, Some(StyleRole::List)) => self.builder.block(BlockKind::ListItem, &p.text)?,
            (None, None) if p.numbered => self.builder.block(BlockKind::ListItem, &p.text)?,
            (None, None) => self.builder.block(BlockKind::Paragraph, &p.text)?,
        }
        Ok(())
    }
}

impl XmlHandler for Body<'_> {
    fn open(&mut self, name: &[u8], el: &BytesStart<'_>) -> Result<(), PartError> {
        match name {
            b"p" => self.paragraphs.push(Paragraph::default()),
            b"pStyle" => {
                if let Some(p) = self.paragraphs.last_mut() {
                    p.style = attribute(el, b"val");
                }
            }
            b"numPr" => {
                if let Some(p) = self.paragraphs.last_mut() {
                    p.numbered = true;
                }
            }
            b"outlineLvl" => {
                if let Some(p) = self.paragraphs.last_mut() {
                    p.outline = outline_level(el);
                }
            }
            b"r" => self.in_run = true,
            b"t" => self.in_text = self.in_run,
            b"tab" if self.in_run => self.push_text("\t"),
            b"br" | b"cr" if self.in_run => self.push_text("\n"),
            b"noBreakHyphen" if self.in_run => self.push_text("-"),
            b"tr" => self.rows.push(Vec::new()),
            b"tc" => self.cells.push(String::new()),
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self, name: &[u8]) -> Result<(), PartError> {
        match name {
            b"p" => self.end_paragraph()?,
            b"r" => self.in_run = false,
            b"t" => self.in_text = false,
            b"tc" => {
                if let (Some(cell), Some(row)) = (self.cells.pop(), self.rows.last_mut()) {
                    row.push(cell);
                }
            }
            b"tr" => {
                if let Some(row) = self.rows.pop() {
                    self.builder.table_row(&row)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn text(&mut self, text: &str) -> Result<(), PartError> {
        if self.in_text {
            self.push_text(text);
        }
        Ok(())
    }
}
