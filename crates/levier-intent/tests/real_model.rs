//! The classifier on real embeddings (multilingual-e5-small): a French support FAQ of six
//! entries with three or four phrasings each, paraphrases it never saw, and messages about
//! something else entirely.
//!
//! Needs the model's weights (`LEVIER_TEST_MODEL_DIR`); without them each test says it did not
//! run and passes (under CI it fails: see `levier_ml::testing::model_dir`).

use levier_intent::{Example, IntentClassifier, IntentConfig, TrainingSet};
use levier_ml::SentenceEncoder;

/// (FAQ entry, phrasings).
const FAQ: &[(&str, &[&str])] = &[
    (
        "livraison",
        &[
            "Où en est ma commande ?",
            "Mon colis n'est toujours pas arrivé",
            "Quand vais-je recevoir ma livraison ?",
            "Comment suivre mon colis ?",
        ],
    ),
    (
        "remboursement",
        &[
            "Je veux être remboursé",
            "Comment obtenir un remboursement ?",
            "Quand vais-je récupérer mon argent ?",
        ],
    ),
    (
        "mot-de-passe",
        &[
            "J'ai oublié mon mot de passe",
            "Comment réinitialiser mon mot de passe ?",
            "Je n'arrive plus à me connecter à mon compte",
        ],
    ),
    (
        "facture",
        &[
            "Où trouver ma facture ?",
            "Pouvez-vous m'envoyer la facture de ma commande ?",
            "Je n'ai pas reçu de facture",
        ],
    ),
    (
        "horaires",
        &[
            "Quels sont vos horaires d'ouverture ?",
            "Êtes-vous ouverts le samedi ?",
            "À quelle heure ouvre le magasin ?",
        ],
    ),
    (
        "retour",
        &[
            "Comment retourner un article ?",
            "Je souhaite renvoyer un produit qui ne me convient pas",
            "Quel est le délai pour faire un retour ?",
        ],
    ),
];

/// Unseen paraphrases and the entry each should match.
const PARAPHRASES: &[(&str, &str)] = &[
    ("mon paquet n'est jamais arrivé chez moi", "livraison"),
    ("je voudrais qu'on me rende mon argent", "remboursement"),
    (
        "impossible de me connecter, j'ai perdu mon code",
        "mot-de-passe",
    ),
    ("il me faut une facture pour ma comptabilité", "facture"),
    ("vous fermez à quelle heure le soir ?", "horaires"),
    (
        "cet article ne me plaît pas, je peux le renvoyer ?",
        "retour",
    ),
];

/// Messages that no entry answers.
const ELSEWHERE: &[&str] = &[
    "Quelle est la capitale de l'Australie ?",
    "Écris-moi un poème sur la mer",
    "Qui a gagné le match de rugby hier soir ?",
];

fn encoder() -> Option<SentenceEncoder> {
    let dir = levier_ml::testing::model_dir()?;
    Some(SentenceEncoder::load(&dir, "multilingual-e5-small").expect("the test model loads"))
}

fn faq() -> TrainingSet {
    TrainingSet {
        examples: FAQ
            .iter()
            .flat_map(|(label, texts)| {
                texts.iter().map(|text| Example {
                    text: (*text).into(),
                    label: (*label).into(),
                })
            })
            .collect(),
        out_of_scope: Vec::new(),
    }
}

#[test]
fn paraphrases_find_their_faq_entry_and_other_topics_score_lower() {
    let Some(encoder) = encoder() else {
        return;
    };
    let classifier =
        IntentClassifier::train(&faq(), &encoder, &IntentConfig::default()).expect("trains");
    let mut lowest_in_scope = f32::INFINITY;
    for (text, label) in PARAPHRASES {
        let p = classifier.predict(&encoder, text).expect("predicts");
        assert_eq!(p.ranked[0].label, *label, "{text}: {:?}", p.ranked);
        lowest_in_scope = lowest_in_scope.min(p.score());
    }
    let texts: Vec<&str> = ELSEWHERE.to_vec();
    for (text, p) in ELSEWHERE
        .iter()
        .zip(classifier.predict_many(&encoder, &texts).expect("predicts"))
    {
        assert!(
            p.score() < lowest_in_scope,
            "{text}: {} ≥ {lowest_in_scope} ({:?})",
            p.score(),
            p.ranked[0]
        );
    }
}

#[test]
fn out_of_scope_examples_are_learnt_and_flagged() {
    let Some(encoder) = encoder() else {
        return;
    };
    let mut set = faq();
    set.out_of_scope = [
        "Quel temps fera-t-il demain ?",
        "Raconte-moi une blague",
        "Combien mesure la tour Eiffel ?",
        "Quelle est la recette de la ratatouille ?",
        "Traduis bonjour en allemand",
    ]
    .map(String::from)
    .to_vec();
    let classifier =
        IntentClassifier::train(&set, &encoder, &IntentConfig::default()).expect("trains");
    assert!(classifier.has_oos_class());
    let flagged = ELSEWHERE
        .iter()
        .filter(|t| {
            classifier
                .predict(&encoder, t)
                .expect("predicts")
                .out_of_scope
        })
        .count();
    let answered = PARAPHRASES
        .iter()
        .filter(|(t, label)| {
            let p = classifier.predict(&encoder, t).expect("predicts");
            p.intent() == Some(*label)
        })
        .count();
    assert!(
        flagged >= 2,
        "{flagged} of {} other topics flagged",
        ELSEWHERE.len()
    );
    assert!(
        answered >= 5,
        "{answered} of {} paraphrases answered",
        PARAPHRASES.len()
    );
}

#[test]
fn a_stored_model_gives_the_same_answers() {
    let Some(encoder) = encoder() else {
        return;
    };
    let classifier =
        IntentClassifier::train(&faq(), &encoder, &IntentConfig::default()).expect("trains");
    let json = serde_json::to_vec(&classifier).expect("serialises");
    let loaded: IntentClassifier = serde_json::from_slice(&json).expect("deserialises");
    for (text, _) in PARAPHRASES {
        assert_eq!(
            classifier.predict(&encoder, text).expect("predicts"),
            loaded.predict(&encoder, text).expect("predicts")
        );
    }
}
