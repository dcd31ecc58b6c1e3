//! Language detection per document and per chunk.

use levier_extract::{ChunkOptions, Limits, chunk, detect_language, extract};

const FRENCH: &str = "Les commandes passées avant 13 h un jour ouvré partent de notre entrepôt le jour \
    même. Comptez ensuite deux à trois jours ouvrés pour une livraison à domicile.";
const ENGLISH: &str = "Orders placed before 1 pm on a working day leave our warehouse the same day. \
    Allow two to three working days for home delivery across the European Union.";

#[test]
fn french_and_english_paragraphs() {
    assert_eq!(detect_language(FRENCH).as_deref(), Some("fr"));
    assert_eq!(detect_language(ENGLISH).as_deref(), Some("en"));
}

#[test]
fn too_short_to_tell() {
    assert_eq!(detect_language(""), None);
    assert_eq!(detect_language("Merci !"), None);
    assert_eq!(detect_language("ALT-120 | 619 € | 41 kg"), None);
}

#[test]
fn each_chunk_has_its_own_language() {
    let md = format!(
        "# Livraison\n\n{FRENCH} {FRENCH}\n\n{FRENCH}\n\n# Shipping\n\n{ENGLISH} {ENGLISH}\n"
    );
    let doc = extract("livraison.md", md.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(
        doc.language.as_deref(),
        Some("fr"),
        "the document is mostly French"
    );
    let chunks = chunk(&doc, &ChunkOptions::default());
    assert_eq!(chunks.len(), 2);
    assert_eq!(chunks[0].language.as_deref(), Some("fr"));
    assert_eq!(chunks[1].language.as_deref(), Some("en"));
    assert_eq!(chunks[1].heading_path, ["Shipping"]);
}

#[test]
fn demo_faq_entries_are_recognised() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../demo/faq.csv");
    let (rows, _) = levier_extract::faq_csv(&std::fs::read(path).unwrap());
    let wrong: Vec<String> = rows
        .iter()
        .filter(|r| detect_language(&format!("{} {}", r.question, r.answer)) != r.language)
        .map(|r| format!("{:?}: {}", r.language, r.question))
        .collect();
    assert!(wrong.is_empty(), "misdetected: {wrong:#?}");
}

#[test]
fn a_passage_in_another_language_is_detected_but_tables_keep_the_document_language() {
    let german = "Bestellungen, die vor dreizehn Uhr eingehen, verlassen unser Lager noch am selben \
                  Tag, und die Lieferung nach Hause dauert meistens zwei bis drei Werktage, je nach \
                  der gewählten Versandart und dem genauen Zielort innerhalb von Deutschland.";
    let table =
        "| ALT-120 | 619 € | 41 kg |\n| ALT-140 | 669 € | 44 kg |\n| ALT-160 | 729 € | 48 kg |";
    let md = format!(
        "# Livraison\n\n{FRENCH} {FRENCH}\n\n{FRENCH}\n\n# Versand\n\n{german}\n\n# Tarifs\n\n\
         | Réf | Prix | Poids |\n|---|---|---|\n{table}\n"
    );
    let doc = extract("livraison.md", md.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(doc.language.as_deref(), Some("fr"));
    let chunks = chunk(&doc, &ChunkOptions::default());
    let by_heading = |h: &str| chunks.iter().find(|c| c.heading_path == [h]).unwrap();
    assert_eq!(by_heading("Versand").language.as_deref(), Some("de"));
    assert_eq!(by_heading("Tarifs").language.as_deref(), Some("fr"));
}
