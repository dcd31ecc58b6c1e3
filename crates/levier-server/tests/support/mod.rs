//! Test support: the real router over a fresh SQLite store, driven in-process with
//! `tower::ServiceExt::oneshot`.
//!
//! The peer address goes into each request as a `ConnectInfo<SocketAddr>` extension, exactly
//! as `axum::serve(.., into_make_service_with_connect_info)` puts it. (`MockConnectInfo` would
//! not do: the handlers' `ConnectInfo` extractor falls back to it, but the access check reads
//! the `ConnectInfo` extension itself, so every caller would look remote.)
//!
//! [`TestApp::new`] creates one user per role (all with [`PASSWORD`]); [`TestApp::login`] logs one
//! in through `GET /login` + `POST /login`, like a browser, and reads the session's CSRF token
//! from the home page's forms.
#![allow(dead_code)]

pub mod desk;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use levier_core::config::ServerConfig;
use levier_core::ids::UserId;
use levier_core::{Config, Role};
use levier_server::AppState;
use levier_store::Store;
use levier_store::directory::NewUser;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;
use tower::ServiceExt;

/// The password of every test user.
pub const PASSWORD: &str = "correct-horse-battery";

/// A browser on the machine that hosts levier.
pub fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 50_000))
}

/// A browser elsewhere (TEST-NET-3).
pub fn remote() -> SocketAddr {
    SocketAddr::from(([203, 0, 113, 7], 50_000))
}

/// Another remote address, `n` telling them apart (TEST-NET-2).
pub fn remote_n(n: u8) -> SocketAddr {
    SocketAddr::from(([198, 51, 100, n], 50_000))
}

/// One argon2 hash of [`PASSWORD`] shared by all test users (hashing costs ~50 ms each).
fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| levier_core::password::hash_password(PASSWORD).expect("hash"))
        .clone()
}

/// A user created by the fixture.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// Identifier.
    pub id: UserId,
    /// Login e-mail.
    pub email: String,
}

/// A logged-in browser: its session cookie and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    /// Value of `levier_session`.
    pub cookie: String,
    /// The token forms carry.
    pub csrf: String,
}

/// Who sends a request.
#[derive(Debug, Clone)]
pub enum Who {
    /// Nobody logged in (unsafe requests carry a double-submit CSRF cookie and header).
    Anonymous,
    /// A browser session.
    Session(Session),
    /// An API token (`Authorization: Bearer lvr_…`).
    Token(String),
}

/// A CSRF value an anonymous browser could have been given (64 hex characters).
pub const ANON_CSRF: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// A request under construction.
pub struct Req {
    method: Method,
    path: String,
    peer: SocketAddr,
    headers: Vec<(String, String)>,
    cookies: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Req {
    /// A request from the loopback address.
    pub fn new(method: &str, path: &str) -> Req {
        Req {
            method: method.parse().expect("method"),
            path: path.to_string(),
            peer: loopback(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: Vec::new(),
        }
    }

    /// `GET path`.
    pub fn get(path: &str) -> Req {
        Req::new("GET", path)
    }

    /// `POST path`.
    pub fn post(path: &str) -> Req {
        Req::new("POST", path)
    }

    /// Sent from `peer`.
    pub fn from(mut self, peer: SocketAddr) -> Req {
        self.peer = peer;
        self
    }

    /// With a header.
    pub fn header(mut self, name: &str, value: &str) -> Req {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// With a cookie.
    pub fn cookie(mut self, name: &str, value: &str) -> Req {
        self.cookies.push((name.into(), value.into()));
        self
    }

    /// With the credentials of `who` (no CSRF token: see [`Req::csrf`]).
    pub fn auth(self, who: &Who) -> Req {
        match who {
            Who::Anonymous => self,
            Who::Session(s) => self.cookie("levier_session", &s.cookie),
            Who::Token(t) => self.header("authorization", &format!("Bearer {t}")),
        }
    }

    /// With the credentials of `who` and, when it needs one, the CSRF token in the header.
    pub fn sent_by(self, who: &Who) -> Req {
        let req = self.auth(who);
        match who {
            Who::Anonymous => req
                .cookie("levier_csrf", ANON_CSRF)
                .header("x-csrf-token", ANON_CSRF),
            Who::Session(s) => req.header("x-csrf-token", &s.csrf),
            Who::Token(_) => req,
        }
    }

    /// With a JSON body.
    pub fn json(self, value: &serde_json::Value) -> Req {
        self.body("application/json", value.to_string().into_bytes())
    }

    /// With a urlencoded form body.
    pub fn form(self, fields: &[(&str, &str)]) -> Req {
        let body = serde_urlencoded::to_string(fields).expect("form");
        self.body("application/x-www-form-urlencoded", body.into_bytes())
    }

    /// With a body of some type.
    pub fn body(mut self, content_type: &str, body: Vec<u8>) -> Req {
        self.headers
            .push((header::CONTENT_TYPE.to_string(), content_type.into()));
        self.body = body;
        self
    }

    fn build(self) -> Request<Body> {
        let mut b = Request::builder().method(self.method).uri(self.path);
        for (k, v) in &self.headers {
            b = b.header(k, v);
        }
        if !self.cookies.is_empty() {
            let c: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            b = b.header(header::COOKIE, c.join("; "));
        }
        let mut request = b.body(Body::from(self.body)).expect("request");
        request.extensions_mut().insert(ConnectInfo(self.peer));
        request
    }
}

/// A response, its body read.
#[derive(Debug)]
pub struct Reply {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body, as text.
    pub body: String,
}

impl Reply {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `Location` of a redirect.
    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// The value a `Set-Cookie` of this response gives cookie `name`.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.set_cookie_line(name).and_then(|line| {
            line.split(';')
                .next()
                .and_then(|kv| kv.split_once('='))
                .map(|(_, v)| v.to_string())
        })
    }

    /// The whole `Set-Cookie` line of cookie `name`.
    pub fn set_cookie_line(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_string)
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }

    /// True for an `application/problem+json` response.
    pub fn is_problem(&self) -> bool {
        self.header("content-type") == Some("application/problem+json")
    }

    /// True for an HTML page.
    pub fn is_html(&self) -> bool {
        self.header("content-type")
            .is_some_and(|t| t.starts_with("text/html"))
    }

    /// The problem document, asserting the response is one with `status`.
    pub fn problem(&self, status: StatusCode) -> serde_json::Value {
        assert_eq!(self.status, status, "{}", self.body);
        assert!(self.is_problem(), "not a problem document: {self:?}");
        let p = self.json();
        assert_eq!(p["status"], status.as_u16(), "{p}");
        p
    }

    /// The value of the first hidden `_csrf` field of the page.
    pub fn csrf_field(&self) -> Option<String> {
        let marker = "name=\"_csrf\" value=\"";
        let start = self.body.find(marker)? + marker.len();
        let end = self.body[start..].find('"')?;
        Some(self.body[start..start + end].to_string())
    }
}

/// A levier server over a fresh SQLite store.
pub struct TestApp {
    /// The store.
    pub store: Store,
    /// The server state (shared by every request: metrics accumulate).
    pub state: AppState,
    /// The users created by [`TestApp::new`], by role.
    pub users: BTreeMap<Role, TestUser>,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// An installation without any account (first run).
    pub async fn empty() -> TestApp {
        TestApp::empty_with(&ServerConfig::default()).await
    }

    /// An installation without any account, with these server settings.
    pub async fn empty_with(server: &ServerConfig) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = Config {
            data_dir: dir.path().join("data"),
            ..Config::default()
        };
        let store = Store::open(&config).await.expect("open sqlite store");
        let state = AppState::new(store.clone(), "Ergolis".into(), server);
        TestApp {
            store,
            state,
            users: BTreeMap::new(),
            _dir: dir,
        }
    }

    /// An installation without any account over a fresh PostgreSQL database `levier_{name}_{pid}`
    /// on the test server (`LEVIER_TEST_POSTGRES_URL`, which `scripts/test` sets), or `None`
    /// after saying so when there is none.
    pub async fn on_postgres(name: &str) -> Option<TestApp> {
        use sqlx::Connection;
        let Ok(url) = std::env::var("LEVIER_TEST_POSTGRES_URL") else {
            eprintln!("*** {name} NOT TESTED on PostgreSQL: set LEVIER_TEST_POSTGRES_URL ***");
            return None;
        };
        let database = format!("levier_{name}_{}", std::process::id());
        sqlx::any::install_default_drivers();
        let mut admin = sqlx::AnyConnection::connect(&url).await.expect("connect");
        for sql in [
            format!("DROP DATABASE IF EXISTS {database}"),
            format!("CREATE DATABASE {database}"),
        ] {
            sqlx::query(&sql).execute(&mut admin).await.expect(&sql);
        }
        let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
        let dir = tempfile::tempdir().expect("temp dir");
        let config = Config {
            data_dir: dir.path().join("data"),
            database_url: format!("{base}/{database}"),
            ..Config::default()
        };
        let store = Store::open(&config).await.expect("open postgres store");
        let state = AppState::new(store.clone(), "Ergolis".into(), &ServerConfig::default());
        Some(TestApp {
            store,
            state,
            users: BTreeMap::new(),
            _dir: dir,
        })
    }

    /// A second node over the same store: a state of its own (hub, limits, answers being
    /// written), as another `levier serve` process sharing a PostgreSQL store has.
    pub fn another_node(&self) -> TestApp {
        TestApp {
            store: self.store.clone(),
            state: AppState::new(
                self.store.clone(),
                "Ergolis".into(),
                &ServerConfig::default(),
            ),
            users: self.users.clone(),
            _dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// An installation with one user per role (`admin@ergolis.test`, `agent@…`…).
    pub async fn new() -> TestApp {
        TestApp::with(&ServerConfig::default()).await
    }

    /// Like [`TestApp::new`], with these server settings.
    pub async fn with(server: &ServerConfig) -> TestApp {
        let mut app = TestApp::empty_with(server).await;
        for role in Role::ALL {
            let email = format!("{role}@ergolis.test");
            let name = format!("Test {role}");
            let id = app.add_user(&email, &name, role).await;
            app.users.insert(role, TestUser { id, email });
        }
        app
    }

    /// Creates an account with [`PASSWORD`] directly in the store.
    pub async fn add_user(&self, email: &str, display_name: &str, role: Role) -> UserId {
        self.store
            .create_user(
                &NewUser {
                    email: email.into(),
                    display_name: display_name.into(),
                    role,
                    password_hash: Some(password_hash()),
                    team: None,
                    groups: vec![],
                },
                None,
            )
            .await
            .expect("create user")
    }

    /// The temporary directory the installation lives in (its data dir is `data` inside).
    pub fn root(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// The fixture user of `role`.
    pub fn user(&self, role: Role) -> &TestUser {
        &self.users[&role]
    }

    /// The router (over the shared state).
    pub fn router(&self) -> Router {
        levier_server::router(self.state.clone())
    }

    /// Sends a request and returns the response unread (event streams are read as they come).
    pub async fn open(&self, req: Req) -> axum::response::Response {
        tokio::time::timeout(Duration::from_secs(30), self.router().oneshot(req.build()))
            .await
            .expect("response in time")
            .expect("infallible")
    }

    /// Sends a request and reads the whole response; an event stream's body, which never
    /// ends, is left unread (empty).
    pub async fn send(&self, req: Req) -> Reply {
        let response = self.open(req).await;
        let status = response.status();
        let headers = response.headers().clone();
        let streaming = headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
        let body = if streaming {
            String::new()
        } else {
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .expect("body");
            String::from_utf8_lossy(&bytes).into_owned()
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    /// `GET path` from loopback, anonymously.
    pub async fn get(&self, path: &str) -> Reply {
        self.send(Req::get(path)).await
    }

    /// The anonymous CSRF token a browser at `peer` gets with the login page (cookie and
    /// hidden field carry the same value).
    pub async fn anonymous_csrf(&self, peer: SocketAddr) -> String {
        let page = self.send(Req::get("/login").from(peer)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let cookie = page.set_cookie("levier_csrf").expect("levier_csrf cookie");
        assert_eq!(page.csrf_field().as_deref(), Some(cookie.as_str()));
        cookie
    }

    /// Submits the login form from `peer` as a browser would (anonymous CSRF `csrf` in both the
    /// cookie and the form); returns the response.
    pub async fn login_attempt(
        &self,
        peer: SocketAddr,
        email: &str,
        password: &str,
        csrf: &str,
    ) -> Reply {
        self.send(
            Req::post("/login")
                .from(peer)
                .cookie("levier_csrf", csrf)
                .form(&[("_csrf", csrf), ("email", email), ("password", password)]),
        )
        .await
    }

    /// Logs `email` in from loopback through the login form and returns the session.
    pub async fn login_email(&self, email: &str) -> Session {
        let csrf = self.anonymous_csrf(loopback()).await;
        let reply = self.login_attempt(loopback(), email, PASSWORD, &csrf).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "login: {}", reply.body);
        let cookie = reply
            .set_cookie("levier_session")
            .expect("levier_session cookie");
        self.session_of(cookie).await
    }

    /// Logs in the fixture user of `role`.
    pub async fn login(&self, role: Role) -> Session {
        let email = self.user(role).email.clone();
        self.login_email(&email).await
    }

    /// The session of a cookie value, its CSRF token read from the home page's forms.
    pub async fn session_of(&self, cookie: String) -> Session {
        let home = self
            .send(Req::get("/").cookie("levier_session", &cookie))
            .await;
        assert_eq!(home.status, StatusCode::OK, "home: {}", home.body);
        let csrf = home.csrf_field().expect("csrf field on the home page");
        Session { cookie, csrf }
    }

    /// Creates an API token through `POST /api/v1/tokens` as `who`; returns (id, secret).
    pub async fn create_token(&self, who: &Who, name: &str, role: Role) -> (i64, String) {
        let reply = self
            .send(
                Req::post("/api/v1/tokens")
                    .sent_by(who)
                    .json(&serde_json::json!({ "name": name, "role": role.as_str() })),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        let v = reply.json();
        (
            v["id"].as_i64().expect("id"),
            v["token"].as_str().expect("token").to_string(),
        )
    }

    /// The actions of the audit log, newest first, with their targets.
    pub async fn audit_actions(&self) -> Vec<(String, String)> {
        self.store
            .audit_entries(0, 500)
            .await
            .expect("audit")
            .into_iter()
            .map(|e| (e.action, e.target))
            .collect()
    }
}
