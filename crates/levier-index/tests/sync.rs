//! Following the store: updates, deletions, idempotence, reopening, rebuilding, crashes, and
//! damaged index directories.

mod common;

use common::{Fixture, doc, fixture, search};
use levier_index::{IndexError, LexicalIndex, SearchRequest, SyncReport};
use levier_store::knowledge::NewFaqEntry;

const A: &[&str] = &["a"];

fn guide(fx: &Fixture, version: &str) -> levier_store::documents::NewDocument {
    doc(
        fx,
        "guide.md",
        "Guide d'accueil",
        "fr",
        A,
        &[
            (
                &["Accueil"],
                &format!("Bienvenue chez Ergolis, version {version}."),
            ),
            (
                &["Badge"],
                "Le badge d'accès est remis par l'accueil le premier jour.",
            ),
        ],
    )
}

#[tokio::test]
async fn sync_follows_updates_and_deletions() {
    let fx = fixture().await;
    let id = fx.put(guide(&fx, "ancienne")).await;
    let index = fx.open_index();
    let report = index.sync(&fx.store).await.expect("sync");
    assert_eq!(
        report.last_seq,
        fx.store.last_change_seq().await.expect("seq")
    );
    assert_eq!(index.applied_seq(), report.last_seq);
    assert_eq!(search(&index, "ancienne", A).total, 1);
    assert_eq!(index.chunk_count(), 2);

    fx.put(guide(&fx, "nouvelle")).await;
    index.sync(&fx.store).await.expect("sync");
    assert_eq!(
        search(&index, "ancienne", A).total,
        0,
        "old chunks replaced"
    );
    assert_eq!(search(&index, "nouvelle", A).total, 1);
    assert_eq!(search(&index, "badge", A).total, 1, "no duplicate chunks");
    assert_eq!(index.chunk_count(), 2);

    assert!(fx.store.remove_document(id).await.expect("remove"));
    index.sync(&fx.store).await.expect("sync");
    assert_eq!(search(&index, "nouvelle badge", A).total, 0);
    assert_eq!(index.chunk_count(), 0);
}

#[tokio::test]
async fn a_second_sync_applies_nothing() {
    let fx = fixture().await;
    fx.put(guide(&fx, "1")).await;
    let index = fx.open_index();
    let first = index.sync(&fx.store).await.expect("sync");
    assert!(first.applied >= 1);
    let again = index.sync(&fx.store).await.expect("sync");
    assert_eq!(
        again,
        SyncReport {
            applied: 0,
            last_seq: first.last_seq
        }
    );
}

#[tokio::test]
async fn changes_to_other_entities_advance_the_sequence() {
    let fx = fixture().await;
    fx.store
        .create_faq_entry(&NewFaqEntry {
            question: "Quels sont vos horaires ?".into(),
            answer: "De 9 h à 18 h.".into(),
            category: "accueil".into(),
            language: "fr".into(),
            public: true,
            phrasings: vec![],
        })
        .await
        .expect("faq");
    let index = fx.open_index();
    let report = index.sync(&fx.store).await.expect("sync");
    assert_eq!(report.applied, 1);
    assert_eq!(
        index.applied_seq(),
        fx.store.last_change_seq().await.expect("seq")
    );
    assert_eq!(index.chunk_count(), 0);
}

#[tokio::test]
async fn reopening_keeps_the_applied_sequence_and_contents() {
    let fx = fixture().await;
    fx.put(guide(&fx, "1")).await;
    let seq = {
        let index = fx.open_index();
        index.sync(&fx.store).await.expect("sync").last_seq
    };
    let index = fx.open_index();
    assert_eq!(index.applied_seq(), seq);
    assert_eq!(search(&index, "badge", A).total, 1);
    assert_eq!(index.sync(&fx.store).await.expect("sync").applied, 0);
}

#[tokio::test]
async fn rebuild_gives_the_same_results() {
    let fx = fixture().await;
    fx.put(guide(&fx, "1")).await;
    fx.put(guide(&fx, "2")).await;
    let other = doc(
        &fx,
        "b.md",
        "Badges perdus",
        "fr",
        A,
        &[(&[], "Signalez un badge perdu.")],
    );
    let other = fx.put(other).await;
    fx.put(doc(
        &fx,
        "c.md",
        "Temp",
        "fr",
        A,
        &[(&[], "Badge temporaire.")],
    ))
    .await;
    let temp = fx.store.document_id(fx.docs, "c.md").await.expect("id");
    assert!(
        fx.store
            .remove_document(temp.expect("c.md"))
            .await
            .expect("rm")
    );
    let index = fx.open_index();
    index.sync(&fx.store).await.expect("sync");
    let before = search(&index, "badge", A);
    let seq = index.applied_seq();

    let report = index.rebuild(&fx.store).await.expect("rebuild");
    assert_eq!(report.last_seq, seq);
    assert_eq!(index.applied_seq(), seq);
    let after = search(&index, "badge", A);
    assert_eq!(before, after);
    assert_eq!(after.total, 2);
    assert!(after.hits.iter().any(|h| h.document_id == other));
    assert_eq!(index.chunk_count(), 3);
}

#[tokio::test]
async fn a_crash_before_commit_loses_nothing_and_duplicates_nothing() {
    let fx = fixture().await;
    fx.put(guide(&fx, "ancienne")).await;
    let seq = {
        let index = fx.open_index();
        index.sync(&fx.store).await.expect("sync").last_seq
    };
    // New changes are applied to the writer, then the process "dies" before committing.
    fx.put(guide(&fx, "nouvelle")).await;
    let extra = doc(
        &fx,
        "x.md",
        "Parking",
        "fr",
        A,
        &[(&[], "Le parking est au sous-sol.")],
    );
    fx.put(extra).await;
    {
        let index = fx.open_index();
        let staged = index.apply_without_commit(&fx.store).await.expect("stage");
        assert_eq!(staged, 2);
    }
    let index = fx.open_index();
    assert_eq!(index.applied_seq(), seq, "the sequence was not recorded");
    assert_eq!(
        search(&index, "parking", A).total,
        0,
        "nor were the documents"
    );
    assert_eq!(search(&index, "ancienne", A).total, 1);

    let report = index.sync(&fx.store).await.expect("sync");
    assert_eq!(report.applied, 2);
    assert_eq!(search(&index, "parking", A).total, 1);
    assert_eq!(search(&index, "ancienne", A).total, 0);
    assert_eq!(search(&index, "badge", A).total, 1, "each chunk once");
    assert_eq!(index.chunk_count(), 3);
}

#[tokio::test]
async fn a_damaged_index_asks_for_reindex_and_recreate_recovers() {
    let fx = fixture().await;
    fx.put(guide(&fx, "1")).await;
    {
        let index = fx.open_index();
        index.sync(&fx.store).await.expect("sync");
    }
    std::fs::write(fx.index_dir.join("meta.json"), b"{ not json").expect("damage");
    let err = LexicalIndex::open(&fx.index_dir).unwrap_err();
    assert!(matches!(err, IndexError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("levier reindex"), "{err}");

    let index = LexicalIndex::recreate(&fx.index_dir).expect("recreate");
    assert_eq!(index.applied_seq(), 0);
    index.rebuild(&fx.store).await.expect("rebuild");
    assert_eq!(search(&index, "badge", A).total, 1);
}

#[tokio::test]
async fn an_index_of_another_format_is_refused() {
    let fx = fixture().await;
    fx.put(guide(&fx, "1")).await;
    {
        let index = fx.open_index();
        index.sync(&fx.store).await.expect("sync");
    }
    let meta_path = fx.index_dir.join("meta.json");
    let meta = std::fs::read_to_string(&meta_path).expect("meta");
    let mut meta: serde_json::Value = serde_json::from_str(&meta).expect("json");
    meta["payload"] = serde_json::json!(r#"{"format":99,"applied_seq":1}"#);
    std::fs::write(&meta_path, meta.to_string()).expect("write");
    let err = LexicalIndex::open(&fx.index_dir).unwrap_err();
    assert!(matches!(err, IndexError::Incompatible { .. }), "{err}");
    assert!(err.to_string().contains("levier reindex"), "{err}");
}

#[tokio::test]
async fn a_second_writer_is_told_who_holds_the_lock() {
    let fx = fixture().await;
    fx.put(guide(&fx, "1")).await;
    let first = fx.open_index();
    first.sync(&fx.store).await.expect("sync");
    let second = fx.open_index();
    assert_eq!(search(&second, "badge", A).total, 1, "readers need no lock");
    let err = second.sync(&fx.store).await.unwrap_err();
    assert!(matches!(err, IndexError::Locked { .. }), "{err}");
}

#[tokio::test]
async fn search_results_serialise_for_the_api() {
    let fx = fixture().await;
    fx.put(guide(&fx, "1")).await;
    let index = fx.open_index();
    index.sync(&fx.store).await.expect("sync");
    let results = index
        .search(&SearchRequest::new("badge", A))
        .expect("search");
    let json = serde_json::to_value(&results).expect("json");
    assert_eq!(json["total"], 1);
    assert_eq!(json["hits"][0]["heading_path"][0], "Badge");
    assert_eq!(json["facets"]["languages"][0][0], "fr");
}
