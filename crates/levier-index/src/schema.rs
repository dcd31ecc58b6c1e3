//! The index schema: one tantivy document per chunk of a stored document.
//!
//! Text is indexed in two analysed variants (`*_fr`, `*_en`); a chunk's text goes into the
//! variant of its language only, so each variant's statistics (document frequencies, lengths)
//! describe text of one language. Metadata used for filters, facets, access control and for
//! showing a hit is kept raw in fast (columnar) fields: a page of hits is assembled without
//! touching the document store, which holds only the passages' text, read when cutting
//! snippets.

use crate::analysis::Variant;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};

/// Version of the index layout, recorded in every commit: a different number means the index
/// was written by another levier and must be rebuilt.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// The analysed text fields of one variant.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextFields {
    /// The document's title (shown from the raw `title` field).
    pub title: Field,
    /// The chunk's headings (shown from the raw `heading_path` field).
    pub headings: Field,
    /// The chunk's text (stored: snippets are cut from it).
    pub body: Field,
}

/// Separates the levels of a heading path in its fast field (never in a heading).
pub(crate) const HEADING_SEPARATOR: char = '\u{1f}';

/// Handles to every field of the schema.
#[derive(Debug, Clone)]
pub(crate) struct Fields {
    pub chunk_id: Field,
    pub document_id: Field,
    pub fr: TextFields,
    pub en: TextFields,
    pub title: Field,
    pub heading_path: Field,
    pub groups: Field,
    pub source_id: Field,
    pub media_type: Field,
    pub language: Field,
    pub updated_at: Field,
    pub public: Field,
}

impl Fields {
    /// The text fields of a variant.
    pub fn text(&self, variant: Variant) -> TextFields {
        match variant {
            Variant::French => self.fr,
            Variant::English => self.en,
        }
    }
}

/// Builds the schema and the handles to its fields.
pub(crate) fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let chunk_id = b.add_u64_field("chunk_id", INDEXED | FAST);
    let document_id = b.add_u64_field("document_id", INDEXED | FAST);
    let mut text = |variant: Variant| TextFields {
        title: b.add_text_field(&name("title", variant), analysed(variant, false)),
        headings: b.add_text_field(&name("headings", variant), analysed(variant, false)),
        body: b.add_text_field(&name("body", variant), analysed(variant, true)),
    };
    let fr = text(Variant::French);
    let en = text(Variant::English);
    let fields = Fields {
        chunk_id,
        document_id,
        fr,
        en,
        title: b.add_text_field("title", raw_fast()),
        heading_path: b.add_text_field("heading_path", raw_fast()),
        groups: b.add_text_field("groups", STRING),
        source_id: b.add_i64_field("source_id", INDEXED | FAST),
        media_type: b.add_text_field("media_type", STRING | FAST),
        language: b.add_text_field("language", STRING | FAST),
        updated_at: b.add_i64_field("updated_at", INDEXED | FAST),
        public: b.add_bool_field("public", INDEXED | FAST),
    };
    (b.build(), fields)
}

/// Text kept whole in a column, for display only.
fn raw_fast() -> TextOptions {
    TextOptions::default().set_fast("raw")
}

fn name(base: &str, variant: Variant) -> String {
    format!("{base}_{}", variant.suffix())
}

/// Text analysed by the variant's analyser, with positions for phrase queries.
fn analysed(variant: Variant, stored: bool) -> TextOptions {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(variant.analyzer_name())
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let options = TextOptions::default().set_indexing_options(indexing);
    if stored {
        options.set_stored()
    } else {
        options
    }
}

/// Which analysed text fields hold any term in a searcher's segments.
///
/// Looking a term up in a field a segment has no data for is not free in tantivy (an empty
/// dictionary is built each time), and an English-only corpus leaves the three `*_fr` fields
/// empty: skipping them halves the work of a query.
#[derive(Debug)]
pub(crate) struct PresentFields {
    generation: u64,
    present: Vec<bool>,
}

impl PresentFields {
    /// Inspects every segment of the searcher.
    pub fn compute(searcher: &tantivy::Searcher, fields: &Fields) -> PresentFields {
        let mut present = Vec::new();
        for variant in Variant::ALL {
            let t = fields.text(variant);
            for field in [t.title, t.headings, t.body] {
                let id = field.field_id() as usize;
                if present.len() <= id {
                    present.resize(id + 1, false);
                }
                present[id] = searcher.segment_readers().iter().any(|segment| {
                    segment
                        .inverted_index(field)
                        .is_ok_and(|inverted| inverted.terms().num_terms() > 0)
                });
            }
        }
        PresentFields {
            generation: searcher.generation().generation_id(),
            present,
        }
    }

    /// Whether these were computed for the searcher's generation of segments.
    pub fn is_for(&self, searcher: &tantivy::Searcher) -> bool {
        self.generation == searcher.generation().generation_id()
    }

    /// Whether the field holds any term.
    pub fn contains(&self, field: Field) -> bool {
        self.present
            .get(field.field_id() as usize)
            .copied()
            .unwrap_or(false)
    }
}
