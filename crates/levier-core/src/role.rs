//! Roles decide what a person may do; groups (elsewhere) decide what they may read.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a logged-in person is allowed to do in levier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Owner or administrator: everything, including users and settings.
    Admin,
    /// Support agent: the inbox, tickets, customer conversations.
    Agent,
    /// AI champion ("référent IA"): pilots, playground, feedback of their team.
    Champion,
    /// Ordinary employee: internal search and Q&A.
    Member,
    /// Read-only access to what their groups allow.
    Viewer,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Agent,
        Role::Champion,
        Role::Member,
        Role::Viewer,
    ];

    /// True when this role may do everything `other` may: an admin may do anything; agents and
    /// champions may do what members may; members what viewers may. Agents and champions have
    /// different rights, so neither includes the other.
    pub fn includes(self, other: Role) -> bool {
        match self {
            Role::Admin => true,
            Role::Agent | Role::Champion => {
                matches!(other, Role::Member | Role::Viewer) || other == self
            }
            Role::Member => matches!(other, Role::Member | Role::Viewer),
            Role::Viewer => other == Role::Viewer,
        }
    }

    /// The stable lowercase name used in the store, the API and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Agent => "agent",
            Role::Champion => "champion",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that levier does not know.
#[derive(Debug, thiserror::Error)]
#[error("unknown role '{0}': expected one of admin, agent, champion, member, viewer")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().ok(), Some(role));
        }
        assert!("superuser".parse::<Role>().is_err());
        assert_eq!(" Agent ".parse::<Role>().ok(), Some(Role::Agent));
    }

    #[test]
    fn inclusion_is_not_a_ladder() {
        assert!(Role::Admin.includes(Role::Champion));
        assert!(Role::Agent.includes(Role::Member));
        assert!(!Role::Agent.includes(Role::Champion));
        assert!(!Role::Champion.includes(Role::Agent));
        assert!(!Role::Member.includes(Role::Agent));
        assert!(Role::Viewer.includes(Role::Viewer));
        assert!(!Role::Viewer.includes(Role::Member));
    }
}
