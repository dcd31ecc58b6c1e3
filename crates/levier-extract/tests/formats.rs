//! Every format on real files: title, headings with their paths, a known sentence with its
//! accents, and the metadata the file carries.

mod common;

use common::{assert_contains, block_with, demo, extract_demo, fixture, heading};
use levier_extract::{BlockKind, Limits, MediaType, extract};

#[test]
fn markdown_demo_document() {
    let doc = extract_demo("docs/public/livraison.md");
    assert_eq!(doc.media_type, MediaType::Markdown);
    assert_eq!(
        doc.title.as_deref(),
        Some("Livraison : délais, tarifs et transporteurs")
    );
    let zones = heading(&doc, "Zones desservies");
    assert_eq!(zones.kind, BlockKind::Heading(2));
    assert_eq!(
        zones.heading_path,
        ["Livraison : délais, tarifs et transporteurs"]
    );
    assert_contains(
        &doc,
        "tous les produits partent de notre entrepôt de Saint-Priest (Rhône).",
    );
    let corse = block_with(&doc, "Corse");
    assert_eq!(corse.kind, BlockKind::ListItem);
    assert_eq!(
        corse.heading_path,
        [
            "Livraison : délais, tarifs et transporteurs",
            "Zones desservies"
        ]
    );
    assert_eq!(doc.language.as_deref(), Some("fr"));
}

#[test]
fn markdown_front_matter_gives_title_and_metadata() {
    let doc = extract("guide.md", &fixture("front-matter.md"), &Limits::default()).unwrap();
    assert_eq!(
        doc.title.as_deref(),
        Some("Guide de démarrage du bureau Alto")
    );
    assert_eq!(doc.metadata.author.as_deref(), Some("Marion Fabre"));
    assert_eq!(doc.metadata.created.as_deref(), Some("2026-03-02"));
    assert_eq!(
        doc.metadata.subject.as_deref(),
        Some("Premiers pas avec le boîtier de commande")
    );
    assert_eq!(
        block_with(&doc, "Réglez la hauteur").kind,
        BlockKind::ListItem
    );
    assert_eq!(
        block_with(&doc, "H01").text,
        "H01 | Protection thermique : 18 min de repos"
    );
    assert_eq!(block_with(&doc, "alternez assis").kind, BlockKind::Quote);
    assert_eq!(block_with(&doc, "RST =").kind, BlockKind::Code);
    assert!(
        !doc.text().contains("Marion Fabre"),
        "front matter leaked into the text"
    );
}

#[test]
fn plain_text_in_windows_1252() {
    let bytes = demo("docs/public/entretien-et-nettoyage.txt");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture must not be UTF-8"
    );
    let doc = extract("entretien-et-nettoyage.txt", &bytes, &Limits::default()).unwrap();
    assert_eq!(doc.media_type, MediaType::PlainText);
    assert_eq!(
        doc.title.as_deref(),
        Some("ENTRETIEN ET NETTOYAGE DE VOTRE MOBILIER ERGOLIS")
    );
    let section = heading(&doc, "1. PLATEAUX DE BUREAU");
    assert_eq!(
        section.heading_path,
        ["ENTRETIEN ET NETTOYAGE DE VOTRE MOBILIER ERGOLIS"]
    );
    assert_contains(
        &doc,
        "Séchez immédiatement, surtout au niveau des chants (les bords).",
    );
    assert_contains(&doc, "option « Atelier »");
}

#[test]
fn plain_text_in_utf16_with_bom() {
    let bytes = demo("docs/personnel/procedure-reclamation-client.txt");
    assert_eq!(
        &bytes[..2],
        b"\xff\xfe",
        "the fixture must be UTF-16 LE with BOM"
    );
    let doc = extract(
        "procedure-reclamation-client.txt",
        &bytes,
        &Limits::default(),
    )
    .unwrap();
    heading(&doc, "2. DÉLAIS DE RÉPONSE");
    let urgent = block_with(&doc, "Freshdesk");
    assert_eq!(urgent.kind, BlockKind::ListItem);
    assert_eq!(
        urgent.text,
        "Réclamation marquée « urgente » dans Freshdesk : sous 4 h ouvrées."
    );
    assert_eq!(
        urgent.heading_path,
        [
            "PROCÉDURE INTERNE – TRAITEMENT DES RÉCLAMATIONS CLIENTS ET GESTES COMMERCIAUX",
            "2. DÉLAIS DE RÉPONSE"
        ]
    );
}

#[test]
fn html_demo_page_without_its_scripts_and_styles() {
    let doc = extract_demo("docs/public/garantie.html");
    assert_eq!(doc.media_type, MediaType::Html);
    assert_eq!(
        doc.title.as_deref(),
        Some("Garantie Ergolis – durées, conditions et démarches")
    );
    assert_eq!(
        heading(&doc, "Ce que la garantie couvre").heading_path,
        ["Garantie Ergolis"]
    );
    assert_contains(
        &doc,
        "Les pièces, la main-d'œuvre et les frais de transport liés à la réparation ou à l'échange.",
    );
    assert_eq!(
        block_with(&doc, "Vérins à gaz").text,
        "Vérins à gaz des fauteuils et tabourets | 5 ans"
    );
    let text = doc.text();
    for leaked in [
        "gtag",
        "dataLayer",
        "localStorage",
        "font-family",
        "border-collapse",
    ] {
        assert!(!text.contains(leaked), "{leaked} leaked into the text");
    }
}

#[test]
fn html_declared_latin1_with_everything_that_must_not_show() {
    let doc = extract(
        "lettre.html",
        &fixture("newsletter-latin1.html"),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(doc.title.as_deref(), Some("Lettre d'information – Ergolis"));
    assert_eq!(
        doc.metadata.author.as_deref(),
        Some("Service client Ergolis")
    );
    assert_contains(
        &doc,
        "à partir de 459 €. Livraison offerte dès 150 € & retours sous 30 jours.",
    );
    assert_eq!(
        heading(&doc, "Entretien").heading_path,
        ["Nouveautés de l'automne"]
    );
    assert_eq!(block_with(&doc, "ni d'acétone").kind, BlockKind::ListItem);
    assert_eq!(block_with(&doc, "ORB-01").text, "ORB-01 | 459 €");
    let text = doc.text();
    for marker in [
        "SCRIPT",
        "STYLE",
        "COMMENT",
        "NOSCRIPT",
        "TEMPLATE",
        "ONLOAD",
        "exemple.invalid",
    ] {
        assert!(!text.contains(marker), "{marker} leaked into the text");
    }
}

#[test]
fn pdf_demo_document_with_structure_and_metadata() {
    let doc = extract_demo("docs/public/fiche-produit-alto.pdf");
    assert_eq!(doc.media_type, MediaType::Pdf);
    assert_eq!(
        doc.title.as_deref(),
        Some("Fiche produit – Bureau assis-debout Alto (ALT-120 à ALT-180, ALT-ANG)")
    );
    assert_eq!(
        doc.metadata.author.as_deref(),
        Some("Benoît Caron – Produit & Achats, Ergolis")
    );
    assert_eq!(
        doc.metadata.created.as_deref(),
        Some("2026-01-12T09:30:00Z")
    );
    assert_eq!(
        heading(&doc, "Bureau assis-debout Alto").kind,
        BlockKind::Heading(1)
    );
    let specs = heading(&doc, "Caractéristiques techniques");
    assert_eq!(specs.kind, BlockKind::Heading(2));
    assert_eq!(specs.heading_path, ["Bureau assis-debout Alto"]);
    assert_contains(
        &doc,
        "Le modèle le plus vendu est l'Alto 160 : assez profond pour un grand écran",
    );
    let motor = block_with(&doc, "Motorisation");
    assert_eq!(motor.kind, BlockKind::ListItem);
    assert_eq!(
        motor.heading_path,
        ["Bureau assis-debout Alto", "Caractéristiques techniques"]
    );
    assert_eq!(block_with(&doc, "ALT-160").kind, BlockKind::TableRow);
    assert!(
        !doc.text().contains("Page 1/2"),
        "page numbers must be dropped"
    );
}

#[test]
fn pdf_in_english() {
    let doc = extract_demo("docs/public/product-sheet-flex-monitor-arms.pdf");
    assert_eq!(doc.language.as_deref(), Some("en"));
    heading(&doc, "Flex monitor arms");
}

#[test]
fn pdf_encrypted_without_user_password_is_read() {
    let doc = extract(
        "alto.pdf",
        &fixture("encrypted-no-user-password.pdf"),
        &Limits::default(),
    )
    .unwrap();
    assert_contains(&doc, "Le modèle le plus vendu est l'Alto 160");
}

#[test]
fn docx_demo_document() {
    let doc = extract_demo("docs/public/fiche-produit-solo-brio.docx");
    assert_eq!(doc.media_type, MediaType::Docx);
    assert_eq!(
        doc.title.as_deref(),
        Some("Fiche produit – Bureaux Solo et Brio")
    );
    assert_eq!(doc.metadata.author.as_deref(), Some("Benoît Caron"));
    assert_eq!(
        doc.metadata.created.as_deref(),
        Some("2026-01-15T09:30:00Z")
    );
    assert_eq!(
        doc.metadata.modified.as_deref(),
        Some("2026-07-02T09:30:00Z")
    );
    let prices = heading(&doc, "Références et prix");
    assert_eq!(prices.kind, BlockKind::Heading(3));
    assert_eq!(
        prices.heading_path,
        [
            "Bureaux Solo et Brio : l'assis-debout à petit prix",
            "Solo : l'électrique essentiel"
        ]
    );
    assert_eq!(
        block_with(&doc, "SOL-120").text,
        "SOL-120 | 120 × 60 cm | 399 € | 32 kg"
    );
    assert_eq!(
        block_with(&doc, "Charge maximale : 70 kg").kind,
        BlockKind::ListItem
    );
    assert_contains(
        &doc,
        "Tout le monde n'a pas besoin d'un bureau à deux moteurs.",
    );
}

#[test]
fn odt_demo_document() {
    let doc = extract_demo("docs/public/fiche-produit-orbe.odt");
    assert_eq!(doc.media_type, MediaType::Odt);
    assert_eq!(
        doc.title.as_deref(),
        Some("Fiche produit – Fauteuils ergonomiques Orbe, Orbe Pro et Orbe XL")
    );
    assert_eq!(doc.metadata.author.as_deref(), Some("Benoît Caron"));
    assert_eq!(doc.metadata.created.as_deref(), Some("2026-01-20T09:30:00"));
    assert_eq!(
        doc.metadata.modified.as_deref(),
        Some("2026-08-30T09:30:00")
    );
    assert_eq!(
        doc.metadata.keywords.as_deref(),
        Some("Orbe, fauteuil, siège ergonomique, synchrone, lombaire")
    );
    assert_eq!(
        heading(&doc, "Trois versions").heading_path,
        ["Fauteuils ergonomiques Orbe"]
    );
    let armrests = block_with(&doc, "Accoudoirs 4D");
    assert_eq!(armrests.kind, BlockKind::ListItem);
    assert_eq!(
        armrests.text,
        "Accoudoirs 4D : hauteur, profondeur, largeur, rotation."
    );
    assert_eq!(block_with(&doc, "ORB-XL").kind, BlockKind::TableRow);
    assert_contains(
        &doc,
        "« Qu'est-ce qui vous a déçu dans votre dernier fauteuil de bureau ? »",
    );
}

#[test]
fn csv_rows_are_self_describing() {
    let doc = extract_demo("docs/public/catalogue-produits.csv");
    assert_eq!(doc.media_type, MediaType::Csv);
    assert_eq!(doc.blocks.len(), 37);
    assert!(doc.blocks.iter().all(|b| b.kind == BlockKind::TableRow));
    let alto = block_with(&doc, "reference: ALT-160");
    assert!(
        alto.text
            .contains("designation: Bureau assis-debout Alto 160")
    );
    assert!(
        alto.text
            .contains("Double moteur, 4 mémoires, anticollision ; notre best-seller")
    );
}

#[test]
fn email_plain_text_with_metadata() {
    let doc = extract_demo("emails/msg-001.eml");
    assert_eq!(doc.media_type, MediaType::Email);
    assert_eq!(doc.title.as_deref(), Some("Facture au nom de ma société"));
    assert_eq!(
        doc.metadata.author.as_deref(),
        Some("Julien Bertrand <julien.bertrand@studio-bertrand-archi.fr>")
    );
    assert_eq!(
        doc.metadata.created.as_deref(),
        Some("2026-11-02T10:20:23+01:00")
    );
    assert_eq!(
        doc.metadata.recipients.as_deref(),
        Some("Comptabilité Ergolis <factures@ergolis.fr>")
    );
    assert_contains(
        &doc,
        "J'ai passé commande le 26 octobre d'un bureau Alto 180",
    );
    assert!(
        !doc.text().contains("<p>"),
        "the HTML alternative must not be read as well"
    );
}

#[test]
fn email_text_attachment_is_read_under_its_name() {
    let doc = extract_demo("emails/msg-010.eml");
    let cv = heading(&doc, "CV_Camille_Rousseau.txt");
    assert_eq!(cv.kind, BlockKind::Heading(1));
    assert_contains(&doc, "Gestion des litiges transporteurs et des retours");
}

#[test]
fn email_with_only_html_body() {
    let doc = extract(
        "probleme.eml",
        &fixture("html-only.eml"),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(doc.title.as_deref(), Some("Problème de télécommande"));
    assert_eq!(
        doc.metadata.author.as_deref(),
        Some("Léa Moreau <lea.moreau@exemple.fr>")
    );
    assert_eq!(doc.metadata.declared_language.as_deref(), Some("fr-FR"));
    assert_contains(
        &doc,
        "La télécommande de mon bureau Alto affiche le code E03 depuis hier.",
    );
    assert_eq!(block_with(&doc, "réinitialisation").kind, BlockKind::Quote);
    let text = doc.text();
    assert!(!text.contains("SCRIPT-MARKER") && !text.contains("STYLE-MARKER"));
}

#[test]
fn every_demo_file_extracts() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../demo");
    let mut count = 0;
    for dir in [
        "docs/public",
        "docs/personnel",
        "docs/rh",
        "docs/finance",
        "docs/commercial",
        "docs/it",
        "docs/direction",
        "emails",
    ] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".mbox") || name == "labels.csv" {
                continue;
            }
            let doc = extract(&name, &std::fs::read(&path).unwrap(), &Limits::default())
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(!doc.blocks.is_empty(), "{name}: no text");
            assert!(doc.language.is_some(), "{name}: no language");
            count += 1;
        }
    }
    assert_eq!(count, 56 + 105);
}
