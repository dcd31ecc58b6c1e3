//! `levier user add|list|role|disable|enable|reset-password`: accounts from the command line.
//!
//! This is how an installation gets its first admin and how an operator with shell access
//! recovers when nobody can log in any more, so it works while the server runs (it takes no
//! data-directory lock) and needs no levier account. Every change is written to the audit log
//! with the actor `cli`, never with the password. Two guards keep an installation manageable:
//! the last enabled admin can be neither disabled nor demoted.

use crate::cli::UserCommand;
use crate::exit::{INPUT, coded};
use levier_core::password::hash_password;
use levier_core::{Config, Role};
use levier_store::Store;
use levier_store::accounts::new_secret;
use levier_store::audit::NewAuditEntry;
use levier_store::directory::{NewUser, User};
use serde_json::json;
use std::io::{BufRead, IsTerminal};

/// Length of generated passwords: 24 hex digits are 96 random bits, beyond guessing and still
/// short enough to type once before changing it.
const GENERATED_LEN: usize = 24;

pub async fn run(config: &Config, cmd: UserCommand) -> anyhow::Result<()> {
    let store = Store::open(config).await?;
    let result = dispatch(&store, cmd).await;
    store.close().await;
    result
}

async fn dispatch(store: &Store, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add {
            email,
            name,
            role,
            admin,
            groups,
            password_stdin,
        } => {
            let role = if admin { Role::Admin } else { role };
            add(store, &email, &name, role, &groups, password_stdin).await
        }
        UserCommand::List { json } => list(store, json).await,
        UserCommand::Role { email, role } => set_role(store, &email, role).await,
        UserCommand::Disable { email } => set_disabled(store, &email, true).await,
        UserCommand::Enable { email } => set_disabled(store, &email, false).await,
        UserCommand::ResetPassword {
            email,
            password_stdin,
        } => reset_password(store, &email, password_stdin).await,
    }
}

async fn add(
    store: &Store,
    email: &str,
    name: &str,
    role: Role,
    groups: &[String],
    password_stdin: bool,
) -> anyhow::Result<()> {
    // Everything that can be checked is checked before asking for a password, so nobody types
    // one twice only to learn that the e-mail was taken.
    let email = email.trim().to_lowercase();
    if !email.contains('@') {
        return Err(coded(INPUT, format!("'{email}' is not an e-mail address")));
    }
    let name = name.trim();
    if name.is_empty() {
        return Err(coded(INPUT, "--name must not be empty"));
    }
    if store.user_by_email(&email).await?.is_some() {
        return Err(coded(
            INPUT,
            format!("an account with the e-mail {email} already exists"),
        ));
    }
    let known: Vec<String> = store
        .groups()
        .await?
        .into_iter()
        .map(|(_, slug, _)| slug)
        .collect();
    for group in groups {
        let slug = group.trim().to_lowercase();
        if !known.contains(&slug) {
            let existing = if known.is_empty() {
                "there are none yet".to_string()
            } else {
                format!("existing groups: {}", known.join(", "))
            };
            return Err(coded(INPUT, format!("unknown group '{slug}' ({existing})")));
        }
    }

    let password = obtain_password(password_stdin)?;
    let hash = hash(password.text())?;
    let id = store
        .create_user(
            &NewUser {
                email: email.clone(),
                display_name: name.to_string(),
                role,
                password_hash: Some(hash),
                team: None,
                groups: groups.to_vec(),
            },
            None,
        )
        .await?;
    audit(
        store,
        "user.create",
        id.0,
        json!({ "email": email, "name": name, "role": role, "groups": groups }),
    )
    .await?;
    println!("created {email} (user {id}, role {role})");
    password.show_if_generated();
    Ok(())
}

async fn list(store: &Store, as_json: bool) -> anyhow::Result<()> {
    let users = store.users().await?;
    if as_json {
        let listed: Vec<_> = users
            .iter()
            .map(|u| {
                json!({
                    "id": u.id.0,
                    "email": u.email,
                    "name": u.display_name,
                    "role": u.role,
                    "team": u.team,
                    "groups": u.groups,
                    "disabled": u.disabled,
                })
            })
            .collect();
        return super::print_json(&listed);
    }
    if users.is_empty() {
        println!("no users (create one with `levier user add EMAIL --name NAME --admin`)");
        return Ok(());
    }
    let width = users
        .iter()
        .map(|u| u.email.len())
        .max()
        .unwrap_or(0)
        .max(5);
    println!(
        "{:<width$}  {:<9} {:<8}  {:<24} GROUPS",
        "EMAIL", "ROLE", "STATE", "NAME"
    );
    for u in &users {
        let line = format!(
            "{:<width$}  {:<9} {:<8}  {:<24} {}",
            u.email,
            u.role.as_str(),
            if u.disabled { "disabled" } else { "enabled" },
            u.display_name,
            u.groups.join(",")
        );
        println!("{}", line.trim_end());
    }
    Ok(())
}

async fn set_role(store: &Store, email: &str, role: Role) -> anyhow::Result<()> {
    let user = find(store, email).await?;
    if user.role == role {
        println!("{} is already {role}; nothing changed", user.email);
        return Ok(());
    }
    if role != Role::Admin {
        keep_an_admin(store, &user, "demoting").await?;
    }
    store.set_user_role(user.id, role).await?;
    // Logged-in pages were built for the old role: logging in again shows the right ones.
    store.delete_sessions_of(user.id).await?;
    audit(
        store,
        "user.role",
        user.id.0,
        json!({ "email": user.email, "from": user.role, "to": role }),
    )
    .await?;
    println!(
        "{}: role {} -> {role} (their sessions were ended)",
        user.email, user.role
    );
    Ok(())
}

async fn set_disabled(store: &Store, email: &str, disabled: bool) -> anyhow::Result<()> {
    let user = find(store, email).await?;
    let state = if disabled { "disabled" } else { "enabled" };
    if user.disabled == disabled {
        println!("{} is already {state}; nothing changed", user.email);
        return Ok(());
    }
    if disabled {
        keep_an_admin(store, &user, "disabling").await?;
    }
    store.set_user_disabled(user.id, disabled).await?;
    if disabled {
        // Sessions of a disabled account are refused anyway; deleting them also means enabling
        // the account later does not bring old sessions back.
        store.delete_sessions_of(user.id).await?;
    }
    let action = if disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    audit(store, action, user.id.0, json!({ "email": user.email })).await?;
    println!("{} is now {state}", user.email);
    Ok(())
}

async fn reset_password(store: &Store, email: &str, password_stdin: bool) -> anyhow::Result<()> {
    let user = find(store, email).await?;
    let password = obtain_password(password_stdin)?;
    let hash = hash(password.text())?;
    store.set_user_password_hash(user.id, &hash).await?;
    // Whoever knew the old password may be logged in: a reset must lock them out.
    store.delete_sessions_of(user.id).await?;
    audit(
        store,
        "user.password_reset",
        user.id.0,
        json!({ "email": user.email, "generated": password.is_generated() }),
    )
    .await?;
    println!(
        "password of {} reset; their sessions were ended",
        user.email
    );
    password.show_if_generated();
    Ok(())
}

/// The account with this e-mail, or an input error telling how to see the existing ones.
async fn find(store: &Store, email: &str) -> anyhow::Result<User> {
    store.user_by_email(email).await?.ok_or_else(|| {
        coded(
            INPUT,
            format!(
                "no account has the e-mail {}; `levier user list` shows them",
                email.trim()
            ),
        )
    })
}

/// Refuses to take away the admin rights of the only enabled admin: nobody could then manage
/// users or settings from the web interface. (Checked before writing, not atomically: a
/// concurrent change through the web interface in the same instant is not prevented.)
async fn keep_an_admin(store: &Store, user: &User, doing: &str) -> anyhow::Result<()> {
    if user.role != Role::Admin || user.disabled {
        return Ok(());
    }
    let enabled_admins = store
        .users()
        .await?
        .iter()
        .filter(|u| u.role == Role::Admin && !u.disabled)
        .count();
    if enabled_admins <= 1 {
        return Err(coded(
            INPUT,
            format!(
                "{} is the only enabled admin: {doing} them would leave nobody able to manage \
                 levier. Make another account admin first (`levier user role EMAIL admin`)",
                user.email
            ),
        ));
    }
    Ok(())
}

async fn audit(
    store: &Store,
    action: &str,
    user_id: i64,
    details: serde_json::Value,
) -> anyhow::Result<()> {
    store
        .audit(&NewAuditEntry {
            actor_user_id: None,
            actor: "cli".into(),
            action: action.into(),
            target: format!("user:{user_id}"),
            details,
            ip: String::new(),
        })
        .await?;
    Ok(())
}

/// A new password and whether levier made it up (then it must be shown, once).
enum Password {
    Given(String),
    Generated(String),
}

impl Password {
    fn text(&self) -> &str {
        match self {
            Password::Given(p) | Password::Generated(p) => p,
        }
    }

    fn is_generated(&self) -> bool {
        matches!(self, Password::Generated(_))
    }

    fn show_if_generated(&self) {
        if let Password::Generated(p) = self {
            println!("generated password (shown only now; change it after logging in): {p}");
        }
    }
}

/// The password from the first line of stdin with `--password-stdin`; else typed twice at a
/// terminal (without echo); else — a script without a terminal — a random one.
fn obtain_password(from_stdin: bool) -> anyhow::Result<Password> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| coded(INPUT, format!("cannot read the password from stdin: {e}")))?;
        // Only the line ending is removed: spaces may be part of a password.
        let line = line.strip_suffix('\n').unwrap_or(&line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        return Ok(Password::Given(line.to_string()));
    }
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("New password: ")
            .map_err(|e| anyhow::anyhow!("cannot read the password from the terminal: {e}"))?;
        // Say it is too short now rather than after typing it a second time.
        check_length(&first)?;
        let again = rpassword::prompt_password("Repeat the password: ")
            .map_err(|e| anyhow::anyhow!("cannot read the password from the terminal: {e}"))?;
        if first != again {
            return Err(coded(
                INPUT,
                "the two passwords differ; nothing was changed",
            ));
        }
        return Ok(Password::Given(first));
    }
    Ok(Password::Generated(
        new_secret().chars().take(GENERATED_LEN).collect(),
    ))
}

fn check_length(password: &str) -> anyhow::Result<()> {
    let min = levier_core::password::MIN_PASSWORD_LEN;
    if password.chars().count() < min {
        return Err(coded(
            INPUT,
            format!("password too short: at least {min} characters are required"),
        ));
    }
    Ok(())
}

/// The argon2id hash; a too-short password is the caller's input error, not a failure.
fn hash(password: &str) -> anyhow::Result<String> {
    check_length(password)?;
    hash_password(password).map_err(|e| anyhow::anyhow!("{e}"))
}
