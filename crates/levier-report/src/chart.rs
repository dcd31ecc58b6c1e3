//! The volume chart (conversations and tickets per day or week) and breakdowns (handoff
//! reasons) as SVG elements, drawn in
//! Rust so that the Reports page and the HTML and PDF reports show the same picture, with no
//! script and no external library. Every text is escaped.

use crate::support::Volume;
use levier_core::html::escape;

/// Height of the drawing area, in SVG units.
const HEIGHT: f64 = 160.0;
/// Width of one bar slot, in SVG units.
const SLOT: f64 = 22.0;
/// Colour of the conversations' bars.
pub const CONVERSATIONS_COLOUR: &str = "#2f6fab";
/// Colour of the tickets' bars.
pub const TICKETS_COLOUR: &str = "#d9822b";

/// What the chart says, in the report's language.
#[derive(Debug, Clone, Copy)]
pub struct ChartText<'a> {
    /// Its title (also its accessible name).
    pub title: &'a str,
    /// The word for conversations.
    pub conversations: &'a str,
    /// The word for tickets.
    pub tickets: &'a str,
}

/// The slices a period's chart shows: days up to two months, weeks beyond (at most about 60
/// bars, which stay readable).
pub fn slices(
    period: &crate::Period,
    zone: &jiff::tz::TimeZone,
) -> Result<Vec<crate::Period>, crate::ReportError> {
    let by = if period.end.0 - period.start.0 <= 62 * 86_400_000 {
        crate::Granularity::Day
    } else {
        crate::Granularity::Week
    };
    period.slices(by, zone)
}

/// The chart as an `<svg>` element: a pair of bars per slice, scaled to the largest count,
/// each pair titled with its slice and counts (shown on hover, read by screen readers).
pub fn volume_svg(volume: &[Volume], text: ChartText) -> String {
    let top = volume
        .iter()
        .map(|v| v.conversations.max(v.tickets))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let height = |n: usize| (n as f64 / top * HEIGHT).round();
    let width = SLOT * volume.len().max(1) as f64;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" data-testid="report-chart" viewBox="0 -4 {width} {}" width="100%" height="{}" preserveAspectRatio="none">"#,
        escape(text.title),
        HEIGHT + 8.0,
        HEIGHT + 8.0
    );
    for (i, v) in volume.iter().enumerate() {
        let x = SLOT * i as f64;
        let (c, t) = (height(v.conversations), height(v.tickets));
        svg.push_str(&format!(
            r#"<g><title>{} : {} {}, {} {}</title><rect class="bar-conversations" x="{}" y="{}" width="10" height="{c}" fill="{CONVERSATIONS_COLOUR}" data-count="{}"></rect><rect class="bar-tickets" x="{}" y="{}" width="6" height="{t}" fill="{TICKETS_COLOUR}" data-count="{}"></rect></g>"#,
            escape(&v.label),
            v.conversations,
            escape(text.conversations),
            v.tickets,
            escape(text.tickets),
            x + 2.0,
            HEIGHT - c,
            v.conversations,
            x + 12.0,
            HEIGHT - t,
            v.tickets,
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// Height of one line of a breakdown chart, in SVG units.
const LINE: f64 = 24.0;
/// Width left for the labels of a breakdown chart.
const LABELS: f64 = 230.0;
/// Width of a breakdown chart's longest bar.
const BAR: f64 = 300.0;

/// A breakdown as horizontal bars (handoff reasons, categories…): one line per `(label,
/// count)`, in the order given, each with its count and share of the total.
pub fn breakdown_svg(title: &str, parts: &[(String, usize)]) -> String {
    let total: usize = parts.iter().map(|(_, n)| n).sum();
    let top = parts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let height = LINE * parts.len().max(1) as f64;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" data-testid="breakdown-chart" viewBox="0 0 {} {height}" width="100%" style="max-width:{}px">"#,
        escape(title),
        LABELS + BAR + 90.0,
        LABELS + BAR + 90.0,
    );
    for (i, (label, n)) in parts.iter().enumerate() {
        let y = LINE * i as f64;
        let width = (*n as f64 / top * BAR).round();
        let share = if total == 0 {
            0.0
        } else {
            *n as f64 * 100.0 / total as f64
        };
        svg.push_str(&format!(
            r#"<g><text x="{}" y="{}" text-anchor="end" font-size="12">{}</text><rect class="bar-part" x="{LABELS}" y="{}" width="{width}" height="{}" fill="{TICKETS_COLOUR}" data-count="{n}"></rect><text x="{}" y="{}" font-size="12">{n} ({share:.0} %)</text></g>"#,
            LABELS - 8.0,
            y + 16.0,
            escape(label),
            y + 4.0,
            LINE - 8.0,
            LABELS + width + 6.0,
            y + 16.0,
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_breakdown_scales_to_its_largest_part_and_escapes_labels() {
        let parts = [("Hors périmètre".to_string(), 6), ("<i>".to_string(), 2)];
        let svg = breakdown_svg("Raisons", &parts);
        assert!(
            svg.contains(r##"width="300" height="16" fill="#d9822b" data-count="6""##),
            "{svg}"
        );
        assert!(svg.contains(r#"width="100" height="16""#), "{svg}");
        assert!(
            svg.contains("6 (75 %)") && svg.contains("2 (25 %)"),
            "{svg}"
        );
        assert!(svg.contains("&lt;i&gt;") && !svg.contains("<i>"), "{svg}");
    }

    #[test]
    fn bars_are_scaled_to_the_largest_count_and_texts_escaped() {
        let volume = [
            Volume {
                label: "2026-10-05".into(),
                conversations: 4,
                tickets: 1,
            },
            Volume {
                label: "<b>".into(),
                conversations: 2,
                tickets: 0,
            },
        ];
        let text = ChartText {
            title: "Volume \"test\"",
            conversations: "conversations",
            tickets: "tickets",
        };
        let svg = volume_svg(&volume, text);
        assert!(
            svg.contains(r#"aria-label="Volume &quot;test&quot;""#),
            "{svg}"
        );
        assert!(svg.contains(r#"y="0" width="10" height="160""#), "{svg}");
        assert!(svg.contains(r#"y="120" width="6" height="40""#), "{svg}");
        assert!(
            svg.contains("<title>&lt;b&gt; : 2 conversations, 0 tickets</title>"),
            "{svg}"
        );
        assert_eq!(svg.matches("<g>").count(), 2);
    }
}
