//! End-to-end tests of `levier models …`: the real binary with a models directory of its own.
//! The import of a real model runs when `LEVIER_TEST_MODEL_DIR` names one (scripts/test sets it
//! after scripts/fetch-models).

#[allow(dead_code)]
mod support;

use support::{Sandbox, run};

/// Exit code for invalid input (main.rs).
const INPUT: i32 = 5;

#[test]
fn an_empty_models_directory_says_how_to_get_a_model() {
    let sb = Sandbox::new();
    let out = run(&mut sb.levier_data(["models", "list"])).success();
    assert!(out.stdout.contains("levier models import"), "{out}");
    let out = run(&mut sb.levier_data(["models", "info"])).expect_code(INPUT);
    assert!(out.stderr.contains("scripts/fetch-models"), "{out}");
    let out = run(&mut sb.levier_data(["models", "use", "nope"])).expect_code(INPUT);
    assert!(out.stderr.contains("levier models import"), "{out}");
}

#[test]
fn a_file_that_is_no_model_is_refused() {
    let sb = Sandbox::new();
    let junk = sb.join("junk.bin");
    std::fs::write(&junk, b"junk").expect("write");
    let out = run(&mut sb.levier_data(["models", "import", junk.to_str().expect("utf-8")]))
        .expect_code(INPUT);
    assert!(out.stderr.contains("e5-small-q4.bin"), "{out}");
}

#[test]
fn an_imported_model_is_listed_chosen_and_described() {
    let Some(real) = levier_ml::testing::model_dir() else {
        return;
    };
    let sb = Sandbox::new();
    let real = real.to_str().expect("utf-8 path").to_owned();
    let out =
        run(&mut sb.levier_data(["models", "import", &real, "--name", "e5", "--json"])).success();
    let sha = out.json()["weights_sha256"]
        .as_str()
        .expect("sha")
        .to_owned();
    assert_eq!(sha.len(), 64);
    run(&mut sb.levier_data(["models", "use", "e5"])).success();
    let list = run(&mut sb.levier_data(["models", "list", "--json"]))
        .success()
        .json();
    assert_eq!(list[0]["name"], "e5");
    assert_eq!(list[0]["selected"], true);
    let info = run(&mut sb.levier_data(["models", "info", "--json"]))
        .success()
        .json();
    assert_eq!(info["dimensions"], 384);
    assert_eq!(info["weights_sha256"], sha.as_str());
    assert_eq!(info["passage_prompt"], "passage: ");
}
