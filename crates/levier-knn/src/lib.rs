//! levier's nearest-neighbour search: the arithmetic under the vector index.
//!
//! Vectors numbered by slot ([`VectorStorage`], f32 or int8), their dot products written for
//! the compiler to vectorise, an exact scan, and an HNSW graph ([`Hnsw`]). Who may read a
//! vector is the caller's business: every search takes an `accept` predicate on slots and
//! applies it inside the scan or the walk.
//!
//! A crate of its own, with no I/O and no dependency on the rest of levier, so that the
//! workspace can compile it optimised in debug builds (`[profile.dev.package.levier-knn]`):
//! building a graph of 20,000 vectors unoptimised takes minutes, which would make the recall
//! test too slow, while optimising the whole index crate would slow every build of it.
//! Closures cross into this crate as `&dyn Fn`, never as generics, so that they do not pull
//! the loops they are called from into the (unoptimised) calling crate.

mod hnsw;
mod kernels;
mod scored;
mod storage;

pub use hnsw::{Hnsw, HnswParams};
pub use kernels::dot;
pub use scored::Scored;
pub use storage::{Quantization, VectorStorage};
