//! Plain text: paragraphs are separated by blank lines; structure is recovered from the
//! conventions people use when they have no styles: underlined titles (`===`, `---`), short
//! all-capital or numbered lines (`1. OBJET`, `3.1 Délais`) and list markers (`-`, `•`, `a)`).

use crate::builder::DocumentBuilder;
use crate::document::{BlockKind, Document, MediaType, Metadata};
use crate::encoding::decode_text;
use crate::error::PartError;
use crate::limits::Limits;

/// Longest line taken for a heading; longer lines are sentences.
const MAX_HEADING_CHARS: usize = 100;

/// Reads a plain-text file in any common encoding.
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Document, PartError> {
    let text = decode_text(bytes, None)?;
    let mut builder = DocumentBuilder::new(limits.max_text_bytes);
    read_text_into(&text, &mut builder, Headings::Guess)?;
    let title = builder.first_heading();
    Ok(builder.finish(MediaType::PlainText, title, Metadata::default())?)
}

/// Whether short capitalised or underlined lines are taken for headings: yes in documents,
/// no in e-mail, where a line in capitals is usually someone shouting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Headings {
    Guess,
    Never,
}

/// Adds the blocks of a plain text to `builder`; shared with e-mail bodies.
pub(crate) fn read_text_into(
    text: &str,
    builder: &mut DocumentBuilder,
    headings: Headings,
) -> Result<(), PartError> {
    let mut reader = LineReader {
        builder,
        headings,
        paragraph: String::new(),
        kind: BlockKind::Paragraph,
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        i += reader.line(lines[i], lines.get(i + 1).copied())?;
    }
    reader.flush()
}

struct LineReader<'a> {
    builder: &'a mut DocumentBuilder,
    headings: Headings,
    paragraph: String,
    kind: BlockKind,
}

impl LineReader<'_> {
    /// Handles one line (and its underline, if any); returns how many lines it consumed.
    fn line(&mut self, line: &str, next: Option<&str>) -> Result<usize, PartError> {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            self.flush()?;
            return Ok(1);
        }
        if self.headings == Headings::Never {
            self.text_line(line, trimmed)?;
            return Ok(1);
        }
        if let Some(level) = next.and_then(|n| underline_level(trimmed, n)) {
            self.flush()?;
            self.builder.heading(level, trimmed)?;
            return Ok(2);
        }
        if self.paragraph.is_empty()
            && let Some(level) = heading_level(trimmed)
        {
            self.builder.heading(level, trimmed)?;
            return Ok(1);
        }
        self.text_line(line, trimmed)?;
        Ok(1)
    }

    fn text_line(&mut self, line: &str, trimmed: &str) -> Result<(), PartError> {
        let kind = line_kind(trimmed);
        let indented = line.starts_with([' ', '\t']);
        let continues = match kind {
            // A marker always starts a new item.
            BlockKind::ListItem => false,
            BlockKind::Paragraph => {
                self.kind == BlockKind::Paragraph || (self.kind == BlockKind::ListItem && indented)
            }
            other => self.kind == other,
        };
        if !continues {
            self.flush()?;
            self.kind = kind;
        }
        let content = match kind {
            BlockKind::ListItem => strip_list_marker(trimmed),
            BlockKind::Quote => trimmed.trim_start_matches('>').trim_start(),
            _ => trimmed,
        };
        self.paragraph.push_str(content);
        self.paragraph.push('\n');
        Ok(())
    }

    fn flush(&mut self) -> Result<(), PartError> {
        self.builder.block(self.kind, &self.paragraph)?;
        self.paragraph.clear();
        self.kind = BlockKind::Paragraph;
        Ok(())
    }
}

/// `Title` over `=====` is level 1, over `-----` level 2 (setext style).
fn underline_level(title: &str, next: &str) -> Option<u8> {
    let next = next.trim();
    let long_enough =
        next.chars().count() >= 3 && next.chars().count() * 2 >= title.chars().count();
    if !long_enough || title.chars().count() > MAX_HEADING_CHARS {
        return None;
    }
    if next.chars().all(|c| c == '=') {
        Some(1)
    } else if next.chars().all(|c| c == '-') {
        Some(2)
    } else {
        None
    }
}

/// A short line in capitals, optionally numbered (`2. DÉLAIS`, `3.1 ÉTAPES`), is a heading:
/// numbered ones one level per number, unnumbered ones at the top.
fn heading_level(line: &str) -> Option<u8> {
    if line.chars().count() > MAX_HEADING_CHARS || line.ends_with(['.', ',', ';']) {
        return None;
    }
    let (depth, rest) = section_number(line);
    let letters: Vec<char> = rest.chars().filter(|c| c.is_alphabetic()).collect();
    let visible = rest.chars().filter(|c| !c.is_whitespace()).count();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    let wordy = letters.len() >= 3 && letters.len() * 3 >= visible * 2;
    let capitals = wordy && upper * 10 >= letters.len() * 9;
    if !capitals {
        return None;
    }
    Some(u8::try_from(depth + 1).unwrap_or(6).min(6))
}

/// `3.1 Titre` → (2, "Titre"); `2. TITRE` → (1, "TITRE"); no number → (0, line).
fn section_number(line: &str) -> (usize, &str) {
    let end = line
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(line.len());
    let number = &line[..end];
    let rest = &line[end..];
    let starts_with_digit = number.starts_with(|c: char| c.is_ascii_digit());
    if !starts_with_digit || !rest.starts_with([' ', ')']) {
        return (0, line);
    }
    let depth = number.split('.').filter(|p| !p.is_empty()).count();
    (depth, rest.trim_start_matches([' ', ')']))
}

fn line_kind(trimmed: &str) -> BlockKind {
    if trimmed.starts_with('>') {
        BlockKind::Quote
    } else if strip_list_marker(trimmed).len() != trimmed.len() {
        BlockKind::ListItem
    } else {
        BlockKind::Paragraph
    }
}

/// Removes a bullet (`-`, `*`, `•`, `–`, `▪`) or an enumerator (`1.`, `2)`, `a)`) and the
/// space after it; returns the line unchanged when it has none.
fn strip_list_marker(line: &str) -> &str {
    for bullet in ["- ", "* ", "• ", "– ", "▪ ", "◦ ", "· "] {
        if let Some(rest) = line.strip_prefix(bullet) {
            return rest.trim_start();
        }
    }
    let marker_len = line.find([')', '.']).unwrap_or(0);
    let marker = &line[..marker_len];
    let is_enumerator = (1..=3).contains(&marker.len())
        && (marker.chars().all(|c| c.is_ascii_digit())
            || (marker.len() == 1 && marker.chars().all(|c| c.is_ascii_lowercase())));
    let rest = &line[marker_len.min(line.len())..];
    if is_enumerator && rest.len() > 1 && rest[1..].starts_with(' ') {
        return rest[1..].trim_start();
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str) -> Vec<(BlockKind, String)> {
        read(text.as_bytes(), &Limits::default())
            .unwrap()
            .blocks
            .into_iter()
            .map(|b| (b.kind, b.text))
            .collect()
    }

    #[test]
    fn conventions_become_structure() {
        let got = blocks(
            "ENTRETIEN DU MOBILIER\n=====================\n\nIntro qui\ncontinue.\n\n\
             1. PLATEAUX\n-----------\n\n  - Chiffon doux ;\n    suite.\n  - Savon.\n\n\
             2. DÉLAIS\n\n> cité\n",
        );
        let expected = [
            (BlockKind::Heading(1), "ENTRETIEN DU MOBILIER"),
            (BlockKind::Paragraph, "Intro qui continue."),
            (BlockKind::Heading(2), "1. PLATEAUX"),
            (BlockKind::ListItem, "Chiffon doux ; suite."),
            (BlockKind::ListItem, "Savon."),
            (BlockKind::Heading(2), "2. DÉLAIS"),
            (BlockKind::Quote, "cité"),
        ];
        let got: Vec<(BlockKind, &str)> = got.iter().map(|(k, t)| (*k, t.as_str())).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn sentences_are_not_headings() {
        assert_eq!(
            heading_level("3.1 Accuser réception et reformuler. Le client doit"),
            None
        );
        assert_eq!(heading_level("3.1 ÉTAPES DE TRAITEMENT"), Some(3));
        assert_eq!(heading_level("TVA : FR58 881 402 317"), None);
    }

    #[test]
    fn list_markers() {
        assert_eq!(strip_list_marker("a) les achats"), "les achats");
        assert_eq!(strip_list_marker("12. point"), "point");
        assert_eq!(strip_list_marker("1,50 m"), "1,50 m");
        assert_eq!(strip_list_marker("M. Dupont"), "M. Dupont");
    }
}
