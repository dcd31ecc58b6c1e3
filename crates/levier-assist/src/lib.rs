//! levier's answer engine. For now: internal questions answered from the documents without a
//! generative model ([`ask`]): the passage that best answers, highlighted, with its source —
//! or a plain statement that nothing answers, rather than a wrong answer.

mod ask;
mod sentences;

pub use ask::{ANSWER_MIN_COSINE, Answer, AnswerMethod, AskError, Asked, ask};
