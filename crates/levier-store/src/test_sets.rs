//! Test sets: trying the support assistant before a pilot goes live (the adoption method's
//! "tests et prototypage").
//!
//! A test set is a list of customer questions, each with what the assistant should do: answer
//! with a given FAQ entry, or hand the conversation to a person. A run puts every question
//! through the assistant (the server does it, as the `test_set.run` task) and keeps each case's
//! outcome with two figures:
//!
//! - **precision** = correct answers / answers given: of the questions the assistant answered
//!   (any answer, to any case), the share answered with the expected entry. A wrong answer to
//!   a question that should have gone to a person counts against it. Undefined (and not held
//!   against the set) when the assistant answered nothing.
//! - **coverage** = cases expecting an answer that got one (right or wrong) / cases expecting
//!   an answer: how much of what the assistant should answer it does answer. Undefined (and not
//!   held against the set) when no case expects an answer.
//!
//! A clarification is neither an answer nor a handoff: it fails its case and counts in neither
//! figure's numerator. A set belongs to at most one pilot; the pilot cannot go live until the
//! set's latest run reaches both thresholds ([`Store::start_tested_pilot`]), and the run that
//! let it go live is kept with it.

use crate::pilots::Pilot;
use crate::row::{opt_time, time};
use crate::support::PilotScope;
use crate::{Store, StoreError, StoreResult};
use levier_core::Timestamp;
use levier_core::ids::{FaqEntryId, PilotId, TaskId, UserId};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::fmt;

/// A test set's identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TestSetId(pub i64);

/// A test run's identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TestRunId(pub i64);

impl fmt::Display for TestSetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for TestRunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What the assistant should do with a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "expect", rename_all = "snake_case")]
pub enum Expected {
    /// Answer with this FAQ entry.
    Entry {
        /// The entry.
        entry_id: FaqEntryId,
    },
    /// Hand the conversation to a person.
    Handoff,
}

/// The word that marks an expected handoff in a line of cases (`question => handoff`).
pub const HANDOFF_WORDS: [&str; 3] = ["handoff", "transfert", "humain"];

/// The separator between a question and what is expected of it in a line of cases.
pub const CASE_SEPARATOR: &str = "=>";

/// A case to add.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCase {
    /// The customer's question, as they would type it.
    pub question: String,
    /// What the assistant should do.
    pub expected: Expected,
}

/// Reads cases written one a line, `question => entry id` or `question => handoff` (blank
/// lines skipped): the quickest way for a champion to write twenty of them. A malformed line is
/// an error naming its number, and nothing is added.
pub fn parse_cases(text: &str) -> StoreResult<Vec<NewCase>> {
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |why: &str| StoreError::Invalid(format!("line {}: {why}", i + 1));
        let Some((question, expected)) = line.rsplit_once(CASE_SEPARATOR) else {
            return Err(bad(
                "write `question => entry number` or `question => handoff`",
            ));
        };
        let question = question.trim();
        if question.is_empty() {
            return Err(bad("the question is empty"));
        }
        let expected = expected.trim();
        let expected = if HANDOFF_WORDS.contains(&expected.to_lowercase().as_str()) {
            Expected::Handoff
        } else {
            let id = expected
                .trim_start_matches('#')
                .parse::<i64>()
                .map_err(|_| {
                    bad(&format!(
                        "'{expected}' is neither an FAQ entry number nor `handoff`"
                    ))
                })?;
            Expected::Entry {
                entry_id: FaqEntryId(id),
            }
        };
        cases.push(NewCase {
            question: question.to_owned(),
            expected,
        });
    }
    Ok(cases)
}

/// The figures a run must reach, as shares from 0 to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Least precision.
    pub min_precision: f64,
    /// Least coverage.
    pub min_coverage: f64,
}

/// A test set to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTestSet {
    /// Its name (unique).
    pub name: String,
    /// The pilot it gates, if any (at most one set per pilot).
    pub pilot_id: Option<PilotId>,
    /// What a run must reach.
    pub thresholds: Thresholds,
    /// Who wrote it.
    pub created_by: Option<UserId>,
}

/// A test set as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestSet {
    /// Identifier.
    pub id: TestSetId,
    /// Its name.
    pub name: String,
    /// The pilot it gates.
    pub pilot_id: Option<PilotId>,
    /// What a run must reach.
    pub thresholds: Thresholds,
    /// When it was created.
    pub created_at: Timestamp,
}

/// A case as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestCase {
    /// Identifier.
    pub id: i64,
    /// The question.
    pub question: String,
    /// What is expected.
    pub expected: Expected,
}

/// What the assistant did with a question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Given {
    /// It answered: with an FAQ entry, or (no entry) with a passage of a public document.
    Answer {
        /// The entry, for an FAQ answer.
        entry_id: Option<FaqEntryId>,
    },
    /// It asked which of these entries the customer meant.
    Clarify {
        /// The entries offered.
        entry_ids: Vec<FaqEntryId>,
    },
    /// It handed the question to a person.
    Handoff {
        /// The reason code (`out_of_scope`, `unsure`…).
        reason: String,
    },
}

/// One case of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseOutcome {
    /// The case.
    pub case_id: i64,
    /// Its question, as it was asked.
    pub question: String,
    /// What was expected.
    pub expected: Expected,
    /// What the assistant did.
    pub given: Given,
    /// The assistant's calibrated confidence in its first candidate.
    pub confidence: f64,
    /// The assistant's reason, in its words.
    pub why: String,
    /// Whether the assistant did what was expected.
    pub passed: bool,
}

impl CaseOutcome {
    /// The outcome of `case` when the assistant did `given`: passed when it answered with the
    /// expected entry, or handed off when a handoff was expected.
    pub fn new(case: &TestCase, given: Given, confidence: f64, why: String) -> Self {
        let passed = match (&case.expected, &given) {
            (
                Expected::Entry { entry_id },
                Given::Answer {
                    entry_id: Some(got),
                },
            ) => entry_id == got,
            (Expected::Handoff, Given::Handoff { .. }) => true,
            _ => false,
        };
        CaseOutcome {
            case_id: case.id,
            question: case.question.clone(),
            expected: case.expected,
            given,
            confidence,
            why,
            passed,
        }
    }

    fn answered(&self) -> bool {
        matches!(self.given, Given::Answer { .. })
    }

    fn correct(&self) -> bool {
        self.answered() && matches!(self.expected, Expected::Entry { .. }) && self.passed
    }
}

/// The counts behind a run's figures (see the module's definitions).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Score {
    /// Cases run.
    pub cases: i64,
    /// Answers given, to any case.
    pub answers: i64,
    /// Answers with the expected entry.
    pub correct: i64,
    /// Cases expecting an answer.
    pub expecting_answer: i64,
    /// Cases expecting an answer that got one.
    pub covered: i64,
}

/// A figure under its threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shortfall {
    /// `precision` or `coverage`.
    pub figure: &'static str,
    /// The run's value.
    pub value: f64,
    /// The set's threshold.
    pub required: f64,
}

impl fmt::Display for Shortfall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:.1} % is {:.1} points below the {:.1} % required",
            self.figure,
            self.value * 100.0,
            (self.required - self.value) * 100.0,
            self.required * 100.0
        )
    }
}

impl Score {
    /// The counts of a run's outcomes.
    pub fn of(outcomes: &[CaseOutcome]) -> Score {
        let count =
            |f: &dyn Fn(&CaseOutcome) -> bool| outcomes.iter().filter(|o| f(o)).count() as i64;
        let expects = |o: &CaseOutcome| matches!(o.expected, Expected::Entry { .. });
        Score {
            cases: outcomes.len() as i64,
            answers: count(&CaseOutcome::answered),
            correct: count(&CaseOutcome::correct),
            expecting_answer: count(&expects),
            covered: count(&|o| expects(o) && o.answered()),
        }
    }

    /// Correct answers / answers given; `None` without any answer.
    pub fn precision(&self) -> Option<f64> {
        share(self.correct, self.answers)
    }

    /// Cases expecting an answer that got one / cases expecting an answer; `None` when no case
    /// expects an answer.
    pub fn coverage(&self) -> Option<f64> {
        share(self.covered, self.expecting_answer)
    }

    /// The figures under their thresholds (none: the run passes). An undefined figure is not
    /// held against the run; a run of no case never passes.
    pub fn shortfalls(&self, thresholds: &Thresholds) -> Vec<Shortfall> {
        let figures = [
            ("precision", self.precision(), thresholds.min_precision),
            ("coverage", self.coverage(), thresholds.min_coverage),
        ];
        figures
            .into_iter()
            .filter_map(|(figure, value, required)| {
                let value = value?;
                (value < required).then_some(Shortfall {
                    figure,
                    value,
                    required,
                })
            })
            .collect()
    }

    /// Whether a run with these counts reaches `thresholds`.
    pub fn passes(&self, thresholds: &Thresholds) -> bool {
        self.cases > 0 && self.shortfalls(thresholds).is_empty()
    }
}

fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// A run to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTestRun {
    /// The set run.
    pub test_set_id: TestSetId,
    /// The task that ran it.
    pub task_id: Option<TaskId>,
    /// Who asked for it.
    pub started_by: Option<UserId>,
    /// Each case's outcome.
    pub outcomes: Vec<CaseOutcome>,
}

/// A run as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestRun {
    /// Identifier.
    pub id: TestRunId,
    /// The set run.
    pub test_set_id: TestSetId,
    /// The task that ran it.
    pub task_id: Option<TaskId>,
    /// The set's pilot at the time of the run.
    pub pilot_id: Option<PilotId>,
    /// Who asked for it.
    pub started_by: Option<UserId>,
    /// When it ended.
    pub finished_at: Timestamp,
    /// Its counts.
    pub score: Score,
    /// The thresholds it was held to (the set's at the time).
    pub thresholds: Thresholds,
    /// Whether it reached them.
    pub passed: bool,
    /// Each case's outcome.
    pub outcomes: Vec<CaseOutcome>,
    /// The pilot it let go live.
    pub admitted_pilot_id: Option<PilotId>,
    /// When it did.
    pub admitted_at: Option<Timestamp>,
}

/// Whether a pilot may go live, as far as its test set is concerned.
#[derive(Debug, Clone, PartialEq)]
pub enum Gate {
    /// The pilot has no test set: nothing holds it back.
    NoTestSet,
    /// It has one that was never run.
    NeverRun(TestSet),
    /// The set's latest run.
    Ran(TestSet, Box<TestRun>),
}

impl Gate {
    /// Why the pilot may not go live, in a sentence; `None` when it may.
    pub fn refusal(&self) -> Option<String> {
        match self {
            Gate::NoTestSet => None,
            Gate::NeverRun(set) => Some(format!(
                "the test set '{}' has not been run yet: run it before going live",
                set.name
            )),
            Gate::Ran(set, run) if run.passed => None,
            Gate::Ran(set, run) => {
                let short: Vec<String> = run
                    .score
                    .shortfalls(&run.thresholds)
                    .iter()
                    .map(Shortfall::to_string)
                    .collect();
                let why = if short.is_empty() {
                    "it has no case".to_owned()
                } else {
                    short.join("; ")
                };
                Some(format!(
                    "the latest run of the test set '{}' does not pass: {why}",
                    set.name
                ))
            }
        }
    }
}

const SET_COLUMNS: &str = "id, name, pilot_id, min_precision, min_coverage, created_at";
const RUN_COLUMNS: &str = "id, test_set_id, task_id, pilot_id, started_by_user_id, finished_at, \
     cases, answers, correct, expecting_answer, covered, min_precision, min_coverage, passed, \
     outcomes, admitted_pilot_id, admitted_at";

impl Store {
    /// Creates a test set; a second set for the same pilot, or a taken name, is a conflict.
    pub async fn create_test_set(&self, new: &NewTestSet) -> StoreResult<TestSetId> {
        check_set(new)?;
        if let Some(pilot) = new.pilot_id
            && self.pilot(pilot).await?.is_none()
        {
            return Err(StoreError::not_found("pilot", pilot));
        }
        if let Some(pilot) = new.pilot_id
            && let Some(other) = self.test_set_of_pilot(pilot).await?
        {
            return Err(StoreError::Conflict(format!(
                "this pilot already has the test set '{}': add cases to it",
                other.name
            )));
        }
        let row = sqlx::query(
            "INSERT INTO test_sets (name, pilot_id, min_precision, min_coverage,
             created_by_user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(new.name.trim())
        .bind(new.pilot_id.map(|p| p.0))
        .bind(new.thresholds.min_precision)
        .bind(new.thresholds.min_coverage)
        .bind(new.created_by.map(|u| u.0))
        .bind(self.now().millis())
        .fetch_one(self.pool())
        .await
        .map_err(StoreError::conflict_on(format!(
            "a test set is already named '{}'",
            new.name.trim()
        )))?;
        Ok(TestSetId(row.try_get("id")?))
    }

    /// Every test set, by name.
    pub async fn test_sets(&self) -> StoreResult<Vec<TestSet>> {
        let rows = sqlx::query(&format!(
            "SELECT {SET_COLUMNS} FROM test_sets ORDER BY name, id"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(test_set).collect()
    }

    /// A test set by id.
    pub async fn test_set(&self, id: TestSetId) -> StoreResult<Option<TestSet>> {
        let row = sqlx::query(&format!(
            "SELECT {SET_COLUMNS} FROM test_sets WHERE id = $1"
        ))
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(test_set).transpose()
    }

    /// The test set that gates `pilot`, if any.
    pub async fn test_set_of_pilot(&self, pilot: PilotId) -> StoreResult<Option<TestSet>> {
        let row = sqlx::query(&format!(
            "SELECT {SET_COLUMNS} FROM test_sets WHERE pilot_id = $1"
        ))
        .bind(pilot.0)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(test_set).transpose()
    }

    /// Adds cases to a set, all or none: an empty question or an FAQ entry that does not
    /// exist is refused, naming it. Returns how many were added.
    pub async fn add_test_cases(&self, set: TestSetId, cases: &[NewCase]) -> StoreResult<usize> {
        if self.test_set(set).await?.is_none() {
            return Err(StoreError::not_found("test set", set));
        }
        self.check_test_cases(cases).await?;
        let now = self.now().millis();
        let mut tx = self.write_tx().await?;
        for case in cases {
            let entry = match case.expected {
                Expected::Entry { entry_id } => Some(entry_id.0),
                Expected::Handoff => None,
            };
            sqlx::query(
                "INSERT INTO test_cases (test_set_id, question, expected_entry_id, created_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(set.0)
            .bind(case.question.trim())
            .bind(entry)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(cases.len())
    }

    /// Checks cases before they are added: a question each, and FAQ entries that exist.
    pub async fn check_test_cases(&self, cases: &[NewCase]) -> StoreResult<()> {
        for case in cases {
            self.check_case(case).await?;
        }
        Ok(())
    }

    async fn check_case(&self, case: &NewCase) -> StoreResult<()> {
        if case.question.trim().is_empty() {
            return Err(StoreError::Invalid("a case needs a question".into()));
        }
        if let Expected::Entry { entry_id } = case.expected
            && self.faq_entry(entry_id).await?.is_none()
        {
            return Err(StoreError::Invalid(format!(
                "'{}': there is no FAQ entry number {}",
                case.question.trim(),
                entry_id.0
            )));
        }
        Ok(())
    }

    /// A set's cases, in the order they were added.
    pub async fn test_cases(&self, set: TestSetId) -> StoreResult<Vec<TestCase>> {
        let rows = sqlx::query(
            "SELECT id, question, expected_entry_id FROM test_cases WHERE test_set_id = $1
             ORDER BY id",
        )
        .bind(set.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let entry: Option<i64> = row.try_get("expected_entry_id")?;
                Ok(TestCase {
                    id: row.try_get("id")?,
                    question: row.try_get("question")?,
                    expected: match entry {
                        Some(id) => Expected::Entry {
                            entry_id: FaqEntryId(id),
                        },
                        None => Expected::Handoff,
                    },
                })
            })
            .collect()
    }

    /// Records a run with its figures, held to the set's thresholds of now.
    pub async fn record_test_run(&self, new: &NewTestRun) -> StoreResult<TestRunId> {
        let set = self
            .test_set(new.test_set_id)
            .await?
            .ok_or_else(|| StoreError::not_found("test set", new.test_set_id))?;
        let score = Score::of(&new.outcomes);
        let outcomes =
            serde_json::to_string(&new.outcomes).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let row = sqlx::query(
            "INSERT INTO test_runs (test_set_id, task_id, pilot_id, started_by_user_id,
             finished_at, cases, answers, correct, expecting_answer, covered, min_precision,
             min_coverage, passed, outcomes)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(set.id.0)
        .bind(new.task_id.map(|t| t.0))
        .bind(set.pilot_id.map(|p| p.0))
        .bind(new.started_by.map(|u| u.0))
        .bind(self.now().millis())
        .bind(score.cases)
        .bind(score.answers)
        .bind(score.correct)
        .bind(score.expecting_answer)
        .bind(score.covered)
        .bind(set.thresholds.min_precision)
        .bind(set.thresholds.min_coverage)
        .bind(i64::from(score.passes(&set.thresholds)))
        .bind(outcomes)
        .fetch_one(self.pool())
        .await?;
        Ok(TestRunId(row.try_get("id")?))
    }

    /// A set's latest run.
    pub async fn latest_test_run(&self, set: TestSetId) -> StoreResult<Option<TestRun>> {
        let row = sqlx::query(&format!(
            "SELECT {RUN_COLUMNS} FROM test_runs WHERE test_set_id = $1 ORDER BY id DESC LIMIT 1"
        ))
        .bind(set.0)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(test_run).transpose()
    }

    /// The run that let `pilot` go live, kept with it.
    pub async fn admitting_test_run(&self, pilot: PilotId) -> StoreResult<Option<TestRun>> {
        let row = sqlx::query(&format!(
            "SELECT {RUN_COLUMNS} FROM test_runs WHERE admitted_pilot_id = $1
             ORDER BY id DESC LIMIT 1"
        ))
        .bind(pilot.0)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(test_run).transpose()
    }

    /// Whether `pilot` may go live as far as its test set is concerned.
    pub async fn pilot_gate(&self, pilot: PilotId) -> StoreResult<Gate> {
        let Some(set) = self.test_set_of_pilot(pilot).await? else {
            return Ok(Gate::NoTestSet);
        };
        Ok(match self.latest_test_run(set.id).await? {
            Some(run) => Gate::Ran(set, Box::new(run)),
            None => Gate::NeverRun(set),
        })
    }

    /// Puts a draft pilot live ([`Store::start_pilot`]) if its test set's latest run passes,
    /// and keeps that run with the pilot. A pilot without a test set goes live as before.
    /// Refused with [`StoreError::Conflict`] saying which threshold failed and by how much.
    pub async fn start_tested_pilot(&self, pilot: PilotId) -> StoreResult<Option<TestRunId>> {
        let gate = self.pilot_gate(pilot).await?;
        if let Some(why) = gate.refusal() {
            return Err(StoreError::Conflict(why));
        }
        self.start_pilot(pilot).await?;
        let Gate::Ran(_, run) = gate else {
            return Ok(None);
        };
        sqlx::query("UPDATE test_runs SET admitted_pilot_id = $1, admitted_at = $2 WHERE id = $3")
            .bind(pilot.0)
            .bind(self.now().millis())
            .bind(run.id.0)
            .execute(self.pool())
            .await?;
        Ok(Some(run.id))
    }
}

impl Store {
    /// The scope `pilot`'s assistant will have once live (its first website's limits with the
    /// pilot's FAQ categories), so a draft pilot is tried as it will run.
    pub async fn pilot_trial_scope(&self, pilot: &Pilot) -> StoreResult<PilotScope> {
        for site in &pilot.scope.sites {
            if let Some(site) = self.site(*site).await? {
                return Ok(pilot.site_scope(&site.pilot_scope));
            }
        }
        Ok(pilot.site_scope(&PilotScope::default()))
    }
}

fn check_set(new: &NewTestSet) -> StoreResult<()> {
    if new.name.trim().is_empty() {
        return Err(StoreError::Invalid("a test set needs a name".into()));
    }
    for (what, value) in [
        ("minimum precision", new.thresholds.min_precision),
        ("minimum coverage", new.thresholds.min_coverage),
    ] {
        if !(0.0..=1.0).contains(&value) {
            return Err(StoreError::Invalid(format!(
                "the {what} must be between 0 and 100 %, not {:.1} %",
                value * 100.0
            )));
        }
    }
    Ok(())
}

fn thresholds(row: &AnyRow) -> StoreResult<Thresholds> {
    Ok(Thresholds {
        min_precision: row.try_get("min_precision")?,
        min_coverage: row.try_get("min_coverage")?,
    })
}

fn test_set(row: &AnyRow) -> StoreResult<TestSet> {
    Ok(TestSet {
        id: TestSetId(row.try_get("id")?),
        name: row.try_get("name")?,
        pilot_id: row.try_get::<Option<i64>, _>("pilot_id")?.map(PilotId),
        thresholds: thresholds(row)?,
        created_at: time(row, "created_at")?,
    })
}

fn test_run(row: &AnyRow) -> StoreResult<TestRun> {
    let outcomes: String = row.try_get("outcomes")?;
    let outcomes = serde_json::from_str(&outcomes)
        .map_err(|e| StoreError::Invalid(format!("test run outcomes: {e}")))?;
    Ok(TestRun {
        id: TestRunId(row.try_get("id")?),
        test_set_id: TestSetId(row.try_get("test_set_id")?),
        task_id: row.try_get::<Option<i64>, _>("task_id")?.map(TaskId),
        pilot_id: row.try_get::<Option<i64>, _>("pilot_id")?.map(PilotId),
        started_by: row
            .try_get::<Option<i64>, _>("started_by_user_id")?
            .map(UserId),
        finished_at: time(row, "finished_at")?,
        score: Score {
            cases: row.try_get("cases")?,
            answers: row.try_get("answers")?,
            correct: row.try_get("correct")?,
            expecting_answer: row.try_get("expecting_answer")?,
            covered: row.try_get("covered")?,
        },
        thresholds: thresholds(row)?,
        passed: row.try_get::<i64, _>("passed")? != 0,
        outcomes,
        admitted_pilot_id: row
            .try_get::<Option<i64>, _>("admitted_pilot_id")?
            .map(PilotId),
        admitted_at: opt_time(row, "admitted_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(id: i64, expected: Expected) -> TestCase {
        TestCase {
            id,
            question: format!("q{id}"),
            expected,
        }
    }

    fn entry(id: i64) -> Expected {
        Expected::Entry {
            entry_id: FaqEntryId(id),
        }
    }

    fn answer(id: i64) -> Given {
        Given::Answer {
            entry_id: Some(FaqEntryId(id)),
        }
    }

    fn handoff() -> Given {
        Given::Handoff {
            reason: "unsure".into(),
        }
    }

    #[test]
    fn lines_of_cases_are_read_and_a_bad_line_is_named() {
        let cases = parse_cases(
            "Prix de la livraison ? => 3\n\n  Je veux un humain => handoff \nA => b => #12",
        )
        .expect("succeeds");
        assert_eq!(cases.len(), 3);
        assert_eq!(cases[0].expected, entry(3));
        assert_eq!(cases[1].question, "Je veux un humain");
        assert_eq!(cases[1].expected, Expected::Handoff);
        assert_eq!(cases[2].question, "A => b", "the last separator splits");
        assert_eq!(cases[2].expected, entry(12));
        let e = parse_cases("ok => 1\nno separator")
            .expect_err("refused")
            .to_string();
        assert!(e.contains("line 2"), "{e}");
        let e = parse_cases("q => maybe").expect_err("refused").to_string();
        assert!(e.contains("'maybe'"), "{e}");
        let e = parse_cases(" => 1").expect_err("refused").to_string();
        assert!(e.contains("empty"), "{e}");
    }

    #[test]
    fn precision_and_coverage_follow_their_definitions() {
        let o = |c: TestCase, g: Given| CaseOutcome::new(&c, g, 0.9, String::new());
        let outcomes = vec![
            o(case(1, entry(10)), answer(10)),         // correct answer
            o(case(2, entry(11)), answer(12)),         // wrong answer, covered
            o(case(3, entry(13)), handoff()),          // not covered
            o(case(4, Expected::Handoff), handoff()),  // right handoff
            o(case(5, Expected::Handoff), answer(14)), // answered what a person should handle
            o(
                case(6, entry(15)),
                Given::Clarify {
                    entry_ids: vec![FaqEntryId(15), FaqEntryId(16)],
                },
            ),
        ];
        let passed: Vec<bool> = outcomes.iter().map(|o| o.passed).collect();
        assert_eq!(passed, [true, false, false, true, false, false]);
        let score = Score::of(&outcomes);
        assert_eq!(
            score,
            Score {
                cases: 6,
                answers: 3,
                correct: 1,
                expecting_answer: 4,
                covered: 2
            }
        );
        assert_eq!(score.precision(), Some(1.0 / 3.0));
        assert_eq!(score.coverage(), Some(0.5));
        let strict = Thresholds {
            min_precision: 0.9,
            min_coverage: 0.5,
        };
        let short = score.shortfalls(&strict);
        assert_eq!(short.len(), 1);
        assert_eq!(
            short[0].to_string(),
            "precision 33.3 % is 56.7 points below the 90.0 % required"
        );
        assert!(!score.passes(&strict));
    }

    #[test]
    fn undefined_figures_are_not_held_against_a_run_but_an_empty_run_fails() {
        let t = Thresholds {
            min_precision: 1.0,
            min_coverage: 1.0,
        };
        let only_handoffs = [CaseOutcome::new(
            &case(1, Expected::Handoff),
            handoff(),
            0.1,
            String::new(),
        )];
        let score = Score::of(&only_handoffs);
        assert_eq!((score.precision(), score.coverage()), (None, None));
        assert!(score.passes(&t));
        assert!(!Score::default().passes(&t));
    }
}
