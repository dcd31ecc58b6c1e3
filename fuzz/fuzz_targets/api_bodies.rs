//! Fuzzes the JSON bodies of the API and of the public widget through the real router, over a
//! real SQLite store: each input is sent to one endpoint (its first byte picks which), as an
//! administrator's API token or as a visitor of a site carrying the widget. Whatever the body,
//! the answer is never a 500, and every refusal is a problem document.
#![no_main]

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use levier_assist::hours::{BusinessHours, HoursConfig};
use levier_core::config::{ServerConfig, SupportConfig};
use levier_core::{Config, Role};
use levier_server::AppState;
use levier_server::desk::Desk;
use levier_store::Store;
use levier_store::directory::NewUser;
use levier_store::support::NewSite;
use libfuzzer_sys::fuzz_target;
use std::net::SocketAddr;
use std::sync::OnceLock;
use tower::ServiceExt;

/// The origin the fuzzed site allows.
const ORIGIN: &str = "https://www.ergolis.fr";

/// Every endpoint that reads a JSON body: method, path (`{site}` is the site's key), and
/// whether the widget's visitor (rather than an administrator's token) sends it.
const ENDPOINTS: &[(&str, &str, bool)] = &[
    ("POST", "/api/v1/users", false),
    ("PATCH", "/api/v1/users/1", false),
    ("POST", "/api/v1/sites", false),
    ("PATCH", "/api/v1/sites/1", false),
    ("POST", "/api/v1/groups", false),
    ("POST", "/api/v1/tokens", false),
    ("PUT", "/api/v1/leads/mappings/fuzz", false),
    ("POST", "/api/v1/leads/1/dismiss", false),
    ("POST", "/api/v1/leads/1/outcome", false),
    ("POST", "/api/v1/leads/1/merge", false),
    ("POST", "/api/v1/mails/1/category", false),
    ("POST", "/api/v1/mail-rules", false),
    ("PUT", "/api/v1/mail-rules/1", false),
    ("POST", "/api/v1/tickets/1/assign", false),
    ("POST", "/api/v1/tickets/1/reply", false),
    ("POST", "/api/v1/tickets/1/notes", false),
    ("POST", "/api/v1/messages/1/verdict", false),
    ("POST", "/api/v1/messages/1/faq-entry", false),
    ("POST", "/api/v1/messages/1/faq-phrasing", false),
    ("POST", "/api/v1/faq", false),
    ("PATCH", "/api/v1/faq/1", false),
    ("POST", "/api/v1/faq/1/phrasings", false),
    ("POST", "/api/v1/widget/{site}/conversations", true),
    ("POST", "/api/v1/widget/{site}/messages", true),
    ("POST", "/api/v1/widget/{site}/rating", true),
    ("POST", "/api/v1/widget/{site}/helpful", true),
];

/// The server, built once: the router's state, an administrator's token, the site's key and a
/// conversation's token. The temporary directory lives as long as the process.
struct Fixture {
    runtime: tokio::runtime::Runtime,
    state: AppState,
    admin_token: String,
    site_key: String,
    conversation_token: String,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let dir = tempfile::tempdir().expect("temp dir").keep();
        let (state, admin_token, site_key) = runtime.block_on(server(dir.join("data")));
        let conversation_token = runtime.block_on(start_conversation(&state, &site_key));
        Fixture {
            runtime,
            state,
            admin_token,
            site_key,
            conversation_token,
        }
    })
}

/// A store with an administrator (and their API token) and a site, behind a desk whose rate
/// limits a fuzzer cannot reach.
async fn server(data_dir: std::path::PathBuf) -> (AppState, String, String) {
    let config = Config {
        data_dir,
        ..Config::default()
    };
    let store = Store::open(&config).await.expect("store");
    let admin_id = store
        .create_user(
            &NewUser {
                email: "admin@ergolis.test".into(),
                display_name: "Admin".into(),
                role: Role::Admin,
                password_hash: None,
                team: None,
                groups: vec![],
            },
            None,
        )
        .await
        .expect("admin");
    let admin = store
        .user_by_id(admin_id)
        .await
        .expect("read")
        .expect("admin");
    let (_, admin_token) = store
        .create_api_token(&admin, "fuzz", Role::Admin, None)
        .await
        .expect("token");
    let site = store
        .create_site(&NewSite {
            name: "Ergolis".into(),
            allowed_origins: vec![ORIGIN.into()],
            default_language: "fr".into(),
            pilot_scope: Default::default(),
        })
        .await
        .expect("site");
    let support = SupportConfig {
        requests_per_minute_per_ip: u32::MAX,
        messages_per_minute_per_conversation: u32::MAX,
        ..SupportConfig::default()
    };
    let hours = BusinessHours::new(&HoursConfig::default()).expect("hours");
    let state = AppState::new(store, "Ergolis".into(), &ServerConfig::default())
        .with_desk(Desk::new(&support, hours, None));
    (state, admin_token, site.site_key)
}

async fn start_conversation(state: &AppState, site_key: &str) -> String {
    let path = format!("/api/v1/widget/{site_key}/conversations");
    let request = visitor_request("POST", &path, b"{}", "");
    let response = levier_server::router(state.clone())
        .oneshot(request)
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::CREATED);
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let started: serde_json::Value = serde_json::from_slice(&body).expect("json");
    started["token"].as_str().expect("token").to_owned()
}

fn request(method: &str, path: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json")
}

fn finish(builder: axum::http::request::Builder, body: &[u8]) -> Request<Body> {
    let mut request = builder.body(Body::from(body.to_vec())).expect("request");
    let peer = SocketAddr::from(([203, 0, 113, 7], 50_000));
    request.extensions_mut().insert(ConnectInfo(peer));
    request
}

fn visitor_request(method: &str, path: &str, body: &[u8], conversation: &str) -> Request<Body> {
    let builder = request(method, path).header("origin", ORIGIN);
    let builder = if conversation.is_empty() {
        builder
    } else {
        builder.header("x-conversation-token", conversation)
    };
    finish(builder, body)
}

fn admin_request(method: &str, path: &str, body: &[u8], token: &str) -> Request<Body> {
    let builder = request(method, path).header("authorization", format!("Bearer {token}"));
    finish(builder, body)
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, body)) = data.split_first() else {
        return;
    };
    let fixture = fixture();
    let (method, path, widget) = ENDPOINTS[usize::from(choice) % ENDPOINTS.len()];
    let path = path.replace("{site}", &fixture.site_key);
    let request = if widget {
        visitor_request(method, &path, body, &fixture.conversation_token)
    } else {
        admin_request(method, &path, body, &fixture.admin_token)
    };
    let router = levier_server::router(fixture.state.clone());
    let response = fixture
        .runtime
        .block_on(router.oneshot(request))
        .expect("infallible");
    let status = response.status();
    assert!(
        !status.is_server_error(),
        "{method} {path} answered {status} to {:?}",
        String::from_utf8_lossy(body)
    );
    if status.is_client_error() {
        let kind = response.headers().get(header::CONTENT_TYPE);
        assert_eq!(
            kind.and_then(|v| v.to_str().ok()),
            Some("application/problem+json"),
            "{method} {path} refused {:?} without a problem document",
            String::from_utf8_lossy(body)
        );
    }
});
