//! The normalisation table: messy French and Belgian inputs as they come out of CRM exports
//! and web forms, each with the one normal form expected (or `ERR` where the value must be
//! refused). One row per case in `data/normalisation.csv`, driven by one test so a failure
//! lists every case that went wrong.

use levier_leads::normalise::{
    CompanyName, Domain, Email, PersonName, Phone, Postcode, RegisterNumber, Siren, Siret,
};

/// The normal form of `input` as the table writes it, or `ERR`.
fn normalise(kind: &str, input: &str) -> String {
    let result: Result<String, String> = match kind {
        "phone" => Phone::parse(input, phonenumber::country::Id::FR)
            .map(|p| p.e164().to_owned())
            .map_err(|e| e.to_string()),
        "email" => Email::parse(input)
            .map(|e| format!("{e}|{}", if e.is_free_mail() { "free" } else { "company" }))
            .map_err(|e| e.to_string()),
        "siret" => RegisterNumber::parse(input)
            .map(|r| match r {
                RegisterNumber::Siren(s) => s.to_string(),
                RegisterNumber::Siret(s) => s.to_string(),
            })
            .map_err(|e| e.to_string()),
        "company" => CompanyName::parse(input)
            .map(|c| {
                let form = c.legal_form.map(|f| {
                    serde_json::to_string(&f)
                        .unwrap_or_default()
                        .replace('"', "")
                });
                format!("{}|{}", c.name, form.unwrap_or_default())
            })
            .map_err(|e| e.to_string()),
        "postcode" => Postcode::parse(input, None)
            .map(|p| {
                format!(
                    "{}|{}|{}",
                    p.code,
                    p.departement.unwrap_or(p.area),
                    p.region
                )
            })
            .map_err(|e| e.to_string()),
        "name" => PersonName::parse(input)
            .map(|n| n.to_string())
            .map_err(|e| e.to_string()),
        "website" => Domain::parse(input)
            .map(|d| d.to_string())
            .map_err(|e| e.to_string()),
        other => panic!("unknown kind {other} in the table"),
    };
    result.unwrap_or_else(|_| "ERR".to_owned())
}

#[test]
fn the_normalisation_table_holds() {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .trim(csv::Trim::None)
        .from_path(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/normalisation.csv"
        ))
        .expect("the table is in the crate");
    let mut cases = 0;
    let mut failures = Vec::new();
    for record in reader.records() {
        let record = record.expect("a well-formed row");
        let (kind, input, expected) = (&record[0], &record[1], &record[2]);
        let got = normalise(kind, input);
        if got != expected {
            failures.push(format!(
                "{kind} '{input}': expected '{expected}', got '{got}'"
            ));
        }
        cases += 1;
    }
    assert!(cases >= 100, "the table has {cases} cases");
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn siren_and_siret_types_keep_apart() {
    assert!(Siren::parse("732 829 320").is_ok());
    assert!(Siren::parse("732 829 320 00074").is_err());
    let siret = Siret::parse("732 829 320 00074").expect("a valid SIRET");
    assert_eq!(siret.siren().as_str(), "732829320");
}
