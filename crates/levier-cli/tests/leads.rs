//! End-to-end tests of `levier leads …`: the real binary in a temporary data directory, checked
//! from the outside (exit codes, the per-row report, the ranked list, the exported file).

#[allow(dead_code)]
mod support;

use support::{Sandbox, run};

/// Exit code of invalid input (main.rs).
const INPUT: i32 = 5;

/// A company lead, a free-mail lead, a row with a bad e-mail and SIRET (line 4) and a row with
/// one value too many (line 5, rejected).
const CSV: &str = "Prénom;Nom;Courriel;SIRET;Code postal;Source;Statut\n\
    Anne;Durand;anne@durand-conseil.fr;;75008;salon;gagné\n\
    Léa;Petit;lea.petit@gmail.com;;13001;site web;en cours\n\
    Paul;Martin;pas-un-email;123;69003;salon;perdu\n\
    Zoé;Roux;zoe@roux.fr;;44000;salon;en cours;de trop\n";

#[test]
fn import_reports_each_bad_row_then_train_score_and_export() {
    let sb = Sandbox::new();
    let file = sb.join("prospects.csv");
    std::fs::write(&file, CSV).expect("write csv");
    let path = file.to_string_lossy().into_owned();

    let out =
        run(&mut sb.levier_data(["leads", "import", &path, "--save-mapping", "crm"])).success();
    assert!(
        out.stdout
            .contains("4 rows read, 3 leads imported, 0 already stored, 1 rows rejected"),
        "{out}"
    );
    assert!(
        out.stdout.contains("line 4, Courriel: value refused:"),
        "{out}"
    );
    assert!(
        out.stdout.contains("line 4, SIRET: value refused:"),
        "{out}"
    );
    assert!(out.stdout.contains("line 5: row rejected:"), "{out}");

    let again = run(&mut sb.levier_data(["leads", "import", &path, "--mapping", "crm", "--json"]))
        .success()
        .json();
    assert_eq!(again["created"].as_array().map(Vec::len), Some(3));
    run(&mut sb.levier_data(["leads", "import", &path, "--mapping", "nope"])).expect_code(INPUT);
    let missing = sb.join("absent.csv").to_string_lossy().into_owned();
    let out = run(&mut sb.levier_data(["leads", "import", &missing])).expect_code(INPUT);
    assert!(out.stderr.contains("cannot read"), "{out}");

    let out = run(&mut sb.levier_data(["leads", "train"])).success();
    assert!(
        out.stdout
            .contains("a learnt score needs 50 won and 50 lost leads, you have 2 won and 2 lost"),
        "{out}"
    );
    let scored = run(&mut sb.levier_data(["leads", "score", "--json"]))
        .success()
        .json();
    let leads = scored["leads"].as_array().expect("leads");
    assert_eq!(leads.len(), 6);
    assert_eq!(
        leads[0]["first_name"], "Anne",
        "a company address from a salon first"
    );
    assert!(
        leads[0]["score"]["factors"]
            .as_array()
            .is_some_and(|f| !f.is_empty())
    );

    let export = sb.join("classement.csv");
    let export_path = export.to_string_lossy().into_owned();
    run(&mut sb.levier_data(["leads", "export", &export_path])).success();
    let text = std::fs::read_to_string(&export).expect("export");
    assert_eq!(text.lines().count(), 7);
    assert!(
        text.lines()
            .nth(1)
            .is_some_and(|l| l.contains(";Anne;Durand;"))
    );
}
