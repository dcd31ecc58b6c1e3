//! Why training or prediction failed.

/// An error of the intent classifier.
#[derive(Debug, thiserror::Error)]
pub enum IntentError {
    /// Training was given no example.
    #[error("no training example: give at least two intents with one example each")]
    NoExamples,
    /// Training was given examples of a single intent: there is nothing to tell apart.
    #[error("only one intent ('{0}'): give examples of at least two intents")]
    OneIntent(String),
    /// A text (to train on or to classify) is empty or only whitespace.
    #[error("{what} is empty")]
    EmptyText {
        /// Which text: "training example N (label L)", "out-of-scope example N", "the message".
        what: String,
    },
    /// A training example has an empty label.
    #[error("training example {index} has an empty label")]
    EmptyLabel {
        /// Its position, from 0.
        index: usize,
    },
    /// The embedder returned vectors that do not match the texts or the model.
    #[error("the embedder returned {got} for {expected}")]
    BadEmbedding {
        /// What was expected.
        expected: String,
        /// What came back.
        got: String,
    },
    /// A configuration value is out of range.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The sentence encoder failed.
    #[error(transparent)]
    Model(#[from] levier_ml::MlError),
}
