//! How a message is typed rather than what it says: shouting in capitals and runs of `!`
//! or `?`. Both read the original text, before normalisation erases them.

/// Words shorter than this are ignored when judging capitals: acronyms ("SAV", "TVA", "RST",
/// "E01") and short words ("JE", "MON") say nothing either way.
const CAPS_MIN_LETTERS: usize = 4;
/// Capitalised words needed before a message counts as shouting, so that one product name
/// or acronym ("ALTO", "RGPD") does not.
const CAPS_MIN_WORDS: usize = 3;
/// Share of the message's longer words that must be in capitals, in tenths.
const CAPS_MIN_TENTHS: usize = 7;
/// Characters of `!`/`?` in a row that count as insistence ("!!!", "???", "?!?"); two is
/// ordinary ("toujours rien reçu !!").
const PUNCTUATION_RUN: usize = 3;
/// Capitalised words quoted as evidence, at most.
const EVIDENCE_WORDS: usize = 8;

/// The capitalised words, when the message is mostly in capitals.
pub(crate) fn shouting(text: &str) -> Option<String> {
    let mut longer = 0;
    let mut caps = Vec::new();
    for word in text.split(|c: char| !c.is_alphabetic()) {
        if word.chars().count() < CAPS_MIN_LETTERS {
            continue;
        }
        longer += 1;
        if word.chars().all(char::is_uppercase) {
            caps.push(word);
        }
    }
    let shouting = caps.len() >= CAPS_MIN_WORDS && caps.len() * 10 >= longer * CAPS_MIN_TENTHS;
    shouting.then(|| {
        caps.iter()
            .take(EVIDENCE_WORDS)
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// The first run of three or more `!`/`?`, spaces between them allowed.
pub(crate) fn insistent_punctuation(text: &str) -> Option<String> {
    let mut run = String::new();
    for c in text.chars() {
        match c {
            '!' | '?' | '！' | '？' => run.push(c),
            c if c.is_whitespace() && !run.is_empty() => {}
            _ if run.chars().count() >= PUNCTUATION_RUN => return Some(run),
            _ => run.clear(),
        }
    }
    (run.chars().count() >= PUNCTUATION_RUN).then_some(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitals_count_when_most_longer_words_are_shouted() {
        assert!(shouting("MON BUREAU EST ARRIVÉ CASSÉ, RÉPONDEZ").is_some());
        assert!(shouting("JE VEUX MON COLIS MAINTENANT").is_some());
        assert!(shouting("Le SAV m'a donné un code RST puis E01 pour la TVA").is_none());
        assert!(shouting("Mon bureau ALTO affiche RST").is_none());
        assert!(shouting("RGPD VESA").is_none());
    }

    #[test]
    fn three_marks_in_a_row_are_insistence() {
        assert_eq!(
            insistent_punctuation("pourquoi ???").as_deref(),
            Some("???")
        );
        assert_eq!(
            insistent_punctuation("quoi ?! ? et").as_deref(),
            Some("?!?")
        );
        assert_eq!(insistent_punctuation("rien reçu !!"), None);
        assert_eq!(insistent_punctuation("a ! b ? c !"), None);
    }
}
