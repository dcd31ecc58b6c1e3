//! `LEVIER_*` environment overrides, derived from the settings themselves so that a new
//! setting is overridable without anyone remembering to add a variable for it.

use super::{Config, ConfigError};
use toml::{Table, Value};

/// Returns `config` with every `LEVIER_<SECTION>_<KEY>` (or `LEVIER_<KEY>` for top-level keys)
/// found in `vars` applied. Values are parsed to the setting's type; a bad value is an error
/// naming the variable. Variables that match no setting are returned so the caller can warn.
pub fn apply_env<I>(config: Config, vars: I) -> Result<(Config, Vec<String>), ConfigError>
where
    I: IntoIterator<Item = (String, String)>,
{
    let mut table = Table::try_from(&config).map_err(|e| ConfigError::Env {
        var: "?".into(),
        message: e.to_string(),
    })?;
    let mut unknown = Vec::new();
    for (var, raw) in vars {
        let Some(name) = var.strip_prefix("LEVIER_") else {
            continue;
        };
        if is_reserved(name) {
            continue;
        }
        match find_setting(&mut table, &name.to_ascii_lowercase()) {
            Some(slot) => {
                *slot = parse_like(slot, &raw).map_err(|message| ConfigError::Env {
                    var: var.clone(),
                    message,
                })?
            }
            None => unknown.push(var),
        }
    }
    let config = Value::Table(table)
        .try_into::<Config>()
        .map_err(|e| ConfigError::Env {
            var: "LEVIER_*".into(),
            message: e.to_string(),
        })?;
    Ok((config, unknown))
}

/// Variables that configure the binary itself or the test suite, not a setting.
fn is_reserved(name: &str) -> bool {
    name == "CONFIG" || name == "LOG" || name.starts_with("TEST_")
}

/// Finds the value a lowercased variable name designates: a top-level key (`data_dir`) or a
/// `section_key` pair (`server_body_limit_bytes`).
fn find_setting<'a>(table: &'a mut Table, name: &str) -> Option<&'a mut Value> {
    if table.get(name).is_some_and(|v| !v.is_table()) {
        return table.get_mut(name);
    }
    let section = table
        .iter()
        .filter(|(_, v)| v.is_table())
        .map(|(k, _)| k.clone())
        .find(|k| name.starts_with(&format!("{k}_")))?;
    let key = &name[section.len() + 1..];
    table
        .get_mut(&section)?
        .as_table_mut()?
        .get_mut(key)
        .filter(|v| !v.is_table())
}

fn parse_like(current: &Value, raw: &str) -> Result<Value, String> {
    match current {
        Value::Integer(_) => raw
            .trim()
            .parse::<i64>()
            .map(Value::Integer)
            .map_err(|_| format!("expected a whole number, got '{raw}'")),
        Value::Float(_) => raw
            .trim()
            .parse::<f64>()
            .map(Value::Float)
            .map_err(|_| format!("expected a number, got '{raw}'")),
        Value::Boolean(_) => match raw.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(Value::Boolean(true)),
            "false" | "0" | "no" | "off" => Ok(Value::Boolean(false)),
            _ => Err(format!("expected true or false, got '{raw}'")),
        },
        // A list of words, comma-separated (`LEVIER_SERVER_TRUSTED_PROXIES=127.0.0.1,::1`).
        Value::Array(_) => Ok(Value::Array(
            raw.split(',')
                .map(str::trim)
                .filter(|w| !w.is_empty())
                .map(|w| Value::String(w.to_string()))
                .collect(),
        )),
        _ => Ok(Value::String(raw.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn overrides_top_level_and_sections() {
        let (c, unknown) = apply_env(
            Config::default(),
            vars(&[
                ("LEVIER_DATA_DIR", "/var/lib/levier"),
                ("LEVIER_SERVER_BODY_LIMIT_BYTES", "1024"),
                ("LEVIER_LOG_FORMAT", "json"),
                ("LEVIER_TASKS_WORKERS", "0"),
                ("LEVIER_SERVER_TRUSTED_PROXIES", "127.0.0.1, ::1"),
                ("LEVIER_NOPE", "x"),
                ("LEVIER_TEST_POSTGRES_URL", "postgres://x"),
                ("HOME", "/root"),
            ]),
        )
        .expect("valid overrides");
        assert_eq!(c.data_dir, PathBuf::from("/var/lib/levier"));
        assert_eq!(c.server.body_limit_bytes, 1024);
        assert_eq!(c.log_format, crate::config::LogFormat::Json);
        assert_eq!(c.tasks.workers, 0);
        assert_eq!(c.server.trusted_proxies, vec!["127.0.0.1", "::1"]);
        assert_eq!(unknown, vec!["LEVIER_NOPE".to_string()]);
    }

    #[test]
    fn bad_value_names_the_variable() {
        let err = apply_env(
            Config::default(),
            vars(&[("LEVIER_STORE_MAX_CONNECTIONS", "lots")]),
        )
        .expect_err("not a number");
        assert!(
            err.to_string().contains("LEVIER_STORE_MAX_CONNECTIONS"),
            "{err}"
        );
        let err = apply_env(Config::default(), vars(&[("LEVIER_LOG_FORMAT", "xml")]))
            .expect_err("not a format");
        assert!(err.to_string().contains("xml"), "{err}");
    }
}
