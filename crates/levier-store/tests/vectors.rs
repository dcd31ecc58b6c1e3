//! Embedding models and chunk vectors, on SQLite and on a real PostgreSQL server.

mod common;

use common::TestStore;
use levier_core::ids::{ChunkId, SourceId};
use levier_store::directory::NewSource;
use levier_store::documents::{NewChunk, NewDocument};
use levier_store::vectors::{EmbeddingModel, VectorKind};
use levier_store::{Store, StoreError};

on_both_backends!(
    models_are_registered_once_per_weights,
    vectors_round_trip_with_groups_and_language,
    pending_chunks_page_and_follow_document_changes,
    invalid_batches_are_refused_whole,
    titles_have_their_own_vectors_on_the_first_chunk,
);

const SHA_A: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
const SHA_B: &str = "0000000000000000000000000000000000000000000000000000000000000001";

async fn source(s: &Store) -> SourceId {
    for g in ["rh", "personnel"] {
        s.upsert_group(g, g, "").await.expect("group");
    }
    s.upsert_source(&NewSource {
        name: "docs".into(),
        kind: "folder".into(),
        location: "/srv/docs".into(),
        public: false,
        groups: vec!["personnel".into()],
    })
    .await
    .expect("source")
}

/// A document with `chunks` passages whose text depends on `version`.
fn doc(source: SourceId, path: &str, version: &str, groups: &[&str], chunks: i64) -> NewDocument {
    NewDocument {
        source_id: source,
        external_id: path.into(),
        title: format!("Titre {path}"),
        media_type: "text/markdown".into(),
        content_hash: format!("{path}-{version}"),
        size_bytes: 100,
        language: Some("fr".into()),
        public: false,
        metadata: serde_json::json!({}),
        body: None,
        groups: groups.iter().map(|g| g.to_string()).collect(),
        chunks: (0..chunks)
            .map(|i| NewChunk {
                ordinal: i,
                heading_path: vec![],
                body: format!("passage {i} de {path} ({version})"),
                language: (i % 2 == 1).then(|| "en".to_string()),
                start_offset: 0,
                end_offset: 10,
            })
            .collect(),
    }
}

fn vector(seed: i64, dims: usize) -> Vec<f32> {
    (0..dims)
        .map(|i| ((seed * 31 + i as i64) % 17) as f32 / 17.0 - 0.5)
        .collect()
}

async fn chunk_ids(s: &Store, path: &str, src: SourceId) -> Vec<ChunkId> {
    let id = s.document_id(src, path).await.expect("id").expect("exists");
    let full = s.full_document(id).await.expect("read").expect("exists");
    full.chunks.iter().map(|c| c.id).collect()
}

async fn models_are_registered_once_per_weights(t: &TestStore) {
    let s = &t.store;
    let a = s
        .register_embedding_model("multilingual-e5-small", SHA_A, 384)
        .await
        .expect("register");
    let again = s
        .register_embedding_model(" multilingual-e5-small ", &SHA_A.to_uppercase(), 384)
        .await
        .expect("register again");
    assert_eq!(a, again, "same name and weights: same model");
    let b = s
        .register_embedding_model("multilingual-e5-small", SHA_B, 384)
        .await
        .expect("new weights");
    assert_ne!(a.id, b.id);
    assert_eq!(
        s.embedding_models().await.expect("list"),
        vec![a.clone(), b]
    );
    assert_eq!(s.embedding_model(a.id).await.expect("get"), Some(a.clone()));
    assert!(matches!(
        s.register_embedding_model("multilingual-e5-small", SHA_A, 768)
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        s.register_embedding_model("m", "not-a-hash", 3).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(s.remove_embedding_model(a.id).await.expect("remove"));
    assert!(!s.remove_embedding_model(a.id).await.expect("remove twice"));
    assert_eq!(s.embedding_model(a.id).await.expect("get"), None);
}

async fn vectors_round_trip_with_groups_and_language(t: &TestStore) {
    let s = &t.store;
    let src = source(s).await;
    s.store_document(&doc(src, "a.md", "1", &["rh", "personnel"], 3))
        .await
        .expect("doc a");
    s.store_document(&doc(src, "b.md", "1", &[], 2))
        .await
        .expect("doc b");
    let model = s
        .register_embedding_model("e5", SHA_A, 5)
        .await
        .expect("model");
    let other = s
        .register_embedding_model("minilm", SHA_B, 5)
        .await
        .expect("model");
    let mut chunks = chunk_ids(s, "a.md", src).await;
    chunks.extend(chunk_ids(s, "b.md", src).await);
    // Exact values survive: extremes, negative zero, subnormals.
    let mut batch: Vec<(ChunkId, Vec<f32>)> = chunks.iter().map(|c| (*c, vector(c.0, 5))).collect();
    batch[0].1 = vec![f32::MAX, -0.0, f32::MIN_POSITIVE / 2.0, -1.0, 1e-30];
    assert_eq!(
        s.write_chunk_vectors(&model, VectorKind::Passage, &batch)
            .await
            .expect("write"),
        5
    );
    s.write_chunk_vectors(&other, VectorKind::Passage, &batch[..1])
        .await
        .expect("other model");

    let mut read = Vec::new();
    let mut after = ChunkId(0);
    loop {
        let page = s
            .chunk_vectors_page(&model, VectorKind::Passage, after, 2)
            .await
            .expect("page");
        let Some(last) = page.last() else { break };
        after = last.chunk_id;
        read.extend(page);
    }
    assert_eq!(read.len(), 5, "other models' vectors are not read");
    for (stored, (chunk, v)) in read.iter().zip(&batch) {
        assert_eq!(stored.chunk_id, *chunk);
        assert_eq!(
            stored
                .vector
                .iter()
                .map(|x| x.to_bits())
                .collect::<Vec<_>>(),
            v.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            "bit-exact"
        );
    }
    assert_eq!(read[0].groups, vec!["personnel", "rh"]);
    assert_eq!(
        read[0].language.as_deref(),
        Some("fr"),
        "document's language"
    );
    assert_eq!(read[1].language.as_deref(), Some("en"), "chunk's language");
    assert!(read[3].groups.is_empty());

    // Writing again replaces.
    let replaced = vec![(chunks[1], vec![1.0, 0.0, 0.0, 0.0, 0.0])];
    s.write_chunk_vectors(&model, VectorKind::Passage, &replaced)
        .await
        .expect("replace");
    let a = s.document_id(src, "a.md").await.expect("id").expect("a");
    let of_a = s
        .document_vectors(&model, VectorKind::Passage, a)
        .await
        .expect("doc vectors");
    assert_eq!(of_a.len(), 3);
    assert_eq!(of_a[1].vector, replaced[0].1);
    let count = s.vector_count(model.id).await.expect("count");
    // Every passage has its vector; the titles of the two documents have none yet.
    assert_eq!((count.vectors, count.chunks, count.pending()), (5, 5, 2));
}

async fn pending_chunks_page_and_follow_document_changes(t: &TestStore) {
    let s = &t.store;
    let src = source(s).await;
    s.store_document(&doc(src, "a.md", "1", &["rh"], 4))
        .await
        .expect("doc");
    let model = s
        .register_embedding_model("e5", SHA_A, 3)
        .await
        .expect("model");
    let first = s
        .chunks_without_vector(model.id, VectorKind::Passage, ChunkId(0), 3)
        .await
        .expect("pending");
    assert_eq!(first.len(), 3);
    assert_eq!(first[0].title, "Titre a.md");
    assert!(first[2].body.starts_with("passage 2 de a.md"));
    let rest = s
        .chunks_without_vector(model.id, VectorKind::Passage, first[2].chunk_id, 3)
        .await
        .expect("next page");
    assert_eq!(rest.len(), 1);

    let embed = |chunks: &[levier_store::vectors::PendingChunk]| -> Vec<(ChunkId, Vec<f32>)> {
        chunks
            .iter()
            .map(|c| (c.chunk_id, vector(c.chunk_id.0, 3)))
            .collect()
    };
    s.write_chunk_vectors(&model, VectorKind::Passage, &embed(&first))
        .await
        .expect("write");
    let pending = s
        .chunks_without_vector(model.id, VectorKind::Passage, ChunkId(0), 10)
        .await
        .expect("pending");
    assert_eq!(pending, rest, "embedded chunks are no longer pending");
    // One passage, and the document's title.
    assert_eq!(s.vector_count(model.id).await.expect("count").pending(), 2);

    // The document changes: its chunks are replaced, their vectors go with them, and a vector
    // computed for an old chunk meanwhile is skipped.
    s.store_document(&doc(src, "a.md", "2", &["rh"], 2))
        .await
        .expect("update");
    assert_eq!(
        s.write_chunk_vectors(&model, VectorKind::Passage, &embed(&rest))
            .await
            .expect("late write"),
        0
    );
    let count = s.vector_count(model.id).await.expect("count");
    assert_eq!((count.vectors, count.chunks), (0, 2));
    let pending = s
        .chunks_without_vector(model.id, VectorKind::Passage, ChunkId(0), 10)
        .await
        .expect("pending");
    assert_eq!(pending.len(), 2);
    s.write_chunk_vectors(&model, VectorKind::Passage, &embed(&pending))
        .await
        .expect("write");
    let a = s.document_id(src, "a.md").await.expect("id").expect("a");
    assert!(s.remove_document(a).await.expect("remove"));
    assert_eq!(s.vector_count(model.id).await.expect("count").vectors, 0);
}

async fn invalid_batches_are_refused_whole(t: &TestStore) {
    let s = &t.store;
    let src = source(s).await;
    s.store_document(&doc(src, "a.md", "1", &["rh"], 600))
        .await
        .expect("doc");
    let model: EmbeddingModel = s
        .register_embedding_model("e5", SHA_A, 4)
        .await
        .expect("model");
    let chunks = chunk_ids(s, "a.md", src).await;
    let mut batch: Vec<(ChunkId, Vec<f32>)> = chunks.iter().map(|c| (*c, vector(c.0, 4))).collect();
    for bad in [vec![0.0; 3], vec![f32::NAN, 0.0, 0.0, 0.0]] {
        let mut wrong = batch.clone();
        wrong[599].1 = bad;
        assert!(matches!(
            s.write_chunk_vectors(&model, VectorKind::Passage, &wrong)
                .await,
            Err(StoreError::Invalid(_))
        ));
    }
    let mut twice = batch.clone();
    twice[1].0 = twice[0].0;
    assert!(matches!(
        s.write_chunk_vectors(&model, VectorKind::Passage, &twice)
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(s.vector_count(model.id).await.expect("count").vectors, 0);
    // More rows than one statement carries: all in one transaction.
    batch.truncate(600);
    assert_eq!(
        s.write_chunk_vectors(&model, VectorKind::Passage, &batch)
            .await
            .expect("write"),
        600
    );
}

async fn titles_have_their_own_vectors_on_the_first_chunk(t: &TestStore) {
    let s = &t.store;
    let src = source(s).await;
    s.store_document(&doc(src, "a.md", "1", &["rh"], 3))
        .await
        .expect("doc");
    let mut untitled = doc(src, "b.md", "1", &["rh"], 2);
    untitled.title = "  ".into();
    s.store_document(&untitled).await.expect("untitled doc");
    let mut named = doc(src, "F10506.md", "1", &["rh"], 1);
    named.title = "F10506".into();
    named.metadata =
        serde_json::json!({ levier_store::documents::TITLE_FROM_FILE_NAME: true, "author": null });
    s.store_document(&named)
        .await
        .expect("doc titled by its file name");
    let model = s
        .register_embedding_model("e5", SHA_A, 3)
        .await
        .expect("model");
    let titles = s
        .chunks_without_vector(model.id, VectorKind::Title, ChunkId(0), 10)
        .await
        .expect("pending titles");
    let a_chunks = chunk_ids(s, "a.md", src).await;
    assert_eq!(
        titles.len(),
        1,
        "only the first chunk of the document with a title of its own"
    );
    assert_eq!(titles[0].chunk_id, a_chunks[0]);
    let count = s.vector_count(model.id).await.expect("count");
    assert_eq!((count.titles, count.titled, count.pending()), (0, 1, 7));

    s.write_chunk_vectors(&model, VectorKind::Title, &[(a_chunks[0], vector(7, 3))])
        .await
        .expect("write title");
    // A title vector is not a passage vector: the chunk's passage is still pending.
    let passages = s
        .chunks_without_vector(model.id, VectorKind::Passage, ChunkId(0), 10)
        .await
        .expect("pending passages");
    assert_eq!(passages.len(), 6);
    let a = s.document_id(src, "a.md").await.expect("id").expect("a");
    let stored = s
        .document_vectors(&model, VectorKind::Title, a)
        .await
        .expect("title vectors");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].chunk_id, a_chunks[0]);
    assert!(
        s.document_vectors(&model, VectorKind::Passage, a)
            .await
            .expect("passage vectors")
            .is_empty()
    );
    let count = s.vector_count(model.id).await.expect("count");
    assert_eq!((count.titles, count.pending()), (1, 6));
}
