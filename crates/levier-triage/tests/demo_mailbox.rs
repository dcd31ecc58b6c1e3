//! The demo company's labelled mailbox (`demo/emails/`: 105 `.eml` files and a 13-message mbox,
//! with `labels.csv`): read, trained on, cross-validated, and a trained model classifying mails
//! it never saw.

use std::path::PathBuf;

use levier_triage::{
    DEFAULT_CATEGORIES, MailLimits, TriageConfig, TriageModel, cross_validate, read_labelled_folder,
};

fn demo_emails() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../demo/emails")
}

#[test]
fn every_labelled_demo_mail_is_read_with_its_labels() {
    let set = read_labelled_folder(&demo_emails(), &MailLimits::default()).expect("demo set");
    assert_eq!(set.len(), 118);
    assert!(
        set.iter()
            .all(|m| DEFAULT_CATEGORIES.contains(&m.example.category.as_str()))
    );
    let spam = set.iter().filter(|m| m.example.spam).count();
    assert!((10..=20).contains(&spam), "{spam} spam mails");
    let from_mbox = set
        .iter()
        .filter(|m| m.file.starts_with("archive.mbox#"))
        .count();
    assert_eq!(from_mbox, 13);
    assert!(
        set.iter()
            .all(|m| !m.example.mail.classification_text().trim().is_empty())
    );
}

#[test]
fn cross_validation_on_the_demo_mails_reports_honest_scores() {
    let set = read_labelled_folder(&demo_emails(), &MailLimits::default()).expect("demo set");
    let report = cross_validate(&set, 5, &TriageConfig::default()).expect("cross-validated");
    eprintln!("{}", serde_json::to_string_pretty(&report).expect("json"));
    assert_eq!(report.mails, 118);
    assert_eq!(report.per_category.len(), DEFAULT_CATEGORIES.len());
    // Floors well under what was measured (see the crate's report), so a regression that
    // breaks classification fails here while fold noise does not.
    assert!(
        report.category_macro_f1 > 0.6,
        "macro-F1 {}",
        report.category_macro_f1
    );
    assert!(report.accuracy_when_sure >= report.category_accuracy);
    assert!(
        report.to_review_share < 0.6,
        "to review {}",
        report.to_review_share
    );
    assert!(report.spam_accuracy.expect("spam filter trained") > 0.9);
    assert!(report.language_agreement.expect("languages labelled") > 0.95);
    assert!(report.sentiment_agreement.expect("sentiments labelled") > 0.6);
}

#[test]
fn a_model_trained_on_the_demo_mails_classifies_new_ones() {
    let set = read_labelled_folder(&demo_emails(), &MailLimits::default()).expect("demo set");
    let examples: Vec<_> = set.iter().map(|m| m.example.clone()).collect();
    let model = TriageModel::train(&examples, &TriageConfig::default()).expect("trained");
    assert_eq!(model.categories().len(), DEFAULT_CATEGORIES.len());
    let raw = "From: Claire Morel <claire.morel@cabinet-morel.fr>\r\nTo: contact@ergolis.fr\r\n\
               Subject: Colis toujours pas livré\r\n\r\nBonjour,\r\n\r\nMon colis n'est toujours pas \
               livré alors que le suivi indique une livraison hier. Le transporteur ne répond pas. \
               C'est inadmissible, pouvez-vous vérifier la livraison ?\r\n\r\nCordialement,\r\nClaire Morel\r\n";
    let mail = levier_triage::parse_mail("new.eml", raw.as_bytes(), &MailLimits::default())
        .expect("parsed");
    let triage = model.classify(&mail);
    assert_eq!(triage.category.label, "livraison");
    assert!(triage.category.confidence > 0.0 && triage.category.confidence <= 1.0);
    assert_eq!(triage.sentiment, levier_triage::Sentiment::Negatif);
    assert_eq!(triage.language.as_deref(), Some("fr"));
    assert!(!triage.spam.expect("spam filter").spam);
    let stored = serde_json::to_string(&model).expect("serialised");
    let loaded: TriageModel = serde_json::from_str(&stored).expect("deserialised");
    assert_eq!(loaded.classify(&mail), triage);
}
