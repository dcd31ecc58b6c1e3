//! The API key, read once when a client is built and kept out of every log and debug print.

use crate::llm::client::LlmError;
use crate::llm::config::ApiKeySource;
use std::fmt;

/// A provider's API key. Its `Debug` shows nothing of it, so a client printed by a panic, a
/// `tracing` field or an error report never carries the key.
#[derive(Clone)]
pub(crate) struct ApiKey(String);

impl ApiKey {
    /// Reads the key from where the configuration says it is.
    pub(crate) fn load(source: &ApiKeySource) -> Result<ApiKey, LlmError> {
        let raw = match source {
            ApiKeySource::Env(var) => std::env::var(var).map_err(|_| {
                LlmError::Config(format!(
                    "the API key's environment variable {var} is not set: set it or point api_key at a file"
                ))
            })?,
            ApiKeySource::File(path) => std::fs::read_to_string(path).map_err(|e| {
                LlmError::Config(format!(
                    "cannot read the API key file {}: {e}",
                    path.display()
                ))
            })?,
        };
        let key = raw.trim();
        if key.is_empty() {
            return Err(LlmError::Config(
                "the API key is empty: check the variable or file api_key names".into(),
            ));
        }
        Ok(ApiKey(key.to_owned()))
    }

    /// The key, for the `Authorization` header only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_from_a_file_is_trimmed_and_never_printed() {
        let path = std::env::temp_dir().join(format!("levier-key-{}", std::process::id()));
        std::fs::write(&path, "  sk-very-secret\n").expect("temp file");
        let key = ApiKey::load(&ApiKeySource::File(path.clone())).expect("readable");
        std::fs::remove_file(&path).ok();
        assert_eq!(key.expose(), "sk-very-secret");
        assert!(!format!("{key:?}").contains("secret"));
    }

    #[test]
    fn a_missing_variable_is_a_configuration_error_naming_it() {
        let err = ApiKey::load(&ApiKeySource::Env("LEVIER_TEST_NO_SUCH_KEY_VAR".into()))
            .expect_err("unset");
        assert!(err.to_string().contains("LEVIER_TEST_NO_SUCH_KEY_VAR"));
    }
}
