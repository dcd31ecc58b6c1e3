//! The contract between the support assistant and the server: one customer message in, the
//! bot's reply and its decision out.
//!
//! The server holds a `dyn Respond` so that conversations, the widget and the inbox do not
//! depend on how the assistant decides (FAQ classifier, passages, later an LLM provider).

use crate::decide::{Action, Decision, HandoffReason};
use crate::hours::{BusinessHours, Lang};
use levier_store::support::PilotScope;

/// One customer message in its conversation.
#[derive(Debug, Clone)]
pub struct Turn<'a> {
    /// The message.
    pub message: &'a str,
    /// The customer's earlier messages in this conversation, oldest first (a repeated
    /// complaint is a reason to hand off).
    pub earlier: &'a [&'a str],
    /// The conversation's language: the reply is written in it.
    pub language: Lang,
    /// What the site's pilot lets the bot answer.
    pub scope: &'a PilotScope,
    /// When the message arrived (business hours decide what a handoff tells the customer).
    pub at: jiff::Timestamp,
    /// The passage of a public document that best answers the message, when the knowledge
    /// base has one close enough ([`crate::ask::ask_public`]): the answer when no FAQ entry is.
    pub passage: Option<crate::decide::PassageCandidate>,
}

/// A button of a clarification: the customer picks the question they meant.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ClarifyOption {
    /// The FAQ entry.
    pub entry_id: i64,
    /// Its question, the button's label.
    pub question: String,
}

/// Where an answer comes from, shown under it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AnswerSource {
    /// The FAQ question or the document's title.
    pub title: String,
    /// A public address of the source, when it has one.
    pub link: Option<String>,
}

/// What the bot says back, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BotTurn {
    /// The decision, with its reason and candidates (stored with the message for the agent).
    pub decision: Decision,
    /// The text sent to the customer (plain text: the widget escapes it).
    pub reply: String,
    /// Buttons of a clarification (empty otherwise).
    pub options: Vec<ClarifyOption>,
    /// The answer's source, for an answer.
    pub source: Option<AnswerSource>,
}

impl BotTurn {
    /// The turn of a handoff decision: the customer reads that a person takes over, and when
    /// (now, or the next opening of the business hours).
    pub fn handoff(
        decision: Decision,
        hours: &BusinessHours,
        at: jiff::Timestamp,
        language: Lang,
    ) -> Self {
        let reason = match decision.action {
            Action::Handoff { reason } => Some(reason),
            _ => None,
        };
        let reply = format!(
            "{} {}",
            handoff_opening(reason, language),
            hours.reply_sentence(at, language)
        );
        BotTurn {
            decision,
            reply,
            options: Vec::new(),
            source: None,
        }
    }
}

/// The first sentence after a handoff: an apology to an unhappy customer, an honest "no
/// reliable answer" when the bot does not know.
fn handoff_opening(reason: Option<HandoffReason>, language: Lang) -> &'static str {
    use HandoffReason::{OutOfScope, Unhappy, Unsure};
    match (reason, language) {
        (Some(Unhappy), Lang::Fr) => {
            "Je suis désolé pour ce désagrément. Je transmets votre message à un conseiller."
        }
        (Some(Unhappy), Lang::En) => {
            "I am sorry about this. I am passing your message to a member of our team."
        }
        (Some(OutOfScope | Unsure), Lang::Fr) => {
            "Je n'ai pas de réponse sûre à cette question : je la transmets à un conseiller."
        }
        (Some(OutOfScope | Unsure), Lang::En) => {
            "I do not have a reliable answer to this: I am passing it to a member of our team."
        }
        (_, Lang::Fr) => "Je transmets votre demande à un conseiller.",
        (_, Lang::En) => "I am passing your request to a member of our team.",
    }
}

/// Something that answers customer messages.
pub trait Respond: Send + Sync {
    /// The bot's turn for `turn`. CPU-bound (embedding): async callers use `spawn_blocking`.
    fn respond(&self, turn: &Turn<'_>) -> Result<BotTurn, RespondError>;

    /// Whether a passage of a public document may answer ([`Turn::passage`]): the caller then
    /// looks for one before asking; otherwise only for a handoff, to show the agent.
    fn answers_from_passages(&self) -> bool {
        false
    }
}

/// Why the assistant could not decide (the server then hands the conversation off).
#[derive(Debug, thiserror::Error)]
pub enum RespondError {
    /// The model failed on this message.
    #[error("the assistant's model failed: {0}")]
    Model(String),
}
