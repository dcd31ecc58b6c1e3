//! Months of the demo company's past activity, so that every page shows meaningful figures on
//! first start: a baseline quarter in which the website's chat was a contact form answered by
//! people, then the support assistant's pilot up to today, and employees asking internal
//! search questions since the pilot began.
//!
//! The history is drawn from a fixed seed and played through the store's own operations under
//! a [`ManualClock`], so its rows and events are exactly those real use leaves and the reports
//! compute them like any other. Days are played in order and the number played is recorded
//! after each, so a retried load resumes at the first day not recorded (a crash in the middle
//! of a day can replay that day's first conversations once more).

mod clock;
mod play;
mod script;

use super::load::{LoadSummary, retry};
use clock::{Instant, MINUTE};
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use levier_core::ids::{PilotId, SiteId, UserId};
use levier_core::{Role, Timestamp};
use levier_server::pages::demo::SITE_KEY_META;
use levier_store::answer_ratings::AnswerRating;
use levier_store::faq::FaqFilter;
use levier_store::pilots::{Baseline, Comparison, NewPilot, PilotStatus, Scope, Target};
use levier_store::tasks::TaskFailure;
use levier_store::{ManualClock, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use script::{Cast, Phase};

/// Meta key: how many days of the history have been played.
const DAYS_PLAYED: &str = "demo.history.days";

/// The seed every demo draws its history from (the same history each time).
const SEED: u64 = 2026;

/// Months of history before the current one, and how many of them are the baseline.
const MONTHS: i8 = 5;
const BASELINE_MONTHS: i8 = 3;

/// The FAQ categories the pilot lets the assistant answer (the most frequent, simplest
/// questions: the use case "FAQ chatbot" of the demo's inventory).
pub const PILOT_CATEGORIES: [&str; 4] = ["livraison", "commande", "retours", "paiement"];

/// The demo's pilot, the use case it tries, and how long it runs.
const PILOT_NAME: &str = "Assistant FAQ sur le site web";
const PILOT_USE_CASE: &str = "Assistant FAQ pour le service client";
const PILOT_MONTHS: i8 = 6;

/// Questions employees ask internal search.
const EMPLOYEE_QUESTIONS: [&str; 8] = [
    "Combien de jours de télétravail par semaine ?",
    "Comment déclarer une note de frais ?",
    "Quel est le délai de paiement de nos fournisseurs ?",
    "Où trouver le modèle de devis ?",
    "Quelle est la procédure en cas d'accident du travail ?",
    "Qui contacter pour un problème de VPN ?",
    "Quelles sont les remises accordées aux revendeurs ?",
    "Comment poser des congés ?",
];

/// The history's calendar.
pub struct Timeline {
    /// Its first day.
    pub first_day: Date,
    /// The pilot's first day (the baseline is the days before).
    pub pilot_start: Date,
    /// The company's time zone.
    pub zone: TimeZone,
}

impl Timeline {
    /// The history ending today (in `zone`), as of `now`.
    pub fn ending(now: Timestamp, zone: TimeZone) -> anyhow::Result<Timeline> {
        let today = jiff::Timestamp::from_millisecond(now.millis())?
            .to_zoned(zone.clone())
            .date();
        let this_month = today.first_of_month();
        let first_day = this_month.checked_sub(jiff::Span::new().months(MONTHS))?;
        let pilot_start = first_day.checked_add(jiff::Span::new().months(BASELINE_MONTHS))?;
        Ok(Timeline {
            first_day,
            pilot_start,
            zone,
        })
    }

    /// The first instant of `day`.
    pub fn midnight(&self, day: Date) -> Result<Timestamp, levier_report::ReportError> {
        levier_report::period::midnight(day, &self.zone)
    }
}

/// Who takes part in the history.
struct People {
    agents: Vec<UserId>,
    employees: Vec<UserId>,
}

/// Plays the history up to `now` on the demo site, once.
pub(super) async fn load(
    store: &Store,
    now: Timestamp,
    summary: &mut LoadSummary,
) -> Result<(), TaskFailure> {
    let zone = levier_report::time_zone(levier_report::DEFAULT_TIME_ZONE).map_err(retry)?;
    let timeline = Timeline::ending(now, zone).map_err(retry)?;
    let site = demo_site(store).await?;
    let people = people(store).await?;
    let faq = store
        .faq_entries(&FaqFilter {
            language: Some("fr".into()),
            ..FaqFilter::default()
        })
        .await
        .map_err(retry)?;
    if faq.is_empty() || people.agents.is_empty() {
        return Err(TaskFailure::Permanent(
            "the demo history needs the FAQ and at least one agent".into(),
        ));
    }
    let played: usize = store
        .meta(DAYS_PLAYED)
        .await
        .map_err(retry)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let cast = Cast {
        faq: &faq,
        pilot_categories: &PILOT_CATEGORIES,
        agents: &people.agents,
        zone: &timeline.zone,
    };
    let clock = ManualClock::new(now);
    let past = store.with_clock(&clock);
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut day = timeline.first_day;
    let mut index = 0;
    while timeline.midnight(day).map_err(retry)? < now {
        let phase = if day < timeline.pilot_start {
            Phase::Baseline
        } else {
            Phase::Pilot
        };
        let start = timeline.midnight(day).map_err(retry)?;
        // Drawn even for days already played, so the rest of the history stays the same.
        let conversations = day_conversations(&mut rng, &cast, phase, day, start);
        let questions = day_questions(&mut rng, &people, phase, day, start);
        if index >= played {
            play_day(&past, &clock, site, &conversations, &questions, now).await?;
            summary.past_conversations += conversations.len();
            store
                .set_meta(DAYS_PLAYED, &(index + 1).to_string())
                .await
                .map_err(retry)?;
        }
        index += 1;
        day = day.tomorrow().map_err(retry)?;
    }
    pilot(store, &timeline, site).await
}

/// The assistant's pilot the history shows: its baseline is the history's first months, its
/// targets those the demo's use-case inventory sets for the FAQ assistant.
async fn pilot(store: &Store, timeline: &Timeline, site: SiteId) -> Result<(), TaskFailure> {
    let use_cases = store.use_cases().await.map_err(retry)?;
    let Some((use_case_id, _)) = use_cases.iter().find(|(_, u)| u.name == PILOT_USE_CASE) else {
        return Err(TaskFailure::Permanent(format!(
            "demo/use_cases.toml has no use case '{PILOT_USE_CASE}'"
        )));
    };
    let starts_at = timeline.midnight(timeline.pilot_start).map_err(retry)?;
    let ends = timeline
        .pilot_start
        .checked_add(jiff::Span::new().months(PILOT_MONTHS))
        .map_err(retry)?;
    let champions = store
        .users()
        .await
        .map_err(retry)?
        .into_iter()
        .filter(|u| u.role == Role::Champion)
        .map(|u| u.id)
        .collect();
    let target = |figure: &str, comparison, value| Target {
        figure: figure.into(),
        comparison,
        value,
    };
    let new = NewPilot {
        use_case_id: *use_case_id,
        name: PILOT_NAME.into(),
        scope: Scope {
            sites: vec![site],
            faq_categories: PILOT_CATEGORIES.iter().map(|c| c.to_string()).collect(),
            channels: vec!["widget".into()],
            ..Scope::default()
        },
        baseline: Baseline {
            from: Some(timeline.midnight(timeline.first_day).map_err(retry)?),
            until: Some(starts_at),
            entered: Vec::new(),
        },
        targets: vec![
            target("first_response", Comparison::ChangeAtMost, -0.3),
            target("resolution", Comparison::ChangeAtMost, -0.3),
            target("self_service_assumed", Comparison::AtLeast, 0.25),
            target("csat", Comparison::AtLeast, 0.75),
        ],
        starts_at,
        ends_at: timeline.midnight(ends).map_err(retry)?,
        champions,
    };
    let id = store.upsert_pilot(&new).await.map_err(retry)?;
    super::test_set::add(store, id).await.map_err(retry)?;
    let live = store.pilot(id).await.map_err(retry)?;
    if live.is_some_and(|p| p.status == PilotStatus::Draft) {
        store.start_pilot(id).await.map_err(retry)?;
    }
    survey(store, id).await
}

/// What the employees said of the pilot in its survey; the first collaborator of
/// `demo/company.toml` (the demo's member account) has not answered yet, so their home page
/// asks them.
async fn survey(store: &Store, pilot: PilotId) -> Result<(), TaskFailure> {
    const ANSWERS: [(i64, &str); 4] = [
        (
            5,
            "Les clients ont leur réponse tout de suite, on traite moins de questions de livraison.",
        ),
        (
            4,
            "Moins de tickets répétitifs, on a plus de temps pour les vrais problèmes.",
        ),
        (
            3,
            "Utile, mais il faudrait couvrir aussi les questions de garantie.",
        ),
        (4, ""),
    ];
    let users = store.users().await.map_err(retry)?;
    let first_member = users
        .iter()
        .filter(|u| u.role == Role::Member)
        .min_by_key(|u| u.id.0)
        .map(|u| u.id);
    let answering = users
        .iter()
        .filter(|u| matches!(u.role, Role::Member | Role::Agent | Role::Champion))
        .filter(|u| Some(u.id) != first_member);
    for (user, (score, comment)) in answering.zip(ANSWERS.iter().cycle()) {
        store
            .answer_pilot_survey(pilot, user.id, *score, comment)
            .await
            .map_err(retry)?;
    }
    Ok(())
}

async fn demo_site(store: &Store) -> Result<SiteId, TaskFailure> {
    let key = store.meta(SITE_KEY_META).await.map_err(retry)?;
    let site = match key {
        Some(key) => store.site_by_key(&key).await.map_err(retry)?,
        None => None,
    };
    site.map(|s| s.id)
        .ok_or_else(|| TaskFailure::Permanent("the demo history needs the demo site".into()))
}

async fn people(store: &Store) -> Result<People, TaskFailure> {
    let users = store.users().await.map_err(retry)?;
    let with = |roles: &[Role]| -> Vec<UserId> {
        users
            .iter()
            .filter(|u| roles.contains(&u.role))
            .map(|u| u.id)
            .collect()
    };
    Ok(People {
        agents: with(&[Role::Agent]),
        employees: with(&[Role::Member, Role::Champion]),
    })
}

/// The conversations started on `day`: about ten on a working day (a little more once the
/// assistant makes the chat more visible), two or three on a weekend day.
fn day_conversations(
    rng: &mut StdRng,
    cast: &Cast<'_>,
    phase: Phase,
    day: Date,
    midnight: Timestamp,
) -> Vec<script::Script> {
    let count = match (working_day(day), phase) {
        (false, _) => rng.random_range(1..=4),
        (true, Phase::Baseline) => rng.random_range(6..=12),
        (true, Phase::Pilot) => rng.random_range(8..=15),
    };
    let mut starts: Vec<Instant> = (0..count)
        .map(|_| Instant(midnight).after(rng.random_range(8 * 60..22 * 60) * MINUTE))
        .collect();
    starts.sort();
    starts
        .into_iter()
        .map(|start| script::conversation(rng, cast, phase, start))
        .collect()
}

/// An employee's question to internal search, and their rating of the answer.
struct Question {
    at: Instant,
    user: UserId,
    text: &'static str,
    answered: bool,
    useful: Option<bool>,
}

/// The questions employees ask on `day`: none before the pilot (internal search came with it),
/// then more each week as people adopt it.
fn day_questions(
    rng: &mut StdRng,
    people: &People,
    phase: Phase,
    day: Date,
    midnight: Timestamp,
) -> Vec<Question> {
    if phase == Phase::Baseline || !working_day(day) {
        return Vec::new();
    }
    let mut questions = Vec::new();
    for user in &people.employees {
        if !rng.random_bool(0.45) {
            continue;
        }
        for _ in 0..rng.random_range(1..=3) {
            let answered = rng.random_bool(0.82);
            questions.push(Question {
                at: Instant(midnight).after(rng.random_range(9 * 60..18 * 60) * MINUTE),
                user: *user,
                text: EMPLOYEE_QUESTIONS[rng.random_range(0..EMPLOYEE_QUESTIONS.len())],
                answered,
                useful: rng
                    .random_bool(0.3)
                    .then(|| answered && rng.random_bool(0.85)),
            });
        }
    }
    questions
}

async fn play_day(
    store: &Store,
    clock: &ManualClock,
    site: SiteId,
    conversations: &[script::Script],
    questions: &[Question],
    now: Timestamp,
) -> Result<(), TaskFailure> {
    for script in conversations {
        play::conversation(store, clock, site, script, now)
            .await
            .map_err(retry)?;
    }
    for q in questions.iter().filter(|q| q.at.0 < now) {
        clock.set(q.at.0);
        store
            .record_question(q.user, q.answered)
            .await
            .map_err(retry)?;
        if let Some(useful) = q.useful {
            let rating = AnswerRating {
                user_id: Some(q.user),
                question: q.text.into(),
                document_id: None,
                useful,
                comment: String::new(),
                at: q.at.after(MINUTE).0,
            };
            store.rate_answer(&rating).await.map_err(retry)?;
        }
    }
    Ok(())
}

fn working_day(day: Date) -> bool {
    !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
}
