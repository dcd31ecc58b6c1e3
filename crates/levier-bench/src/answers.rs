//! `levier bench answers`: generated answers on a BEIR-layout FAQ set (fr_cnil_faq), through
//! the product's grounded path (`levier_assist::llm::grounded`: prompt, call, checks). For each
//! judged question: the best FAQ entries by meaning (multilingual-e5-small, the closer of an
//! entry's question and its answer, as the search page's answer rule scores them) are given as
//! passages (`--passages 1` is the search page's case: one passage, which the model rewrites),
//! the model answers citing them, and levier checks the answer as the server does (lexical
//! support, no sentence embeddings; the first entry's relevance, and its margin over the
//! second, gate the call, and an answer must cite it first).
//!
//! It reports how often a generated answer is shown, how often a shown answer cites the right
//! entry (the target: ≥ 95 %), why the others fell back, how many unsupported answers
//! the checks catch — the model's own, and every shown answer re-checked against passages it
//! was not written from, which must all be caught — and the costs: latency, tokens, and the
//! time the checks add.

use crate::BenchError;
use crate::dataset::{self, CorpusEntry};
use crate::retrieval::Latency;
use levier_assist::llm::grounded::{
    AnswerSettings, GroundedRequest, SourcePassage, build_prompt, check_answer, prepare,
};
use levier_assist::llm::{LlmClient, ProviderConfig};
use levier_ml::SentenceEncoder;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

/// What to measure.
#[derive(Debug, Clone)]
pub struct AnswersOptions {
    /// The data set's directory.
    pub dataset: PathBuf,
    /// The split whose judgements say which entry is right.
    pub split: String,
    /// Run only the first N judged questions.
    pub limit: Option<usize>,
    /// The embedding model's directory, to find the entries.
    pub model: PathBuf,
    /// The generative model's provider.
    pub provider: ProviderConfig,
    /// Entries given to the model as passages.
    pub passages: usize,
    /// Longest passage, in characters (FAQ answers run to pages; the prompt must fit a small
    /// model's context and its prompt speed).
    pub passage_chars: usize,
}

/// One question's outcome.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AnswerOutcome {
    /// The question's id.
    pub id: String,
    /// The question.
    pub question: String,
    /// The model's answer as it came.
    pub answer: String,
    /// `shown`, or the reason it fell back (`refusal` counts as a handoff).
    pub outcome: String,
    /// The corpus ids of the entries cited, first first.
    pub cited: Vec<String>,
    /// Whether the first entry cited is a relevant one (shown answers only).
    pub right: Option<bool>,
    /// Whether a relevant entry was among the passages given.
    pub retrieved: bool,
    /// Whether retrieval's first entry is a relevant one.
    pub first_right: bool,
    /// Retrieval's cosine between the question and its first entry (what gates the call).
    pub relevance: f32,
    /// How far ahead of the second entry the first is (difference of cosines; gates too).
    pub margin: Option<f32>,
    /// Time of the call, in milliseconds; 0 when the model was not asked.
    pub ms: f64,
    /// Time of the checks, in milliseconds.
    pub check_ms: f64,
    /// Completion tokens.
    pub completion_tokens: u64,
}

/// What the benchmark measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AnswersReport {
    /// The data set's directory, as given.
    pub dataset: String,
    /// The split.
    pub split: String,
    /// The generative model.
    pub model: String,
    /// Questions run.
    pub questions: usize,
    /// Share of questions with a relevant entry among the passages given.
    pub retrieved_rate: f64,
    /// Share of questions whose first passage is a relevant entry (retrieval's P@1).
    pub first_right_rate: f64,
    /// The least relevance of the first passage for the model to be asked.
    pub min_relevance: f32,
    /// The least margin of the first entry over the second for the model to be asked.
    pub min_margin: f32,
    /// Generated answers that passed the checks and would be shown.
    pub shown: usize,
    /// Of which, citing a relevant entry first.
    pub shown_right: usize,
    /// `shown_right / shown`: the target is ≥ 0.95.
    pub right_citation_rate: f64,
    /// Share of questions whose answer fell back to the extractive answer (a check failed, or
    /// the call did).
    pub fallback_rate: f64,
    /// Share of questions the model said the passages do not answer: handed to a person.
    pub handoff_rate: f64,
    /// Not shown, by reason.
    pub fallbacks: BTreeMap<String, usize>,
    /// Answers the checks refused as not supported by what they cite (unsupported, uncited,
    /// unknown citation, echoed injection, leak, wrong language).
    pub unsupported_caught: usize,
    /// Shown answers re-checked against the passages of another question (the citations then
    /// point to entries the answer was not written from).
    pub swapped_checked: usize,
    /// Of which, refused by the checks: all of them should be.
    pub swapped_caught: usize,
    /// Latency of each call (prompt to last token), in milliseconds; questions whose first
    /// passage was too weak or too close to the second to ask are left out.
    pub latency_ms: Latency,
    /// Time the checks add to an answer, in milliseconds (the target is < 20 ms).
    pub check_ms: Latency,
    /// Longest check, in milliseconds.
    pub check_max_ms: f64,
    /// Mean completion tokens per answer.
    pub completion_tokens_per_answer: f64,
    /// Mean prompt tokens per answer.
    pub prompt_tokens_per_answer: f64,
    /// Every question's outcome.
    pub answers: Vec<AnswerOutcome>,
}

/// Reasons that mean "the answer is not supported by what it cites".
const UNSUPPORTED: &[&str] = &[
    "unsupported",
    "uncited",
    "unknown_citation",
    "echoes_injection",
    "prompt_leak",
    "wrong_language",
    "off_first_passage",
];

/// A question with the passages it was asked with and the model's answer.
struct Asked {
    passages: Vec<usize>,
    answer: String,
}

/// Runs the benchmark against the provider.
pub async fn run(options: &AnswersOptions) -> Result<AnswersReport, BenchError> {
    let dir = &options.dataset;
    dataset::check_layout(dir, &options.split)?;
    let qrels = dataset::read_qrels(dir, &options.split)?;
    let mut split = dataset::judged_queries(dataset::read_queries(dir)?, &qrels);
    if let Some(n) = options.limit {
        split.queries.truncate(n);
    }
    let corpus = dataset::read_corpus(dir)?;
    let encoder = SentenceEncoder::load(&options.model, "multilingual-e5-small")?;
    let entries: Vec<String> = corpus.iter().map(|e| entry_text(e, options)).collect();
    let vectors = EntryVectors::embed(&encoder, &corpus, &entries)?;
    let client = LlmClient::new(options.provider.clone())?;
    let settings = AnswerSettings::new("la CNIL", "fr", "vouvoiement, clair et concis");
    let mut outcomes = Vec::new();
    let mut asked = Vec::new();
    let mut prompt_tokens = 0;
    for (query, relevant) in &split.queries {
        let Nearest {
            entries: top,
            relevance,
            margin,
        } = vectors.nearest(&encoder, &query.text, options.passages)?;
        let passages: Vec<SourcePassage<'_>> = top
            .iter()
            .map(|&i| SourcePassage {
                title: &corpus[i].title,
                text: &entries[i],
            })
            .collect();
        // The checks as the server runs them: lexical support, no sentence embeddings.
        let request = GroundedRequest {
            relevance: Some(relevance),
            margin,
            ..GroundedRequest::new(&query.text, &passages, &settings)
        };
        let prepared = prepare(client.config(), &request);
        let is_relevant = |i: usize| relevant.get(&corpus[i].id).is_some_and(|&r| r > 0);
        let retrieved = top.iter().any(|&i| is_relevant(i));
        let first_right = top.first().is_some_and(|&i| is_relevant(i));
        let unasked = AnswerOutcome {
            margin,
            ..AnswerOutcome::new(&query.id, &query.text, retrieved, first_right, relevance)
        };
        if let Some(weak) = request.weak_source() {
            // As in the product: the model is not asked.
            outcomes.push(AnswerOutcome {
                outcome: weak.reason().to_owned(),
                ..unasked
            });
            continue;
        }
        let started = Instant::now();
        let completion = client.complete(&prepared.prompt.messages, None).await;
        let ms = started.elapsed().as_secs_f64() * 1e3;
        let mut outcome = AnswerOutcome { ms, ..unasked };
        match completion {
            Err(e) => outcome.outcome = e.reason().to_owned(),
            Ok(completion) => {
                prompt_tokens += completion.usage.prompt_tokens;
                outcome.completion_tokens = completion.usage.completion_tokens;
                outcome.answer = completion.text.clone();
                let checked = Instant::now();
                let generated = prepared.finish(completion.text, completion.usage, &request);
                outcome.check_ms = checked.elapsed().as_secs_f64() * 1e3;
                match generated.outcome {
                    Ok(answer) => {
                        outcome.outcome = "shown".into();
                        let cited: Vec<usize> = answer.citations.iter().map(|&c| top[c]).collect();
                        outcome.right = cited.first().map(|&i| is_relevant(i));
                        outcome.cited = cited.iter().map(|&i| corpus[i].id.clone()).collect();
                        asked.push(Asked {
                            passages: top.clone(),
                            answer: answer.text,
                        });
                    }
                    Err(why) => outcome.outcome = why.reason().to_owned(),
                }
            }
        }
        tracing::info!(id = %outcome.id, outcome = %outcome.outcome, right = ?outcome.right, ms, "answered");
        outcomes.push(outcome);
    }
    let (swapped_checked, swapped_caught) = swapped(&asked, &corpus, &entries, &settings);
    Ok(report(
        options,
        &settings,
        outcomes,
        prompt_tokens,
        swapped_checked,
        swapped_caught,
    ))
}

impl AnswerOutcome {
    /// A question not answered yet.
    fn new(
        id: &str,
        question: &str,
        retrieved: bool,
        first_right: bool,
        relevance: f32,
    ) -> AnswerOutcome {
        AnswerOutcome {
            id: id.to_owned(),
            question: question.to_owned(),
            answer: String::new(),
            outcome: String::new(),
            cited: Vec::new(),
            right: None,
            retrieved,
            first_right,
            relevance,
            margin: None,
            ms: 0.0,
            check_ms: 0.0,
            completion_tokens: 0,
        }
    }
}

/// An entry's text as given to the model: its answer, cut at a word before `passage_chars`.
fn entry_text(entry: &CorpusEntry, options: &AnswersOptions) -> String {
    let text = entry.text.trim();
    if text.chars().count() <= options.passage_chars {
        return text.to_owned();
    }
    let cut: String = text.chars().take(options.passage_chars).collect();
    // A cut that ends a word keeps it; one inside a word drops that word's start.
    let ends_a_word = text
        .chars()
        .nth(options.passage_chars)
        .is_some_and(char::is_whitespace);
    let cut = match cut.rsplit_once(char::is_whitespace) {
        Some((head, _)) if !ends_a_word => head,
        _ => cut.as_str(),
    };
    format!("{cut}…")
}

/// The entries' vectors: of their question (title), when they have one, and of their answer.
struct EntryVectors {
    titles: Vec<Option<Vec<f32>>>,
    texts: Vec<Vec<f32>>,
}

impl EntryVectors {
    fn embed(
        encoder: &SentenceEncoder,
        corpus: &[CorpusEntry],
        entries: &[String],
    ) -> Result<EntryVectors, BenchError> {
        let refs: Vec<&str> = entries.iter().map(String::as_str).collect();
        let texts = encoder.embed_passages(&refs)?;
        let titled: Vec<&str> = corpus
            .iter()
            .map(|e| e.title.trim())
            .filter(|t| !t.is_empty())
            .collect();
        let mut title_vectors = encoder.embed_passages(&titled)?.into_iter();
        let titles = corpus
            .iter()
            .map(|e| match e.title.trim() {
                "" => None,
                _ => title_vectors.next(),
            })
            .collect();
        Ok(EntryVectors { titles, texts })
    }

    /// The `k` entries nearest `question`, an entry scoring the closer of its question and its
    /// answer (as the search page's answer rule does), with the first one's cosine and its
    /// margin over the second.
    fn nearest(
        &self,
        encoder: &SentenceEncoder,
        question: &str,
        k: usize,
    ) -> Result<Nearest, BenchError> {
        let q = encoder.embed_queries(&[question])?.remove(0);
        let cosine = |v: &[f32]| -> f32 { v.iter().zip(&q).map(|(a, b)| a * b).sum() };
        let mut scored: Vec<(usize, f32)> = (0..self.texts.len())
            .map(|i| {
                let title = self.titles[i].as_deref().map_or(f32::MIN, cosine);
                (i, cosine(&self.texts[i]).max(title))
            })
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        let relevance = scored.first().map_or(0.0, |s| s.1);
        let margin = scored.get(1).map(|s| relevance - s.1);
        let entries = scored.into_iter().take(k).map(|(i, _)| i).collect();
        Ok(Nearest {
            entries,
            relevance,
            margin,
        })
    }
}

/// The entries nearest a question, best first, with what gates the call.
struct Nearest {
    entries: Vec<usize>,
    /// The first entry's cosine.
    relevance: f32,
    /// How far ahead of the second it is.
    margin: Option<f32>,
}

/// Re-checks each shown answer against the passages of the next question that shares none of
/// its entries: the answer's citations then name passages it was not written from.
fn swapped(
    asked: &[Asked],
    corpus: &[CorpusEntry],
    entries: &[String],
    settings: &AnswerSettings,
) -> (usize, usize) {
    let (mut checked, mut caught) = (0, 0);
    for (i, one) in asked.iter().enumerate() {
        let other = asked
            .iter()
            .cycle()
            .skip(i + 1)
            .take(asked.len())
            .find(|o| o.passages.iter().all(|p| !one.passages.contains(p)));
        let Some(other) = other else { continue };
        let passages: Vec<SourcePassage<'_>> = other
            .passages
            .iter()
            .map(|&p| SourcePassage {
                title: &corpus[p].title,
                text: &entries[p],
            })
            .collect();
        let prompt = build_prompt("?", &passages, settings, None);
        checked += 1;
        if check_answer(&prompt, &one.answer, settings, None).is_err() {
            caught += 1;
        }
    }
    (checked, caught)
}

fn report(
    options: &AnswersOptions,
    settings: &AnswerSettings,
    outcomes: Vec<AnswerOutcome>,
    prompt_tokens: u64,
    swapped_checked: usize,
    swapped_caught: usize,
) -> AnswersReport {
    let n = outcomes.len().max(1) as f64;
    let shown = outcomes.iter().filter(|o| o.outcome == "shown").count();
    let shown_right = outcomes.iter().filter(|o| o.right == Some(true)).count();
    let mut fallbacks = BTreeMap::new();
    for o in outcomes.iter().filter(|o| o.outcome != "shown") {
        *fallbacks.entry(o.outcome.clone()).or_insert(0) += 1;
    }
    let handoffs = fallbacks.get("refusal").copied().unwrap_or(0);
    let answered: Vec<&AnswerOutcome> = outcomes.iter().filter(|o| !o.answer.is_empty()).collect();
    let completion: u64 = answered.iter().map(|o| o.completion_tokens).sum();
    let per_answer = |total: u64| total as f64 / answered.len().max(1) as f64;
    AnswersReport {
        dataset: options.dataset.display().to_string(),
        split: options.split.clone(),
        model: options.provider.model.clone(),
        questions: outcomes.len(),
        retrieved_rate: outcomes.iter().filter(|o| o.retrieved).count() as f64 / n,
        first_right_rate: outcomes.iter().filter(|o| o.first_right).count() as f64 / n,
        min_relevance: settings.min_relevance,
        min_margin: settings.min_margin,
        shown,
        shown_right,
        right_citation_rate: shown_right as f64 / shown.max(1) as f64,
        fallback_rate: (outcomes.len() - shown - handoffs) as f64 / n,
        handoff_rate: handoffs as f64 / n,
        unsupported_caught: UNSUPPORTED
            .iter()
            .map(|r| fallbacks.get(*r).copied().unwrap_or(0))
            .sum(),
        fallbacks,
        swapped_checked,
        swapped_caught,
        latency_ms: percentiles(
            outcomes
                .iter()
                .filter(|o| o.ms > 0.0)
                .map(|o| o.ms)
                .collect(),
        ),
        check_ms: percentiles(answered.iter().map(|o| o.check_ms).collect()),
        check_max_ms: answered.iter().map(|o| o.check_ms).fold(0.0, f64::max),
        completion_tokens_per_answer: per_answer(completion),
        prompt_tokens_per_answer: per_answer(prompt_tokens),
        answers: outcomes,
    }
}

/// Median, 95th and 99th percentiles (nearest rank).
fn percentiles(mut values: Vec<f64>) -> Latency {
    if values.is_empty() {
        return Latency::default();
    }
    values.sort_by(f64::total_cmp);
    let at =
        |p: f64| values[((p * values.len() as f64).ceil() as usize).clamp(1, values.len()) - 1];
    Latency {
        p50: at(0.5),
        p95: at(0.95),
        p99: at(0.99),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let l = percentiles((1..=100).map(f64::from).collect());
        assert_eq!((l.p50, l.p95, l.p99), (50.0, 95.0, 99.0));
        assert_eq!(percentiles(Vec::new()), Latency::default());
    }

    #[test]
    fn long_entries_are_cut_at_a_word() {
        let options = AnswersOptions {
            dataset: PathBuf::new(),
            split: "dev".into(),
            limit: None,
            model: PathBuf::new(),
            provider: ProviderConfig::new("http://127.0.0.1:1/v1", "m"),
            passages: 3,
            passage_chars: 13,
        };
        let entry = CorpusEntry {
            id: "1".into(),
            title: "t".into(),
            text: "Vous disposez de trente jours.".into(),
        };
        assert_eq!(entry_text(&entry, &options), "Vous disposez…");
        let shorter = AnswersOptions {
            passage_chars: 12,
            ..options
        };
        assert_eq!(entry_text(&entry, &shorter), "Vous…", "never half a word");
    }
}
