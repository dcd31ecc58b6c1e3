//! Lead qualification over a real store (SQLite; the store's own suite runs its SQL on
//! PostgreSQL too): the demo company's CRM export imported, scored with reasons, its
//! duplicates suggested and merged, exported back.

use levier_core::Config;
use levier_leads::ColumnMapping;
use levier_leads::qualify::{
    IntakeOptions, Training, export_csv, import_leads, merge_stored, score, suggestions, train,
};
use levier_store::Store;
use levier_store::leads::LeadFilter;

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
