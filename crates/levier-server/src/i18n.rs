//! The interface in French and English, from message catalogues in Fluent syntax
//! (`locales/fr.ftl`, `locales/en.ftl`, embedded in the binary).
//!
//! Only simple messages (`key = text`, with `{ $name }` variables) are used, so a small reader
//! of our own covers them without the full Fluent runtime; a test checks both catalogues have
//! the same keys and that every key the templates use exists.

use axum::http::{HeaderMap, header};
use std::collections::HashMap;
use std::sync::OnceLock;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// French, the default.
    Fr,
    /// English.
    En,
}

impl Lang {
    /// The code used in `lang` attributes and cookies.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Parses a language code (`fr`, `en-GB`…); None when unsupported.
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first supported language of an `Accept-Language` header, by quality.
    pub fn from_accept_language(headers: &HeaderMap) -> Option<Lang> {
        let raw = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
        let mut choices: Vec<(f32, Lang)> = raw
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let lang = Lang::parse(it.next()?)?;
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse().ok())
                    .unwrap_or(1.0);
                Some((q, lang))
            })
            .collect();
        choices.sort_by(|a, b| b.0.total_cmp(&a.0));
        choices.first().map(|c| c.1)
    }
}

/// The messages of one language.
pub struct Catalog {
    lang: Lang,
    messages: HashMap<String, String>,
}

fn parse(text: &str) -> HashMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// The catalogue of a language.
pub fn catalog(lang: Lang) -> &'static Catalog {
    static FR: OnceLock<Catalog> = OnceLock::new();
    static EN: OnceLock<Catalog> = OnceLock::new();
    match lang {
        Lang::Fr => FR.get_or_init(|| Catalog {
            lang,
            messages: parse(include_str!("../locales/fr.ftl")),
        }),
        Lang::En => EN.get_or_init(|| Catalog {
            lang,
            messages: parse(include_str!("../locales/en.ftl")),
        }),
    }
}

impl Catalog {
    /// The language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The message `key`; the key itself when missing (visible, and caught by the tests).
    pub fn t(&self, key: &str) -> String {
        self.messages
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    /// The message `key` with `{ $name }` replaced by `value`.
    pub fn t1(&self, key: &str, name: &str, value: &dyn std::fmt::Display) -> String {
        self.t(key)
            .replace(&format!("{{ ${name} }}"), &value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn catalogues_have_the_same_keys() {
        let fr = catalog(Lang::Fr);
        let en = catalog(Lang::En);
        let mut fr_keys: Vec<_> = fr.messages.keys().collect();
        let mut en_keys: Vec<_> = en.messages.keys().collect();
        fr_keys.sort();
        en_keys.sort();
        assert_eq!(fr_keys, en_keys);
        assert!(fr_keys.len() > 20);
    }

    #[test]
    fn every_key_used_by_templates_exists() {
        let fr = catalog(Lang::Fr);
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(dir).expect("templates dir").flatten() {
            let text = std::fs::read_to_string(entry.path()).expect("template");
            for part in text
                .split("t(\"")
                .skip(1)
                .chain(text.split("t1(\"").skip(1))
            {
                if let Some(key) = part.split('"').next()
                    && !fr.messages.contains_key(key)
                {
                    missing.push(format!("{}: {key}", entry.path().display()));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing from the catalogues: {missing:?}"
        );
    }

    #[test]
    fn accept_language_by_quality() {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("de-DE, en;q=0.8, fr;q=0.9"),
        );
        assert_eq!(Lang::from_accept_language(&h), Some(Lang::Fr));
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("en-GB,en;q=0.9"),
        );
        assert_eq!(Lang::from_accept_language(&h), Some(Lang::En));
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("de"));
        assert_eq!(Lang::from_accept_language(&h), None);
        assert_eq!(
            catalog(Lang::En).t1("home.welcome", "name", &"Ana"),
            "Welcome, Ana"
        );
    }
}
