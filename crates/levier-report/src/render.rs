//! A period's figures written as a file: Markdown for people, CSV for spreadsheets, JSON for
//! programs.

use crate::Period;
use crate::chart::{CONVERSATIONS_COLOUR, ChartText, TICKETS_COLOUR};
use crate::figures::{Figure, Lang, Value};
use crate::pilot::ProgressRow;
use levier_core::html::escape;

/// A section of a report: a heading over a table. Every report format writes the same
/// tables, so a section added once (support figures, a pilot against its baseline) shows in
/// Markdown, HTML and PDF alike.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The section's heading.
    pub title: String,
    /// Column headings, with the HTML class of their cells (`value`, `definition` or none).
    pub columns: Vec<(&'static str, &'static str)>,
    /// The rows, one text per column.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Figures with their values and definitions.
    pub fn of_figures(title: &str, figures: &[Figure], lang: Lang) -> Table {
        let columns = match lang {
            Lang::Fr => ["Indicateur", "Valeur", "Définition"],
            Lang::En => ["Figure", "Value", "Definition"],
        };
        Table {
            title: title.to_string(),
            columns: vec![
                (columns[0], ""),
                (columns[1], "value"),
                (columns[2], "definition"),
            ],
            rows: figures
                .iter()
                .map(|f| {
                    vec![
                        f.label.to_string(),
                        f.value.display(),
                        f.definition.to_string(),
                    ]
                })
                .collect(),
        }
    }

    /// A pilot's figures against its baseline, with its targets.
    pub fn of_pilot(title: &str, rows: &[ProgressRow], lang: Lang) -> Table {
        let (columns, met, missed) = match lang {
            Lang::Fr => (
                ["Indicateur", "Référence", "Pilote", "Évolution", "Objectif"],
                "atteint",
                "non atteint",
            ),
            Lang::En => (
                ["Figure", "Baseline", "Pilot", "Change", "Target"],
                "met",
                "missed",
            ),
        };
        let target = |r: &ProgressRow| match (&r.target, r.met) {
            (Some(t), Some(true)) => format!("{t} ✓ {met}"),
            (Some(t), Some(false)) => format!("{t} ✗ {missed}"),
            (Some(t), None) => t.clone(),
            (None, _) => String::new(),
        };
        Table {
            title: title.to_string(),
            columns: vec![
                (columns[0], ""),
                (columns[1], "value"),
                (columns[2], "value"),
                (columns[3], "value"),
                (columns[4], ""),
            ],
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        r.label.to_string(),
                        r.baseline.clone(),
                        r.current.clone(),
                        r.change
                            .map_or("—".into(), |c| format!("{:+.0} %", c * 100.0)),
                        target(r),
                    ]
                })
                .collect(),
        }
    }
}

/// A Markdown report: a title, the period's bounds, then each section's table.
pub fn markdown(title: &str, period: &Period, zone: &str, tables: &[Table], lang: Lang) -> String {
    let head = match lang {
        Lang::Fr => "Période",
        Lang::En => "Period",
    };
    let mut out = format!(
        "# {}\n\n{head} : {} ({zone})\n",
        cell(title),
        cell(&period.label)
    );
    for table in tables {
        let names: Vec<String> = table.columns.iter().map(|(name, _)| cell(name)).collect();
        out.push_str(&format!(
            "\n## {}\n\n| {} |\n|{}\n",
            cell(&table.title),
            names.join(" | "),
            "---|".repeat(names.len())
        ));
        for row in &table.rows {
            let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
    }
    out
}

/// An HTML report, one self-contained file (styles inline, the chart as SVG with its caption
/// and legend, no script): a title, the period, the volume chart, then each section's table.
/// Every text is escaped.
pub fn html(
    title: &str,
    period: &Period,
    zone: &str,
    chart: (&str, &ChartText<'_>),
    tables: &[Table],
    lang: Lang,
) -> String {
    let (chart_svg, words) = chart;
    let (code, head) = match lang {
        Lang::Fr => ("fr", "Période"),
        Lang::En => ("en", "Period"),
    };
    let mut out = format!(
        "<!doctype html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>{STYLE}</style></head><body>\n<h1>{t}</h1>\n<p>{head} : {p} ({z})</p>\n\
         <figure>{chart_svg}<figcaption>{c} — <span style=\"color:{CONVERSATIONS_COLOUR}\">■</span> \
         {cv} · <span style=\"color:{TICKETS_COLOUR}\">■</span> {tk}</figcaption></figure>\n",
        t = escape(title),
        p = escape(&period.label),
        z = escape(zone),
        c = escape(words.title),
        cv = escape(words.conversations),
        tk = escape(words.tickets),
    );
    for table in tables {
        out.push_str(&html_table(table));
    }
    out.push_str("</body></html>\n");
    out
}

/// One section as an HTML heading and table, every text escaped.
fn html_table(table: &Table) -> String {
    let mut out = format!("<h2>{}</h2>\n<table><thead><tr>", escape(&table.title));
    for (name, _) in &table.columns {
        out.push_str(&format!("<th>{}</th>", escape(name)));
    }
    out.push_str("</tr></thead><tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (text, (_, class)) in row.iter().zip(&table.columns) {
            match *class {
                "" => out.push_str(&format!("<td>{}</td>", escape(text))),
                class => out.push_str(&format!("<td class=\"{class}\">{}</td>", escape(text))),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    out
}

/// The HTML report's styles: readable on screen and on A4 paper (the PDF is printed from it).
const STYLE: &str = "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2rem;color:#1c2430}\
    h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:1.6rem}\
    figure{margin:1rem 0}figure svg{height:180px}figcaption{font-size:.85rem;color:#4a5360}\
    table{border-collapse:collapse;width:100%}\
    th,td{border-bottom:1px solid #d5dae1;padding:.35rem .5rem;text-align:left;vertical-align:top}\
    .value{white-space:nowrap}.definition{color:#4a5360;font-size:.85rem}\
    @page{size:A4;margin:1.5cm}";

/// A CSV report: one row per figure, with the counts behind shares so that a spreadsheet
/// can recompute them.
pub fn csv(period: &Period, figures: &[Figure]) -> String {
    let mut out = String::from("period,id,label,value,part,whole,median_ms,p90_ms\n");
    for f in figures {
        let (part, whole, median, p90) = match &f.value {
            Value::Share { share } => (
                share.part.to_string(),
                share.whole.to_string(),
                "".into(),
                "".into(),
            ),
            Value::Durations { spread: Some(s) } => (
                "".into(),
                s.count.to_string(),
                s.median_ms.to_string(),
                s.p90_ms.to_string(),
            ),
            _ => (String::new(), String::new(), String::new(), String::new()),
        };
        let row = [
            period.label.as_str(),
            f.id,
            f.label,
            &f.value.display(),
            &part,
            &whole,
            &median,
            &p90,
        ];
        out.push_str(&row.map(quote).join(","));
        out.push('\n');
    }
    out
}

/// A Markdown table cell: pipes escaped, lines joined.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A CSV field, quoted when it holds a comma, a quote or a line break; a leading `=`, `+`,
/// `-` or `@` is defused so that a spreadsheet does not run it as a formula.
fn quote(field: &str) -> String {
    let field = if field.starts_with(['=', '+', '-', '@']) {
        format!("'{field}")
    } else {
        field.to_string()
    };
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Share;

    fn period() -> Period {
        Period {
            label: "2026-10".into(),
            start: levier_core::time::Timestamp(0),
            end: levier_core::time::Timestamp(1),
        }
    }

    fn figures() -> Vec<Figure> {
        vec![Figure {
            id: "handoff_rate",
            label: "Taux | transfert",
            definition: "Conversations, confiées \"à une personne\"",
            value: Value::Share {
                share: Share { part: 2, whole: 5 },
            },
        }]
    }

    #[test]
    fn markdown_rows_escape_pipes() {
        let figures = figures();
        let tables = [Table::of_figures("Support", &figures, Lang::Fr)];
        let md = markdown("Rapport", &period(), "Europe/Paris", &tables, Lang::Fr);
        assert!(
            md.starts_with("# Rapport\n\nPériode : 2026-10 (Europe/Paris)\n\n## Support\n"),
            "{md}"
        );
        assert!(md.contains("| Taux \\| transfert | 40.0 % (2/5) |"), "{md}");
    }

    #[test]
    fn html_is_one_escaped_page_with_the_chart() {
        let figures = figures();
        let tables = [Table::of_figures("Support <client>", &figures, Lang::Fr)];
        let page = html(
            "Rapport",
            &period(),
            "Europe/Paris",
            (
                "<svg></svg>",
                &ChartText {
                    title: "Volume <jour>",
                    conversations: "conversations",
                    tickets: "tickets",
                },
            ),
            &tables,
            Lang::Fr,
        );
        assert!(
            page.starts_with("<!doctype html>\n<html lang=\"fr\">"),
            "{page}"
        );
        assert!(
            page.contains("<figure><svg></svg><figcaption>Volume &lt;jour&gt; — "),
            "the chart has its escaped caption: {page}"
        );
        assert!(page.contains("<h2>Support &lt;client&gt;</h2>"), "{page}");
        assert!(
            page.contains("<td>Taux | transfert</td><td class=\"value\">40.0 % (2/5)</td>"),
            "{page}"
        );
        assert!(
            page.contains("confiées &quot;à une personne&quot;"),
            "{page}"
        );
    }

    #[test]
    fn csv_quotes_fields_and_keeps_the_counts() {
        let csv = csv(&period(), &figures());
        let row = csv.lines().nth(1).expect("a row");
        assert_eq!(
            row,
            "2026-10,handoff_rate,Taux | transfert,40.0 % (2/5),2,5,,"
        );
        assert_eq!(quote("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(quote("a,\"b\""), "\"a,\"\"b\"\"\"");
    }
}
