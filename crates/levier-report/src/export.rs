//! A report as a file: the period's figures, with the value they produced (of a pilot's
//! scope, with the pilot against its baseline, when asked), assembled once and written as Markdown, HTML (with its chart), CSV
//! or JSON — the PDF is the HTML printed by [`crate::pdf`]. `levier report`, the scheduled
//! reports and the Reports page's downloads all go through [`Export::build`].

use crate::chart::{self, ChartText};
use crate::figures::{Figure, Lang, adoption_figures, support_figures};
use crate::load::{self, PilotReport};
use crate::render::{self, Table};
use crate::scope::Scope;
use crate::support::{SupportOptions, Volume};
use crate::value::{Actions, value_figures, value_kpis};
use crate::{Period, ReportError};
use jiff::tz::TimeZone;
use levier_core::ids::PilotId;
use levier_core::time::Timestamp;
use levier_store::Store;
use levier_store::pilots::Pilot;

/// A report's words in its language.
struct Words {
    title: &'static str,
    support: &'static str,
    adoption: &'static str,
    mail: &'static str,
    leads: &'static str,
    value: &'static str,
    pilot: &'static str,
    chart: ChartText<'static>,
}

const FR: Words = Words {
    title: "Indicateurs",
    support: "Support client",
    adoption: "Adoption de la recherche interne",
    mail: "E-mails",
    leads: "Prospects",
    value: "Valeur produite",
    pilot: "Le pilote par rapport à sa référence",
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
    mail: "Mails",
    leads: "Leads",
    value: "Value",
    pilot: "The pilot against its baseline",
    chart: ChartText {
        title: "Conversations and tickets per day (per week beyond two months)",
        conversations: "conversations",
        tickets: "tickets",
    },
};

/// A report, computed, ready to be written in any format.
pub struct Export {
    period: Period,
    zone_name: String,
    lang: Lang,
    support: Vec<Figure>,
    adoption: Vec<Figure>,
    mail: Vec<Figure>,
    leads: Vec<Figure>,
    value: Vec<Figure>,
    volume: Vec<Volume>,
    pilot: Option<(Pilot, PilotReport)>,
}

impl Export {
    /// Computes the report of `period` (on the clocks of `zone_name`) as of `now`; for
    /// `pilot`, the figures of its scope and the pilot against its baseline. An unknown pilot
    /// is [`ReportError::Input`].
    pub async fn build(
        store: &Store,
        period: Period,
        zone_name: &str,
        pilot: Option<i64>,
        lang: Lang,
        now: Timestamp,
    ) -> Result<Export, ReportError> {
        let zone = crate::time_zone(zone_name)?;
        let pilot = match pilot {
            Some(id) => Some(pilot_report(store, id, now, &zone, lang).await?),
            None => None,
        };
        let scope = pilot
            .as_ref()
            .map_or_else(Scope::default, |(p, _)| load::pilot_scope(p));
        let options = SupportOptions::at(now);
        let support = load::support_in(store, &period, options, &scope).await?;
        let adoption = load::adoption(store, &period).await?;
        let mail = crate::mail::load(store, &period).await?;
        let leads = crate::leads::load(store, &period).await?;
        let slices = chart::slices(&period, &zone)?;
        let actions = Actions::of(&support, &adoption, &mail, &leads);
        let value = value_kpis(&actions, &period, &load::value_inputs(store).await?);
        Ok(Export {
            support: support_figures(&support, lang),
            adoption: adoption_figures(&adoption, lang),
            mail: crate::mail::mail_figures(&mail, lang),
            leads: crate::leads::lead_figures(&leads, lang),
            value: value_figures(&value, lang),
            volume: load::volume_in(store, &slices, &scope).await?,
            zone_name: zone_name.to_string(),
            period,
            lang,
            pilot,
        })
    }

    fn words(&self) -> &'static Words {
        match self.lang {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }

    fn title(&self) -> String {
        let words = self.words();
        match &self.pilot {
            Some((pilot, _)) => format!("{} — {}", words.title, pilot.name),
            None => words.title.to_string(),
        }
    }

    fn tables(&self) -> Vec<Table> {
        let words = self.words();
        let mut tables = vec![
            Table::of_figures(words.support, &self.support, self.lang),
            Table::of_figures(words.adoption, &self.adoption, self.lang),
            Table::of_figures(words.mail, &self.mail, self.lang),
            Table::of_figures(words.leads, &self.leads, self.lang),
            Table::of_figures(words.value, &self.value, self.lang),
        ];
        if let Some((_, report)) = &self.pilot {
            let heading = format!("{} ({})", words.pilot, report.current.label);
            tables.push(Table::of_pilot(&heading, &report.rows, self.lang));
        }
        tables
    }

    /// The report in Markdown.
    pub fn markdown(&self) -> String {
        let tables = self.tables();
        render::markdown(
            &self.title(),
            &self.period,
            &self.zone_name,
            &tables,
            self.lang,
        )
    }

    /// The report as one self-contained HTML page with its chart (the PDF is printed from it).
    pub fn html(&self) -> String {
        let words = self.words();
        let svg = chart::volume_svg(&self.volume, words.chart);
        let tables = self.tables();
        render::html(
            &self.title(),
            &self.period,
            &self.zone_name,
            (&svg, &words.chart),
            &tables,
            self.lang,
        )
    }

    /// One row per figure, with the counts behind it.
    pub fn csv(&self) -> String {
        let all = [
            &self.support[..],
            &self.adoption[..],
            &self.mail[..],
            &self.leads[..],
            &self.value[..],
        ];
        render::csv(&self.period, &all.concat())
    }

    /// The figures as JSON, for programs.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "period": self.period,
            "time_zone": self.zone_name,
            "figures": self.support,
            "adoption": self.adoption,
            "mail": self.mail,
            "leads": self.leads,
            "value": self.value,
            "volume": self.volume,
            "pilot": self.pilot.as_ref().map(|(_, report)| report),
        })
    }
}

async fn pilot_report(
    store: &Store,
    id: i64,
    now: Timestamp,
    zone: &TimeZone,
    lang: Lang,
) -> Result<(Pilot, PilotReport), ReportError> {
    let pilot = store
        .pilot(PilotId(id))
        .await?
        .ok_or_else(|| ReportError::Input(format!("there is no pilot {id}")))?;
    let report = load::pilot(store, &pilot, now, zone, lang).await?;
    Ok((pilot, report))
}
