//! levier's answer engine, without a generative model.
//!
//! - Internal questions ([`ask`]): the passage of the documents that best answers, highlighted,
//!   with its source — or a plain statement that nothing answers, rather than a wrong answer.
//! - The support assistant ([`Assistant`]): for each customer message, the handoff signals
//!   ([`signals`]), the FAQ entries it may ask about ([`faq_matcher`]), and the decision
//!   ([`decide`]): answer, ask which of two, or hand off to a person, in business hours or with
//!   the time a person will answer ([`hours`]). The server calls it through [`respond`].
//! - Optionally, a generative model ([`llm`]): answers written from the same passages,
//!   redacted before they leave, shown only when their citations support them.

mod ask;
mod assistant;
pub mod decide;
pub mod faq_matcher;
pub mod hours;
pub mod llm;
pub mod respond;
mod sentences;
pub mod signals;

pub use ask::{ANSWER_MIN_COSINE, Answer, AnswerMethod, AskError, Asked, ask, ask_public};
pub use assistant::{Assistant, AssistantError, AssistantSettings};
