//! `levier models list|import|use|info`: the local models semantic search runs on.

use crate::cli::ModelsCommand;
use crate::exit::{INPUT, coded};
use levier_core::Config;
use levier_ml::{ModelCatalog, ModelDir, ModelIdentity, SentenceEncoder, WEIGHTS_FILE};
use serde::Serialize;
use std::path::Path;

pub fn run(config: &Config, cmd: ModelsCommand) -> anyhow::Result<()> {
    let catalog = ModelCatalog::new(&config.models_dir());
    match cmd {
        ModelsCommand::List { json } => list(config, &catalog, json),
        ModelsCommand::Import { path, name, json } => import(&catalog, &path, name, json),
        ModelsCommand::Use { name } => select(config, &catalog, &name),
        ModelsCommand::Info { name, json } => info(config, &catalog, name, json),
    }
}

/// One line of `levier models list`.
#[derive(Serialize)]
struct Listed {
    name: String,
    selected: bool,
    usable: bool,
    /// Why the model cannot be used, when it cannot.
    problem: Option<String>,
}

fn list(config: &Config, catalog: &ModelCatalog, json: bool) -> anyhow::Result<()> {
    let selected = catalog.selected(&config.models.embedding);
    let listed: Vec<Listed> = catalog
        .list()?
        .into_iter()
        .map(|e| Listed {
            selected: selected.as_deref() == Some(e.name.as_str()),
            usable: e.model.is_ok(),
            problem: e.model.err().map(|err| err.to_string()),
            name: e.name,
        })
        .collect();
    if json {
        return super::print_json(&listed);
    }
    if listed.is_empty() {
        println!(
            "no models in {} (import one: levier models import PATH, or run scripts/fetch-models)",
            catalog.dir().display()
        );
    }
    for m in &listed {
        let mark = if m.selected { "*" } else { " " };
        match &m.problem {
            None => println!("{mark} {}", m.name),
            Some(problem) => println!("{mark} {}  (unusable: {problem})", m.name),
        }
    }
    Ok(())
}

/// What `levier models import` reports.
#[derive(Serialize)]
struct ImportReport {
    name: String,
    dir: String,
    weights_sha256: String,
    converted_from_packed: bool,
}

fn import(
    catalog: &ModelCatalog,
    path: &Path,
    name: Option<String>,
    json: bool,
) -> anyhow::Result<()> {
    if !path.exists() {
        return Err(coded(INPUT, format!("{} does not exist", path.display())));
    }
    let name = name.unwrap_or_else(|| levier_ml::default_name(path));
    let imported = levier_ml::import(path, catalog.dir(), &name)?;
    let report = ImportReport {
        name: imported.identity.name,
        dir: imported.dir.display().to_string(),
        weights_sha256: imported.identity.weights_sha256,
        converted_from_packed: imported.converted,
    };
    if json {
        return super::print_json(&report);
    }
    let how = if report.converted_from_packed {
        "converted and imported"
    } else {
        "imported"
    };
    println!("{how} model {} into {}", report.name, report.dir);
    println!("weights sha256 {}", report.weights_sha256);
    Ok(())
}

fn select(config: &Config, catalog: &ModelCatalog, name: &str) -> anyhow::Result<()> {
    require_imported(catalog, name)?;
    catalog.select(name)?;
    println!(
        "{name} selected: the server embeds the documents with it in the background (task embeddings.build) and switches to it when every passage has its vector; searches use the previous model meanwhile"
    );
    if !config.models.embedding.is_empty() && config.models.embedding != name {
        println!(
            "note: the configuration's models.embedding ({}) overrides this choice",
            config.models.embedding
        );
    }
    Ok(())
}

/// What `levier models info` reports.
#[derive(Serialize)]
struct Info {
    name: String,
    dir: String,
    architecture: String,
    dimensions: usize,
    window_tokens: usize,
    query_prompt: String,
    passage_prompt: String,
    weights_bytes: u64,
    weights_sha256: String,
    selected: bool,
}

fn info(
    config: &Config,
    catalog: &ModelCatalog,
    name: Option<String>,
    json: bool,
) -> anyhow::Result<()> {
    let selected = catalog.selected(&config.models.embedding);
    let name = name.or_else(|| selected.clone()).ok_or_else(|| {
        coded(
            INPUT,
            "no model is imported: run scripts/fetch-models or levier models import PATH",
        )
    })?;
    require_imported(catalog, &name)?;
    let dir = catalog.path(&name);
    let model = ModelDir::open(&dir)?;
    // Loading the encoder checks every tensor, so `info` doubles as a health check.
    let encoder = SentenceEncoder::load(&dir, &name)?;
    let ModelIdentity { weights_sha256, .. } = encoder.identity().clone();
    let info = Info {
        selected: selected.as_deref() == Some(name.as_str()),
        dir: dir.display().to_string(),
        architecture: format!("{:?}", model.architecture),
        dimensions: encoder.dim(),
        window_tokens: encoder.window_tokens(),
        query_prompt: model.prompts.query.clone(),
        passage_prompt: model.prompts.passage.clone(),
        weights_bytes: std::fs::metadata(dir.join(WEIGHTS_FILE)).map_or(0, |m| m.len()),
        weights_sha256,
        name,
    };
    if json {
        return super::print_json(&info);
    }
    println!(
        "model          {}{}",
        info.name,
        if info.selected { " (in use)" } else { "" }
    );
    println!("directory      {}", info.dir);
    println!("architecture   {}", info.architecture);
    println!("dimensions     {}", info.dimensions);
    println!(
        "window         {} tokens (longer texts are split into windows)",
        info.window_tokens
    );
    println!(
        "prompts        query {:?}, passage {:?}",
        info.query_prompt, info.passage_prompt
    );
    println!(
        "weights        {} bytes, sha256 {}",
        info.weights_bytes, info.weights_sha256
    );
    Ok(())
}

fn require_imported(catalog: &ModelCatalog, name: &str) -> anyhow::Result<()> {
    if catalog.path(name).is_dir() {
        return Ok(());
    }
    Err(coded(
        INPUT,
        format!(
            "model {name} is not in {} (levier models list); import it with levier models import PATH --name {name}",
            catalog.dir().display()
        ),
    ))
}
