//! The checks an answer passes before anyone sees it. Any failure is a [`Fallback`] with its
//! reason: the caller shows the extractive answer or hands off, never the generated text.

use crate::llm::grounded::prompt::{GroundedPrompt, NO_ANSWER};
use crate::llm::grounded::{AnswerSettings, SentenceEmbedder};
use crate::sentences::sentences;
use levier_index::analysis::{analyze, english, french};
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

/// Why a generated answer is not shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Fallback {
    /// The model said the passages do not answer.
    Refusal,
    /// A sentence with content cites no passage.
    Uncited {
        /// The sentence.
        sentence: String,
    },
    /// A citation names a passage that was not given.
    UnknownCitation {
        /// The id cited.
        id: String,
    },
    /// A sentence's words, or one of its figures or codes, are not in the passages it cites.
    Unsupported {
        /// The sentence.
        sentence: String,
        /// Share of its content words found in its passages.
        overlap: f32,
        /// A number or code absent from its passages, when that is the reason.
        missing: Option<String>,
    },
    /// A sentence repeats a word found only in text levier cut out as an instruction to the
    /// model ("Arrr", a promo code): it obeys the injection.
    EchoesInjection {
        /// The sentence.
        sentence: String,
        /// The word (as analysed) it shares with the instruction.
        word: String,
    },
    /// The answer repeats the system prompt or its canary.
    PromptLeak,
    /// The answer is not in the company's language.
    WrongLanguage {
        /// The language detected.
        found: String,
    },
    /// The answer states nothing: outside its citations and bracketed titles it only asks
    /// questions or greets (a small model echoing "[STIC et JUDEX, c'est quoi ?] [P1]").
    NotAnAnswer,
    /// Retrieval was not sure enough that the first passage answers the question: no answer
    /// is written from it (known before the call).
    WeakSource {
        /// Retrieval's cosine between the question and the first passage.
        relevance: f32,
    },
    /// Retrieval ranked another source almost as close as the first passage: it cannot tell
    /// which answers the question, so no answer is written (known before the call).
    CloseRunnerUp {
        /// How far ahead of the other source the first passage is (difference of cosines).
        margin: f32,
    },
    /// The answer cites first another passage than the one retrieval ranked first.
    OffFirstPassage {
        /// The passage cited first (index).
        cited: usize,
    },
}

impl Fallback {
    /// A short stable name for events and the agent's view.
    pub fn reason(&self) -> &'static str {
        match self {
            Fallback::Refusal => "refusal",
            Fallback::Uncited { .. } => "uncited",
            Fallback::UnknownCitation { .. } => "unknown_citation",
            Fallback::Unsupported { .. } => "unsupported",
            Fallback::EchoesInjection { .. } => "echoes_injection",
            Fallback::PromptLeak => "prompt_leak",
            Fallback::WrongLanguage { .. } => "wrong_language",
            Fallback::NotAnAnswer => "not_an_answer",
            Fallback::WeakSource { .. } => "weak_source",
            Fallback::CloseRunnerUp { .. } => "close_runner_up",
            Fallback::OffFirstPassage { .. } => "off_first_passage",
        }
    }
}

/// An answer that passed, sentence by sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct GroundedAnswer {
    /// The text as the model wrote it, citations included (placeholders restored by
    /// [`super::generate`]).
    pub text: String,
    /// The passages cited, as indexes into the passages given, in order of first citation.
    pub citations: Vec<usize>,
    /// Each sentence with its support.
    pub sentences: Vec<SentenceSupport>,
}

/// How one sentence is supported.
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceSupport {
    /// The sentence without its citations.
    pub text: String,
    /// The passages it cites (indexes); empty for a sentence with no content (a greeting).
    pub cited: Vec<usize>,
    /// Share of its content words found in them.
    pub overlap: f32,
    /// Its best cosine with them, when an encoder was given.
    pub cosine: Option<f32>,
}

/// Content words a sentence may have and still need no citation ("Bonjour !", "Merci.").
const MAX_CONNECTIVE_WORDS: usize = 2;
/// Consecutive words of the system prompt that, found in an answer, mean it leaked.
const LEAK_WINDOW: usize = 6;

/// A reference to passages: `[P1]`, `[P1, P2]`, and how small models misspell it after the
/// prompt's markup — `[Passage 1]`, `[passage id="P1"]`, `[p1]`, `[1]` — which name a passage as
/// surely (the citation is still checked: a passage that was not given is refused).
const CITATION_PATTERN: &str = r#"(?i)\[\s*(?:passage\s*)?(?:id\s*=\s*["'“]?)?(P?\s?\d+(?:\s*[,;]\s*(?:passage\s*)?P?\s?\d+)*)["'”]?\s*\]"#;
static CITATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(CITATION_PATTERN).unwrap_or_else(|e| panic!("citation pattern: {e}"))
});
static CITED_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d+").unwrap_or_else(|e| panic!("id pattern: {e}")));
static REFUSAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:je ne (?:sais|peux) pas|je n['’]ai pas (?:cette|d['’])information|les passages ne (?:permettent|contiennent|mentionnent|disent)|aucune information|i (?:don['’]t|do not) know|i can(?:not|['’]t) (?:answer|help)|the passages do not|no information)\b")
        .unwrap_or_else(|e| panic!("refusal pattern: {e}"))
});
/// A question in square brackets: once the citations are out, how a small model echoes a
/// passage's title or the question. Other bracketed text is how it sometimes writes its answer
/// (`[25 jours ouvrés par an] [P1].`, imitating the citations): that states something.
static BRACKETED_QUESTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[[^\]]*\?\s*\]").unwrap_or_else(|e| panic!("bracket pattern: {e}"))
});
/// A figure or a code: a run of letters and digits holding a digit (`30`, `PROMO50`).
static FIGURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[\p{L}\d]*\d[\p{L}\d]*\b").unwrap_or_else(|e| panic!("figure pattern: {e}"))
});

/// Checks `answer` against what was asked in `prompt`.
pub fn check_answer(
    prompt: &GroundedPrompt,
    answer: &str,
    settings: &AnswerSettings,
    encoder: Option<&dyn SentenceEmbedder>,
) -> Result<GroundedAnswer, Fallback> {
    if leaks(prompt, answer) {
        return Err(Fallback::PromptLeak);
    }
    // However a small model spells it: `[No_ansWER]`, `No-answer`.
    let says_no_answer = answer
        .to_uppercase()
        .replace(['-', ' '], "_")
        .contains(NO_ANSWER);
    if says_no_answer || REFUSAL.is_match(answer) || answer.trim().is_empty() {
        return Err(Fallback::Refusal);
    }
    let plain = CITATION.replace_all(answer, "");
    if let Some(found) = levier_extract::detect_language(&plain)
        && found != settings.language
    {
        return Err(Fallback::WrongLanguage { found });
    }
    let mut checker = Checker::new(prompt, settings, encoder);
    if !checker.states_something(&plain) {
        return Err(Fallback::NotAnAnswer);
    }
    let supports = cited_sentences(answer)
        .into_iter()
        .map(|(text, ids)| checker.support(text, &ids))
        .collect::<Result<Vec<_>, _>>()?;
    let mut citations: Vec<usize> = Vec::new();
    for i in supports.iter().flat_map(|s| s.cited.iter().copied()) {
        if !citations.contains(&i) {
            citations.push(i);
        }
    }
    if citations.is_empty() {
        return Err(Fallback::Uncited {
            sentence: answer.trim().to_owned(),
        });
    }
    Ok(GroundedAnswer {
        text: answer.trim().to_owned(),
        citations,
        sentences: supports,
    })
}

/// The answer as a reader sees it: the passage references (`[P1]`) are levier's, replaced on
/// the page by links to the sources, so they are taken out of the text (with the space before
/// them, and the stop a model puts after one that opens a line: `[P1]. Le délai…`), and
/// brackets a small model put around its answer in imitation of them are dropped.
pub fn strip_citations(answer: &str) -> String {
    static SPACED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!("[ \t]*{CITATION_PATTERN}"))
            .unwrap_or_else(|e| panic!("citation pattern: {e}"))
    });
    static OPENING_STOP: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?m)^[ \t]*[.:,;][ \t]*").unwrap_or_else(|e| panic!("stop pattern: {e}"))
    });
    let stripped = SPACED.replace_all(answer, "").replace(['[', ']'], "");
    OPENING_STOP.replace_all(&stripped, "").trim().to_owned()
}

/// Whether the answer repeats the canary or a run of the system prompt's words.
fn leaks(prompt: &GroundedPrompt, answer: &str) -> bool {
    let lower = answer.to_lowercase();
    if lower.contains(&prompt.canary.to_lowercase()) {
        return true;
    }
    let system = prompt.secret.as_str();
    let words = |t: &str| -> Vec<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let answer_windows: HashSet<Vec<String>> = words(answer)
        .windows(LEAK_WINDOW)
        .map(<[String]>::to_vec)
        .collect();
    words(system)
        .windows(LEAK_WINDOW)
        .any(|w| answer_windows.contains(w))
}

/// The answer's sentences, each with the passage ids it cites. Whatever follows a sentence up
/// to the next one belongs to it, so a citation after the full stop (`… jours. [P1]`) counts,
/// and one before the first sentence belongs to it. A sentence without a citation of its own
/// takes the nearest cited one's (the previous, else the next): small models often cite once
/// per paragraph, and the sentence is still checked against those passages.
fn cited_sentences(answer: &str) -> Vec<(String, Vec<String>)> {
    let bounds = sentences(answer);
    let mut out: Vec<(String, Vec<String>)> = Vec::with_capacity(bounds.len() + 1);
    for (i, &(a, b)) in bounds.iter().enumerate() {
        let from = if i == 0 { 0 } else { a };
        let until = bounds.get(i + 1).map_or(answer.len(), |next| next.0);
        let text = CITATION.replace_all(&answer[a..b], "").trim().to_owned();
        out.push((text, cited_ids(&answer[from..until])));
    }
    // The splitter stops after a few dozen sentences; what it left is checked as one more.
    let tail = &answer[bounds.last().map_or(0, |last| last.1)..];
    let tail_text = CITATION.replace_all(tail, "");
    if out.is_empty() || tail_text.chars().filter(|c| c.is_alphanumeric()).count() > 2 {
        out.push((tail_text.trim().to_owned(), cited_ids(tail)));
    }
    inherit_citations(&mut out);
    out
}

fn cited_ids(text: &str) -> Vec<String> {
    CITATION
        .captures_iter(text)
        .flat_map(|c| {
            CITED_ID
                .find_iter(&c[1])
                .map(|m| format!("P{}", m.as_str()))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn inherit_citations(sentences: &mut [(String, Vec<String>)]) {
    let own: Vec<Vec<String>> = sentences.iter().map(|s| s.1.clone()).collect();
    for (i, sentence) in sentences.iter_mut().enumerate() {
        if sentence.1.is_empty() {
            let previous = own[..i].iter().rev().find(|ids| !ids.is_empty());
            let next = own[i + 1..].iter().find(|ids| !ids.is_empty());
            sentence.1 = previous.or(next).cloned().unwrap_or_default();
        }
    }
}

/// A text's content words: stop words of the company's language removed, accents folded,
/// stemmed, as the search index sees them.
type Terms = Box<dyn FnMut(&str) -> HashSet<String>>;

/// The passages' analysed words, built once per answer.
struct Checker<'a> {
    prompt: &'a GroundedPrompt,
    settings: &'a AnswerSettings,
    encoder: Option<&'a dyn SentenceEmbedder>,
    terms: Terms,
    passage_terms: Vec<HashSet<String>>,
    passage_figures: Vec<HashSet<String>>,
    /// Words of the removed instructions that no passage has.
    injected: HashSet<String>,
}

impl<'a> Checker<'a> {
    fn new(
        prompt: &'a GroundedPrompt,
        settings: &'a AnswerSettings,
        encoder: Option<&'a dyn SentenceEmbedder>,
    ) -> Checker<'a> {
        let mut analyzer = if settings.language == "fr" {
            french()
        } else {
            english()
        };
        let mut terms: Terms = Box::new(move |t| {
            analyze(&mut analyzer, t)
                .into_iter()
                .map(|(_, w)| w)
                .collect()
        });
        let passage_terms: Vec<HashSet<String>> =
            prompt.passages.iter().map(|p| terms(&p.text)).collect();
        let passage_figures = prompt.passages.iter().map(|p| figures(&p.text)).collect();
        let injected = prompt
            .removed
            .iter()
            .flat_map(|r| terms(r).into_iter().chain(figures(r)))
            .filter(|w| !passage_terms.iter().any(|t| t.contains(w)))
            .collect();
        Checker {
            prompt,
            settings,
            encoder,
            terms,
            passage_terms,
            passage_figures,
            injected,
        }
    }

    /// Whether `plain` (the answer without its citations) states something: a sentence, outside
    /// bracketed text, that is not a question and has more content words than a greeting.
    fn states_something(&mut self, plain: &str) -> bool {
        let outside = BRACKETED_QUESTION.replace_all(plain, " ");
        sentences(&outside)
            .into_iter()
            .map(|(start, end)| outside[start..end].trim())
            .filter(|s| !s.ends_with('?'))
            .any(|s| (self.terms)(s).len() > MAX_CONNECTIVE_WORDS || !figures(s).is_empty())
    }

    /// The support of one sentence, or why it has none.
    fn support(&mut self, text: String, ids: &[String]) -> Result<SentenceSupport, Fallback> {
        let words = (self.terms)(&text);
        let sentence_figures = figures(&text);
        if let Some(word) = words
            .iter()
            .chain(&sentence_figures)
            .find(|w| self.injected.contains(*w))
        {
            return Err(Fallback::EchoesInjection {
                word: word.clone(),
                sentence: text,
            });
        }
        if words.len() <= MAX_CONNECTIVE_WORDS && sentence_figures.is_empty() {
            return Ok(SentenceSupport {
                text,
                cited: vec![],
                overlap: 0.0,
                cosine: None,
            });
        }
        if ids.is_empty() {
            return Err(Fallback::Uncited { sentence: text });
        }
        let cited = self.resolve(ids)?;
        let found = words
            .iter()
            .filter(|w| cited.iter().any(|&i| self.passage_terms[i].contains(*w)))
            .count();
        let overlap = if words.is_empty() {
            1.0
        } else {
            found as f32 / words.len() as f32
        };
        let unsupported = |missing| Fallback::Unsupported {
            sentence: text.clone(),
            overlap,
            missing,
        };
        if let Some(missing) = sentence_figures
            .iter()
            .find(|f| !cited.iter().any(|&i| self.passage_figures[i].contains(*f)))
        {
            return Err(unsupported(Some(missing.clone())));
        }
        let cosine = self.cosine(&text, &cited);
        if !self.supported(overlap, cosine) {
            return Err(unsupported(None));
        }
        Ok(SentenceSupport {
            text,
            cited,
            overlap,
            cosine,
        })
    }

    /// Passage indexes of cited ids; an id not among the passages given is a fallback.
    fn resolve(&self, ids: &[String]) -> Result<Vec<usize>, Fallback> {
        let mut cited = Vec::new();
        for id in ids {
            let index = self
                .prompt
                .passages
                .iter()
                .position(|p| &p.id == id)
                .ok_or_else(|| Fallback::UnknownCitation { id: id.clone() })?;
            if !cited.contains(&index) {
                cited.push(index);
            }
        }
        Ok(cited)
    }

    /// Best cosine of the sentence with its cited passages, when an encoder is given.
    fn cosine(&self, text: &str, cited: &[usize]) -> Option<f32> {
        let encoder = self.encoder?;
        let mut texts = vec![text];
        texts.extend(cited.iter().map(|&i| self.prompt.passages[i].text.as_str()));
        let vectors = encoder.embed(&texts)?;
        let (first, rest) = vectors.split_first()?;
        rest.iter()
            .map(|v| first.iter().zip(v).map(|(a, b)| a * b).sum::<f32>())
            .reduce(f32::max)
    }

    /// Enough shared words; or, with an encoder, a close meaning and half the words.
    fn supported(&self, overlap: f32, cosine: Option<f32>) -> bool {
        let min = self.settings.min_overlap;
        overlap >= min
            || cosine.is_some_and(|c| c >= self.settings.min_cosine && overlap >= min / 2.0)
    }
}

/// The figures and codes of a text, lower-cased.
fn figures(text: &str) -> HashSet<String> {
    FIGURE
        .find_iter(text)
        .map(|m| m.as_str().to_lowercase())
        .collect()
}
