//! Helpers shared by the integration tests: reading the demo company's files and fixtures.
#![allow(dead_code)]

use std::path::PathBuf;

use levier_extract::{Block, BlockKind, Document, Limits, extract};

/// A file of the demo company (`demo/` at the workspace root).
pub fn demo(relative: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../demo")
        .join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A file of `tests/fixtures/`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Extracts a demo file with default limits, failing the test with the error message.
pub fn extract_demo(relative: &str) -> Document {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    extract(name, &demo(relative), &Limits::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// The heading block with this text.
pub fn heading<'d>(doc: &'d Document, text: &str) -> &'d Block {
    doc.blocks
        .iter()
        .find(|b| matches!(b.kind, BlockKind::Heading(_)) && b.text == text)
        .unwrap_or_else(|| {
            panic!(
                "no heading {text:?} in {:?}",
                doc.headings().collect::<Vec<_>>()
            )
        })
}

/// The first block containing this text.
pub fn block_with<'d>(doc: &'d Document, needle: &str) -> &'d Block {
    doc.blocks
        .iter()
        .find(|b| b.text.contains(needle))
        .unwrap_or_else(|| panic!("no block contains {needle:?}"))
}

/// Asserts the document's text contains the sentence, accents and all.
pub fn assert_contains(doc: &Document, sentence: &str) {
    let text = doc.text();
    assert!(
        text.contains(sentence),
        "{sentence:?} not found in:\n{text}"
    );
}
