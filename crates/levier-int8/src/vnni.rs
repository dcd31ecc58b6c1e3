//! The kernel with AVX-512 VNNI: `vpdpbusd` multiplies 64 unsigned activation bytes by 64
//! signed weight bytes and adds each group of four products into one of 16 i32 lanes.
//!
//! One call computes a 4-row × 64-column tile: sixteen accumulator registers stay in the register
//! file for the whole inner dimension, and each step loads four weight registers (one 256-byte
//! step of the panel) and broadcasts one word of four activation bytes per row.
#![allow(unsafe_code)]

use crate::matrix::{BLOCK, PANEL, PANEL_BLOCKS, PANEL_STEP};
use crate::product::Block;
use crate::rows::ROW_TILE;
use std::arch::x86_64::{
    __m512i, _mm512_dpbusd_epi32, _mm512_loadu_si512, _mm512_set1_epi32, _mm512_setzero_si512,
    _mm512_storeu_si512,
};

/// Whether this CPU has the instructions [`tile`] is compiled for.
pub(crate) fn available() -> bool {
    is_x86_feature_detected!("avx512f")
        && is_x86_feature_detected!("avx512bw")
        && is_x86_feature_detected!("avx512vnni")
}

/// [`crate::product::block`] compiled for this kernel's features: with [`tile`], the code
/// inlined into it — quantising the rows, turning the sums back into floats, and the caller's
/// `then` (GELU, a residual sum and a layer norm) — is vectorised over 16 lanes instead of the
/// 4 of the baseline x86-64 target. On short texts that work costs as much as the products.
///
/// # Safety
/// The CPU must have AVX-512F, AVX-512BW and AVX-512 VNNI ([`available`]).
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
pub(crate) unsafe fn block<F: Fn(usize, &mut [f32])>(job: Block<'_>, then: &F) {
    // SAFETY: this function runs only where `tile`'s features are (its own contract).
    let tile = |a: &[u32], quads, w: &[i8], acc: &mut _| unsafe { tile(a, quads, w, acc) };
    crate::product::block(tile, job, then);
}

/// Same contract as [`crate::portable::tile`], same results to the bit.
///
/// # Safety
/// The CPU must have AVX-512F, AVX-512BW and AVX-512 VNNI ([`available`]).
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
pub(crate) unsafe fn tile(a: &[u32], quads: usize, w: &[i8], acc: &mut [i32; ROW_TILE * PANEL]) {
    assert!(a.len() >= ROW_TILE * quads && w.len() >= quads * PANEL_STEP);
    let rows: [&[u32]; ROW_TILE] = [
        &a[..quads],
        &a[quads..2 * quads],
        &a[2 * quads..3 * quads],
        &a[3 * quads..4 * quads],
    ];
    let mut sums = [[_mm512_setzero_si512(); PANEL_BLOCKS]; ROW_TILE];
    for q in 0..quads {
        let step = w[q * PANEL_STEP..].as_ptr();
        let mut weights = [_mm512_setzero_si512(); PANEL_BLOCKS];
        for (j, register) in weights.iter_mut().enumerate() {
            // SAFETY: the assertion above keeps the 256 bytes of step `q` inside `w`; the load
            // is unaligned.
            *register = unsafe { _mm512_loadu_si512(step.add(j * 64).cast::<__m512i>()) };
        }
        for (row, sum) in rows.iter().zip(sums.iter_mut()) {
            let x = _mm512_set1_epi32(row[q] as i32);
            for (s, &wv) in sum.iter_mut().zip(&weights) {
                *s = _mm512_dpbusd_epi32(*s, x, wv);
            }
        }
    }
    for (r, sum) in sums.iter().enumerate() {
        for (j, &s) in sum.iter().enumerate() {
            let out = acc[r * PANEL + j * BLOCK..][..BLOCK].as_mut_ptr();
            // SAFETY: `out` points at BLOCK (16) i32 of `acc`, one 512-bit register; unaligned
            // store.
            unsafe { _mm512_storeu_si512(out.cast::<__m512i>(), s) };
        }
    }
}
