//! Folder sync against a real store (SQLite, and PostgreSQL when configured), on copies of the
//! demo company's real files: what goes in, what is skipped without being read, what is
//! replaced, removed, refused, and who may read it.

mod common;

use common::{TestStore, copy_tree, demo, files_under, mtime, rewrite, set_mtime};
use levier_extract::{ChunkOptions, Limits};
use levier_ingest::{IngestError, IngestReport, Progress, Quiet, sync_folder};
use levier_store::directory::NewSource;
use levier_store::documents::FullDocument;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

on_both_backends!(
    demo_documents_go_in_with_their_text_structure_and_titles,
    a_second_sync_reads_nothing_again,
    a_file_rewritten_with_the_same_size_and_time_is_not_read_again,
    a_changed_file_is_replaced_and_its_old_passages_are_gone,
    deleted_files_and_folders_are_removed,
    folder_rules_set_the_access_of_their_subtree,
    a_changed_rules_file_reapplies_access_without_file_changes,
    broken_rules_stop_the_sync_and_unknown_groups_fail_alone,
    unreadable_files_fail_alone_with_their_reason,
    a_file_that_becomes_unreadable_keeps_its_previous_version,
    a_mailbox_gives_one_document_per_message,
    messages_removed_from_a_mailbox_are_removed,
    a_message_that_becomes_unreadable_keeps_its_previous_version,
    an_faq_csv_imports_entries_and_reports_broken_rows,
    symbolic_links_and_hidden_files_are_not_followed,
    a_stopped_sync_keeps_what_it_stored_and_the_next_one_resumes,
);

/// A folder source reading `root`, readable by `groups`.
fn source(name: &str, root: &Path, groups: &[&str], public: bool) -> NewSource {
    NewSource {
        name: name.into(),
        kind: "folder".into(),
        location: root.display().to_string(),
        public,
        groups: groups.iter().map(|g| g.to_string()).collect(),
    }
}

async fn sync(t: &TestStore, source: &NewSource) -> IngestReport {
    sync_with(t, source, &Limits::default()).await
}

async fn sync_with(t: &TestStore, source: &NewSource, limits: &Limits) -> IngestReport {
    sync_folder(
        &t.store,
        source,
        limits,
        &ChunkOptions::default(),
        &mut Quiet,
    )
    .await
    .expect("sync runs")
}

/// Every document of the source, in full, by identity (relative path).
async fn documents(t: &TestStore, source: &NewSource) -> BTreeMap<String, FullDocument> {
    let id = common::source_id(&t.store, &source.name).await;
    let mut out = BTreeMap::new();
    for summary in t.store.documents_of_source(id).await.expect("list") {
        let full = t
            .store
            .full_document(summary.id)
            .await
            .expect("read document")
            .expect("document exists");
        out.insert(summary.external_id, full);
    }
    out
}

/// A copy of `demo/docs` under the test's scratch folder.
fn demo_docs(t: &TestStore) -> PathBuf {
    let root = t.files.join("docs");
    copy_tree(&demo().join("docs"), &root);
    root
}

fn total_size(root: &Path) -> u64 {
    files_under(root)
        .iter()
        .map(|f| std::fs::metadata(root.join(f)).expect("size").len())
        .sum()
}

/// All the text of a document's passages, one after the other.
fn passages(doc: &FullDocument) -> String {
    doc.chunks
        .iter()
        .map(|c| c.body.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_report(
    report: &IngestReport,
    added: usize,
    updated: usize,
    unchanged: usize,
    removed: usize,
) {
    assert_eq!(
        (
            report.added,
            report.updated,
            report.unchanged,
            report.removed
        ),
        (added, updated, unchanged, removed),
        "added, updated, unchanged, removed: {report:?}"
    );
}

fn failure<'a>(report: &'a IngestReport, path: &str) -> &'a str {
    report
        .failed
        .iter()
        .find(|f| f.path == path)
        .map(|f| f.reason.as_str())
        .unwrap_or_else(|| panic!("{path} is not among the failures: {:?}", report.failed))
}

async fn demo_documents_go_in_with_their_text_structure_and_titles(t: &TestStore) {
    let root = demo_docs(t);
    let files = files_under(&root);
    assert_eq!(files.len(), 56, "the demo has 56 documents: {files:?}");
    let src = source("docs", &root, &["personnel"], false);

    let report = sync(t, &src).await;
    assert!(report.failed.is_empty(), "failures: {:?}", report.failed);
    assert_report(&report, files.len(), 0, 0, 0);
    assert_eq!(report.bytes_read, total_size(&root));

    let docs = documents(t, &src).await;
    assert_eq!(docs.keys().cloned().collect::<Vec<_>>(), files);
    for (path, doc) in &docs {
        let body = doc.body.as_deref().unwrap_or_default();
        assert!(body.len() > 200, "{path}: text too short: {body:?}");
        assert!(
            !body.contains('\u{fffd}') && !body.contains('\0'),
            "{path}: garbled text"
        );
        assert!(!doc.chunks.is_empty(), "{path}: no passages");
        assert_eq!((doc.version, doc.public), (1, false), "{path}");
        assert_eq!(doc.groups, ["personnel"], "{path}");
        // Each passage is exactly the document's text between its offsets.
        let chars: Vec<char> = body.chars().collect();
        for c in &doc.chunks {
            let span: String = chars[c.start_offset as usize..c.end_offset as usize]
                .iter()
                .collect();
            assert_eq!(span, c.body, "{path}: passage {} offsets", c.ordinal);
        }
        // A title people can read: never the bare file name.
        let file_name = path.rsplit('/').next().unwrap_or(path);
        assert!(
            !doc.title.trim().is_empty() && doc.title != file_name,
            "{path}: title {:?}",
            doc.title
        );
        let extension = path.rsplit_once('.').map(|(_, e)| e).unwrap_or_default();
        let media_type = match extension {
            "md" => "text/markdown",
            "txt" => "text/plain",
            "html" => "text/html",
            "pdf" => "application/pdf",
            "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "odt" => "application/vnd.oasis.opendocument.text",
            "csv" => "text/csv",
            other => panic!("unexpected demo file type {other}"),
        };
        assert_eq!(doc.media_type, media_type, "{path}");
        // Structured documents keep their headings: passages know the section they are in.
        if extension != "csv" {
            assert!(
                doc.chunks.iter().any(|c| c.heading_path.len() >= 2),
                "{path}: no passage under a sub-heading: {:?}",
                doc.chunks
                    .iter()
                    .map(|c| &c.heading_path)
                    .collect::<Vec<_>>()
            );
        }
    }

    // Markdown: the first heading is the title and heads every passage's path.
    let livraison = &docs["public/livraison.md"];
    assert_eq!(
        livraison.title,
        "Livraison : délais, tarifs et transporteurs"
    );
    assert!(
        livraison
            .chunks
            .iter()
            .all(|c| c.heading_path.first().map(String::as_str) == Some(livraison.title.as_str()))
    );
    assert!(livraison.chunks.iter().any(|c| c.heading_path
        == [
            "Livraison : délais, tarifs et transporteurs",
            "Préparation de la commande"
        ]
        && c.body.contains("avant 13 h un jour ouvré")));

    // Windows-1252 text keeps its accents.
    let entretien = &docs["public/entretien-et-nettoyage.txt"];
    assert_eq!(
        entretien.title,
        "ENTRETIEN ET NETTOYAGE DE VOTRE MOBILIER ERGOLIS"
    );
    assert!(
        passages(entretien).contains("Mise à jour : août 2026"),
        "{}",
        passages(entretien)
    );
    assert!(entretien.chunks.iter().any(|c| {
        c.heading_path
            .iter()
            .any(|h| h == "2. PIÈTEMENTS ET STRUCTURES MÉTALLIQUES")
    }));

    // UTF-16 text too.
    let reclamation = &docs["personnel/procedure-reclamation-client.txt"];
    assert_eq!(
        reclamation.title,
        "PROCÉDURE INTERNE – TRAITEMENT DES RÉCLAMATIONS CLIENTS ET GESTES COMMERCIAUX"
    );
    assert!(
        passages(reclamation).contains("DÉLAIS DE RÉPONSE")
            || reclamation
                .chunks
                .iter()
                .any(|c| c.heading_path.iter().any(|h| h == "2. DÉLAIS DE RÉPONSE"))
    );

    // HTML: the page's text, not its scripts or styles; the title from <title>.
    let garantie = &docs["public/garantie.html"];
    assert_eq!(
        garantie.title,
        "Garantie Ergolis – durées, conditions et démarches"
    );
    let text = garantie.body.as_deref().unwrap_or_default();
    for code in [
        "dataLayer",
        "gtag",
        "localStorage",
        "addEventListener",
        "font-family",
        "app.bundle",
    ] {
        assert!(
            !text.contains(code),
            "script or style text {code:?} in {text}"
        );
        assert!(!passages(garantie).contains(code));
    }
    assert!(text.contains("Garantie Ergolis"));
    assert!(
        garantie
            .chunks
            .iter()
            .any(|c| c.heading_path == ["Garantie Ergolis", "Durées de garantie"])
    );

    // PDF, DOCX and ODT: their own titles and section structure.
    assert_eq!(
        docs["public/fiche-produit-alto.pdf"].title,
        "Fiche produit – Bureau assis-debout Alto (ALT-120 à ALT-180, ALT-ANG)"
    );
    assert!(
        docs["public/fiche-produit-alto.pdf"]
            .chunks
            .iter()
            .any(|c| c.heading_path == ["Bureau assis-debout Alto", "Caractéristiques techniques"])
    );
    assert_eq!(
        docs["rh/grille-salariale-2026.docx"].title,
        "Grille salariale 2026 – CONFIDENTIEL"
    );
    assert_eq!(
        docs["personnel/accord-teletravail.odt"].title,
        "Accord d'entreprise relatif au télétravail"
    );
    // A CSV without a title of its own is named after its file.
    assert_eq!(
        docs["public/catalogue-produits.csv"].title,
        "Catalogue produits"
    );

    // Languages are detected per document.
    assert_eq!(
        docs["public/shipping-policy-eu.md"].language.as_deref(),
        Some("en")
    );
    assert_eq!(docs["public/livraison.md"].language.as_deref(), Some("fr"));
}

async fn a_second_sync_reads_nothing_again(t: &TestStore) {
    let root = demo_docs(t);
    let src = source("docs", &root, &["personnel"], false);
    let first = sync(t, &src).await;
    assert_eq!(first.added, 56);

    let second = sync(t, &src).await;
    assert_report(&second, 0, 0, 56, 0);
    assert_eq!(second.bytes_read, 0, "unchanged files were read again");
    assert!(second.failed.is_empty(), "{:?}", second.failed);
    assert!(documents(t, &src).await.values().all(|d| d.version == 1));
}

async fn a_file_rewritten_with_the_same_size_and_time_is_not_read_again(t: &TestStore) {
    let root = demo_docs(t);
    let src = source("docs", &root, &["personnel"], false);
    sync(t, &src).await;
    let path = root.join("public/livraison.md");
    let original = std::fs::read_to_string(&path).expect("read");
    let when = mtime(&path);

    // Same size, same modification time, other bytes: the sync trusts size and time and does
    // not open the file — which proves unchanged files are not read.
    let disguised = original.replace("Colissimo", "COLISSIMO");
    assert_eq!(disguised.len(), original.len());
    std::fs::write(&path, &disguised).expect("write");
    set_mtime(&path, when);
    let report = sync(t, &src).await;
    assert_report(&report, 0, 0, 56, 0);
    assert_eq!(report.bytes_read, 0);
    let doc = &documents(t, &src).await["public/livraison.md"];
    assert_eq!(doc.version, 1);
    assert!(passages(doc).contains("Colissimo") && !passages(doc).contains("COLISSIMO"));

    // Once its time moves, it is read and replaced.
    set_mtime(&path, when + std::time::Duration::from_secs(60));
    let report = sync(t, &src).await;
    assert_report(&report, 0, 1, 55, 0);
    assert_eq!(report.bytes_read, disguised.len() as u64);
    let doc = &documents(t, &src).await["public/livraison.md"];
    assert_eq!(doc.version, 2);
    assert!(passages(doc).contains("COLISSIMO") && !passages(doc).contains("Colissimo"));
}

async fn a_changed_file_is_replaced_and_its_old_passages_are_gone(t: &TestStore) {
    let root = demo_docs(t);
    let src = source("docs", &root, &["personnel"], false);
    sync(t, &src).await;
    let before = documents(t, &src).await;
    let path = root.join("public/livraison.md");
    let old = std::fs::read_to_string(&path).expect("read");
    let old_sentence = "Les commandes passées le week-end partent le lundi.";
    assert!(passages(&before["public/livraison.md"]).contains(old_sentence));

    let new = old.replace(
        old_sentence,
        "Les commandes passées le week-end partent le samedi suivant par drone.",
    ) + "\n## Livraison en vélo-cargo\n\nÀ Lyon et Villeurbanne, les colis arrivent en vélo-cargo.\n";
    rewrite(&path, new.as_bytes());
    let report = sync(t, &src).await;
    assert_report(&report, 0, 1, 55, 0);
    assert_eq!(report.bytes_read, new.len() as u64);

    let after = documents(t, &src).await;
    let doc = &after["public/livraison.md"];
    assert_eq!(doc.version, 2);
    assert_eq!(
        doc.id, before["public/livraison.md"].id,
        "replaced in place"
    );
    let text = passages(doc);
    assert!(
        !text.contains(old_sentence),
        "old text still in the passages"
    );
    assert!(
        !doc.body
            .as_deref()
            .unwrap_or_default()
            .contains(old_sentence)
    );
    assert!(text.contains("partent le samedi suivant par drone"));
    assert!(
        doc.chunks
            .iter()
            .any(
                |c| c.heading_path.last().map(String::as_str) == Some("Livraison en vélo-cargo")
                    && c.body.contains("vélo-cargo")
            )
    );
    // Ordinals start again from 0 with no leftovers of the old version.
    let ordinals: Vec<i64> = doc.chunks.iter().map(|c| c.ordinal).collect();
    assert_eq!(ordinals, (0..doc.chunks.len() as i64).collect::<Vec<_>>());
    // The others were not touched.
    for (path, d) in &after {
        if path != "public/livraison.md" {
            assert_eq!(
                (d.version, d.updated_at),
                (1, before[path].updated_at),
                "{path}"
            );
        }
    }
}

async fn deleted_files_and_folders_are_removed(t: &TestStore) {
    let root = demo_docs(t);
    let src = source("docs", &root, &["personnel"], false);
    sync(t, &src).await;
    let rh = files_under(&root.join("rh")).len();
    std::fs::remove_file(root.join("public/garantie.html")).expect("delete file");
    std::fs::remove_dir_all(root.join("rh")).expect("delete folder");

    let report = sync(t, &src).await;
    assert_report(&report, 0, 0, 56 - 1 - rh, 1 + rh);
    let docs = documents(t, &src).await;
    assert_eq!(docs.len(), 56 - 1 - rh);
    assert!(!docs.contains_key("public/garantie.html"));
    assert!(!docs.keys().any(|k| k.starts_with("rh/")));

    // Removed once: the next sync has nothing more to remove.
    assert_report(&sync(t, &src).await, 0, 0, 56 - 1 - rh, 0);
}

async fn folder_rules_set_the_access_of_their_subtree(t: &TestStore) {
    let root = demo_docs(t);
    std::fs::write(
        root.join("rh/.levier.toml"),
        "groups = [\"rh\", \"direction\"]\n",
    )
    .expect("rules");
    std::fs::write(
        root.join("public/.levier.toml"),
        "groups = [\"public\", \"personnel\"]\npublic = true\n",
    )
    .expect("rules");
    // A subfolder without rules inherits its parent's.
    std::fs::create_dir_all(root.join("rh/archives")).expect("folder");
    std::fs::copy(
        root.join("rh/processus-recrutement.md"),
        root.join("rh/archives/processus-recrutement-2025.md"),
    )
    .expect("copy");
    let src = source("docs", &root, &["personnel"], false);

    let report = sync(t, &src).await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.added, 57, "rules files are not documents");
    for (path, doc) in documents(t, &src).await {
        let (groups, public): (&[&str], bool) = if path.starts_with("rh/") {
            (&["direction", "rh"], false)
        } else if path.starts_with("public/") {
            (&["personnel", "public"], true)
        } else {
            (&["personnel"], false)
        };
        assert_eq!(doc.groups, groups, "{path}");
        assert_eq!(doc.public, public, "{path}");
    }
}

async fn a_changed_rules_file_reapplies_access_without_file_changes(t: &TestStore) {
    let root = demo_docs(t);
    let rules = root.join("rh/.levier.toml");
    std::fs::write(&rules, "groups = [\"rh\", \"direction\"]\n").expect("rules");
    let src = source("docs", &root, &["personnel"], false);
    sync(t, &src).await;
    let rh = files_under(&root.join("rh")).len() - 1;

    // Only the rules change: every file of the subtree gets the new access, none is re-read
    // for nothing elsewhere.
    std::fs::write(&rules, "groups = [\"rh\"]\n").expect("rules");
    let report = sync(t, &src).await;
    assert_report(&report, 0, rh, 56 - rh, 0);
    let rh_bytes: u64 = files_under(&root.join("rh"))
        .iter()
        .filter(|f| !f.ends_with(".levier.toml"))
        .map(|f| {
            std::fs::metadata(root.join("rh").join(f))
                .expect("size")
                .len()
        })
        .sum();
    assert_eq!(report.bytes_read, rh_bytes);
    let docs = documents(t, &src).await;
    for (path, doc) in &docs {
        if path.starts_with("rh/") {
            assert_eq!(
                (doc.groups.as_slice(), doc.version),
                (&["rh".to_string()][..], 2),
                "{path}"
            );
        } else {
            assert_eq!(
                (doc.groups.as_slice(), doc.version),
                (&["personnel".to_string()][..], 1),
                "{path}"
            );
        }
    }
    // The new access is remembered: nothing to do next time.
    let again = sync(t, &src).await;
    assert_report(&again, 0, 0, 56, 0);
    assert_eq!(again.bytes_read, 0);

    // Without its rules file the subtree goes back to the source's groups.
    std::fs::remove_file(&rules).expect("delete rules");
    assert_report(&sync(t, &src).await, 0, rh, 56 - rh, 0);
    assert!(
        documents(t, &src)
            .await
            .values()
            .all(|d| d.groups == ["personnel"])
    );

    // The source's own groups and visibility changing re-apply too.
    let src = source("docs", &root, &["personnel", "direction"], true);
    assert_report(&sync(t, &src).await, 0, 56, 0, 0);
    assert!(
        documents(t, &src)
            .await
            .values()
            .all(|d| d.groups == ["direction", "personnel"] && d.public)
    );
}

async fn broken_rules_stop_the_sync_and_unknown_groups_fail_alone(t: &TestStore) {
    let root = t.files.join("docs");
    copy_tree(&demo().join("docs/rh"), &root.join("rh"));
    copy_tree(&demo().join("docs/it"), &root.join("it"));
    let src = source("docs", &root, &["personnel"], false);

    // A rules file that does not parse stops the run before anything changes, naming the file.
    std::fs::write(root.join("rh/.levier.toml"), "groups = rh\n").expect("rules");
    let err = sync_folder(
        &t.store,
        &src,
        &Limits::default(),
        &ChunkOptions::default(),
        &mut Quiet,
    )
    .await
    .expect_err("invalid rules refused");
    assert!(
        matches!(&err, IngestError::Rules(m) if m.contains(".levier.toml")),
        "{err}"
    );
    assert!(documents(t, &src).await.is_empty());
    std::fs::write(
        root.join("rh/.levier.toml"),
        "groups = [\"rh\"]\nreaders = []\n",
    )
    .expect("rules");
    let err = sync_folder(
        &t.store,
        &src,
        &Limits::default(),
        &ChunkOptions::default(),
        &mut Quiet,
    )
    .await
    .expect_err("unknown keys refused");
    assert!(
        matches!(&err, IngestError::Rules(m) if m.contains("readers")),
        "{err}"
    );

    // A group that does not exist: that subtree's files fail, each with the reason; the
    // rest goes in.
    std::fs::write(root.join("rh/.levier.toml"), "groups = [\"paie\"]\n").expect("rules");
    let report = sync(t, &src).await;
    let rh = files_under(&root.join("rh")).len() - 1;
    let it = files_under(&root.join("it")).len();
    assert_report(&report, it, 0, 0, 0);
    assert_eq!(report.failed.len(), rh, "{:?}", report.failed);
    assert!(
        failure(&report, "rh/procedure-disciplinaire.pdf").contains("unknown group 'paie'"),
        "{:?}",
        report.failed
    );

    // Fixed: they go in.
    std::fs::write(root.join("rh/.levier.toml"), "groups = [\"rh\"]\n").expect("rules");
    let report = sync(t, &src).await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_report(&report, rh, 0, it, 0);
}

async fn unreadable_files_fail_alone_with_their_reason(t: &TestStore) {
    let root = t.files.join("docs");
    copy_tree(&demo().join("docs/public"), &root);
    let good = files_under(&root).len();
    std::fs::write(
        root.join("tarifs-casses.pdf"),
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n\x00\x13garbage without xref\n",
    )
    .expect("write");
    std::fs::write(root.join("vide.md"), b"").expect("write");
    let binary: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(root.join("notes.txt"), &binary).expect("write");
    std::fs::create_dir_all(root.join("images")).expect("folder");
    std::fs::write(
        root.join("images/photo.txt"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    )
    .expect("write");
    let src = source("public", &root, &["public"], true);

    let report = sync(t, &src).await;
    assert_report(&report, good, 0, 0, 0);
    assert_eq!(report.failed.len(), 4, "{:?}", report.failed);
    for (path, why) in [
        ("tarifs-casses.pdf", "corrupt or truncated PDF"),
        ("vide.md", "empty file"),
        ("notes.txt", "binary content"),
        ("images/photo.txt", "PNG image"),
    ] {
        let reason = failure(&report, path);
        assert!(reason.contains(why), "{path}: {reason:?}");
    }
    let docs = documents(t, &src).await;
    assert_eq!(docs.len(), good);
    assert!(!docs.contains_key("vide.md") && !docs.contains_key("notes.txt"));

    // They keep failing, and are reported, until fixed; the good files stay unchanged.
    let again = sync(t, &src).await;
    assert_report(&again, 0, 0, good, 0);
    assert_eq!(again.failed.len(), 4, "{:?}", again.failed);
    rewrite(&root.join("vide.md"), b"# Notes\n\nEnfin du contenu.\n");
    let fixed = sync(t, &src).await;
    assert_report(&fixed, 1, 0, good, 0);
    assert_eq!(fixed.failed.len(), 3);

    // A file above the size limit is refused without being read.
    let limits = Limits {
        max_input_bytes: 50_000,
        ..Limits::default()
    };
    let big = root.join("gros.md");
    std::fs::write(
        &big,
        "# Gros\n\n".to_string() + &"Une ligne de texte.\n".repeat(5_000),
    )
    .expect("write");
    let report = sync_with(t, &src, &limits).await;
    assert!(
        failure(&report, "gros.md").contains("limit"),
        "{:?}",
        report.failed
    );
    assert_eq!(report.added, 0);
    // Only the files still failing were read again; the big one was refused by its size.
    let failing: u64 = ["tarifs-casses.pdf", "notes.txt", "images/photo.txt"]
        .iter()
        .map(|f| std::fs::metadata(root.join(f)).expect("size").len())
        .sum();
    assert_eq!(report.bytes_read, failing, "gros.md was read");
}

async fn a_file_that_becomes_unreadable_keeps_its_previous_version(t: &TestStore) {
    let root = t.files.join("docs");
    copy_tree(&demo().join("docs/public"), &root);
    let count = files_under(&root).len();
    let src = source("public", &root, &["public"], true);
    sync(t, &src).await;
    let before = documents(t, &src).await["fiche-produit-alto.pdf"].clone();

    // Overwritten by a broken copy: reported, and the good version stays searchable.
    let pdf = root.join("fiche-produit-alto.pdf");
    let good = std::fs::read(&pdf).expect("read");
    rewrite(&pdf, &good[..good.len() / 3]);
    let report = sync(t, &src).await;
    assert_report(&report, 0, 0, count - 1, 0);
    assert!(!failure(&report, "fiche-produit-alto.pdf").is_empty());
    let kept = &documents(t, &src).await["fiche-produit-alto.pdf"];
    assert_eq!(kept, &before);

    // Emptied (a copy in progress): kept too.
    rewrite(&pdf, b"");
    let report = sync(t, &src).await;
    assert_eq!(report.removed, 0);
    assert!(failure(&report, "fiche-produit-alto.pdf").contains("empty"));
    assert_eq!(&documents(t, &src).await["fiche-produit-alto.pdf"], &before);

    // Deleted: now it goes.
    std::fs::remove_file(&pdf).expect("delete");
    assert_report(&sync(t, &src).await, 0, 0, count - 1, 1);
}

/// A copy of `demo/emails/archive.mbox` in its own folder.
fn mailbox(t: &TestStore) -> (PathBuf, String) {
    let root = t.files.join("mail");
    std::fs::create_dir_all(&root).expect("folder");
    let text = std::fs::read_to_string(demo().join("emails/archive.mbox")).expect("read mbox");
    std::fs::write(root.join("archive.mbox"), &text).expect("write");
    for eml in ["msg-001.eml", "msg-002.eml"] {
        std::fs::copy(demo().join("emails").join(eml), root.join(eml)).expect("copy");
    }
    (root, text)
}

/// The mailbox's messages, each with its `From ` line.
fn messages(mbox: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in mbox.split_inclusive('\n') {
        if line.starts_with("From ") || out.is_empty() {
            out.push(String::new());
        }
        if let Some(last) = out.last_mut() {
            last.push_str(line);
        }
    }
    out
}

async fn a_mailbox_gives_one_document_per_message(t: &TestStore) {
    let (root, text) = mailbox(t);
    assert_eq!(messages(&text).len(), 13);
    let src = source("mail", &root, &["personnel"], false);
    let report = sync(t, &src).await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_report(&report, 13 + 2, 0, 0, 0);

    let docs = documents(t, &src).await;
    let mut expected: Vec<String> = (1..=13).map(|n| format!("archive.mbox#{n}")).collect();
    expected.extend(["msg-001.eml".to_string(), "msg-002.eml".to_string()]);
    expected.sort();
    assert_eq!(docs.keys().cloned().collect::<Vec<_>>(), expected);
    for n in 1..=13 {
        let doc = &docs[&format!("archive.mbox#{n}")];
        assert_eq!(doc.media_type, "message/rfc822", "#{n}");
        assert!(!doc.chunks.is_empty(), "#{n}");
    }
    // Subjects, decoded from their MIME encodings, are the titles.
    assert_eq!(docs["archive.mbox#1"].title, "Fauteuil Orbe XL en stock ?");
    assert_eq!(
        docs["archive.mbox#2"].title,
        "Livraison prévue hier, rien reçu"
    );
    assert_eq!(
        docs["archive.mbox#13"].title,
        "Délai pour un bureau Alto Angle"
    );
    assert!(
        passages(&docs["archive.mbox#3"]).contains("cassé")
            || docs["archive.mbox#3"].title.contains("cassé")
    );

    // Unchanged: not read again.
    let again = sync(t, &src).await;
    assert_report(&again, 0, 0, 15, 0);
    assert_eq!(again.bytes_read, 0);
}

async fn messages_removed_from_a_mailbox_are_removed(t: &TestStore) {
    let (root, text) = mailbox(t);
    let src = source("mail", &root, &["personnel"], false);
    sync(t, &src).await;
    let before = documents(t, &src).await;

    // The last three messages are deleted from the mailbox.
    let kept: String = messages(&text)[..10].concat();
    rewrite(&root.join("archive.mbox"), kept.as_bytes());
    let report = sync(t, &src).await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_report(&report, 0, 0, 10 + 2, 3);
    let after = documents(t, &src).await;
    for n in 1..=13 {
        let id = format!("archive.mbox#{n}");
        if n <= 10 {
            assert_eq!(after[&id].version, 1, "{id} kept as it was");
            assert_eq!(after[&id].id, before[&id].id);
        } else {
            assert!(!after.contains_key(&id), "{id} should be gone");
        }
    }

    // The mailbox deleted: all its messages go.
    std::fs::remove_file(root.join("archive.mbox")).expect("delete");
    assert_report(&sync(t, &src).await, 0, 0, 2, 10);
    assert_eq!(documents(t, &src).await.len(), 2);
}

async fn a_message_that_becomes_unreadable_keeps_its_previous_version(t: &TestStore) {
    let (root, text) = mailbox(t);
    let src = source("mail", &root, &["personnel"], false);
    sync(t, &src).await;
    let before = documents(t, &src).await["archive.mbox#5"].clone();

    // Message 5 damaged in place (its text replaced by binary bytes): it fails alone and keeps
    // its previous version; the other messages are unchanged.
    let mut messages = messages(&text);
    let from_line = messages[4].lines().next().expect("From line").to_string();
    messages[4] = format!(
        "{from_line}\nSubject: x\n\n{}\n\n",
        "\0\u{1}\u{2}".repeat(300)
    );
    rewrite(&root.join("archive.mbox"), messages.concat().as_bytes());
    let report = sync(t, &src).await;
    assert_report(&report, 0, 0, 12 + 2, 0);
    assert!(!failure(&report, "archive.mbox#5").is_empty());
    assert_eq!(documents(t, &src).await["archive.mbox#5"], before);
}

/// The demo FAQ (76 questions) with two broken rows after it, on lines 78 and 79, with the
/// given line ending.
fn faq_with_broken_rows(line_end: &str) -> String {
    let csv = std::fs::read_to_string(demo().join("faq.csv")).expect("read faq");
    assert_eq!(csv.lines().count(), 77, "header and 76 questions");
    let mut csv = csv.replace("\r\n", "\n").replace('\n', line_end);
    csv.push_str("Une question sans réponse ?,,divers,fr,");
    csv.push_str(line_end);
    csv.push_str("Livrez-vous en Suisse ?,Non pas encore.,livraison,suisse-romande,");
    csv.push_str(line_end);
    csv
}

async fn an_faq_csv_imports_entries_and_reports_broken_rows(t: &TestStore) {
    let root = t.files.join("faq");
    std::fs::create_dir_all(&root).expect("folder");
    let mut csv = faq_with_broken_rows("\n");
    std::fs::write(root.join("faq.csv"), &csv).expect("write");
    // A CSV that is not an FAQ is only a document.
    std::fs::copy(
        demo().join("docs/public/catalogue-produits.csv"),
        root.join("catalogue-produits.csv"),
    )
    .expect("copy");
    let src = source("faq", &root, &["public"], true);

    let report = sync(t, &src).await;
    assert_eq!(report.faq_entries, 76, "{report:?}");
    assert_eq!(report.added, 2, "both CSV files are documents too");
    assert_eq!(report.failed.len(), 2, "{:?}", report.failed);
    assert!(
        failure(&report, "faq.csv line 78").contains("empty answer"),
        "{:?}",
        report.failed
    );
    assert!(failure(&report, "faq.csv line 79").contains("suisse-romande"));
    assert_eq!(t.store.counts().await.expect("counts").faq_entries, 76);
    let entry = t
        .store
        .faq_entry_by_question("Quels sont les délais de livraison ?")
        .await
        .expect("look up");
    assert!(entry.is_some());

    // Changed (a row fixed): read again, nothing imported twice.
    csv = csv.replace(
        "Une question sans réponse ?,,",
        "Une question sans réponse ?,Elle en a une maintenant.,",
    );
    rewrite(&root.join("faq.csv"), csv.as_bytes());
    let report = sync(t, &src).await;
    assert_eq!((report.faq_entries, report.updated), (1, 1), "{report:?}");
    assert_eq!(report.failed.len(), 1);
    assert_eq!(t.store.counts().await.expect("counts").faq_entries, 77);
}

/// Spreadsheets save CSV with Windows line endings (the demo FAQ has them): broken rows must
/// still be reported on their own line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faq_rows_are_reported_on_their_line_with_windows_line_endings() {
    let t = common::sqlite().await;
    let root = t.files.join("faq");
    std::fs::create_dir_all(&root).expect("folder");
    std::fs::write(root.join("faq.csv"), faq_with_broken_rows("\r\n")).expect("write");
    let report = sync(&t, &source("faq", &root, &["public"], true)).await;
    assert_eq!(report.faq_entries, 76, "{report:?}");
    assert!(
        failure(&report, "faq.csv line 78").contains("empty answer"),
        "{:?}",
        report.failed
    );
    assert!(failure(&report, "faq.csv line 79").contains("suisse-romande"));
}

#[cfg(unix)]
async fn symbolic_links_and_hidden_files_are_not_followed(t: &TestStore) {
    let root = t.files.join("docs");
    copy_tree(&demo().join("docs/it"), &root);
    let count = files_under(&root).len();
    // Outside the source: must never be read through a link.
    let outside = t.files.join("secret");
    copy_tree(&demo().join("docs/rh"), &outside);
    std::os::unix::fs::symlink(
        outside.join("grille-salariale-2026.docx"),
        root.join("grille.docx"),
    )
    .expect("file link");
    std::os::unix::fs::symlink(&outside, root.join("rh")).expect("folder link");
    std::os::unix::fs::symlink(root.join("nowhere.md"), root.join("broken.md"))
        .expect("dangling link");
    std::fs::write(
        root.join(".brouillon.md"),
        "# Brouillon\n\nPas encore prêt.\n",
    )
    .expect("hidden file");
    std::fs::create_dir_all(root.join(".git")).expect("hidden folder");
    std::fs::write(root.join(".git/notes.md"), "# Interne\n\nNe pas indexer.\n")
        .expect("hidden file");
    let src = source("it", &root, &["it"], false);

    let report = sync(t, &src).await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_report(&report, count, 0, 0, 0);
    let docs = documents(t, &src).await;
    assert!(
        docs.keys().all(|k| !k.contains("grille")
            && !k.starts_with("rh/")
            && !k.starts_with('.')
            && !k.contains("broken")),
        "{:?}",
        docs.keys()
    );
    assert!(
        docs.values()
            .all(|d| !passages(d).contains("Grille salariale"))
    );
}

#[cfg(not(unix))]
async fn symbolic_links_and_hidden_files_are_not_followed(_: &TestStore) {}

/// Stops the run when `limit` files have been handled.
struct StopAfter {
    limit: usize,
    calls: Vec<(usize, usize, String)>,
}

impl Progress for StopAfter {
    async fn report(
        &mut self,
        done: usize,
        total: usize,
        current: &str,
    ) -> Result<(), IngestError> {
        self.calls.push((done, total, current.to_string()));
        if done >= self.limit {
            return Err(IngestError::Stopped("cancelled by the test".into()));
        }
        Ok(())
    }
}

async fn a_stopped_sync_keeps_what_it_stored_and_the_next_one_resumes(t: &TestStore) {
    let root = demo_docs(t);
    let src = source("docs", &root, &["personnel"], false);
    let mut stop = StopAfter {
        limit: 20,
        calls: Vec::new(),
    };
    let err = sync_folder(
        &t.store,
        &src,
        &Limits::default(),
        &ChunkOptions::default(),
        &mut stop,
    )
    .await
    .expect_err("stopped");
    assert!(matches!(err, IngestError::Stopped(_)), "{err}");
    // It heard of each file before reading it, in order, with the total.
    assert_eq!(stop.calls.len(), 21);
    let files = files_under(&root);
    for (i, (done, total, current)) in stop.calls.iter().enumerate() {
        assert_eq!(
            (*done, *total, current.as_str()),
            (i, 56, files[i].as_str())
        );
    }
    assert_eq!(documents(t, &src).await.len(), 20, "what was stored stays");

    // Run again (a task retried after a crash or a cancel): the rest goes in.
    let report = sync(t, &src).await;
    assert_report(&report, 36, 0, 20, 0);

    // A sync stopped before the end removes nothing, even when files vanished.
    std::fs::remove_dir_all(root.join("public")).expect("delete");
    let mut stop = StopAfter {
        limit: 3,
        calls: Vec::new(),
    };
    sync_folder(
        &t.store,
        &src,
        &Limits::default(),
        &ChunkOptions::default(),
        &mut stop,
    )
    .await
    .expect_err("stopped");
    assert_eq!(documents(t, &src).await.len(), 56);
}

/// A file saved again without change (or a folder copied anew, every time changed) is read
/// once more, found unchanged, and from then on skipped again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_touched_but_unchanged_file_is_read_once_then_skipped_again() {
    let t = common::sqlite().await;
    let root = t.files.join("docs");
    copy_tree(&demo().join("docs/public"), &root);
    let src = source("public", &root, &["public"], true);
    let count = sync(&t, &src).await.added;

    let path = root.join("livraison.md");
    set_mtime(&path, mtime(&path) + std::time::Duration::from_secs(60));
    let report = sync(&t, &src).await;
    assert_report(&report, 0, 0, count, 0);
    assert!(report.bytes_read > 0, "the touched file is read");
    let report = sync(&t, &src).await;
    assert_eq!(
        report.bytes_read, 0,
        "read again although nothing changed since"
    );

    // A message added to a mailbox: the mailbox is read, then skipped again.
    let mbox = root.join("archive.mbox");
    let text = std::fs::read_to_string(demo().join("emails/archive.mbox")).expect("read");
    let messages = messages(&text);
    std::fs::write(&mbox, messages[..12].concat()).expect("write");
    assert_eq!(sync(&t, &src).await.added, 12);
    rewrite(&mbox, text.as_bytes());
    let report = sync(&t, &src).await;
    assert_report(&report, 1, 0, count + 12, 0);
    let report = sync(&t, &src).await;
    assert_eq!(
        report.bytes_read, 0,
        "mailbox read again although nothing changed since"
    );
}
