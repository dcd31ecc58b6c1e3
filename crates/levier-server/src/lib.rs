//! levier's HTTP server: the REST API under `/api/v1`, the web pages, health and metrics.
//!
//! Layout follows the resources: `routes.rs` declares every route with its access rule;
//! `access.rs` enforces the rules (and CSRF); `auth/` resolves who calls; `api/` and `pages/`
//! hold the handlers, one file per resource; `admin.rs` holds the operations both share.

pub mod access;
mod admin;
pub mod api;
mod assets;
pub mod auth;
pub mod desk;
pub mod error;
mod format;
mod health;
mod highlight;
pub mod http;
pub mod i18n;
mod knowledge;
pub mod llm;
pub mod pages;
pub mod routes;
pub mod widget;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use levier_assist::hours::{BusinessHours, HoursConfig};
use levier_core::config::{ServerConfig, SupportConfig};
use levier_index::Retriever;
use levier_store::Store;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::timeout::TimeoutLayer;

/// Server limits taken from the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Largest request body, in bytes.
    pub body_limit: usize,
    /// Request timeout.
    pub request_timeout: Duration,
    /// Login lifetime, in hours.
    pub session_hours: u64,
    /// The reverse proxies whose `X-Forwarded-For` names the visitor.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl From<&ServerConfig> for Settings {
    fn from(c: &ServerConfig) -> Self {
        Settings {
            body_limit: usize::try_from(c.body_limit_bytes).unwrap_or(usize::MAX),
            request_timeout: Duration::from_secs(c.request_timeout_secs.max(1)),
            session_hours: c.session_hours,
            // Checked by `Config::validate`: an entry that is no address cannot get here.
            trusted_proxies: c
                .trusted_proxies
                .iter()
                .filter_map(|p| p.trim().parse().ok())
                .collect(),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: Store,
    /// The company's display name.
    pub company: String,
    /// Limits.
    pub settings: Settings,
    /// Request metrics.
    pub metrics: http::metrics::Metrics,
    /// This node's search (lexical index, and semantic search when a model is loaded),
    /// following the store (absent: search answers 503).
    pub index: Option<Arc<Retriever>>,
    /// Customer conversations: the assistant, business hours, fan-out and widget limits.
    pub desk: Arc<desk::Desk>,
    /// The support events held for the Reports page, read from the log as it grows.
    pub reports: Arc<levier_report::EventCache>,
    /// Whether agents' replies to mails are sent over SMTP (`[smtp]` is configured): each
    /// is then queued as a `mail.send` task, which the workers run.
    pub smtp: bool,
    /// The generative models configured per use (`[llm.*]`); empty: extractive answers only.
    pub llm: Arc<llm::Llm>,
}

impl AppState {
    /// State for a server over `store`, without a search index.
    pub fn new(store: Store, company: String, config: &ServerConfig) -> AppState {
        AppState {
            store,
            company,
            settings: config.into(),
            metrics: Default::default(),
            index: None,
            desk: Arc::new(desk::Desk::new(
                &SupportConfig::default(),
                BusinessHours::new(&HoursConfig::default())
                    .expect("the default business hours are valid"),
                None,
            )),
            reports: Arc::new(levier_report::EventCache::new()),
            smtp: false,
            llm: Arc::new(llm::Llm::default()),
        }
    }

    /// The same state with these generative models.
    pub fn with_llm(mut self, llm: llm::Llm) -> AppState {
        self.llm = Arc::new(llm);
        self
    }

    /// The same state sending agents' replies to mails over SMTP (`true`) or not.
    pub fn with_smtp(mut self, on: bool) -> AppState {
        self.smtp = on;
        self
    }

    /// The same state with these conversation settings, business hours and assistant
    /// (`None`: every customer message is handed to a person).
    pub fn with_desk(mut self, desk: desk::Desk) -> AppState {
        self.desk = Arc::new(desk);
        self
    }

    /// The same state with a search index.
    pub fn with_index(mut self, index: Arc<Retriever>) -> AppState {
        self.index = Some(index);
        self
    }
}

/// The server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address is taken or not allowed.
    #[error("cannot listen on {addr}: {source}. Choose another address with --addr or LEVIER_ADDR")]
    Bind {
        /// The address asked for.
        addr: String,
        /// Why it failed.
        source: std::io::Error,
    },
    /// The server stopped on an I/O error.
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

/// The application: every route of the table behind its access rule, then the layers every
/// request goes through (request id and log, security headers, timeout, body limit).
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for route in routes::table() {
        let guarded = route.handler.layer(from_fn_with_state(
            (state.clone(), route.access),
            access::enforce,
        ));
        router = router.route(route.path, guarded);
    }
    router
        .route_layer(from_fn_with_state(
            state.metrics.clone(),
            http::metrics::middleware,
        ))
        .fallback(not_found)
        .with_state(state.clone())
        .layer(DefaultBodyLimit::max(state.settings.body_limit))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            state.settings.request_timeout,
        ))
        .layer(from_fn(http::security::middleware))
        .layer(from_fn(http::request_id::middleware))
}

async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        error::ApiError::from_status(axum::http::StatusCode::NOT_FOUND).into_response()
    } else {
        (
            axum::http::StatusCode::NOT_FOUND,
            axum::response::Html("<!doctype html><title>404</title><h1>404</h1>"),
        )
            .into_response()
    }
}

/// Binds `addr`, then serves until `shutdown` completes, letting requests in flight finish.
/// `on_ready` is called with the bound address (useful with port 0).
pub async fn serve(
    state: AppState,
    addr: &str,
    on_ready: impl FnOnce(SocketAddr),
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: addr.to_string(),
            source,
        })?;
    on_ready(listener.local_addr()?);
    let desk = state.desk.clone();
    let shutdown = async move {
        shutdown.await;
        // Event streams never finish by themselves; the graceful shutdown would wait for them.
        desk.hub.close();
    };
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    Ok(())
}
