//! Test support: a real SQLite store in a temporary directory, a few groups and sources, and
//! a way to write documents the way ingestion does.
#![allow(dead_code)]

use levier_core::Config;
use levier_core::ids::{DocumentId, SourceId};
use levier_index::{LexicalIndex, SearchRequest, SearchResults};
use levier_store::Store;
use levier_store::directory::NewSource;
use levier_store::documents::{NewChunk, NewDocument, StoreOutcome};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;

/// A store, two sources and the directory for an index.
pub struct Fixture {
    pub store: Store,
    pub docs: SourceId,
    pub mail: SourceId,
    pub index_dir: PathBuf,
    _dir: tempfile::TempDir,
}

pub async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        data_dir: dir.path().join("data"),
        ..Config::default()
    };
    let store = Store::open(&config).await.expect("open sqlite store");
    for group in ["a", "b"] {
        store
            .upsert_group(group, &format!("Group {group}"), "")
            .await
            .expect("group");
    }
    let source = |name: &str, kind: &str| NewSource {
        name: name.into(),
        kind: kind.into(),
        location: format!("/srv/{name}"),
        public: false,
        groups: vec!["a".into()],
    };
    let docs = store
        .upsert_source(&source("docs", "folder"))
        .await
        .expect("source");
    let mail = store
        .upsert_source(&source("mail", "mailbox"))
        .await
        .expect("source");
    Fixture {
        store,
        docs,
        mail,
        index_dir: config.data_dir.join("index").join("lexical"),
        _dir: dir,
    }
}

impl Fixture {
    pub fn open_index(&self) -> LexicalIndex {
        LexicalIndex::open(&self.index_dir).expect("open index")
    }

    /// Stores a document (replacing the one with the same external id) and returns its id.
    pub async fn put(&self, doc: NewDocument) -> DocumentId {
        match self
            .store
            .store_document(&doc)
            .await
            .expect("store document")
        {
            StoreOutcome::Added(id) | StoreOutcome::Updated(id) | StoreOutcome::Unchanged(id) => id,
        }
    }
}

/// A document of the `docs` source with one chunk per `(headings, body)`.
pub fn doc(
    fx: &Fixture,
    external_id: &str,
    title: &str,
    language: &str,
    groups: &[&str],
    chunks: &[(&[&str], &str)],
) -> NewDocument {
    let mut hasher = DefaultHasher::new();
    (title, chunks).hash(&mut hasher);
    let mut offset = 0;
    NewDocument {
        source_id: fx.docs,
        external_id: external_id.into(),
        title: title.into(),
        media_type: "text/markdown".into(),
        content_hash: format!("{:016x}", hasher.finish()),
        size_bytes: 100,
        language: Some(language.into()),
        public: false,
        metadata: serde_json::json!({}),
        body: None,
        groups: groups.iter().map(|g| (*g).to_string()).collect(),
        chunks: chunks
            .iter()
            .enumerate()
            .map(|(i, (headings, body))| {
                let start = offset;
                offset += body.chars().count() as i64;
                NewChunk {
                    ordinal: i as i64,
                    heading_path: headings.iter().map(|h| (*h).to_string()).collect(),
                    body: (*body).into(),
                    language: Some(language.into()),
                    start_offset: start,
                    end_offset: offset,
                }
            })
            .collect(),
    }
}

/// Runs a search as a member of `groups`.
pub fn search(index: &LexicalIndex, query: &str, groups: &[&str]) -> SearchResults {
    index
        .search(&SearchRequest::new(query, groups))
        .expect("search")
}

/// Runs a search and returns the matching chunks' bodies' first words, for readable asserts.
pub fn titles(results: &SearchResults) -> Vec<String> {
    results.hits.iter().map(|h| h.title.clone()).collect()
}
