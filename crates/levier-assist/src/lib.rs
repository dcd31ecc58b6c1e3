//! levier's answer engine. For now: internal questions answered from the documents without a
//! generative model ([`ask`]): the passage that best answers, highlighted, with its source —
//! or a plain statement that nothing answers, rather than a wrong answer.

mod ask;
pub mod decide;
pub mod hours;
pub mod respond;
mod sentences;
pub mod signals;

pub use ask::{ANSWER_MIN_COSINE, Answer, AnswerMethod, AskError, Asked, ask};
