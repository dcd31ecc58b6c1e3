//! Finding a person's identifiers (address, phone, full name) in free text and JSON.
//!
//! SQL narrows the rows with `LIKE '%…%'`, which also matches inside longer words
//! (`ma@x.fr` inside `emma@x.fr`); [`mentions`] then keeps only whole occurrences, so an
//! erasure never touches another person's conversation or event.

/// What replaces erased text where the row must stay (a conversation counted by the KPIs).
pub const ERASED: &str = "[effacé]";

/// A `LIKE` pattern matching `needle` anywhere, its wildcards escaped (with `\`), for a
/// lowercased column.
pub(crate) fn like_pattern(needle: &str) -> String {
    let mut out = String::from("%");
    for c in needle.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// True when `text` holds `needle` as a whole (case-insensitive): not preceded by a character
/// that could continue it (letter, digit, `.`, `_`, `%`, `+`, `-`) nor followed by a letter,
/// digit, `-`, or a `.` that goes on (`x.fr.` ends a sentence, `x.fr.com` is another domain).
pub(crate) fn mentions(text: &str, needle: &str) -> bool {
    !occurrences(text, needle).is_empty()
}

/// `text` with each whole occurrence of `needle` replaced by [`ERASED`].
pub(crate) fn erase_mentions(text: &str, needle: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (start, end) in occurrences(text, needle) {
        out.push_str(&text[from..start]);
        out.push_str(ERASED);
        from = end;
    }
    out.push_str(&text[from..]);
    out
}

/// Byte ranges of the whole, case-insensitive occurrences of `needle` in `text`.
fn occurrences(text: &str, needle: &str) -> Vec<(usize, usize)> {
    let needle: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    let mut out = Vec::new();
    if needle.is_empty() {
        return out;
    }
    let mut start = 0;
    while let Some(c) = text[start..].chars().next() {
        match match_at(text, start, &needle) {
            Some(end) if is_whole(text, start, end) => {
                out.push((start, end));
                start = end;
            }
            _ => start += c.len_utf8(),
        }
    }
    out
}

/// True when `text[start..end]` is not part of a longer address or word.
fn is_whole(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let mut after = text[end..].chars();
    let continues_before = before.is_some_and(|c| c.is_alphanumeric() || "._%+-".contains(c));
    let continues_after = after.next().is_some_and(|c| {
        c.is_alphanumeric()
            || c == '-'
            || (c == '.' && after.next().is_some_and(char::is_alphanumeric))
    });
    !continues_before && !continues_after
}

/// The end of `needle` (lowercased chars) when `text` holds it at `start`, case-insensitively.
fn match_at(text: &str, start: usize, needle: &[char]) -> Option<usize> {
    let mut rest = needle.iter();
    let mut end = start;
    let mut chars = text[start..].chars();
    while !rest.as_slice().is_empty() {
        let c = chars.next()?;
        for lower in c.to_lowercase() {
            if rest.next() != Some(&lower) {
                return None;
            }
        }
        end += c.len_utf8();
    }
    Some(end)
}

/// True when `text` mentions any of `needles`.
pub(crate) fn mentions_any(text: &str, needles: &[String]) -> bool {
    needles.iter().any(|n| mentions(text, n))
}

/// `value` with every string that mentions one of `needles` replaced by [`ERASED`]; `None`
/// when nothing mentions them.
pub(crate) fn redact(value: &serde_json::Value, needles: &[String]) -> Option<serde_json::Value> {
    let mut out = value.clone();
    redact_in_place(&mut out, needles).then_some(out)
}

fn redact_in_place(value: &mut serde_json::Value, needles: &[String]) -> bool {
    match value {
        serde_json::Value::String(s) if mentions_any(s, needles) => {
            *value = serde_json::Value::String(ERASED.into());
            true
        }
        serde_json::Value::Array(items) => items
            .iter_mut()
            .fold(false, |changed, v| redact_in_place(v, needles) | changed),
        serde_json::Value::Object(map) => map
            .values_mut()
            .fold(false, |changed, v| redact_in_place(v, needles) | changed),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_found_whole_and_not_inside_another() {
        assert!(mentions("Je suis Ma@X.fr, merci", "ma@x.fr"));
        assert!(mentions("écrivez à ma@x.fr.", "ma@x.fr"));
        assert!(mentions("<ma@x.fr>", "ma@x.fr"));
        assert!(!mentions("emma@x.fr", "ma@x.fr"));
        assert!(!mentions("ma@x.fr.com", "ma@x.fr"));
        assert!(!mentions("ma@x.fra", "ma@x.fr"));
        assert!(mentions("emma@x.fr puis ma@x.fr", "ma@x.fr"));
        assert!(!mentions("rien", ""));
    }

    #[test]
    fn only_whole_mentions_are_erased_whatever_their_case() {
        assert_eq!(
            erase_mentions("À Ma@X.fr et emma@x.fr, puis ma@x.fr.", "ma@x.fr"),
            format!("À {ERASED} et emma@x.fr, puis {ERASED}.")
        );
        assert_eq!(erase_mentions("rien à voir", "ma@x.fr"), "rien à voir");
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("A_b%c@x.fr"), "%a\\_b\\%c@x.fr%");
    }

    #[test]
    fn redaction_replaces_only_the_strings_naming_the_person() {
        let needles = vec!["ma@x.fr".to_owned(), "Marie Dupont".to_owned()];
        let payload = serde_json::json!({
            "mail_id": 3,
            "place": {"to": "ma@x.fr", "page": "search"},
            "names": ["marie dupont", "Paul"],
        });
        let redacted = redact(&payload, &needles).expect("something to redact");
        assert_eq!(
            redacted,
            serde_json::json!({
                "mail_id": 3,
                "place": {"to": ERASED, "page": "search"},
                "names": [ERASED, "Paul"],
            })
        );
        assert_eq!(redact(&serde_json::json!({"mail_id": 3}), &needles), None);
    }
}
