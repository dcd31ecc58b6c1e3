//! HTML: parsed by html5ever (through scraper) into a tree exactly as a browser would, then
//! walked for text. Nothing is executed or fetched: scripts, styles, templates, `noscript` and
//! navigation menus are dropped with their content, comments never reach the text, and
//! entities are decoded by the parser.

use ego_tree::iter::Edge;
use scraper::{Html, Node, node::Element};

use crate::builder::DocumentBuilder;
use crate::document::{BlockKind, Document, MediaType, Metadata};
use crate::encoding::{decode_text, html_declared_charset};
use crate::error::PartError;
use crate::limits::Limits;

/// Reads an HTML file; its `<meta charset>` is honoured when it has no byte-order mark.
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Document, PartError> {
    let text = decode_text(bytes, html_declared_charset(bytes))?;
    let mut builder = DocumentBuilder::new(limits.max_text_bytes);
    let head = read_html_into(&text, &mut builder)?;
    let title = head.title.or_else(|| builder.first_heading());
    Ok(builder.finish(MediaType::Html, title, head.metadata)?)
}

/// What the `<head>` says about the page.
#[derive(Debug, Default)]
pub(crate) struct HtmlHead {
    pub(crate) title: Option<String>,
    pub(crate) metadata: Metadata,
}

/// Adds the blocks of an HTML text to `builder` (shared with e-mail bodies) and returns what
/// its head declares.
pub(crate) fn read_html_into(
    html: &str,
    builder: &mut DocumentBuilder,
) -> Result<HtmlHead, PartError> {
    let tree = Html::parse_document(html);
    let mut walker = Walker::new(builder);
    for edge in tree.tree.root().traverse() {
        match edge {
            Edge::Open(node) => walker.open(node.value())?,
            Edge::Close(node) => walker.close(node.value())?,
        }
    }
    walker.flush()?;
    Ok(walker.head)
}

/// Elements whose content is never text for a reader.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "iframe", "object", "embed", "svg", "math",
    "canvas", "select", "datalist",
];

/// Elements that start and end a block of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "body",
    "blockquote",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "form",
    "fieldset",
    "figure",
    "figcaption",
    "address",
    "details",
    "summary",
    "hr",
    "center",
    "pre",
    "caption",
    "legend",
];

struct Walker<'b> {
    builder: &'b mut DocumentBuilder,
    head: HtmlHead,
    text: String,
    skipping: usize,
    in_title: bool,
    title: String,
    heading: Option<u8>,
    items: usize,
    quotes: usize,
    pre: usize,
    cell: Option<String>,
    cells: Vec<String>,
}

impl<'b> Walker<'b> {
    fn new(builder: &'b mut DocumentBuilder) -> Self {
        Self {
            builder,
            head: HtmlHead::default(),
            text: String::new(),
            skipping: 0,
            in_title: false,
            title: String::new(),
            heading: None,
            items: 0,
            quotes: 0,
            pre: 0,
            cell: None,
            cells: Vec::new(),
        }
    }

    fn open(&mut self, node: &Node) -> Result<(), PartError> {
        match node {
            Node::Element(el) if SKIPPED.contains(&el.name()) => self.skipping += 1,
            _ if self.skipping > 0 => {}
            Node::Element(el) => self.open_element(el)?,
            Node::Text(text) if self.in_title => self.title.push_str(text),
            Node::Text(text) => match &mut self.cell {
                Some(cell) => cell.push_str(text),
                None => self.text.push_str(text),
            },
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self, node: &Node) -> Result<(), PartError> {
        match node {
            Node::Element(el) if SKIPPED.contains(&el.name()) => {
                self.skipping = self.skipping.saturating_sub(1);
            }
            Node::Element(el) if self.skipping == 0 => self.close_element(el)?,
            _ => {}
        }
        Ok(())
    }

    fn open_element(&mut self, el: &Element) -> Result<(), PartError> {
        let name = el.name();
        match name {
            "title" => self.in_title = true,
            "html" => self.head.metadata.declared_language = el.attr("lang").map(str::to_owned),
            "meta" => self.meta(el),
            "br" => self.push_text("\n"),
            "td" | "th" => {
                if self.cell.is_none() {
                    self.flush()?;
                }
                self.cell = Some(String::new());
            }
            "tr" => self.cells.clear(),
            "li" => {
                self.flush()?;
                self.items += 1;
            }
            _ => self.open_block(name)?,
        }
        Ok(())
    }

    fn open_block(&mut self, name: &str) -> Result<(), PartError> {
        if let Some(level) = heading_level(name) {
            self.flush()?;
            self.heading = Some(level);
        } else if BLOCKS.contains(&name) {
            self.block_boundary()?;
            match name {
                "blockquote" => self.quotes += 1,
                "pre" => self.pre += 1,
                _ => {}
            }
        }
        Ok(())
    }

    fn close_element(&mut self, el: &Element) -> Result<(), PartError> {
        let name = el.name();
        match name {
            "title" => {
                self.in_title = false;
                self.head.title = Some(std::mem::take(&mut self.title));
            }
            "td" | "th" => {
                if let Some(cell) = self.cell.take() {
                    self.cells.push(cell);
                }
            }
            "tr" => {
                self.builder.table_row(&self.cells)?;
                self.cells.clear();
            }
            "li" => {
                self.flush()?;
                self.items = self.items.saturating_sub(1);
            }
            _ if heading_level(name).is_some() && self.cell.is_none() => {
                let level = self.heading.take().unwrap_or(1);
                self.builder.heading(level, &self.text)?;
                self.text.clear();
            }
            _ if BLOCKS.contains(&name) => {
                self.block_boundary()?;
                match name {
                    "blockquote" => self.quotes = self.quotes.saturating_sub(1),
                    "pre" => self.pre = self.pre.saturating_sub(1),
                    _ => {}
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A block element inside a table cell only separates words; elsewhere it ends a block.
    fn block_boundary(&mut self) -> Result<(), PartError> {
        match &mut self.cell {
            Some(cell) => {
                cell.push(' ');
                Ok(())
            }
            None => self.flush(),
        }
    }

    fn push_text(&mut self, text: &str) {
        match &mut self.cell {
            Some(cell) => cell.push_str(text),
            None => self.text.push_str(text),
        }
    }

    fn meta(&mut self, el: &Element) {
        let (Some(name), Some(content)) =
            (el.attr("name").or(el.attr("property")), el.attr("content"))
        else {
            return;
        };
        let value = Some(content.to_owned());
        let m = &mut self.head.metadata;
        match name.to_ascii_lowercase().as_str() {
            "author" | "dc.creator" | "dcterms.creator" => m.author = value,
            "description" | "dc.description" | "og:description" => m.subject = value,
            "keywords" => m.keywords = value,
            "dcterms.created" | "dc.date" | "date" | "article:published_time" => m.created = value,
            "dcterms.modified" | "article:modified_time" | "last-modified" => m.modified = value,
            _ => {}
        }
    }

    fn flush(&mut self) -> Result<(), PartError> {
        if let Some(level) = self.heading {
            // Text outside a closed heading element (malformed nesting) still counts.
            self.builder.heading(level, &self.text)?;
            self.heading = None;
        } else {
            self.builder.block(self.kind(), &self.text)?;
        }
        self.text.clear();
        Ok(())
    }

    fn kind(&self) -> BlockKind {
        if self.pre > 0 {
            BlockKind::Code
        } else if self.items > 0 {
            BlockKind::ListItem
        } else if self.quotes > 0 {
            BlockKind::Quote
        } else {
            BlockKind::Paragraph
        }
    }
}

fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_styles_and_comments_never_reach_the_text() {
        let html = "<html lang=fr><head><title>Aide &amp; contact</title>\
            <style>body{color:red}</style><script>alert('x')</script></head><body>\
            <!-- secret --><nav>Accueil</nav><h1>Garantie</h1><p>Caf&eacute; &lt;ok&gt;\
            <noscript>activez JS</noscript></p><template><p>gabarit</p></template>\
            <ul><li>un<ul><li>deux</li></ul></li></ul>\
            <table><tr><th>Élément</th><td><p>5</p> ans</td></tr></table><pre>a\n  b</pre>";
        let doc = read(html.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(doc.title.as_deref(), Some("Aide & contact"));
        assert_eq!(doc.metadata.declared_language.as_deref(), Some("fr"));
        let text = doc.text();
        for hidden in ["color", "alert", "secret", "Accueil", "activez", "gabarit"] {
            assert!(!text.contains(hidden), "{hidden} leaked into {text:?}");
        }
        let got: Vec<(BlockKind, &str)> = doc
            .blocks
            .iter()
            .map(|b| (b.kind, b.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (BlockKind::Heading(1), "Garantie"),
                (BlockKind::Paragraph, "Café <ok>"),
                (BlockKind::ListItem, "un"),
                (BlockKind::ListItem, "deux"),
                (BlockKind::TableRow, "Élément | 5 ans"),
                (BlockKind::Code, "a\n  b"),
            ]
        );
    }
}
