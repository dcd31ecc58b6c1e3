//! Language detection, so search can pick French or English analysis per document and per
//! chunk (a French company's files are often partly in English).
//!
//! whatlang (trigram models, ~70 languages) costs over 100 µs per call whatever the text
//! length, which caps chunking at a few MB/s. French and English — nearly all of what a French
//! SME writes — are first recognised by their function words (`les`, `des`, `est`… / `the`,
//! `and`, `of`…), which takes a few microseconds; only text where neither clearly dominates
//! goes to whatlang.

/// Fewest letters worth guessing on: below this a trigram model is a coin toss.
const MIN_LETTERS: usize = 20;
/// Fewest words worth guessing on.
const MIN_WORDS: usize = 4;
/// Least whatlang confidence accepted; under it the text is mixed or too unusual to tell.
const MIN_CONFIDENCE: f64 = 0.3;
/// Text beyond this many bytes adds cost, not accuracy.
const SAMPLE_BYTES: usize = 4_000;

/// Detects the language of `text` as an ISO 639-1 code (`"fr"`, `"en"`…; ISO 639-3 for the
/// few languages without one). `None` when the text is too short or too ambiguous to tell.
pub fn detect_language(text: &str) -> Option<String> {
    let sample = sample(text);
    let letters = sample.chars().filter(|c| c.is_alphabetic()).count();
    let words = sample.split_whitespace().count();
    if letters < MIN_LETTERS || words < MIN_WORDS {
        return None;
    }
    if let Some(code) = french_or_english(sample) {
        return Some(code.to_owned());
    }
    let info = whatlang::detect(sample)?;
    if info.confidence() < MIN_CONFIDENCE {
        return None;
    }
    let code = info.lang().code();
    Some(iso_639_1(code).unwrap_or(code).to_owned())
}

/// Share of words that must be function words of one language for the fast path to decide;
/// low, because product sheets and tables have few of them.
const MIN_FUNCTION_WORD_SHARE: f64 = 0.06;
/// Fewest function words for the fast path to decide.
const MIN_FUNCTION_WORDS: usize = 3;

/// `fr` or `en` when the text's function words say so clearly: at least 3 and 6 % of its words
/// are French (or English) function words, and the other language has under a quarter as many.
/// The lists avoid words shared with Spanish, Italian, Portuguese, German or Dutch (`la`, `de`,
/// `il`, `ou`, `in`, `on`, elided `l'`…), so those languages fall through to whatlang.
pub(crate) fn french_or_english(text: &str) -> Option<&'static str> {
    let (mut words, mut french, mut english) = (0usize, 0usize, 0usize);
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        words += 1;
        let mut buf = [0u8; 8];
        match ascii_lowercase(word, &mut buf) {
            Some(w) if is_french_function_word(w) => french += 1,
            Some(w) if is_english_function_word(w) => english += 1,
            _ => {}
        }
    }
    let decisive = |mine: usize, other: usize| {
        mine >= MIN_FUNCTION_WORDS
            && mine as f64 >= words as f64 * MIN_FUNCTION_WORD_SHARE
            && other * 4 < mine
    };
    if decisive(french, english) {
        Some("fr")
    } else if decisive(english, french) {
        Some("en")
    } else {
        None
    }
}

/// French function words not shared with neighbouring languages (lowercase ASCII).
fn is_french_function_word(word: &[u8]) -> bool {
    matches!(
        word,
        b"les"
            | b"des"
            | b"est"
            | b"et"
            | b"une"
            | b"du"
            | b"dans"
            | b"pour"
            | b"avec"
            | b"vous"
            | b"nous"
            | b"sont"
            | b"cette"
            | b"aux"
            | b"au"
            | b"qui"
            | b"pas"
            | b"sur"
            | b"elle"
            | b"votre"
            | b"vos"
            | b"leur"
            | b"ces"
            | b"ses"
            | b"ils"
            | b"sous"
            | b"peut"
    )
}

/// English function words not shared with neighbouring languages (lowercase ASCII).
fn is_english_function_word(word: &[u8]) -> bool {
    matches!(
        word,
        b"the"
            | b"and"
            | b"of"
            | b"to"
            | b"is"
            | b"for"
            | b"with"
            | b"that"
            | b"are"
            | b"you"
            | b"your"
            | b"this"
            | b"be"
            | b"it"
            | b"by"
            | b"from"
            | b"or"
            | b"not"
            | b"our"
            | b"can"
            | b"will"
            | b"have"
            | b"has"
            | b"was"
            | b"which"
            | b"at"
            | b"if"
            | b"its"
            | b"they"
            | b"their"
    )
}

/// The word in ASCII lowercase, if it is ASCII and at most 8 bytes (function words are).
fn ascii_lowercase<'b>(word: &str, buf: &'b mut [u8; 8]) -> Option<&'b [u8]> {
    let bytes = word.as_bytes();
    if bytes.len() > buf.len() || !word.is_ascii() {
        return None;
    }
    for (dst, src) in buf.iter_mut().zip(bytes) {
        *dst = src.to_ascii_lowercase();
    }
    Some(&buf[..bytes.len()])
}

/// The first [`SAMPLE_BYTES`] of the text, cut on a character boundary.
fn sample(text: &str) -> &str {
    if text.len() <= SAMPLE_BYTES {
        return text;
    }
    let mut end = SAMPLE_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// ISO 639-3 (what whatlang speaks) to ISO 639-1 (what the rest of levier and the web speak).
fn iso_639_1(code: &str) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("afr", "af"),
        ("aka", "ak"),
        ("amh", "am"),
        ("ara", "ar"),
        ("aze", "az"),
        ("bel", "be"),
        ("ben", "bn"),
        ("bul", "bg"),
        ("cat", "ca"),
        ("ces", "cs"),
        ("cmn", "zh"),
        ("cym", "cy"),
        ("dan", "da"),
        ("deu", "de"),
        ("ell", "el"),
        ("eng", "en"),
        ("epo", "eo"),
        ("est", "et"),
        ("fin", "fi"),
        ("fra", "fr"),
        ("guj", "gu"),
        ("heb", "he"),
        ("hin", "hi"),
        ("hrv", "hr"),
        ("hun", "hu"),
        ("hye", "hy"),
        ("ind", "id"),
        ("ita", "it"),
        ("jav", "jv"),
        ("jpn", "ja"),
        ("kan", "kn"),
        ("kat", "ka"),
        ("khm", "km"),
        ("kor", "ko"),
        ("lat", "la"),
        ("lav", "lv"),
        ("lit", "lt"),
        ("mal", "ml"),
        ("mar", "mr"),
        ("mkd", "mk"),
        ("mya", "my"),
        ("nep", "ne"),
        ("nld", "nl"),
        ("nob", "nb"),
        ("ori", "or"),
        ("pan", "pa"),
        ("pes", "fa"),
        ("pol", "pl"),
        ("por", "pt"),
        ("ron", "ro"),
        ("rus", "ru"),
        ("sin", "si"),
        ("slk", "sk"),
        ("slv", "sl"),
        ("sna", "sn"),
        ("spa", "es"),
        ("srp", "sr"),
        ("swe", "sv"),
        ("tam", "ta"),
        ("tel", "te"),
        ("tgl", "tl"),
        ("tha", "th"),
        ("tuk", "tk"),
        ("tur", "tr"),
        ("ukr", "uk"),
        ("urd", "ur"),
        ("uzb", "uz"),
        ("vie", "vi"),
        ("yid", "yi"),
        ("zul", "zu"),
    ];
    TABLE
        .iter()
        .find(|(three, _)| *three == code)
        .map(|(_, two)| *two)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_not_guessed() {
        assert_eq!(detect_language("Bonjour"), None);
        assert_eq!(detect_language("ALT-120 | 619 €"), None);
    }

    #[test]
    fn neighbouring_languages_are_left_to_whatlang() {
        let spanish = "Los pedidos realizados antes de la una salen de nuestro almacén el mismo día \
                       y la entrega a domicilio tarda entre dos y tres días laborables.";
        let german = "Bestellungen, die vor 13 Uhr eingehen, verlassen unser Lager am selben Tag \
                      und die Lieferung nach Hause dauert zwei bis drei Werktage.";
        assert_eq!(french_or_english(spanish), None);
        assert_eq!(french_or_english(german), None);
        let italian = "Gli ordini effettuati prima delle 13 lasciano il nostro magazzino lo stesso \
                       giorno e la consegna a domicilio richiede due o tre giorni lavorativi.";
        assert_eq!(french_or_english(italian), None);
        assert_eq!(detect_language(spanish).as_deref(), Some("es"));
        assert_eq!(detect_language(german).as_deref(), Some("de"));
    }

    #[test]
    fn function_words_decide_french_and_english() {
        let french = "Les commandes passées avant 13 h partent de l'entrepôt le jour même et \
                      sont livrées sous trois jours.";
        let english = "Orders placed before 1 pm leave the warehouse the same day and are \
                       delivered within three days.";
        assert_eq!(french_or_english(french), Some("fr"));
        assert_eq!(french_or_english(english), Some("en"));
    }

    #[test]
    fn every_whatlang_language_has_a_code() {
        for lang in whatlang::Lang::all() {
            let code = lang.code();
            assert!(iso_639_1(code).is_some(), "{code} has no ISO 639-1 mapping");
        }
    }
}
