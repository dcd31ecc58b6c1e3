//! Cutting a passage into sentences and short spans of them: the units an extractive answer
//! is chosen among.

/// Longest span offered as an answer, in bytes: a sentence or two, not a page.
pub const MAX_SPAN: usize = 420;
/// Sentences of a passage considered (a passage is at most a few thousand characters).
const MAX_SENTENCES: usize = 40;
/// Fewest words of a span that can answer: shorter lines are headings, labels or list
/// fragments, which sound close to many questions yet answer none.
const MIN_WORDS: usize = 6;

/// Byte ranges of the sentences of `text`: cut after `.`, `!`, `?`, `…` followed by a space,
/// and at line breaks (list items, table rows, paragraphs); blank pieces are dropped.
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next_is_space = chars.peek().is_none_or(|(_, n)| n.is_whitespace());
        let ends = c == '\n' || (matches!(c, '.' | '!' | '?' | '…') && next_is_space);
        if ends {
            push_trimmed(text, start, i + c.len_utf8(), &mut out);
            start = i + c.len_utf8();
        }
        if out.len() >= MAX_SENTENCES {
            return out;
        }
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    if piece.trim().chars().filter(|c| c.is_alphanumeric()).count() >= 3 {
        out.push((start + lead, end - trail));
    }
}

/// Candidate answers: each sentence, and each pair of neighbouring sentences that fits in
/// [`MAX_SPAN`] (an answer often needs the sentence after the one naming the topic); spans of
/// fewer than [`MIN_WORDS`] words are left out, and so are the lines that repeat one of
/// `headings` (a passage's title or section name restates the question, it does not answer it).
pub fn spans(text: &str, headings: &[&str]) -> Vec<(usize, usize)> {
    let is_heading = |&(a, b): &(usize, usize)| {
        let line = text[a..b].trim_start_matches('#').trim();
        headings
            .iter()
            .any(|h| !h.trim().is_empty() && line.eq_ignore_ascii_case(h.trim()))
    };
    let s: Vec<(usize, usize)> = sentences(text)
        .into_iter()
        .filter(|s| !is_heading(s))
        .collect();
    let mut out: Vec<(usize, usize)> = s
        .iter()
        .map(|&(a, b)| (a, b.min(floor(text, a + MAX_SPAN))))
        .collect();
    out.extend(
        s.windows(2)
            .filter(|w| w[1].1 - w[0].0 <= MAX_SPAN)
            .map(|w| (w[0].0, w[1].1)),
    );
    out.retain(|&(a, b)| text[a..b].split_whitespace().count() >= MIN_WORDS);
    out
}

/// The largest char boundary of `text` at or below `at`.
fn floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_not_answers() {
        let text = "# Comment obtenir un duplicata de ma carte ?\nVous pouvez le demander en ligne depuis votre espace personnel.";
        let found: Vec<&str> = spans(text, &["Comment obtenir un duplicata de ma carte ?"])
            .iter()
            .map(|&(a, b)| &text[a..b])
            .collect();
        assert_eq!(
            found,
            ["Vous pouvez le demander en ligne depuis votre espace personnel."]
        );
    }

    #[test]
    fn cuts_on_sentence_ends_and_lines_not_on_decimals() {
        let text = "Le remboursement prend 3,5 jours. Le colis est suivi !\n- point un\nVoir p. 2";
        let got: Vec<&str> = sentences(text).iter().map(|&(a, b)| &text[a..b]).collect();
        assert_eq!(
            got,
            [
                "Le remboursement prend 3,5 jours.",
                "Le colis est suivi !",
                "- point un",
                "Voir p.",
                "2"
            ]
            .into_iter()
            .filter(|s| s.chars().filter(|c| c.is_alphanumeric()).count() >= 3)
            .collect::<Vec<_>>()
        );
    }

    #[test]
    fn spans_pair_neighbours_within_the_limit() {
        let text = "La première phrase est bien ici. La deuxième phrase est bien là.\nTITRE COURT";
        let spans: Vec<&str> = spans(text, &[]).iter().map(|&(a, b)| &text[a..b]).collect();
        assert!(
            spans.contains(&"La première phrase est bien ici. La deuxième phrase est bien là.")
        );
        assert!(spans.contains(&"La deuxième phrase est bien là."));
        assert!(!spans.contains(&"TITRE COURT"), "{spans:?}");
    }
}
