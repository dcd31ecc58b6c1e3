//! Personal data out of prompts: before a call to a provider that is not local, emails, phone
//! numbers, IBANs, card numbers, SIREN/SIRET, French social security numbers, postal addresses
//! and the names of the contact are replaced by placeholders (`[EMAIL_1]`), which are put back
//! into the answer. What was replaced is counted, and the prompt's hash kept, for the audit.

mod checksum;
mod detect;

use crate::llm::wire::ChatMessage;
use regex::Regex;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

/// A kind of personal data, in the order overlaps are settled: when two finders claim the same
/// characters, the kind listed first wins (an email holds digits a phone finder would take).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    /// An email address.
    Email,
    /// An international bank account number (mod-97 checked).
    Iban,
    /// A French social security number (NIR, key checked).
    Nir,
    /// A French establishment number (14 digits, Luhn checked).
    Siret,
    /// A payment card number (Luhn checked).
    Card,
    /// A French company number (9 digits, Luhn checked, with context).
    Siren,
    /// A phone number, French, Belgian or international.
    Phone,
    /// A postal address or a postcode with its town.
    Address,
    /// A person's name from the contact record.
    Name,
}

impl PiiKind {
    const ALL: [PiiKind; 9] = [
        PiiKind::Email,
        PiiKind::Iban,
        PiiKind::Nir,
        PiiKind::Siret,
        PiiKind::Card,
        PiiKind::Siren,
        PiiKind::Phone,
        PiiKind::Address,
        PiiKind::Name,
    ];

    /// The word in its placeholders: `[EMAIL_1]`.
    pub fn label(self) -> &'static str {
        match self {
            PiiKind::Email => "EMAIL",
            PiiKind::Iban => "IBAN",
            PiiKind::Nir => "NIR",
            PiiKind::Siret => "SIRET",
            PiiKind::Card => "CARD",
            PiiKind::Siren => "SIREN",
            PiiKind::Phone => "PHONE",
            PiiKind::Address => "ADDRESS",
            PiiKind::Name => "NAME",
        }
    }

    fn from_label(label: &str) -> Option<PiiKind> {
        PiiKind::ALL.into_iter().find(|k| k.label() == label)
    }
}

/// Finds and replaces personal data; built per conversation with the contact's names.
#[derive(Debug, Clone)]
pub struct Redactor {
    names: Vec<Regex>,
}

impl Redactor {
    /// A redactor that also replaces `names` (the contact's full name, first and last names):
    /// the full name in any case, and each part of three letters or more where it is written
    /// with its capital, so that "Rose" the person goes and "rose" the colour stays.
    pub fn new(names: &[&str]) -> Redactor {
        let mut patterns = Vec::new();
        for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
            patterns.push(format!(
                r"(?i)\b{}\b",
                regex::escape(name).replace(' ', r"\s+")
            ));
            for part in name.split_whitespace().filter(|p| p.chars().count() >= 3) {
                patterns.push(format!(r"\b{}\b", regex::escape(part)));
            }
        }
        let names = patterns.iter().filter_map(|p| Regex::new(p).ok()).collect();
        Redactor { names }
    }

    /// `text` with its personal data replaced by placeholders recorded in `vault`; the same
    /// value gets the same placeholder everywhere the vault is used (question and passages).
    pub fn redact(&self, text: &str, vault: &mut Vault) -> String {
        let mut found = detect::find_all(text);
        for re in &self.names {
            found.extend(re.find_iter(text).map(|m| detect::Found {
                start: m.start(),
                end: m.end(),
                kind: PiiKind::Name,
            }));
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for f in resolve(found) {
            out.push_str(&text[at..f.start]);
            out.push_str(&vault.placeholder(f.kind, &text[f.start..f.end]));
            at = f.end;
        }
        out.push_str(&text[at..]);
        out
    }
}

/// The spans to replace: by kind priority, then the longest, dropping any that overlaps one
/// already kept; returned in text order.
fn resolve(mut found: Vec<detect::Found>) -> Vec<detect::Found> {
    found.sort_by_key(|f| (f.kind, std::cmp::Reverse(f.end - f.start), f.start));
    let mut kept: Vec<detect::Found> = Vec::new();
    for f in found {
        if kept.iter().all(|k| f.end <= k.start || f.start >= k.end) {
            kept.push(f);
        }
    }
    kept.sort_by_key(|f| f.start);
    kept
}

/// The placeholders of one exchange and the values they stand for; never sent anywhere.
#[derive(Debug, Default)]
pub struct Vault {
    placeholders: HashMap<(PiiKind, String), String>,
    originals: HashMap<String, String>,
    next: HashMap<PiiKind, usize>,
    counts: BTreeMap<PiiKind, usize>,
}

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[?\b(EMAIL|IBAN|NIR|SIRET|CARD|SIREN|PHONE|ADDRESS|NAME)_(\d{1,4})\b\]?")
        .unwrap_or_else(|e| panic!("placeholder pattern: {e}"))
});

impl Vault {
    fn placeholder(&mut self, kind: PiiKind, original: &str) -> String {
        *self.counts.entry(kind).or_default() += 1;
        let key = (kind, original.to_owned());
        if let Some(p) = self.placeholders.get(&key) {
            return p.clone();
        }
        let n = self.next.entry(kind).or_default();
        *n += 1;
        let placeholder = format!("[{}_{}]", kind.label(), n);
        self.originals
            .insert(placeholder.clone(), original.to_owned());
        self.placeholders.insert(key, placeholder.clone());
        placeholder
    }

    /// `text` (the model's answer) with the placeholders put back, whether the model kept
    /// their brackets or not; a placeholder this vault never made stays as it is.
    pub fn restore(&self, text: &str) -> String {
        PLACEHOLDER
            .replace_all(text, |caps: &regex::Captures<'_>| {
                let kind = PiiKind::from_label(&caps[1]).map_or("", PiiKind::label);
                let key = format!("[{kind}_{}]", &caps[2]);
                self.originals
                    .get(&key)
                    .cloned()
                    .unwrap_or_else(|| caps[0].to_owned())
            })
            .into_owned()
    }

    /// Values replaced per kind (each occurrence counted).
    pub fn counts(&self) -> &BTreeMap<PiiKind, usize> {
        &self.counts
    }
}

/// What the audit trail keeps of a call: the hash of exactly what was sent, and how much of
/// each kind of personal data was replaced before.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RedactionAudit {
    /// sha256 of the messages sent, as JSON, in hex.
    pub prompt_sha256: String,
    /// Values replaced per kind; empty when nothing was (or redaction was off).
    pub counts: BTreeMap<PiiKind, usize>,
}

impl RedactionAudit {
    /// The audit of sending `messages`, redacted with `vault`.
    pub fn of(messages: &[ChatMessage], vault: &Vault) -> RedactionAudit {
        let json = serde_json::to_vec(messages).unwrap_or_default();
        RedactionAudit {
            prompt_sha256: hex::encode(Sha256::digest(&json)),
            counts: vault.counts.clone(),
        }
    }
}
