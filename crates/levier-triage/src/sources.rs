//! Where mails to import come from: one `.eml` file, a folder of them, an mbox mailbox, or a
//! Maildir (`cur/` and `new/`). Each message comes out raw with the name of where it was
//! (`archive.mbox#3 (offset 1234)`), so an error names the file and place and the others go
//! through.

use std::path::{Path, PathBuf};

/// One raw message and where it came from.
#[derive(Debug, Clone)]
pub struct RawMail {
    /// File, and for a mailbox the message number and byte offset.
    pub source: String,
    /// The message's bytes.
    pub bytes: Vec<u8>,
}

/// A file or message that could not be read, with why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceError {
    /// File (and message) at fault.
    pub source: String,
    /// What went wrong.
    pub reason: String,
}

/// Every message under `path`, in a stable order (file names sorted), and what could not be
/// read. A path that does not exist is one error, not a panic.
pub fn read_mail_sources(path: &Path) -> (Vec<RawMail>, Vec<SourceError>) {
    let mut mails = Vec::new();
    let mut errors = Vec::new();
    let files = match mail_files(path) {
        Ok(files) => files,
        Err(reason) => {
            errors.push(SourceError {
                source: path.display().to_string(),
                reason,
            });
            return (mails, errors);
        }
    };
    for file in files {
        let source = file.display().to_string();
        match std::fs::read(&file) {
            Ok(bytes) if is_mailbox(&file, &bytes) => split_mailbox(&source, &bytes, &mut mails),
            Ok(bytes) => mails.push(RawMail { source, bytes }),
            Err(e) => errors.push(SourceError {
                source,
                reason: e.to_string(),
            }),
        }
    }
    (mails, errors)
}

/// The files to read: the path itself, a Maildir's `cur/` and `new/`, or a folder's `.eml`
/// and `.mbox` files (its Maildirs and subfolders too).
fn mail_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let maildir = path.join("cur").is_dir() || path.join("new").is_dir();
    let mut out = Vec::new();
    for entry in sorted_entries(path)? {
        let name = entry
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase());
        let name = name.unwrap_or_default();
        if entry.is_dir() {
            if !maildir || name == "cur" || name == "new" {
                out.extend(mail_files_in_maildir_part(&entry, maildir)?);
            }
        } else if !maildir && (name.ends_with(".eml") || name.ends_with(".mbox")) {
            out.push(entry);
        }
    }
    Ok(out)
}

/// A Maildir's `cur/` or `new/`: every file; a plain subfolder: searched like a folder.
fn mail_files_in_maildir_part(dir: &Path, maildir: bool) -> Result<Vec<PathBuf>, String> {
    if maildir {
        Ok(sorted_entries(dir)?
            .into_iter()
            .filter(|p| p.is_file())
            .collect())
    } else {
        mail_files(dir)
    }
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let read = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut entries: Vec<PathBuf> = read.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    Ok(entries)
}

/// An `.mbox` file, or any file starting with an mbox `From ` separator line.
fn is_mailbox(file: &Path, bytes: &[u8]) -> bool {
    file.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("mbox"))
        || bytes.starts_with(b"From ")
}

fn split_mailbox(source: &str, bytes: &[u8], out: &mut Vec<RawMail>) {
    let Some(messages) = levier_extract::mbox_messages(bytes) else {
        // Not a mailbox after all: let parsing say what it is.
        out.push(RawMail {
            source: source.to_owned(),
            bytes: bytes.to_vec(),
        });
        return;
    };
    for (i, (offset, raw)) in messages.enumerate() {
        out.push(RawMail {
            source: format!("{source}#{} (offset {offset})", i + 1),
            bytes: raw,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_mailboxes_and_maildirs_are_read_in_order() {
        let dir = tempfile::tempdir().expect("dir");
        let mail = b"From: a@b.fr\r\nSubject: x\r\n\r\nbody\r\n";
        std::fs::write(dir.path().join("b.eml"), mail).expect("eml");
        std::fs::write(dir.path().join("notes.txt"), b"not a mail").expect("txt");
        let mbox = b"From a@b Mon Jan  1 00:00:00 2024\nSubject: 1\n\none\nFrom a@b Mon Jan  1 00:00:00 2024\nSubject: 2\n\ntwo\n";
        std::fs::write(dir.path().join("a.mbox"), mbox).expect("mbox");
        let maildir = dir.path().join("box");
        for part in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(maildir.join(part)).expect("maildir");
        }
        std::fs::write(maildir.join("new").join("1700000000.x"), mail).expect("new");
        std::fs::write(maildir.join("tmp").join("partial"), mail).expect("tmp");
        let (mails, errors) = read_mail_sources(dir.path());
        assert!(errors.is_empty(), "{errors:?}");
        let names: Vec<String> = mails
            .iter()
            .map(|m| m.source.rsplit('/').next().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(
            names,
            [
                "a.mbox#1 (offset 0)",
                "a.mbox#2 (offset 50)",
                "b.eml",
                "1700000000.x"
            ]
        );
        let (_, errors) = read_mail_sources(&dir.path().join("missing"));
        assert_eq!(errors.len(), 1);
    }
}
