//! Recovers structure from the glyphs of a PDF page. A PDF has no paragraphs or headings, only
//! characters at positions in fonts of some size; this module rebuilds lines from positions,
//! then tells headings (text larger than the body), list items (a bullet first), table rows
//! (wide gaps between runs) and paragraphs (lines close together) apart, and drops running
//! headers and footers repeated on every page.

use std::collections::{HashMap, HashSet};

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

use crate::builder::DocumentBuilder;
use crate::document::BlockKind;
use crate::error::PartError;

/// A gap wider than this many font sizes separates table cells.
const CELL_GAP: f64 = 1.5;
/// A gap wider than this many font sizes is a space the PDF did not draw.
const WORD_GAP: f64 = 0.12;
/// Text this much larger than the body is a heading.
const HEADING_RATIO: f64 = 1.12;
/// Longest line taken for a heading.
const MAX_HEADING_CHARS: usize = 150;
/// Lines closer than this many font sizes belong to the same paragraph.
const PARAGRAPH_GAP: f64 = 1.8;
/// Share of the page height, at the top and at the bottom, where running headers live.
const MARGIN: f64 = 0.1;

/// One line of text as drawn on a page.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    page: u32,
    /// Distance from the top of the page, in points.
    top: f64,
    page_height: f64,
    /// Left edge, in points.
    x: f64,
    /// Average font size of its characters, in points.
    size: f64,
    /// Its text; `\t` separates table cells.
    text: String,
}

/// Receives characters from pdf-extract and assembles lines.
#[derive(Debug)]
pub(crate) struct LayoutCollector {
    lines: Vec<Line>,
    current: Option<(Line, f64, f64)>,
    page: u32,
    page_height: f64,
    last_end: f64,
    last_top: f64,
    text_bytes: usize,
    max_text_bytes: usize,
    over_budget: bool,
}

impl LayoutCollector {
    pub(crate) fn new(max_text_bytes: usize) -> Self {
        Self {
            lines: Vec::new(),
            current: None,
            page: 0,
            page_height: 842.0,
            last_end: 0.0,
            last_top: 0.0,
            text_bytes: 0,
            max_text_bytes,
            over_budget: false,
        }
    }

    /// True when drawing stopped because the text budget ran out.
    pub(crate) fn over_budget(&self) -> bool {
        self.over_budget
    }

    pub(crate) fn max_text_bytes(&self) -> usize {
        self.max_text_bytes
    }

    /// The lines drawn, in drawing order.
    pub(crate) fn finish(mut self) -> Vec<Line> {
        self.end_line();
        self.lines
    }

    fn end_line(&mut self) {
        if let Some((mut line, size_sum, weight)) = self.current.take() {
            if weight > 0.0 {
                line.size = size_sum / weight;
            }
            if !line.text.trim().is_empty() {
                self.lines.push(line);
            }
        }
    }

    fn start_line(&mut self, x: f64, top: f64, size: f64) {
        self.end_line();
        let line = Line {
            page: self.page,
            top,
            page_height: self.page_height,
            x,
            size,
            text: String::new(),
        };
        self.current = Some((line, 0.0, 0.0));
    }
}

impl OutputDev for LayoutCollector {
    fn begin_page(
        &mut self,
        page: u32,
        media_box: &MediaBox,
        _: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.end_line();
        self.page = page;
        let height = media_box.ury - media_box.lly;
        self.page_height = if height.is_finite() && height > 0.0 {
            height
        } else {
            842.0
        };
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.end_line();
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        let scale = (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs().sqrt();
        let size = font_size.abs() * scale;
        let (x, top) = (trm.m31, self.page_height - trm.m32);
        if ![size, x, top, width].iter().all(|v| v.is_finite()) || size <= 0.0 {
            return Ok(());
        }
        let same_line = self.current.is_some() && (top - self.last_top).abs() <= size * 0.5;
        if !same_line {
            self.start_line(x, top, size);
        }
        let Some((line, size_sum, weight)) = self.current.as_mut() else {
            return Ok(());
        };
        let gap = x - self.last_end;
        let blank = text.trim().is_empty();
        if same_line && gap > size * CELL_GAP {
            line.text.push('\t');
        } else if same_line
            && gap > size * WORD_GAP
            && !blank
            && !line.text.ends_with(char::is_whitespace)
        {
            line.text.push(' ');
        }
        line.text.push_str(text);
        if !blank {
            let n = text.chars().count() as f64;
            *size_sum += size * n;
            *weight += n;
        }
        self.last_end = x + width * size;
        self.last_top = top;
        self.text_bytes += text.len();
        if self.text_bytes > self.max_text_bytes {
            self.over_budget = true;
            return Err(OutputError::FormatError(std::fmt::Error));
        }
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// Turns lines into blocks.
pub(crate) fn build_blocks(lines: &[Line], builder: &mut DocumentBuilder) -> Result<(), PartError> {
    let lines = drop_running_lines(lines);
    let levels = heading_levels(&lines);
    let mut block: Option<OpenBlock> = None;
    for line in lines {
        let kind = line_kind(line, &levels);
        if let Some(open) = block.as_mut()
            && open.continues_with(line, kind)
        {
            open.append(line);
            continue;
        }
        if let Some(open) = block.take() {
            open.emit(builder)?;
        }
        block = Some(OpenBlock::start(line, kind));
    }
    if let Some(open) = block {
        open.emit(builder)?;
    }
    Ok(())
}

/// A block being assembled from consecutive lines.
struct OpenBlock {
    kind: BlockKind,
    text: String,
    page: u32,
    last_top: f64,
    x: f64,
    size: f64,
}

impl OpenBlock {
    fn start(line: &Line, kind: BlockKind) -> Self {
        let text = match kind {
            BlockKind::ListItem => strip_bullet(&line.text).to_owned(),
            _ => line.text.clone(),
        };
        Self {
            kind,
            text,
            page: line.page,
            last_top: line.top,
            x: line.x,
            size: line.size,
        }
    }

    /// A heading continues with a wrapped line of the same level; a paragraph or list item with
    /// a close plain line (for a list item, one indented under its text).
    fn continues_with(&self, line: &Line, kind: BlockKind) -> bool {
        let gap = line.top - self.last_top;
        let close =
            line.page == self.page && gap > 0.0 && gap <= self.size.max(line.size) * PARAGRAPH_GAP;
        match (self.kind, kind) {
            (BlockKind::Heading(a), BlockKind::Heading(b)) => a == b && close,
            (BlockKind::Paragraph, BlockKind::Paragraph) => close,
            (BlockKind::ListItem, BlockKind::Paragraph) => close && line.x > self.x + 1.0,
            _ => false,
        }
    }

    fn append(&mut self, line: &Line) {
        let hyphenated = self.text.ends_with('-') && line.text.starts_with(char::is_lowercase);
        if !hyphenated {
            self.text.push(' ');
        }
        self.text.push_str(&line.text);
        self.last_top = line.top;
    }

    fn emit(self, builder: &mut DocumentBuilder) -> Result<(), PartError> {
        match self.kind {
            BlockKind::Heading(level) => builder.heading(level, &self.text)?,
            BlockKind::TableRow => {
                let cells: Vec<&str> = self.text.split('\t').collect();
                builder.table_row(&cells)?;
            }
            kind => builder.block(kind, &self.text)?,
        }
        Ok(())
    }
}

fn line_kind(line: &Line, levels: &HashMap<i64, u8>) -> BlockKind {
    let chars = line.text.chars().count();
    if chars <= MAX_HEADING_CHARS
        && let Some(level) = levels.get(&size_class(line.size))
    {
        return BlockKind::Heading(*level);
    }
    if line.text.trim().contains('\t') {
        return BlockKind::TableRow;
    }
    if strip_bullet(&line.text).len() != line.text.len() {
        return BlockKind::ListItem;
    }
    BlockKind::Paragraph
}

fn strip_bullet(text: &str) -> &str {
    let trimmed = text.trim_start();
    for bullet in ['•', '●', '▪', '◦', '·', '–', '-', '*', '■', '□', '➢', '✓'] {
        if let Some(rest) = trimmed.strip_prefix(bullet)
            && rest.starts_with([' ', '\t'])
        {
            return rest.trim_start();
        }
    }
    text
}

/// Font sizes in half points, so 10.0 and 10.02 are the same size.
fn size_class(size: f64) -> i64 {
    (size * 2.0).round() as i64
}

/// Maps each heading size class to a level: the largest size is level 1.
fn heading_levels(lines: &[&Line]) -> HashMap<i64, u8> {
    let mut weight: HashMap<i64, usize> = HashMap::new();
    for line in lines {
        *weight.entry(size_class(line.size)).or_default() += line.text.chars().count();
    }
    let Some((&body, _)) = weight.iter().max_by_key(|(class, w)| (**w, -**class)) else {
        return HashMap::new();
    };
    let mut larger: Vec<i64> = lines
        .iter()
        .filter(|l| l.text.chars().count() <= MAX_HEADING_CHARS)
        .map(|l| size_class(l.size))
        .filter(|c| *c as f64 > body as f64 * HEADING_RATIO)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    larger.sort_unstable_by(|a, b| b.cmp(a));
    larger
        .into_iter()
        .enumerate()
        .map(|(i, class)| (class, u8::try_from(i + 1).unwrap_or(6).min(6)))
        .collect()
}

/// Drops running headers and footers: lines in the top or bottom margin whose text (digits
/// aside) comes back on at least half the pages, and bare page numbers.
fn drop_running_lines(lines: &[Line]) -> Vec<&Line> {
    let pages: HashSet<u32> = lines.iter().map(|l| l.page).collect();
    let mut seen_on: HashMap<String, HashSet<u32>> = HashMap::new();
    for line in lines.iter().filter(|l| in_margin(l)) {
        seen_on
            .entry(running_key(&line.text))
            .or_default()
            .insert(line.page);
    }
    let threshold = (pages.len() / 2).max(2);
    lines
        .iter()
        .filter(|l| {
            if !in_margin(l) {
                return true;
            }
            let key = running_key(&l.text);
            let repeated = seen_on.get(&key).is_some_and(|p| p.len() >= threshold);
            !repeated && !is_page_number(&key)
        })
        .collect()
}

fn in_margin(line: &Line) -> bool {
    let ratio = line.top / line.page_height;
    !(MARGIN..=1.0 - MARGIN).contains(&ratio)
}

fn running_key(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

/// `3`, `- 3 -`, `3 / 12`, `Page 3 sur 12`, `Page 3 of 12`.
fn is_page_number(key: &str) -> bool {
    let lower = key.to_lowercase();
    let rest: String = lower
        .replace("page", "")
        .replace("sur", "")
        .replace("of", "")
        .chars()
        .filter(|c| !matches!(c, '#' | '/' | '-' | '–' | ' ' | '\t'))
        .collect();
    rest.is_empty() && lower.contains('#')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(page: u32, top: f64, size: f64, text: &str) -> Line {
        Line {
            page,
            top,
            page_height: 800.0,
            x: 50.0,
            size,
            text: text.to_owned(),
        }
    }

    #[test]
    fn layout_becomes_blocks() {
        let lines = [
            line(1, 20.0, 8.0, "ERGOLIS – fiche"),
            line(1, 100.0, 18.0, "Bureau Alto"),
            line(1, 130.0, 10.0, "L'Alto est le bureau qui a fait"),
            line(1, 144.0, 10.0, "connaître Ergolis."),
            line(1, 180.0, 14.0, "Tailles"),
            line(1, 200.0, 10.0, "ALT-120\t619 €"),
            line(1, 220.0, 10.0, "• Motorisation : deux moteurs"),
            line(1, 780.0, 8.0, "Page 1 sur 2"),
            line(2, 20.0, 8.0, "ERGOLIS – fiche"),
            line(2, 100.0, 10.0, "Suite du texte sur la page deux."),
        ];
        let mut builder = DocumentBuilder::new(10_000);
        build_blocks(&lines, &mut builder).unwrap();
        let doc = builder
            .finish(crate::MediaType::Pdf, None, crate::Metadata::default())
            .unwrap();
        let got: Vec<(BlockKind, &str)> = doc
            .blocks
            .iter()
            .map(|b| (b.kind, b.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (BlockKind::Heading(1), "Bureau Alto"),
                (
                    BlockKind::Paragraph,
                    "L'Alto est le bureau qui a fait connaître Ergolis."
                ),
                (BlockKind::Heading(2), "Tailles"),
                (BlockKind::TableRow, "ALT-120 | 619 €"),
                (BlockKind::ListItem, "Motorisation : deux moteurs"),
                (BlockKind::Paragraph, "Suite du texte sur la page deux."),
            ]
        );
    }
}
