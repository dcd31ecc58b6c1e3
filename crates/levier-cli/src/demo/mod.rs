//! The demo company (Ergolis, a fictional French SME), embedded in the binary so that
//! `levier demo` works from any directory, and the `demo.load` task that loads it.

mod history;
mod leads;
mod load;
pub mod mails;
pub mod site;
mod test_set;

pub use load::LoadSummary;
use load::retry as load_retry;

use include_dir::{Dir, include_dir};
use levier_store::tasks::{Runner, TaskContext, TaskFailure};
use serde::Deserialize;
use std::path::PathBuf;

/// The demo company's files (documents, FAQ, emails, leads, use cases), as in `demo/`.
pub static FILES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../demo");

/// The password of every demo account (printed by `levier demo`; demo data only).
pub const PASSWORD: &str = "levier-demo";

/// The kind of the durable task that loads the demo company.
pub const TASK_KIND: &str = "demo.load";

/// Meta key set once the demo company is fully loaded.
pub const LOADED_KEY: &str = "demo.loaded";

/// `demo/company.toml`: who the company is, its access groups, accounts and document folders.
#[derive(Debug, Deserialize)]
pub struct CompanyFile {
    /// Identity.
    pub company: CompanyInfo,
    /// Access groups.
    pub groups: Vec<GroupDef>,
    /// Demo accounts, one per role at least.
    pub users: Vec<UserDef>,
    /// Document folders and who may read them.
    pub sources: Vec<SourceDef>,
    /// The support assistant's settings: business hours, sensitive topics.
    #[serde(default)]
    pub assistant: levier_assist::AssistantSettings,
}

/// The company's identity.
#[derive(Debug, Deserialize)]
pub struct CompanyInfo {
    /// Trade name.
    pub name: String,
    /// Legal name with its form.
    pub legal_name: String,
    /// Public website (`https://…`): the demo site's allowed origin.
    pub website: String,
}

/// An access group.
#[derive(Debug, Deserialize)]
pub struct GroupDef {
    /// Stable identifier.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// What it covers.
    #[serde(default)]
    pub description: String,
}

/// A demo account.
#[derive(Debug, Deserialize)]
pub struct UserDef {
    /// Login.
    pub email: String,
    /// Full name.
    pub name: String,
    /// Role name.
    pub role: String,
    /// Access groups.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Team.
    pub team: Option<String>,
}

/// A folder of documents and its access.
#[derive(Debug, Deserialize)]
pub struct SourceDef {
    /// Folder inside `demo/`.
    pub path: String,
    /// Groups that may read it.
    pub groups: Vec<String>,
    /// Whether customers may see it.
    #[serde(default)]
    pub public: bool,
}

/// Parses the embedded `company.toml`.
pub fn company() -> anyhow::Result<CompanyFile> {
    let text = embedded_text("company.toml")?;
    toml::from_str(text).map_err(|e| anyhow::anyhow!("demo/company.toml: {e}"))
}

/// An embedded text file of the demo, by path inside `demo/`.
fn embedded_text(path: &str) -> anyhow::Result<&'static str> {
    FILES
        .get_file(path)
        .and_then(|f| f.contents_utf8())
        .ok_or_else(|| anyhow::anyhow!("the demo file {path} is missing from this build"))
}

/// Registers the `demo.load` handler on a task runner.
pub fn register(runner: Runner) -> Runner {
    runner.register(TASK_KIND, |ctx: TaskContext| async move {
        let data_dir: PathBuf = ctx
            .task
            .payload
            .get("data_dir")
            .and_then(|v| v.as_str())
            .map(PathBuf::from)
            .ok_or_else(|| TaskFailure::Permanent("the task payload has no data_dir".into()))?;
        let summary = load::load(&ctx, &data_dir).await?;
        serde_json::to_value(&summary).map_err(|e| TaskFailure::Permanent(e.to_string()))
    })
}
