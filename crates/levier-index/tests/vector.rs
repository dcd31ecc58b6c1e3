//! The vector index: recall of the graph against the exact scan, int8 memory, access groups
//! inside the search, incremental updates and loading from the store.

#[path = "common/clustered.rs"]
mod clustered;
mod common;

use clustered::{Clustered, recall};
use levier_core::Timestamp;
use levier_core::ids::{ChunkId, DocumentId, EmbeddingModelId};
use levier_index::IndexError;
use levier_index::vector::{
    Quantization, SearchMethod, VectorConfig, VectorIndex, VectorQuery, VectorResults,
};
use levier_store::documents::{NewChunk, NewDocument};
use levier_store::vectors::{EmbeddingModel, StoredVector, VectorKind};

const DIMS: usize = 384;
const CHUNKS_PER_DOCUMENT: usize = 10;

fn model(dims: usize) -> EmbeddingModel {
    EmbeddingModel {
        id: EmbeddingModelId(1),
        name: "test-model".into(),
        weights_sha256: "0".repeat(64),
        dims,
        created_at: Timestamp(0),
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Chunk `i` belongs to document `i / 10`; documents get their groups from `groups_of`.
fn stored(vectors: &[Vec<f32>], groups_of: impl Fn(usize) -> Vec<String>) -> Vec<StoredVector> {
    vectors
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let document = i / CHUNKS_PER_DOCUMENT;
            let language = if document.is_multiple_of(2) {
                "fr"
            } else {
                "en"
            };
            StoredVector {
                chunk_id: ChunkId(i as i64 + 1),
                document_id: DocumentId(document as i64 + 1),
                groups: groups_of(document),
                language: Some(language.into()),
                vector: v.clone(),
            }
        })
        .collect()
}

fn index(vectors: &[StoredVector], config: VectorConfig) -> VectorIndex {
    let index = VectorIndex::new(model(vectors[0].vector.len()), config);
    for document in vectors.chunk_by(|a, b| a.document_id == b.document_id) {
        index
            .replace_document(document[0].document_id, document)
            .expect("add document");
    }
    index
}

fn search(index: &VectorIndex, query: &[f32], groups: &[&str], limit: usize) -> VectorResults {
    index
        .search(&VectorQuery {
            vector: query,
            groups: &strings(groups),
            languages: &[],
            limit,
        })
        .expect("search")
}

fn chunks(results: &VectorResults) -> Vec<ChunkId> {
    results.hits.iter().map(|h| h.chunk_id).collect()
}

fn graph_config(quantization: Quantization) -> VectorConfig {
    VectorConfig {
        quantization,
        exact_up_to: 1_000,
        ..VectorConfig::default()
    }
}

/// Mean recall@10 of `index` against `exact` over `queries`.
fn mean_recall(index: &VectorIndex, exact: &VectorIndex, queries: &[Vec<f32>]) -> f64 {
    let total: f64 = queries
        .iter()
        .map(|q| {
            let got = search(index, q, &["all"], 10);
            assert_eq!(got.method, SearchMethod::Approximate);
            recall(&chunks(&got), &chunks(&search(exact, q, &["all"], 10)))
        })
        .sum();
    total / queries.len() as f64
}

#[test]
fn graph_recall_at_10_is_at_least_098_in_f32_and_int8() {
    let mut data = Clustered::new(DIMS, 40, 25, 7);
    let vectors: Vec<Vec<f32>> = (0..20_000).map(|_| data.next()).collect();
    let queries: Vec<Vec<f32>> = (0..100).map(|_| data.next()).collect();
    let stored = stored(&vectors, |_| strings(&["all"]));
    let exact = index(
        &stored,
        VectorConfig {
            exact_up_to: usize::MAX,
            ..VectorConfig::default()
        },
    );
    assert!(!exact.is_approximate());
    let f32_graph = index(&stored, graph_config(Quantization::F32));
    let int8_graph = index(&stored, graph_config(Quantization::Int8));
    let f32_recall = mean_recall(&f32_graph, &exact, &queries);
    let int8_recall = mean_recall(&int8_graph, &exact, &queries);
    eprintln!("recall@10 over 20,000 × {DIMS}: f32 {f32_recall:.4}, int8 {int8_recall:.4}");
    assert!(f32_recall >= 0.98, "f32 recall@10 {f32_recall}");
    assert!(int8_recall >= 0.98, "int8 recall@10 {int8_recall}");

    let (full, small) = (f32_graph.memory(), int8_graph.memory());
    let ratio = full.vectors as f64 / small.vectors as f64;
    eprintln!("vector memory: f32 {full:?}, int8 {small:?}, ratio {ratio:.2}");
    assert!(ratio >= 3.5, "int8 saves {ratio:.2}×");
    assert_eq!(full.vectors, 20_000 * DIMS * 4);
}

#[test]
fn access_groups_and_languages_filter_inside_the_search() {
    let mut data = Clustered::new(64, 10, 10, 11);
    let vectors: Vec<Vec<f32>> = (0..3_000).map(|_| data.next()).collect();
    // One document in 20 is readable by `rh` only; the rest by `all`.
    let rare = |document: usize| document % 20 == 3;
    let stored = stored(&vectors, |d| {
        strings(if rare(d) { &["RH"] } else { &["all", "staff"] })
    });
    let index = index(&stored, graph_config(Quantization::F32));
    assert!(index.is_approximate());
    let rh_chunks = stored.iter().filter(|s| s.groups == ["RH"]).count();
    for query in (0..20).map(|_| data.next()) {
        let all = search(&index, &query, &["all"], 10);
        assert_eq!(all.readable, 3_000 - rh_chunks);
        assert_eq!(all.method, SearchMethod::Approximate);
        assert!(all.hits.iter().all(|h| !rare(h.document_id.0 as usize - 1)));

        // Selective: scanned exactly, every readable chunk reachable, exactly the best ones.
        let rh = search(&index, &query, &["rh", "other"], 200);
        assert_eq!(rh.readable, rh_chunks);
        assert_eq!(rh.method, SearchMethod::Exact);
        assert_eq!(rh.hits.len(), rh_chunks.min(200));
        assert!(rh.hits.iter().all(|h| rare(h.document_id.0 as usize - 1)));
        assert!(rh.hits.windows(2).all(|w| w[0].score >= w[1].score));

        let none = search(&index, &query, &[], 10);
        assert_eq!((none.hits.len(), none.readable), (0, 0));

        let english = index
            .search(&VectorQuery {
                vector: &query,
                groups: &strings(&["all"]),
                languages: &strings(&["EN"]),
                limit: 10,
            })
            .expect("search");
        assert_eq!(english.hits.len(), 10);
        assert!(english.hits.iter().all(|h| (h.document_id.0 - 1) % 2 == 1));
    }
}

#[test]
fn documents_are_replaced_and_removed_incrementally() {
    let mut data = Clustered::new(32, 5, 5, 3);
    let vectors: Vec<Vec<f32>> = (0..2_000).map(|_| data.next()).collect();
    let stored = stored(&vectors, |_| strings(&["all"]));
    let index = index(&stored, graph_config(Quantization::Int8));
    assert_eq!(index.len(), 2_000);
    let target = stored[1234].clone();
    let found = search(&index, &target.vector, &["all"], 1);
    assert_eq!(chunks(&found), vec![target.chunk_id]);
    assert!(found.hits[0].score > 0.99);

    // The document changes: its chunks get new ids and vectors.
    let moved: Vec<StoredVector> = (0..3)
        .map(|i| StoredVector {
            chunk_id: ChunkId(100_000 + i),
            vector: data.next(),
            ..target.clone()
        })
        .collect();
    index
        .replace_document(target.document_id, &moved)
        .expect("replace");
    assert_eq!(index.len(), 2_000 - CHUNKS_PER_DOCUMENT + 3);
    let found = search(&index, &target.vector, &["all"], 20);
    assert!(!chunks(&found).contains(&target.chunk_id));
    assert_eq!(
        chunks(&search(&index, &moved[2].vector, &["all"], 1)),
        vec![moved[2].chunk_id]
    );

    // Removing most documents compacts the collection; what stays is still found.
    for document in 1..=150 {
        index.remove_document(DocumentId(document));
    }
    assert!(!index.remove_document(DocumentId(1)));
    assert_eq!(index.len(), 500);
    let kept = &stored[1_900];
    assert_eq!(
        chunks(&search(&index, &kept.vector, &["all"], 1)),
        vec![kept.chunk_id]
    );
    assert!(!index.is_approximate(), "500 vectors: back to exact search");
}

#[test]
fn bad_queries_and_vectors_are_refused() {
    let index = VectorIndex::new(model(4), VectorConfig::default());
    let query = VectorQuery {
        vector: &[1.0, 0.0, 0.0],
        groups: &[],
        languages: &[],
        limit: 10,
    };
    assert!(matches!(
        index.search(&query),
        Err(IndexError::InvalidRequest(_))
    ));
    let zero = VectorQuery {
        vector: &[0.0; 4],
        ..query
    };
    assert!(matches!(
        index.search(&zero),
        Err(IndexError::InvalidRequest(_))
    ));
    let wrong = stored(&[vec![1.0, 2.0, 3.0]], |_| vec![]);
    assert!(
        index
            .replace_document(wrong[0].document_id, &wrong)
            .is_err()
    );
    assert!(index.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loads_from_the_store_and_follows_document_changes() {
    let fx = common::fixture().await;
    let store = &fx.store;
    let model = store
        .register_embedding_model("test-model", &"ab".repeat(32), 8)
        .await
        .expect("model");
    let doc = |path: &str, groups: &[&str], texts: &[&str]| NewDocument {
        source_id: fx.docs,
        external_id: path.into(),
        title: path.into(),
        media_type: "text/plain".into(),
        content_hash: texts.join("|"),
        size_bytes: 1,
        language: Some("fr".into()),
        public: false,
        metadata: serde_json::json!({}),
        body: None,
        groups: strings(groups),
        chunks: texts
            .iter()
            .enumerate()
            .map(|(i, t)| NewChunk {
                ordinal: i as i64,
                heading_path: vec![],
                body: t.to_string(),
                language: None,
                start_offset: 0,
                end_offset: 1,
            })
            .collect(),
    };
    // A toy embedding: the text's letters a..h counted.
    let embed = |text: &str| -> Vec<f32> {
        (b'a'..=b'h')
            .map(|c| text.bytes().filter(|b| *b == c).count() as f32 + 0.01)
            .collect()
    };
    let embed_pending = || async {
        let pending = store
            .chunks_without_vector(model.id, VectorKind::Passage, ChunkId(0), 100)
            .await
            .expect("pending");
        let batch: Vec<(ChunkId, Vec<f32>)> = pending
            .iter()
            .map(|p| (p.chunk_id, embed(&p.body)))
            .collect();
        store
            .write_chunk_vectors(&model, VectorKind::Passage, &batch)
            .await
            .expect("write");
    };
    store
        .store_document(&doc("a.txt", &["a"], &["aaaa", "bbbb"]))
        .await
        .expect("a");
    store
        .store_document(&doc("b.txt", &["b"], &["aaab", "hhhh"]))
        .await
        .expect("b");
    embed_pending().await;

    // Above two vectors a graph is built, in the background: searches are exact meanwhile.
    let config = VectorConfig {
        exact_up_to: 2,
        ..VectorConfig::default()
    };
    let index = VectorIndex::from_store(store, model.clone(), VectorKind::Passage, config)
        .await
        .expect("load");
    assert_eq!(index.len(), 4);
    let waited = std::time::Instant::now();
    while !index.is_approximate() {
        assert!(waited.elapsed().as_secs() < 30, "the graph was never built");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let hits = search(&index, &embed("aaaa"), &["a", "b"], 2);
    assert_eq!(hits.method, SearchMethod::Approximate);
    assert_eq!(hits.readable, 4);
    assert!(hits.hits[0].score > 0.99);
    let only_b = search(&index, &embed("aaaa"), &["b"], 10);
    assert_eq!(only_b.hits.len(), 2, "a's chunks are not readable");

    let b = store
        .document_id(fx.docs, "b.txt")
        .await
        .expect("id")
        .expect("b");
    store
        .store_document(&doc("b.txt", &["b"], &["gggg"]))
        .await
        .expect("b changes");
    embed_pending().await;
    index.refresh_document(store, b).await.expect("refresh");
    let only_b = search(&index, &embed("gggg"), &["b"], 10);
    assert_eq!(only_b.hits.len(), 1);
    assert!(only_b.hits[0].score > 0.99);
    store.remove_document(b).await.expect("remove");
    index.refresh_document(store, b).await.expect("refresh");
    assert_eq!(index.len(), 2);
}
