//! `levier init [DIR]`: writes a commented configuration file.

use crate::exit::{INPUT, coded};
use std::path::Path;

pub fn run(dir: &Path, force: bool) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join("levier.toml");
    if path.exists() && !force {
        return Err(coded(
            INPUT,
            format!(
                "{} already exists; use --force to replace it",
                path.display()
            ),
        ));
    }
    std::fs::write(&path, levier_core::config::commented_template())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    println!("next: levier --config {} serve", path.display());
    Ok(())
}
