//! Rebuilds the binary when the demo company changes. `include_dir!` (src/demo/mod.rs) embeds
//! `demo/`, but on stable Rust it cannot tell Cargo which files it read, so without this an
//! added or edited demo file would silently be left out of the next build.

fn main() {
    println!("cargo::rerun-if-changed=../../demo");
}
