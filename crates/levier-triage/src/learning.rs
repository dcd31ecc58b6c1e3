//! The company's triage model, kept in the store, and how people's corrections teach it.
//!
//! The model is stored as JSON under [`MODEL_META_KEY`]; when none is stored it is trained from
//! the labelled mails the caller gives (the demo company's, or a company's own labelled
//! folder) plus every mail a person corrected. A correction forgets the stored model, so the
//! next import trains again with it: training on a few hundred mails takes well under a second.

use levier_core::ids::UserId;
use levier_store::Store;
use levier_store::mail::{StoredMail, route_for};

use crate::error::TriageError;
use crate::import::route_facts;
use crate::mail::{MailLimits, parse_mail};
use crate::model::{TrainingMail, TriageConfig, TriageModel};

/// Meta key of the stored triage model (empty: none).
pub const MODEL_META_KEY: &str = "triage.model";

/// The stored model, if there is one.
pub async fn stored_model(store: &Store) -> Result<Option<TriageModel>, TriageError> {
    match store.meta(MODEL_META_KEY).await? {
        Some(json) if !json.is_empty() => serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| TriageError::Model(e.to_string())),
        _ => Ok(None),
    }
}

/// Stores `model` as the company's.
pub async fn save_model(store: &Store, model: &TriageModel) -> Result<(), TriageError> {
    let json = serde_json::to_string(model).map_err(|e| TriageError::Model(e.to_string()))?;
    Ok(store.set_meta(MODEL_META_KEY, &json).await?)
}

/// The stored model, else one trained on `labelled` (called only then) and the corrections,
/// then stored.
pub async fn model_or_train(
    store: &Store,
    labelled: impl FnOnce() -> Result<Vec<TrainingMail>, TriageError>,
) -> Result<TriageModel, TriageError> {
    if let Some(model) = stored_model(store).await? {
        return Ok(model);
    }
    let mut examples = labelled()?;
    examples.extend(corrections(store).await?);
    let model = TriageModel::train(&examples, &TriageConfig::default())?;
    save_model(store, &model).await?;
    Ok(model)
}

/// Every mail a person corrected, as a training example.
pub async fn corrections(store: &Store) -> Result<Vec<TrainingMail>, TriageError> {
    let limits = MailLimits::default();
    let mut out = Vec::new();
    for c in store.corrected_mails().await? {
        // The stored text is what classification reads; a minimal message carries it.
        let raw = format!(
            "Subject: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}",
            c.subject.replace(['\r', '\n'], " "),
            c.new_text
        );
        let mail = parse_mail("correction", raw.as_bytes(), &limits)?;
        out.push(TrainingMail {
            mail,
            category: c.category,
            urgency: None,
            spam: c.spam,
        });
    }
    Ok(out)
}

/// A person chose a mail's category: recorded, the mail rerouted by the rules with its new
/// category (its ticket follows), and the stored model forgotten so the next training learns
/// from the correction.
pub async fn correct_category(
    store: &Store,
    mail_id: i64,
    category: &str,
    by: UserId,
) -> Result<StoredMail, TriageError> {
    let mail = store.correct_mail_category(mail_id, category, by).await?;
    let route = route_for(&store.mail_rules().await?, &route_facts(&mail));
    let mail = store.reroute_mail(mail_id, &route).await?;
    store.set_meta(MODEL_META_KEY, "").await?;
    Ok(mail)
}
