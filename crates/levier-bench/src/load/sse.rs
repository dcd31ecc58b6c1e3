//! Server-sent events as they arrive in chunks: the widget's stream cut into events.
//!
//! Chunks do not follow event boundaries (nor UTF-8 ones), so bytes are buffered until a blank
//! line ends an event. Comment lines (the server's heartbeats) are skipped.

/// One event of the stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseEvent {
    /// Its `event:` name (`message` when absent).
    pub event: String,
    /// Its `id:`, if any.
    pub id: Option<String>,
    /// Its `data:` lines, joined by newlines.
    pub data: String,
}

/// Bytes received but not yet cut into events.
#[derive(Default)]
pub struct SseParser {
    pending: Vec<u8>,
}

impl SseParser {
    /// Adds a chunk; returns the events it completed.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        self.pending
            .extend(chunk.iter().copied().filter(|b| *b != b'\r'));
        let mut events = Vec::new();
        while let Some(end) = self.pending.windows(2).position(|w| w == b"\n\n") {
            let block: Vec<u8> = self.pending.drain(..end + 2).collect();
            if let Some(event) = parse_block(&String::from_utf8_lossy(&block)) {
                events.push(event);
            }
        }
        events
    }
}

/// An event from its lines; `None` for a block of comments only (a heartbeat).
fn parse_block(block: &str) -> Option<SseEvent> {
    let mut event = SseEvent::default();
    let mut data: Vec<&str> = Vec::new();
    for line in block
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(':'))
    {
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => event.event = value.to_owned(),
            "id" => event.id = Some(value.to_owned()),
            "data" => data.push(value),
            _ => {}
        }
    }
    if event.event.is_empty() && event.id.is_none() && data.is_empty() {
        return None;
    }
    if event.event.is_empty() {
        event.event = "message".to_owned();
    }
    event.data = data.join("\n");
    Some(event)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_across_chunks_come_out_whole_and_heartbeats_do_not() {
        let mut parser = SseParser::default();
        assert!(parser.push(b"event: message\nid: 4").is_empty());
        let events = parser.push(b"2\ndata: {\"a\":\"\xc3").into_iter();
        assert_eq!(events.count(), 0);
        let events = parser.push(b"\xa9\"}\n\n:\n\nevent: status\r\ndata: {}\r\n\r\n");
        assert_eq!(
            events,
            vec![
                SseEvent {
                    event: "message".into(),
                    id: Some("42".into()),
                    data: "{\"a\":\"é\"}".into(),
                },
                SseEvent {
                    event: "status".into(),
                    id: None,
                    data: "{}".into(),
                },
            ]
        );
    }
}
