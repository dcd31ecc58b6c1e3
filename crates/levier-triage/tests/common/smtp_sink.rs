//! A real SMTP server for tests, on 127.0.0.1 at a free port: it speaks enough of RFC 5321
//! (EHLO/HELO, MAIL FROM, RCPT TO, DATA with dot-unstuffing, RSET, NOOP, QUIT) for lettre's
//! client, and keeps every message it accepts. It can answer "try later" (451) to the next
//! messages, for the retry tests, or refuse recipients for good. Shared by levier-triage's and levier-server's tests
//! (`#[path]`), which is why each test crate uses only part of it.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// A message the sink accepted.
#[derive(Debug, Clone)]
pub struct Received {
    /// The envelope sender (`MAIL FROM`).
    pub from: String,
    /// The envelope recipients (`RCPT TO`).
    pub to: Vec<String>,
    /// The message as transmitted (headers and body), dots unstuffed.
    pub data: String,
}

impl Received {
    /// The value of the first header `name` (case-insensitive), its folded lines joined.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default();
        let mut found: Option<String> = None;
        for line in head.split("\r\n") {
            if line.starts_with([' ', '\t']) {
                if let Some(value) = found.as_mut() {
                    value.push(' ');
                    value.push_str(line.trim());
                }
                continue;
            }
            if found.is_some() {
                break;
            }
            if let Some((key, value)) = line.split_once(':')
                && key.eq_ignore_ascii_case(name)
            {
                found = Some(value.trim().to_owned());
            }
        }
        found
    }
}

/// The sink; it stops with the test's runtime.
pub struct SmtpSink {
    addr: SocketAddr,
    state: Arc<State>,
}

#[derive(Default)]
struct State {
    received: Mutex<Vec<Received>>,
    arrived: Notify,
    refuse: AtomicUsize,
    reject: AtomicUsize,
}

impl SmtpSink {
    /// Listens on 127.0.0.1 at a free port.
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the sink");
        let addr = listener.local_addr().expect("sink address");
        let state = Arc::new(State::default());
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, shared.clone()));
            }
        });
        SmtpSink { addr, state }
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Answers `451` to the next `n` messages (a server asking to try later).
    pub fn refuse_next(&self, n: usize) {
        self.state.refuse.store(n, Ordering::SeqCst);
    }

    /// Answers `550` (no such mailbox) to the next `n` recipients: a refusal for good.
    pub fn reject_next(&self, n: usize) {
        self.state.reject.store(n, Ordering::SeqCst);
    }

    /// The messages accepted so far.
    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().expect("sink lock").clone()
    }

    /// Waits (10 s at most) until `n` messages have arrived, and returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let arrived = self.state.arrived.notified();
            let now = self.received();
            if now.len() >= n {
                return now;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                panic!("the sink received {} message(s), not {n}", now.len());
            }
        }
    }
}

/// One client's session, until QUIT or the connection closes.
async fn session(stream: TcpStream, state: Arc<State>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    let mut envelope = Received {
        from: String::new(),
        to: Vec::new(),
        data: String::new(),
    };
    let _ = write.write_all(b"220 levier-test-sink ESMTP\r\n").await;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let command = line.trim_end().to_owned();
        let verb = command.get(..4).unwrap_or(&command).to_ascii_uppercase();
        let answer: &[u8] = match verb.as_str() {
            "EHLO" => b"250-levier-test-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
            "HELO" | "NOOP" => b"250 OK\r\n",
            "RSET" => {
                envelope.to.clear();
                b"250 OK\r\n"
            }
            "MAIL" if take(&state.refuse) => b"451 4.3.0 try again later\r\n",
            "MAIL" => {
                envelope.from = path_of(&command);
                envelope.to.clear();
                b"250 OK\r\n"
            }
            "RCPT" if take(&state.reject) => b"550 5.1.1 no such mailbox\r\n",
            "RCPT" => {
                envelope.to.push(path_of(&command));
                b"250 OK\r\n"
            }
            "DATA" => {
                let _ = write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await;
                let Some(data) = read_data(&mut lines).await else {
                    return;
                };
                envelope.data = data;
                state
                    .received
                    .lock()
                    .expect("sink lock")
                    .push(envelope.clone());
                state.arrived.notify_waiters();
                b"250 OK queued\r\n"
            }
            "QUIT" => {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            }
            _ => b"500 unknown command\r\n",
        };
        if write.write_all(answer).await.is_err() {
            return;
        }
    }
}

/// Counts one refusal down, if any is left.
fn take(left: &AtomicUsize) -> bool {
    left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

/// `MAIL FROM:<a@b> SIZE=1` → `a@b`.
fn path_of(command: &str) -> String {
    let start = command.find('<').map_or(0, |i| i + 1);
    let end = command.find('>').unwrap_or(command.len());
    command.get(start..end).unwrap_or_default().to_owned()
}

/// The message up to the line holding a single dot, leading dots unstuffed.
async fn read_data<R: AsyncBufReadExt + Unpin>(lines: &mut R) -> Option<String> {
    let mut data = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        if line == ".\r\n" || line == ".\n" {
            return Some(data);
        }
        data.push_str(line.strip_prefix('.').unwrap_or(&line));
    }
}
