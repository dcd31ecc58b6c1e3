//! `levier report`: a period's KPIs from the event log, as Markdown, CSV or JSON. It reads the
//! store only, so it runs beside a serving node.

use crate::cli::{ReportFormat, ReportLang};
use crate::exit::{INPUT, coded};
use levier_core::Config;
use levier_core::time::Timestamp;
use levier_report::{Lang, Period, SupportOptions, load, render, support_figures, time_zone};
use levier_store::Store;
use std::path::PathBuf;

pub async fn run(
    config: &Config,
    period: &str,
    zone_name: &str,
    format: ReportFormat,
    lang: ReportLang,
    out: Option<PathBuf>,
) -> anyhow::Result<()> {
    // The arguments are checked before the store is opened, so a typo fails fast.
    let zone = time_zone(zone_name).map_err(|e| coded(INPUT, e.to_string()))?;
    let period = Period::parse(period, &zone).map_err(|e| coded(INPUT, e.to_string()))?;
    let lang = match lang {
        ReportLang::Fr => Lang::Fr,
        ReportLang::En => Lang::En,
    };
    let store = Store::open(config).await?;
    let kpis = load::support(&store, &period, SupportOptions::at(Timestamp::now())).await;
    store.close().await;
    let figures = support_figures(&kpis?, lang);
    let text = match format {
        ReportFormat::Md => {
            let title = match lang {
                Lang::Fr => "Support client : indicateurs",
                Lang::En => "Customer support: figures",
            };
            render::markdown(title, &period, zone_name, &figures, lang)
        }
        ReportFormat::Csv => render::csv(&period, &figures),
        ReportFormat::Json => {
            serde_json::to_string_pretty(&serde_json::json!({
                "period": period,
                "time_zone": zone_name,
                "figures": figures,
            }))? + "\n"
        }
    };
    match out {
        Some(path) => std::fs::write(&path, text)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display())),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}
