//! levier's configuration: one TOML file, every setting overridable by a `LEVIER_*` variable.
//!
//! Precedence, lowest first: built-in defaults, the file, the environment, command-line flags
//! (applied by the binary). Unknown keys and wrong types are errors that name the file, the line
//! and the key, because a silently ignored typo in a production config is worse than a refusal.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

mod env;
mod template;

pub use env::apply_env;
pub use template::commented_template;

/// The effective configuration of a levier process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Directory holding the SQLite database, indexes and models.
    pub data_dir: PathBuf,
    /// Address the HTTP server listens on, as HOST:PORT.
    pub addr: String,
    /// Empty for the embedded SQLite store, or a `postgres://` URL to share one store between nodes.
    pub database_url: String,
    /// Log output: `text` for people, `json` for log collectors.
    pub log_format: LogFormat,
    /// Store tuning.
    pub store: StoreConfig,
    /// HTTP server limits.
    pub server: ServerConfig,
    /// Durable task workers.
    pub tasks: TaskConfig,
    /// Local models (the sentence encoder of semantic search).
    pub models: ModelsConfig,
    /// The support assistant's public widget and its service levels.
    pub support: SupportConfig,
    /// The support assistant's decisions, business hours and sensitive topics (`[assistant]`:
    /// `policy`, `hours`, `sensitive`). Kept as written: they are the assistant's own settings
    /// (`levier_assist::AssistantSettings`, which this crate cannot name), checked, with any
    /// unknown key refused, when the server starts.
    pub assistant: toml::Table,
    /// Reports written on a schedule (`[[reports.schedule]]`).
    pub reports: ReportsConfig,
    /// Generative models per use (`[llm.assistant]`, `[llm.internal_qa]`…). Kept as written:
    /// they are `levier_assist::llm::LlmUses`, which this crate cannot name, checked with any
    /// unknown key refused when the server starts.
    pub llm: toml::Table,
    /// Outgoing mail (`[smtp]`): agents' replies to mails and acknowledgements.
    pub smtp: SmtpConfig,
}

/// The SMTP server levier sends mail through. An empty `host` sends nothing: replies to mails
/// are then only stored. Holds where the password is, never the password, so the section can
/// be shown and logged as it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmtpConfig {
    /// The server's name (`smtp.example.fr`); empty: no mail is sent.
    pub host: String,
    /// Its port: 587 for STARTTLS, 465 for TLS, 25 between servers.
    pub port: u16,
    /// How the connection is protected.
    pub security: SmtpSecurity,
    /// The login; empty for a server that needs none (a relay on the same machine).
    pub username: String,
    /// The environment variable holding the password (e.g. `SMTP_PASSWORD`).
    pub password_env: String,
    /// Or the file holding it (surrounding whitespace ignored).
    pub password_file: PathBuf,
    /// The sender of every mail levier writes (`Support Ergolis <support@ergolis.fr>`).
    pub from: String,
    /// Whether each mail routed to the inbox is answered at once with an acknowledgement
    /// saying when a person will reply.
    pub acknowledge: bool,
}

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain text: only for a relay on this machine or a test sink.
    None,
    /// Plain connection upgraded to TLS by STARTTLS (required, never skipped).
    Starttls,
    /// TLS from the first byte (SMTPS, port 465).
    Tls,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        SmtpConfig {
            host: String::new(),
            port: 587,
            security: SmtpSecurity::Starttls,
            username: String::new(),
            password_env: String::new(),
            password_file: PathBuf::new(),
            from: String::new(),
            acknowledge: false,
        }
    }
}

impl SmtpConfig {
    /// Whether mail is sent at all.
    pub fn enabled(&self) -> bool {
        !self.host.trim().is_empty()
    }

    /// Checks the section: a usable sender, a port, one place for the password when there is
    /// a login, and no password sent in clear to another machine.
    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key: &str, message: String| ConfigError::Invalid {
            key: format!("smtp.{key}"),
            message,
        };
        if !self.enabled() {
            return match self.acknowledge {
                true => Err(invalid("acknowledge", "needs smtp.host to send".into())),
                false => Ok(()),
            };
        }
        if self.port == 0 {
            return Err(invalid("port", "must be 1 to 65535 (587, 465, 25)".into()));
        }
        if !looks_like_address(&self.from) {
            return Err(invalid(
                "from",
                format!(
                    "'{}' is not an address (e.g. \"Support <support@example.fr>\")",
                    self.from
                ),
            ));
        }
        let places = [
            !self.password_env.trim().is_empty(),
            !self.password_file.as_os_str().is_empty(),
        ];
        match (self.username.trim().is_empty(), places) {
            (false, [false, false]) => Err(invalid(
                "username",
                "needs password_env or password_file".into(),
            )),
            (_, [true, true]) => Err(invalid(
                "password_env",
                "give password_env or password_file, not both".into(),
            )),
            (false, _) if self.security == SmtpSecurity::None && !is_loopback(&self.host) => {
                Err(invalid(
                    "security",
                    "\"none\" would send the password in clear: use starttls or tls".into(),
                ))
            }
            _ => Ok(()),
        }
    }
}

/// `user@domain`, bare or as `Name <user@domain>`.
fn looks_like_address(raw: &str) -> bool {
    let raw = raw.trim();
    let address = match (raw.rfind('<'), raw.ends_with('>')) {
        (Some(open), true) => &raw[open + 1..raw.len() - 1],
        _ => raw,
    };
    address
        .split_once('@')
        .is_some_and(|(user, domain)| !user.is_empty() && !domain.is_empty())
        && !address.contains(char::is_whitespace)
}

/// `localhost` or a loopback IP address.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Reports levier writes by itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportsConfig {
    /// Each scheduled report.
    pub schedule: Vec<ReportSchedule>,
}

/// How often a scheduled report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Every {
    /// On Monday, for the ISO week that just ended.
    Weekly,
    /// On the 1st, for the month that just ended.
    Monthly,
}

/// A report written into a folder after each week or month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSchedule {
    /// Its name: letters, digits and dashes (it names the files).
    pub name: String,
    /// Weekly or monthly.
    pub every: Every,
    /// `pdf`, `html`, `md`, `csv` or `json`.
    #[serde(default = "default_report_format")]
    pub format: String,
    /// `fr` or `en`.
    #[serde(default = "default_report_lang")]
    pub lang: String,
    /// The folder the files are written into (created when missing).
    pub folder: PathBuf,
    /// A pilot whose report this is.
    #[serde(default)]
    pub pilot: Option<i64>,
    /// Addresses the written report is also mailed to, attached (needs `[smtp]`).
    #[serde(default)]
    pub email: Vec<String>,
}

fn default_report_format() -> String {
    "pdf".into()
}

fn default_report_lang() -> String {
    "fr".into()
}

/// The formats a scheduled report may be written in.
pub const REPORT_FORMATS: [&str; 5] = ["pdf", "html", "md", "csv", "json"];

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Store tuning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    /// Maximum connections in the pool.
    pub max_connections: u32,
    /// How long a SQLite writer waits for a lock before failing, in milliseconds.
    pub busy_timeout_ms: u64,
}

/// HTTP server limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: u64,
    /// Time after which a request is abandoned, in seconds.
    pub request_timeout_secs: u64,
    /// How long a login lasts without logging in again, in hours.
    pub session_hours: u64,
    /// Addresses of the reverse proxies in front of levier (e.g. `["127.0.0.1"]` for an nginx
    /// on the same machine). A request from one of them is counted for the visitor its
    /// `X-Forwarded-For` names (per-visitor limits, audit); from anyone else, that header is
    /// ignored, so that a visitor cannot choose the address counted against them.
    pub trusted_proxies: Vec<String>,
}

/// Durable task workers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TaskConfig {
    /// Number of tasks one process runs at once (0 disables the worker in this process).
    pub workers: u32,
    /// How long a claimed task stays reserved without a heartbeat, in seconds.
    pub lease_secs: u64,
    /// Attempts before a failing task is given up.
    pub max_attempts: u32,
    /// First retry delay in seconds; doubles at each attempt.
    pub retry_base_secs: u64,
}

/// Local models.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModelsConfig {
    /// Where imported models live, one directory each; empty for `DATA_DIR/models`.
    pub dir: PathBuf,
    /// The embedding model to use, by name; empty for the one chosen with `levier models use`
    /// (or the default model when it is imported).
    pub embedding: String,
}

/// The customer-facing widget's limits and the tickets' service levels.
///
/// Rate limits are per minute and count every widget request (per visitor address) and every
/// customer message (per conversation): enough for a person typing, too few for a script.
/// Service levels are counted in working hours of `[assistant.hours]`, so a Friday-evening
/// message is not late on Monday morning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SupportConfig {
    /// Longest customer message, in bytes (UTF-8).
    pub message_max_bytes: u64,
    /// Widget requests a minute from one address.
    pub requests_per_minute_per_ip: u32,
    /// Customer messages a minute in one conversation.
    pub messages_per_minute_per_conversation: u32,
    /// Working hours within which a person must first answer a handed-off conversation.
    pub first_response_working_hours: u32,
    /// Working hours within which a handed-off conversation must be resolved.
    pub resolution_working_hours: u32,
}

impl Default for SupportConfig {
    fn default() -> Self {
        SupportConfig {
            message_max_bytes: 4000,
            requests_per_minute_per_ip: 120,
            messages_per_minute_per_conversation: 20,
            first_response_working_hours: 4,
            resolution_working_hours: 16,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("levier-data"),
            addr: "127.0.0.1:8080".to_string(),
            database_url: String::new(),
            log_format: LogFormat::Text,
            store: StoreConfig::default(),
            server: ServerConfig::default(),
            tasks: TaskConfig::default(),
            models: ModelsConfig::default(),
            support: SupportConfig::default(),
            assistant: toml::Table::new(),
            reports: ReportsConfig::default(),
            llm: toml::Table::new(),
            smtp: SmtpConfig::default(),
        }
    }
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            max_connections: 8,
            busy_timeout_ms: 10_000,
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            body_limit_bytes: 50 * 1024 * 1024,
            request_timeout_secs: 60,
            session_hours: 12,
            trusted_proxies: Vec::new(),
        }
    }
}

impl Default for TaskConfig {
    fn default() -> Self {
        TaskConfig {
            workers: 2,
            lease_secs: 30,
            max_attempts: 5,
            retry_base_secs: 5,
        }
    }
}

/// The configuration could not be read or is invalid.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file is not valid TOML, or a key is unknown or of the wrong type.
    #[error("{path}:{line}:{column}: setting `{key}`: {message}")]
    File {
        /// The configuration file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// The dotted key involved (`server.body_limit_bytes`), or `?` when unknown.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// A `LEVIER_*` variable holds a value of the wrong type.
    #[error("environment variable {var}: {message}")]
    Env {
        /// The variable's name.
        var: String,
        /// What is wrong.
        message: String,
    },
    /// A value is well-typed but unusable.
    #[error("setting `{key}`: {message}")]
    Invalid {
        /// The dotted key.
        key: String,
        /// What is wrong and what to do.
        message: String,
    },
}

impl Config {
    /// Parses a configuration file's text; `path` is used in error messages and to resolve
    /// a relative `data_dir` against the file's directory.
    pub fn from_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| file_error(text, path, &e))?;
        if config.data_dir.is_relative()
            && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        {
            config.data_dir = dir.join(&config.data_dir);
        }
        Ok(config)
    }

    /// Checks the values that types alone cannot check.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !self.database_url.is_empty()
            && !self.database_url.starts_with("postgres://")
            && !self.database_url.starts_with("postgresql://")
        {
            return Err(ConfigError::Invalid {
                key: "database_url".into(),
                message: "must be empty (embedded SQLite) or a postgres:// URL".into(),
            });
        }
        if self
            .addr
            .rsplit_once(':')
            .is_none_or(|(_, p)| p.parse::<u16>().is_err())
        {
            return Err(ConfigError::Invalid {
                key: "addr".into(),
                message: format!("'{}' is not HOST:PORT (e.g. 127.0.0.1:8080)", self.addr),
            });
        }
        if let Some(bad) = self
            .server
            .trusted_proxies
            .iter()
            .find(|p| p.trim().parse::<std::net::IpAddr>().is_err())
        {
            return Err(ConfigError::Invalid {
                key: "server.trusted_proxies".into(),
                message: format!("'{bad}' is not an IP address (e.g. 127.0.0.1)"),
            });
        }
        self.validate_schedules()?;
        self.smtp.validate()?;
        if self.store.max_connections == 0 {
            return Err(ConfigError::Invalid {
                key: "store.max_connections".into(),
                message: "must be at least 1".into(),
            });
        }
        Ok(())
    }

    /// Each scheduled report has a unique file-safe name, a known format and language, and a
    /// folder.
    fn validate_schedules(&self) -> Result<(), ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            key: "reports.schedule".into(),
            message,
        };
        let mut names = std::collections::HashSet::new();
        for s in &self.reports.schedule {
            let safe = !s.name.is_empty()
                && s.name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !safe {
                return Err(invalid(format!(
                    "name '{}' must be letters, digits and dashes",
                    s.name
                )));
            }
            if !names.insert(s.name.as_str()) {
                return Err(invalid(format!("two schedules are named '{}'", s.name)));
            }
            if !REPORT_FORMATS.contains(&s.format.as_str()) {
                return Err(invalid(format!(
                    "'{}': format '{}' is not one of {}",
                    s.name,
                    s.format,
                    REPORT_FORMATS.join(", ")
                )));
            }
            if !["fr", "en"].contains(&s.lang.as_str()) {
                return Err(invalid(format!("'{}': lang must be fr or en", s.name)));
            }
            if s.folder.as_os_str().is_empty() {
                return Err(invalid(format!("'{}' needs a folder", s.name)));
            }
            if let Some(bad) = s.email.iter().find(|a| !looks_like_address(a)) {
                return Err(invalid(format!(
                    "'{}': email '{bad}' is not an address",
                    s.name
                )));
            }
            if !s.email.is_empty() && !self.smtp.enabled() {
                return Err(invalid(format!(
                    "'{}': email needs [smtp] with a host",
                    s.name
                )));
            }
        }
        Ok(())
    }

    /// The directory of imported models: `models.dir`, or `DATA_DIR/models` when it is empty.
    pub fn models_dir(&self) -> PathBuf {
        if self.models.dir.as_os_str().is_empty() {
            self.data_dir.join("models")
        } else {
            self.models.dir.clone()
        }
    }

    /// The configuration as TOML with secrets (passwords in URLs) masked, for display.
    pub fn to_masked_toml(&self) -> String {
        let mut shown = self.clone();
        shown.database_url = mask_url_password(&self.database_url);
        toml::to_string_pretty(&shown).unwrap_or_else(|e| format!("# cannot display: {e}\n"))
    }
}

/// Replaces the password of a URL by `***` so it can be shown or logged. A URL that does not
/// parse (a port out of range, say) is masked by hand: everything between the user name and
/// the last `@` is hidden, so a typo elsewhere in the URL never leaks the password.
pub fn mask_url_password(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut u) if u.password().is_some() => {
            // set_password only fails for URLs that cannot have one, excluded by the guard.
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(_) => raw.to_string(),
        Err(_) => mask_by_hand(raw),
    }
}

fn mask_by_hand(raw: &str) -> String {
    let Some((scheme, rest)) = raw.split_once("://") else {
        return raw.to_string();
    };
    let Some(at) = rest.rfind('@') else {
        return raw.to_string();
    };
    match rest[..at].split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***{}", &rest[at..]),
        None => raw.to_string(),
    }
}

fn file_error(text: &str, path: &Path, e: &toml::de::Error) -> ConfigError {
    let offset = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    ConfigError::File {
        path: path.to_path_buf(),
        line,
        column,
        key: key_at(text, line),
        message: e.message().to_string(),
    }
}

/// The dotted key defined on `line` (1-based), qualified by the table header above it.
fn key_at(text: &str, line: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some(current) = lines.get(line.saturating_sub(1)) else {
        return "?".into();
    };
    let key = current
        .split_once('=')
        .map(|(k, _)| k.trim().to_string())
        .unwrap_or_else(|| current.trim().trim_matches(['[', ']']).to_string());
    let table = lines[..line.saturating_sub(1)]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| l.starts_with('[') && l.ends_with(']'))
        .map(|l| l.trim_matches(['[', ']']).trim().to_string());
    match table {
        Some(t) if !current.trim_start().starts_with('[') => format!("{t}.{key}"),
        _ => key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        Config::default().validate().expect("defaults validate");
    }

    #[test]
    fn scheduled_reports_are_read_and_checked() {
        let schedule = |extra: &str| {
            format!(
                "[[reports.schedule]]\nname = \"direction\"\nevery = \"monthly\"\n\
                 folder = \"/srv/rapports\"\n{extra}"
            )
        };
        let path = Path::new("/etc/levier.toml");
        let config = Config::from_toml(&schedule(""), path).expect("parses");
        config.validate().expect("valid");
        let s = &config.reports.schedule[0];
        assert_eq!(
            (s.every, s.format.as_str(), s.lang.as_str()),
            (Every::Monthly, "pdf", "fr")
        );
        for (extra, said) in [
            ("format = \"docx\"", "format 'docx'"),
            ("lang = \"de\"", "lang must be fr or en"),
        ] {
            let config = Config::from_toml(&schedule(extra), path).expect("parses");
            let err = config.validate().expect_err(extra).to_string();
            assert!(err.contains(said), "{err}");
        }
        let twice = format!("{}{}", schedule(""), schedule(""));
        let err = Config::from_toml(&twice, path)
            .unwrap()
            .validate()
            .unwrap_err();
        assert!(err.to_string().contains("two schedules"), "{err}");
        let bad_name = schedule("").replace("direction", "../etc");
        let err = Config::from_toml(&bad_name, path)
            .unwrap()
            .validate()
            .unwrap_err();
        assert!(
            err.to_string().contains("letters, digits and dashes"),
            "{err}"
        );
        assert!(
            Config::from_toml(&schedule("").replace("monthly", "daily"), path).is_err(),
            "a schedule is weekly or monthly"
        );
        let mailed = schedule("email = [\"direction@ergolis.fr\"]\n");
        let err = Config::from_toml(&mailed, path)
            .unwrap()
            .validate()
            .unwrap_err();
        assert!(err.to_string().contains("needs [smtp]"), "{err}");
        let with_smtp = format!("{mailed}[smtp]\nhost = \"smtp.example.fr\"\nfrom = \"a@b.fr\"\n");
        let config = Config::from_toml(&with_smtp, path).unwrap();
        config.validate().unwrap();
        assert_eq!(
            config.reports.schedule[0].email,
            vec!["direction@ergolis.fr"]
        );
        let err = Config::from_toml(
            &with_smtp.replace("direction@ergolis.fr", "direction"),
            path,
        )
        .unwrap()
        .validate()
        .unwrap_err();
        assert!(err.to_string().contains("not an address"), "{err}");
    }

    #[test]
    fn smtp_is_read_and_checked() {
        let path = Path::new("/etc/levier.toml");
        let section = |extra: &str| {
            format!(
                "[smtp]\nhost = \"smtp.example.fr\"\nfrom = \"Support <support@example.fr>\"\n{extra}"
            )
        };
        let c = Config::from_toml(&section("security = \"tls\"\nport = 465"), path).unwrap();
        c.validate().unwrap();
        assert!(c.smtp.enabled());
        assert_eq!((c.smtp.security, c.smtp.port), (SmtpSecurity::Tls, 465));
        assert!(!Config::default().smtp.enabled(), "no host, no mail");
        for (extra, key, said) in [
            (
                "username = \"u\"",
                "smtp.username",
                "password_env or password_file",
            ),
            (
                "username = \"u\"\npassword_env = \"P\"\npassword_file = \"/p\"",
                "smtp.password_env",
                "not both",
            ),
            (
                "username = \"u\"\npassword_env = \"P\"\nsecurity = \"none\"",
                "smtp.security",
                "in clear",
            ),
            ("port = 0", "smtp.port", "1 to 65535"),
        ] {
            let err = Config::from_toml(&section(extra), path)
                .unwrap()
                .validate()
                .expect_err(extra)
                .to_string();
            assert!(err.contains(key) && err.contains(said), "{extra}: {err}");
        }
        let local = section("username = \"u\"\npassword_env = \"P\"\nsecurity = \"none\"")
            .replace("smtp.example.fr", "127.0.0.1");
        Config::from_toml(&local, path).unwrap().validate().unwrap();
        let err = Config::from_toml(
            &section("").replace("Support <support@example.fr>", "support"),
            path,
        )
        .unwrap()
        .validate()
        .unwrap_err();
        assert!(err.to_string().contains("smtp.from"), "{err}");
        let err = Config::from_toml("[smtp]\nacknowledge = true\n", path)
            .unwrap()
            .validate()
            .unwrap_err();
        assert!(err.to_string().contains("smtp.acknowledge"), "{err}");
        assert!(
            Config::from_toml(&section("security = \"ssl\""), path).is_err(),
            "none, starttls or tls"
        );
        let shown = c.to_masked_toml();
        assert!(
            shown.contains("[smtp]") && !shown.contains("password ="),
            "{shown}"
        );
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let text = "addr = \"127.0.0.1:9000\"\n\n[server]\nbody_limit = 10\n";
        let err = Config::from_toml(text, Path::new("/etc/levier.toml")).expect_err("unknown key");
        let msg = err.to_string();
        assert!(msg.starts_with("/etc/levier.toml:4:"), "{msg}");
        assert!(msg.contains("`server.body_limit`"), "{msg}");
        assert!(msg.contains("unknown field"), "{msg}");
    }

    #[test]
    fn wrong_type_names_the_key() {
        let text = "[tasks]\nworkers = \"many\"\n";
        let err = Config::from_toml(text, Path::new("l.toml")).expect_err("wrong type");
        let msg = err.to_string();
        assert!(msg.starts_with("l.toml:2:"), "{msg}");
        assert!(msg.contains("`tasks.workers`"), "{msg}");
    }

    #[test]
    fn relative_data_dir_follows_the_file() {
        let c = Config::from_toml("data_dir = \"data\"\n", Path::new("/srv/acme/levier.toml"))
            .expect("valid");
        assert_eq!(c.data_dir, PathBuf::from("/srv/acme/data"));
    }

    #[test]
    fn password_is_masked() {
        let c = Config {
            database_url: "postgres://levier:s3cret@db:5432/levier".into(),
            ..Config::default()
        };
        let shown = c.to_masked_toml();
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("levier:***@db"), "{shown}");
        let unparseable = mask_url_password("postgres://levier:s3cret@db:99999/levier");
        assert_eq!(unparseable, "postgres://levier:***@db:99999/levier");
        assert_eq!(
            mask_url_password("postgres://db/levier"),
            "postgres://db/levier"
        );
    }

    #[test]
    fn validate_rejects_bad_values() {
        let c = Config {
            database_url: "mysql://x".into(),
            ..Config::default()
        };
        assert!(c.validate().is_err());
        let c = Config {
            addr: "localhost".into(),
            ..Config::default()
        };
        assert!(c.validate().is_err());
        let mut c = Config::default();
        c.server.trusted_proxies = vec!["10.0.0.0/8".into()];
        let e = c.validate().expect_err("not an address").to_string();
        assert!(e.contains("server.trusted_proxies"), "{e}");
    }
}
