//! What extraction produces: a document's text cut into structural blocks, with its title and
//! metadata. Every format lands in this one shape so that chunking, indexing and the document
//! viewer never need to know where a file came from.

/// The format a file was read as. Detected from the content first, then the file name, so a
/// PDF renamed `.txt` is still read as a PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaType {
    /// Markdown (`.md`).
    Markdown,
    /// Plain text in any common encoding.
    PlainText,
    /// An HTML page.
    Html,
    /// A PDF with a text layer.
    Pdf,
    /// A Word document (Office Open XML).
    Docx,
    /// An OpenDocument text (LibreOffice).
    Odt,
    /// One e-mail message (RFC 5322).
    Email,
    /// A mailbox of several messages (mbox).
    Mbox,
    /// A table of comma- or semicolon-separated values.
    Csv,
}

impl MediaType {
    /// The MIME type, for the store and for HTTP responses.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Markdown => "text/markdown",
            Self::PlainText => "text/plain",
            Self::Html => "text/html",
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Email => "message/rfc822",
            Self::Mbox => "application/mbox",
            Self::Csv => "text/csv",
        }
    }

    /// A short lowercase name for filters and logs (`pdf`, `docx`, `md`…).
    pub fn short_name(self) -> &'static str {
        match self {
            Self::Markdown => "md",
            Self::PlainText => "txt",
            Self::Html => "html",
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Odt => "odt",
            Self::Email => "eml",
            Self::Mbox => "mbox",
            Self::Csv => "csv",
        }
    }
}

/// Descriptive fields a file carries about itself. Dates are kept as ISO 8601 text when the
/// source gives a parseable date (the store decides how to index them), else as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// Author (document creator, or an e-mail's sender).
    pub author: Option<String>,
    /// Creation date (an e-mail's `Date:`).
    pub created: Option<String>,
    /// Last modification date.
    pub modified: Option<String>,
    /// Subject or description.
    pub subject: Option<String>,
    /// Keywords, comma-separated.
    pub keywords: Option<String>,
    /// The language the file declares (`fr-FR`, `en`…), which may differ from the detected one.
    pub declared_language: Option<String>,
    /// An e-mail's recipients, as written.
    pub recipients: Option<String>,
}

/// What kind of structural unit a block is, so chunking can keep units whole and the viewer can
/// render them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockKind {
    /// A heading, level 1 (top) to 6.
    Heading(u8),
    /// Running text.
    Paragraph,
    /// One item of a bulleted or numbered list.
    ListItem,
    /// One row of a table, cells separated by ` | `.
    TableRow,
    /// Quoted text (block quote, quoted e-mail reply).
    Quote,
    /// Preformatted text or source code, line breaks kept.
    Code,
}

/// One structural unit of text with the headings above it, so a search hit can say where in the
/// document it sits ("Garantie › Ce que la garantie couvre").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// What the block is.
    pub kind: BlockKind,
    /// Its text, whitespace normalised (line breaks kept only in code).
    pub text: String,
    /// The headings above this block, outermost first (for a heading: its ancestors).
    pub heading_path: Vec<String>,
}

/// The separator between blocks in [`Document::text`]; chunk offsets count it.
pub const BLOCK_SEPARATOR: &str = "\n\n";

/// A file turned into text: what ingestion stores and chunks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The format the file was read as.
    pub media_type: MediaType,
    /// The title the file gives itself (metadata, front matter, `<title>`, first heading,
    /// e-mail subject); `None` lets the caller fall back to the file name.
    pub title: Option<String>,
    /// Author, dates, subject…
    pub metadata: Metadata,
    /// The text in reading order.
    pub blocks: Vec<Block>,
    /// The detected language of the whole text (`fr`, `en`…), `None` when too short to tell.
    pub language: Option<String>,
}

impl Document {
    /// The full text: blocks joined by a blank line. Chunk offsets point into this string.
    pub fn text(&self) -> String {
        let len = self.blocks.iter().map(|b| b.text.len() + 2).sum();
        let mut text = String::with_capacity(len);
        for (i, block) in self.blocks.iter().enumerate() {
            if i > 0 {
                text.push_str(BLOCK_SEPARATOR);
            }
            text.push_str(&block.text);
        }
        text
    }

    /// The headings of the document in order, with their levels: a table of contents.
    pub fn headings(&self) -> impl Iterator<Item = (u8, &str)> {
        self.blocks.iter().filter_map(|b| match b.kind {
            BlockKind::Heading(level) => Some((level, b.text.as_str())),
            _ => None,
        })
    }
}
