//! Uploads as an attacker sends them, through the real router over a real SQLite store: file
//! names that try to leave the data directory, content that lies about its type (by name or by
//! `Content-Type`), an executable named `.txt`, a zip bomb named `.docx`. Nothing is written
//! outside the installation, stored names are bare file names, the reader follows the bytes
//! (or the file is refused with a reason), and the batch's other files go through.

mod support;

use axum::http::StatusCode;
use levier_core::Role;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use support::{Reply, Req, TestApp, Who};

/// One file part: name as sent, its `Content-Type`, its bytes.
struct Part<'a> {
    name: &'a str,
    content_type: &'a str,
    bytes: Vec<u8>,
}

impl<'a> Part<'a> {
    fn new(name: &'a str, content_type: &'a str, bytes: impl Into<Vec<u8>>) -> Part<'a> {
        Part {
            name,
            content_type,
            bytes: bytes.into(),
        }
    }
}

/// A `multipart/form-data` body sharing `parts` with group `tous`.
fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "levierboundary7";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"group\"\r\n\r\ntous\r\n")
            .into_bytes();
    for p in parts {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                p.name, p.content_type
            )
            .as_bytes(),
        );
        body.extend_from_slice(&p.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn admin(app: &TestApp) -> Who {
    app.store
        .upsert_group("tous", "Tous", "")
        .await
        .expect("group");
    let session = Who::Session(app.login(Role::Admin).await);
    Who::Token(app.create_token(&session, "uploads", Role::Admin).await.1)
}

async fn upload(app: &TestApp, who: &Who, parts: &[Part<'_>]) -> Reply {
    let (content_type, body) = multipart(parts);
    app.send(
        Req::post("/api/v1/documents")
            .auth(who)
            .body(&content_type, body),
    )
    .await
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> BTreeSet<PathBuf> {
    let mut found = BTreeSet::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.insert(path);
        }
    }
    found
}

/// The uploaded documents: (stored name, media type).
async fn stored(app: &TestApp) -> Vec<(String, String)> {
    let sources = app.store.source_names().await.expect("sources");
    let Some((&uploads, _)) = sources.iter().find(|(_, n)| n.as_str() == "uploads") else {
        return Vec::new();
    };
    app.store
        .documents_of_source(uploads)
        .await
        .expect("documents")
        .into_iter()
        .map(|d| (d.external_id, d.media_type))
        .collect()
}

/// The failure reported for a file, if any.
fn failure(report: &serde_json::Value, name: &str) -> Option<String> {
    report["failed"]
        .as_array()?
        .iter()
        .find(|f| f["path"] == name)
        .map(|f| f["reason"].as_str().unwrap_or_default().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_names_cannot_leave_the_data_dir_and_are_stored_bare() {
    let app = TestApp::new().await;
    let who = admin(&app).await;
    let tag = format!("levier-escape-{}", std::process::id());
    let outside = std::env::temp_dir().join(format!("{tag}.md"));
    let before = files_under(app.root());
    let long = format!("{}.md", "a".repeat(300));
    let names = [
        format!("../../../../../../tmp/{tag}.md"),
        format!("/tmp/{tag}-absolu.md"),
        format!("..\\..\\..\\{tag}-windows.md"),
        format!("C:\\Users\\x\\{tag}-lecteur.md"),
        format!("./.{tag}-cache.md"),
        "..".to_string(),
        long.clone(),
        "ok.md".to_string(),
    ];
    let parts: Vec<Part<'_>> = names
        .iter()
        .map(|n| Part::new(n, "text/markdown", format!("# {n}\n\nUn texte de test.")))
        .collect();
    let r = upload(&app, &who, &parts).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let report = r.json();
    for unusable in ["..", long.as_str()] {
        let reason = failure(&report, unusable).unwrap_or_else(|| panic!("{unusable}: {report}"));
        assert!(reason.contains("file name"), "{reason}");
    }
    assert_eq!(report["added"], 6, "{report}");

    let names: Vec<String> = stored(&app).await.into_iter().map(|(n, _)| n).collect();
    assert!(names.contains(&"ok.md".to_string()), "{names:?}");
    assert!(names.contains(&format!("{tag}.md")), "{names:?}");
    for name in &names {
        assert!(
            !name.contains(['/', '\\', '\0']) && !name.starts_with('.') && name.len() <= 255,
            "stored name {name:?}"
        );
    }
    // Nothing was written outside the installation, and inside it only the store's own files.
    assert!(!outside.exists(), "{} was written", outside.display());
    let after = files_under(app.root());
    for new in after.difference(&before) {
        let name = new.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        assert!(
            new.starts_with(app.root().join("data")) && !name.contains(&tag),
            "an upload wrote {}",
            new.display()
        );
    }
    let tmp = files_under(&std::env::temp_dir());
    assert!(
        !tmp.iter().any(|p| p.to_string_lossy().contains(&tag)),
        "an upload escaped into {}",
        std::env::temp_dir().display()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_characters_in_a_name_are_dropped_or_the_upload_refused() {
    let app = TestApp::new().await;
    let who = admin(&app).await;
    let parts = [
        Part::new("rap\0port.md", "text/markdown", "# Rapport\n\nTexte."),
        Part::new("ligne\tsuivante.md", "text/markdown", "# Ligne\n\nTexte."),
    ];
    let r = upload(&app, &who, &parts).await;
    // A raw NUL in a header is malformed HTTP: refusing the whole request is fine, as long as
    // it is a clear 400 and nothing is stored.
    if r.status == StatusCode::BAD_REQUEST {
        assert!(r.is_problem(), "{}", r.body);
        assert!(stored(&app).await.is_empty());
        return;
    }
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    for (name, _) in stored(&app).await {
        assert!(!name.chars().any(char::is_control), "{name:?}");
    }
}

/// A zip archive whose `word/document.xml` inflates from about 100 KB to 200 MB.
fn zip_bomb() -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", deflated)
        .expect("zip in memory");
    zip.write_all(b"<Types/>").expect("zip in memory");
    zip.start_file("word/document.xml", deflated.large_file(true))
        .expect("zip in memory");
    zip.write_all(b"<w:document><w:body><w:p><w:r><w:t>")
        .expect("zip in memory");
    let block = vec![b'a'; 1 << 20];
    for _ in 0..200 {
        zip.write_all(&block).expect("zip in memory");
    }
    zip.write_all(b"</w:t></w:r></w:p></w:body></w:document>")
        .expect("zip in memory");
    zip.finish().expect("zip in memory").into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reader_follows_the_bytes_not_the_name_or_the_content_type() {
    let app = TestApp::new().await;
    let who = admin(&app).await;
    let html = "<html><body><script>alert(1)</script><p>Page piégée</p></body></html>";
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    exe.extend_from_slice(&[0u8; 48]);
    exe.extend_from_slice(b"This program cannot be run in DOS mode.\r\r\n$\0\0\0PE\0\0");
    exe.extend_from_slice(&[0u8; 512]);
    let elf = {
        let mut b = b"\x7FELF\x02\x01\x01".to_vec();
        b.extend_from_slice(&[0u8; 256]);
        b
    };
    let png = {
        let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
        b.extend_from_slice(&[0u8; 64]);
        b
    };
    let parts = [
        // A "PDF" that is an HTML page with a script.
        Part::new("rapport.pdf", "application/pdf", html),
        // Executables and an image named as text.
        Part::new("setup.txt", "text/plain", exe),
        Part::new("outil.txt", "text/plain", elf),
        Part::new("photo.txt", "text/plain", png),
        // A zip bomb named as a Word document.
        Part::new(
            "bombe.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            zip_bomb(),
        ),
        // Plain text whose header claims PDF, and a real Markdown file.
        Part::new("lettre.txt", "application/pdf", "Bonjour, voici la lettre."),
        Part::new("note.md", "text/html", "# Note\n\nUne note de service."),
    ];
    let r = upload(&app, &who, &parts).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let report = r.json();

    for (name, says) in [
        ("rapport.pdf", "PDF"),
        ("outil.txt", "executable"),
        ("photo.txt", "PNG"),
        ("bombe.docx", "exceeds"),
        ("setup.txt", "binary"),
    ] {
        let reason = failure(&report, name).unwrap_or_else(|| panic!("{name} accepted: {report}"));
        assert!(!reason.trim().is_empty(), "{name}: no reason");
        assert!(reason.contains(says), "{name}: {reason}");
    }

    let stored = stored(&app).await;
    let media = |name: &str| {
        stored
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, m)| m.clone())
    };
    // The header's claim is ignored: the bytes and the name decide.
    assert_eq!(
        media("lettre.txt").as_deref(),
        Some("text/plain"),
        "{stored:?}"
    );
    assert_eq!(
        media("note.md").as_deref(),
        Some("text/markdown"),
        "{stored:?}"
    );
    assert_eq!(report["added"], 2, "{report}");
    for refused in [
        "rapport.pdf",
        "setup.txt",
        "outil.txt",
        "photo.txt",
        "bombe.docx",
    ] {
        assert!(media(refused).is_none(), "{refused} was stored: {stored:?}");
    }
}
