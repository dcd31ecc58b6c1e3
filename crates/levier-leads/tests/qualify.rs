//! Lead qualification over a real store (SQLite; the store's own suite runs its SQL on
//! PostgreSQL too): the demo company's CRM export imported, scored with reasons, its
//! duplicates suggested and merged, exported back.

use levier_core::Config;
use levier_leads::qualify::{
    IntakeOptions, MappingError, RETRAIN_AFTER_OUTCOMES, TRAIN_TASK, Training, dismiss,
    enqueue_if_due, enqueue_training, export_csv, import_leads, merge_stored, save_mapping,
    saved_mapping, saved_mappings, score, suggestions, train,
};
use levier_leads::{ColumnMapping, Field, Severity, Target};
use levier_store::Store;
use levier_store::leads::{LeadFilter, LeadOutcome};
use levier_store::tasks::TaskStatus;

async fn store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        data_dir: dir.path().join("data"),
        ..Config::default()
    };
    (Store::open(&config).await.expect("store"), dir)
}

fn demo_csv() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../demo/leads.csv")).expect("demo")
}

#[tokio::test]
async fn the_demo_export_is_imported_ranked_and_deduplicated() {
    let (s, _dir) = store().await;
    let report = import_leads(
        &s,
        std::io::Cursor::new(demo_csv()),
        IntakeOptions::default(),
    )
    .await
    .expect("import");
    assert_eq!(report.created.len(), 338);
    assert_eq!(report.summary.rejected, 0);
    // The demo's numbers are in ARCEP's fiction ranges the phone metadata accepts: a refused
    // phone here would be a generator bug, not a messy export.
    let refused_phones: Vec<_> = report
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Invalid && i.column.as_deref() == Some("telephone"))
        .collect();
    assert!(refused_phones.is_empty(), "{refused_phones:?}");
    let phones = s.leads(&LeadFilter::default()).await.expect("list");
    assert!(
        phones
            .iter()
            .filter_map(|l| l.fields.phone.as_deref())
            .all(|p| p.starts_with("+33") && p.len() == 12),
        "every stored phone is French E.164"
    );
    assert!(
        report
            .issues
            .iter()
            .all(|i| i.line >= 2 && i.column.is_some()),
        "{:?}",
        report.issues
    );
    let again = import_leads(
        &s,
        std::io::Cursor::new(demo_csv()),
        IntakeOptions::default(),
    )
    .await
    .expect("import again");
    assert_eq!((again.created.len(), again.already_stored), (0, 338));

    let before = score(&s).await.expect("score by rules");
    assert_eq!(before.version, "rules-default");
    let (training, scoring) = train(&s, &[]).await.expect("train");
    let Training::Model { report, .. } = training else {
        panic!("112 won and 158 lost is enough history: {training:?}")
    };
    assert_eq!((report.positives, report.negatives), (112, 158));
    assert!(report.logistic_auc > 0.6, "{report:?}");
    assert_eq!(scoring.scored, 338);
    let (_, again) = train(&s, &[]).await.expect("train again");
    assert_eq!(
        again.tier_changes, 0,
        "the same history gives the same model"
    );

    let leads = s.leads(&LeadFilter::default()).await.expect("list");
    let probabilities: Vec<f64> = leads
        .iter()
        .map(|l| l.score.as_ref().expect("scored").probability)
        .collect();
    assert!(probabilities.windows(2).all(|w| w[0] >= w[1]));
    let best = leads[0].score.as_ref().expect("scored");
    assert_eq!(best.tier, "A");
    assert!(!best.factors.as_array().expect("factors").is_empty());

    let found = suggestions(&s).await.expect("suggestions");
    assert!(found.len() >= 5, "{}", found.len());
    let first = &found[0];
    assert!(!first.reasons.is_empty());
    merge_stored(&s, first.keep, first.merge, None)
        .await
        .expect("merge");
    let after = s.leads(&LeadFilter::default()).await.expect("list");
    assert_eq!(after.len(), 337);
    assert_eq!(s.lead_merges(first.keep).await.expect("history").len(), 1);
    assert!(
        suggestions(&s)
            .await
            .expect("suggestions")
            .iter()
            .all(|x| x.merge != first.merge && x.keep != first.merge)
    );

    let mut out = Vec::new();
    export_csv(&after, &mut out).expect("export");
    let text = String::from_utf8(out).expect("utf-8");
    assert_eq!(text.lines().count(), 338);
    assert!(text.starts_with("id;reference;prenom;nom;email"));
}

#[tokio::test]
async fn bad_rows_are_reported_and_the_others_imported_with_few_outcomes_ranked_by_rules() {
    let (s, _dir) = store().await;
    let file = "Prénom;Nom;Courriel;Téléphone;SIRET;Code postal;Statut\n\
                Anne;Durand;anne@durand-sa.fr;01 23 45 67 89;;75008;gagné\n\
                Paul;Martin;pas-un-email;;123;99999;perdu\n\
                Léa;Petit;lea@gmail.com;;;13001;en cours;colonne en trop\n";
    let report = import_leads(
        &s,
        std::io::Cursor::new(file.as_bytes().to_vec()),
        IntakeOptions {
            mapping: ColumnMapping::default(),
            ..IntakeOptions::default()
        },
    )
    .await
    .expect("import");
    let columns: Vec<(u64, Option<&str>)> = report
        .issues
        .iter()
        .map(|i| (i.line, i.column.as_deref()))
        .collect();
    assert!(columns.contains(&(3, Some("Courriel"))), "{columns:?}");
    assert!(columns.contains(&(3, Some("SIRET"))), "{columns:?}");
    assert!(report.issues.iter().any(|i| i.line == 4), "{columns:?}");
    assert!(report.created.len() >= 2, "{report:?}");

    let (training, scoring) = train(&s, &[]).await.expect("train");
    let Training::Rules { message, version } = training else {
        panic!("one outcome of each is not enough: {training:?}")
    };
    assert!(message.contains("50 won and 50 lost"), "{message}");
    assert_eq!(scoring.version, version);
    let leads = s.leads(&LeadFilter::default()).await.expect("list");
    assert_eq!(
        leads[0].fields.first_name, "Anne",
        "a company address ranks first"
    );
}

/// The demo's export imported once more, reporting nothing refused.
async fn demo_store() -> (Store, tempfile::TempDir) {
    let (s, dir) = store().await;
    import_leads(
        &s,
        std::io::Cursor::new(demo_csv()),
        IntakeOptions::default(),
    )
    .await
    .expect("import");
    (s, dir)
}

#[tokio::test]
async fn retraining_runs_as_a_task_when_enough_outcomes_arrived() {
    let (s, _dir) = demo_store().await;
    let runner = || {
        levier_leads::qualify::register(levier_store::tasks::Runner::new(
            s.clone(),
            "test-worker",
            levier_core::config::TaskConfig::default(),
        ))
    };
    let task = enqueue_if_due(&s)
        .await
        .expect("check")
        .expect("270 outcomes and no model yet: due");
    assert_eq!(
        enqueue_training(&s, None, "asked twice")
            .await
            .expect("again"),
        task,
        "a waiting retraining is not queued twice"
    );
    assert!(runner().run_one().await.expect("run"), "the task ran");
    let done = s.task(task).await.expect("read").expect("task");
    assert_eq!(done.status, TaskStatus::Succeeded, "{:?}", done.last_error);
    let result = done.result.expect("result");
    assert_eq!(result["training"]["kind"], "model", "{result}");
    let saved = s.latest_lead_model().await.expect("model").expect("saved");
    assert_eq!(saved.kind, "model");
    let leads = s.leads(&LeadFilter::default()).await.expect("list");
    assert!(
        leads
            .iter()
            .all(|l| l.score.as_ref().map(|x| x.model_version.as_str()) == Some(&saved.label())),
        "every lead scored by the retrained model"
    );
    let finished = s
        .events(&levier_store::events::EventQuery {
            kinds: vec!["task_finished".into()],
            ..Default::default()
        })
        .await
        .expect("events");
    assert!(
        finished
            .iter()
            .any(|e| e.payload["task_kind"] == TRAIN_TASK && e.payload["outcome"] == "succeeded"),
        "{finished:?}"
    );
    assert_eq!(
        enqueue_if_due(&s).await.expect("check"),
        None,
        "no new outcome since"
    );
    let open: Vec<_> = leads.iter().filter(|l| l.fields.status == "open").collect();
    for (i, lead) in open.iter().take(RETRAIN_AFTER_OUTCOMES).enumerate() {
        let outcome = if i % 2 == 0 {
            LeadOutcome::Won
        } else {
            LeadOutcome::Lost
        };
        s.set_lead_outcome(lead.id, outcome, None, lead.fields.created_at)
            .await
            .expect("outcome");
    }
    assert!(
        enqueue_if_due(&s).await.expect("check").is_some(),
        "{RETRAIN_AFTER_OUTCOMES} new outcomes make it due again"
    );
}

#[tokio::test]
async fn a_dismissed_suggestion_stays_away_and_a_saved_mapping_is_reused() {
    let (s, _dir) = demo_store().await;
    let before = suggestions(&s).await.expect("suggestions");
    let first = before.first().expect("the demo has duplicates").clone();
    dismiss(&s, first.merge, first.keep, None)
        .await
        .expect("dismiss");
    let after = suggestions(&s).await.expect("suggestions");
    assert_eq!(after.len(), before.len() - 1);
    assert!(
        after
            .iter()
            .all(|x| (x.keep, x.merge) != (first.keep, first.merge))
    );

    let file = "Raison sociale;Mél;Origine\nAtelier Dupont;contact@atelier-dupont.fr;salon\n";
    let custom = ColumnMapping {
        columns: [
            ("Raison sociale".to_owned(), Target::Field(Field::Company)),
            ("Mél".to_owned(), Target::Field(Field::Email)),
            ("Origine".to_owned(), Target::Field(Field::Source)),
        ]
        .into(),
    };
    save_mapping(&s, "salon", &custom).await.expect("save");
    let mapping = saved_mapping(&s, "salon").await.expect("saved");
    assert_eq!(mapping, custom);
    assert!(matches!(
        saved_mapping(&s, "inconnue").await,
        Err(MappingError::Unknown(_))
    ));
    let report = import_leads(
        &s,
        std::io::Cursor::new(file.as_bytes().to_vec()),
        IntakeOptions {
            mapping,
            ..IntakeOptions::default()
        },
    )
    .await
    .expect("import");
    let id = *report.created.first().expect("imported");
    let lead = s.lead(id).await.expect("read").expect("lead");
    assert_eq!(
        lead.fields.email.as_deref(),
        Some("contact@atelier-dupont.fr")
    );
    assert_eq!(lead.fields.source.as_deref(), Some("salon"));
    let names: Vec<String> = saved_mappings(&s)
        .await
        .expect("list")
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(names, ["salon"]);
}
