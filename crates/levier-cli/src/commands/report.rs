//! `levier report`: a period's KPIs from the event log, as Markdown, CSV or JSON. It reads the
//! store only, so it runs beside a serving node.

use crate::cli::{ReportFormat, ReportLang};
use crate::exit::{INPUT, coded};
use levier_core::Config;
use levier_core::time::Timestamp;
use levier_report::{
    Figure, Lang, Period, SupportOptions, adoption_figures, load, render, support_figures,
    time_zone,
};
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
    let figures = figures(&store, &period, lang).await;
    store.close().await;
    let (support, adoption) = figures?;
    let text = match format {
        ReportFormat::Md => {
            let [title, support_title, adoption_title] = match lang {
                Lang::Fr => [
                    "Indicateurs",
                    "Support client",
                    "Adoption de la recherche interne",
                ],
                Lang::En => ["Figures", "Customer support", "Adoption of internal search"],
            };
            let sections: [(&str, &[Figure]); 2] =
                [(support_title, &support), (adoption_title, &adoption)];
            render::markdown(title, &period, zone_name, &sections, lang)
        }
        ReportFormat::Csv => render::csv(&period, &[support, adoption].concat()),
        ReportFormat::Json => {
            serde_json::to_string_pretty(&serde_json::json!({
                "period": period,
                "time_zone": zone_name,
                "figures": support,
                "adoption": adoption,
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

/// The period's support and adoption figures.
async fn figures(
    store: &Store,
    period: &Period,
    lang: Lang,
) -> anyhow::Result<(Vec<Figure>, Vec<Figure>)> {
    let support = load::support(store, period, SupportOptions::at(Timestamp::now())).await?;
    let adoption = load::adoption(store, period).await?;
    Ok((
        support_figures(&support, lang),
        adoption_figures(&adoption, lang),
    ))
}
