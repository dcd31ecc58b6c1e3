//! Matrix products in 8-bit integers, the bulk of a sentence encoder's work.
//!
//! A sentence encoder spends nearly all its time multiplying activations by weight matrices.
//! In f32 those weights (84 MB for multilingual-e5-small) do not fit the CPU's caches, so a
//! short query is bound by memory bandwidth, and long passages by f32 arithmetic. In int8 the
//! weights take a quarter of the room (21 MB, inside a 32 MB L3) and AVX-512 VNNI multiplies
//! four times as many values per instruction.
//!
//! Weights are quantised once, symmetrically per output column ([`Int8Matrix`]); activations are
//! quantised per row on every product, asymmetrically (their minimum and their range over 255
//! steps), because the inputs of the feed-forward output (GELU) are nearly all positive and a
//! symmetric code would waste half its steps. The integer sums are exact; only the two roundings
//! differ from f32, and the encoder's tests bound their effect on the final vectors.

mod matrix;
mod portable;
mod product;
mod rows;
#[cfg(target_arch = "x86_64")]
mod vnni;

pub use matrix::Int8Matrix;
pub use product::{Kernel, matmul, matmul_then, matmul_with};

/// Whether this CPU runs the fast kernel (AVX-512 with VNNI). Without it the portable kernel
/// gives the same numbers far more slowly, so callers should prefer f32 arithmetic instead.
pub fn accelerated() -> bool {
    Kernel::fastest() != Kernel::Portable
}
