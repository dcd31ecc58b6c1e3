//! FAQ CSV import: good rows go in, each broken row is reported with its line.

mod common;

use common::{demo, fixture};
use levier_extract::{FaqRow, RowError, faq_csv};

#[test]
fn broken_rows_are_reported_and_the_others_imported() {
    let (rows, errors) = faq_csv(&fixture("faq-broken.csv"));
    let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 4, 7]);
    assert_eq!(
        rows[0],
        FaqRow {
            line: 2,
            question: "Quels sont les délais de livraison ?".into(),
            answer: "Sous 2 à 3 jours ouvrés en Colissimo.".into(),
            category: Some("livraison".into()),
            language: Some("fr".into()),
            variants: vec![
                "délai livraison".into(),
                "quand vais-je recevoir ma commande ?".into()
            ],
            public: None,
        }
    );
    assert_eq!(rows[2].answer, "Oui, avec Alma ; de 300 € à 3 000 €.");
    assert_eq!(rows[2].language.as_deref(), Some("fr"), "FR is normalised");
    let reported: Vec<String> = errors.iter().map(RowError::to_string).collect();
    assert_eq!(
        reported,
        [
            "line 3: empty answer",
            "line 5: expected 5 fields, found 6 (a delimiter inside an unquoted text?)",
            "line 6: language \"français\" is not a language code such as fr or en",
        ]
    );
}

#[test]
fn demo_faq_imports_whole() {
    let (rows, errors) = faq_csv(&demo("faq.csv"));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(rows.len(), 76);
    let english = rows
        .iter()
        .filter(|r| r.language.as_deref() == Some("en"))
        .count();
    assert_eq!(english, 8);
    assert!(
        rows.iter().all(|r| (2..=4).contains(&r.variants.len())),
        "2 to 4 variants each"
    );
    let categories: std::collections::HashSet<_> =
        rows.iter().filter_map(|r| r.category.clone()).collect();
    assert_eq!(categories.len(), 10);
}

#[test]
fn comma_delimited_windows_1252_without_optional_columns() {
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(
        "Question,Answer\n\"Où est le showroom ?\",\"58 avenue Roger Salengro, Villeurbanne\"\n",
    );
    let (rows, errors) = faq_csv(&bytes);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(rows[0].question, "Où est le showroom ?");
    assert_eq!(rows[0].answer, "58 avenue Roger Salengro, Villeurbanne");
    assert_eq!(
        (rows[0].category.as_deref(), rows[0].language.as_deref()),
        (None, None)
    );
    assert!(rows[0].variants.is_empty());
}

#[test]
fn a_file_without_the_required_columns_is_one_error() {
    let (rows, errors) = faq_csv(b"titre;texte\nA;B\n");
    assert!(rows.is_empty());
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 1);
    assert!(
        errors[0].reason.contains("question and answer"),
        "{}",
        errors[0].reason
    );
}
