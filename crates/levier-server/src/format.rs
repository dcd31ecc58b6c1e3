//! Dates shown to people, in the company's time zone (Europe/Paris).

use levier_core::Timestamp;

fn zoned(t: Timestamp) -> Option<jiff::Zoned> {
    let tz = jiff::tz::TimeZone::get("Europe/Paris").unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::from_millisecond(t.millis())
        .ok()
        .map(|ts| ts.to_zoned(tz))
}

/// `2026-11-26`.
pub fn date(t: Timestamp) -> String {
    zoned(t).map_or_else(String::new, |z| z.strftime("%Y-%m-%d").to_string())
}

/// `2026-11-26 09:14`.
pub fn date_time(t: Timestamp) -> String {
    zoned(t).map_or_else(String::new, |z| z.strftime("%Y-%m-%d %H:%M").to_string())
}

/// A value for a URL's query string (`/search?q=…`, `/login?next=…`).
pub fn url_encode(value: &str) -> String {
    serde_urlencoded::to_string([("", value)])
        .map(|e| e.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_time_with_dst() {
        // 2026-07-01T12:00Z is 14:00 in Paris (summer time); 2026-12-01T12:00Z is 13:00.
        assert_eq!(date_time(Timestamp(1_782_907_200_000)), "2026-07-01 14:00");
        assert_eq!(date_time(Timestamp(1_796_126_400_000)), "2026-12-01 13:00");
        assert_eq!(date(Timestamp(1_796_126_400_000)), "2026-12-01");
    }
}
