//! End-to-end tests of the `levier` binary: each test runs the real executable in its own
//! temporary directory, with a clean environment, and checks what an operator would see —
//! exit codes, messages, files left on disk, and the HTTP server of `levier demo`.

#[allow(dead_code)]
mod support;

use serde_json::Value;
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use support::{Output, Running, Sandbox, WAIT, http_get, http_get_following, run};

/// The exit codes documented in src/main.rs.
const USAGE: i32 = 2;
const CONFIG: i32 = 3;
const STORE: i32 = 4;
const INPUT: i32 = 5;
const BUSY: i32 = 6;

/// `levier demo --load-only --json` into the sandbox's data directory; returns its JSON.
fn load_demo(sb: &Sandbox) -> Value {
    run(&mut sb.levier_data(["demo", "--load-only", "--json"]))
        .success()
        .json()
}

/// The tasks of `levier task list --json`.
fn task_list(sb: &Sandbox) -> Vec<Value> {
    let out = run(&mut sb.levier_data(["task", "list", "--json"])).success();
    match out.json() {
        Value::Array(tasks) => tasks,
        other => panic!("task list --json is not an array: {other}"),
    }
}

/// The one `demo.load` task in the data directory.
fn demo_task(sb: &Sandbox) -> Value {
    let tasks: Vec<Value> = task_list(sb)
        .into_iter()
        .filter(|t| t["kind"] == "demo.load")
        .collect();
    assert_eq!(tasks.len(), 1, "expected one demo.load task: {tasks:#?}");
    tasks.into_iter().next().expect("one task")
}

fn count(loaded: &Value, key: &str) -> u64 {
    loaded[key]
        .as_u64()
        .unwrap_or_else(|| panic!("`loaded.{key}` is not a count in {loaded:#}"))
}

fn parse_toml(out: &Output) -> toml::Table {
    toml::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("config show did not print TOML ({e})\n{out}"))
}

// ---------------------------------------------------------------------------------------------
// init and config show
// ---------------------------------------------------------------------------------------------

#[test]
fn init_writes_a_commented_config_and_only_replaces_it_with_force() {
    let sb = Sandbox::new();
    let conf = sb.join("conf");
    let file = conf.join("levier.toml");

    run(sb.levier(["init"]).arg(&conf)).success();
    let written = std::fs::read_to_string(&file).expect("levier.toml written");
    assert!(
        written.lines().filter(|l| l.starts_with('#')).count() >= 5,
        "levier.toml should be commented:\n{written}"
    );
    assert!(written.contains("data_dir = \"data\""), "{written}");
    toml::from_str::<toml::Table>(&written).expect("the written file is valid TOML");

    std::fs::write(&file, "# my own settings\n").expect("edit levier.toml");
    let again = run(sb.levier(["init"]).arg(&conf)).expect_code(INPUT);
    assert!(again.stderr.contains("--force"), "{again}");
    assert_eq!(
        std::fs::read_to_string(&file).expect("read levier.toml"),
        "# my own settings\n",
        "a refused init must leave the file alone"
    );

    run(sb.levier(["init", "--force"]).arg(&conf)).success();
    assert_eq!(
        std::fs::read_to_string(&file).expect("read levier.toml"),
        written,
        "--force writes the template again"
    );
}

#[test]
fn config_show_resolves_data_dir_relative_to_the_file() {
    let sb = Sandbox::new();
    let conf = sb.join("conf");
    run(sb.levier(["init"]).arg(&conf)).success();
    let file = conf.join("levier.toml");

    // Absolute --config: data_dir is the file's directory joined with "data".
    let out = run(sb.levier(["--config"]).arg(&file).args(["config", "show"])).success();
    assert!(out.stdout.starts_with('#'), "{out}");
    let shown = parse_toml(&out);
    let expected = conf.join("data");
    assert_eq!(
        shown["data_dir"].as_str(),
        expected.to_str(),
        "data_dir should be resolved against the file's directory\n{out}"
    );

    // Relative --config: still relative to the file, not to the working directory.
    let out = run(&mut sb.levier(["--config", "conf/levier.toml", "config", "show"])).success();
    assert_eq!(
        parse_toml(&out)["data_dir"].as_str(),
        Path::new("conf").join("data").to_str(),
        "{out}"
    );

    let out = run(sb
        .levier(["--config"])
        .arg(&file)
        .args(["config", "show", "--json"]))
    .success();
    let json = out.json();
    assert_eq!(json["data_dir"].as_str(), expected.to_str(), "{out}");
    assert_eq!(json["tasks"]["workers"], 2, "{out}");
}

#[test]
fn config_show_masks_the_database_password_and_applies_the_environment() {
    let sb = Sandbox::new();
    let with_env = |args: &[&str]| {
        let mut cmd = sb.levier(args);
        cmd.env(
            "LEVIER_DATABASE_URL",
            "postgres://levier:topsecret@db.example:5432/levier",
        )
        .env("LEVIER_SERVER_BODY_LIMIT_BYTES", "1234");
        cmd
    };

    let out = run(&mut with_env(&["config", "show"])).success();
    assert!(!out.stdout.contains("topsecret"), "password shown:\n{out}");
    assert!(!out.stderr.contains("topsecret"), "password logged:\n{out}");
    assert!(out.stdout.contains("levier:***@db.example"), "{out}");
    let shown = parse_toml(&out);
    assert_eq!(shown["server"]["body_limit_bytes"].as_integer(), Some(1234));

    let out = run(&mut with_env(&["config", "show", "--json"])).success();
    assert!(!out.stdout.contains("topsecret"), "password shown:\n{out}");
    let json = out.json();
    let url = json["database_url"].as_str().unwrap_or_default();
    assert!(url.contains("***"), "{out}");
    assert_eq!(json["server"]["body_limit_bytes"], 1234, "{out}");
}

// ---------------------------------------------------------------------------------------------
// invalid configuration: exit code 3
// ---------------------------------------------------------------------------------------------

#[test]
fn unknown_key_names_the_file_the_line_and_the_key() {
    let sb = Sandbox::new();
    let file = sb.join("levier.toml");
    std::fs::write(
        &file,
        "addr = \"127.0.0.1:9000\"\n\n[server]\nbody_limit = 10\n",
    )
    .expect("write levier.toml");
    let out = run(sb.levier(["--config"]).arg(&file).args(["config", "show"])).expect_code(CONFIG);
    assert!(
        out.stderr.contains(&format!("{}:4:", file.display())),
        "stderr should name the file and line 4:\n{out}"
    );
    assert!(out.stderr.contains("server.body_limit"), "{out}");

    // The same file found in the working directory, without --config.
    let out = run(&mut sb.levier(["config", "show"])).expect_code(CONFIG);
    assert!(out.stderr.contains("levier.toml:4:"), "{out}");
    assert!(out.stderr.contains("server.body_limit"), "{out}");
}

#[test]
fn wrong_type_names_the_key() {
    let sb = Sandbox::new();
    let file = sb.join("levier.toml");
    std::fs::write(&file, "[tasks]\nworkers = \"many\"\n").expect("write levier.toml");
    let out = run(sb.levier(["--config"]).arg(&file).args(["config", "show"])).expect_code(CONFIG);
    assert!(
        out.stderr.contains(&format!("{}:2:", file.display())),
        "{out}"
    );
    assert!(out.stderr.contains("tasks.workers"), "{out}");
}

#[test]
fn bad_environment_value_names_the_variable() {
    let sb = Sandbox::new();
    let out = run(sb
        .levier(["config", "show"])
        .env("LEVIER_STORE_MAX_CONNECTIONS", "lots"))
    .expect_code(CONFIG);
    assert!(out.stderr.contains("LEVIER_STORE_MAX_CONNECTIONS"), "{out}");
    assert!(out.stderr.contains("lots"), "{out}");
}

// ---------------------------------------------------------------------------------------------
// store problems: exit code 4
// ---------------------------------------------------------------------------------------------

#[test]
fn unreachable_postgres_exits_4_with_the_password_masked() {
    let sb = Sandbox::new();
    let out = run(sb.levier(["task", "list"]).env(
        "LEVIER_DATABASE_URL",
        "postgres://levier:pw123456@127.0.0.1:1/levier",
    ))
    .expect_code(STORE);
    assert!(
        out.stderr
            .contains("postgres://levier:***@127.0.0.1:1/levier"),
        "stderr should show the URL, password masked:\n{out}"
    );
    assert!(!out.stderr.contains("pw123456"), "password leaked:\n{out}");
    assert!(!out.stdout.contains("pw123456"), "password leaked:\n{out}");
}

#[test]
fn corrupt_sqlite_file_is_refused_and_left_untouched() {
    let garbage: Vec<u8> = (0..16_384u32).map(|i| (i * 7 % 251) as u8).collect();
    // Garbage after a genuine SQLite header passes the first check and reaches SQLite itself.
    let mut headed = b"SQLite format 3\0".to_vec();
    headed.extend_from_slice(&garbage);
    for (case, bytes) in [("garbage", garbage), ("garbage after the header", headed)] {
        let sb = Sandbox::new();
        let db = sb.data_dir().join("levier.db");
        std::fs::create_dir_all(sb.data_dir()).expect("create the data directory");
        std::fs::write(&db, &bytes).expect("write levier.db");

        let out = run(&mut sb.levier_data(["task", "list"])).expect_code(STORE);
        assert!(
            out.stderr.contains("is not a usable SQLite database"),
            "{case}: {out}"
        );
        assert!(out.stderr.contains("levier restore"), "{case}: {out}");
        assert!(
            std::fs::read(&db).expect("read levier.db") == bytes,
            "{case}: levier.db was modified"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// the demo company
// ---------------------------------------------------------------------------------------------

#[test]
fn demo_load_only_loads_the_company_once() {
    let sb = Sandbox::new();
    let first = load_demo(&sb);
    assert_eq!(first["reused"], false, "{first:#}");
    let loaded = &first["loaded"];
    for (key, at_least) in [
        ("documents", 40),
        ("faq_entries", 60),
        ("leads", 300),
        ("users", 5),
    ] {
        let n = count(loaded, key);
        assert!(
            n >= at_least,
            "the demo loaded {n} {key}, expected at least {at_least} (is demo/ complete?)"
        );
    }
    let rejected = loaded["rejected"]
        .as_array()
        .unwrap_or_else(|| panic!("`loaded.rejected` missing in {loaded:#}"));
    if !rejected.is_empty() {
        eprintln!("the demo load rejected {} rows:", rejected.len());
        for r in rejected {
            eprintln!("  {r}");
        }
    }
    let roles: BTreeSet<&str> = first["accounts"]
        .as_array()
        .unwrap_or_else(|| panic!("no accounts in {first:#}"))
        .iter()
        .filter_map(|a| a["role"].as_str())
        .collect();
    for role in ["admin", "agent", "champion", "member", "viewer"] {
        assert!(roles.contains(role), "no {role} demo account: {roles:?}");
    }

    let second = load_demo(&sb);
    assert_eq!(second["reused"], true, "{second:#}");
    assert!(second["loaded"].is_null(), "{second:#}");
    assert_eq!(second["accounts"], first["accounts"]);

    let task = demo_task(&sb);
    assert_eq!(task["status"], "succeeded", "{task:#}");
    assert_eq!(
        &task["result"], loaded,
        "the task's result is the first load's summary"
    );

    // Nothing was duplicated: the store holds exactly what the first load reported.
    let backup = sb.join("after-second-run.db");
    run(sb.levier_data(["backup"]).arg(&backup)).success();
    let restored = restore_counts(
        &run(sb
            .levier(["--data-dir"])
            .arg(sb.join("inspect"))
            .arg("restore")
            .arg(&backup))
        .success(),
    );
    assert_eq!(restored.users, count(loaded, "users"), "users duplicated");
    assert_eq!(
        restored.documents,
        count(loaded, "documents"),
        "documents duplicated"
    );
}

#[test]
fn demo_serves_the_company_and_stops_gracefully_on_sigterm() {
    let sb = Sandbox::new();
    let mut demo = Running::spawn(&mut sb.levier_data(["demo", "--addr", "127.0.0.1:0"]));
    let line = demo.wait_for_line("is served at http://", WAIT);
    let addr: SocketAddr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    assert_ne!(addr.port(), 0, "{line}");

    let health = http_get(addr, "/healthz");
    assert_eq!(health.status, 200, "{}", health.body);
    assert_eq!(health.body.trim(), "ok");
    let ready = http_get(addr, "/readyz");
    assert_eq!(ready.status, 200, "{}", ready.body);
    // The home page, or the login page it sends a visitor to, names the company.
    let (page, from) = http_get_following(addr, "/");
    assert_eq!(page.status, 200, "GET {from}: {}", page.body);
    assert!(page.body.contains("Ergolis"), "GET {from}: {}", page.body);

    let second = run(&mut sb.levier_data(["serve", "--addr", "127.0.0.1:0"])).expect_code(BUSY);
    assert!(second.stderr.contains("another levier process"), "{second}");

    let kill = Command::new("kill")
        .args(["-TERM", &demo.id().to_string()])
        .status()
        .expect("run kill");
    assert!(kill.success(), "kill -TERM failed");
    let status = demo.wait(WAIT);
    let out = demo.finish(status);
    assert_eq!(
        out.code,
        Some(0),
        "levier demo should exit 0 after SIGTERM, got {status}\n{out}"
    );
}

// ---------------------------------------------------------------------------------------------
// backup and restore
// ---------------------------------------------------------------------------------------------

struct Counts {
    users: u64,
    documents: u64,
}

/// Parses `restored FILE into DIR (N users, M documents, K events)`.
fn restore_counts(out: &Output) -> Counts {
    let inner = out
        .stdout
        .rsplit_once('(')
        .and_then(|(_, r)| r.split_once(')'))
        .map(|(inner, _)| inner)
        .unwrap_or_else(|| panic!("no counts in the restore output\n{out}"));
    let find = |what: &str| {
        inner
            .split(", ")
            .find_map(|part| part.strip_suffix(what)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {what} count in the restore output\n{out}"))
    };
    Counts {
        users: find(" users"),
        documents: find(" documents"),
    }
}

#[test]
fn backup_and_restore_round_trip_and_reject_bad_input() {
    let sb = Sandbox::new();
    let loaded = load_demo(&sb)["loaded"].clone();
    let backup = sb.join("levier-backup.db");

    let out = run(sb.levier_data(["backup"]).arg(&backup)).success();
    let size = std::fs::metadata(&backup)
        .unwrap_or_else(|e| panic!("no backup file ({e})\n{out}"))
        .len();
    assert!(size > 0, "the backup is empty\n{out}");

    let again = run(sb.levier_data(["backup"]).arg(&backup)).expect_code(INPUT);
    assert!(again.stderr.contains("already exists"), "{again}");
    assert_eq!(
        std::fs::metadata(&backup)
            .expect("backup still there")
            .len(),
        size,
        "a refused backup must not touch the existing file"
    );

    let out = run(sb.levier_data(["restore"]).arg(&backup)).success();
    let counts = restore_counts(&out);
    assert_eq!(counts.users, count(&loaded, "users"), "{out}");
    assert_eq!(counts.documents, count(&loaded, "documents"), "{out}");

    let text = sb.join("notabackup.txt");
    std::fs::write(&text, "these are my notes, not a database\n").expect("write a text file");
    let db = sb.data_dir().join("levier.db");
    let before = std::fs::read(&db).expect("read levier.db");
    let out = run(sb.levier_data(["restore"]).arg(&text)).expect_code(INPUT);
    assert!(out.stderr.contains("is not a levier backup"), "{out}");
    assert!(
        std::fs::read(&db).expect("read levier.db") == before,
        "a refused restore must leave levier.db untouched"
    );
    assert_eq!(demo_task(&sb)["status"], "succeeded");
}

// ---------------------------------------------------------------------------------------------
// usage and tasks
// ---------------------------------------------------------------------------------------------

#[test]
fn help_lists_every_command() {
    let sb = Sandbox::new();
    let out = run(&mut sb.levier(["--help"])).success();
    for command in [
        "init", "config", "demo", "serve", "backup", "restore", "task",
    ] {
        assert!(
            out.stdout
                .lines()
                .any(|l| l.split_whitespace().next() == Some(command)),
            "--help does not list `{command}`\n{out}"
        );
    }
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let sb = Sandbox::new();
    let out = run(&mut sb.levier(["frobnicate"])).expect_code(USAGE);
    assert!(out.stderr.contains("frobnicate"), "{out}");
}

#[test]
fn task_show_of_an_unknown_id_is_invalid_input() {
    let sb = Sandbox::new();
    let out = run(&mut sb.levier_data(["task", "show", "999"])).expect_code(INPUT);
    assert!(out.stderr.contains("999"), "{out}");
}

#[test]
fn logs_on_a_pipe_are_plain_text_or_json_lines() {
    let sb = Sandbox::new();
    // A new store logs its first migration at info level.
    let out = run(&mut sb.levier_data(["task", "list"])).success();
    assert!(out.stderr.contains("migration"), "no log line\n{out}");
    assert!(
        !out.stderr.contains('\u{1b}'),
        "colour codes in logs written to a pipe\n{out}"
    );

    let sb = Sandbox::new();
    let out = run(&mut sb.levier_data(["--log-format", "json", "task", "list"])).success();
    assert!(!out.stderr.trim().is_empty(), "no log line\n{out}");
    for line in out.stderr.lines() {
        serde_json::from_str::<Value>(line)
            .unwrap_or_else(|e| panic!("log line is not JSON ({e}): {line:?}"));
    }
}

#[test]
fn cancelling_a_finished_task_reports_its_status() {
    let sb = Sandbox::new();
    load_demo(&sb);
    let task = demo_task(&sb);
    let id = task["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no id in {task:#}"));
    let out = run(&mut sb.levier_data(["task", "cancel", &id.to_string()])).success();
    assert!(out.stdout.contains("succeeded"), "{out}");
    assert_eq!(
        demo_task(&sb)["status"],
        "succeeded",
        "a finished task stays finished"
    );
}
