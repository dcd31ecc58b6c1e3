//! People and access: users, groups and the sources documents come from.

use crate::dialect::LockPurpose;
use crate::tx::WriteTx;
use crate::{Store, StoreError, StoreResult, events};
use levier_core::ids::{GroupId, SourceId, UserId};
use levier_core::{Event, EventKind, Role, Timestamp};
use sqlx::Row;

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login e-mail, unique (stored lowercased).
    pub email: String,
    /// Name shown in the interface.
    pub display_name: String,
    /// What they may do.
    pub role: Role,
    /// argon2id PHC string, or `None` for an account that cannot log in with a password yet.
    pub password_hash: Option<String>,
    /// Their team, e.g. "Service client".
    pub team: Option<String>,
    /// Slugs of the access groups they belong to (must exist).
    pub groups: Vec<String>,
}

/// A user as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Identifier.
    pub id: UserId,
    /// Login e-mail.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Team.
    pub team: Option<String>,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
    /// Slugs of their access groups.
    pub groups: Vec<String>,
}

/// A source of documents to register.
#[derive(Debug, Clone)]
pub struct NewSource {
    /// Unique name, e.g. `docs/public`.
    pub name: String,
    /// `folder`, `upload`, `mailbox` or `api`.
    pub kind: String,
    /// Where it reads from (a path, a mailbox URL without password).
    pub location: String,
    /// Whether its documents may be shown to customers.
    pub public: bool,
    /// Slugs of the groups that may read its documents.
    pub groups: Vec<String>,
}

impl Store {
    /// Creates a group, or updates its name and description if the slug exists.
    pub async fn upsert_group(
        &self,
        slug: &str,
        name: &str,
        description: &str,
    ) -> StoreResult<GroupId> {
        let slug = slug.trim().to_lowercase();
        if slug.is_empty() {
            return Err(StoreError::Invalid("a group needs a non-empty slug".into()));
        }
        let row = sqlx::query(
            "INSERT INTO groups (slug, name, description, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (slug) DO UPDATE SET name = excluded.name, description = excluded.description
             RETURNING id",
        )
        .bind(&slug)
        .bind(name)
        .bind(description)
        .bind(Timestamp::now().millis())
        .fetch_one(self.pool())
        .await?;
        Ok(GroupId(row.try_get("id")?))
    }

    /// All groups as (id, slug, name), by slug.
    pub async fn groups(&self) -> StoreResult<Vec<(GroupId, String, String)>> {
        let rows = sqlx::query("SELECT id, slug, name FROM groups ORDER BY slug")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    GroupId(r.try_get("id")?),
                    r.try_get("slug")?,
                    r.try_get("name")?,
                ))
            })
            .collect()
    }

    /// Creates an account and records a `user_created` event.
    pub async fn create_user(&self, new: &NewUser, actor: Option<UserId>) -> StoreResult<UserId> {
        self.insert_user(new, actor, false).await
    }

    /// Creates the first account, only if no account exists yet: two first-run requests at the
    /// same moment create one administrator, the other gets [`StoreError::Conflict`].
    pub async fn create_first_user(&self, new: &NewUser) -> StoreResult<UserId> {
        self.insert_user(new, None, true).await
    }

    async fn insert_user(
        &self,
        new: &NewUser,
        actor: Option<UserId>,
        only_first: bool,
    ) -> StoreResult<UserId> {
        let email = new.email.trim().to_lowercase();
        if !email.contains('@') {
            return Err(StoreError::Invalid(format!(
                "'{email}' is not an e-mail address"
            )));
        }
        let now = Timestamp::now().millis();
        let mut tx = self.write_tx().await?;
        if only_first {
            if let Some(lock) = self.backend().exclusive_lock(LockPurpose::FirstAccount) {
                sqlx::query(&lock).execute(&mut *tx).await?;
            }
            let row = sqlx::query("SELECT COUNT(*) AS n FROM users")
                .fetch_one(&mut *tx)
                .await?;
            if row.try_get::<i64, _>("n")? > 0 {
                return Err(StoreError::Conflict("an account (the first one)".into()));
            }
        }
        let row = sqlx::query(
            "INSERT INTO users (email, display_name, role, password_hash, team, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(&email)
        .bind(new.display_name.trim())
        .bind(new.role.as_str())
        .bind(new.password_hash.as_deref())
        .bind(new.team.as_deref())
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::conflict_on(format!("user {email}")))?;
        let id = UserId(row.try_get("id")?);
        link_groups(&mut tx, "user_groups", "user_id", id.0, &new.groups).await?;
        let event = Event {
            at: Timestamp(now),
            actor,
            kind: EventKind::UserCreated {
                user_id: id,
                role: new.role,
            },
        };
        events::append_in(&mut tx, &event).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Finds an account by e-mail (case-insensitive).
    pub async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let row = sqlx::query("SELECT id FROM users WHERE email = $1")
            .bind(email.trim().to_lowercase())
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(r) => Ok(self.users_where(Some(r.try_get("id")?)).await?.pop()),
            None => Ok(None),
        }
    }

    /// All accounts, by e-mail.
    pub async fn users(&self) -> StoreResult<Vec<User>> {
        self.users_where(None).await
    }

    /// An account by id.
    pub async fn user_by_id(&self, id: UserId) -> StoreResult<Option<User>> {
        Ok(self.users_where(Some(id.0)).await?.pop())
    }

    /// How many accounts exist (0 means the first-run page may create the admin).
    pub async fn user_count(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get("n")?)
    }

    /// The account and its password hash, for logging in.
    pub async fn credentials(&self, email: &str) -> StoreResult<Option<(User, Option<String>)>> {
        let Some(user) = self.user_by_email(email).await? else {
            return Ok(None);
        };
        let row = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
            .bind(user.id.0)
            .fetch_one(self.pool())
            .await?;
        Ok(Some((user, row.try_get("password_hash")?)))
    }

    /// Changes an account's role.
    pub async fn set_user_role(&self, id: UserId, role: Role) -> StoreResult<()> {
        self.update_user(id, "role = $1", role.as_str().to_string())
            .await
    }

    /// Disables or re-enables an account.
    pub async fn set_user_disabled(&self, id: UserId, disabled: bool) -> StoreResult<()> {
        self.update_user(id, "disabled = $1", i64::from(disabled))
            .await
    }

    /// Replaces an account's password hash.
    pub async fn set_user_password_hash(&self, id: UserId, hash: &str) -> StoreResult<()> {
        self.update_user(id, "password_hash = $1", hash.to_string())
            .await
    }

    /// Sets an account's preferred interface language (`fr`, `en`).
    pub async fn set_user_locale(&self, id: UserId, locale: &str) -> StoreResult<()> {
        self.update_user(id, "locale = $1", locale.to_string())
            .await
    }

    /// An account's preferred interface language, if chosen.
    pub async fn user_locale(&self, id: UserId) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT locale FROM users WHERE id = $1")
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| r.try_get("locale")).transpose()?.flatten())
    }

    /// Replaces the groups an account belongs to.
    pub async fn set_user_groups(&self, id: UserId, slugs: &[String]) -> StoreResult<()> {
        let mut tx = self.write_tx().await?;
        let exists = sqlx::query("SELECT id FROM users WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(user_not_found(id));
        }
        sqlx::query("DELETE FROM user_groups WHERE user_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        link_groups(&mut tx, "user_groups", "user_id", id.0, slugs).await?;
        tx.commit().await
    }

    async fn update_user<T>(&self, id: UserId, assignment: &str, value: T) -> StoreResult<()>
    where
        T: for<'q> sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + Send,
    {
        let done = sqlx::query(&format!(
            "UPDATE users SET {assignment}, updated_at = $2 WHERE id = $3"
        ))
        .bind(value)
        .bind(Timestamp::now().millis())
        .bind(id.0)
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(user_not_found(id));
        }
        Ok(())
    }

    /// Deletes a group (its members and documents lose that access).
    pub async fn delete_group(&self, slug: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM groups WHERE slug = $1")
            .bind(slug.trim().to_lowercase())
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn users_where(&self, id: Option<i64>) -> StoreResult<Vec<User>> {
        let rows = sqlx::query(
            "SELECT u.id, u.email, u.display_name, u.role, u.team, u.disabled, g.slug
             FROM users u LEFT JOIN user_groups ug ON ug.user_id = u.id
             LEFT JOIN groups g ON g.id = ug.group_id
             WHERE ($1 = 0 OR u.id = $1) ORDER BY u.email, g.slug",
        )
        .bind(id.unwrap_or(0))
        .fetch_all(self.pool())
        .await?;
        let mut users: Vec<User> = Vec::new();
        for r in rows {
            let uid = UserId(r.try_get("id")?);
            let group: Option<String> = r.try_get("slug")?;
            if users.last().is_none_or(|u| u.id != uid) {
                let role: String = r.try_get("role")?;
                users.push(User {
                    id: uid,
                    email: r.try_get("email")?,
                    display_name: r.try_get("display_name")?,
                    role: role
                        .parse()
                        .map_err(|e| StoreError::Invalid(format!("user {uid}: {e}")))?,
                    team: r.try_get("team")?,
                    disabled: r.try_get::<i64, _>("disabled")? != 0,
                    groups: Vec::new(),
                });
            }
            if let (Some(g), Some(u)) = (group, users.last_mut()) {
                u.groups.push(g);
            }
        }
        Ok(users)
    }

    /// Registers a source of documents, or updates it if the name exists; its groups are replaced.
    pub async fn upsert_source(&self, new: &NewSource) -> StoreResult<SourceId> {
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "INSERT INTO sources (name, kind, location, public, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, location = excluded.location,
             public = excluded.public RETURNING id",
        )
        .bind(&new.name)
        .bind(&new.kind)
        .bind(&new.location)
        .bind(i64::from(new.public))
        .bind(Timestamp::now().millis())
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get("id")?;
        sqlx::query("DELETE FROM source_groups WHERE source_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        link_groups(&mut tx, "source_groups", "source_id", id, &new.groups).await?;
        tx.commit().await?;
        Ok(SourceId(id))
    }
}

fn user_not_found(id: UserId) -> StoreError {
    StoreError::NotFound {
        what: "user",
        id: id.to_string(),
    }
}

impl Store {
    /// The name of every source, by id (to label search filters).
    pub async fn source_names(&self) -> StoreResult<std::collections::HashMap<SourceId, String>> {
        let rows = sqlx::query("SELECT id, name FROM sources")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((SourceId(r.try_get("id")?), r.try_get("name")?)))
            .collect()
    }
}

/// Links a record to groups by slug in a join table; an unknown slug is an error naming it.
pub(crate) async fn link_groups(
    tx: &mut WriteTx,
    table: &str,
    column: &str,
    id: i64,
    slugs: &[String],
) -> StoreResult<()> {
    for slug in slugs {
        let slug = slug.trim().to_lowercase();
        let group = sqlx::query("SELECT id FROM groups WHERE slug = $1")
            .bind(&slug)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| StoreError::Invalid(format!("unknown group '{slug}'")))?;
        let gid: i64 = group.try_get("id")?;
        sqlx::query(&format!(
            "INSERT INTO {table} ({column}, group_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        ))
        .bind(id)
        .bind(gid)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
