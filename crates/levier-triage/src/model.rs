//! Everything triage decides about a mail, from one trained model: spam, category, urgency,
//! plus language and sentiment (which need no training). Below the confidence threshold a mail
//! is marked "to review": a person chooses its category, and that choice becomes a training
//! example ([`TriageModel::train`] is fast enough to retrain on every correction batch).

use serde::{Deserialize, Serialize};

use crate::automatic::Automatic;
use crate::error::TriageError;
use crate::label_model::{LabelModel, Labelled};
use crate::mail::Mail;
use crate::sentiment::{Sentiment, sentiment};
use crate::spam::{SpamConfig, SpamFilter, SpamVerdict};

/// The default taxonomy of a French SME's shared mailbox.
pub const DEFAULT_CATEGORIES: &[&str] = &[
    "commande",
    "livraison",
    "retour/remboursement",
    "facturation",
    "technique",
    "devis/commercial",
    "candidature",
    "autre",
];

/// A mail labelled by a person: what training learns from.
#[derive(Debug, Clone)]
pub struct TrainingMail {
    /// The mail.
    pub mail: Mail,
    /// Its category (ignored for spam).
    pub category: String,
    /// Its urgency (`basse`, `normale`, `haute`), when labelled.
    pub urgency: Option<String>,
    /// Whether it is spam.
    pub spam: bool,
}

/// How a triage model is trained and when it asks for a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriageConfig {
    /// Below this calibrated confidence in its category, a mail is "to review".
    pub min_confidence: f32,
    /// The spam filter's training.
    pub spam: SpamConfig,
    /// Seed of every random choice.
    pub seed: u64,
}

impl Default for TriageConfig {
    fn default() -> Self {
        TriageConfig {
            min_confidence: 0.5,
            spam: SpamConfig::default(),
            seed: 42,
        }
    }
}

/// What triage decided about one mail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Triage {
    /// The spam filter's verdict (`None` when the model was trained without spam examples).
    pub spam: Option<SpamVerdict>,
    /// Set when a machine sent the mail (auto-reply, bounce, mailing).
    pub automatic: Option<Automatic>,
    /// The category and its calibrated confidence.
    pub category: Labelled,
    /// The urgency, when the model was trained with urgency labels.
    pub urgency: Option<Labelled>,
    /// The language of what the sender wrote.
    pub language: Option<String>,
    /// The sender's tone.
    pub sentiment: Sentiment,
    /// The category is not sure enough: a person should choose it.
    pub to_review: bool,
}

/// A trained triage model. Serialisable: `levier triage train` writes it, `classify` reads it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TriageModel {
    spam: Option<SpamFilter>,
    category: LabelModel,
    urgency: Option<LabelModel>,
    config: TriageConfig,
}

impl TriageModel {
    /// Trains on labelled mails: categories from the non-spam ones (at least two categories),
    /// urgency from those that have one, spam from all when both kinds are present.
    pub fn train(examples: &[TrainingMail], config: &TriageConfig) -> Result<Self, TriageError> {
        let wanted: Vec<&TrainingMail> = examples.iter().filter(|e| !e.spam).collect();
        let categories: Vec<(String, String)> = wanted
            .iter()
            .map(|e| (e.mail.classification_text(), e.category.clone()))
            .collect();
        let urgencies: Vec<(String, String)> = wanted
            .iter()
            .filter_map(|e| Some((e.mail.classification_text(), e.urgency.clone()?)))
            .collect();
        let category = LabelModel::train(&categories, config.seed)?;
        let urgency = distinct_labels(&urgencies)
            .then(|| LabelModel::train(&urgencies, config.seed))
            .transpose()?;
        let spam = train_spam(examples, &config.spam)?;
        Ok(TriageModel {
            spam,
            category,
            urgency,
            config: config.clone(),
        })
    }

    /// Decides about one mail.
    pub fn classify(&self, mail: &Mail) -> Triage {
        let text = mail.classification_text();
        let category = self.category.predict(&text);
        let spam = self.spam.as_ref().map(|f| f.predict(mail));
        let is_spam = spam.is_some_and(|s| s.spam);
        Triage {
            to_review: !is_spam && category.confidence < self.config.min_confidence,
            urgency: self.urgency.as_ref().map(|m| m.predict(&text)),
            sentiment: sentiment(&mail.new_text).0,
            language: mail.language(),
            automatic: mail.automatic,
            category,
            spam,
        }
    }

    /// The categories weighed for a mail, most probable first (see [`LabelModel::ranked`]).
    pub fn category_candidates(&self, mail: &Mail) -> Vec<(String, f32)> {
        self.category.ranked(&mail.classification_text())
    }

    /// The categories it was trained on.
    pub fn categories(&self) -> &[String] {
        self.category.labels()
    }
}

fn distinct_labels(examples: &[(String, String)]) -> bool {
    examples
        .iter()
        .any(|(_, l)| Some(l) != examples.first().map(|e| &e.1))
}

/// The spam filter, when the examples hold enough of both kinds for its folds.
fn train_spam(
    examples: &[TrainingMail],
    config: &SpamConfig,
) -> Result<Option<SpamFilter>, TriageError> {
    let spams = examples.iter().filter(|e| e.spam).count();
    if spams.min(examples.len() - spams) < config.folds {
        return Ok(None);
    }
    let mails: Vec<&Mail> = examples.iter().map(|e| &e.mail).collect();
    let labels: Vec<bool> = examples.iter().map(|e| e.spam).collect();
    SpamFilter::train(&mails, &labels, config).map(Some)
}
