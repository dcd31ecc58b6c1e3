//! Robustness with real files and a real server: damaged or foreign SQLite files are refused
//! without being touched, unreachable PostgreSQL servers are reported without leaking the
//! password, and backups restore exactly what they captured while non-backups change nothing.

mod common;

use levier_core::ids::SourceId;
use levier_core::{Config, Event, EventKind, Role};
use levier_store::backup::restore_sqlite;
use levier_store::directory::{NewSource, NewUser};
use levier_store::documents::{NewDocument, StoreOutcome};
use levier_store::events::EventQuery;
use levier_store::{SQLITE_FILE, Store, StoreError};
use sha2::{Digest, Sha256};
use sqlx::Connection;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The hex SHA-256 of a file's bytes.
fn sha256(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    hex::encode(Sha256::digest(&bytes))
}

/// The names in a directory.
fn entries(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("list {}: {e}", dir.display()))
        .map(|e| {
            e.expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

/// What must not change when levier refuses a file: its bytes and its directory's contents
/// (no `-wal`, `-shm`, `-journal` or staging file appearing or disappearing).
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    sha256: String,
    len: u64,
    siblings: BTreeSet<String>,
}

fn snapshot(file: &Path) -> Snapshot {
    let dir = file.parent().expect("file has a directory");
    Snapshot {
        sha256: sha256(file),
        len: std::fs::metadata(file).expect("metadata").len(),
        siblings: entries(dir),
    }
}

/// Asserts the file is as it was, now and a moment later (a pool dropped on an error path
/// closes its connections in the background, which is when SQLite would delete or checkpoint
/// side files).
async fn assert_untouched(file: &Path, before: &Snapshot) {
    assert_eq!(&snapshot(file), before, "{} was modified", file.display());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        &snapshot(file),
        before,
        "{} was modified after the error was returned",
        file.display()
    );
}

/// Opens the store while a thread lists the data directory over and over, so that a side file
/// created and deleted again during the attempt is seen too. Returns the result, every name
/// seen in the directory meanwhile, and how long the attempt took.
async fn open_watched(config: &Config) -> (Result<Store, StoreError>, BTreeSet<String>, Duration) {
    let dir = config.data_dir.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut seen = BTreeSet::new();
            loop {
                let last_round = stop.load(Ordering::Acquire);
                if let Ok(list) = std::fs::read_dir(&dir) {
                    seen.extend(
                        list.flatten()
                            .map(|e| e.file_name().to_string_lossy().into_owned()),
                    );
                }
                if last_round {
                    return seen;
                }
                std::thread::yield_now();
            }
        })
    };
    let started = Instant::now();
    let result = Store::open(config).await;
    let took = started.elapsed();
    // Connections a failed open dropped close in the background: keep watching a moment.
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Release);
    let seen = watcher.join().expect("directory watcher");
    (result, seen, took)
}

/// Opens a store that must be refused, and checks that the refusal was quick and that no file
/// appeared next to the database, not even for a moment.
async fn open_refused(config: &Config, before: &Snapshot) -> Result<Store, StoreError> {
    let (result, seen, took) = open_watched(config).await;
    assert_eq!(
        &seen, &before.siblings,
        "files appeared in the data directory while levier examined the database"
    );
    assert!(
        took < Duration::from_secs(5),
        "refusing the database took {took:?}"
    );
    result
}

/// Deterministic pseudo-random bytes (xorshift64*), so that failures reproduce.
fn junk(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

/// A SQLite configuration whose data directory exists (and is empty).
fn sqlite_config(dir: &Path) -> (Config, PathBuf) {
    let data_dir = dir.join("data");
    std::fs::create_dir_all(&data_dir).expect("data dir");
    let db = data_dir.join(SQLITE_FILE);
    (
        Config {
            data_dir,
            ..Config::default()
        },
        db,
    )
}

async fn sqlite_conn(path: &Path, mode: &str) -> sqlx::AnyConnection {
    sqlx::any::install_default_drivers();
    sqlx::AnyConnection::connect(&format!("sqlite://{}?mode={mode}", path.display()))
        .await
        .unwrap_or_else(|e| panic!("connect to {}: {e}", path.display()))
}

/// Runs SQL on a SQLite file directly, bypassing levier, then closes the connection.
async fn sqlite_exec(path: &Path, mode: &str, sql: &str) {
    let mut conn = sqlite_conn(path, mode).await;
    sqlx::raw_sql(sql)
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql} on {}: {e}", path.display()));
    conn.close().await.expect("close");
}

/// Writes a SQLite database of another application (one table `foo`) at `path`.
async fn foreign_sqlite(path: &Path) {
    sqlite_exec(
        path,
        "rwc",
        "CREATE TABLE foo(x); INSERT INTO foo VALUES (1), ('deux');",
    )
    .await;
}

fn user(email: &str, groups: &[&str]) -> NewUser {
    NewUser {
        email: email.into(),
        display_name: "Camille Martin".into(),
        role: Role::Agent,
        password_hash: None,
        team: Some("Service client".into()),
        groups: groups.iter().map(|g| g.to_string()).collect(),
    }
}

fn doc(source: SourceId, path: &str, body: &str) -> NewDocument {
    NewDocument {
        source_id: source,
        external_id: path.into(),
        title: format!("Document {path}"),
        media_type: "text/markdown".into(),
        content_hash: hex::encode(Sha256::digest(body.as_bytes())),
        size_bytes: body.len() as i64,
        language: Some("fr".into()),
        public: false,
        metadata: serde_json::json!({"path": path}),
        body: Some(body.into()),
        groups: vec!["rh".into()],
        chunks: Vec::new(),
    }
}

/// Fills a store with users, groups, a source, documents and events, enough to span pages.
async fn populate(store: &Store) -> SourceId {
    store
        .upsert_group("rh", "Ressources humaines", "")
        .await
        .expect("group");
    store
        .upsert_group("personnel", "Tout le personnel", "")
        .await
        .expect("group");
    for i in 0..5 {
        store
            .create_user(&user(&format!("agent{i}@ergolis.fr"), &["rh"]), None)
            .await
            .expect("user");
    }
    let src = store
        .upsert_source(&NewSource {
            name: "docs/rh".into(),
            kind: "folder".into(),
            location: "/srv/docs/rh".into(),
            public: false,
            groups: vec!["rh".into()],
        })
        .await
        .expect("source");
    for i in 0..20 {
        let body = format!("Procédure {i} : {}", "congés et absences. ".repeat(50));
        assert!(matches!(
            store
                .store_document(&doc(src, &format!("proc-{i}.md"), &body))
                .await
                .expect("document"),
            StoreOutcome::Added(_)
        ));
    }
    for i in 0..10 {
        store
            .append_event(&Event::now(EventKind::DemoLoaded {
                documents: i,
                faq_entries: 0,
                leads: 0,
            }))
            .await
            .expect("event");
    }
    src
}

/// Closes a SQLite store and waits until its database file stands alone, without `-wal` or
/// `-shm` files. `Store::close` can return while one pooled connection is still open (sqlx's
/// `Pool::close` race, launchbadge/sqlx#3217); that straggler, or two connections closing at
/// once, can leave the side files behind. One connection opened alone and closed again
/// checkpoints and removes them.
async fn close_and_settle(store: Store, db: &Path) {
    store.close().await;
    drop(store);
    for _ in 0..50 {
        if !side_file(db, "-wal").exists() && !side_file(db, "-shm").exists() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        sqlite_exec(db, "rw", "PRAGMA wal_checkpoint(TRUNCATE)").await;
    }
    panic!("{} keeps its -wal/-shm files after closing", db.display());
}

fn side_file(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.file_name().expect("file name").to_os_string();
    name.push(suffix);
    db.with_file_name(name)
}

/// A closed levier SQLite store with data in it.
async fn populated_store(config: &Config, db: &Path) {
    let store = Store::open(config).await.expect("open");
    populate(&store).await;
    close_and_settle(store, db).await;
}

fn expect_corrupt(result: Result<Store, StoreError>, db: &Path) -> String {
    match result {
        Err(e @ StoreError::Corrupt { .. }) => {
            let StoreError::Corrupt { path, .. } = &e else {
                unreachable!()
            };
            assert_eq!(path, db);
            let text = e.to_string();
            assert!(text.contains(&db.display().to_string()), "{text}");
            text
        }
        Err(other) => panic!("expected Corrupt, got {other:?}"),
        Ok(_) => panic!("a damaged database was opened"),
    }
}

// ---------------------------------------------------------------------------------------------
// Opening damaged, foreign and empty SQLite files
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_file_is_refused_as_corrupt_and_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (config, db) = sqlite_config(dir.path());
    std::fs::write(&db, junk(64 * 1024, 7)).expect("write garbage");
    let before = snapshot(&db);

    let text = expect_corrupt(open_refused(&config, &before).await, &db);
    assert!(text.contains("will not modify it"), "{text}");
    assert_untouched(&db, &before).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_header_followed_by_garbage_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (config, db) = sqlite_config(dir.path());
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.extend(junk(16 * 1024, 11));
    std::fs::write(&db, bytes).expect("write");
    let before = snapshot(&db);

    let text = expect_corrupt(open_refused(&config, &before).await, &db);
    assert!(!text.contains("timed out"), "the cause was lost: {text}");
    assert_untouched(&db, &before).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overwritten_pages_are_refused_as_corrupt_and_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (config, db) = sqlite_config(dir.path());
    populated_store(&config, &db).await;
    let mut bytes = std::fs::read(&db).expect("read db");
    assert!(bytes.len() > 3 * 4096, "store too small: {}", bytes.len());
    bytes[4096..8192].copy_from_slice(&junk(4096, 42));
    std::fs::write(&db, &bytes).expect("damage db");
    let before = snapshot(&db);
    assert_eq!(
        before.siblings,
        BTreeSet::from([SQLITE_FILE.to_string()]),
        "closing the store should leave only the database file"
    );

    expect_corrupt(open_refused(&config, &before).await, &db);
    assert_untouched(&db, &before).await;
    // Refusing is stable: a second attempt says the same and still changes nothing.
    expect_corrupt(open_refused(&config, &before).await, &db);
    assert_untouched(&db, &before).await;
}

/// The image a crash leaves: a levier store whose last transaction (a table `scratch` with one
/// row) is committed in `levier.db-wal` but not yet checkpointed into `levier.db`.
async fn crash_image(dir: &Path) -> (Config, PathBuf) {
    let (live_config, live_db) = sqlite_config(&dir.join("live"));
    populated_store(&live_config, &live_db).await;
    let mut writer = sqlite_conn(&live_db, "rw").await;
    sqlx::raw_sql(
        "PRAGMA wal_autocheckpoint = 0; CREATE TABLE scratch(x); \
         INSERT INTO scratch VALUES (randomblob(20000));",
    )
    .execute(&mut writer)
    .await
    .expect("write into the WAL");
    let (config, db) = sqlite_config(&dir.join("crashed"));
    std::fs::copy(&live_db, &db).expect("copy db");
    let wal = side_file(&db, "-wal");
    std::fs::copy(side_file(&live_db, "-wal"), &wal).expect("copy wal");
    writer.close().await.expect("close");
    assert!(std::fs::metadata(&wal).expect("wal").len() > 0);
    (config, db)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthy_database_with_a_leftover_wal_opens_with_its_last_transaction() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (config, db) = crash_image(dir.path()).await;
    let store = Store::open(&config).await.expect("open after a crash");
    store.ready().await.expect("ready");
    assert_eq!(store.counts().await.expect("counts").users, 5);
    close_and_settle(store, &db).await;
    let mut conn = sqlite_conn(&db, "ro").await;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM scratch")
        .fetch_one(&mut conn)
        .await
        .expect("the transaction in the WAL was recovered");
    assert_eq!(n, 1);
    conn.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_database_with_a_leftover_wal_is_refused_and_neither_file_touched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (config, db) = crash_image(dir.path()).await;
    let wal = side_file(&db, "-wal");
    let mut bytes = std::fs::read(&db).expect("read db");
    bytes[4096..8192].copy_from_slice(&junk(4096, 5));
    std::fs::write(&db, &bytes).expect("damage db");
    let before = snapshot(&db);
    let wal_before = sha256(&wal);

    let (result, seen, took) = open_watched(&config).await;
    expect_corrupt(result, &db);
    assert!(took < Duration::from_secs(5), "refusing took {took:?}");
    // Reading a WAL takes its `-shm` index, which SQLite may create; nothing else may change.
    let shm = format!("{SQLITE_FILE}-shm");
    let without_shm = |mut names: BTreeSet<String>| {
        names.remove(&shm);
        names
    };
    assert_eq!(
        without_shm(seen),
        before.siblings,
        "unexpected files appeared"
    );
    let after = snapshot(&db);
    assert_eq!(
        (after.sha256, after.len),
        (before.sha256, before.len),
        "the damaged database was written to"
    );
    assert_eq!(without_shm(after.siblings), before.siblings);
    assert_eq!(
        sha256(&wal),
        wal_before,
        "the WAL was checkpointed or changed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_applications_sqlite_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (config, db) = sqlite_config(dir.path());
    foreign_sqlite(&db).await;
    let before = snapshot(&db);

    match open_refused(&config, &before).await {
        Err(e @ StoreError::NotLevier { .. }) => {
            let text = e.to_string();
            assert!(text.contains(&db.display().to_string()), "{text}");
            assert!(text.contains("will not modify it"), "{text}");
        }
        Err(other) => panic!("expected NotLevier, got {other:?}"),
        Ok(_) => panic!("another application's database was opened"),
    }
    assert_untouched(&db, &before).await;
    // The other application can still read its data.
    let mut conn = sqlite_conn(&db, "ro").await;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM foo")
        .fetch_one(&mut conn)
        .await
        .expect("count");
    assert_eq!(n, 2);
    conn.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_file_is_initialised() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (config, db) = sqlite_config(dir.path());
    std::fs::write(&db, b"").expect("create empty file");

    let store = Store::open(&config).await.expect("open an empty file");
    store.ready().await.expect("ready");
    store
        .upsert_group("rh", "Ressources humaines", "")
        .await
        .expect("group");
    store
        .create_user(&user("camille@ergolis.fr", &["rh"]), None)
        .await
        .expect("user");
    store.close().await;
    assert!(std::fs::metadata(&db).expect("metadata").len() > 0);

    let again = Store::open(&config).await.expect("reopen");
    again.ready().await.expect("ready after reopen");
    assert_eq!(again.counts().await.expect("counts").users, 1);
    again.close().await;
}

// ---------------------------------------------------------------------------------------------
// Unreachable PostgreSQL
// ---------------------------------------------------------------------------------------------

fn postgres_config(url: &str, dir: &Path) -> Config {
    Config {
        data_dir: dir.join("data"),
        database_url: url.into(),
        ..Config::default()
    }
}

/// Opens the URL and expects [`StoreError::Unreachable`] naming `masked` and never `secret`.
async fn expect_unreachable(url: &str, masked: &str, secret: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    match Store::open(&postgres_config(url, dir.path())).await {
        Err(e @ StoreError::Unreachable { .. }) => {
            let StoreError::Unreachable {
                url: shown,
                message,
            } = &e
            else {
                unreachable!()
            };
            let text = e.to_string();
            let debug = format!("{e:?}");
            assert_eq!(shown, masked);
            assert!(text.contains(masked), "{text}");
            assert!(text.contains("***"), "{text}");
            for leak in [&text, &debug, message] {
                assert!(!leak.contains(secret), "password leaked: {leak}");
            }
            text
        }
        Err(other) => panic!("expected Unreachable, got {other:?}"),
        Ok(_) => panic!("opened {masked}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_listening_is_unreachable_with_the_password_masked() {
    let text = expect_unreachable(
        "postgres://levier:s3cret@127.0.0.1:1/levier",
        "postgres://levier:***@127.0.0.1:1/levier",
        "s3cret",
    )
    .await;
    assert!(text.contains("cannot reach the database"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unparseable_url_does_not_leak_the_password() {
    // Port out of range: the URL cannot be parsed, yet the password must still be hidden.
    let text = expect_unreachable(
        "postgres://levier:s3cret@127.0.0.1:99999/levier",
        "postgres://levier:***@127.0.0.1:99999/levier",
        "s3cret",
    )
    .await;
    assert!(text.contains("cannot reach the database"), "{text}");
}

/// The test server's URL with another user and/or password.
fn with_credentials(base: &str, user: Option<&str>, password: &str) -> (String, String) {
    let mut u = url::Url::parse(base).expect("LEVIER_TEST_POSTGRES_URL is a URL");
    if let Some(user) = user {
        u.set_username(user).expect("set user");
    }
    u.set_password(Some(password)).expect("set password");
    let url = u.to_string();
    u.set_password(Some("***")).expect("mask");
    (url, u.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_on_the_real_server_is_unreachable_with_the_password_masked() {
    let Some(base) = common::postgres_url() else {
        return;
    };
    let secret = "wr0ng-Pa55word";
    let (url, masked) = with_credentials(&base, None, secret);
    // A server that trusts every login (scripts/pg-cluster uses `initdb -A trust`) accepts any
    // password, so this case can only be checked against a server that asks for one.
    sqlx::any::install_default_drivers();
    if let Ok(conn) = sqlx::AnyConnection::connect(&url).await {
        let _ = conn.close().await;
        eprintln!(
            "*** wrong PostgreSQL password NOT TESTED: the test server accepts any password \
             (pg_hba `trust`); the unknown-role case covers the refused login ***"
        );
        return;
    }
    let text = expect_unreachable(&url, &masked, secret).await;
    assert!(text.contains("password authentication failed"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_login_on_the_real_server_is_unreachable_with_the_password_masked() {
    let Some(base) = common::postgres_url() else {
        return;
    };
    // Even a `trust` server refuses a role that does not exist.
    let secret = "n0t-The-Pa55word";
    let (url, masked) = with_credentials(&base, Some("levier_no_such_role"), secret);
    let text = expect_unreachable(&url, &masked, secret).await;
    assert!(text.contains("levier_no_such_role"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Backup and restore
// ---------------------------------------------------------------------------------------------

async fn backup_events(store: &Store) -> Vec<i64> {
    store
        .events(&EventQuery {
            kinds: vec!["backup_written".into()],
            ..Default::default()
        })
        .await
        .expect("events")
        .iter()
        .filter_map(|e| match e.kind() {
            Some(EventKind::BackupWritten { bytes }) => Some(bytes),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_while_open_then_restore_returns_exactly_to_the_backup_point() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (config, db) = sqlite_config(dir.path());
    let dest = dir.path().join("backups").join("levier-backup.db");
    std::fs::create_dir_all(dest.parent().expect("parent")).expect("backup dir");

    let store = Store::open(&config).await.expect("open");
    let src = populate(&store).await;
    let at_backup = store.counts().await.expect("counts");
    let last_event_at_backup = store.last_event_seq().await.expect("seq");
    let users_at_backup = store.users().await.expect("users");

    let bytes = store.backup_sqlite(&dest).await.expect("backup");
    assert_eq!(bytes, std::fs::metadata(&dest).expect("backup file").len());
    assert!(bytes > 0);
    assert_eq!(backup_events(&store).await, vec![bytes as i64]);

    // Changes after the backup point, which a restore must undo.
    store
        .create_user(&user("after.backup@ergolis.fr", &["personnel"]), None)
        .await
        .expect("user after backup");
    store
        .store_document(&doc(src, "after-backup.md", "écrit après la sauvegarde"))
        .await
        .expect("document after backup");
    store
        .append_event(&Event::now(EventKind::DemoLoaded {
            documents: 99,
            faq_entries: 0,
            leads: 0,
        }))
        .await
        .expect("event after backup");
    let after = store.counts().await.expect("counts");
    assert_eq!(after.users, at_backup.users + 1);
    assert_eq!(after.documents, at_backup.documents + 1);
    close_and_settle(store, &db).await;

    let backup_before = snapshot(&dest);
    restore_sqlite(&dest, &db).await.expect("restore");
    assert_untouched(&dest, &backup_before).await;
    assert_eq!(
        entries(&config.data_dir),
        BTreeSet::from([SQLITE_FILE.to_string()]),
        "restore left side or staging files behind"
    );

    let restored = Store::open(&config).await.expect("open restored");
    restored.ready().await.expect("ready");
    assert_eq!(restored.counts().await.expect("counts"), at_backup);
    assert_eq!(restored.users().await.expect("users"), users_at_backup);
    assert!(
        restored
            .user_by_email("after.backup@ergolis.fr")
            .await
            .expect("lookup")
            .is_none(),
        "post-backup user survived the restore"
    );
    assert!(
        restored
            .user_by_email("agent3@ergolis.fr")
            .await
            .expect("lookup")
            .is_some()
    );
    let docs = restored.documents_of_source(src).await.expect("documents");
    assert_eq!(docs.len(), 20);
    assert_eq!(
        restored.last_event_seq().await.expect("seq"),
        last_event_at_backup,
        "the restored event log must end at the backup point"
    );

    // The restored store keeps working and can itself be backed up, which is recorded.
    let second = dir.path().join("backups").join("second.db");
    let bytes = restored
        .backup_sqlite(&second)
        .await
        .expect("second backup");
    assert_eq!(backup_events(&restored).await, vec![bytes as i64]);
    assert_eq!(
        restored.last_event_seq().await.expect("seq"),
        last_event_at_backup + 1,
        "event sequence continues without a gap after the restore"
    );
    restored.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_to_an_existing_file_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (config, _db) = sqlite_config(dir.path());
    let store = Store::open(&config).await.expect("open");
    populate(&store).await;
    let dest = dir.path().join("precious.txt");
    std::fs::write(&dest, "do not overwrite me").expect("write");
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").expect("write");

    for existing in [&dest, &empty] {
        let before = sha256(existing);
        match store.backup_sqlite(existing).await {
            Err(StoreError::Invalid(m)) => assert!(m.contains("already exists"), "{m}"),
            other => panic!("expected Invalid, got {other:?}"),
        }
        assert_eq!(sha256(existing), before);
    }
    assert!(backup_events(&store).await.is_empty(), "refusal was logged");
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_on_postgres_points_to_pg_dump() {
    let Some(t) = common::postgres().await else {
        return;
    };
    let dest = t.config.data_dir.join("backup.db");
    match t.store.backup_sqlite(&dest).await {
        Err(e) => assert!(e.to_string().contains("pg_dump"), "{e}"),
        Ok(bytes) => panic!("a PostgreSQL store wrote a {bytes}-byte SQLite backup"),
    }
    assert!(!dest.exists());
    assert!(backup_events(&t.store).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restoring_something_that_is_not_a_levier_backup_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (config, db) = sqlite_config(dir.path());
    let files = dir.path().join("candidates");
    std::fs::create_dir_all(&files).expect("dir");

    let store = Store::open(&config).await.expect("open");
    populate(&store).await;
    let good = files.join("good.db");
    store.backup_sqlite(&good).await.expect("backup");
    let counts = store.counts().await.expect("counts");
    close_and_settle(store, &db).await;

    let text = files.join("notes.txt");
    std::fs::write(&text, "Ceci n'est pas une sauvegarde.\n".repeat(100)).expect("write");
    let random = files.join("random.bin");
    std::fs::write(&random, junk(64 * 1024, 1234)).expect("write");
    let short = files.join("short.db");
    std::fs::write(&short, b"SQLite").expect("write");
    let foreign = files.join("foreign.db");
    foreign_sqlite(&foreign).await;
    let future = files.join("future.db");
    std::fs::copy(&good, &future).expect("copy");
    sqlite_exec(
        &future,
        "rw",
        "INSERT INTO levier_migrations (version, name, applied_at) VALUES (99, 'from the future', 0)",
    )
    .await;
    let truncated = files.join("truncated.db");
    let good_bytes = std::fs::read(&good).expect("read");
    std::fs::write(&truncated, &good_bytes[..good_bytes.len() / 2]).expect("write");
    let damaged = files.join("damaged.db");
    let mut bytes = good_bytes.clone();
    bytes[4096..8192].copy_from_slice(&junk(4096, 99));
    std::fs::write(&damaged, &bytes).expect("write");
    let missing = files.join("missing.db");
    // A copy of a crashed store, taken with its WAL: the WAL holds a good page 1, the file
    // itself a damaged one. Only the file would be copied in, so it must be judged alone.
    let (_, crashed) = crash_image(&dir.path().join("crash")).await;
    let torn = files.join("torn.db");
    let mut bytes = std::fs::read(&crashed).expect("read");
    bytes[100..4096].copy_from_slice(&junk(3996, 3));
    std::fs::write(&torn, &bytes).expect("write");
    std::fs::copy(side_file(&crashed, "-wal"), side_file(&torn, "-wal")).expect("copy wal");

    let cases: [(&Path, &str); 9] = [
        (&text, "not a SQLite database"),
        (&random, "not a SQLite database"),
        (&short, "not a SQLite database"),
        (&foreign, "is not levier's"),
        (&future, "schema version 99"),
        (&truncated, ""),
        (&damaged, ""),
        (&torn, ""),
        (&missing, "cannot read it"),
    ];
    for (src, why) in cases {
        let before = snapshot(&db);
        let src_before = src.exists().then(|| sha256(src));
        let candidates_before = entries(&files);
        match restore_sqlite(src, &db).await {
            Err(e @ StoreError::NotABackup { .. }) => {
                let StoreError::NotABackup { path, message } = &e else {
                    unreachable!()
                };
                assert_eq!(path, src);
                assert!(message.contains(why), "{}: {message}", src.display());
                assert!(e.to_string().contains("Nothing was changed"), "{e}");
            }
            Err(other) => panic!("{}: expected NotABackup, got {other:?}", src.display()),
            Ok(()) => panic!("{} was restored", src.display()),
        }
        assert_untouched(&db, &before).await;
        assert_eq!(
            entries(&files),
            candidates_before,
            "side files appeared next to {}",
            src.display()
        );
        assert_eq!(
            src.exists().then(|| sha256(src)),
            src_before,
            "{} was modified by the restore attempt",
            src.display()
        );
        let reopened = Store::open(&config)
            .await
            .unwrap_or_else(|e| panic!("after {}: {e}", src.display()));
        assert_eq!(reopened.counts().await.expect("counts"), counts);
        close_and_settle(reopened, &db).await;
    }

    // The genuine backup is accepted.
    restore_sqlite(&good, &db)
        .await
        .expect("restore good backup");
    let restored = Store::open(&config).await.expect("open restored");
    let mut expected = counts;
    expected.events -= 1; // the backup_written event is appended after the copy
    assert_eq!(restored.counts().await.expect("counts"), expected);
    restored.close().await;
}
