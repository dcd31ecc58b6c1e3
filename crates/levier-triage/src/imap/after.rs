//! What happens in the mailbox to a message once levier has it: nothing (the default: people
//! may read the shared mailbox too, and levier reads without setting `\Seen`), marked read,
//! tagged with a keyword, or moved to another folder (so the inbox shows only what is left).
//!
//! It is done after the message is remembered as done, never before: a crash in between
//! leaves one message unmarked or unmoved, never one lost or read twice. A failure to mark or
//! move is reported in the logs and does not stop the import: the message is in the store.

use std::str::FromStr;

use async_imap::Session;
use futures_util::TryStreamExt;

use crate::error::TriageError;

/// The action on each message after import (`levier triage watch --after-import`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum AfterImport {
    /// Leave it as it is.
    #[default]
    Leave,
    /// Set `\Seen`.
    Seen,
    /// Add this keyword (a user flag such as `levier`, shown as a tag by many mail clients).
    Flag(String),
    /// Move it to this folder (created if missing), with `UID MOVE` (RFC 6851).
    Move(String),
}

impl FromStr for AfterImport {
    type Err = TriageError;

    /// `leave`, `seen`, `flag:KEYWORD` or `move:FOLDER`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| TriageError::Imap(format!("after import {s:?}: {why}"));
        match s.split_once(':') {
            None if s == "leave" => Ok(AfterImport::Leave),
            None if s == "seen" => Ok(AfterImport::Seen),
            Some(("flag", keyword)) => {
                // An IMAP keyword is an atom: no spaces, parentheses, quotes, wildcards or `\`.
                let atom = !keyword.is_empty()
                    && keyword
                        .chars()
                        .all(|c| c.is_ascii_graphic() && !"(){%*\"\\]".contains(c));
                atom.then(|| AfterImport::Flag(keyword.to_owned()))
                    .ok_or_else(|| bad("a keyword is letters, digits and -_.$ without spaces"))
            }
            Some(("move", folder))
                if !folder.trim().is_empty() && !folder.chars().any(char::is_control) =>
            {
                Ok(AfterImport::Move(folder.trim().to_owned()))
            }
            Some(("move", _)) => Err(bad("name the folder: move:Traités")),
            _ => Err(bad("expected leave, seen, flag:KEYWORD or move:FOLDER")),
        }
    }
}

impl AfterImport {
    /// Prepares the session: the target folder of a move must exist, and the server must
    /// support MOVE (checked here, at connection, rather than at the first message).
    pub(super) async fn prepare<T>(
        &self,
        session: &mut Session<T>,
        can_move: bool,
    ) -> Result<(), String>
    where
        T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + std::fmt::Debug,
    {
        let AfterImport::Move(folder) = self else {
            return Ok(());
        };
        if !can_move {
            return Err(format!(
                "the server cannot move messages (no MOVE capability): \
                 use seen or flag:KEYWORD instead of move:{folder}"
            ));
        }
        // An error here most often means the folder exists; a real one shows at the move.
        let _ = session.create(super::utf7::encode(folder)).await;
        Ok(())
    }

    /// Applies the action to message `uid` of the selected folder.
    pub(super) async fn apply<T>(&self, session: &mut Session<T>, uid: u32) -> Result<(), String>
    where
        T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + std::fmt::Debug,
    {
        let flags = match self {
            AfterImport::Leave => return Ok(()),
            AfterImport::Move(folder) => {
                return session
                    .uid_mv(uid.to_string(), super::utf7::encode(folder))
                    .await
                    .map_err(|e| format!("cannot move it to {folder}: {e}"));
            }
            AfterImport::Seen => "\\Seen".to_owned(),
            AfterImport::Flag(keyword) => keyword.clone(),
        };
        let updates = session
            .uid_store(uid.to_string(), format!("+FLAGS.SILENT ({flags})"))
            .await
            .map_err(|e| format!("cannot set {flags}: {e}"))?;
        let _: Vec<_> = updates
            .try_collect()
            .await
            .map_err(|e| format!("cannot set {flags}: {e}"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_read_and_bad_ones_say_what_is_expected() {
        assert_eq!(
            "leave".parse::<AfterImport>().ok(),
            Some(AfterImport::Leave)
        );
        assert_eq!("seen".parse::<AfterImport>().ok(), Some(AfterImport::Seen));
        assert_eq!(
            "flag:levier".parse::<AfterImport>().ok(),
            Some(AfterImport::Flag("levier".into()))
        );
        assert_eq!(
            "move:Traités par levier".parse::<AfterImport>().ok(),
            Some(AfterImport::Move("Traités par levier".into()))
        );
        for bad in [
            "delete",
            "flag:",
            "flag:a b",
            "flag:\\Deleted",
            "move:",
            "move:a\nb",
        ] {
            let err = bad.parse::<AfterImport>().expect_err(bad).to_string();
            assert!(err.contains(&format!("{bad:?}")), "{err}");
        }
    }
}
