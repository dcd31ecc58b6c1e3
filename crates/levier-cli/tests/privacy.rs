//! End-to-end tests of `levier privacy …`: the real binary in a temporary data directory. A lead
//! imported from a CSV file is exported, then erased only when confirmed; both leave an audit
//! entry naming the person by a hash, and a second export finds nothing.

#[allow(dead_code)]
mod support;

use support::{Sandbox, run};

/// Exit code of invalid input (main.rs).
const INPUT: i32 = 5;

const CSV: &str = "Prénom;Nom;Courriel;Source;Statut\n\
    Anne;Durand;anne@durand-conseil.fr;salon;en cours\n\
    Léa;Petit;lea.petit@gmail.com;site web;en cours\n";

#[test]
fn a_lead_is_exported_then_erased_only_when_confirmed_and_both_are_audited() {
    let sb = Sandbox::new();
    let csv = sb.join("prospects.csv");
    std::fs::write(&csv, CSV).expect("write csv");
    run(&mut sb.levier_data(["leads", "import", &csv.to_string_lossy()])).success();

    let file = sb.join("anne.json");
    let out_path = file.to_string_lossy().into_owned();
    let email = ["--email", "Anne@Durand-Conseil.fr"];
    run(&mut sb.levier_data(["privacy", "export", email[0], email[1], "--out", &out_path]))
        .success();
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("export file")).expect("json");
    assert_eq!(
        record["held"]["leads"][0]["last_name"], "Durand",
        "{record}"
    );
    let again =
        run(&mut sb.levier_data(["privacy", "export", email[0], email[1], "--out", &out_path]))
            .expect_code(INPUT);
    assert!(again.stderr.contains("cannot create"), "{again}");

    let refused =
        run(&mut sb.levier_data(["privacy", "erase", email[0], email[1]])).expect_code(INPUT);
    assert!(refused.stderr.contains("--yes"), "{refused}");
    let erased =
        run(&mut sb.levier_data(["privacy", "erase", email[0], email[1], "--yes", "--json"]))
            .success()
            .json();
    assert_eq!(erased["erased"]["leads"], 1, "{erased}");

    let after = run(&mut sb.levier_data(["privacy", "export", email[0], email[1]]))
        .success()
        .json();
    assert!(
        after["held"]
            .as_object()
            .expect("held")
            .values()
            .all(|rows| rows == &serde_json::json!([])),
        "{after}"
    );
    // The other lead is untouched.
    let lea = run(&mut sb.levier_data(["privacy", "export", "--email", "lea.petit@gmail.com"]))
        .success()
        .json();
    assert_eq!(
        lea["held"]["leads"].as_array().map(Vec::len),
        Some(1),
        "{lea}"
    );

    let audit = audit_log(&sb);
    let key = levier_store::privacy::person_key("anne@durand-conseil.fr").expect("key");
    let mine: Vec<_> = audit
        .iter()
        .filter(|e| e.target == key && e.actor == "cli")
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(mine, ["privacy.export", "privacy.erase", "privacy.export"]);
    assert!(
        audit.iter().all(|e| !format!("{e:?}").contains("anne@")),
        "{audit:?}"
    );

    let bad = run(&mut sb.levier_data(["privacy", "export", "--email", "anne"])).expect_code(INPUT);
    assert!(
        bad.stderr
            .contains("email: 'anne' is not an e-mail address"),
        "{bad}"
    );
}

/// The audit log of the sandbox's store, newest first.
fn audit_log(sb: &Sandbox) -> Vec<levier_store::audit::AuditEntry> {
    let config = levier_core::Config {
        data_dir: sb.data_dir(),
        ..levier_core::Config::default()
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let store = levier_store::Store::open(&config).await.expect("store");
        let entries = store.audit_entries(0, 50).await.expect("audit");
        store.close().await;
        entries
    })
}
