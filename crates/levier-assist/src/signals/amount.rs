//! Euro amounts in customer messages: "450 €", "450€", "450 euros", "450 EUR", "450e",
//! "450,50€", "€450", "1 200 €", "1.200,50 €", "€1,250.50".
//!
//! Only numbers with a euro sign or word count: a bare "450" may be an order number, a
//! size or a weight. A separator followed by exactly three digits groups thousands (space,
//! no-break space, dot or comma); followed by one or two, it marks cents. So "1,200 €" reads
//! as 1 200 € (English grouping) — a French customer writes 1,20 € for one euro twenty.

use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// A number of euros found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EuroAmount {
    /// The amount in cents.
    pub cents: u64,
    /// Byte range of the amount, currency included, in the text.
    pub span: Range<usize>,
}

/// The `regex` crate matches in linear time, whatever the input.
static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)
        (?P<pre>€\s*)?
        (?P<int>\d{1,3}(?:[\x20\u{a0}\u{202f}.,]\d{3}\b)+|\d+)
        (?:[.,](?P<cents>\d{1,2})\b)?
        (?P<post>\s*(?:€|eur(?:o|os)?\b|e\b))?",
    )
    .expect("the amount pattern compiles")
});

/// Every euro amount in `text`, in order.
pub fn euro_amounts(text: &str) -> Vec<EuroAmount> {
    AMOUNT
        .captures_iter(text)
        .filter(|c| c.name("pre").is_some() || c.name("post").is_some())
        .filter_map(|c| {
            let whole = c.get(0)?;
            let cents = to_cents(c.name("int")?.as_str(), c.name("cents").map(|m| m.as_str()))?;
            let span = whole.start()..whole.end();
            Some(EuroAmount { cents, span })
        })
        .collect()
}

/// Digits without their group separators, and one or two decimals, as cents; `None` on
/// overflow.
fn to_cents(int: &str, decimals: Option<&str>) -> Option<u64> {
    let euros: u64 = int
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()?;
    let cents = match decimals {
        Some(d) if d.len() == 1 => d.parse::<u64>().ok()? * 10,
        Some(d) => d.parse().ok()?,
        None => 0,
    };
    euros.checked_mul(100)?.checked_add(cents)
}
