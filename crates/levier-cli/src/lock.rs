//! One process at a time owns a data directory: two servers writing one SQLite file's indexes,
//! or a restore under a running server, would lose data.

use crate::exit::{BUSY, coded};
use std::fs::{File, TryLockError};
use std::path::Path;

/// Held while a process uses the data directory; released when dropped or at exit.
pub struct DataDirLock {
    _file: File,
}

impl DataDirLock {
    /// Takes the directory's lock (creating the directory), or fails at once if it is held.
    pub fn acquire(data_dir: &Path) -> anyhow::Result<DataDirLock> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            anyhow::anyhow!("cannot create data directory {}: {e}", data_dir.display())
        })?;
        let path = data_dir.join("levier.lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(DataDirLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(coded(
                BUSY,
                format!(
                    "another levier process is using {} (levier serve or demo); stop it first",
                    data_dir.display()
                ),
            )),
            Err(TryLockError::Error(e)) => {
                Err(anyhow::anyhow!("cannot lock {}: {e}", path.display()))
            }
        }
    }
}
