//! A period's figures written as a file: Markdown for people, CSV for spreadsheets, JSON for
//! programs.

use crate::Period;
use crate::figures::{Figure, Lang, Value};
use levier_core::html::escape;

/// A Markdown report: a title, the period's bounds, then each section's table, one row per
/// figure with its definition.
pub fn markdown(
    title: &str,
    period: &Period,
    zone: &str,
    sections: &[(&str, &[Figure])],
    lang: Lang,
) -> String {
    let (head, columns) = match lang {
        Lang::Fr => ("Période", "| Indicateur | Valeur | Définition |"),
        Lang::En => ("Period", "| Figure | Value | Definition |"),
    };
    let mut out = format!(
        "# {}\n\n{head} : {} ({zone})\n",
        cell(title),
        cell(&period.label)
    );
    for (name, figures) in sections {
        out.push_str(&format!(
            "\n## {}\n\n{columns}\n|---|---|---|\n",
            cell(name)
        ));
        for f in *figures {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                cell(f.label),
                cell(&f.value.display()),
                cell(f.definition)
            ));
        }
    }
    out
}

/// An HTML report, one self-contained file (styles inline, the chart as SVG, no script): a
/// title, the period, the volume chart, then each section's table. Every text is escaped.
pub fn html(
    title: &str,
    period: &Period,
    zone: &str,
    chart_svg: &str,
    sections: &[(&str, &[Figure])],
    lang: Lang,
) -> String {
    let (code, head, columns) = match lang {
        Lang::Fr => ("fr", "Période", ["Indicateur", "Valeur", "Définition"]),
        Lang::En => ("en", "Period", ["Figure", "Value", "Definition"]),
    };
    let mut out = format!(
        "<!doctype html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>{STYLE}</style></head><body>\n<h1>{t}</h1>\n<p>{head} : {p} ({z})</p>\n\
         <figure>{chart_svg}</figure>\n",
        t = escape(title),
        p = escape(&period.label),
        z = escape(zone),
    );
    for (name, figures) in sections {
        out.push_str(&format!(
            "<h2>{}</h2>\n<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
            escape(name),
            columns[0],
            columns[1],
            columns[2]
        ));
        for f in *figures {
            out.push_str(&format!(
                "<tr><td>{}</td><td class=\"value\">{}</td><td class=\"definition\">{}</td></tr>\n",
                escape(f.label),
                escape(&f.value.display()),
                escape(f.definition)
            ));
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</body></html>\n");
    out
}

/// The HTML report's styles: readable on screen and on A4 paper (the PDF is printed from it).
const STYLE: &str = "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2rem;color:#1c2430}\
    h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:1.6rem}\
    figure{margin:1rem 0;height:180px}table{border-collapse:collapse;width:100%}\
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
        let sections: [(&str, &[Figure]); 1] = [("Support", &figures)];
        let md = markdown("Rapport", &period(), "Europe/Paris", &sections, Lang::Fr);
        assert!(
            md.starts_with("# Rapport\n\nPériode : 2026-10 (Europe/Paris)\n\n## Support\n"),
            "{md}"
        );
        assert!(md.contains("| Taux \\| transfert | 40.0 % (2/5) |"), "{md}");
    }

    #[test]
    fn html_is_one_escaped_page_with_the_chart() {
        let figures = figures();
        let sections: [(&str, &[Figure]); 1] = [("Support <client>", &figures)];
        let page = html(
            "Rapport",
            &period(),
            "Europe/Paris",
            "<svg></svg>",
            &sections,
            Lang::Fr,
        );
        assert!(
            page.starts_with("<!doctype html>\n<html lang=\"fr\">"),
            "{page}"
        );
        assert!(page.contains("<figure><svg></svg></figure>"), "{page}");
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
