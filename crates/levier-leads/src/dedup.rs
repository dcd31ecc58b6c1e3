//! Duplicate leads: the same person imported twice (two fairs, two exports, a typo). Exact keys
//! first (e-mail, E.164 phone, SIRET), then fuzzy: a person's name and company that read almost
//! the same.
//!
//! Fuzzy similarity is Jaro-Winkler (strsim) on folded text rather than trigrams: names and
//! company names are short (5–30 characters), where trigram sets are small and one typo
//! removes up to three of them, while Jaro-Winkler degrades by one transposition or
//! substitution and rewards the shared beginning that typed names usually keep ("Dupont" /
//! "Dupond" 0.93, trigram Jaccard 0.43). Word order is neutralised by also comparing the words
//! sorted ("Martin Julie" / "Julie Martin").
//!
//! Pairs are only compared within a block (same first letter of the family name and of the
//! company), so a list of 100,000 leads is not 5·10⁹ comparisons.

use crate::lead::Lead;
use crate::normalise::RegisterNumber;
use crate::normalise::text::fold;
use serde::Serialize;
use std::collections::HashMap;

/// How alike two fuzzy duplicates must be.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DedupConfig {
    /// Person names at least this similar (Jaro-Winkler, 0–1)…
    pub min_name_similarity: f64,
    /// …and companies at least this similar (when both leads name one).
    pub min_company_similarity: f64,
}

impl Default for DedupConfig {
    /// 0.92 on names accepts one typo in a typical name ("Dupont"/"Dupond" 0.93) but not two
    /// different people of the same family ("Jean Martin"/"Jeanne Martin" 0.90 stays apart only
    /// with a differing company: 0.9 on companies).
    fn default() -> Self {
        DedupConfig {
            min_name_similarity: 0.92,
            min_company_similarity: 0.9,
        }
    }
}

/// Why two leads look like one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MatchReason {
    /// Same e-mail address.
    Email {
        /// The address.
        value: String,
    },
    /// Same phone number (E.164), landline or mobile.
    Phone {
        /// The number.
        value: String,
    },
    /// Same SIRET (same establishment).
    Siret {
        /// The number.
        value: String,
    },
    /// Similar person name and company.
    Similar {
        /// Jaro-Winkler similarity of the names.
        name: f64,
        /// Of the companies (1 when neither names one).
        company: f64,
    },
}

/// A field whose values differ between two leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDifference {
    /// The field.
    pub field: String,
    /// The first lead's value (empty when absent).
    pub first: String,
    /// The second lead's.
    pub second: String,
}

/// Two leads that are probably one, for a person to confirm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MergeSuggestion {
    /// Index of the first lead in the list given.
    pub first: usize,
    /// Index of the second.
    pub second: usize,
    /// Why they match.
    pub reasons: Vec<MatchReason>,
    /// The fields where they differ (what merging decides).
    pub differences: Vec<FieldDifference>,
}

/// The pairs of leads that look like duplicates, exact matches and fuzzy ones, each pair once.
pub fn find_duplicates(leads: &[Lead], config: &DedupConfig) -> Vec<MergeSuggestion> {
    let mut pairs: HashMap<(usize, usize), Vec<MatchReason>> = HashMap::new();
    for (members, reason) in exact_keys(leads) {
        pair_up(&members, |a, b| {
            pairs.entry((a, b)).or_default().push(reason.clone())
        });
    }
    for block in blocks(leads).values() {
        pair_up(block, |a, b| {
            if let Some(reason) = similar(&leads[a], &leads[b], config) {
                let reasons = pairs.entry((a, b)).or_default();
                if reasons.is_empty() {
                    reasons.push(reason);
                }
            }
        });
    }
    let mut suggestions: Vec<MergeSuggestion> = pairs
        .into_iter()
        .map(|((first, second), reasons)| MergeSuggestion {
            first,
            second,
            reasons,
            differences: differences(&leads[first], &leads[second]),
        })
        .collect();
    suggestions.sort_by_key(|s| (s.first, s.second));
    suggestions
}

/// Groups of leads sharing an e-mail, a phone number or a SIRET, with the shared key.
fn exact_keys(leads: &[Lead]) -> Vec<(Vec<usize>, MatchReason)> {
    let mut groups: HashMap<(u8, String), Vec<usize>> = HashMap::new();
    for (i, lead) in leads.iter().enumerate() {
        if let Some(email) = &lead.email {
            groups.entry((0, email.to_string())).or_default().push(i);
        }
        let mut numbers: Vec<&str> = [&lead.phone, &lead.mobile]
            .into_iter()
            .flatten()
            .map(|p| p.e164())
            .collect();
        numbers.dedup();
        for number in numbers {
            groups.entry((1, number.to_owned())).or_default().push(i);
        }
        if let Some(RegisterNumber::Siret(siret)) = &lead.register_number {
            groups.entry((2, siret.to_string())).or_default().push(i);
        }
    }
    groups
        .into_iter()
        .filter(|(_, members)| members.len() > 1)
        .map(|((kind, value), members)| {
            let reason = match kind {
                0 => MatchReason::Email { value },
                1 => MatchReason::Phone { value },
                _ => MatchReason::Siret { value },
            };
            (members, reason)
        })
        .collect()
}

/// Calls `f` on every pair (a < b) of the group's members.
fn pair_up(members: &[usize], mut f: impl FnMut(usize, usize)) {
    for (i, &a) in members.iter().enumerate() {
        for &b in &members[i + 1..] {
            f(a.min(b), a.max(b));
        }
    }
}

/// Leads by the first letters of their folded family name and company.
fn blocks(leads: &[Lead]) -> HashMap<(char, char), Vec<usize>> {
    let mut blocks: HashMap<(char, char), Vec<usize>> = HashMap::new();
    for (i, lead) in leads.iter().enumerate() {
        let Some(name) = name_key(lead) else { continue };
        let family = lead
            .last_name
            .as_ref()
            .map_or(name.clone(), |l| fold(l.as_str()));
        let company = lead.company.as_ref().map(|c| c.key()).unwrap_or_default();
        let first = |s: &str| s.chars().next().unwrap_or(' ');
        blocks
            .entry((first(&family), first(&company)))
            .or_default()
            .push(i);
    }
    blocks
}

fn name_key(lead: &Lead) -> Option<String> {
    lead.person_name()
        .map(|n| fold(&n))
        .filter(|n| !n.is_empty())
}

/// Jaro-Winkler of two texts, or of their words sorted if higher (word order ignored).
fn similarity(a: &str, b: &str) -> f64 {
    let sorted = |s: &str| {
        let mut words: Vec<&str> = s.split(' ').collect();
        words.sort_unstable();
        words.join(" ")
    };
    strsim::jaro_winkler(a, b).max(strsim::jaro_winkler(&sorted(a), &sorted(b)))
}

fn similar(a: &Lead, b: &Lead, config: &DedupConfig) -> Option<MatchReason> {
    let name = similarity(&name_key(a)?, &name_key(b)?);
    let company = match (&a.company, &b.company) {
        (Some(x), Some(y)) => similarity(&x.key(), &y.key()),
        (None, None) => 1.0,
        _ => return None,
    };
    (name >= config.min_name_similarity && company >= config.min_company_similarity)
        .then_some(MatchReason::Similar { name, company })
}

/// The fields where two leads differ, one of them possibly empty.
pub fn differences(a: &Lead, b: &Lead) -> Vec<FieldDifference> {
    let (va, vb) = (a.field_values(), b.field_values());
    let mut names: Vec<&String> = va.keys().chain(vb.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|n| va.get(*n) != vb.get(*n))
        .map(|n| FieldDifference {
            field: n.clone(),
            first: va.get(n).cloned().unwrap_or_default(),
            second: vb.get(n).cloned().unwrap_or_default(),
        })
        .collect()
}
