//! The demo company's website for the chat widget: a site "Site web Ergolis" whose key
//! `GET /demo/site` embeds (levier's stand-in for the company's real pages).
//!
//! Its allowed origins are the company's own website plus the addresses `levier demo` is
//! reached at, which are known only when it starts (`--addr`): `open_to` sets them at each
//! start. A site's origins are exact (no wildcard ports), so a demo reached under another host
//! name needs that origin added, like any site.

use super::CompanyFile;
use super::load::retry;
use levier_server::pages::demo::SITE_KEY_META;
use levier_store::Store;
use levier_store::support::NewSite;
use levier_store::tasks::TaskFailure;
use std::net::SocketAddr;

/// The site's name as agents see it.
fn name(company: &CompanyFile) -> String {
    format!("Site web {}", company.company.name)
}

/// Creates the site once and records its key for the demo page.
pub(super) async fn create(store: &Store, company: &CompanyFile) -> Result<(), TaskFailure> {
    if store.meta(SITE_KEY_META).await.map_err(retry)?.is_some() {
        return Ok(());
    }
    let name = name(company);
    // A retried load may have created it without recording its key.
    let existing = store.sites().await.map_err(retry)?;
    let site = match existing.into_iter().find(|s| s.name == name) {
        Some(site) => site,
        None => store
            .create_site(&NewSite {
                name,
                allowed_origins: vec![company.company.website.clone()],
                default_language: "fr".into(),
                ..NewSite::default()
            })
            .await
            .map_err(retry)?,
    };
    store
        .set_meta(SITE_KEY_META, &site.site_key)
        .await
        .map_err(retry)
}

/// Allows the widget on the demo page as served at `addr` (the `--addr` setting); returns the
/// page's address to print, or `None` when the demo site is missing or the port is not known
/// yet.
pub async fn open_to(
    store: &Store,
    company: &CompanyFile,
    addr: &str,
) -> anyhow::Result<Option<String>> {
    let Some(key) = store.meta(SITE_KEY_META).await? else {
        return Ok(None);
    };
    let Some(site) = store.site_by_key(&key).await? else {
        return Ok(None);
    };
    let local = local_origins(addr);
    let mut origins = vec![company.company.website.clone()];
    origins.extend(local.iter().cloned());
    store.set_site_origins(site.id, &origins).await?;
    Ok(local.first().map(|origin| format!("{origin}/demo/site")))
}

/// The origins a browser sends for pages served at `addr`: the address itself, and for a
/// loopback or any-interface address, both `127.0.0.1` and `localhost`, the two ways people
/// open a local server. None for port 0: the real port is chosen when binding, too late for
/// this (the demo page then needs its origin added by hand).
fn local_origins(addr: &str) -> Vec<String> {
    let (own, port, local) = match addr.parse::<SocketAddr>() {
        Ok(a) => (
            (!a.ip().is_unspecified()).then(|| format!("http://{a}")),
            a.port(),
            a.ip().is_loopback() || a.ip().is_unspecified(),
        ),
        Err(_) => match addr.rsplit_once(':') {
            Some((host, port)) => (
                Some(format!("http://{addr}")),
                port.parse().unwrap_or(0),
                host.eq_ignore_ascii_case("localhost"),
            ),
            None => return Vec::new(),
        },
    };
    if port == 0 {
        return Vec::new();
    }
    let mut origins: Vec<String> = own.into_iter().collect();
    if local {
        for origin in [
            format!("http://127.0.0.1:{port}"),
            format!("http://localhost:{port}"),
        ] {
            if !origins.contains(&origin) {
                origins.push(origin);
            }
        }
    }
    origins
}

#[cfg(test)]
mod tests {
    use super::local_origins;

    #[test]
    fn a_local_demo_is_allowed_by_address_and_by_name() {
        assert_eq!(
            local_origins("127.0.0.1:8080"),
            ["http://127.0.0.1:8080", "http://localhost:8080"]
        );
        assert_eq!(
            local_origins("0.0.0.0:8080"),
            ["http://127.0.0.1:8080", "http://localhost:8080"]
        );
        assert_eq!(
            local_origins("localhost:9000"),
            ["http://localhost:9000", "http://127.0.0.1:9000"]
        );
        assert_eq!(local_origins("192.168.1.20:80"), ["http://192.168.1.20:80"]);
        assert!(local_origins("127.0.0.1:0").is_empty());
    }
}
