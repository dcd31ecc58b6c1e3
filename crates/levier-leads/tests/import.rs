//! Importing a French CRM export (`data/prospects.csv`): what it holds is read, normalised and
//! reported row by row, in every encoding and compression such files come in.

use levier_leads::normalise::{Country, LegalForm, RegisterNumber};
use levier_leads::{
    ColumnMapping, CsvOptions, DedupConfig, ImportError, ImportSummary, ImportedRow, Lead,
    LeadImport, MatchReason, Severity, Target, find_duplicates, merge,
};
use std::io::{Read, Write};

const PROSPECTS: &str = include_str!("data/prospects.csv");

fn import(
    bytes: Vec<u8>,
    mapping: &ColumnMapping,
) -> Result<(Vec<ImportedRow>, ImportSummary, LeadImport), ImportError> {
    let mut import = LeadImport::open(std::io::Cursor::new(bytes), CsvOptions::default(), mapping)?;
    let rows: Vec<ImportedRow> = import.by_ref().collect::<Result<_, _>>()?;
    let summary = import.summary().clone();
    Ok((rows, summary, import))
}

fn leads(rows: &[ImportedRow]) -> Vec<Lead> {
    rows.iter().filter_map(|r| r.lead.clone()).collect()
}

fn lead_at(rows: &[ImportedRow], line: u64) -> &Lead {
    rows.iter()
        .find(|r| r.line == line)
        .and_then(|r| r.lead.as_ref())
        .expect("an imported lead on that line")
}

/// Every issue of every row: (line, column, severity).
fn issues(rows: &[ImportedRow]) -> Vec<(u64, Option<&str>, Severity)> {
    rows.iter()
        .flat_map(|r| {
            r.issues
                .iter()
                .map(|i| (i.line, i.column.as_deref(), i.severity))
        })
        .collect()
}

#[test]
fn a_french_export_is_normalised_and_reported_row_by_row() {
    let (rows, summary, file) =
        import(PROSPECTS.as_bytes().to_vec(), &ColumnMapping::default()).unwrap();
    assert_eq!(file.file().delimiter(), b';');
    assert_eq!(file.file().encoding(), "UTF-8");
    assert_eq!(
        summary,
        ImportSummary {
            rows: 12,
            imported: 11,
            rejected: 1,
            invalid_values: 2,
            warnings: 3
        }
    );

    let first = lead_at(&rows, 2);
    assert_eq!(first.first_name.as_ref().unwrap().as_str(), "Jean-Pierre");
    assert_eq!(first.last_name.as_ref().unwrap().as_str(), "de La Fontaine");
    let company = first.company.as_ref().unwrap();
    assert_eq!(
        (company.name.as_str(), company.legal_form),
        ("Dupont & Fils", Some(LegalForm::Sarl))
    );
    assert_eq!(
        first.email.as_ref().unwrap().as_str(),
        "jean-pierre.delafontaine@dupont-fils.fr"
    );
    assert_eq!(first.phone.as_ref().unwrap().e164(), "+33142685300");
    assert_eq!(first.mobile.as_ref().unwrap().e164(), "+33612345678");
    assert!(
        matches!(&first.register_number, Some(RegisterNumber::Siret(s)) if s.as_str() == "73282932000074")
    );
    let postcode = first.postcode.as_ref().unwrap();
    assert_eq!(
        (
            postcode.code.as_str(),
            postcode.region.as_str(),
            postcode.cedex
        ),
        ("75008", "Île-de-France", false)
    );
    assert_eq!(first.city.as_deref(), Some("PARIS"));
    assert_eq!(first.country, Some(Country::France));
    assert_eq!(first.company_domain(), Some("dupont-fils.fr"));
    assert_eq!(first.extra.get("Secteur").map(String::as_str), Some("BTP"));
    assert_eq!(
        first.extra.get("Commentaire (2)").map(String::as_str),
        Some("rappeler en mars")
    );
    assert_eq!(
        file.file().header_issues().len(),
        1,
        "the repeated Commentaire header is reported"
    );

    // The report: an invalid SIRET (line 4) and phone (10) refused, a foreign number (5), a
    // postcode whose leading zero a spreadsheet dropped (6) and a short row (11) warned of, a
    // row shifted by a delimiter inside an unquoted value rejected (7), nothing else.
    assert_eq!(
        issues(&rows),
        vec![
            (4, Some("SIRET"), Severity::Invalid),
            (5, Some("Tél."), Severity::Warning),
            (6, Some("Code postal"), Severity::Warning),
            (7, None, Severity::Rejected),
            (10, Some("Tél."), Severity::Invalid),
            (11, Some("Tél."), Severity::Warning),
        ]
    );
    // The refused SIRET is kept aside, and the lead imported.
    assert_eq!(
        lead_at(&rows, 4).invalid.get("SIRET").map(String::as_str),
        Some("732 829 320 00075")
    );
    assert_eq!(
        lead_at(&rows, 4).phone.as_ref().unwrap().e164(),
        "+33556123456"
    );
    // A foreign number is kept; an unknown country stays as written.
    assert_eq!(
        lead_at(&rows, 5).phone.as_ref().unwrap().e164(),
        "+442079460958"
    );
    assert_eq!(
        lead_at(&rows, 5).extra.get("Pays").map(String::as_str),
        Some("Royaume-Uni")
    );
    // A spreadsheet's dropped leading zero is put back.
    assert_eq!(
        lead_at(&rows, 6)
            .postcode
            .as_ref()
            .unwrap()
            .departement
            .as_deref(),
        Some("01")
    );
    // A delimiter inside an unquoted value shifts the row: rejected, not misread.
    assert!(rows.iter().any(|r| r.line == 7 && r.lead.is_none()));
    // Belgium and Corsica.
    assert_eq!(
        lead_at(&rows, 9).postcode.as_ref().unwrap().area,
        "Bruxelles-Capitale"
    );
    assert_eq!(lead_at(&rows, 9).free_mail(), Some(true));
    assert_eq!(
        lead_at(&rows, 10)
            .postcode
            .as_ref()
            .unwrap()
            .departement
            .as_deref(),
        Some("2A")
    );
    // A short row reads its missing values as empty.
    assert_eq!(lead_at(&rows, 11).phone, None);
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("gzip into memory");
    encoder.finish().expect("gzip into memory")
}

#[test]
fn encodings_delimiters_and_gzip_give_the_same_leads() {
    let (reference, _, _) =
        import(PROSPECTS.as_bytes().to_vec(), &ColumnMapping::default()).unwrap();
    let reference = leads(&reference);
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(PROSPECTS);
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(PROSPECTS.as_bytes());
    let tabs = PROSPECTS.replace(';', "\t").into_bytes();
    let variants = [
        ("windows-1252", cp1252.into_owned()),
        ("UTF-8 with BOM", bom),
        ("gzip", gzip(PROSPECTS.as_bytes())),
        ("tabs", tabs),
    ];
    for (name, bytes) in variants {
        let (rows, _, file) = import(bytes, &ColumnMapping::default()).unwrap();
        assert_eq!(leads(&rows), reference, "{name}");
        assert_eq!(file.file().headers()[0], "Prénom", "{name}");
    }
}

#[test]
fn empty_and_header_only_files_say_so() {
    assert!(matches!(
        import(Vec::new(), &ColumnMapping::default()),
        Err(ImportError::Empty)
    ));
    assert!(matches!(
        import(b"\n\r\n  \n".to_vec(), &ColumnMapping::default()),
        Err(ImportError::Empty)
    ));
    let (rows, summary, _) = import(b"Nom;Courriel\n".to_vec(), &ColumnMapping::default()).unwrap();
    assert!(rows.is_empty());
    assert_eq!(
        summary.nothing_imported(),
        Some("the file has a header but no rows: nothing to import")
    );
}

#[test]
fn a_saved_mapping_is_reused() {
    let (_, _, first) = import(PROSPECTS.as_bytes().to_vec(), &ColumnMapping::default()).unwrap();
    let mut mapping = first.mapping();
    assert_eq!(
        mapping.columns.get("Courriel"),
        Some(&Target::Field(levier_leads::Field::Email))
    );
    mapping.columns.insert("Secteur".into(), Target::Ignore);
    let saved = serde_json::to_string(&mapping).unwrap();
    let (rows, _, _) = import(
        PROSPECTS.as_bytes().to_vec(),
        &serde_json::from_str(&saved).unwrap(),
    )
    .unwrap();
    assert!(
        leads(&rows)
            .iter()
            .all(|l| !l.extra.contains_key("Secteur"))
    );
    assert_eq!(
        lead_at(&rows, 2)
            .extra
            .get("Commentaire")
            .map(String::as_str),
        Some("premier contact")
    );
}

/// A lead file of `rows` rows written as it is read, never held in memory.
struct GeneratedFile {
    rows: usize,
    next: usize,
    pending: Vec<u8>,
}

impl Read for GeneratedFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pending.is_empty() && self.next <= self.rows {
            self.pending = if self.next == 0 {
                b"Nom;Courriel;Code postal\n".to_vec()
            } else {
                let family = ["Martin", "Bernard", "Dubois", "Lefèvre", "Garnier"][self.next % 5];
                format!(
                    "{family};contact{0}@societe-{1}.fr;{2:05}\n",
                    self.next,
                    self.next % 97,
                    1000 + self.next % 99_000
                )
                .into_bytes()
            };
            self.next += 1;
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

#[test]
fn a_million_rows_stream_through() {
    let file = GeneratedFile {
        rows: 1_000_000,
        next: 0,
        pending: Vec::new(),
    };
    let mut import =
        LeadImport::open(file, CsvOptions::default(), &ColumnMapping::default()).unwrap();
    let (mut with_postcode, mut refused_postcodes) = (0u64, 0u64);
    for row in import.by_ref() {
        let row = row.unwrap();
        refused_postcodes += row
            .issues
            .iter()
            .filter(|i| i.column.as_deref() == Some("Code postal"))
            .count() as u64;
        with_postcode += u64::from(
            row.lead
                .is_some_and(|l| l.postcode.is_some() && l.email.is_some()),
        );
    }
    let summary = import.summary();
    assert_eq!(
        (summary.rows, summary.imported, summary.rejected),
        (1_000_000, 1_000_000, 0)
    );
    // Postcodes 96xxx and 980xx have no département: refused and reported, never dropped.
    assert_eq!(with_postcode + refused_postcodes, 1_000_000);
    assert_eq!(summary.invalid_values, refused_postcodes);
    assert!(refused_postcodes > 0);
}

#[test]
fn duplicates_are_suggested_and_merged_with_their_history() {
    let (rows, _, _) = import(PROSPECTS.as_bytes().to_vec(), &ColumnMapping::default()).unwrap();
    let leads = leads(&rows);
    let line = |i: usize| leads[i].sources[0].clone();
    let suggestions = find_duplicates(&leads, &DedupConfig::default());
    let pairs: Vec<(String, String, &MatchReason)> = suggestions
        .iter()
        .map(|s| (line(s.first), line(s.second), &s.reasons[0]))
        .collect();
    assert_eq!(pairs.len(), 3, "{pairs:?}");
    assert!(
        matches!(&pairs[0], (a, b, MatchReason::Phone { value }) if a == "line 2" && b == "line 8" && value == "+33142685300")
    );
    assert!(
        matches!(&pairs[1], (a, b, MatchReason::Email { .. }) if a == "line 3" && b == "line 13")
    );
    assert!(
        matches!(&pairs[2], (a, b, MatchReason::Similar { name, .. }) if a == "line 6" && b == "line 14" && *name > 0.92)
    );

    let dupont = &suggestions[0];
    let differing: Vec<&str> = dupont
        .differences
        .iter()
        .map(|d| d.field.as_str())
        .collect();
    assert!(
        differing.contains(&"email") && differing.contains(&"mobile"),
        "{differing:?}"
    );
    assert!(
        !differing.contains(&"legal_form"),
        "the same legal form, written two ways"
    );
    let merged = merge(&leads[dupont.first], &leads[dupont.second]);
    assert_eq!(merged.sources, vec!["line 2", "line 8"]);
    assert_eq!(merged.email, leads[dupont.first].email);
    assert_eq!(
        merged.alternatives.get("email"),
        Some(&vec!["jp.delafontaine@dupont-fils.fr".to_owned()])
    );
    assert_eq!(merged.mobile, leads[dupont.first].mobile);
}
