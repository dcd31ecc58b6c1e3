//! Server-sent events as a streamed chat completion sends them: `data: {json}` lines separated
//! by blank lines, ending with `data: [DONE]`. Bytes arrive in arbitrary pieces, so lines are
//! assembled across them.

/// Accumulates the bytes of a stream and hands out the `data:` payloads it completes.
#[derive(Debug, Default)]
pub(crate) struct SseLines {
    pending: Vec<u8>,
}

/// What one complete `data:` line said.
#[derive(Debug, PartialEq)]
pub(crate) enum SseData {
    /// A JSON payload.
    Json(String),
    /// The end marker `[DONE]`.
    Done,
}

impl SseLines {
    /// Adds a piece of the body; returns the payloads of the lines it completed, in order.
    /// Comments (`:` lines), `event:`/`id:` fields and blank lines are skipped.
    pub(crate) fn push(&mut self, bytes: &[u8]) -> Vec<SseData> {
        self.pending.extend_from_slice(bytes);
        let mut out = Vec::new();
        while let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\n', '\r']);
            if let Some(data) = line.strip_prefix("data:") {
                let data = data.trim_start();
                out.push(if data == "[DONE]" {
                    SseData::Done
                } else {
                    SseData::Json(data.to_owned())
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_across_pieces_are_reassembled() {
        let mut sse = SseLines::default();
        assert_eq!(sse.push(b": ping\n\ndata: {\"a\""), vec![]);
        assert_eq!(
            sse.push(b":1}\r\n\r\nevent: x\ndata: [DONE]\n"),
            vec![SseData::Json("{\"a\":1}".into()), SseData::Done]
        );
    }

    #[test]
    fn a_multibyte_character_cut_between_pieces_survives() {
        let mut sse = SseLines::default();
        let line = "data: {\"c\":\"é\"}\n".as_bytes();
        let cut = line.iter().position(|&b| b >= 0x80).expect("é") + 1;
        assert_eq!(sse.push(&line[..cut]), vec![]);
        assert_eq!(
            sse.push(&line[cut..]),
            vec![SseData::Json("{\"c\":\"é\"}".into())]
        );
    }
}
