//! The volume chart (conversations and tickets per day or week) as an SVG element, drawn in
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

#[cfg(test)]
mod tests {
    use super::*;

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
