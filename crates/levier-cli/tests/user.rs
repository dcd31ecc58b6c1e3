//! End-to-end tests of `levier user …`: the real binary in a temporary data directory, checked
//! from the outside (exit codes, output) and from the store itself (password hashes, sessions
//! and the audit log), since those are what an operator relies on when recovering access.

#[allow(dead_code)]
mod support;

use levier_core::password::verify_password;
use levier_core::{Config, Role};
use levier_store::Store;
use serde_json::Value;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{Output, Sandbox, WAIT, run};

/// Exit codes documented in main.rs.
const USAGE: i32 = 2;
const INPUT: i32 = 5;

const PASSWORD: &str = "correct horse battery";

/// Runs a command with `input` on its stdin, failing the test if it takes longer than [`WAIT`].
fn run_with_stdin(cmd: &mut Command, input: &str) -> Output {
    let what = format!(
        "levier {}",
        cmd.get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start `{what}`: {e}"));
    let reader = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = reader(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = reader(Box::new(child.stderr.take().expect("piped stderr")));
    {
        let mut stdin = child.stdin.take().expect("piped stdin");
        // The child may exit before reading (e.g. a usage error): a broken pipe is fine.
        let _ = stdin.write_all(input.as_bytes());
    }
    let deadline = Instant::now() + WAIT;
    let status = loop {
        match child.try_wait().expect("wait for levier") {
            Some(status) => break status,
            None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("`{what}` still running after {WAIT:?}");
            }
        }
    };
    Output {
        what,
        code: status.code(),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// `levier user add EMAIL --name NAME ARGS… --password-stdin` with `password` on stdin.
fn add(sb: &Sandbox, email: &str, args: &[&str], password: &str) -> Output {
    let mut cmd = sb.levier_data(["user", "add", email, "--name", "Camille Martin"]);
    cmd.args(args).arg("--password-stdin");
    run_with_stdin(&mut cmd, &format!("{password}\n"))
}

fn user_cmd(sb: &Sandbox, args: &[&str]) -> Output {
    run(sb.levier_data(["user"]).args(args))
}

/// The accounts of `levier user list --json`.
fn listed(sb: &Sandbox) -> Vec<Value> {
    match user_cmd(sb, &["list", "--json"]).success().json() {
        Value::Array(users) => users,
        other => panic!("user list --json is not an array: {other}"),
    }
}

fn listed_user(sb: &Sandbox, email: &str) -> Value {
    listed(sb)
        .into_iter()
        .find(|u| u["email"] == email)
        .unwrap_or_else(|| panic!("{email} is not listed"))
}

/// Runs `f` on the sandbox's store, opened directly, then closes it.
fn with_store<T>(sb: &Sandbox, f: impl AsyncFnOnce(&Store) -> T) -> T {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let config = Config {
            data_dir: sb.data_dir(),
            ..Config::default()
        };
        let store = Store::open(&config).await.expect("open the store");
        let out = f(&store).await;
        store.close().await;
        out
    })
}

/// The stored password hash of an account.
fn password_hash(sb: &Sandbox, email: &str) -> String {
    with_store(sb, async |s| {
        s.credentials(email)
            .await
            .expect("credentials")
            .and_then(|(_, hash)| hash)
            .unwrap_or_else(|| panic!("{email} has no password"))
    })
}

fn assert_mentions(out: &Output, needle: &str) {
    assert!(
        out.stderr.contains(needle),
        "expected {needle:?} in the message\n{out}"
    );
}

#[test]
fn add_reads_the_password_from_stdin_and_lists_the_account() {
    let sb = Sandbox::new();
    with_store(&sb, async |s| {
        s.upsert_group("rh", "Ressources humaines", "")
            .await
            .expect("group");
        s.upsert_group("personnel", "Personnel", "")
            .await
            .expect("group");
    });
    let out = add(
        &sb,
        "Camille.Martin@Ergolis.fr",
        &["--role", "agent", "--group", "rh", "--group", "personnel"],
        PASSWORD,
    )
    .success();
    assert!(out.stdout.contains("camille.martin@ergolis.fr"), "{out}");
    assert!(
        !out.stdout.contains(PASSWORD) && !out.stderr.contains(PASSWORD),
        "the password was echoed\n{out}"
    );

    let users = listed(&sb);
    assert_eq!(users.len(), 1, "{users:#?}");
    let u = &users[0];
    assert_eq!(u["email"], "camille.martin@ergolis.fr");
    assert_eq!(u["name"], "Camille Martin");
    assert_eq!(u["role"], "agent");
    assert_eq!(u["groups"], serde_json::json!(["personnel", "rh"]));
    assert_eq!(u["disabled"], false);

    let hash = password_hash(&sb, "camille.martin@ergolis.fr");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(verify_password(PASSWORD, &hash));

    // The text listing shows the same account.
    let text = user_cmd(&sb, &["list"]).success();
    assert!(
        text.stdout.contains("camille.martin@ergolis.fr") && text.stdout.contains("agent"),
        "{text}"
    );

    // --admin is a shorthand for --role admin, and cannot be combined with another role.
    add(&sb, "direction@ergolis.fr", &["--admin"], PASSWORD).success();
    assert_eq!(listed_user(&sb, "direction@ergolis.fr")["role"], "admin");
    add(
        &sb,
        "x@ergolis.fr",
        &["--admin", "--role", "agent"],
        PASSWORD,
    )
    .expect_code(USAGE);
    add(&sb, "x@ergolis.fr", &["--role", "superuser"], PASSWORD).expect_code(USAGE);
}

#[test]
fn add_without_a_terminal_generates_a_password_shown_once() {
    let sb = Sandbox::new();
    // `run` gives the child an empty, non-terminal stdin: what a provisioning script does.
    let out = user_cmd(
        &sb,
        &[
            "add",
            "direction@ergolis.fr",
            "--name",
            "Direction",
            "--admin",
        ],
    )
    .success();
    let password = out
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("generated password"))
        .and_then(|l| l.rsplit(' ').next())
        .unwrap_or_else(|| panic!("no generated password printed\n{out}"))
        .to_string();
    assert!(password.len() >= 20, "too short: {password:?}");
    assert!(verify_password(
        &password,
        &password_hash(&sb, "direction@ergolis.fr")
    ));
    let entries = with_store(&sb, async |s| s.audit_entries(0, 10).await.expect("audit"));
    let logged = serde_json::to_string(&entries).expect("json");
    assert!(
        !logged.contains(&password),
        "the password is in the audit log"
    );
}

#[test]
fn bad_input_is_refused_with_exit_code_5_and_changes_nothing() {
    let sb = Sandbox::new();
    add(&sb, "camille@ergolis.fr", &[], PASSWORD).success();

    let dup = add(&sb, "Camille@Ergolis.FR", &["--admin"], PASSWORD).expect_code(INPUT);
    assert_mentions(&dup, "already exists");

    let short = add(&sb, "paul@ergolis.fr", &[], "short").expect_code(INPUT);
    assert_mentions(&short, "at least 8 characters");
    let empty = add(&sb, "paul@ergolis.fr", &[], "").expect_code(INPUT);
    assert_mentions(&empty, "at least 8 characters");

    let group = add(&sb, "paul@ergolis.fr", &["--group", "nope"], PASSWORD).expect_code(INPUT);
    assert_mentions(&group, "nope");
    add(&sb, "not-an-email", &[], PASSWORD).expect_code(INPUT);

    for args in [
        &["role", "ghost@ergolis.fr", "admin"][..],
        &["disable", "ghost@ergolis.fr"],
        &["enable", "ghost@ergolis.fr"],
        &["reset-password", "ghost@ergolis.fr"],
    ] {
        let out = user_cmd(&sb, args).expect_code(INPUT);
        assert_mentions(&out, "ghost@ergolis.fr");
    }
    user_cmd(&sb, &["role", "camille@ergolis.fr", "boss"]).expect_code(USAGE);

    let users = listed(&sb);
    assert_eq!(
        users.len(),
        1,
        "a refused command created an account: {users:#?}"
    );
    assert_eq!(users[0]["role"], "member");
    let entries = with_store(&sb, async |s| s.audit_entries(0, 100).await.expect("audit"));
    assert_eq!(
        entries.len(),
        1,
        "only the first add is audited: {entries:#?}"
    );
}

#[test]
fn role_changes_and_the_last_admin_is_protected() {
    let sb = Sandbox::new();
    add(&sb, "direction@ergolis.fr", &["--admin"], PASSWORD).success();
    add(&sb, "camille@ergolis.fr", &[], PASSWORD).success();

    // The only admin can neither be demoted nor disabled.
    let demote = user_cmd(&sb, &["role", "direction@ergolis.fr", "member"]).expect_code(INPUT);
    assert_mentions(&demote, "only enabled admin");
    let disable = user_cmd(&sb, &["disable", "direction@ergolis.fr"]).expect_code(INPUT);
    assert_mentions(&disable, "only enabled admin");
    assert_eq!(listed_user(&sb, "direction@ergolis.fr")["role"], "admin");
    assert_eq!(listed_user(&sb, "direction@ergolis.fr")["disabled"], false);

    // With a second admin, the first may step down; then the second is the last one.
    user_cmd(&sb, &["role", "Camille@Ergolis.fr", "admin"]).success();
    user_cmd(&sb, &["role", "direction@ergolis.fr", "champion"]).success();
    assert_eq!(listed_user(&sb, "direction@ergolis.fr")["role"], "champion");
    user_cmd(&sb, &["disable", "camille@ergolis.fr"]).expect_code(INPUT);
    user_cmd(&sb, &["role", "camille@ergolis.fr", "viewer"]).expect_code(INPUT);

    // A disabled admin does not count as someone able to manage levier.
    user_cmd(&sb, &["role", "direction@ergolis.fr", "admin"]).success();
    user_cmd(&sb, &["disable", "direction@ergolis.fr"]).success();
    user_cmd(&sb, &["role", "camille@ergolis.fr", "member"]).expect_code(INPUT);
    // …but a disabled admin may be demoted, as that takes nothing from anyone able to log in.
    user_cmd(&sb, &["role", "direction@ergolis.fr", "member"]).success();

    // Setting the role an account already has changes nothing and is not audited.
    let same = user_cmd(&sb, &["role", "camille@ergolis.fr", "admin"]).success();
    assert!(same.stdout.contains("already"), "{same}");

    let entries = with_store(&sb, async |s| s.audit_entries(0, 100).await.expect("audit"));
    let roles: Vec<(String, String)> = entries
        .iter()
        .rev()
        .filter(|e| e.action == "user.role")
        .map(|e| {
            (
                e.details["from"].as_str().unwrap_or_default().to_string(),
                e.details["to"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let pairs: Vec<(&str, &str)> = roles
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(
        pairs,
        vec![
            ("member", "admin"),
            ("admin", "champion"),
            ("champion", "admin"),
            ("admin", "member"),
        ]
    );
}

#[test]
fn disable_ends_sessions_and_enable_restores_the_account() {
    let sb = Sandbox::new();
    add(&sb, "direction@ergolis.fr", &["--admin"], PASSWORD).success();
    add(&sb, "camille@ergolis.fr", &["--role", "agent"], PASSWORD).success();
    let token = with_store(&sb, async |s| {
        let user = s
            .user_by_email("camille@ergolis.fr")
            .await
            .expect("read")
            .expect("exists");
        s.create_session(user.id, Duration::from_secs(3600), "", "")
            .await
            .expect("session")
            .token
    });

    user_cmd(&sb, &["disable", "camille@ergolis.fr"]).success();
    assert_eq!(listed_user(&sb, "camille@ergolis.fr")["disabled"], true);
    let again = user_cmd(&sb, &["disable", "camille@ergolis.fr"]).success();
    assert!(again.stdout.contains("already"), "{again}");

    user_cmd(&sb, &["enable", "camille@ergolis.fr"]).success();
    assert_eq!(listed_user(&sb, "camille@ergolis.fr")["disabled"], false);
    assert!(
        with_store(&sb, async |s| s.session(&token).await.expect("read")).is_none(),
        "a session from before the account was disabled came back"
    );
    assert_eq!(listed_user(&sb, "camille@ergolis.fr")["role"], "agent");
}

#[test]
fn reset_password_replaces_it_and_ends_sessions() {
    let sb = Sandbox::new();
    add(&sb, "camille@ergolis.fr", &[], PASSWORD).success();
    let token = with_store(&sb, async |s| {
        let user = s
            .user_by_email("camille@ergolis.fr")
            .await
            .expect("read")
            .expect("exists");
        s.create_session(user.id, Duration::from_secs(3600), "", "")
            .await
            .expect("session")
            .token
    });
    let before = password_hash(&sb, "camille@ergolis.fr");

    let short = run_with_stdin(
        &mut sb.levier_data([
            "user",
            "reset-password",
            "camille@ergolis.fr",
            "--password-stdin",
        ]),
        "1234567\n",
    )
    .expect_code(INPUT);
    assert_mentions(&short, "at least 8 characters");
    assert_eq!(password_hash(&sb, "camille@ergolis.fr"), before);

    // Only the line ending is stripped: trailing spaces are part of the password.
    let new = "un nouveau mot de passe ";
    run_with_stdin(
        &mut sb.levier_data([
            "user",
            "reset-password",
            "Camille@ergolis.fr",
            "--password-stdin",
        ]),
        &format!("{new}\r\n"),
    )
    .success();
    let after = password_hash(&sb, "camille@ergolis.fr");
    assert!(verify_password(new, &after));
    assert!(!verify_password(PASSWORD, &after));
    assert!(
        with_store(&sb, async |s| s.session(&token).await.expect("read")).is_none(),
        "a session survived the password reset"
    );
}

#[test]
fn every_change_is_in_the_audit_log_without_the_password() {
    let sb = Sandbox::new();
    add(&sb, "direction@ergolis.fr", &["--admin"], PASSWORD).success();
    add(&sb, "camille@ergolis.fr", &[], PASSWORD).success();
    user_cmd(&sb, &["role", "camille@ergolis.fr", "agent"]).success();
    user_cmd(&sb, &["disable", "camille@ergolis.fr"]).success();
    user_cmd(&sb, &["enable", "camille@ergolis.fr"]).success();
    run_with_stdin(
        &mut sb.levier_data([
            "user",
            "reset-password",
            "camille@ergolis.fr",
            "--password-stdin",
        ]),
        "another secret phrase\n",
    )
    .success();

    let (entries, camille) = with_store(&sb, async |s| {
        let camille = s
            .user_by_email("camille@ergolis.fr")
            .await
            .expect("read")
            .expect("exists");
        (s.audit_entries(0, 100).await.expect("audit"), camille)
    });
    let actions: Vec<(i64, &str, &str)> = entries
        .iter()
        .rev()
        .map(|e| (e.seq, e.action.as_str(), e.target.as_str()))
        .collect();
    let target = format!("user:{}", camille.id.0);
    assert_eq!(
        actions[1..],
        [
            (2, "user.create", target.as_str()),
            (3, "user.role", target.as_str()),
            (4, "user.disable", target.as_str()),
            (5, "user.enable", target.as_str()),
            (6, "user.password_reset", target.as_str()),
        ]
    );
    assert_eq!(actions[0].1, "user.create");
    for e in &entries {
        assert_eq!(e.actor, "cli");
        assert_eq!(e.actor_user_id, None);
        assert_eq!(e.ip, "");
    }
    let created = &entries[entries.len() - 2];
    assert_eq!(created.details["email"], "camille@ergolis.fr");
    assert_eq!(created.details["role"], "member");
    assert_eq!(camille.role, Role::Agent);
    let logged = serde_json::to_string(&entries).expect("json");
    for secret in [PASSWORD, "another secret phrase", "$argon2"] {
        assert!(!logged.contains(secret), "{secret:?} is in the audit log");
    }
}
