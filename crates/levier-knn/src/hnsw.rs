//! A hierarchical navigable small-world graph (Malkov & Yashunin, 2016) over the slots of a
//! [`VectorStorage`].
//!
//! Our own rather than a crate's because the search needs three things together that no
//! well-kept Rust crate offered: the reader's access filter applied during the walk (a node
//! that fails it still guides the walk but never enters the results), removal (deleted slots
//! are skipped the same way until the collection is compacted), and int8 storage scored
//! against an f32 query. Nodes are the storage's slots, added in order.

use crate::scored::{Scored, TopK};
use crate::storage::VectorStorage;
use std::collections::BinaryHeap;

/// How the graph is built and searched.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct HnswParams {
    /// Links per node on the upper layers (twice as many on the bottom layer). More links:
    /// better recall, more memory, slower build.
    pub m: usize,
    /// Candidates considered when linking a new node.
    pub ef_construction: usize,
    /// Candidates considered by a search (at least the number of results asked).
    pub ef_search: usize,
}

impl Default for HnswParams {
    /// Measured on 20,000 clustered 384-dimension vectors (levier-index's tests/vector.rs)
    /// and 100,000 (its examples/vectors.rs): recall@10 ≥ 0.98 in f32 and int8.
    fn default() -> Self {
        HnswParams {
            m: 16,
            ef_construction: 100,
            ef_search: 80,
        }
    }
}

/// Highest layer a node may get; with m = 16 a layer above 4 needs about a million nodes.
const MAX_LEVEL: usize = 12;

/// The graph over slots `0..len()` of a [`VectorStorage`].
#[derive(Debug, Clone)]
pub struct Hnsw {
    params: HnswParams,
    /// Bottom-layer links, `2m` slots per node, the first `bottom_len[node]` used.
    bottom: Vec<u32>,
    bottom_len: Vec<u8>,
    /// Links on layers 1.. of the nodes that reach them (empty for most nodes).
    upper: Vec<Vec<Vec<u32>>>,
    entry: Option<u32>,
    top_level: usize,
    rng: SplitMix,
}

impl Hnsw {
    /// An empty graph (parameters out of range are clamped: 2 ≤ m ≤ 127).
    pub fn new(params: HnswParams) -> Hnsw {
        let params = HnswParams {
            m: params.m.clamp(2, 127),
            ef_construction: params.ef_construction.max(1),
            ef_search: params.ef_search.max(1),
        };
        Hnsw {
            params,
            bottom: Vec::new(),
            bottom_len: Vec::new(),
            upper: Vec::new(),
            entry: None,
            top_level: 0,
            rng: SplitMix(0x005E_ED1E_71E5),
        }
    }

    /// Nodes in the graph: slots `0..len` of the storage.
    pub fn len(&self) -> usize {
        self.bottom_len.len()
    }

    /// True before the first node.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Links every slot of `vectors` the graph does not have yet (slots `len()..`), in order.
    pub fn link_pending(&mut self, vectors: &VectorStorage) {
        let mut visited = Visited::default();
        while self.len() < vectors.len() {
            self.insert(vectors, &mut visited);
        }
    }

    /// Links node `len()`, the next slot of `vectors`, into the graph.
    fn insert(&mut self, vectors: &VectorStorage, visited: &mut Visited) {
        let node = u32::try_from(self.len()).unwrap_or(u32::MAX);
        let level = self.random_level();
        self.bottom
            .extend(std::iter::repeat_n(0, self.bottom_width()));
        self.bottom_len.push(0);
        self.upper.push(vec![Vec::new(); level]);
        let Some(entry) = self.entry else {
            self.entry = Some(node);
            self.top_level = level;
            return;
        };
        let score = |other: u32| vectors.pair_score(node, other);
        let mut nearest = vec![Scored {
            score: score(entry),
            slot: entry,
        }];
        for layer in (level + 1..=self.top_level).rev() {
            nearest = self.search_layer(&nearest, 1, layer, score, |_| true, visited);
        }
        for layer in (0..=level.min(self.top_level)).rev() {
            nearest = self.search_layer(
                &nearest,
                self.params.ef_construction,
                layer,
                score,
                |_| true,
                visited,
            );
            let links = self.select(vectors, &nearest, self.max_links(layer));
            self.set_links(node, layer, &links);
            for &other in &links {
                self.link(vectors, other, node, layer);
            }
        }
        if level > self.top_level {
            self.entry = Some(node);
            self.top_level = level;
        }
    }

    /// The `k` nodes most similar to `query` among those `accept` lets through, considering
    /// `ef` candidates (raised to `k`).
    pub fn search(
        &self,
        vectors: &VectorStorage,
        query: &[f32],
        k: usize,
        accept: &dyn Fn(u32) -> bool,
    ) -> Vec<Scored> {
        let Some(entry) = self.entry else {
            return Vec::new();
        };
        let visited = &mut Visited::default();
        let score = |slot: u32| vectors.score(query, slot);
        let mut nearest = vec![Scored {
            score: score(entry),
            slot: entry,
        }];
        for layer in (1..=self.top_level).rev() {
            nearest = self.search_layer(&nearest, 1, layer, score, |_| true, visited);
        }
        let ef = self.params.ef_search.max(k);
        let mut found = self.search_layer(&nearest, ef, 0, score, accept, visited);
        found.truncate(k);
        found
    }

    /// Bytes of links (vectors not included).
    pub fn bytes(&self) -> usize {
        let upper: usize = self
            .upper
            .iter()
            .map(|layers| {
                std::mem::size_of_val(layers.as_slice())
                    + layers.iter().map(|l| l.capacity() * 4).sum::<usize>()
            })
            .sum();
        self.bottom.capacity() * 4
            + self.bottom_len.capacity()
            + self.upper.capacity() * std::mem::size_of::<Vec<Vec<u32>>>()
            + upper
    }

    /// Best-first search of one layer from `entries`, keeping the `ef` best accepted nodes,
    /// best first. Rejected nodes are still walked through: they connect accepted ones.
    fn search_layer(
        &self,
        entries: &[Scored],
        ef: usize,
        layer: usize,
        score: impl Fn(u32) -> f32,
        accept: impl Fn(u32) -> bool,
        visited: &mut Visited,
    ) -> Vec<Scored> {
        visited.clear(self.len());
        let mut candidates: BinaryHeap<Scored> = BinaryHeap::new();
        let mut found = TopK::new(ef);
        for e in entries {
            visited.insert(e.slot);
            candidates.push(*e);
            if accept(e.slot) {
                found.offer(*e);
            }
        }
        while let Some(current) = candidates.pop() {
            if found.is_full() && current.score < found.threshold() {
                break;
            }
            for &next in self.links(current.slot, layer) {
                if !visited.insert(next) {
                    continue;
                }
                let s = score(next);
                if found.accepts(s) {
                    let scored = Scored {
                        score: s,
                        slot: next,
                    };
                    candidates.push(scored);
                    if accept(next) {
                        found.offer(scored);
                    }
                }
            }
        }
        found.into_sorted()
    }

    /// The paper's neighbour heuristic: take candidates best first, skipping one that is
    /// closer to an already chosen neighbour than to the node, so links spread in all
    /// directions instead of clustering.
    fn select(&self, vectors: &VectorStorage, candidates: &[Scored], max: usize) -> Vec<u32> {
        let mut chosen: Vec<u32> = Vec::with_capacity(max);
        for c in candidates {
            if chosen.len() == max {
                break;
            }
            if chosen
                .iter()
                .all(|&s| vectors.pair_score(c.slot, s) < c.score)
            {
                chosen.push(c.slot);
            }
        }
        chosen
    }

    /// Adds a link from `from` to `to`, re-selecting `from`'s links when it has too many.
    fn link(&mut self, vectors: &VectorStorage, from: u32, to: u32, layer: usize) {
        let max = self.max_links(layer);
        let mut links = self.links(from, layer).to_vec();
        if links.len() < max {
            links.push(to);
        } else {
            let mut candidates: Vec<Scored> = links
                .iter()
                .chain(std::iter::once(&to))
                .map(|&slot| Scored {
                    score: vectors.pair_score(from, slot),
                    slot,
                })
                .collect();
            candidates.sort_unstable_by(|a, b| b.cmp(a));
            links = self.select(vectors, &candidates, max);
        }
        self.set_links(from, layer, &links);
    }

    fn links(&self, node: u32, layer: usize) -> &[u32] {
        let node = node as usize;
        if layer == 0 {
            let start = node * self.bottom_width();
            &self.bottom[start..start + usize::from(self.bottom_len[node])]
        } else {
            &self.upper[node][layer - 1]
        }
    }

    fn set_links(&mut self, node: u32, layer: usize, links: &[u32]) {
        let node = node as usize;
        if layer == 0 {
            let start = node * self.bottom_width();
            self.bottom[start..start + links.len()].copy_from_slice(links);
            // At most 2m ≤ 254 links (m is clamped to 127).
            self.bottom_len[node] = u8::try_from(links.len()).unwrap_or(u8::MAX);
        } else {
            let list = &mut self.upper[node][layer - 1];
            list.clear();
            list.extend_from_slice(links);
        }
    }

    fn max_links(&self, layer: usize) -> usize {
        if layer == 0 {
            self.bottom_width()
        } else {
            self.params.m
        }
    }

    fn bottom_width(&self) -> usize {
        2 * self.params.m
    }

    /// A layer drawn with P(level ≥ l) = m^-l, as the paper prescribes.
    fn random_level(&mut self) -> usize {
        let uniform = self.rng.next_unit();
        let level = (-uniform.ln() / (self.params.m as f64).ln()).floor();
        (level as usize).min(MAX_LEVEL)
    }
}

/// Which nodes a search has reached, cleared in time proportional to what was touched, so
/// that the many searches of a graph construction reuse it.
#[derive(Debug, Default)]
struct Visited {
    bits: Vec<u64>,
    touched: Vec<usize>,
}

impl Visited {
    fn clear(&mut self, nodes: usize) {
        for &word in &self.touched {
            self.bits[word] = 0;
        }
        self.touched.clear();
        self.bits.resize(nodes.div_ceil(64), 0);
    }

    /// Marks a node; false if it was already marked.
    fn insert(&mut self, node: u32) -> bool {
        let (word, bit) = (node as usize / 64, 1u64 << (node % 64));
        let w = &mut self.bits[word];
        if *w & bit != 0 {
            return false;
        }
        if *w == 0 {
            self.touched.push(word);
        }
        *w |= bit;
        true
    }
}

/// A small deterministic generator (SplitMix64), so that the same vectors give the same graph.
#[derive(Debug, Clone)]
struct SplitMix(u64);

impl SplitMix {
    /// A number in (0, 1].
    fn next_unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 11) as f64 + 1.0) / (1u64 << 53) as f64
    }
}
