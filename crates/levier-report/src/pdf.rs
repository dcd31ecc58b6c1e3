//! PDF reports, printed by headless Chromium from the self-contained HTML report: the same
//! page people read, with its SVG chart, laid out on A4 by a real browser engine (no second
//! layout code to keep in step). Chromium is an outside program: it is looked for, run with
//! a time limit and its output checked, and a missing or failing browser is a clear error.

use crate::ReportError;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long Chromium may take to print a report.
const PRINT_LIMIT: Duration = Duration::from_secs(90);

/// Names Chromium goes by on the `PATH`, in the order tried.
const NAMES: [&str; 4] = ["chromium", "chromium-browser", "google-chrome", "chrome"];

/// The browser to print with: `LEVIER_CHROMIUM` when set, else the first of [`NAMES`] on the
/// `PATH`.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("LEVIER_CHROMIUM").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| NAMES.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Prints `html` to the PDF file `out` with `chromium`.
pub fn print(html: &str, out: &Path, chromium: &Path) -> Result<(), ReportError> {
    let work = tempfile::tempdir().map_err(|e| pdf_error(format!("temporary folder: {e}")))?;
    let page = work.path().join("report.html");
    std::fs::write(&page, html)
        .map_err(|e| pdf_error(format!("writing {}: {e}", page.display())))?;
    let target = work.path().join("report.pdf");
    let mut child = Command::new(chromium)
        .arg("--headless")
        .arg("--no-sandbox")
        .arg("--disable-gpu")
        .arg("--no-pdf-header-footer")
        .arg(format!(
            "--user-data-dir={}",
            work.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", target.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| pdf_error(format!("cannot start {}: {e}", chromium.display())))?;
    let status = wait(&mut child)?;
    if !status.success() {
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            std::io::Read::read_to_string(&mut pipe, &mut stderr).ok();
        }
        let last = stderr.lines().last().unwrap_or("").to_string();
        return Err(pdf_error(format!(
            "{} failed ({status}): {last}",
            chromium.display()
        )));
    }
    let bytes = std::fs::read(&target).map_err(|e| pdf_error(format!("no PDF written: {e}")))?;
    if !bytes.starts_with(b"%PDF-") {
        return Err(pdf_error(
            "the browser wrote something that is not a PDF".into(),
        ));
    }
    std::fs::write(out, bytes).map_err(|e| pdf_error(format!("writing {}: {e}", out.display())))
}

/// Waits for the browser, killing it past [`PRINT_LIMIT`].
fn wait(child: &mut std::process::Child) -> Result<std::process::ExitStatus, ReportError> {
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if started.elapsed() > PRINT_LIMIT => {
                child.kill().ok();
                child.wait().ok();
                return Err(pdf_error(format!(
                    "the browser did not finish printing within {} s",
                    PRINT_LIMIT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(pdf_error(format!("waiting for the browser: {e}"))),
        }
    }
}

fn pdf_error(message: String) -> ReportError {
    ReportError::Pdf(message)
}
