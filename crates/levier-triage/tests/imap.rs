//! `levier triage watch`'s mailbox against a real IMAP server (Debian's dovecot, started here
//! by `scripts/imap-server`, or the one `LEVIER_TEST_IMAP_URL` names, password `levier`):
//! delivered mails become routed tickets, a second poll and a restart read nothing again, a
//! duplicate delivery is stored once, a wrong password is refused without being shown; mail is
//! read over STARTTLS and TLS when the test authority is trusted, refused with the reason when
//! it is not; in IDLE a new mail is read without waiting for the (hour-long) poll interval; a
//! server that drops the connection mid-fetch costs an error, and the next poll goes on from
//! where it stopped; once stored, messages are flagged or moved when asked.
//! (Unreadable messages are covered by `tests/import.rs`: the poll reports them the same way
//! and moves past them.)

mod common;

use common::demo_model;
use levier_store::mail::MailQuery;
use levier_triage::{ImapAccount, ImapSecurity, ImapWatch, Importer, poll_once};
use std::path::{Path, PathBuf};
use std::time::Duration;

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

/// The server to test against: its plain address, and its TLS port and authority when it was
/// started here.
struct Server {
    url: String,
    tls: Option<(u16, PathBuf)>,
    _dovecot: Option<ImapServer>,
}

impl Server {
    /// The account of a folder of its own (so test runs never see each other's mail).
    fn account(&self, folder: &str) -> ImapAccount {
        let base = self
            .url
            .rsplit_once('/')
            .map_or(self.url.as_str(), |(b, _)| b);
        let folder = format!("{folder}{}", std::process::id());
        ImapAccount::parse(&format!("{base}/{folder}"), PASSWORD.into()).expect("url")
    }

    /// The same folder over TLS (`security`: TLS on the imaps port, or STARTTLS on the plain
    /// one), trusting the test authority; None (said loudly) when the server has no TLS here.
    fn tls_account(&self, plain: &ImapAccount, security: ImapSecurity) -> Option<ImapAccount> {
        let Some((tls_port, ca)) = &self.tls else {
            eprintln!("*** IMAP TLS NOT TESTED: LEVIER_TEST_IMAP_URL names a plain server ***");
            return None;
        };
        Some(ImapAccount {
            port: if security == ImapSecurity::Tls {
                *tls_port
            } else {
                plain.port
            },
            security,
            ca_file: Some(ca.clone()),
            ..plain.clone()
        })
    }
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/imap-server")
}

/// The server: `LEVIER_TEST_IMAP_URL`, else a dovecot started here when it is installed;
/// without either the test says so loudly, and fails under CI.
fn server() -> Option<Server> {
    if let Ok(url) = std::env::var("LEVIER_TEST_IMAP_URL")
        && !url.is_empty()
    {
        return Some(Server {
            url,
            tls: None,
            _dovecot: None,
        });
    }
    if Path::new("/usr/sbin/dovecot").exists() {
        let dir = tempfile::tempdir().expect("dir");
        let out = std::process::Command::new(script())
            .arg("start")
            .arg(dir.path())
            .output()
            .expect("scripts/imap-server");
        let dovecot = ImapServer { dir };
        let stdout = String::from_utf8_lossy(&out.stdout);
        let url = stdout.lines().next().unwrap_or_default().trim().to_owned();
        assert!(
            out.status.success() && url.starts_with("imap://"),
            "scripts/imap-server failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let field = |name: &str| {
            stdout
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .unwrap_or_else(|| panic!("scripts/imap-server printed no {name} line: {stdout}"))
                .trim()
                .to_owned()
        };
        let imaps = ImapAccount::parse(&field("imaps:"), String::new()).expect("imaps url");
        let ca = PathBuf::from(field("ca:"));
        return Some(Server {
            url,
            tls: Some((imaps.port, ca)),
            _dovecot: Some(dovecot),
        });
    }
    assert!(
        std::env::var("CI").is_err(),
        "no IMAP server in CI: install dovecot-imapd or set LEVIER_TEST_IMAP_URL"
    );
    eprintln!("*** IMAP NOT TESTED: install dovecot-imapd or set LEVIER_TEST_IMAP_URL ***");
    None
}

/// A session on the account's server, logged in over plain IMAP (the test's own access).
async fn login(account: &ImapAccount) -> async_imap::Session<tokio::net::TcpStream> {
    let tcp = tokio::net::TcpStream::connect((account.host.as_str(), account.port))
        .await
        .expect("connect");
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await.expect("greeting");
    client
        .login(&account.user, PASSWORD)
        .await
        .map_err(|(e, _)| e)
        .expect("login")
}

/// Delivers `raw` into the account's folder (created when missing), over plain IMAP.
async fn deliver(account: &ImapAccount, raw: &[u8]) {
    let mut session = login(account).await;
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
    let Some(server) = server() else {
        return;
    };
    let account = server.account("t");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_is_read_over_starttls_and_over_tls_from_the_first_byte() {
    let Some(server) = server() else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let model = demo_model();
    let store = common::store(dir.path()).await;
    let importer = Importer::new(&store, &model).await.expect("importer");
    for (folder, security) in [("s", ImapSecurity::StartTls), ("i", ImapSecurity::Tls)] {
        let plain = server.account(folder);
        let Some(account) = server.tls_account(&plain, security) else {
            return;
        };
        let id = format!("{folder}-tls");
        deliver(
            &plain,
            &mail(&id, "Retour produit", "Je souhaite retourner la lampe."),
        )
        .await;
        let report = poll_once(&store, &importer, &account)
            .await
            .unwrap_or_else(|e| panic!("{security:?}: {e}"));
        assert_eq!(
            (report.read, report.stored),
            (1, 1),
            "{security:?}: {report:?}"
        );
    }
    assert_eq!(
        store
            .mails(&MailQuery::default())
            .await
            .expect("mails")
            .len(),
        2
    );
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_certificate_is_refused_with_the_reason() {
    let Some(server) = server() else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let model = demo_model();
    let store = common::store(dir.path()).await;
    let importer = Importer::new(&store, &model).await.expect("importer");
    let plain = server.account("u");
    deliver(&plain, &mail("untrusted", "Devis", "Un devis, svp.")).await;
    for security in [ImapSecurity::StartTls, ImapSecurity::Tls] {
        let Some(trusting) = server.tls_account(&plain, security) else {
            return;
        };
        let untrusting = ImapAccount {
            ca_file: None,
            ..trusting
        };
        let err = poll_once(&store, &importer, &untrusting)
            .await
            .expect_err("the test authority is not among the Mozilla roots");
        let text = err.to_string();
        assert!(text.contains("TLS failed"), "{text}");
        assert!(text.contains("not signed by a trusted authority"), "{text}");
    }
    // A CA file that holds no certificate is an error naming it, not a silent fallback.
    let not_pem = dir.path().join("ca.pem");
    std::fs::write(&not_pem, "not a certificate").expect("write");
    let Some(trusting) = server.tls_account(&plain, ImapSecurity::Tls) else {
        return;
    };
    let err = poll_once(
        &store,
        &importer,
        &ImapAccount {
            ca_file: Some(not_pem),
            ..trusting
        },
    )
    .await
    .expect_err("no certificate in the CA file");
    assert!(
        err.to_string().contains("ca.pem: holds no certificate"),
        "{err}"
    );
    assert!(
        store
            .mails(&MailQuery::default())
            .await
            .expect("mails")
            .is_empty()
    );
    store.close().await;
}

/// With an hour between polls, only IDLE can bring the mail delivered while the watcher waits;
/// the timeout is only there so a broken IDLE fails the test instead of hanging it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_idle_a_new_mail_is_read_without_waiting_for_the_poll_interval() {
    let Some(server) = server() else {
        return;
    };
    let plain = server.account("w");
    let account = server
        .tls_account(&plain, ImapSecurity::StartTls)
        .unwrap_or(plain.clone());
    let dir = tempfile::tempdir().expect("dir");
    let model = demo_model();
    let store = common::store(dir.path()).await;
    let importer = Importer::new(&store, &model).await.expect("importer");
    deliver(
        &plain,
        &mail("w1", "Livraison", "Quand arrive ma commande 77 ?"),
    )
    .await;

    let mut watch = ImapWatch::new(account.clone(), Duration::from_secs(3600));
    watch.wait().await.expect("the first wait is none");
    let first = watch.import(&store, &importer).await.expect("first import");
    assert_eq!(first.read, 1, "{first:?}");
    let second = mail("w2", "Facture", "La facture F-12 est fausse.");
    let (next, ()) = tokio::time::timeout(Duration::from_secs(120), async {
        tokio::join!(
            async {
                watch.wait().await.expect("IDLE");
                watch.import(&store, &importer).await
            },
            deliver(&plain, &second),
        )
    })
    .await
    .expect("IDLE never reported the new mail");
    let next = next.expect("import after IDLE");
    assert_eq!((next.read, next.stored), (1, 1), "{next:?}");
    watch.close().await;

    // A restart reads nothing twice.
    let mut again = ImapWatch::new(account, Duration::from_secs(3600));
    again.wait().await.expect("first wait");
    let report = again
        .import(&store, &importer)
        .await
        .expect("import after restart");
    assert_eq!(report.read, 0, "{report:?}");
    again.close().await;
    assert_eq!(
        store
            .mails(&MailQuery::default())
            .await
            .expect("mails")
            .len(),
        2
    );
    store.close().await;
}

/// The messages of `folder` (encoded in modified UTF-7) with their flags, over plain IMAP.
async fn flags_in(account: &ImapAccount, folder: &str) -> Vec<String> {
    use futures_util::TryStreamExt;
    let mut session = login(account).await;
    session.select(folder).await.expect("select");
    let fetched: Vec<_> = session
        .fetch("1:*", "FLAGS")
        .await
        .expect("fetch")
        .try_collect()
        .await
        .expect("flags");
    let flags = fetched
        .iter()
        .map(|f| format!("{:?}", f.flags().collect::<Vec<_>>()))
        .collect();
    session.logout().await.expect("logout");
    flags
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_import_messages_are_flagged_or_moved_to_a_folder_with_an_accented_name() {
    let Some(server) = server() else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let model = demo_model();
    let store = common::store(dir.path()).await;
    let importer = Importer::new(&store, &model).await.expect("importer");

    let flagged = ImapAccount {
        after: "flag:levier".parse().expect("action"),
        ..server.account("f")
    };
    deliver(
        &flagged,
        &mail("f1", "Retour", "Je souhaite retourner la chaise."),
    )
    .await;
    let report = poll_once(&store, &importer, &flagged).await.expect("poll");
    assert_eq!(report.stored, 1, "{report:?}");
    let flags = flags_in(&flagged, &flagged.folder).await;
    assert_eq!(flags.len(), 1);
    assert!(flags[0].contains("levier"), "{flags:?}");
    assert!(
        !flags[0].contains("Seen"),
        "flagged, not marked read: {flags:?}"
    );

    let target = format!("Traités {}", std::process::id());
    let moved = ImapAccount {
        after: format!("move:{target}").parse().expect("action"),
        ..server.account("m")
    };
    for n in 0..3 {
        deliver(&moved, &mail(&format!("m{n}"), "Devis", "Un devis, SVP.")).await;
    }
    let report = poll_once(&store, &importer, &moved).await.expect("poll");
    assert_eq!(report.stored, 3, "{report:?}");
    assert!(
        flags_in(&moved, &moved.folder).await.is_empty(),
        "the inbox is left empty"
    );
    let encoded = format!("Trait&AOk-s {}", std::process::id());
    assert_eq!(
        flags_in(&moved, &encoded).await.len(),
        3,
        "moved to {target}"
    );
    store.close().await;
}

impl ImapServer {
    /// Kills the server's processes serving logged-in sessions (`dovecot/imap`), as a server
    /// that crashes or drops clients does; the listener stays up for the next connection.
    fn drop_sessions(&self) {
        let master = std::fs::read_to_string(self.dir.path().join("run").join("master.pid"))
            .expect("dovecot's master.pid");
        let status = std::process::Command::new("pkill")
            .args(["-KILL", "-P", master.trim(), "-f", "^dovecot/imap$"])
            .status()
            .expect("pkill");
        assert!(status.success(), "no IMAP session to drop");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_dropping_the_connection_mid_fetch_loses_and_doubles_nothing() {
    let Some(server) = server() else {
        return;
    };
    let Some(dovecot) = &server._dovecot else {
        eprintln!(
            "*** IMAP DISCONNECT NOT TESTED: LEVIER_TEST_IMAP_URL names a server not started here ***"
        );
        return;
    };
    let plain = server.account("d");
    let account = server
        .tls_account(&plain, ImapSecurity::StartTls)
        .unwrap_or(plain.clone());
    const MAILS: usize = 200;
    for n in 0..MAILS {
        let text = format!("Ma commande {n} n'est pas arrivée.");
        deliver(&plain, &mail(&format!("d{n}"), "Livraison", &text)).await;
    }
    let dir = tempfile::tempdir().expect("dir");
    let model = demo_model();
    let store = common::store(dir.path()).await;
    let importer = Importer::new(&store, &model).await.expect("importer");
    let stored = || async {
        store
            .mails(&MailQuery::default())
            .await
            .expect("mails")
            .len()
    };

    let (cut, ()) = tokio::join!(poll_once(&store, &importer, &account), async {
        while stored().await == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        dovecot.drop_sessions();
    });
    let err = cut
        .expect_err("the poll fails when the server drops it")
        .to_string();
    assert!(err.contains(&account.label()), "{err}");
    let before = stored().await;
    assert!(
        before < MAILS,
        "every mail was read before the drop: deliver more"
    );

    let rest = poll_once(&store, &importer, &account)
        .await
        .expect("the next poll reconnects");
    assert_eq!(rest.already_stored, 0, "read again: {rest:?}");
    let mails = store.mails(&MailQuery::default()).await.expect("mails");
    assert_eq!(mails.len(), MAILS, "each mail stored once, none lost");
    eprintln!(
        "dropped after {before} of {MAILS} mails; the next poll read {}",
        rest.read
    );
    store.close().await;
}
