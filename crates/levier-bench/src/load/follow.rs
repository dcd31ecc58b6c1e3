//! A customer's event stream, followed as the widget does: messages are kept with the moment
//! they arrived, and a stream that ends is reopened with `Last-Event-ID` (after counting the
//! break as an error: under load, no stream should end).

use super::Ctx;
use super::sse::{SseEvent, SseParser};
use serde::Deserialize;
use std::time::Instant;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// What the stream's reader passes on.
enum Item {
    Event(SseEvent),
    Ended(String),
}

/// A message as it arrived on the stream.
#[derive(Debug, Clone)]
pub struct Received {
    /// Its id.
    pub id: i64,
    /// `customer`, `bot`, `agent` or `system`.
    pub author: String,
    /// When it arrived.
    pub at: Instant,
}

#[derive(Deserialize)]
struct StreamMessage {
    id: i64,
    author: String,
}

/// A followed stream.
pub struct Follow {
    url: String,
    headers: Vec<(&'static str, String)>,
    events: mpsc::UnboundedReceiver<Item>,
    reader: JoinHandle<()>,
    last_id: Option<i64>,
    received: Vec<Received>,
}

impl Drop for Follow {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

impl Follow {
    /// Opens the stream at `url` with `headers`; `None` (an error recorded) when refused.
    pub async fn open(
        ctx: &Ctx,
        url: String,
        headers: Vec<(&'static str, String)>,
    ) -> Option<Follow> {
        let (events, reader) = connect(ctx, &url, &headers, None).await?;
        Some(Follow {
            url,
            headers,
            events,
            reader,
            last_id: None,
            received: Vec::new(),
        })
    }

    /// The first message matching `wanted`, waiting for it until `until`; `None` at the
    /// deadline, or when a broken stream cannot be reopened.
    pub async fn wait_for(
        &mut self,
        ctx: &Ctx,
        until: Instant,
        wanted: impl Fn(&Received) -> bool,
    ) -> Option<Received> {
        loop {
            if let Some(found) = self.received.iter().find(|m| wanted(m)) {
                return Some(found.clone());
            }
            let next = tokio::time::timeout_at(until.into(), self.events.recv()).await;
            match next {
                Err(_) => return None,
                Ok(Some(Item::Event(event))) => self.take(ctx, &event),
                Ok(Some(Item::Ended(why))) => self.reopen(ctx, why).await?,
                Ok(None) => {
                    self.reopen(ctx, "the stream's reader stopped".into())
                        .await?
                }
            }
        }
    }

    fn take(&mut self, ctx: &Ctx, event: &SseEvent) {
        if event.event != "message" {
            return;
        }
        match serde_json::from_str::<StreamMessage>(&event.data) {
            Ok(m) => {
                self.last_id = Some(m.id);
                self.received.push(Received {
                    id: m.id,
                    author: m.author,
                    at: Instant::now(),
                });
            }
            Err(e) => ctx
                .record
                .error("stream: unexpected event", format!("{e}: {}", event.data)),
        }
    }

    async fn reopen(&mut self, ctx: &Ctx, why: String) -> Option<()> {
        ctx.record.error("stream broken", why);
        let (events, reader) = connect(ctx, &self.url, &self.headers, self.last_id).await?;
        self.reader.abort();
        self.events = events;
        self.reader = reader;
        Some(())
    }
}

/// Opens the stream (after `last_id` when reconnecting) and starts its reader.
async fn connect(
    ctx: &Ctx,
    url: &str,
    headers: &[(&'static str, String)],
    last_id: Option<i64>,
) -> Option<(mpsc::UnboundedReceiver<Item>, JoinHandle<()>)> {
    let mut request = ctx.http.get(url);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    if let Some(id) = last_id {
        request = request.header("last-event-id", id.to_string());
    }
    let started = Instant::now();
    let response = match tokio::time::timeout(super::REQUEST_TIMEOUT, request.send()).await {
        Ok(Ok(r)) if r.status().is_success() => r,
        Ok(Ok(r)) => {
            let status = r.status().as_u16();
            let body = r.text().await.unwrap_or_default();
            ctx.record
                .error(format!("stream_open: HTTP {status}"), body);
            return None;
        }
        Ok(Err(e)) => {
            ctx.record
                .error(super::failure("stream_open", &e), e.to_string());
            return None;
        }
        Err(_) => {
            let waited = super::REQUEST_TIMEOUT.as_secs();
            ctx.record.error(
                "stream_open: timeout",
                format!("no response within {waited} s"),
            );
            return None;
        }
    };
    ctx.record.request("stream_open", started.elapsed());
    let (tx, rx) = mpsc::unbounded_channel();
    let reader = tokio::spawn(read(response, tx));
    Some((rx, reader))
}

/// Passes the stream's events on until it ends.
async fn read(mut response: reqwest::Response, tx: mpsc::UnboundedSender<Item>) {
    let mut parser = SseParser::default();
    let ended = loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                for event in parser.push(&chunk) {
                    if tx.send(Item::Event(event)).is_err() {
                        return;
                    }
                }
            }
            Ok(None) => break "the server ended the stream".to_owned(),
            Err(e) => break format!("reading the stream: {e}"),
        }
    };
    let _ = tx.send(Item::Ended(ended));
}
