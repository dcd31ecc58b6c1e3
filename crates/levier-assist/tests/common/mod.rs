//! The demo company's labelled customer messages (`data/support_messages.csv`, described in
//! `signals.rs`) and the sensitive topics they were labelled with, shared by the tests of the
//! signals and of the whole assistant.
#![allow(dead_code)] // Each test binary uses its part.

use levier_assist::signals::SensitiveConfig;

const MESSAGES: &str = include_str!("../data/support_messages.csv");
const TOPICS: &str = include_str!("../data/sensitive_topics.toml");
/// The demo company's FAQ.
pub const FAQ: &str = include_str!("../../../../demo/faq.csv");

/// One labelled message.
#[derive(Debug, serde::Deserialize)]
pub struct Row {
    pub message: String,
    pub expected: String,
    pub faq_question: String,
    pub reason: String,
    pub language: String,
}

/// Every labelled message, in file order.
pub fn rows() -> Vec<Row> {
    csv::Reader::from_reader(MESSAGES.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .expect("support_messages.csv parses")
}

/// The sensitive topics the messages were labelled with.
pub fn sensitive_config() -> SensitiveConfig {
    toml::from_str(TOPICS).expect("sensitive_topics.toml parses")
}
