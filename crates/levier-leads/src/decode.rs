//! A `Read` that decodes a byte stream from a legacy charset (or UTF-16) into UTF-8 as it is
//! read, so a lead file of a million rows is never held in memory whole.

use encoding_rs::{CoderResult, Decoder, Encoding};
use std::io::{self, Read};

/// Bytes read from the source at a time.
const CHUNK: usize = 64 * 1024;

/// UTF-8 out of `inner`'s bytes in `encoding` (no byte-order mark handling: the caller skipped
/// it). Malformed sequences become U+FFFD, as they would in a whole-file decode.
pub(crate) struct DecodingReader<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    input_pos: usize,
    output: Vec<u8>,
    output_pos: usize,
    finished: bool,
}

impl<R: Read> DecodingReader<R> {
    pub(crate) fn new(inner: R, encoding: &'static Encoding) -> Self {
        DecodingReader {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            input: Vec::new(),
            input_pos: 0,
            output: Vec::new(),
            output_pos: 0,
            finished: false,
        }
    }

    /// Decodes the next chunk into `output`; false once everything was decoded.
    fn fill(&mut self) -> io::Result<bool> {
        if self.finished {
            return Ok(false);
        }
        if self.input_pos == self.input.len() {
            self.input.resize(CHUNK, 0);
            let n = self.inner.read(&mut self.input)?;
            self.input.truncate(n);
            self.input_pos = 0;
        }
        let last = self.input.is_empty();
        let room = self
            .decoder
            .max_utf8_buffer_length(self.input.len() - self.input_pos)
            .unwrap_or(CHUNK * 3)
            .max(16);
        self.output.resize(room, 0);
        let (result, read, written, _) =
            self.decoder
                .decode_to_utf8(&self.input[self.input_pos..], &mut self.output, last);
        self.input_pos += read;
        self.output.truncate(written);
        self.output_pos = 0;
        if last && result == CoderResult::InputEmpty {
            self.finished = true;
        }
        Ok(true)
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.output_pos == self.output.len() {
            if !self.fill()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.output.len() - self.output_pos);
        buf[..n].copy_from_slice(&self.output[self.output_pos..self.output_pos + n]);
        self.output_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_windows_1252_across_chunk_boundaries() {
        let text = "Société Générale;Noël;Zoé\n".repeat(10_000);
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
        let mut out = String::new();
        DecodingReader::new(&bytes[..], encoding_rs::WINDOWS_1252)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, text);
    }
}
