//! Logging in: credentials checked against the argon2id hash, failures throttled per account
//! and per address (shared by every node through the store), a fresh session at each login.

use crate::AppState;
use crate::error::ApiError;
use levier_core::Timestamp;
use levier_core::password::verify_password;
use levier_store::accounts::NewSession;
use levier_store::directory::User;
use std::net::IpAddr;
use std::time::Duration;

/// Failed attempts allowed per window before further attempts are refused.
pub const MAX_FAILURES: i64 = 5;
/// The throttling window.
pub const WINDOW: Duration = Duration::from_secs(60);

/// Why a login did not open a session.
#[derive(Debug)]
pub enum LoginError {
    /// Wrong e-mail or password, or a disabled account (not told apart, on purpose).
    BadCredentials,
    /// Too many failures recently: wait this many seconds.
    Throttled(u64),
    /// The store failed.
    Failed(ApiError),
}

impl From<levier_store::StoreError> for LoginError {
    fn from(e: levier_store::StoreError) -> Self {
        LoginError::Failed(e.into())
    }
}

fn keys(email: &str, ip: Option<IpAddr>) -> Vec<String> {
    let mut keys = vec![format!("account:{}", email.trim().to_lowercase())];
    if let Some(ip) = ip {
        keys.push(format!("ip:{ip}"));
    }
    keys
}

/// Checks the credentials and opens a session, or says why not.
pub async fn login(
    state: &AppState,
    email: &str,
    password: &str,
    ip: Option<IpAddr>,
    user_agent: &str,
) -> Result<(User, NewSession), LoginError> {
    let keys = keys(email, ip);
    let now = Timestamp::now();
    let since = Timestamp(now.millis() - WINDOW.as_millis() as i64);
    for key in &keys {
        let (failures, oldest) = state.store.login_failures_since(key, since).await?;
        if failures >= MAX_FAILURES {
            let free_at = oldest.map_or(now.millis(), |o| o.millis() + WINDOW.as_millis() as i64);
            let wait = ((free_at - now.millis()) / 1000 + 1).max(1) as u64;
            return Err(LoginError::Throttled(wait));
        }
    }
    let ok = match state.store.credentials(email).await? {
        Some((user, Some(hash))) if !user.disabled => {
            let password = password.to_string();
            let verified = levier_core::cpu::run(move || verify_password(&password, &hash))
                .await
                .unwrap_or(false);
            verified.then_some(user)
        }
        _ => None,
    };
    let Some(user) = ok else {
        state.store.record_login_failure(&keys).await?;
        return Err(LoginError::BadCredentials);
    };
    state
        .store
        .clear_login_failures(Some(&keys[0]), since)
        .await?;
    let ttl = Duration::from_secs(state.settings.session_hours.max(1) * 3600);
    let ip = ip.map(|i| i.to_string()).unwrap_or_default();
    let session = state
        .store
        .create_session(user.id, ttl, &ip, user_agent)
        .await?;
    Ok((user, session))
}
