//! A missing or damaged model file gives an error naming the file and the command that fixes it.

use levier_ml::{MlError, SentenceEncoder};

#[test]
fn a_missing_file_is_named_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let err = SentenceEncoder::load(dir.path(), "m")
        .err()
        .expect("no model there");
    assert!(matches!(&err, MlError::MissingFile { file } if file.ends_with("config.json")));
    let msg = err.to_string();
    assert!(
        msg.contains("config.json") && msg.contains("levier models import"),
        "{msg}"
    );
}

#[test]
fn a_packed_file_that_is_not_one_is_refused_and_nothing_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.bin");
    std::fs::write(&junk, b"not a model at all").unwrap();
    let models = dir.path().join("models");
    let err = levier_ml::import(&junk, &models, "j").expect_err("refused");
    assert!(err.to_string().contains("E5S1"), "{err}");
    assert_eq!(std::fs::read_dir(&models).unwrap().count(), 0);
}

/// Needs the real model (see tests/reference.rs): its config and tokenizer beside truncated
/// weights.
#[test]
fn truncated_weights_are_reported_as_corrupt() {
    let Some(real) = levier_ml::testing::model_dir() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for f in ["config.json", "tokenizer.json"] {
        std::fs::copy(real.join(f), dir.path().join(f)).unwrap();
    }
    let head = std::fs::read(real.join("model.safetensors")).unwrap();
    std::fs::write(dir.path().join("model.safetensors"), &head[..4096]).unwrap();
    let err = SentenceEncoder::load(dir.path(), "m")
        .err()
        .expect("corrupt");
    assert!(
        matches!(&err, MlError::CorruptFile { file, .. } if file.ends_with("model.safetensors")),
        "{err}"
    );
}
