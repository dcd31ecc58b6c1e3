//! Turning matches into hits: metadata from the fast columns, snippets cut from the stored
//! passage text, highlighted with the query's own analysed terms.

use crate::analysis::Variant;
use crate::search::Hit;
use crate::{IndexResult, LexicalIndex};
use levier_core::Timestamp;
use levier_core::html::escape_into;
use levier_core::ids::{ChunkId, DocumentId, SourceId};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use std::collections::hash_map::Entry;
use tantivy::columnar::{Column, StrColumn};
use tantivy::schema::Value;
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::{
    DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, TantivyDocument, Term,
};

use crate::schema::HEADING_SEPARATOR;

/// Approximate length of a snippet, in bytes of text.
const SNIPPET_CHARS: usize = 200;

/// Assembles the hits of one search.
pub(crate) struct HitReader<'a> {
    searcher: &'a Searcher,
    index: &'a LexicalIndex,
    columns: HashMap<SegmentOrdinal, HitColumns>,
    snippets: Option<Snippets<'a>>,
}

impl<'a> HitReader<'a> {
    pub fn new(
        index: &'a LexicalIndex,
        searcher: &'a Searcher,
        highlight: &'a [(Variant, String)],
        with_snippets: bool,
    ) -> Self {
        HitReader {
            searcher,
            index,
            columns: HashMap::default(),
            snippets: with_snippets.then(|| Snippets::new(index, searcher, highlight)),
        }
    }

    /// The hit for a matching chunk.
    pub fn hit(&mut self, score: Score, address: DocAddress) -> IndexResult<Hit> {
        let segment = address.segment_ord;
        let c = match self.columns.entry(segment) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(HitColumns::open(self.searcher.segment_reader(segment))?),
        };
        let doc = address.doc_id;
        let language = text(c.language.as_ref(), doc);
        let snippet_html = match self.snippets.as_mut() {
            Some(snippets) => {
                let variant = Variant::for_language(&language);
                let stored: TantivyDocument = self.searcher.doc(address)?;
                let body_field = self.index.fields.text(variant).body;
                let body = stored
                    .get_first(body_field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default();
                snippets.cut(variant, body)
            }
            None => String::new(),
        };
        Ok(Hit {
            chunk_id: ChunkId(c.chunk_id.first(doc).unwrap_or(0).cast_signed()),
            document_id: DocumentId(c.document_id.first(doc).unwrap_or(0).cast_signed()),
            score,
            title: text(c.title.as_ref(), doc),
            heading_path: text(c.heading_path.as_ref(), doc)
                .split(HEADING_SEPARATOR)
                .filter(|h| !h.is_empty())
                .map(str::to_string)
                .collect(),
            snippet_html,
            media_type: text(c.media_type.as_ref(), doc),
            language,
            source_id: SourceId(c.source_id.first(doc).unwrap_or(0)),
            updated_at: Timestamp(c.updated_at.first(doc).unwrap_or(0)),
        })
    }
}

/// The columns a hit is read from, for one segment.
struct HitColumns {
    chunk_id: Column<u64>,
    document_id: Column<u64>,
    source_id: Column<i64>,
    updated_at: Column<i64>,
    title: Option<StrColumn>,
    heading_path: Option<StrColumn>,
    media_type: Option<StrColumn>,
    language: Option<StrColumn>,
}

impl HitColumns {
    fn open(segment: &SegmentReader) -> tantivy::Result<HitColumns> {
        let fast = segment.fast_fields();
        Ok(HitColumns {
            chunk_id: fast.u64("chunk_id")?,
            document_id: fast.u64("document_id")?,
            source_id: fast.i64("source_id")?,
            updated_at: fast.i64("updated_at")?,
            title: fast.str("title")?,
            heading_path: fast.str("heading_path")?,
            media_type: fast.str("media_type")?,
            language: fast.str("language")?,
        })
    }
}

/// A document's value in a text column ("" when absent).
fn text(column: Option<&StrColumn>, doc: DocId) -> String {
    let mut out = String::new();
    if let Some(column) = column
        && let Some(ord) = column.ords().first(doc)
        && column.ord_to_str(ord, &mut out).is_err()
    {
        out.clear();
    }
    out
}

/// Snippet generators, one per variant, made on first use: the terms to highlight are the
/// query's analysed terms, weighted by rarity so the fragment with the rarest words wins.
struct Snippets<'a> {
    index: &'a LexicalIndex,
    searcher: &'a Searcher,
    highlight: &'a [(Variant, String)],
    generators: HashMap<Variant, SnippetGenerator>,
}

impl<'a> Snippets<'a> {
    fn new(
        index: &'a LexicalIndex,
        searcher: &'a Searcher,
        highlight: &'a [(Variant, String)],
    ) -> Self {
        Snippets {
            index,
            searcher,
            highlight,
            generators: HashMap::default(),
        }
    }

    /// The HTML snippet of a passage: the best fragment with its matches marked, or the
    /// passage's beginning when the match was elsewhere (title, headings).
    fn cut(&mut self, variant: Variant, body: &str) -> String {
        let generator = self
            .generators
            .entry(variant)
            .or_insert_with(|| make_generator(self.index, self.searcher, self.highlight, variant));
        let snippet = generator.snippet(body);
        if snippet.highlighted().is_empty() {
            return leading_text(body);
        }
        render(&snippet, body)
    }
}

fn make_generator(
    index: &LexicalIndex,
    searcher: &Searcher,
    highlight: &[(Variant, String)],
    variant: Variant,
) -> SnippetGenerator {
    let field = index.fields.text(variant).body;
    let mut terms = BTreeMap::new();
    for (_, term) in highlight.iter().filter(|(v, _)| *v == variant) {
        let df = searcher
            .doc_freq(&Term::from_field_text(field, term))
            .unwrap_or(0);
        terms.insert(term.clone(), 1.0 / (1.0 + df as Score));
    }
    let words: Vec<&str> = terms.keys().map(String::as_str).collect();
    let analyzer = index.analyzers.highlighter(variant, &words);
    SnippetGenerator::new(terms, analyzer, field, SNIPPET_CHARS)
}

/// The fragment as HTML: escaped text, `<mark>` around matches, an ellipsis where the passage
/// goes on. tantivy's fragment spans the matched words only (the highlighter skips the other
/// words), so it is widened to about [`SNIPPET_CHARS`] of context, ending on a word boundary,
/// and to the passage's ends when only punctuation lies beyond.
fn render(snippet: &Snippet, body: &str) -> String {
    let range = snippet.fragment_range();
    let (start, end) = window(body, range.start, range.end);
    let mut html = String::with_capacity(end - start + 32);
    if start > 0 {
        html.push_str("… ");
    }
    let mut at = start;
    for r in snippet.highlighted() {
        let (from, to) = (range.start + r.start, range.start + r.end);
        if from < at || to > end {
            continue;
        }
        escape_into(&mut html, &body[at..from]);
        html.push_str("<mark>");
        escape_into(&mut html, &body[from..to]);
        html.push_str("</mark>");
        at = to;
    }
    escape_into(&mut html, &body[at..end]);
    if end < body.len() {
        html.push_str(" …");
    }
    html
}

/// The byte range of the passage to show around a fragment `start..end`.
fn window(body: &str, start: usize, end: usize) -> (usize, usize) {
    let no_words = |s: &str| !s.chars().any(char::is_alphanumeric);
    let start = if no_words(&body[..start]) { 0 } else { start };
    let mut end = end;
    let target = floor_boundary(body, start + SNIPPET_CHARS);
    if target > end {
        end = match body[end..target].rfind(char::is_whitespace) {
            Some(space) if target < body.len() => end + space,
            _ => target,
        };
    }
    if no_words(&body[end..]) {
        end = body.len();
    }
    (start, end)
}

/// The largest char boundary at or before `at` (clamped to the text).
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The first words of a passage, about a snippet's length, escaped.
fn leading_text(body: &str) -> String {
    let mut end = floor_boundary(body, SNIPPET_CHARS);
    if end < body.len()
        && let Some(space) = body[..end].rfind(char::is_whitespace)
    {
        end = space;
    }
    let mut html = String::new();
    escape_into(&mut html, body[..end].trim_end());
    if end < body.len() {
        html.push_str(" …");
    }
    html
}

/// Where a passage is, for a citation: its document's title, then the headings above it that
/// are not the title again (a document's first heading often repeats its title).
pub fn citation(title: &str, heading_path: &[String]) -> String {
    let mut parts = vec![title.trim()];
    parts.extend(
        heading_path
            .iter()
            .map(|h| h.trim())
            .filter(|h| !h.is_empty() && !h.eq_ignore_ascii_case(title.trim())),
    );
    parts.join(" › ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_text_cuts_on_a_word_and_escapes() {
        let body = format!("<b>{}", "mot ".repeat(100));
        let html = leading_text(&body);
        assert!(html.starts_with("&lt;b&gt;mot"));
        assert!(html.ends_with(" …"));
        assert!(html.len() < SNIPPET_CHARS + 20);
    }

    #[test]
    fn window_adds_context_up_to_a_word_boundary() {
        let body = "alpha beta gamma delta ".repeat(20);
        let (start, end) = window(&body, 6, 10);
        assert_eq!(start, 6);
        assert!(end > 10 && end <= 6 + SNIPPET_CHARS, "{end}");
        assert!(body[end..].starts_with(' '), "cut on a space");
        assert_eq!(window("« Bonjour ! »", 3, 10), (0, "« Bonjour ! »".len()));
    }

    #[test]
    fn short_text_is_kept_whole() {
        assert_eq!(leading_text("Bonjour & merci"), "Bonjour &amp; merci");
    }
}
