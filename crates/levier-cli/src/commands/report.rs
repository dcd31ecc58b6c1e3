//! `levier report`: a period's KPIs from the event log, as Markdown, CSV, JSON or a
//! self-contained HTML page with its chart. It reads the store only, so it runs beside a
//! serving node.

use crate::cli::{ReportFormat, ReportLang};
use crate::exit::{INPUT, coded};
use levier_core::Config;
use levier_core::time::Timestamp;
use levier_report::export::Export;
use levier_report::{Lang, Period, ReportError, pdf, time_zone};
use levier_store::Store;
use std::path::PathBuf;

/// What `levier report` was asked for.
pub struct Request {
    /// The period as given.
    pub period: String,
    /// The company's time zone.
    pub time_zone: String,
    /// The output format.
    pub format: ReportFormat,
    /// The language.
    pub lang: ReportLang,
    /// A pilot whose report this is.
    pub pilot: Option<i64>,
    /// The file to write, standard output when `None`.
    pub out: Option<PathBuf>,
}

pub async fn run(config: &Config, request: Request) -> anyhow::Result<()> {
    // The arguments are checked before the store is opened, so a typo fails fast.
    let zone = time_zone(&request.time_zone).map_err(|e| coded(INPUT, e.to_string()))?;
    Period::parse(&request.period, &zone).map_err(|e| coded(INPUT, e.to_string()))?;
    let store = Store::open(config).await?;
    let written = produce(&store, &request).await;
    store.close().await;
    written
}

/// Computes the report `request` asks for from `store` and writes it (to its file, or to
/// standard output); the scheduled reports' task writes theirs through it too.
pub async fn produce(store: &Store, request: &Request) -> anyhow::Result<()> {
    let zone = time_zone(&request.time_zone).map_err(|e| coded(INPUT, e.to_string()))?;
    let period = Period::parse(&request.period, &zone).map_err(|e| coded(INPUT, e.to_string()))?;
    let lang = match request.lang {
        ReportLang::Fr => Lang::Fr,
        ReportLang::En => Lang::En,
    };
    let now = Timestamp::now();
    let export = Export::build(store, period, &request.time_zone, request.pilot, lang, now)
        .await
        .map_err(|e| match e {
            ReportError::Input(message) => coded(INPUT, message),
            other => other.into(),
        })?;
    let text = match request.format {
        ReportFormat::Md => export.markdown(),
        ReportFormat::Html => export.html(),
        ReportFormat::Pdf => return print_pdf(&export.html(), request.out.as_deref()),
        ReportFormat::Csv => export.csv(),
        ReportFormat::Json => serde_json::to_string_pretty(&export.json())? + "\n",
    };
    match &request.out {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display())),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

/// Prints the HTML report to the PDF file `out` through headless Chromium.
fn print_pdf(html: &str, out: Option<&std::path::Path>) -> anyhow::Result<()> {
    let out = out.ok_or_else(|| coded(INPUT, "a PDF report needs --out FILE.pdf"))?;
    let chromium = pdf::find_chromium().ok_or_else(|| {
        anyhow::anyhow!(
            "a PDF report needs Chromium: install it (Debian: apt install chromium) or set \
             LEVIER_CHROMIUM to its path"
        )
    })?;
    pdf::print(html, out, &chromium)?;
    Ok(())
}
