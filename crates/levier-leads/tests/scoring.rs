//! Scoring on a won/lost history shaped like a small B2B company's: sector, head count, lead
//! source, region, and the columns a CRM fills after the outcome (the leakage guard's work).
//! The history is drawn from a known rule (referrals and industry convert, bought lists do
//! not), so what the model must find is known.

use levier_leads::ScoringError;
use levier_leads::scoring::metrics::roc_auc;
use levier_leads::scoring::{
    Condition, IdealCustomerProfile, LeadModel, MIN_OUTCOMES, Rule, Table, Tier, history_message,
    stratified_split,
};

const SECTORS: [&str; 5] = ["Industrie", "BTP", "Commerce", "Santé", "Conseil"];
const SOURCES: [&str; 4] = ["Recommandation", "Salon", "Site web", "Achat de fichier"];
const REGIONS: [&str; 4] = [
    "Île-de-France",
    "Auvergne-Rhône-Alpes",
    "Occitanie",
    "Bretagne",
];

/// A seeded generator (64-bit LCG), so the history is the same on every run.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() * items.len() as f64) as usize % items.len()]
    }
}

/// `n` leads: the odds of winning rise with referrals, industry and head count and fall with
/// bought lists; "Montant signé" is filled only for won leads (after the outcome).
fn history(n: usize, seed: u64) -> Table {
    let mut draw = Draw(seed);
    let columns = [
        "Référence",
        "Secteur",
        "Effectif",
        "Source",
        "Région",
        "Montant signé",
        "Statut",
    ];
    let rows = (0..n)
        .map(|i| {
            let (sector, source, region) = (
                draw.pick(&SECTORS),
                draw.pick(&SOURCES),
                draw.pick(&REGIONS),
            );
            let staff = (draw.next() * 240.0) as u32 + 1;
            let log_odds =
                -1.6 + match source {
                    "Recommandation" => 2.2,
                    "Achat de fichier" => -1.5,
                    _ => 0.0,
                } + if sector == "Industrie" { 1.0 } else { 0.0 }
                    + f64::from(staff).ln() * 0.4
                    - 1.0;
            let won = draw.next() < 1.0 / (1.0 + (-log_odds).exp());
            let amount = if won {
                format!("{}", 5000 + i * 7 % 20000)
            } else {
                String::new()
            };
            let staff = if i % 17 == 0 {
                String::new()
            } else {
                staff.to_string()
            };
            [
                format!("L-{i:05}"),
                sector.into(),
                staff,
                source.into(),
                region.into(),
                amount,
                (if won { "Gagné" } else { "Perdu" }).into(),
            ]
            .to_vec()
        })
        .collect();
    Table {
        columns: columns.map(String::from).to_vec(),
        rows,
    }
}

fn guard() -> Vec<String> {
    vec!["Montant*".into()]
}

#[test]
fn the_model_finds_the_signal_and_explains_it() {
    let table = history(2000, 11);
    let labels: Vec<bool> = table.rows.iter().map(|r| r[6] == "Gagné").collect();
    let (train, eval) = stratified_split(&labels, 0.25, 3);
    let model = LeadModel::train(&table.subset(&train), "statut", "gagné", &guard()).unwrap();

    let excluded: Vec<(&str, &str)> = model
        .features()
        .excluded
        .iter()
        .map(|e| (e.column.as_str(), e.reason.as_str()))
        .collect();
    assert!(
        excluded.contains(&("Montant signé", "excluded (leakage guard)")),
        "{excluded:?}"
    );
    assert!(
        excluded
            .iter()
            .any(|(c, r)| *c == "Référence" && r.starts_with("an identifier")),
        "{excluded:?}"
    );

    let eval_table = table.subset(&eval);
    let probabilities = model.probabilities(&eval_table);
    let eval_labels: Vec<bool> = eval.iter().map(|&i| labels[i]).collect();
    assert!(probabilities.iter().all(|p| (0.0..=1.0).contains(p)));
    assert!(
        roc_auc(&probabilities, &eval_labels) > 0.75,
        "{}",
        roc_auc(&probabilities, &eval_labels)
    );
    let report = model.report();
    assert!(
        report.logistic_auc > 0.7 && report.trees_auc > 0.7,
        "{report:?}"
    );

    let scores = model.score(&eval_table);
    let source_factor = |value: &str| {
        let lead = eval_table
            .rows
            .iter()
            .position(|r| r[3] == value)
            .expect("a lead from that source");
        let factor = scores[lead].factors.iter().find(|f| f.column == "Source");
        factor.cloned().expect("Source is among the top factors")
    };
    let referral = source_factor("Recommandation");
    assert_eq!(referral.value, "Recommandation");
    assert!(referral.contribution > 0.0);
    assert!(source_factor("Achat de fichier").contribution < 0.0);

    let mean = |tier: Tier| {
        let won: Vec<bool> = scores
            .iter()
            .zip(&eval_labels)
            .filter(|(s, _)| s.tier == tier)
            .map(|(_, &l)| l)
            .collect();
        won.iter().filter(|&&l| l).count() as f64 / won.len().max(1) as f64
    };
    assert!(
        mean(Tier::A) > mean(Tier::D) + 0.3,
        "A {} D {}",
        mean(Tier::A),
        mean(Tier::D)
    );
}

#[test]
fn without_the_guard_the_leak_is_what_the_model_learns() {
    let table = history(600, 5);
    let model = LeadModel::train(&table, "Statut", "Gagné", &[]).unwrap();
    assert!(
        model
            .features()
            .excluded
            .iter()
            .all(|e| e.column != "Montant signé")
    );
    assert!(model.report().trees_auc > 0.99, "{:?}", model.report());
}

#[test]
fn a_short_history_says_how_many_outcomes_are_missing() {
    let table = history(120, 2);
    let error = LeadModel::train(&table, "Statut", "Gagné", &guard()).unwrap_err();
    let ScoringError::TooFewOutcomes {
        positives,
        negatives,
        needed,
    } = error
    else {
        panic!("expected too few outcomes, got {error}");
    };
    assert_eq!(needed, MIN_OUTCOMES);
    assert!(positives < MIN_OUTCOMES && positives + negatives == 120);
    let message = history_message(positives, negatives);
    assert!(
        message.contains(&format!("{} more won", MIN_OUTCOMES - positives)),
        "{message}"
    );

    let profile = IdealCustomerProfile {
        rules: vec![
            Rule {
                column: "Source".into(),
                condition: Condition::OneOf {
                    values: vec!["recommandation".into()],
                },
                points: 30.0,
            },
            Rule {
                column: "Effectif".into(),
                condition: Condition::AtLeast { value: 50.0 },
                points: 20.0,
            },
            Rule {
                column: "Secteur".into(),
                condition: Condition::OneOf {
                    values: vec!["industrie".into()],
                },
                points: 15.0,
            },
        ],
        tier_points: [50.0, 30.0, 15.0],
    };
    let scores = profile.score(&table);
    for (row, score) in table.rows.iter().zip(&scores) {
        let expected = if row[3] == "Recommandation" {
            30.0
        } else {
            0.0
        } + if row[2].parse::<f64>().is_ok_and(|s| s >= 50.0) {
            20.0
        } else {
            0.0
        } + if row[1] == "Industrie" { 15.0 } else { 0.0 };
        assert_eq!(score.points, expected);
        let fired: f64 = score.factors.iter().map(|f| f.contribution).sum();
        assert_eq!(fired, expected, "the factors are the rules that held");
    }
    assert!(scores.iter().any(|s| s.tier == Tier::A) && scores.iter().any(|s| s.tier == Tier::D));
}

#[test]
fn a_missing_outcome_column_is_named() {
    let error = LeadModel::train(&history(10, 1), "Converted", "1", &[]).unwrap_err();
    assert!(
        error.to_string().contains("no column 'Converted'"),
        "{error}"
    );
}
