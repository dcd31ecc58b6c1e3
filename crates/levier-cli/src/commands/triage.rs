//! `levier triage`: train a triage model on labelled mails, classify one mail with it, import
//! mails into the store (classified, stored once, routed into the inbox).

use crate::cli::{GlobalArgs, TriageCommand};
use crate::exit::{FAILURE, INPUT, coded};
use levier_store::Store;
use levier_triage::{
    CrossValidation, ImapAccount, ImapWatch, ImportReport, Importer, Mail, MailLimits, Triage,
    TriageConfig, TriageError, TriageModel, cross_validate, model_or_train, parse_mail,
    read_labelled_folder,
};
use std::path::Path;

/// Runs a triage command; only `import` reads the configuration and opens the store (like
/// `levier faq import`, it takes no data-directory lock: it works while the server runs).
pub async fn run(cmd: TriageCommand, global: &GlobalArgs) -> anyhow::Result<()> {
    match cmd {
        TriageCommand::Import { path, model, json } => {
            let (store, training, _) = open_store(global).await?;
            let result = import(&store, &path, model.as_deref(), &training, json).await;
            store.close().await;
            result
        }
        TriageCommand::Watch {
            imap,
            imap_tls,
            imap_ca_file,
            allow_plain_imap,
            after_import,
            password_file,
            interval,
            once,
            json,
        } => {
            let mut account =
                ImapAccount::parse(&imap, password(password_file.as_deref())?).map_err(input)?;
            if let Some(mode) = imap_tls {
                account.security = mode.parse().map_err(input)?;
            }
            account.ca_file = imap_ca_file;
            account.allow_plain = allow_plain_imap;
            account.after = after_import.parse().map_err(input)?;
            account.check().map_err(input)?;
            let (store, training, config) = open_store(global).await?;
            let watching = Watch {
                account,
                acknowledge: (config.smtp.enabled() && config.smtp.acknowledge)
                    .then_some(config.support.first_response_working_hours),
                interval: std::time::Duration::from_secs(interval.max(1)),
                once,
                json,
            };
            let result = watching.run(&store, &training).await;
            store.close().await;
            result
        }
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

/// The configured store, where the default model's training files go, and the configuration.
async fn open_store(
    global: &GlobalArgs,
) -> anyhow::Result<(Store, std::path::PathBuf, levier_core::Config)> {
    let settings = crate::settings::load(global)?;
    super::init_logging(settings.config.log_format);
    let store = Store::open(&settings.config).await?;
    let training = settings.config.data_dir.join("triage-training");
    Ok((store, training, settings.config))
}

/// The store's model, trained from the demo company's labelled mails (and corrections) when
/// there is none.
async fn default_model(store: &Store, training: &Path) -> anyhow::Result<TriageModel> {
    model_or_train(store, || crate::demo::mails::labelled(training))
        .await
        .map_err(input)
}

/// The IMAP password: the file's first line, else `LEVIER_IMAP_PASSWORD`.
fn password(file: Option<&Path>) -> anyhow::Result<String> {
    match file {
        Some(file) => std::fs::read_to_string(file)
            .map(|s| s.lines().next().unwrap_or_default().to_owned())
            .map_err(|e| coded(INPUT, format!("cannot read {}: {e}", file.display()))),
        None => std::env::var("LEVIER_IMAP_PASSWORD").map_err(|_| {
            coded(
                INPUT,
                "no IMAP password: give --password-file FILE or set LEVIER_IMAP_PASSWORD",
            )
        }),
    }
}

/// `levier triage watch`: reads new mail until stopped (Ctrl-C, SIGTERM) or once; in IDLE as
/// soon as the server signals it, else every `interval`.
struct Watch {
    account: ImapAccount,
    /// The working hours promised when acknowledging new mails (`[smtp] acknowledge`).
    acknowledge: Option<u32>,
    interval: std::time::Duration,
    once: bool,
    json: bool,
}

impl Watch {
    async fn run(&self, store: &Store, training: &Path) -> anyhow::Result<()> {
        let model = default_model(store, training).await?;
        let mut watch = ImapWatch::new(self.account.clone(), self.interval);
        let result = self.watch(store, &model, &mut watch).await;
        watch.close().await;
        result
    }

    async fn watch(
        &self,
        store: &Store,
        model: &TriageModel,
        watch: &mut ImapWatch,
    ) -> anyhow::Result<()> {
        loop {
            tokio::select! {
                waited = watch.wait() => if let Err(e) = waited {
                    tracing::warn!(error = %e, "waiting for new mail failed; connecting again");
                },
                _ = tokio::signal::ctrl_c() => return Ok(()),
            }
            // Rules are read again at each import: an admin's change applies to the next mails.
            let mut importer = Importer::new(store, model).await.map_err(input)?;
            if let Some(hours) = self.acknowledge {
                importer = importer.acknowledging(hours);
            }
            match watch.import(store, &importer).await {
                Ok(report) => self.show(&report)?,
                Err(e) if self.once => return Err(coded(FAILURE, e.to_string())),
                Err(e) => tracing::warn!(error = %e, "mailbox poll failed; trying again later"),
            }
            if self.once {
                return Ok(());
            }
        }
    }

    fn show(&self, report: &ImportReport) -> anyhow::Result<()> {
        if self.json {
            println!("{}", serde_json::to_string(report)?);
        } else if report.read > 0 {
            print_import(Path::new(&self.account.label()), report);
        }
        Ok(())
    }
}

/// Imports `path`; fails (exit code INPUT) only when mails were found and none could be
/// imported, so a mailbox with a few broken messages still counts as imported.
async fn import(
    store: &Store,
    path: &Path,
    model_path: Option<&Path>,
    training: &Path,
    json: bool,
) -> anyhow::Result<()> {
    let model = match model_path {
        Some(file) => read_model(file)?,
        None => default_model(store, training).await?,
    };
    let report = Importer::new(store, &model)
        .await
        .map_err(input)?
        .import_path(path)
        .await;
    if json {
        super::print_json(&report)?;
    } else {
        print_import(path, &report);
    }
    let imported = report.stored + report.already_stored;
    if imported == 0 && !report.errors.is_empty() {
        return Err(coded(
            INPUT,
            format!("nothing could be imported from {}", path.display()),
        ));
    }
    Ok(())
}

fn print_import(path: &Path, r: &ImportReport) {
    println!(
        "{}: {} mails read, {} new ({} already imported), {} routed to the inbox, {} spam, \
         {} sent by a machine, {} to review, {} errors",
        path.display(),
        r.read,
        r.stored,
        r.already_stored,
        r.routed,
        r.spam,
        r.automatic,
        r.to_review,
        r.errors.len()
    );
    for e in &r.errors {
        println!("  {}: {}", e.source, e.reason);
    }
    for w in &r.warnings {
        println!("  {} (imported without it): {}", w.source, w.reason);
    }
}

fn read_model(model_path: &Path) -> anyhow::Result<TriageModel> {
    let model_bytes = std::fs::read(model_path).map_err(|e| {
        coded(
            INPUT,
            format!(
                "cannot read the model {}: {e} (run levier triage train first)",
                model_path.display()
            ),
        )
    })?;
    serde_json::from_slice(&model_bytes).map_err(|e| {
        coded(
            INPUT,
            format!("{} is not a triage model: {e}", model_path.display()),
        )
    })
}

fn classify(file: &Path, model_path: &Path, json: bool) -> anyhow::Result<()> {
    let model = read_model(model_path)?;
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
