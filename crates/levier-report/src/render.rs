//! A period's figures written as a file: Markdown for people, CSV for spreadsheets, JSON for
//! programs.

use crate::Period;
use crate::figures::{Figure, Lang, Value};

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
