//! From what a person types to a tantivy query.
//!
//! The syntax is deliberately small, so that anything typed is a valid query: words,
//! `"phrases"`, `+required` and `-excluded` words or phrases. Every part is analysed with both
//! analysers and looked up in the fields of both variants, so a French query finds French
//! chunks and an English one English chunks, whatever language the reader works in.

use crate::analysis::{self, Analyzers, Variant};
use crate::schema::{Fields, PresentFields};
use crate::search::FieldWeights;
use std::collections::BTreeSet;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

/// Weight of finding the parts of a compound word together, relative to each part alone.
const COMPOUND_PHRASE_BONUS: f32 = 0.5;
/// How many indexed words a typed prefix may stand for; the most frequent are kept.
const MAX_PREFIX_EXPANSIONS: usize = 24;
/// Shorter prefixes would stand for too many words to mean anything.
const MIN_PREFIX_CHARS: usize = 2;
/// Dictionary entries read per field and segment when expanding a prefix, so a short prefix
/// over a large vocabulary stays cheap.
const MAX_PREFIX_SCAN: usize = 1000;

/// One part of the typed query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Clause {
    pub occur: Occur,
    pub text: String,
    pub phrase: bool,
    /// The word is still being typed: also match the words it begins.
    pub prefix: bool,
}

/// Splits typed text into clauses. In prefix mode the last word is a prefix unless the text
/// ends with a space (the person has finished typing it).
pub(crate) fn parse(input: &str, prefix_mode: bool) -> Vec<Clause> {
    let mut clauses = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut occur = Occur::Should;
        if c == '+' || c == '-' {
            chars.next();
            match chars.peek() {
                Some(n) if !n.is_whitespace() => {
                    occur = if c == '+' {
                        Occur::Must
                    } else {
                        Occur::MustNot
                    };
                }
                _ => continue,
            }
        }
        let phrase = chars.peek() == Some(&'"');
        let text: String = if phrase {
            chars.next();
            chars.by_ref().take_while(|&c| c != '"').collect()
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '"' {
                    break;
                }
                word.push(c);
                chars.next();
            }
            word
        };
        clauses.push(Clause {
            occur,
            text,
            phrase,
            prefix: false,
        });
    }
    let typing = input.chars().last().is_some_and(|c| !c.is_whitespace());
    if prefix_mode
        && typing
        && let Some(last) = clauses.last_mut()
        && !last.phrase
        && last.occur != Occur::MustNot
    {
        last.prefix = true;
    }
    clauses
}

/// Whether typed text contains anything to search for.
pub(crate) fn has_words(input: &str) -> bool {
    input.chars().any(char::is_alphanumeric)
}

/// A query ready to run, and the terms to highlight in snippets.
pub(crate) struct BuiltQuery {
    /// None when no clause had a searchable word (only stop words, or only exclusions).
    pub query: Option<Box<dyn Query>>,
    /// Analysed terms to highlight, per variant.
    pub highlight: Vec<(Variant, String)>,
}

/// Builds queries against the index's fields.
pub(crate) struct QueryBuilder<'a> {
    fields: &'a Fields,
    searcher: &'a Searcher,
    present: &'a PresentFields,
    analyzers: Analyzers,
    weights: FieldWeights,
}

impl<'a> QueryBuilder<'a> {
    pub fn new(
        fields: &'a Fields,
        searcher: &'a Searcher,
        present: &'a PresentFields,
        analyzers: Analyzers,
        weights: FieldWeights,
    ) -> Self {
        QueryBuilder {
            fields,
            searcher,
            present,
            analyzers,
            weights,
        }
    }

    /// The query for typed clauses: positive clauses' terms are flattened into one
    /// disjunction (BM25 summed over fields and variants), required ones are each a required
    /// disjunction, excluded ones an excluded disjunction.
    pub fn build(&mut self, clauses: &[Clause]) -> BuiltQuery {
        let mut top: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut highlight = Vec::new();
        for clause in clauses {
            let mut parts = Vec::new();
            for variant in Variant::ALL {
                let terms = self.clause_parts(clause, variant, &mut parts);
                if clause.occur != Occur::MustNot {
                    highlight.extend(terms.into_iter().map(|t| (variant, t)));
                }
            }
            if parts.is_empty() {
                continue;
            }
            match clause.occur {
                Occur::Should => top.extend(parts.into_iter().map(|q| (Occur::Should, q))),
                occur => top.push((occur, Box::new(BooleanQuery::union(parts)))),
            }
        }
        let positive = top.iter().any(|(o, _)| *o != Occur::MustNot);
        BuiltQuery {
            query: positive.then(|| Box::new(BooleanQuery::new(top)) as Box<dyn Query>),
            highlight,
        }
    }

    /// Adds to `parts` the queries of one clause in one variant's fields; returns the terms.
    fn clause_parts(
        &mut self,
        clause: &Clause,
        variant: Variant,
        parts: &mut Vec<Box<dyn Query>>,
    ) -> Vec<String> {
        if self.weighted_fields(variant).next().is_none() {
            return Vec::new();
        }
        let tokens = analysis::analyze(self.analyzers.get(variant), &clause.text);
        let mut terms: Vec<String> = tokens.iter().map(|(_, t)| t.clone()).collect();
        match tokens.as_slice() {
            [] => {}
            [(_, term)] => parts.extend(self.term_queries(variant, term, 1.0)),
            _ if clause.phrase || clause.occur != Occur::Should => {
                parts.extend(self.phrase_queries(variant, &tokens, 1.0));
            }
            // A compound typed as one word ("e-mail", "IL-6", "0-dimensional"): each part
            // counts on its own, and finding them together counts more.
            _ => {
                for (_, term) in &tokens {
                    parts.extend(self.term_queries(variant, term, 1.0));
                }
                parts.extend(self.phrase_queries(variant, &tokens, COMPOUND_PHRASE_BONUS));
            }
        }
        if clause.prefix {
            for expanded in self.expand_prefix(variant, &clause.text) {
                parts.extend(self.term_queries(variant, &expanded, 1.0));
                terms.push(expanded);
            }
        }
        terms
    }

    /// A term looked up in the title, headings and body of a variant, each with its weight.
    fn term_queries(&self, variant: Variant, term: &str, scale: f32) -> Vec<Box<dyn Query>> {
        self.weighted_fields(variant)
            .map(|(field, boost)| {
                let q = TermQuery::new(
                    Term::from_field_text(field, term),
                    IndexRecordOption::WithFreqs,
                );
                boosted(Box::new(q), boost * scale)
            })
            .collect()
    }

    /// Consecutive analysed words (keeping the gaps left by stop words) in each field.
    fn phrase_queries(
        &self,
        variant: Variant,
        tokens: &[(usize, String)],
        scale: f32,
    ) -> Vec<Box<dyn Query>> {
        let first = tokens.first().map(|(p, _)| *p).unwrap_or(0);
        self.weighted_fields(variant)
            .map(|(field, boost)| {
                let terms = tokens
                    .iter()
                    .map(|(p, t)| (p - first, Term::from_field_text(field, t)))
                    .collect();
                boosted(Box::new(PhraseQuery::new_with_offset(terms)), boost * scale)
            })
            .collect()
    }

    /// The fields of a variant that hold data, with their weights.
    fn weighted_fields(&self, variant: Variant) -> impl Iterator<Item = (Field, f32)> + use<> {
        let f = self.fields.text(variant);
        let present = [
            self.present.contains(f.title),
            self.present.contains(f.headings),
            self.present.contains(f.body),
        ];
        let b = self.weights;
        [
            (f.title, b.title),
            (f.headings, b.headings),
            (f.body, b.body),
        ]
        .into_iter()
        .zip(present)
        .filter_map(|(fb, p)| p.then_some(fb))
    }

    /// Indexed words of a variant that begin with the typed (folded, unstemmed) prefix, most
    /// frequent first. Stemmed words are shorter than typed ones, so the typed word itself is
    /// also looked up as a whole word by the caller.
    fn expand_prefix(&mut self, variant: Variant, typed: &str) -> Vec<String> {
        let Some((_, prefix)) = analysis::analyze(&mut self.analyzers.prefix, typed).pop() else {
            return Vec::new();
        };
        if prefix.chars().count() < MIN_PREFIX_CHARS {
            return Vec::new();
        }
        let mut found: Vec<(u64, String)> = Vec::new();
        for (field, _) in self.weighted_fields(variant) {
            self.collect_prefixed(field, &prefix, &mut found);
        }
        found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let mut unique = BTreeSet::new();
        found
            .into_iter()
            .filter(|(_, t)| unique.insert(t.clone()))
            .map(|(_, t)| t)
            .take(MAX_PREFIX_EXPANSIONS)
            .collect()
    }

    /// Scans each segment's term dictionary for words beginning with `prefix`.
    fn collect_prefixed(&self, field: Field, prefix: &str, found: &mut Vec<(u64, String)>) {
        let upper = prefix_successor(prefix);
        for segment in self.searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(field) else {
                continue;
            };
            let mut range = inverted.terms().range().ge(prefix.as_bytes());
            if let Some(upper) = &upper {
                range = range.lt(upper);
            }
            let Ok(mut stream) = range.into_stream() else {
                continue;
            };
            let mut scanned = 0;
            while scanned < MAX_PREFIX_SCAN && stream.advance() {
                scanned += 1;
                if let Ok(term) = std::str::from_utf8(stream.key()) {
                    found.push((u64::from(stream.value().doc_freq), term.to_string()));
                }
            }
        }
    }
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

/// The smallest byte string greater than every string starting with `prefix`.
fn prefix_successor(prefix: &str) -> Option<Vec<u8>> {
    let mut bytes = prefix.as_bytes().to_vec();
    while let Some(last) = bytes.pop() {
        if last < u8::MAX {
            bytes.push(last + 1);
            return Some(bytes);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(clauses: &[Clause]) -> Vec<(&str, Occur, bool, bool)> {
        clauses
            .iter()
            .map(|c| (c.text.as_str(), c.occur, c.phrase, c.prefix))
            .collect()
    }

    #[test]
    fn parses_words_phrases_and_operators() {
        let c = parse(
            r#"délai "bon de commande" +urgent -brouillon e-mail"#,
            false,
        );
        assert_eq!(
            words(&c),
            vec![
                ("délai", Occur::Should, false, false),
                ("bon de commande", Occur::Should, true, false),
                ("urgent", Occur::Must, false, false),
                ("brouillon", Occur::MustNot, false, false),
                ("e-mail", Occur::Should, false, false),
            ]
        );
    }

    #[test]
    fn unclosed_quote_and_lone_operators_are_tolerated() {
        let c = parse(r#"- + "livraison rapide"#, false);
        assert_eq!(
            words(&c),
            vec![("livraison rapide", Occur::Should, true, false)]
        );
    }

    #[test]
    fn last_word_is_a_prefix_only_while_typing() {
        assert!(parse("délai livrai", true)[1].prefix);
        assert!(!parse("délai livrai ", true)[1].prefix);
        assert!(!parse("délai livrai", false)[1].prefix);
        assert!(!parse("-livrai", true)[0].prefix);
    }

    #[test]
    fn prefix_successor_bounds_the_range() {
        assert_eq!(prefix_successor("livr"), Some(b"livs".to_vec()));
        assert_eq!(prefix_successor(""), None);
    }
}
