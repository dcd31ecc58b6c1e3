//! Structure-aware chunking: a document's text cut into passages small enough to embed and to
//! show as a search result, each knowing its headings and exact position so a hit links to the
//! right place.
//!
//! Rules, in order: a chunk stays inside one section (the text under one heading) unless what
//! it holds so far is tiny (a lone title before its first sub-heading); paragraphs and list
//! items are kept whole when they fit; a longer block is cut at sentence ends (at spaces for a
//! run-on sentence); a chunk that continues the previous chunk's section starts with an
//! overlap of the previous chunk's last sentence(s), so a passage cut in two is still found
//! whole in one of them.

use crate::document::{BlockKind, Document};
use crate::language::{detect_language, french_or_english};

/// How big chunks are, in characters (not bytes: the same for French and English).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkOptions {
    /// Longest chunk (default 3 000). Measured with `levier bench retrieval` (nDCG@10 on
    /// SciFact train / Service-Public dev): 1 200 → 0.679 / 0.926, 2 000 → 0.692 / 0.930,
    /// 2 500 → 0.698 / 0.938, 3 000 → 0.697 / 0.944. Cutting a short text (an abstract, an
    /// FAQ answer, a section) in two splits its evidence between passages that each rank lower;
    /// snippets stay short whatever the passage length, and an embedding model with a
    /// shorter window reads a long passage in several windows.
    pub max_chars: usize,
    /// Characters of the previous chunk repeated at the start of the next one in the same
    /// section (default 150), snapped to a sentence or word start.
    pub overlap_chars: usize,
    /// A chunk shorter than this may take in the start of the next section (default 200).
    pub min_chars: usize,
}

impl Default for ChunkOptions {
    fn default() -> Self {
        Self {
            max_chars: 3_000,
            overlap_chars: 150,
            min_chars: 200,
        }
    }
}

/// A passage of a document, ready to be indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Position in the document's chunk list, from 0.
    pub ordinal: usize,
    /// Headings above the passage, outermost first.
    pub heading_path: Vec<String>,
    /// The passage: exactly `document.text()` between `start` and `end`.
    pub text: String,
    /// Start, in characters, in [`Document::text`].
    pub start: usize,
    /// End (exclusive), in characters, in [`Document::text`].
    pub end: usize,
    /// Detected language of the passage; the document's when the passage is too short or too
    /// bare (figures, names) to tell.
    pub language: Option<String>,
}

/// Cuts a document into chunks (see the module documentation for the rules).
pub fn chunk(document: &Document, options: &ChunkOptions) -> Vec<Chunk> {
    let text = document.text();
    let options = ChunkOptions {
        max_chars: options.max_chars.max(1),
        ..options.clone()
    };
    let (units, sections) = units(document, &text, options.max_chars);
    let spans = pack(&text, &units, &options);
    let mut offsets = CharOffsets::new(&text);
    spans
        .into_iter()
        .enumerate()
        .map(|(ordinal, span)| {
            let passage = &text[span.start..span.end];
            Chunk {
                ordinal,
                heading_path: sections[span.section].clone(),
                text: passage.to_owned(),
                start: offsets.char_at(span.start),
                end: offsets.char_at(span.end),
                language: chunk_language(passage, document.language.as_deref()),
            }
        })
        .collect()
}

/// The passage's language. In a French or English document, a passage whose function words do
/// not say French or English keeps the document's language when it is not prose (a table,
/// figures, a list of names: a trigram model guesses at random there, at 50 times the cost);
/// prose in another language (a German paragraph) still goes to whatlang.
fn chunk_language(passage: &str, document: Option<&str>) -> Option<String> {
    if let Some(code) = french_or_english(passage) {
        return Some(code.to_owned());
    }
    match document {
        Some(code @ ("fr" | "en")) if !is_prose(passage) => Some(code.to_owned()),
        other => detect_language(passage).or_else(|| other.map(str::to_owned)),
    }
}

/// Running text: at least 20 words, most of them lowercase words of three letters or more
/// (tables and specifications are mostly figures, codes and capitalised names).
fn is_prose(passage: &str) -> bool {
    let (mut tokens, mut words) = (0usize, 0usize);
    for token in passage.split_whitespace() {
        tokens += 1;
        let word = token.trim_matches(|c: char| !c.is_alphabetic());
        if word.chars().count() >= 3 && word.chars().all(char::is_lowercase) {
            words += 1;
        }
    }
    words >= 20 && words * 10 >= tokens * 6
}

/// An indivisible piece of text: a whole block, or a sentence (or word run) of a long one.
#[derive(Debug, Clone, Copy)]
struct Unit {
    start: usize,
    end: usize,
    chars: usize,
    section: usize,
}

/// A chunk as byte offsets, with the section it is filed under.
#[derive(Debug)]
struct Span {
    start: usize,
    end: usize,
    section: usize,
}

/// Units in reading order, and the heading path of each section. A heading opens a section:
/// it belongs with the text under it.
fn units(document: &Document, text: &str, max_chars: usize) -> (Vec<Unit>, Vec<Vec<String>>) {
    let mut units = Vec::new();
    let mut sections: Vec<Vec<String>> = Vec::new();
    let mut offset = 0;
    for block in &document.blocks {
        let path = match block.kind {
            BlockKind::Heading(_) => {
                [block.heading_path.clone(), vec![block.text.clone()]].concat()
            }
            _ => block.heading_path.clone(),
        };
        if sections.last() != Some(&path) {
            sections.push(path);
        }
        let section = sections.len() - 1;
        let end = offset + block.text.len();
        for (start, end) in pieces(text, offset, end, max_chars) {
            let chars = text[start..end].chars().count();
            units.push(Unit {
                start,
                end,
                chars,
                section,
            });
        }
        offset = end + crate::document::BLOCK_SEPARATOR.len();
    }
    (units, sections)
}

/// The block as one piece if it fits, else its sentences, else runs of words, else hard cuts.
fn pieces(text: &str, start: usize, end: usize, max_chars: usize) -> Vec<(usize, usize)> {
    let block = &text[start..end];
    if block.chars().count() <= max_chars {
        return vec![(start, end)];
    }
    let mut out = Vec::new();
    for (s, e) in sentences(block) {
        let sentence = &block[s..e];
        if sentence.chars().count() <= max_chars {
            out.push((start + s, start + e));
        } else {
            out.extend(
                word_runs(sentence, max_chars)
                    .into_iter()
                    .map(|(a, b)| (start + s + a, start + s + b)),
            );
        }
    }
    out
}

/// Byte ranges of the sentences of `text`, trailing spaces excluded. A line break also ends a
/// sentence (lists and addresses in running text).
fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (pos, c) in text.char_indices() {
        let end = pos + c.len_utf8();
        if c == '\n' || (matches!(c, '.' | '!' | '?' | '…') && ends_sentence(text, start, pos, end))
        {
            push_trimmed(text, start, end, &mut out);
            start = end;
        }
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

/// Punctuation at `pos` ends a sentence when a space and a sentence opener follow and, for a
/// period, the word before it is no abbreviation.
fn ends_sentence(text: &str, start: usize, pos: usize, end: usize) -> bool {
    let mut after = text[end..].chars();
    let spaced = after.next().is_some_and(char::is_whitespace);
    let opens = after.next().is_some_and(starts_sentence);
    spaced && opens && !(text[pos..].starts_with('.') && is_abbreviation(&text[start..pos]))
}

fn starts_sentence(c: char) -> bool {
    c.is_uppercase()
        || c.is_ascii_digit()
        || matches!(c, '«' | '"' | '“' | '(' | '[' | '-' | '–' | '—' | '•')
}

/// The word before a period is a common abbreviation (`M.`, `cf.`, `p.`…), not a sentence end.
fn is_abbreviation(before: &str) -> bool {
    const ABBREVIATIONS: &[&str] = &[
        "m", "mm", "mme", "mmes", "mlle", "dr", "pr", "me", "st", "ste", "cf", "ex", "p", "pp",
        "art", "al", "etc", "env", "av", "bd", "fig", "vol", "no", "n°", "nº", "approx", "min",
        "max", "mr", "mrs", "ms", "vs", "e.g", "i.e", "inc", "ltd", "tél", "tel",
    ];
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("")
        .to_lowercase();
    let single_letter = word.chars().count() == 1 && word.chars().all(char::is_alphabetic);
    single_letter || ABBREVIATIONS.contains(&word.as_str())
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if !trimmed.is_empty() {
        out.push((start + lead, start + lead + trimmed.len()));
    }
}

/// Runs of whole words up to `max_chars`; a single longer word is cut at character boundaries.
fn word_runs(text: &str, max_chars: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut run: Option<(usize, usize, usize)> = None;
    for (start, word) in words(text) {
        let end = start + word.len();
        let chars = word.chars().count();
        if chars > max_chars {
            if let Some((s, e, _)) = run.take() {
                out.push((s, e));
            }
            out.extend(hard_cuts(text, start, end, max_chars));
            continue;
        }
        run = match run {
            Some((s, e, n)) => {
                let total = n + text[e..start].chars().count() + chars;
                if total <= max_chars {
                    Some((s, end, total))
                } else {
                    out.push((s, e));
                    Some((start, end, chars))
                }
            }
            None => Some((start, end, chars)),
        };
    }
    if let Some((s, e, _)) = run {
        out.push((s, e));
    }
    out
}

fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_whitespace()
        .map(move |w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
}

fn hard_cuts(text: &str, start: usize, end: usize, max_chars: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = start;
    let mut count = 0;
    for (pos, _) in text[start..end].char_indices() {
        if count == max_chars {
            out.push((from, start + pos));
            from = start + pos;
            count = 0;
        }
        count += 1;
    }
    out.push((from, end));
    out
}

/// Greedy packing of units into spans (see module documentation).
fn pack(text: &str, units: &[Unit], options: &ChunkOptions) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut current: Option<Packing> = None;
    for (i, unit) in units.iter().enumerate() {
        if let Some(open) = current.as_mut()
            && open.accepts(text, unit, options)
        {
            open.add(text, unit);
            continue;
        }
        if let Some(open) = current.take() {
            let overlap_from = open.overlap_start(text, units, i, options);
            spans.push(open.span());
            current = Some(Packing::start(text, unit, overlap_from, options));
        } else {
            current = Some(Packing::start(text, unit, None, options));
        }
    }
    spans.extend(current.map(|p| p.span()));
    spans
}

/// The chunk being filled.
struct Packing {
    start: usize,
    end: usize,
    chars: usize,
    last_section: usize,
    /// Where this chunk's own text of its last section begins (overlap comes from there on).
    last_section_start: usize,
    /// Characters contributed per section, to file the chunk under the main one.
    per_section: Vec<(usize, usize)>,
}

impl Packing {
    fn start(text: &str, unit: &Unit, overlap_from: Option<usize>, options: &ChunkOptions) -> Self {
        let start = overlap_from
            .filter(|from| text[*from..unit.end].chars().count() <= options.max_chars)
            .unwrap_or(unit.start);
        let chars = text[start..unit.end].chars().count();
        Self {
            start,
            end: unit.end,
            chars,
            last_section: unit.section,
            last_section_start: unit.start,
            per_section: vec![(unit.section, chars)],
        }
    }

    fn accepts(&self, text: &str, unit: &Unit, options: &ChunkOptions) -> bool {
        let gap = text[self.end..unit.start].chars().count();
        let fits = self.chars + gap + unit.chars <= options.max_chars;
        fits && (unit.section == self.last_section || self.chars < options.min_chars)
    }

    fn add(&mut self, text: &str, unit: &Unit) {
        let added = text[self.end..unit.start].chars().count() + unit.chars;
        self.chars += added;
        self.end = unit.end;
        if unit.section != self.last_section {
            self.last_section_start = unit.start;
        }
        self.last_section = unit.section;
        match self.per_section.last_mut() {
            Some((section, n)) if *section == unit.section => *n += added,
            _ => self.per_section.push((unit.section, added)),
        }
    }

    /// Where the next chunk starts when it continues this chunk's section: the first sentence
    /// (else word) start within the last `overlap_chars` of this chunk.
    fn overlap_start(
        &self,
        text: &str,
        units: &[Unit],
        next: usize,
        options: &ChunkOptions,
    ) -> Option<usize> {
        let next_unit = units.get(next)?;
        if options.overlap_chars == 0 || next_unit.section != self.last_section {
            return None;
        }
        let floor = self.last_section_start;
        let window_start = nth_char_from_end(&text[..self.end], options.overlap_chars).max(floor);
        let window = text.get(window_start..self.end)?;
        let word_start_at = |i: usize| {
            let at = window_start + i;
            at == self.last_section_start || text[..at].ends_with(char::is_whitespace)
        };
        let sentence = window
            .char_indices()
            .find(|(i, c)| *i > 0 && is_sentence_start(window, *i, *c))
            .map(|(i, _)| i);
        let word = window
            .char_indices()
            .find(|(i, c)| !c.is_whitespace() && word_start_at(*i))
            .map(|(i, _)| i);
        Some(window_start + sentence.or(word)?)
    }

    fn span(&self) -> Span {
        let section = self
            .per_section
            .iter()
            .rev()
            .max_by_key(|(_, n)| *n)
            .map_or(self.last_section, |(s, _)| *s);
        Span {
            start: self.start,
            end: self.end,
            section,
        }
    }
}

fn is_sentence_start(window: &str, i: usize, c: char) -> bool {
    let before = window[..i].trim_end();
    c.is_uppercase()
        && before.len() < window[..i].len()
        && before.ends_with(['.', '!', '?', '…', ':'])
}

/// Byte offset of the `n`-th character counted back from the end of `text` (0 if shorter).
fn nth_char_from_end(text: &str, n: usize) -> usize {
    text.char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

/// Converts byte offsets to character offsets, cheaply for nearly increasing offsets.
struct CharOffsets<'t> {
    text: &'t str,
    byte: usize,
    chars: usize,
}

impl<'t> CharOffsets<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text,
            byte: 0,
            chars: 0,
        }
    }

    fn char_at(&mut self, byte: usize) -> usize {
        if byte >= self.byte {
            self.chars += self.text[self.byte..byte].chars().count();
            self.byte = byte;
            self.chars
        } else {
            self.chars - self.text[byte..self.byte].chars().count()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_respect_abbreviations() {
        let text = "Voir M. Dupont. Il répond sous 48 h ! Puis p. 3 du guide. Fin";
        let got: Vec<&str> = sentences(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(
            got,
            [
                "Voir M. Dupont.",
                "Il répond sous 48 h !",
                "Puis p. 3 du guide.",
                "Fin"
            ]
        );
    }

    #[test]
    fn word_runs_and_hard_cuts() {
        let text = "aaa bbb ccc dddddddddd";
        let got: Vec<&str> = word_runs(text, 7)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(got, ["aaa bbb", "ccc", "ddddddd", "ddd"]);
    }

    #[test]
    fn char_offsets_go_both_ways() {
        let text = "éàç abc";
        let mut offsets = CharOffsets::new(text);
        assert_eq!(offsets.char_at(6), 3);
        assert_eq!(offsets.char_at(2), 1);
        assert_eq!(offsets.char_at(text.len()), 7);
    }
}
