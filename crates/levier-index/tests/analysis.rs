//! French and English analysis: elision, accent folding, stop words, stemming.

use levier_index::analysis::{analyze, english, french, normalize_language};

fn fr(text: &str) -> Vec<String> {
    analyze(&mut french(), text)
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

fn en(text: &str) -> Vec<String> {
    analyze(&mut english(), text)
        .into_iter()
        .map(|(_, t)| t)
        .collect()
}

#[test]
fn french_elisions_negation_and_accents() {
    let terms = fr("L'avion d'Élodie n'arrivait pas");
    assert_eq!(terms.len(), 3, "{terms:?}");
    assert_eq!(terms[0], "avion");
    assert!(terms[1].starts_with("elod"), "Élodie folded: {terms:?}");
    assert!(terms[2].starts_with("arriv"), "{terms:?}");
    for gone in ["l", "d", "n", "pas"] {
        assert!(!terms.iter().any(|t| t == gone), "{gone} kept: {terms:?}");
    }
}

#[test]
fn french_elided_pronouns_are_stop_words() {
    assert!(fr("qu'il").is_empty());
    assert!(fr("jusqu'à lorsqu'on puisqu'elle c'est j'ai m'a t'es s'il").is_empty());
}

#[test]
fn french_paraphrases_share_terms() {
    // plural and accents
    assert_eq!(fr("délais"), fr("délai"));
    assert_eq!(fr("délai"), fr("delai"));
    assert_eq!(fr("l'entrepôt"), fr("entrepots"));
    assert_eq!(fr("Livraisons"), fr("livraison"));
    assert_eq!(fr("factures"), fr("facture"));
}

#[test]
fn french_positions_keep_gaps_for_phrases() {
    let positions: Vec<usize> = analyze(&mut french(), "délai de livraison")
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    assert_eq!(positions, vec![0, 2]);
}

#[test]
fn english_stop_words_and_stems() {
    assert_eq!(en("The deliveries of the items"), en("delivery item"));
    assert_eq!(en("returning"), en("returned"));
    assert_eq!(
        en("Café résumé"),
        vec!["cafe".to_string(), "resum".to_string()]
    );
}

#[test]
fn long_tokens_are_dropped() {
    let token = "x".repeat(80);
    assert!(fr(&token).is_empty());
}

#[test]
fn language_tags_are_normalised() {
    assert_eq!(normalize_language(Some("fr-FR")), "fr");
    assert_eq!(normalize_language(Some("EN_us")), "en");
    assert_eq!(normalize_language(Some("")), "und");
    assert_eq!(normalize_language(None), "und");
}
