//! Where personal data is in a text: one finder per kind, each a linear-time regex (no
//! backtracking on hostile input) followed, for identifiers, by their check digits, so that
//! dates, prices and order numbers are left alone.

use crate::llm::redact::PiiKind;
use crate::llm::redact::checksum;
use regex::Regex;
use std::sync::LazyLock;

/// A span of a text holding personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Found {
    pub start: usize,
    pub end: usize,
    pub kind: PiiKind,
}

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("built-in pattern {pattern}: {e}"))
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b"));
static IBAN: LazyLock<Regex> = LazyLock::new(|| regex(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b"));
static NIR: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"\b[12][ .]?\d{2}[ .]?\d{2}[ .]?(?:\d{2}|2[ABab])[ .]?\d{3}[ .]?\d{3}[ .]?\d{2}\b")
});
static SIRET: LazyLock<Regex> = LazyLock::new(|| regex(r"\b\d{3}[ .]?\d{3}[ .]?\d{3}[ .]?\d{5}\b"));
static CARD: LazyLock<Regex> = LazyLock::new(|| regex(r"\b[2-6]\d{3}(?:[ -]?\d){9,15}\b"));
static SIREN: LazyLock<Regex> = LazyLock::new(|| regex(r"\b\d{3}([ .]?)\d{3}[ .]?\d{3}\b"));
/// Words that announce a company number nearby.
static SIREN_CONTEXT: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\b(?:siren|siret|rcs|tva|immatricul\w*|company number)\b"));
/// International numbers (`+33 6 12 34 56 78`, `0032 2 123 45 67`, `+1 (555) 123-4567`).
static PHONE_INTL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:\+|\b00)[1-9]\d{0,2}[ .-]?(?:\(0\)[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d(?:[ .-]?\d){5,12}\b",
    )
});
/// French and Belgian national numbers: 0 then 8 or 9 digits (`06 12 34 56 78`, `02 123 45 67`).
static PHONE_NATIONAL: LazyLock<Regex> = LazyLock::new(|| regex(r"\b0[1-9](?:[ .-]?\d){7,8}\b"));

/// A word of a street name: capitalised, or one of the small words between them.
const STREET_WORD: &str =
    r"(?:(?:[dl]['’])?\p{Lu}[\p{L}'’-]*|(?:de|du|des|la|le|les|aux|au|sur|sous|en|et)\b)";
/// The kinds of street French and Belgian addresses name.
const STREET_TYPE: &str = r"(?i:rue|avenue|av\.|bd|boulevard|place|pl\.|chemin|impasse|all[ée]e|quai|route|cours|passage|square|chauss[ée]e|faubourg|lieu-dit|r[ée]sidence|hameau|sentier|cit[ée])";
/// A postcode and its town: `75011 Paris`, `1000 Bruxelles`, `F-69002 Lyon`.
const POSTCODE_TOWN: &str = r"(?:F-)?\d{4,5}\s+\p{Lu}[\p{L}'’-]*(?:[ -](?:\p{Lu}[\p{L}'’-]*|sur|sous|en|lès|les|de|du|d['’]\p{Lu}\p{L}*))*(?:\s+(?i:cedex)(?:\s+\d{1,2})?)?";

static ADDRESS_FR: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"\b\d{{1,4}}(?:\s?(?i:bis|ter))?,?\s+{STREET_TYPE}\b(?:\s+{STREET_WORD})+(?:,?\s+{POSTCODE_TOWN})?"
    ))
});
/// Belgian order: street, then number (`Rue de la Loi 16, 1000 Bruxelles`).
static ADDRESS_BE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"\b{STREET_TYPE}(?:\s+{STREET_WORD})+\s+\d{{1,4}}[a-z]?\b(?:,?\s+{POSTCODE_TOWN})?"
    ))
});
static ADDRESS_EN: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b\d{1,5}[A-Za-z]?\s+(?:\p{Lu}[\p{L}'-]*\s+){1,3}(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|Drive|Boulevard|Blvd\.?|Way|Court|Square)\b",
    )
});
/// A French postcode and town on their own (`75011 Paris`, `69002 LYON CEDEX 02`).
static POSTCODE_ALONE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:F-)?\d{5}\s+\p{Lu}[\p{L}'’-]*(?:[ -](?:\p{Lu}[\p{L}'’-]*|sur|sous|en|lès|de|du))*(?:\s+(?i:cedex)(?:\s+\d{1,2})?)?",
    )
});

/// Every span of personal data in `text` (names excepted: see [`super::Redactor`]), possibly
/// overlapping; [`super::resolve`] picks among overlaps.
pub(crate) fn find_all(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    push(&mut out, &EMAIL, text, PiiKind::Email, |_| true);
    push_iban(&mut out, text);
    push(&mut out, &NIR, text, PiiKind::Nir, |m| {
        checksum::nir(&compact(m))
    });
    push(&mut out, &SIRET, text, PiiKind::Siret, |m| {
        checksum::siren_or_siret(&compact(m))
    });
    push(&mut out, &CARD, text, PiiKind::Card, |m| {
        let digits = compact(m);
        digits.len() != 14 && checksum::luhn(&digits)
    });
    push_siren(&mut out, text);
    push(&mut out, &PHONE_INTL, text, PiiKind::Phone, |m| {
        (8..=15).contains(&digit_count(m))
    });
    push(&mut out, &PHONE_NATIONAL, text, PiiKind::Phone, |_| true);
    for address in [&ADDRESS_FR, &ADDRESS_BE, &ADDRESS_EN, &POSTCODE_ALONE] {
        push(&mut out, address, text, PiiKind::Address, |_| true);
    }
    out
}

fn push(out: &mut Vec<Found>, re: &Regex, text: &str, kind: PiiKind, valid: impl Fn(&str) -> bool) {
    let numeric = !matches!(kind, PiiKind::Email | PiiKind::Address);
    out.extend(
        re.find_iter(text)
            .filter(|m| valid(m.as_str()))
            .filter(|m| !numeric || standalone(text, m.start(), m.end()))
            .map(|m| Found {
                start: m.start(),
                end: m.end(),
                kind,
            }),
    );
}

/// Whether a number stands alone rather than being the middle of a longer one written with
/// spaces (`2 55 08 14 168 025 39` holds a phone-shaped `08 14 168 025 39`).
fn standalone(text: &str, start: usize, end: usize) -> bool {
    let digit_across = |mut chars: Box<dyn Iterator<Item = char> + '_>| {
        let first = chars.next();
        let first = match first {
            Some(' ' | '.' | '-') => chars.next(),
            other => other,
        };
        first.is_some_and(|c| c.is_ascii_digit())
    };
    !digit_across(Box::new(text[..start].chars().rev()))
        && !digit_across(Box::new(text[end..].chars()))
}

/// IBANs: the regex may run into a following code in capitals, so the match is shortened a
/// group at a time until its check digits hold.
fn push_iban(out: &mut Vec<Found>, text: &str) {
    for m in IBAN.find_iter(text) {
        let mut candidate = m.as_str();
        loop {
            if checksum::iban(&compact(candidate)) {
                out.push(Found {
                    start: m.start(),
                    end: m.start() + candidate.len(),
                    kind: PiiKind::Iban,
                });
                break;
            }
            match candidate.rfind(' ') {
                Some(cut) if cut >= 15 => candidate = &candidate[..cut],
                _ => break,
            }
        }
    }
}

/// SIRENs: nine digits pass Luhn one time in ten, so they also need a sign of being a company
/// number: a word like "SIREN" or "RCS" shortly before, or the usual 3-3-3 grouping, and no
/// currency after (a price).
fn push_siren(out: &mut Vec<Found>, text: &str) {
    for caps in SIREN.captures_iter(text) {
        let Some(m) = caps.get(0) else { continue };
        let grouped = caps.get(1).is_some_and(|g| !g.as_str().is_empty());
        let before = &text[text.floor_char_boundary(m.start().saturating_sub(40))..m.start()];
        let after = text[m.end()..].trim_start();
        let priced = after.starts_with('€') || after.to_lowercase().starts_with("eur");
        if checksum::luhn(&compact(m.as_str()))
            && (grouped || SIREN_CONTEXT.is_match(before))
            && !priced
        {
            out.push(Found {
                start: m.start(),
                end: m.end(),
                kind: PiiKind::Siren,
            });
        }
    }
}

/// The text without spaces, dots and dashes, upper-cased: how check digits are computed.
fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn digit_count(s: &str) -> usize {
    s.chars().filter(char::is_ascii_digit).count()
}
