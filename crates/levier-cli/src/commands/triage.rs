//! `levier triage`: train a triage model on labelled mails, classify one mail with it.

use crate::cli::TriageCommand;
use crate::exit::{FAILURE, INPUT, coded};
use levier_triage::{
    CrossValidation, Mail, MailLimits, Triage, TriageConfig, TriageError, TriageModel,
    cross_validate, parse_mail, read_labelled_folder,
};
use std::path::Path;

pub fn run(cmd: TriageCommand) -> anyhow::Result<()> {
    match cmd {
        TriageCommand::Train {
            dir,
            model,
            folds,
            json,
        } => train(&dir, &model, folds, json),
        TriageCommand::Classify { file, model, json } => classify(&file, &model, json),
    }
}

fn train(dir: &Path, model_path: &Path, folds: usize, json: bool) -> anyhow::Result<()> {
    let set = read_labelled_folder(dir, &MailLimits::default()).map_err(input)?;
    let config = TriageConfig::default();
    let report = (folds >= 2)
        .then(|| cross_validate(&set, folds, &config))
        .transpose()
        .map_err(input)?;
    let examples: Vec<_> = set.iter().map(|m| m.example.clone()).collect();
    let model = TriageModel::train(&examples, &config).map_err(input)?;
    let bytes = serde_json::to_vec(&model)?;
    std::fs::write(model_path, bytes).map_err(|e| {
        coded(
            FAILURE,
            format!("cannot write {}: {e}", model_path.display()),
        )
    })?;
    if json {
        let out = serde_json::json!({
            "mails": set.len(),
            "model": model_path.display().to_string(),
            "cross_validation": report,
        });
        println!("{out}");
    } else {
        println!(
            "trained on {} mails, model written to {}",
            set.len(),
            model_path.display()
        );
        if let Some(r) = &report {
            print_cross_validation(r);
        }
    }
    Ok(())
}

fn print_cross_validation(r: &CrossValidation) {
    println!(
        "  {}-fold: category macro-F1 {:.3}, accuracy {:.3}; to review {:.1} % (accuracy of the rest {:.3})",
        r.folds,
        r.category_macro_f1,
        r.category_accuracy,
        100.0 * r.to_review_share,
        r.accuracy_when_sure
    );
    for s in &r.per_category {
        println!(
            "    {:<22} precision {:.2}  recall {:.2}  F1 {:.2}  ({} mails)",
            s.label, s.precision, s.recall, s.f1, s.support
        );
    }
}

fn classify(file: &Path, model_path: &Path, json: bool) -> anyhow::Result<()> {
    let model_bytes = std::fs::read(model_path).map_err(|e| {
        coded(
            INPUT,
            format!(
                "cannot read the model {}: {e} (run levier triage train first)",
                model_path.display()
            ),
        )
    })?;
    let model: TriageModel = serde_json::from_slice(&model_bytes).map_err(|e| {
        coded(
            INPUT,
            format!("{} is not a triage model: {e}", model_path.display()),
        )
    })?;
    let bytes = std::fs::read(file)
        .map_err(|e| coded(INPUT, format!("cannot read {}: {e}", file.display())))?;
    let name = file.display().to_string();
    let mail = parse_mail(&name, &bytes, &MailLimits::default()).map_err(input)?;
    let triage = model.classify(&mail);
    if json {
        println!("{}", serde_json::json!({ "mail": mail, "triage": triage }));
    } else {
        print_triage(&mail, &triage);
    }
    Ok(())
}

fn print_triage(mail: &Mail, t: &Triage) {
    println!("{} <{}>", mail.subject, mail.sender_address());
    if let Some(spam) = t.spam.filter(|s| s.spam) {
        println!("  spam (probability {:.2})", spam.probability);
    }
    if let Some(automatic) = t.automatic {
        println!("  sent by a machine: {automatic:?}");
    }
    println!(
        "  category {} (confidence {:.2}){}",
        t.category.label,
        t.category.confidence,
        if t.to_review { ", to review" } else { "" }
    );
    if let Some(urgency) = &t.urgency {
        println!(
            "  urgency {} (confidence {:.2})",
            urgency.label, urgency.confidence
        );
    }
    println!(
        "  language {}, sentiment {}",
        t.language.as_deref().unwrap_or("unknown"),
        t.sentiment.name()
    );
}

/// A triage error about the files given: exit code INPUT.
fn input(e: TriageError) -> anyhow::Error {
    coded(INPUT, e.to_string())
}
