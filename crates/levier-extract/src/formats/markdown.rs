//! Markdown: pulldown-cmark's events mapped to blocks (headings, paragraphs, list items, table
//! rows, quotes, code), with the YAML front matter's title and metadata when present.

use pulldown_cmark::{Event, MetadataBlockKind, Options, Parser, Tag, TagEnd};

use crate::builder::DocumentBuilder;
use crate::document::{BlockKind, Document, MediaType, Metadata};
use crate::encoding::decode_text;
use crate::error::PartError;
use crate::limits::Limits;

/// Reads a Markdown file in any text encoding.
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Document, PartError> {
    let text = decode_text(bytes, None)?;
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let mut walker = Walker::new(limits);
    for event in Parser::new_ext(&text, options) {
        walker.event(event)?;
    }
    let front = FrontMatter::parse(&walker.front_matter);
    let title = front
        .title
        .clone()
        .or_else(|| walker.builder.first_heading());
    Ok(walker
        .builder
        .finish(MediaType::Markdown, title, front.metadata)?)
}

/// Walks the event stream, accumulating the text of the block being read.
struct Walker {
    builder: DocumentBuilder,
    text: String,
    heading: Option<u8>,
    open_items: usize,
    quotes: usize,
    cells: Vec<String>,
    in_front_matter: bool,
    front_matter: String,
}

impl Walker {
    fn new(limits: &Limits) -> Self {
        Self {
            builder: DocumentBuilder::new(limits.max_text_bytes),
            text: String::new(),
            heading: None,
            open_items: 0,
            quotes: 0,
            cells: Vec::new(),
            in_front_matter: false,
            front_matter: String::new(),
        }
    }

    fn event(&mut self, event: Event<'_>) -> Result<(), PartError> {
        match event {
            Event::Start(tag) => self.start(&tag)?,
            Event::End(tag) => self.end(tag)?,
            Event::Text(t) if self.in_front_matter => self.front_matter.push_str(&t),
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.text.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak => self.text.push('\n'),
            Event::TaskListMarker(done) => self.text.push_str(if done { "[x] " } else { "[ ] " }),
            _ => {}
        }
        Ok(())
    }

    fn start(&mut self, tag: &Tag<'_>) -> Result<(), PartError> {
        match tag {
            Tag::Heading { level, .. } => {
                self.flush_pending()?;
                self.heading = Some(*level as u8);
            }
            // A nested list closes the text of its parent item.
            Tag::Item => {
                if self.open_items > 0 {
                    self.flush(BlockKind::ListItem)?;
                }
                self.open_items += 1;
            }
            Tag::BlockQuote(_) => self.quotes += 1,
            Tag::TableHead | Tag::TableRow => self.cells.clear(),
            Tag::TableCell => self.text.clear(),
            Tag::MetadataBlock(MetadataBlockKind::YamlStyle) => self.in_front_matter = true,
            Tag::CodeBlock(_) => self.flush_pending()?,
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, tag: TagEnd) -> Result<(), PartError> {
        match tag {
            TagEnd::Heading(_) => {
                let level = self.heading.take().unwrap_or(1);
                self.builder.heading(level, &self.text)?;
                self.text.clear();
            }
            TagEnd::Paragraph if self.open_items > 0 => self.text.push('\n'),
            TagEnd::Paragraph => self.flush(self.paragraph_kind())?,
            TagEnd::Item => {
                self.flush(BlockKind::ListItem)?;
                self.open_items = self.open_items.saturating_sub(1);
            }
            TagEnd::BlockQuote(_) => self.quotes = self.quotes.saturating_sub(1),
            TagEnd::CodeBlock => self.flush(BlockKind::Code)?,
            TagEnd::TableCell => self.cells.push(std::mem::take(&mut self.text)),
            TagEnd::TableHead | TagEnd::TableRow => {
                self.builder.table_row(&self.cells)?;
                self.cells.clear();
            }
            TagEnd::MetadataBlock(_) => self.in_front_matter = false,
            _ => {}
        }
        Ok(())
    }

    fn paragraph_kind(&self) -> BlockKind {
        if self.quotes > 0 {
            BlockKind::Quote
        } else {
            BlockKind::Paragraph
        }
    }

    /// Text left over before a heading or code block (a list item's text, for instance).
    fn flush_pending(&mut self) -> Result<(), PartError> {
        let kind = if self.open_items > 0 {
            BlockKind::ListItem
        } else {
            self.paragraph_kind()
        };
        self.flush(kind)
    }

    fn flush(&mut self, kind: BlockKind) -> Result<(), PartError> {
        self.builder.block(kind, &self.text)?;
        self.text.clear();
        Ok(())
    }
}

/// The fields levier reads from a YAML front matter. A full YAML parser is not needed: front
/// matter fields are flat `key: value` lines, and anything else is ignored.
#[derive(Debug, Default)]
pub(crate) struct FrontMatter {
    pub(crate) title: Option<String>,
    pub(crate) metadata: Metadata,
}

impl FrontMatter {
    pub(crate) fn parse(yaml: &str) -> Self {
        let mut front = Self::default();
        for line in yaml.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let value = unquote(value.trim());
            if value.is_empty() || line.starts_with([' ', '\t', '-']) {
                continue;
            }
            let value = Some(value.to_owned());
            let m = &mut front.metadata;
            match key.trim().to_ascii_lowercase().as_str() {
                "title" => front.title = value,
                "author" | "authors" => m.author = value,
                "date" | "created" => m.created = value,
                "modified" | "updated" | "lastmod" | "last_modified" => m.modified = value,
                "subject" | "description" | "summary" => m.subject = value,
                "keywords" | "tags" => m.keywords = value,
                "lang" | "language" => m.declared_language = value,
                _ => {}
            }
        }
        front
    }
}

fn unquote(value: &str) -> &str {
    let value = value
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .unwrap_or(value);
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(md: &str) -> Document {
        read(md.as_bytes(), &Limits::default()).unwrap()
    }

    #[test]
    fn structure_and_front_matter() {
        let doc = read_str(
            "---\ntitle: \"Guide\"\nauthor: Marion Fabre\ndate: 2026-09-02\n---\n\
             # Livraison\n\nTexte **gras** et `code`.\n\n## Zones\n\n- Corse : +15 €\n  - colis\n- UE\n\n\
             > Citation\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n```\nlet x = 1;\n```\n",
        );
        assert_eq!(doc.title.as_deref(), Some("Guide"));
        assert_eq!(doc.metadata.author.as_deref(), Some("Marion Fabre"));
        assert_eq!(doc.metadata.created.as_deref(), Some("2026-09-02"));
        let kinds: Vec<_> = doc
            .blocks
            .iter()
            .map(|b| (b.kind, b.text.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (BlockKind::Heading(1), "Livraison"),
                (BlockKind::Paragraph, "Texte gras et code."),
                (BlockKind::Heading(2), "Zones"),
                (BlockKind::ListItem, "Corse : +15 €"),
                (BlockKind::ListItem, "colis"),
                (BlockKind::ListItem, "UE"),
                (BlockKind::Quote, "Citation"),
                (BlockKind::TableRow, "A | B"),
                (BlockKind::TableRow, "1 | 2"),
                (BlockKind::Code, "let x = 1;"),
            ]
        );
        assert_eq!(doc.blocks[3].heading_path, ["Livraison", "Zones"]);
    }

    #[test]
    fn first_heading_is_the_title_without_front_matter() {
        assert_eq!(
            read_str("Intro\n\n# Titre\n\ntexte").title.as_deref(),
            Some("Titre")
        );
    }
}
