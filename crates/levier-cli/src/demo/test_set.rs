//! The demo pilot's test set: customer questions worded unlike the FAQ's own phrasings, with the
//! entry that should answer each, and messages a person must handle, so that a champion opening
//! the demo finds a set to run from the pilot's page (and sees precision and coverage) rather
//! than an empty list. The demo's pilot is already live when the set is added (its history is
//! generated), so the set records what the pilot is checked against; it does not gate it.

use levier_core::ids::PilotId;
use levier_store::test_sets::{Expected, NewCase, NewTestSet, Thresholds};
use levier_store::{Store, StoreError, StoreResult};

/// The set's name.
const NAME: &str = "Avant lancement : assistant FAQ du site";

/// Each question, and the FAQ question (from `demo/faq.csv`) that should answer it; `None`: a
/// person should take it.
const CASES: [(&str, Option<&str>); 6] = [
    (
        "Quel est le prix de la livraison ?",
        Some("Combien coûte la livraison ?"),
    ),
    (
        "Sous combien de jours je reçois mon colis ?",
        Some("Quels sont les délais de livraison ?"),
    ),
    (
        "Le livreur peut-il installer mon bureau chez moi ?",
        Some("Proposez-vous la livraison avec montage ?"),
    ),
    ("Je voudrais parler à un conseiller s'il vous plaît", None),
    (
        "C'est inadmissible, ça fait trois semaines que j'attends, je suis furieux !",
        None,
    ),
    ("Recrutez-vous des commerciaux en ce moment ?", None),
];

/// Adds the set to the demo's pilot, once (a second load finds it and changes nothing).
pub async fn add(store: &Store, pilot: PilotId) -> StoreResult<()> {
    if store.test_set_of_pilot(pilot).await?.is_some() {
        return Ok(());
    }
    let mut cases = Vec::with_capacity(CASES.len());
    for (question, answer) in CASES {
        let expected = match answer {
            Some(faq) => Expected::Entry {
                entry_id: store.faq_entry_by_question(faq).await?.ok_or_else(|| {
                    StoreError::Invalid(format!("the demo FAQ has no entry '{faq}'"))
                })?,
            },
            None => Expected::Handoff,
        };
        cases.push(NewCase {
            question: question.into(),
            expected,
        });
    }
    let set = store
        .create_test_set(&NewTestSet {
            name: NAME.into(),
            pilot_id: Some(pilot),
            thresholds: Thresholds {
                min_precision: 0.9,
                min_coverage: 0.6,
            },
            created_by: None,
        })
        .await?;
    store.add_test_cases(set, &cases).await?;
    Ok(())
}
