//! Text encodings French companies actually use, with no accent ever mangled.

mod common;

use common::assert_contains;
use encoding_rs::WINDOWS_1252;
use levier_extract::{Limits, extract};

const ACCENTS: &str = "é à ç œ €";

fn cp1252(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = WINDOWS_1252.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

#[test]
fn windows_1252_round_trips_in_every_text_format() {
    let cases = [
        (
            "notes.txt",
            format!("Accents : {ACCENTS}. Le reste du texte suit ici.\n"),
        ),
        (
            "notes.md",
            format!("# Titre\n\nAccents : {ACCENTS}. Suite.\n"),
        ),
        ("table.csv", format!("mot;exemple\naccents;{ACCENTS}\n")),
        (
            "page.html",
            format!("<html><body><p>Accents : {ACCENTS}.</p></body></html>"),
        ),
    ];
    for (name, text) in cases {
        let bytes = cp1252(&text);
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "{name} must not be valid UTF-8"
        );
        let doc = extract(name, &bytes, &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_contains(&doc, ACCENTS);
    }
}

#[test]
fn iso_8859_1_declared_in_html() {
    let html = "<html><head><meta charset=\"ISO-8859-1\"><title>Cr\u{e9}dit</title></head><body><p>D\u{e9}j\u{e0} pay\u{e9}.</p></body></html>";
    let doc = extract("page.html", &cp1252(html), &Limits::default()).unwrap();
    assert_eq!(doc.title.as_deref(), Some("Crédit"));
    assert_contains(&doc, "Déjà payé.");
}

#[test]
fn utf8_with_and_without_bom() {
    let text = format!("Accents : {ACCENTS}.\n");
    let mut with_bom = b"\xef\xbb\xbf".to_vec();
    with_bom.extend_from_slice(text.as_bytes());
    for bytes in [text.as_bytes().to_vec(), with_bom] {
        let doc = extract("notes.txt", &bytes, &Limits::default()).unwrap();
        assert_eq!(doc.text(), format!("Accents : {ACCENTS}."));
    }
}

#[test]
fn utf16_big_and_little_endian_with_bom() {
    let text = format!("Réclamation : {ACCENTS}.\n");
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    for bytes in [be, le] {
        let doc = extract("notes.txt", &bytes, &Limits::default()).unwrap();
        assert_eq!(doc.text(), format!("Réclamation : {ACCENTS}."));
    }
}
