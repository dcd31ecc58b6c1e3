//! Conformance of accounts on both backends: sessions, API tokens, login throttling, the audit
//! log and user management. These are what the server's authentication stands on, so each rule
//! that keeps someone out (expiry, revocation, a disabled account, a demotion) is checked here
//! rather than only through HTTP.

mod common;

use common::TestStore;
use levier_core::ids::UserId;
use levier_core::{Role, Timestamp};
use levier_store::accounts::TOKEN_PREFIX;
use levier_store::audit::NewAuditEntry;
use levier_store::directory::{NewUser, User};
use levier_store::{Store, StoreError};
use std::time::Duration;

on_both_backends!(
    sessions_open_expire_and_end,
    api_tokens_never_exceed_their_owner,
    login_failures_are_counted_and_cleared,
    audit_log_is_ordered_paged_and_append_only,
    concurrent_audit_entries_get_distinct_numbers,
    user_management_changes_accounts_and_refuses_unknowns,
);

const HOUR: Duration = Duration::from_secs(3600);

/// Creates an account and returns it as stored.
async fn add_user(s: &Store, email: &str, role: Role, groups: &[&str]) -> User {
    let id = s
        .create_user(
            &NewUser {
                email: email.into(),
                display_name: "Camille Martin".into(),
                role,
                password_hash: None,
                team: None,
                groups: groups.iter().map(|g| g.to_string()).collect(),
            },
            None,
        )
        .await
        .expect("create user");
    s.user_by_id(id)
        .await
        .expect("read user")
        .expect("user exists")
}

async fn sessions_open_expire_and_end(t: &TestStore) {
    let s = &t.store;
    let camille = add_user(s, "camille@ergolis.fr", Role::Agent, &[]).await;
    let paul = add_user(s, "paul@ergolis.fr", Role::Member, &[]).await;

    let before = Timestamp::now();
    let first = s
        .create_session(camille.id, HOUR, "192.0.2.1", "Firefox")
        .await
        .expect("session");
    let live = s
        .session(&first.token)
        .await
        .expect("read")
        .expect("a new session is live");
    assert_eq!(live.user, camille);
    assert_eq!(live.csrf, first.csrf);
    assert!(live.expires_at >= before.plus(HOUR), "{live:?}");
    assert_ne!(
        first.token, first.csrf,
        "the cookie and the CSRF token must differ"
    );

    // Neither an unknown value nor the CSRF token opens a session.
    assert!(s.session("not-a-token").await.expect("read").is_none());
    assert!(s.session(&first.csrf).await.expect("read").is_none());

    // An expired session is gone even though its row is still there.
    let short = s
        .create_session(camille.id, Duration::from_millis(1), "", "")
        .await
        .expect("session");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        s.session(&short.token).await.expect("read").is_none(),
        "an expired session still works"
    );

    // A disabled account has no session; enabling it again brings the session back.
    s.set_user_disabled(camille.id, true)
        .await
        .expect("disable");
    assert!(
        s.session(&first.token).await.expect("read").is_none(),
        "a disabled user is still logged in"
    );
    s.set_user_disabled(camille.id, false)
        .await
        .expect("enable");
    assert!(s.session(&first.token).await.expect("read").is_some());

    // Logout ends that session only.
    let second = s
        .create_session(camille.id, HOUR, "", "")
        .await
        .expect("session");
    let third = s
        .create_session(camille.id, HOUR, "", "")
        .await
        .expect("session");
    let pauls = s
        .create_session(paul.id, HOUR, "", "")
        .await
        .expect("session");
    s.delete_session(&first.token).await.expect("logout");
    assert!(s.session(&first.token).await.expect("read").is_none());
    assert!(s.session(&second.token).await.expect("read").is_some());
    s.delete_session("not-a-token")
        .await
        .expect("logging out an unknown session is harmless");

    // Ending every session of a user: her two live ones and her expired one go, Paul's stays.
    let ended = s
        .delete_sessions_of(camille.id)
        .await
        .expect("end sessions");
    assert_eq!(ended, 3, "two live sessions and one expired session");
    for token in [&second.token, &third.token] {
        assert!(s.session(token).await.expect("read").is_none());
    }
    let still = s
        .session(&pauls.token)
        .await
        .expect("read")
        .expect("another user's session survives");
    assert_eq!(still.user.id, paul.id);
}

async fn api_tokens_never_exceed_their_owner(t: &TestStore) {
    let s = &t.store;
    let owner = add_user(s, "direction@ergolis.fr", Role::Admin, &[]).await;
    let other_admin = add_user(s, "it@ergolis.fr", Role::Admin, &[]).await;
    let member = add_user(s, "paul@ergolis.fr", Role::Member, &[]).await;
    let agent = add_user(s, "camille@ergolis.fr", Role::Agent, &[]).await;

    let (id, secret) = s
        .create_api_token(&owner, " export CRM ", Role::Agent, None)
        .await
        .expect("token");
    assert!(secret.starts_with(TOKEN_PREFIX), "{secret}");
    assert!(
        secret.len() >= TOKEN_PREFIX.len() + 64,
        "a token carries 256 random bits: {secret}"
    );
    let listed = s.api_tokens(Some(owner.id)).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, id);
    assert_eq!(listed[0].name, "export CRM", "the name is trimmed");
    assert_eq!(listed[0].role, Role::Agent);
    assert_eq!(listed[0].user_email, owner.email);
    assert!(secret.starts_with(&listed[0].prefix));
    assert!(listed[0].last_used_at.is_none());

    let (user, role) = s
        .api_token_user(&secret)
        .await
        .expect("use")
        .expect("a fresh token works");
    assert_eq!((user.id, role), (owner.id, Role::Agent));
    let used = s.api_tokens(Some(owner.id)).await.expect("list");
    assert!(used[0].last_used_at.is_some(), "the use is recorded");
    assert!(
        s.api_token_user("lvr_unknown")
            .await
            .expect("use")
            .is_none()
    );

    // A token never carries more rights than its owner.
    for role in [Role::Admin, Role::Agent, Role::Champion] {
        let refused = s.create_api_token(&member, "too much", role, None).await;
        assert!(
            matches!(refused, Err(StoreError::Invalid(_))),
            "a member created a {role} token: {refused:?}"
        );
    }
    let (_, viewer_secret) = s
        .create_api_token(&member, "lecture", Role::Viewer, None)
        .await
        .expect("a member may create a lesser token");
    let no_name = s.create_api_token(&member, "  ", Role::Viewer, None).await;
    assert!(
        matches!(no_name, Err(StoreError::Invalid(_))),
        "{no_name:?}"
    );

    // Expiry: a date already past is refused at creation; a token past its date is refused
    // at use; one before it works.
    let past = s
        .create_api_token(
            &owner,
            "old",
            Role::Member,
            Some(Timestamp(Timestamp::now().0 - 1)),
        )
        .await;
    assert!(matches!(past, Err(StoreError::Invalid(_))), "{past:?}");
    let (_, expired) = s
        .create_api_token(
            &owner,
            "short",
            Role::Member,
            Some(Timestamp(Timestamp::now().0 + 50)),
        )
        .await
        .expect("token");
    tokio::time::sleep(std::time::Duration::from_millis(120)).await;
    assert!(s.api_token_user(&expired).await.expect("use").is_none());
    let (_, later) = s
        .create_api_token(
            &owner,
            "later",
            Role::Member,
            Some(Timestamp::now().plus(HOUR)),
        )
        .await
        .expect("token");
    assert!(s.api_token_user(&later).await.expect("use").is_some());

    // A demotion takes effect on existing tokens at once; tokens still within the new role work.
    let (_, agent_token) = s
        .create_api_token(&agent, "inbox", Role::Agent, None)
        .await
        .expect("token");
    let (_, member_token) = s
        .create_api_token(&agent, "search", Role::Member, None)
        .await
        .expect("token");
    assert!(s.api_token_user(&agent_token).await.expect("use").is_some());
    s.set_user_role(agent.id, Role::Member)
        .await
        .expect("demote");
    assert!(
        s.api_token_user(&agent_token).await.expect("use").is_none(),
        "an agent token outlived its owner's demotion"
    );
    assert!(
        s.api_token_user(&member_token)
            .await
            .expect("use")
            .is_some()
    );

    // A disabled owner's tokens stop working.
    s.set_user_disabled(member.id, true).await.expect("disable");
    assert!(
        s.api_token_user(&viewer_secret)
            .await
            .expect("use")
            .is_none()
    );

    // Listing never shows a secret, not even inside a JSON rendering.
    let all = s.api_tokens(None).await.expect("list all");
    assert_eq!(all.len(), 6);
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    let json = serde_json::to_string(&all).expect("json");
    for secret in [
        &secret,
        &viewer_secret,
        &expired,
        &later,
        &agent_token,
        &member_token,
    ] {
        let random_part = &secret[TOKEN_PREFIX.len()..];
        assert!(!json.contains(random_part), "a secret is listed: {json}");
    }

    // Only the owner (or an unrestricted caller) revokes.
    assert!(
        !s.revoke_api_token(id, Some(other_admin.id))
            .await
            .expect("revoke"),
        "another user revoked the token"
    );
    assert!(s.api_token_user(&secret).await.expect("use").is_some());
    assert!(
        s.revoke_api_token(id, Some(owner.id))
            .await
            .expect("revoke")
    );
    assert!(s.api_token_user(&secret).await.expect("use").is_none());
    assert!(
        !s.revoke_api_token(id, None).await.expect("revoke"),
        "revoking twice reports nothing done"
    );
    let revoked = s.api_tokens(Some(owner.id)).await.expect("list");
    assert!(
        revoked
            .iter()
            .find(|t| t.id == id)
            .is_some_and(|t| t.revoked_at.is_some())
    );
}

async fn login_failures_are_counted_and_cleared(t: &TestStore) {
    let s = &t.store;
    let account = "account:camille@ergolis.fr".to_string();
    let ip = "ip:192.0.2.7".to_string();
    let start = Timestamp::now();
    assert_eq!(
        s.login_failures_since(&account, Timestamp(0))
            .await
            .expect("count"),
        (0, None)
    );

    s.record_login_failure(&[account.clone(), ip.clone()])
        .await
        .expect("record");
    tokio::time::sleep(Duration::from_millis(20)).await;
    let middle = Timestamp::now();
    tokio::time::sleep(Duration::from_millis(20)).await;
    s.record_login_failure(std::slice::from_ref(&account))
        .await
        .expect("record");
    s.record_login_failure(std::slice::from_ref(&account))
        .await
        .expect("record");

    let (n, oldest) = s
        .login_failures_since(&account, Timestamp(0))
        .await
        .expect("count");
    assert_eq!(n, 3);
    let oldest = oldest.expect("an oldest failure");
    assert!(oldest >= start && oldest < middle, "{oldest:?}");
    let (n, oldest) = s
        .login_failures_since(&account, middle)
        .await
        .expect("count");
    assert_eq!(n, 2, "only failures since the given instant count");
    assert!(oldest.is_some_and(|o| o >= middle));
    assert_eq!(
        s.login_failures_since(&ip, Timestamp(0))
            .await
            .expect("count")
            .0,
        1
    );
    assert_eq!(
        s.login_failures_since(&ip, Timestamp::now().plus(HOUR))
            .await
            .expect("count"),
        (0, None)
    );

    // A successful login forgets its account's failures, not the address's.
    s.clear_login_failures(Some(&account), Timestamp(0))
        .await
        .expect("clear");
    assert_eq!(
        s.login_failures_since(&account, Timestamp(0))
            .await
            .expect("count"),
        (0, None)
    );
    assert_eq!(
        s.login_failures_since(&ip, Timestamp(0))
            .await
            .expect("count")
            .0,
        1
    );

    // Housekeeping forgets what is older than the cut-off, for every key.
    s.record_login_failure(std::slice::from_ref(&account))
        .await
        .expect("record");
    s.clear_login_failures(None, middle).await.expect("clear");
    assert_eq!(
        s.login_failures_since(&ip, Timestamp(0))
            .await
            .expect("count")
            .0,
        0
    );
    assert_eq!(
        s.login_failures_since(&account, Timestamp(0))
            .await
            .expect("count")
            .0,
        1
    );
}

fn entry(action: &str, actor_user_id: Option<UserId>, n: i64) -> NewAuditEntry {
    NewAuditEntry {
        actor_user_id,
        actor: actor_user_id.map_or("cli".into(), |_| "direction@ergolis.fr".into()),
        action: action.into(),
        target: format!("user:{n}"),
        details: serde_json::json!({ "n": n, "note": "rôle modifié" }),
        ip: if actor_user_id.is_some() {
            "192.0.2.1".into()
        } else {
            String::new()
        },
    }
}

async fn audit_log_is_ordered_paged_and_append_only(t: &TestStore) {
    let s = &t.store;
    let admin = add_user(s, "direction@ergolis.fr", Role::Admin, &[]).await;
    assert!(s.audit_entries(0, 10).await.expect("read").is_empty());

    let written: Vec<NewAuditEntry> = (1..=5)
        .map(|n| {
            let actor = (n % 2 == 0).then_some(admin.id);
            entry(if n == 1 { "user.create" } else { "user.role" }, actor, n)
        })
        .collect();
    let mut seqs = Vec::new();
    for e in &written {
        seqs.push(s.audit(e).await.expect("audit"));
    }
    assert_eq!(seqs, vec![1, 2, 3, 4, 5], "numbered from 1 in order");

    let all = s.audit_entries(0, 100).await.expect("read");
    assert_eq!(
        all.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![5, 4, 3, 2, 1],
        "newest first"
    );
    for (read, wrote) in all.iter().rev().zip(&written) {
        assert_eq!(read.actor_user_id, wrote.actor_user_id);
        assert_eq!(read.actor, wrote.actor);
        assert_eq!(read.action, wrote.action);
        assert_eq!(read.target, wrote.target);
        assert_eq!(read.details, wrote.details, "details round-trip as JSON");
        assert_eq!(read.ip, wrote.ip);
    }
    assert!(all.windows(2).all(|w| w[0].at >= w[1].at));

    // Paging: each page continues before the last sequence number seen.
    let page = |before, limit| async move {
        s.audit_entries(before, limit)
            .await
            .expect("page")
            .iter()
            .map(|e| e.seq)
            .collect::<Vec<_>>()
    };
    assert_eq!(page(0, 2).await, vec![5, 4]);
    assert_eq!(page(4, 2).await, vec![3, 2]);
    assert_eq!(page(2, 2).await, vec![1]);
    assert_eq!(page(1, 2).await, Vec::<i64>::new());

    // Nobody rewrites history, not even with direct SQL.
    for sql in [
        "UPDATE audit_log SET actor = 'someone else'",
        "UPDATE audit_log SET details = '{}' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 3",
        "DELETE FROM audit_log",
    ] {
        assert!(
            common::raw_sql(&t.config, sql).await.is_err(),
            "the audit log accepted: {sql}"
        );
    }
    assert_eq!(s.audit_entries(0, 100).await.expect("read"), all);
    assert_eq!(
        s.audit(&entry("user.disable", None, 6))
            .await
            .expect("audit"),
        6,
        "numbering goes on after refused tampering"
    );
}

async fn concurrent_audit_entries_get_distinct_numbers(t: &TestStore) {
    let writers: Vec<_> = (0..8)
        .map(|n| {
            let s = t.store.clone();
            tokio::spawn(async move { s.audit(&entry("data.export", None, n)).await })
        })
        .collect();
    let mut seqs = Vec::new();
    for w in writers {
        seqs.push(w.await.expect("join").expect("audit"));
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=8).collect::<Vec<_>>(), "no gap, no duplicate");
    assert_eq!(t.store.audit_entries(0, 100).await.expect("read").len(), 8);
}

async fn user_management_changes_accounts_and_refuses_unknowns(t: &TestStore) {
    let s = &t.store;
    for slug in ["compta", "personnel", "rh"] {
        s.upsert_group(slug, slug, "").await.expect("group");
    }
    let user = add_user(s, "camille@ergolis.fr", Role::Member, &["personnel"]).await;
    assert!(!user.disabled);

    s.set_user_role(user.id, Role::Champion)
        .await
        .expect("role");
    s.set_user_disabled(user.id, true).await.expect("disable");
    let changed = s.user_by_id(user.id).await.expect("read").expect("exists");
    assert_eq!(changed.role, Role::Champion);
    assert!(changed.disabled);
    s.set_user_disabled(user.id, false).await.expect("enable");
    assert!(
        !s.user_by_id(user.id)
            .await
            .expect("read")
            .expect("exists")
            .disabled
    );

    let (_, hash) = s
        .credentials("Camille@Ergolis.fr")
        .await
        .expect("credentials")
        .expect("exists");
    assert_eq!(hash, None, "created without a password");
    let phc = levier_core::password::hash_password("correct horse battery").expect("hash");
    s.set_user_password_hash(user.id, &phc)
        .await
        .expect("password");
    let (found, hash) = s
        .credentials("camille@ergolis.fr")
        .await
        .expect("credentials")
        .expect("exists");
    assert_eq!(found.id, user.id);
    let hash = hash.expect("a password hash");
    assert!(levier_core::password::verify_password(
        "correct horse battery",
        &hash
    ));

    assert_eq!(s.user_locale(user.id).await.expect("locale"), None);
    s.set_user_locale(user.id, "en").await.expect("locale");
    assert_eq!(
        s.user_locale(user.id).await.expect("locale").as_deref(),
        Some("en")
    );

    let groups_of = |id| async move {
        s.user_by_id(id)
            .await
            .expect("read")
            .expect("exists")
            .groups
    };
    s.set_user_groups(user.id, &["rh".into(), "COMPTA".into()])
        .await
        .expect("groups");
    assert_eq!(groups_of(user.id).await, vec!["compta", "rh"]);
    let refused = s
        .set_user_groups(user.id, &["personnel".into(), "nope".into()])
        .await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(ref m)) if m.contains("nope")),
        "{refused:?}"
    );
    assert_eq!(
        groups_of(user.id).await,
        vec!["compta", "rh"],
        "a refused change leaves the groups as they were"
    );
    s.set_user_groups(user.id, &[]).await.expect("no groups");
    assert!(groups_of(user.id).await.is_empty());

    // Unknown accounts are reported, never silently ignored.
    let ghost = UserId(987_654);
    let not_found = |r: Result<(), StoreError>, what: &str| {
        assert!(
            matches!(r, Err(StoreError::NotFound { what: "user", .. })),
            "{what} on an unknown user: {r:?}"
        );
    };
    not_found(s.set_user_role(ghost, Role::Admin).await, "set_user_role");
    not_found(s.set_user_disabled(ghost, true).await, "set_user_disabled");
    not_found(
        s.set_user_password_hash(ghost, &phc).await,
        "set_user_password_hash",
    );
    not_found(s.set_user_locale(ghost, "fr").await, "set_user_locale");
    not_found(
        s.set_user_groups(ghost, &["rh".into()]).await,
        "set_user_groups",
    );
    assert!(s.user_by_id(ghost).await.expect("read").is_none());
    assert!(
        s.user_by_email("ghost@ergolis.fr")
            .await
            .expect("read")
            .is_none()
    );
    assert!(
        s.credentials("ghost@ergolis.fr")
            .await
            .expect("read")
            .is_none()
    );
    assert_eq!(s.user_locale(ghost).await.expect("locale"), None);
    assert_eq!(s.users().await.expect("users").len(), 1);
}
