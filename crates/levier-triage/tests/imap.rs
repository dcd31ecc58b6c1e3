//! `levier triage watch`'s poll against a real IMAP server (Debian's dovecot, started here by
//! `scripts/imap-server`, or the one `LEVIER_TEST_IMAP_URL` names, password `levier`): delivered mails
//! become routed tickets, a second poll and a restart read nothing again, a duplicate delivery
//! is stored once, a wrong password is refused without being shown. (Unreadable messages are
//! covered by `tests/import.rs`: the poll reports them the same way and moves past them.)

mod common;

use common::demo_model;
use levier_store::mail::MailQuery;
use levier_triage::{ImapAccount, Importer, poll_once};
use std::path::Path;

const PASSWORD: &str = "levier";

/// A throwaway dovecot started for this test (`scripts/imap-server`), stopped when dropped.
struct ImapServer {
    dir: tempfile::TempDir,
}

impl Drop for ImapServer {
    fn drop(&mut self) {
        let _ = std::process::Command::new(script())
            .args(["stop"])
            .arg(self.dir.path())
            .status();
    }
}

fn script() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/imap-server")
}

/// The server's address: `LEVIER_TEST_IMAP_URL`, else a dovecot started here when it is
/// installed; without either the test says so loudly, and fails under CI.
fn server() -> Option<(String, Option<ImapServer>)> {
    if let Ok(url) = std::env::var("LEVIER_TEST_IMAP_URL")
        && !url.is_empty()
    {
        return Some((url, None));
    }
    if Path::new("/usr/sbin/dovecot").exists() {
        let dir = tempfile::tempdir().expect("dir");
        let out = std::process::Command::new(script())
            .arg("start")
            .arg(dir.path())
            .output()
            .expect("scripts/imap-server");
        let url = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        assert!(
            out.status.success() && url.starts_with("imap://"),
            "scripts/imap-server failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return Some((url, Some(ImapServer { dir })));
    }
    assert!(
        std::env::var("CI").is_err(),
        "no IMAP server in CI: install dovecot-imapd or set LEVIER_TEST_IMAP_URL"
    );
    eprintln!("*** IMAP NOT TESTED: install dovecot-imapd or set LEVIER_TEST_IMAP_URL ***");
    None
}

/// Delivers `raw` into a folder of its own (so test runs never see each other's mail).
async fn deliver(account: &ImapAccount, raw: &[u8]) {
    let tcp = tokio::net::TcpStream::connect((account.host.as_str(), account.port))
        .await
        .expect("connect");
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await.expect("greeting");
    let mut session = client
        .login(&account.user, PASSWORD)
        .await
        .map_err(|(e, _)| e)
        .expect("login");
    let _ = session.create(&account.folder).await;
    session
        .append(&account.folder, None, None, raw)
        .await
        .expect("append");
    session.logout().await.expect("logout");
}

fn mail(id: &str, subject: &str, text: &str) -> Vec<u8> {
    format!(
        "From: Client <client@exemple.fr>\r\nTo: contact@ergolis.fr\r\nSubject: {subject}\r\n\
         Message-ID: <{id}@exemple.fr>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
    )
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivered_mails_become_tickets_once_across_polls_and_restarts() {
    let Some((url, _server)) = server() else {
        return;
    };
    let folder = format!("t{}", std::process::id());
    let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
    let account = ImapAccount::parse(&format!("{base}/{folder}"), PASSWORD.into()).expect("url");
    let dir = tempfile::tempdir().expect("dir");
    let model = demo_model();

    deliver(
        &account,
        &mail(
            "a",
            "Colis non reçu",
            "Ma commande 1234 n'est jamais arrivée.",
        ),
    )
    .await;
    deliver(
        &account,
        &mail(
            "b",
            "Facture en double",
            "J'ai reçu deux fois la facture F-88.",
        ),
    )
    .await;
    deliver(
        &account,
        &mail(
            "a",
            "Colis non reçu",
            "Ma commande 1234 n'est jamais arrivée.",
        ),
    )
    .await;

    let store = common::store(dir.path()).await;
    let importer = Importer::new(&store, &model).await.expect("importer");
    let first = poll_once(&store, &importer, &account).await.expect("poll");
    assert_eq!(first.read, 3, "{first:?}");
    assert_eq!(
        (first.stored, first.already_stored),
        (2, 1),
        "duplicate delivery: {first:?}"
    );
    assert!(first.errors.is_empty(), "{first:?}");
    assert_eq!(first.routed, 2);
    let again = poll_once(&store, &importer, &account)
        .await
        .expect("poll again");
    assert_eq!(again.read, 0, "nothing read twice: {again:?}");
    store.close().await;

    // A restart remembers where it was; a new mail is the only one read.
    deliver(
        &account,
        &mail(
            "c",
            "Devis",
            "Pouvez-vous m'envoyer un devis pour 20 chaises ?",
        ),
    )
    .await;
    let store = common::store(dir.path()).await;
    let importer = Importer::new(&store, &model).await.expect("importer");
    let after = poll_once(&store, &importer, &account)
        .await
        .expect("poll after restart");
    assert_eq!(
        (after.read, after.stored, after.routed),
        (1, 1, 1),
        "{after:?}"
    );
    let mails = store.mails(&MailQuery::default()).await.expect("mails");
    assert_eq!(mails.len(), 3);
    assert!(mails.iter().all(|m| m.ticket_id.is_some()));
    assert!(mails[0].mail.source.starts_with("imap:"));

    let wrong = ImapAccount {
        password: "not-the-password".into(),
        ..account.clone()
    };
    let err = poll_once(&store, &importer, &wrong)
        .await
        .expect_err("refused");
    let text = err.to_string();
    assert!(text.contains("login refused"), "{text}");
    assert!(!text.contains("not-the-password"), "{text}");
    store.close().await;
}
