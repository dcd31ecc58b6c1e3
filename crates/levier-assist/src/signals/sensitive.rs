//! Sensitive topics: subjects each company wants a person to handle whatever the customer's
//! tone (a payment dispute, a personal-data request, an injury), configured as named lists
//! of phrases, and a refund rule (a refund above an amount).

use serde::Deserialize;

/// The sensitive topics of one company; the `sensitive` table of `[assistant]` in
/// `levier.toml`:
///
/// ```toml
/// [assistant.sensitive]
/// refund = { topic = "remboursement important", above_eur = 300 }
///
/// [[assistant.sensitive.topics]]
/// name = "litige"
/// phrases = ["litige*", "chargeback", "opposition ~3 paiement/carte/prelevement"]
/// ```
///
/// Phrases use the lexicon's syntax (`*` for a prefix, `a/b` for alternatives, `~N` for up
/// to N words between; case and accents do not matter). The default is empty: what is
/// sensitive is the company's call, and a topic given here replaces none of the built-in
/// anger and person-request detection.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SensitiveConfig {
    /// Named topics.
    pub topics: Vec<TopicConfig>,
    /// Refunds a person must handle, if any.
    pub refund: Option<RefundRule>,
}

/// One named sensitive topic.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicConfig {
    /// Shown to the agent and recorded in events.
    pub name: String,
    /// Any of these phrases raises the topic.
    pub phrases: Vec<String>,
}

/// A refund request above an amount: the customer asks for money back (rembourser,
/// remboursement, refund, "mon argent") and names an amount in euros above `above_eur`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefundRule {
    /// The topic name reported.
    pub topic: String,
    /// Amounts strictly above this many euros raise the topic.
    pub above_eur: u64,
}

impl RefundRule {
    /// Whether an amount in cents is above the threshold.
    pub(crate) fn exceeded_by(&self, cents: u64) -> bool {
        cents > self.above_eur.saturating_mul(100)
    }
}
