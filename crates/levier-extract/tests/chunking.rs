//! Chunking: bounded passages that follow the structure, know their headings and point at the
//! exact place in the document's text.

mod common;

use common::extract_demo;
use levier_extract::{
    BLOCK_SEPARATOR, BlockKind, Chunk, ChunkOptions, Document, Limits, chunk, extract,
};

/// Every demo document of every format.
const DEMO: &[&str] = &[
    "docs/public/livraison.md",
    "docs/public/garantie.html",
    "docs/public/entretien-et-nettoyage.txt",
    "docs/personnel/procedure-reclamation-client.txt",
    "docs/public/cgv-extrait.pdf",
    "docs/finance/resultats-2025-et-suivi-budget-2026.pdf",
    "docs/personnel/livret-accueil-nouveaux-salaries.docx",
    "docs/personnel/accord-teletravail.odt",
    "docs/public/catalogue-produits.csv",
    "emails/msg-010.eml",
];

/// Character range of each block in `document.text()`, and the section it opens or sits in.
fn block_ranges(doc: &Document) -> Vec<(usize, usize, Vec<String>)> {
    let mut start = 0;
    let separator = BLOCK_SEPARATOR.chars().count();
    doc.blocks
        .iter()
        .map(|b| {
            let end = start + b.text.chars().count();
            let section = match b.kind {
                BlockKind::Heading(_) => [b.heading_path.clone(), vec![b.text.clone()]].concat(),
                _ => b.heading_path.clone(),
            };
            let range = (start, end, section);
            start = end + separator;
            range
        })
        .collect()
}

fn slice(text: &[char], start: usize, end: usize) -> String {
    text[start..end].iter().collect()
}

/// The invariants every chunking must hold.
fn check(doc: &Document, chunks: &[Chunk], options: &ChunkOptions) {
    let text: Vec<char> = doc.text().chars().collect();
    let blocks = block_ranges(doc);
    assert!(!chunks.is_empty());
    for (i, c) in chunks.iter().enumerate() {
        assert_eq!(c.ordinal, i);
        assert_eq!(
            c.text,
            slice(&text, c.start, c.end),
            "chunk {i} text is its range"
        );
        assert!(
            c.text.chars().count() <= options.max_chars,
            "chunk {i} too long"
        );
        assert!(
            !c.text.ends_with(char::is_whitespace),
            "chunk {i} ends on text"
        );
        if i > 0 {
            let previous = &chunks[i - 1];
            assert!(
                c.start > previous.start && c.end > previous.end,
                "chunks advance"
            );
            assert!(
                previous.end.saturating_sub(c.start) <= options.overlap_chars,
                "overlap bounded"
            );
        }
        let inside: Vec<_> = blocks
            .iter()
            .filter(|(s, e, _)| *s < c.end && *e > c.start)
            .collect();
        assert!(
            inside
                .iter()
                .any(|(_, _, section)| *section == c.heading_path),
            "chunk {i} is filed under a section it holds: {:?}",
            c.heading_path
        );
        // A section boundary inside a chunk only follows a tiny start.
        for pair in inside.windows(2) {
            if pair[0].2 != pair[1].2 {
                assert!(
                    pair[1].0 - c.start < options.min_chars,
                    "chunk {i} mixes sections"
                );
            }
        }
        // Blocks that fit are never cut at a chunk's end.
        for (s, e, _) in &inside {
            if e - s <= options.max_chars {
                assert!(
                    !(c.end > *s && c.end < *e),
                    "chunk {i} ends inside a block that fits"
                );
            }
        }
    }
    for (s, e, _) in &blocks {
        for position in (*s..*e).filter(|p| !text[*p].is_whitespace()) {
            assert!(
                chunks
                    .iter()
                    .any(|c| c.start <= position && position < c.end),
                "character {position} is in no chunk"
            );
        }
    }
}

#[test]
fn demo_documents_chunk_within_bounds_and_structure() {
    for options in [
        ChunkOptions::default(),
        ChunkOptions {
            max_chars: 300,
            overlap_chars: 60,
            min_chars: 80,
        },
    ] {
        for path in DEMO {
            let doc = extract_demo(path);
            let chunks = chunk(&doc, &options);
            check(&doc, &chunks, &options);
        }
    }
}

#[test]
fn heading_paths_and_positions_point_at_the_section() {
    let doc = extract_demo("docs/public/livraison.md");
    let chunks = chunk(&doc, &ChunkOptions::default());
    let zones = chunks
        .iter()
        .find(|c| c.text.starts_with("Zones desservies"))
        .expect("a chunk starts at the Zones section");
    assert_eq!(
        zones.heading_path,
        [
            "Livraison : délais, tarifs et transporteurs",
            "Zones desservies"
        ]
    );
    assert!(
        zones
            .text
            .contains("Corse : colis uniquement, avec un supplément de 15 €.")
    );
    assert!(
        !zones.text.contains("Préparation de la commande"),
        "next section stays out"
    );
    let text: Vec<char> = doc.text().chars().collect();
    assert_eq!(
        slice(&text, zones.start, zones.start + 16),
        "Zones desservies"
    );
}

#[test]
fn a_long_paragraph_is_cut_at_sentences_with_overlap() {
    let sentences: Vec<String> = (1..=120)
        .map(|i| format!("La phrase numéro {i} explique une règle de livraison à respecter."))
        .collect();
    let md = format!("# Règles\n\n{}\n", sentences.join(" "));
    let doc = extract("regles.md", md.as_bytes(), &Limits::default()).unwrap();
    let options = ChunkOptions::default();
    let chunks = chunk(&doc, &options);
    check(&doc, &chunks, &options);
    assert!(chunks.len() >= 3);
    for (i, c) in chunks.iter().enumerate() {
        assert!(
            c.text.ends_with("respecter."),
            "chunk {i} ends at a sentence end"
        );
        assert_eq!(c.heading_path, ["Règles"]);
        if i > 0 {
            assert!(
                c.text.starts_with("La phrase"),
                "chunk {i} starts at a sentence"
            );
            assert!(
                c.start < chunks[i - 1].end,
                "chunk {i} overlaps the previous one"
            );
        }
    }
}

#[test]
fn a_lone_title_joins_its_first_section() {
    let md = "# Guide\n\n## Installation\n\nPosez le plateau à l'envers sur le carton.\n\n\
              ## Réglages\n\nMaintenez les deux flèches cinq secondes.\n";
    let doc = extract("guide.md", md.as_bytes(), &Limits::default()).unwrap();
    let options = ChunkOptions {
        max_chars: 120,
        overlap_chars: 20,
        min_chars: 30,
    };
    let chunks = chunk(&doc, &options);
    check(&doc, &chunks, &options);
    assert_eq!(chunks.len(), 2);
    assert!(chunks[0].text.starts_with("Guide\n\nInstallation"));
    assert_eq!(chunks[0].heading_path, ["Guide", "Installation"]);
    assert_eq!(chunks[1].heading_path, ["Guide", "Réglages"]);
}

#[test]
fn list_items_and_rows_stay_whole() {
    let doc = extract_demo("docs/public/fiche-produit-alto.pdf");
    let options = ChunkOptions {
        max_chars: 250,
        overlap_chars: 40,
        min_chars: 50,
    };
    let chunks = chunk(&doc, &options);
    check(&doc, &chunks, &options);
    let motor = "Motorisation : deux moteurs synchronisés (trois sur Alto Angle).";
    assert!(chunks.iter().any(|c| c.text.contains(motor)));
}
