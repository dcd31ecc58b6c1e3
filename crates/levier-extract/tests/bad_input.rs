//! Bad input: every broken, hostile or unreadable file gives one clear error naming the file
//! (and the part), never a panic, garbage text or an exhausted machine.

mod common;

use std::io::Write;
use std::sync::OnceLock;

use common::{demo, fixture};
use levier_extract::{ErrorKind, Limits, check_input_size, extract};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

#[test]
fn empty_file() {
    let error = extract("vide.txt", b"", &Limits::default()).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Empty);
    assert_eq!(error.to_string(), "vide.txt: empty file");
}

#[test]
fn whitespace_only_file() {
    let error = extract("blanc.md", b" \n\n\t\r\n", &Limits::default()).unwrap_err();
    assert!(matches!(error.kind, ErrorKind::NoText(_)), "{error}");
}

#[test]
fn binary_file_named_txt() {
    // A deterministic pseudo-random byte soup, as a compressed or encrypted file looks.
    let mut state: u32 = 0x2545_f491;
    let bytes: Vec<u8> = (0..8192)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect();
    let error = extract("notes.txt", &bytes, &Limits::default()).unwrap_err();
    assert!(matches!(error.kind, ErrorKind::Binary(_)), "{error}");
    assert!(
        error.to_string().starts_with("notes.txt: binary content"),
        "{error}"
    );

    let mut with_nul = b"Compte rendu de r\xe9union\n".to_vec();
    with_nul.extend_from_slice(&[0, 0, 0, 1, 0, 2]);
    let error = extract("cr.txt", &with_nul, &Limits::default()).unwrap_err();
    assert!(matches!(error.kind, ErrorKind::Binary(_)), "{error}");
}

#[test]
fn known_binary_formats_are_named() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let error = extract("photo.txt", png, &Limits::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "photo.txt: unsupported format: PNG image"
    );
    let doc = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0";
    let error = extract("contrat.doc", doc, &Limits::default()).unwrap_err();
    assert!(error.to_string().contains("save it as .docx"), "{error}");
}

#[test]
fn oversized_input_at_the_default_limit() {
    let bytes = vec![b'a'; 200_000_001];
    let error = extract("journal.txt", &bytes, &Limits::default()).unwrap_err();
    assert_eq!(
        error.kind,
        ErrorKind::TooLarge {
            size: 200_000_001,
            limit: 200_000_000
        }
    );
    assert_eq!(
        error.to_string(),
        "journal.txt: file is 200.0 MB, over the 200 MB limit: split it into smaller files"
    );
    // Callers can refuse by size before reading a file at all.
    let error = check_input_size("video.txt", 2_500_000_000, &Limits::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "video.txt: file is 2.5 GB, over the 200 MB limit: split it into smaller files"
    );
}

#[test]
fn extracted_text_over_its_limit() {
    let limits = Limits {
        max_text_bytes: 1_000,
        ..Limits::default()
    };
    let error = extract("livraison.md", &demo("docs/public/livraison.md"), &limits).unwrap_err();
    assert_eq!(error.kind, ErrorKind::TextTooLarge { limit: 1_000 });
    let error = extract(
        "alto.pdf",
        &demo("docs/public/fiche-produit-alto.pdf"),
        &limits,
    )
    .unwrap_err();
    assert_eq!(error.kind, ErrorKind::TextTooLarge { limit: 1_000 });
}

#[test]
fn encrypted_pdf() {
    let error = extract(
        "rapport.pdf",
        &fixture("encrypted-password.pdf"),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(error.kind, ErrorKind::EncryptedPdf);
    assert_eq!(
        error.to_string(),
        "rapport.pdf: encrypted PDF (password-protected): export it without a password"
    );
}

#[test]
fn truncated_pdf() {
    let bytes = demo("docs/public/fiche-produit-alto.pdf");
    for cut in [bytes.len() / 2, 2_000, 20] {
        let error = extract("tarifs.pdf", &bytes[..cut], &Limits::default()).unwrap_err();
        assert!(
            matches!(
                error.kind,
                ErrorKind::Corrupt { format: "PDF", .. }
                    | ErrorKind::ReaderCrashed { format: "PDF", .. }
            ),
            "cut at {cut}: {error}"
        );
        assert!(error.to_string().starts_with("tarifs.pdf: "), "{error}");
    }
}

#[test]
fn not_a_pdf_named_pdf() {
    let error = extract(
        "facture.pdf",
        b"Bonjour, ceci n'est pas un PDF.",
        &Limits::default(),
    )
    .unwrap_err();
    assert!(
        matches!(error.kind, ErrorKind::Corrupt { format: "PDF", .. }),
        "{error}"
    );
}

#[test]
fn pdf_over_the_page_limit() {
    let limits = Limits {
        max_pdf_pages: 1,
        ..Limits::default()
    };
    let error = extract(
        "alto.pdf",
        &demo("docs/public/fiche-produit-alto.pdf"),
        &limits,
    )
    .unwrap_err();
    assert_eq!(error.kind, ErrorKind::TooManyPages { pages: 2, limit: 1 });
}

#[test]
fn truncated_docx() {
    let bytes = demo("docs/public/fiche-produit-solo-brio.docx");
    let error = extract(
        "contrat.docx",
        &bytes[..bytes.len() * 6 / 10],
        &Limits::default(),
    )
    .unwrap_err();
    assert!(
        matches!(error.kind, ErrorKind::Corrupt { format: "DOCX", .. }),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .starts_with("contrat.docx: corrupt or truncated DOCX file"),
        "{error}"
    );
}

#[test]
fn zip_that_is_not_a_word_document() {
    let bytes = zip_of(&[("word/other.xml", b"<x/>".as_slice())]);
    let error = extract("contrat.docx", &bytes, &Limits::default()).unwrap_err();
    assert!(
        error.to_string().contains("no word/document.xml"),
        "{error}"
    );
}

#[test]
fn zip_bomb_docx_with_honest_header_is_refused_before_inflating() {
    let error = extract("contrat.docx", &bomb().honest, &Limits::default()).unwrap_err();
    assert_eq!(
        error.kind,
        ErrorKind::ZipBomb {
            entry: "word/document.xml".into(),
            limit: 100_000_000
        }
    );
    assert_eq!(
        error.to_string(),
        "contrat.docx: zip entry word/document.xml uncompressed size exceeds 100 MB (zip bomb?)"
    );
}

#[test]
fn zip_bomb_docx_with_lying_header_is_stopped_while_reading() {
    // The headers claim 1 000 bytes; the entry inflates to 1 GB. The zip reader stops at the
    // claimed size (and levier's own budget, unit-tested in zip_archive.rs, stops at the limit).
    let error = extract("contrat.docx", &bomb().lying, &Limits::default()).unwrap_err();
    assert!(
        matches!(error.kind, ErrorKind::Corrupt { format: "DOCX", .. }),
        "{error}"
    );
    assert_eq!(error.part.as_deref(), Some("word/document.xml"));
    assert!(
        error
            .to_string()
            .contains("larger than its declared uncompressed size"),
        "{error}"
    );
}

#[test]
fn zip_bomb_odt() {
    let error = extract("note.odt", &bomb().odt, &Limits::default()).unwrap_err();
    assert!(
        matches!(&error.kind, ErrorKind::ZipBomb { entry, .. } if entry == "content.xml"),
        "{error}"
    );
}

#[test]
fn too_many_zip_entries() {
    let names: Vec<String> = (0..50).map(|i| format!("word/media/{i}.xml")).collect();
    let mut entries: Vec<(&str, &[u8])> = names
        .iter()
        .map(|n| (n.as_str(), b"<x/>".as_slice()))
        .collect();
    entries.push(("word/document.xml", b"<w:document/>"));
    let limits = Limits {
        max_zip_entries: 10,
        ..Limits::default()
    };
    let error = extract("contrat.docx", &zip_of(&entries), &limits).unwrap_err();
    assert_eq!(
        error.kind,
        ErrorKind::TooManyEntries {
            count: 51,
            limit: 10
        }
    );
}

#[test]
fn malformed_xml_in_docx() {
    let bytes = zip_of(&[(
        "word/document.xml",
        b"<w:document><w:body><w:p></w:body>".as_slice(),
    )]);
    let error = extract("contrat.docx", &bytes, &Limits::default()).unwrap_err();
    assert!(
        matches!(error.kind, ErrorKind::Corrupt { format: "DOCX", .. }),
        "{error}"
    );
    assert_eq!(error.part.as_deref(), Some("word/document.xml"));
}

/// Zip bombs built once per test run: a DOCX whose `word/document.xml` inflates to 1 GB of
/// valid, highly compressible XML, with its real size in the headers and with a lie.
struct Bombs {
    honest: Vec<u8>,
    lying: Vec<u8>,
    odt: Vec<u8>,
}

fn bomb() -> &'static Bombs {
    static BOMBS: OnceLock<Bombs> = OnceLock::new();
    BOMBS.get_or_init(|| {
        let honest = bomb_zip("word/document.xml", None);
        let mut lying = honest.clone();
        lie_about_size(&mut lying, b"word/document.xml", 1_000);
        let odt = bomb_zip(
            "content.xml",
            Some("application/vnd.oasis.opendocument.text"),
        );
        Bombs { honest, lying, odt }
    })
}

const BOMB_SIZE: usize = 1 << 30;

fn bomb_zip(entry: &str, odf_mimetype: Option<&str>) -> Vec<u8> {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1));
    if let Some(mimetype) = odf_mimetype {
        zip.start_file("mimetype", stored)
            .expect("writing a zip in memory");
        zip.write_all(mimetype.as_bytes())
            .expect("writing a zip in memory");
    }
    zip.start_file(entry, deflated)
        .expect("writing a zip in memory");
    zip.write_all(b"<w:document><w:body>")
        .expect("writing a zip in memory");
    let filler = b"<w:bookmarkEnd w:id=\"0\"/>".repeat(40_000);
    let mut written = 20;
    while written < BOMB_SIZE {
        zip.write_all(&filler).expect("writing a zip in memory");
        written += filler.len();
    }
    zip.write_all(b"</w:body></w:document>")
        .expect("writing a zip in memory");
    zip.finish().expect("writing a zip in memory").into_inner()
}

/// Rewrites the uncompressed size of `name` in its local header and central directory entry.
fn lie_about_size(zip: &mut [u8], name: &[u8], size: u32) {
    let mut patched = 0;
    for i in 0..zip.len().saturating_sub(46 + name.len()) {
        if zip[i..].starts_with(b"PK\x03\x04") && zip[i + 30..].starts_with(name) {
            zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
        if zip[i..].starts_with(b"PK\x01\x02") && zip[i + 46..].starts_with(name) {
            zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "both headers of {name:?} patched");
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in entries {
        zip.start_file(*name, SimpleFileOptions::default())
            .expect("writing a zip in memory");
        zip.write_all(content).expect("writing a zip in memory");
    }
    zip.finish().expect("writing a zip in memory").into_inner()
}
