//! Highlighting the words of a query in a document shown by the viewer.
//!
//! The index already highlights snippets; the viewer shows whole passages, so it marks every
//! word that begins like a query word, ignoring case and accents ("livraison" marks "Livraisons"
//! and "livrées" is not marked by "livrer" only when they differ in the first five letters).

/// Words too common to be worth marking.
const COMMON: &[&str] = &[
    "les", "des", "une", "est", "pour", "que", "qui", "dans", "sur", "avec", "par", "pas", "the",
    "and", "for", "with", "are", "you", "what", "how", "comment", "quel", "quelle", "quels",
];

/// Lowercases and removes the accents of Latin letters, keeping one char per char.
fn fold(c: char) -> char {
    let lower = c.to_lowercase().next().unwrap_or(c);
    match lower {
        'à' | 'â' | 'ä' | 'á' | 'ã' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' | 'í' | 'ì' => 'i',
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
        'ù' | 'û' | 'ü' | 'ú' => 'u',
        'ç' => 'c',
        'ÿ' => 'y',
        'ñ' => 'n',
        other => other,
    }
}

fn folded(word: &str) -> String {
    word.chars().map(fold).collect()
}

/// The folded beginnings of the query's words that a document word must start with.
fn stems(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .map(folded)
        .filter(|w| w.chars().count() >= 3 && !COMMON.contains(&w.as_str()))
        .map(|w| w.chars().take(5).collect())
        .collect()
}

/// `text` escaped for HTML, with the words matching `query` wrapped in `<mark>`.
pub fn highlight(text: &str, query: &str) -> String {
    let stems = stems(query);
    let mut out = String::with_capacity(text.len() + 16);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let f = folded(word);
        let hit = stems.iter().any(|s| f.starts_with(s.as_str()));
        if hit {
            out.push_str("<mark>");
        }
        out.push_str(&escape(word));
        if hit {
            out.push_str("</mark>");
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push_str(&escape(c.encode_utf8(&mut [0u8; 4])));
        }
    }
    flush(&mut word, &mut out);
    out
}

pub use levier_core::html::escape;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_words_regardless_of_case_and_accents() {
        let html = highlight("Délai de LIVRAISON : 48 h <script>", "délais livraison");
        assert_eq!(
            html,
            "<mark>Délai</mark> de <mark>LIVRAISON</mark> : 48 h &lt;script&gt;"
        );
        assert_eq!(highlight("les retours", "les"), "les retours");
    }
}
