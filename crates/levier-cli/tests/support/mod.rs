//! Helpers for the command-line tests: the real `levier` binary run in a temporary directory
//! with a clean environment, bounded waits (a hung child fails the test instead of hanging
//! it), children killed when a test ends however it ends, and a minimal HTTP client.

pub mod cluster;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Longest wait for a command to finish or a server to come up; generous, since tests run
/// in parallel on small machines.
pub const WAIT: Duration = Duration::from_secs(120);

/// A temporary directory to run `levier` in; deleted when dropped.
pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    /// A new empty directory.
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("create a temporary directory"),
        }
    }

    /// The directory itself.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the directory.
    pub fn join(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The data directory the tests use.
    pub fn data_dir(&self) -> PathBuf {
        self.join("data")
    }

    /// `levier ARGS…` run from this directory, with no `LEVIER_*` variable (nor any other
    /// variable but `PATH`) inherited from whoever runs the tests.
    pub fn levier<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_levier"));
        cmd.env_clear().current_dir(self.path()).args(args);
        if let Some(path) = std::env::var_os("PATH") {
            cmd.env("PATH", path);
        }
        cmd
    }

    /// `levier --data-dir DATA ARGS…`.
    pub fn levier_data<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut cmd = self.levier(["--data-dir"]);
        cmd.arg(self.data_dir()).args(args);
        cmd
    }
}

/// What a finished command did.
pub struct Output {
    /// The command, for messages.
    pub what: String,
    /// Its exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Everything it wrote on stdout.
    pub stdout: String,
    /// Everything it wrote on stderr.
    pub stderr: String,
}

impl Output {
    /// Fails the test, showing the command's output, unless it exited with `code`.
    pub fn expect_code(self, code: i32) -> Output {
        assert_eq!(
            self.code,
            Some(code),
            "`{}` exited with {:?}, expected {code}\n{self}",
            self.what,
            self.code
        );
        self
    }

    /// Fails the test unless the command succeeded.
    pub fn success(self) -> Output {
        self.expect_code(0)
    }

    /// Stdout parsed as exactly one JSON document.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "`{}`: stdout is not one JSON document ({e})\n{self}",
                self.what
            )
        })
    }
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        )
    }
}

/// Runs a command to completion (stdin empty), failing the test if it takes longer than
/// [`WAIT`].
pub fn run(cmd: &mut Command) -> Output {
    let mut child = Running::spawn(cmd);
    let status = child.wait(WAIT);
    child.finish(status)
}

/// A child process that is killed (and reaped) when dropped, with its output collected by
/// threads so it never blocks on a full pipe.
pub struct Running {
    what: String,
    child: Child,
    stdout: Stream,
    stderr: Stream,
}

impl Running {
    /// Starts `cmd` with piped stdout and stderr.
    pub fn spawn(cmd: &mut Command) -> Running {
        let what = describe(cmd);
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `{what}`: {e}"));
        let stdout = Stream::new(child.stdout.take().expect("piped stdout"));
        let stderr = Stream::new(child.stderr.take().expect("piped stderr"));
        Running {
            what,
            child,
            stdout,
            stderr,
        }
    }

    /// The process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the next stdout line containing `needle`, failing the test (with everything
    /// the child wrote) if none comes within `timeout` or the child closes stdout first.
    pub fn wait_for_line(&mut self, needle: &str, timeout: Duration) -> String {
        self.wait_for(false, needle, timeout)
    }

    /// Like [`Running::wait_for_line`], on stderr (where `levier serve` says it listens).
    pub fn wait_for_stderr_line(&mut self, needle: &str, timeout: Duration) -> String {
        self.wait_for(true, needle, timeout)
    }

    /// Kills the process at once (SIGKILL: no cleanup, as when a machine dies) and reaps it.
    pub fn kill(&mut self) {
        self.child.kill().expect("kill the child");
        self.child.wait().expect("reap the child");
    }

    fn wait_for(&mut self, on_stderr: bool, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let lines = if on_stderr {
                &self.stderr.lines
            } else {
                &self.stdout.lines
            };
            match lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => {
                    panic!(
                        "`{}` printed no line containing {needle:?} within {timeout:?}\n{}",
                        self.what,
                        self.so_far()
                    )
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let status = self.wait(timeout);
                    self.stderr.collect();
                    panic!(
                        "`{}` ended ({status}) without printing a line containing {needle:?}\n{}",
                        self.what,
                        self.so_far()
                    )
                }
            }
        }
    }

    /// Waits for the process to exit, failing the test if it is still running after `timeout`.
    pub fn wait(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return status,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                Ok(None) => panic!(
                    "`{}` still running after {timeout:?}\n{}",
                    self.what,
                    self.so_far()
                ),
                Err(e) => panic!("waiting for `{}`: {e}", self.what),
            }
        }
    }

    /// The exited process's full output.
    pub fn finish(mut self, status: ExitStatus) -> Output {
        Output {
            what: std::mem::take(&mut self.what),
            code: status.code(),
            stdout: self.stdout.collect(),
            stderr: self.stderr.collect(),
        }
    }

    fn so_far(&self) -> String {
        format!(
            "--- stdout so far ---\n{}\n--- stderr so far ---\n{}",
            self.stdout.text(),
            self.stderr.text()
        )
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // Both fail harmlessly when the child has already been reaped.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A child's output stream, read line by line by a thread.
struct Stream {
    text: Arc<Mutex<String>>,
    lines: Receiver<String>,
    reader: Option<JoinHandle<()>>,
}

impl Stream {
    fn new(pipe: impl Read + Send + 'static) -> Stream {
        let text = Arc::new(Mutex::new(String::new()));
        let (tx, lines) = channel();
        let sink = Arc::clone(&text);
        let reader = std::thread::spawn(move || {
            let mut pipe = BufReader::new(pipe);
            let mut buf = Vec::new();
            while let Ok(n) = pipe.read_until(b'\n', &mut buf) {
                if n == 0 {
                    break;
                }
                let line = String::from_utf8_lossy(&buf).into_owned();
                sink.lock().expect("output lock").push_str(&line);
                let _ = tx.send(line);
                buf.clear();
            }
        });
        Stream {
            text,
            lines,
            reader: Some(reader),
        }
    }

    fn text(&self) -> String {
        self.text.lock().expect("output lock").clone()
    }

    /// Everything, once the child has exited (the pipe reaches its end).
    fn collect(&mut self) -> String {
        if let Some(reader) = self.reader.take() {
            reader.join().expect("output reader thread");
        }
        self.text()
    }
}

fn describe(cmd: &Command) -> String {
    let mut parts = vec!["levier".to_string()];
    parts.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    let vars: Vec<String> = cmd
        .get_envs()
        .filter(|(k, _)| *k != "PATH")
        .filter_map(|(k, v)| Some(format!("{}={}", k.to_string_lossy(), v?.to_string_lossy())))
        .collect();
    if vars.is_empty() {
        parts.join(" ")
    } else {
        format!("{} {}", vars.join(" "), parts.join(" "))
    }
}

/// A response to [`http_get`].
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The `Location` header, if any.
    pub location: Option<String>,
    /// The body as text.
    pub body: String,
}

/// `GET path` over HTTP/1.1 with `Connection: close`.
pub fn http_get(addr: SocketAddr, path: &str) -> Response {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(30))
        .unwrap_or_else(|e| panic!("cannot connect to {addr}: {e}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("read timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send the request");
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .unwrap_or_else(|e| panic!("reading the response to GET {path}: {e}"));
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "GET {path}: malformed response {:?}",
                String::from_utf8_lossy(&raw)
            )
        });
    let head = String::from_utf8_lossy(&raw[..split]);
    let body = &raw[split + 4..];
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("GET {path}: no status in {head:?}"));
    let header = |name: &str| {
        head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    let chunked = header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    Response {
        status,
        location: header("location"),
        body: if chunked {
            String::from_utf8_lossy(&dechunk(body)).into_owned()
        } else {
            String::from_utf8_lossy(body).into_owned()
        },
    }
}

/// `GET path`, following redirects within the same server (at most five); returns the final
/// response and the path it came from.
pub fn http_get_following(addr: SocketAddr, path: &str) -> (Response, String) {
    let mut path = path.to_string();
    for _ in 0..5 {
        let response = http_get(addr, &path);
        let Some(location) = response
            .location
            .clone()
            .filter(|_| (300..400).contains(&response.status))
        else {
            return (response, path);
        };
        let origin = format!("http://{addr}");
        path = match location.strip_prefix(&origin) {
            Some(rest) => rest.to_string(),
            None if location.starts_with('/') => location,
            None => panic!("GET {path} redirects off the server, to {location}"),
        };
    }
    panic!("GET {path}: too many redirects")
}

/// Decodes a `Transfer-Encoding: chunked` body.
fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = body.windows(2).position(|w| w == b"\r\n") {
        let line = String::from_utf8_lossy(&body[..eol]);
        let size = usize::from_str_radix(line.split(';').next().unwrap_or("").trim(), 16)
            .unwrap_or_else(|_| panic!("bad chunk size {line:?}"));
        let data = &body[eol + 2..];
        if size == 0 || data.len() < size {
            break;
        }
        out.extend_from_slice(&data[..size]);
        body = data[size..].strip_prefix(b"\r\n").unwrap_or(&data[size..]);
    }
    out
}
