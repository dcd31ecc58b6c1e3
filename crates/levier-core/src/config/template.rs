//! The commented `levier.toml` that `levier init` writes.

use super::Config;

/// A commented configuration file holding the defaults, for `levier init`.
///
/// It is built from [`Config::default`] so a default changed in code is a default changed here;
/// a test checks that it parses back to the defaults.
pub fn commented_template() -> String {
    let d = Config::default();
    format!(
        r#"# levier configuration.
# Every setting can be overridden by an environment variable: LEVIER_ then the key in
# capitals, prefixed by its section (e.g. LEVIER_DATA_DIR, LEVIER_SERVER_BODY_LIMIT_BYTES).
# `levier config show` prints the effective configuration.

# Where levier keeps its database, indexes and models. Relative to this file.
data_dir = "data"

# Address of the web server and API (HOST:PORT). Use 0.0.0.0 to listen on every interface.
addr = "{addr}"

# Empty: the embedded SQLite database in data_dir (one server).
# postgres://USER:PASSWORD@HOST:5432/DB: a shared PostgreSQL store (several servers).
database_url = ""

# "text" for people, "json" for log collectors.
log_format = "text"

[store]
# Connections kept open to the database.
max_connections = {max_connections}
# How long a SQLite writer waits for another writer, in milliseconds.
busy_timeout_ms = {busy_timeout_ms}

[server]
# Largest accepted request body (uploads included), in bytes.
body_limit_bytes = {body_limit_bytes}
# Requests taking longer are abandoned, in seconds.
request_timeout_secs = {request_timeout_secs}
# How long a login lasts, in hours.
session_hours = {session_hours}
# Addresses of the reverse proxies in front of levier (e.g. ["127.0.0.1"] for an nginx on this
# machine): their X-Forwarded-For names the visitor; anyone else's is ignored.
trusted_proxies = []

[tasks]
# Long-running tasks (ingestion, re-indexing…) run at once by this process; 0 to run none.
workers = {workers}
# A task claimed by a worker that stops sending heartbeats is retaken after this many seconds.
lease_secs = {lease_secs}
# Attempts before a failing task is marked failed.
max_attempts = {max_attempts}
# First retry delay in seconds; it doubles after each failure.
retry_base_secs = {retry_base_secs}

[models]
# Where imported models live (`levier models import`); empty for data_dir/models.
dir = ""
# The sentence encoder of semantic search, by name (`levier models list`); empty for the one
# chosen with `levier models use`, or multilingual-e5-small once imported.
embedding = ""

[support]
# Longest message a customer may send through the website widget, in bytes.
message_max_bytes = {message_max_bytes}
# Widget requests a minute from one visitor address, then 429 with Retry-After.
requests_per_minute_per_ip = {requests_per_minute_per_ip}
# Customer messages a minute in one conversation.
messages_per_minute_per_conversation = {messages_per_minute_per_conversation}
# Service levels of handed-off conversations, in working hours (business hours).
first_response_working_hours = {first_response_working_hours}
resolution_working_hours = {resolution_working_hours}

# Reports written into a folder after each period: weekly (on Monday, the ISO week that ended)
# or monthly (on the 1st, the month that ended), as pdf, html, md, csv or json, in fr or en,
# optionally for one pilot, optionally mailed. Uncomment to use; repeat the block for more.
# [[reports.schedule]]
# name = "direction-mensuel"
# every = "monthly"
# format = "pdf"
# lang = "fr"
# folder = "/srv/levier/rapports"
# pilot = 1
# # Also mailed, attached, to these addresses (needs [smtp]).
# email = ["direction@example.fr"]

# Outgoing mail: agents' replies to mails (threaded under the customer's mail) and, with
# acknowledge = true, an acknowledgement of each routed mail giving the expected response time.
# Without a host nothing is sent: replies are only stored. security is "starttls" (port 587),
# "tls" (465) or "none" (a relay on this machine). The password is read from the environment
# variable password_env names, or from password_file; never written here. Uncomment to use.
# [smtp]
# host = "smtp.example.fr"
# port = 587
# security = "starttls"
# username = "support@example.fr"
# password_env = "SMTP_PASSWORD"
# from = "Support <support@example.fr>"
# acknowledge = false

# The support assistant's decisions, business hours and sensitive topics. Uncomment to change.
# [assistant.policy]
# # Calibrated probability of being right at or above which the bot answers (a site's pilot
# # may set its own).
# answer_at = 0.9
# # Whether a passage of a public document may answer when no FAQ entry does.
# passages = false
# [assistant.hours]
# timezone = "Europe/Paris"
# monday = ["09:00-18:00"]
# closed = ["2026-12-25"]
# [assistant.sensitive]
# refund = {{ topic = "remboursement important", above_eur = 300 }}
# [[assistant.sensitive.topics]]
# name = "litige"
# phrases = ["litige/litiges", "chargeback"]

"#,
        addr = d.addr,
        max_connections = d.store.max_connections,
        busy_timeout_ms = d.store.busy_timeout_ms,
        body_limit_bytes = d.server.body_limit_bytes,
        request_timeout_secs = d.server.request_timeout_secs,
        session_hours = d.server.session_hours,
        workers = d.tasks.workers,
        lease_secs = d.tasks.lease_secs,
        max_attempts = d.tasks.max_attempts,
        retry_base_secs = d.tasks.retry_base_secs,
        message_max_bytes = d.support.message_max_bytes,
        requests_per_minute_per_ip = d.support.requests_per_minute_per_ip,
        messages_per_minute_per_conversation = d.support.messages_per_minute_per_conversation,
        first_response_working_hours = d.support.first_response_working_hours,
        resolution_working_hours = d.support.resolution_working_hours,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    #[test]
    fn template_parses_back_to_defaults() {
        let parsed = Config::from_toml(&commented_template(), Path::new("/x/levier.toml"))
            .expect("template parses");
        let expected = Config {
            data_dir: PathBuf::from("/x/data"),
            ..Config::default()
        };
        assert_eq!(parsed, expected);
    }

    #[test]
    fn the_smtp_example_is_valid() {
        let template = commented_template();
        let start = template
            .find("# [smtp]")
            .expect("the template shows [smtp]");
        let block: Vec<&str> = template[start..]
            .lines()
            .take_while(|l| !l.trim().is_empty())
            .map(|l| l.strip_prefix("# ").unwrap_or(l))
            .collect();
        let config = Config::from_toml(&block.join("\n"), Path::new("/x/levier.toml"))
            .expect("the example parses");
        config.validate().expect("the example is valid");
        assert!(config.smtp.enabled());
    }
}
