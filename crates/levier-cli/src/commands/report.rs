//! `levier report`: a period's KPIs from the event log, as Markdown, CSV, JSON or a
//! self-contained HTML page with its chart. It reads the store only, so it runs beside a
//! serving node.

use crate::cli::{ReportFormat, ReportLang};
use crate::exit::{INPUT, coded};
use levier_core::Config;
use levier_core::time::Timestamp;
use levier_report::chart::{self, ChartText};
use levier_report::{
    Figure, Lang, Period, SupportOptions, Volume, adoption_figures, load, render, support_figures,
    time_zone,
};
use levier_store::Store;
use std::path::PathBuf;

/// What a report holds.
struct Contents {
    support: Vec<Figure>,
    adoption: Vec<Figure>,
    volume: Vec<Volume>,
}

/// A report's words in its language.
struct Words {
    title: &'static str,
    support: &'static str,
    adoption: &'static str,
    chart: ChartText<'static>,
}

const FR: Words = Words {
    title: "Indicateurs",
    support: "Support client",
    adoption: "Adoption de la recherche interne",
    chart: ChartText {
        title: "Conversations et tickets par jour (par semaine au-delà de deux mois)",
        conversations: "conversations",
        tickets: "tickets",
    },
};

const EN: Words = Words {
    title: "Figures",
    support: "Customer support",
    adoption: "Adoption of internal search",
    chart: ChartText {
        title: "Conversations and tickets per day (per week beyond two months)",
        conversations: "conversations",
        tickets: "tickets",
    },
};

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
    let (lang, words) = match lang {
        ReportLang::Fr => (Lang::Fr, &FR),
        ReportLang::En => (Lang::En, &EN),
    };
    let slices = chart::slices(&period, &zone)?;
    let store = Store::open(config).await?;
    let contents = contents(&store, &period, &slices, lang).await;
    store.close().await;
    let c = contents?;
    let sections: [(&str, &[Figure]); 2] =
        [(words.support, &c.support), (words.adoption, &c.adoption)];
    let text = match format {
        ReportFormat::Md => render::markdown(words.title, &period, zone_name, &sections, lang),
        ReportFormat::Html => {
            let svg = chart::volume_svg(&c.volume, words.chart);
            render::html(words.title, &period, zone_name, &svg, &sections, lang)
        }
        ReportFormat::Csv => render::csv(&period, &[c.support, c.adoption].concat()),
        ReportFormat::Json => {
            serde_json::to_string_pretty(&serde_json::json!({
                "period": period,
                "time_zone": zone_name,
                "figures": c.support,
                "adoption": c.adoption,
                "volume": c.volume,
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

/// The period's support and adoption figures and its volume per slice.
async fn contents(
    store: &Store,
    period: &Period,
    slices: &[Period],
    lang: Lang,
) -> anyhow::Result<Contents> {
    let support = load::support(store, period, SupportOptions::at(Timestamp::now())).await?;
    let adoption = load::adoption(store, period).await?;
    Ok(Contents {
        support: support_figures(&support, lang),
        adoption: adoption_figures(&adoption, lang),
        volume: load::volume(store, slices).await?,
    })
}
