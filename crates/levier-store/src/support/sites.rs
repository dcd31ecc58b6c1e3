//! Websites carrying the chat widget.
//!
//! A site's key is public (it is in the page's HTML) but random, so other companies' sites
//! cannot be enumerated; the widget is accepted only from the site's allowed origins. Sites are
//! disabled rather than deleted: their conversations keep pointing at them.

use crate::accounts::new_secret;
use crate::row::{json, opt_time, time};
use crate::{Store, StoreError, StoreResult};
use levier_core::Timestamp;
use levier_core::ids::SiteId;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

/// What the assistant may answer on a site during a pilot (the method's "start small": a
/// restricted set of customer questions, the rest handed to people and counted as such).
/// Empty lists allow everything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PilotScope {
    /// FAQ categories the assistant may answer from.
    pub categories: Vec<String>,
    /// Intents the assistant may answer: FAQ entry ids (the classifier's intents are entries).
    pub intents: Vec<String>,
    /// The pilot's own answer threshold: the calibrated probability of being right at or above
    /// which the bot answers. None: the company's policy decides.
    pub answer_at: Option<f32>,
}

impl PilotScope {
    /// Whether answers from this FAQ category are in scope.
    pub fn allows_category(&self, category: &str) -> bool {
        self.categories.is_empty() || self.categories.iter().any(|c| c == category)
    }

    /// Whether this intent (an FAQ entry id) is in scope.
    pub fn allows_intent(&self, intent: &str) -> bool {
        self.intents.is_empty() || self.intents.iter().any(|i| i == intent)
    }

    /// Whether the FAQ entry `id` of `category` may be answered.
    pub fn allows_entry(&self, id: i64, category: &str) -> bool {
        self.allows_category(category) && self.allows_intent(&id.to_string())
    }

    /// The scope as stored: names trimmed, blanks and repeats dropped, the threshold checked.
    fn normalized(&self) -> StoreResult<PilotScope> {
        if let Some(p) = self.answer_at
            && !(0.0..=1.0).contains(&p)
        {
            return Err(StoreError::Invalid(format!(
                "the pilot's answer threshold {p} is not a probability between 0 and 1"
            )));
        }
        Ok(PilotScope {
            categories: distinct(&self.categories),
            intents: distinct(&self.intents),
            answer_at: self.answer_at,
        })
    }
}

fn distinct(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        if !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
    }
    out
}

/// A site to create.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewSite {
    /// Name shown to agents.
    pub name: String,
    /// Origins (`https://www.example.fr`) the widget may run on.
    pub allowed_origins: Vec<String>,
    /// Language of new conversations when the visitor's is unknown.
    pub default_language: String,
    /// Pilot limits.
    pub pilot_scope: PilotScope,
}

/// A website carrying the widget.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Site {
    /// Identifier.
    pub id: SiteId,
    /// Name shown to agents.
    pub name: String,
    /// The public key the widget's snippet carries.
    pub site_key: String,
    /// Origins the widget may run on (scheme, host and port; lowercase, no trailing slash).
    pub allowed_origins: Vec<String>,
    /// Language of new conversations when the visitor's is unknown.
    pub default_language: String,
    /// Pilot limits.
    pub pilot_scope: PilotScope,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it was disabled; a disabled site's widget must be refused.
    pub disabled_at: Option<Timestamp>,
}

impl Site {
    /// Whether the widget may run on it.
    pub fn enabled(&self) -> bool {
        self.disabled_at.is_none()
    }

    /// Whether a request's `Origin` header is one of the allowed origins.
    pub fn allows_origin(&self, origin: &str) -> bool {
        normalize_origin(origin).is_ok_and(|o| self.allowed_origins.contains(&o))
    }
}

const COLUMNS: &str =
    "id, name, site_key, allowed_origins, default_language, pilot_scope, created_at, disabled_at";

impl Store {
    /// Creates a site with a new random key.
    pub async fn create_site(&self, new: &NewSite) -> StoreResult<Site> {
        if new.name.trim().is_empty() {
            return Err(StoreError::Invalid("a site needs a name".into()));
        }
        let origins = normalize_origins(&new.allowed_origins)?;
        let language = match new.default_language.trim() {
            "" => "fr",
            lang => lang,
        };
        let scope = serde_json::to_string(&new.pilot_scope.normalized()?).map_err(invalid_json)?;
        let row = sqlx::query(&format!(
            "INSERT INTO sites (name, site_key, allowed_origins, default_language, pilot_scope, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
        ))
        .bind(new.name.trim())
        .bind(new_secret())
        .bind(origins)
        .bind(language)
        .bind(scope)
        .bind(self.now().millis())
        .fetch_one(self.pool())
        .await?;
        site(&row)
    }

    /// Every site, enabled or not, by name.
    pub async fn sites(&self) -> StoreResult<Vec<Site>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM sites ORDER BY name, id"))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(site).collect()
    }

    /// A site by id.
    pub async fn site(&self, id: SiteId) -> StoreResult<Option<Site>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM sites WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(site).transpose()
    }

    /// The site a widget's key names (disabled ones included: check [`Site::enabled`]).
    pub async fn site_by_key(&self, site_key: &str) -> StoreResult<Option<Site>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM sites WHERE site_key = $1"))
            .bind(site_key)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(site).transpose()
    }

    /// Replaces a site's allowed origins.
    pub async fn set_site_origins(&self, id: SiteId, origins: &[String]) -> StoreResult<()> {
        let origins = normalize_origins(origins)?;
        let done = sqlx::query("UPDATE sites SET allowed_origins = $2 WHERE id = $1")
            .bind(id.0)
            .bind(origins)
            .execute(self.pool())
            .await?;
        StoreError::found(done.rows_affected(), "site", id)
    }

    /// Replaces a site's pilot scope.
    pub async fn set_site_pilot_scope(&self, id: SiteId, scope: &PilotScope) -> StoreResult<()> {
        let scope = serde_json::to_string(&scope.normalized()?).map_err(invalid_json)?;
        let done = sqlx::query("UPDATE sites SET pilot_scope = $2 WHERE id = $1")
            .bind(id.0)
            .bind(scope)
            .execute(self.pool())
            .await?;
        StoreError::found(done.rows_affected(), "site", id)
    }

    /// Disables a site: its widget stops working; its conversations stay.
    pub async fn disable_site(&self, id: SiteId) -> StoreResult<()> {
        let done =
            sqlx::query("UPDATE sites SET disabled_at = COALESCE(disabled_at, $2) WHERE id = $1")
                .bind(id.0)
                .bind(self.now().millis())
                .execute(self.pool())
                .await?;
        StoreError::found(done.rows_affected(), "site", id)
    }
}

fn invalid_json(e: serde_json::Error) -> StoreError {
    StoreError::Invalid(format!("cannot encode as JSON: {e}"))
}

/// The origins as stored: a JSON array of normalised, distinct origins.
fn normalize_origins(origins: &[String]) -> StoreResult<String> {
    let mut out: Vec<String> = Vec::with_capacity(origins.len());
    for origin in origins {
        let origin = normalize_origin(origin)?;
        if !out.contains(&origin) {
            out.push(origin);
        }
    }
    serde_json::to_string(&out).map_err(invalid_json)
}

/// `HTTPS://Example.fr/` -> `https://example.fr`: browsers send origins lowercase and without
/// a path, so a configured origin must look the same to ever match.
fn normalize_origin(origin: &str) -> StoreResult<String> {
    let origin = origin.trim().trim_end_matches('/').to_lowercase();
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(['/', '?', '#', ' ']) => Ok(origin),
        _ => Err(StoreError::Invalid(format!(
            "'{origin}' is not an origin like https://www.example.fr"
        ))),
    }
}

fn site(row: &AnyRow) -> StoreResult<Site> {
    Ok(Site {
        id: SiteId(row.try_get("id")?),
        name: row.try_get("name")?,
        site_key: row.try_get("site_key")?,
        allowed_origins: serde_json::from_value(json(row, "allowed_origins")?).unwrap_or_default(),
        default_language: row.try_get("default_language")?,
        pilot_scope: serde_json::from_value(json(row, "pilot_scope")?).unwrap_or_default(),
        created_at: time(row, "created_at")?,
        disabled_at: opt_time(row, "disabled_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised_and_checked() {
        assert_eq!(
            normalize_origin(" HTTPS://Www.Ergolis.fr/ ")
                .ok()
                .as_deref(),
            Some("https://www.ergolis.fr")
        );
        assert!(normalize_origin("www.ergolis.fr").is_err());
        assert!(normalize_origin("https://ergolis.fr/contact").is_err());
        assert!(normalize_origin("https://").is_err());
    }

    #[test]
    fn an_empty_pilot_scope_allows_everything() {
        let all = PilotScope::default();
        assert!(all.allows_category("livraison") && all.allows_intent("retour"));
        let some = PilotScope {
            categories: vec!["livraison".into()],
            ..PilotScope::default()
        };
        assert!(some.allows_category("livraison") && !some.allows_category("facturation"));
        let entries = PilotScope {
            intents: vec!["12".into()],
            ..some
        };
        assert!(entries.allows_entry(12, "livraison"));
        assert!(!entries.allows_entry(13, "livraison") && !entries.allows_entry(12, "retours"));
    }

    #[test]
    fn a_pilot_scope_is_stored_clean() {
        let messy = PilotScope {
            categories: vec![" livraison ".into(), "".into(), "livraison".into()],
            intents: vec!["3".into()],
            answer_at: Some(0.8),
        };
        let clean = messy.normalized().expect("valid");
        assert_eq!(clean.categories, vec!["livraison".to_string()]);
        let wrong = PilotScope {
            answer_at: Some(1.5),
            ..PilotScope::default()
        };
        assert!(wrong.normalized().is_err());
    }
}
