//! Sessions, API tokens and login throttling: what the server needs to know who is calling.
//!
//! Secrets (session cookies, API tokens) are random 256-bit values shown to their holder once;
//! the store keeps only their sha256, so reading the database does not let anyone log in.

use crate::directory::User;
use crate::{Store, StoreError, StoreResult};
use levier_core::ids::UserId;
use levier_core::{Role, Timestamp};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::time::Duration;

/// A new random secret, hex-encoded (256 bits).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The stored form of a secret.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A session just opened: the cookie value (give it to the browser, never store it) and its
/// CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The cookie value.
    pub token: String,
    /// The token forms must echo back.
    pub csrf: String,
}

/// A live session and its user.
#[derive(Debug, Clone)]
pub struct Session {
    /// Who is logged in.
    pub user: User,
    /// The CSRF token of this session.
    pub csrf: String,
    /// When it ends.
    pub expires_at: Timestamp,
}

/// An API token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ApiToken {
    /// Identifier.
    pub id: i64,
    /// Owner.
    pub user_id: UserId,
    /// Owner's e-mail.
    pub user_email: String,
    /// What it is for.
    pub name: String,
    /// First characters of the secret, to recognise it.
    pub prefix: String,
    /// The role it acts with (never above its owner's).
    pub role: Role,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it stops working, if ever.
    pub expires_at: Option<Timestamp>,
    /// When it was revoked.
    pub revoked_at: Option<Timestamp>,
    /// When it was last used.
    pub last_used_at: Option<Timestamp>,
}

/// How precisely a token's last use is recorded.
const LAST_USED_PRECISION_MS: i64 = 60_000;

/// The prefix of every API token, so leaked tokens are easy to find in logs and repositories.
pub const TOKEN_PREFIX: &str = "lvr_";

impl Store {
    /// Opens a session for `user` lasting `ttl`.
    pub async fn create_session(
        &self,
        user: UserId,
        ttl: Duration,
        ip: &str,
        user_agent: &str,
    ) -> StoreResult<NewSession> {
        let token = new_secret();
        let csrf = new_secret();
        let now = Timestamp::now();
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at, ip, user_agent)
             VALUES ($1, $2, $3, $4, $5, $4, $6, $7)",
        )
        .bind(secret_hash(&token))
        .bind(user.0)
        .bind(&csrf)
        .bind(now.millis())
        .bind(now.plus(ttl).millis())
        .bind(ip)
        .bind(user_agent.chars().take(300).collect::<String>())
        .execute(self.pool())
        .await?;
        Ok(NewSession { token, csrf })
    }

    /// The live session of a cookie value: unknown, expired sessions and disabled users give None.
    pub async fn session(&self, token: &str) -> StoreResult<Option<Session>> {
        let now = Timestamp::now().millis();
        let row = sqlx::query(
            "SELECT s.user_id, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
        )
        .bind(secret_hash(token))
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let Some(user) = self.user_by_id(UserId(row.try_get("user_id")?)).await? else {
            return Ok(None);
        };
        Ok(Some(Session {
            user,
            csrf: row.try_get("csrf_token")?,
            expires_at: Timestamp(row.try_get("expires_at")?),
        }))
    }

    /// Ends a session (logout).
    pub async fn delete_session(&self, token: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(secret_hash(token))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Ends every session of a user (password reset, account disabled, role changed).
    pub async fn delete_sessions_of(&self, user: UserId) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.0)
            .execute(self.pool())
            .await?;
        // Housekeeping while we are here: expired sessions of anyone are useless.
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(Timestamp::now().millis())
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }

    /// Creates an API token for `user` acting as `role` (which must not exceed the user's own).
    /// Returns the token id and the secret, which is shown once and never stored.
    pub async fn create_api_token(
        &self,
        user: &User,
        name: &str,
        role: Role,
        expires_at: Option<Timestamp>,
    ) -> StoreResult<(i64, String)> {
        if !user.role.includes(role) {
            return Err(StoreError::Invalid(format!(
                "a token cannot have more rights than its owner: {} may create tokens up to the role {}",
                user.email, user.role
            )));
        }
        if expires_at.is_some_and(|e| e <= Timestamp::now()) {
            return Err(StoreError::Invalid(
                "a token's expiry must be in the future".into(),
            ));
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(StoreError::Invalid(
                "a token needs a name of 1 to 100 characters".into(),
            ));
        }
        let secret = format!("{TOKEN_PREFIX}{}", new_secret());
        let prefix: String = secret.chars().take(TOKEN_PREFIX.len() + 8).collect();
        let row = sqlx::query(
            "INSERT INTO api_tokens (user_id, name, prefix, token_hash, role, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(user.id.0)
        .bind(name)
        .bind(&prefix)
        .bind(secret_hash(&secret))
        .bind(role.as_str())
        .bind(Timestamp::now().millis())
        .bind(expires_at.map(Timestamp::millis))
        .fetch_one(self.pool())
        .await?;
        Ok((row.try_get("id")?, secret))
    }

    /// The user and role of a valid API token (not revoked, not expired, owner enabled);
    /// records its use.
    pub async fn api_token_user(&self, secret: &str) -> StoreResult<Option<(User, Role)>> {
        let now = Timestamp::now().millis();
        let hash = secret_hash(secret);
        let row = sqlx::query(
            "SELECT id, user_id, role, last_used_at FROM api_tokens
             WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)",
        )
        .bind(&hash)
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        // Recording every use would make each API call a write; a minute's precision is enough
        // to tell a live token from a forgotten one.
        let last_used: Option<i64> = row.try_get("last_used_at")?;
        if last_used.is_none_or(|t| now - t >= LAST_USED_PRECISION_MS) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(row.try_get::<i64, _>("id")?)
                .execute(self.pool())
                .await?;
        }
        let role: String = row.try_get("role")?;
        let role: Role = role
            .parse()
            .map_err(|e| StoreError::Invalid(format!("{e}")))?;
        match self.user_by_id(UserId(row.try_get("user_id")?)).await? {
            // A token never acts beyond its owner's current rights, even after a demotion.
            Some(user) if !user.disabled && user.role.includes(role) => Ok(Some((user, role))),
            _ => Ok(None),
        }
    }

    /// API tokens, of one user or of everyone, newest first.
    pub async fn api_tokens(&self, user: Option<UserId>) -> StoreResult<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT t.id, t.user_id, u.email, t.name, t.prefix, t.role, t.created_at, t.expires_at, t.revoked_at,
             t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE ($1 = 0 OR t.user_id = $1) ORDER BY t.id DESC",
        )
        .bind(user.map_or(0, |u| u.0))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let role: String = r.try_get("role")?;
                Ok(ApiToken {
                    id: r.try_get("id")?,
                    user_id: UserId(r.try_get("user_id")?),
                    user_email: r.try_get("email")?,
                    name: r.try_get("name")?,
                    prefix: r.try_get("prefix")?,
                    role: role
                        .parse()
                        .map_err(|e| StoreError::Invalid(format!("{e}")))?,
                    created_at: Timestamp(r.try_get("created_at")?),
                    expires_at: r.try_get::<Option<i64>, _>("expires_at")?.map(Timestamp),
                    revoked_at: r.try_get::<Option<i64>, _>("revoked_at")?.map(Timestamp),
                    last_used_at: r.try_get::<Option<i64>, _>("last_used_at")?.map(Timestamp),
                })
            })
            .collect()
    }

    /// Revokes a token; only its owner's tokens when `owner` is given. False if nothing matched.
    pub async fn revoke_api_token(&self, id: i64, owner: Option<UserId>) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL AND ($3 = 0 OR user_id = $3)",
        )
        .bind(Timestamp::now().millis())
        .bind(id)
        .bind(owner.map_or(0, |u| u.0))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Records a failed login under each throttle key (e.g. `account:x@y`, `ip:1.2.3.4`).
    pub async fn record_login_failure(&self, keys: &[String]) -> StoreResult<()> {
        let now = Timestamp::now().millis();
        for key in keys {
            sqlx::query("INSERT INTO login_failures (throttle_key, at) VALUES ($1, $2)")
                .bind(key)
                .bind(now)
                .execute(self.pool())
                .await?;
        }
        Ok(())
    }

    /// Failures under `key` since `since`: how many, and when the oldest of them happened.
    pub async fn login_failures_since(
        &self,
        key: &str,
        since: Timestamp,
    ) -> StoreResult<(i64, Option<Timestamp>)> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM login_failures WHERE throttle_key = $1 AND at >= $2",
        )
        .bind(key)
        .bind(since.millis())
        .fetch_one(self.pool())
        .await?;
        Ok((
            row.try_get("n")?,
            row.try_get::<Option<i64>, _>("oldest")?.map(Timestamp),
        ))
    }

    /// Forgets failures older than `before` (housekeeping) and those of `key` after a success.
    pub async fn clear_login_failures(
        &self,
        key: Option<&str>,
        before: Timestamp,
    ) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_failures WHERE at < $1 OR throttle_key = $2")
            .bind(before.millis())
            .bind(key.unwrap_or(""))
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
