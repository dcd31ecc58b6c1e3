//! `levier bench report`: how long the support figures take over a year of a company's
//! activity, read from a real SQLite store.
//!
//! The activity is generated: every day of the year, conversations arrive at office hours;
//! the assistant answers most, some customers write again, some conversations are handed
//! off, and tickets get a first response, a resolution, sometimes a rating, a reopening or a
//! wrong-answer mark. The mix gives about 3.66 events per conversation, so the default
//! 200,000 events are about 150 conversations a day: a 40-person company's support.

use crate::BenchError;
use crate::metrics::percentile;
use crate::retrieval::Latency;
use levier_core::event::{Event, EventKind};
use levier_core::ids::{ConversationId, MessageId, TicketId, UserId};
use levier_core::time::Timestamp;
use levier_report::scope::Scope;
use levier_report::{EventCache, Granularity, Period, SupportOptions, load, time_zone};
use levier_store::Store;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;

/// The year the activity covers, on Paris clocks.
const YEAR: &str = "2025-12-01..2026-12-01";
/// Events written per transaction while generating.
const BATCH: usize = 5_000;
/// Timed runs of each computation.
const RUNS: usize = 5;

/// What to measure.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Events to generate (about).
    pub events: usize,
    /// Seed of the generator.
    pub seed: u64,
}

/// What was measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReportBench {
    /// Events written.
    pub events: usize,
    /// Conversations generated.
    pub conversations: usize,
    /// Seconds to write them.
    pub write_seconds: f64,
    /// Every support figure over the whole year, the events read from the store each time
    /// (a one-off report, `levier report`), ms.
    pub read_year_ms: Latency,
    /// The first dashboard figures: the cache reads the whole log, ms.
    pub cache_fill_ms: f64,
    /// Every support figure over the whole year from the filled cache (a dashboard), ms.
    pub year_ms: Latency,
    /// The same for one month (each of the twelve months, `RUNS` times), ms.
    pub month_ms: Latency,
    /// The year's conversations the figures counted (a check that the work was done).
    pub year_conversations: usize,
}

/// Generates the activity into a temporary SQLite store and times the figures.
pub async fn run(options: &ReportOptions) -> Result<ReportBench, BenchError> {
    let zone = time_zone("Europe/Paris")?;
    let year = Period::parse(YEAR, &zone)?;
    let (_tmp, config) = crate::temporary_data_dir("levier-bench-report-")?;
    let store = Store::open(&config).await?;
    let started = Instant::now();
    let (events, conversations) = generate(&store, &year, options).await?;
    let write_seconds = started.elapsed().as_secs_f64();
    let now = year.end.plus(std::time::Duration::from_secs(86_400 * 2));
    let settings = SupportOptions::at(now);
    let read_ms = timed(RUNS, || load::support(&store, &year, settings)).await?;
    let cache = EventCache::new();
    let everything = Scope::default();
    let first = Instant::now();
    let year_conversations = cache
        .support(&store, &year, settings, &everything)
        .await?
        .conversations;
    let cache_fill_ms = first.elapsed().as_secs_f64() * 1000.0;
    let year_ms = timed(RUNS, || cache.support(&store, &year, settings, &everything)).await?;
    let mut month_ms = Vec::new();
    for month in year.slices(Granularity::Month, &zone)? {
        month_ms.extend(
            timed(RUNS, || {
                cache.support(&store, &month, settings, &everything)
            })
            .await?,
        );
    }
    store.close().await;
    Ok(ReportBench {
        events,
        conversations,
        write_seconds,
        read_year_ms: latency(read_ms),
        cache_fill_ms,
        year_ms: latency(year_ms),
        month_ms: latency(month_ms),
        year_conversations,
    })
}

/// Runs `f` `runs` times; returns each run's milliseconds.
async fn timed<F, T>(runs: usize, f: impl Fn() -> F) -> Result<Vec<f64>, BenchError>
where
    F: std::future::Future<Output = Result<T, levier_report::ReportError>>,
{
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f().await?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(ms)
}

fn latency(mut ms: Vec<f64>) -> Latency {
    ms.sort_by(f64::total_cmp);
    Latency {
        p50: percentile(&ms, 50.0),
        p95: percentile(&ms, 95.0),
        p99: percentile(&ms, 99.0),
    }
}

/// Writes the year's activity; returns the events and conversations written.
async fn generate(
    store: &Store,
    year: &Period,
    options: &ReportOptions,
) -> Result<(usize, usize), BenchError> {
    let mut rng = StdRng::seed_from_u64(options.seed);
    let conversations = options.events * 100 / 366;
    let span = year.end.0 - year.start.0;
    let mut batch = Vec::with_capacity(BATCH + 16);
    let mut written = 0;
    for c in 0..conversations {
        let start = year.start.0 + span * c as i64 / conversations as i64;
        conversation(&mut rng, c as i64, Timestamp(start), &mut batch);
        if batch.len() >= BATCH {
            written += flush(store, &mut batch).await?;
        }
    }
    written += flush(store, &mut batch).await?;
    Ok((written, conversations))
}

/// Writes the batch, in time order, and empties it.
async fn flush(store: &Store, batch: &mut Vec<Event>) -> Result<usize, BenchError> {
    batch.sort_by_key(|e| e.at);
    if !batch.is_empty() {
        store.append_events(batch).await?;
    }
    let n = batch.len();
    batch.clear();
    Ok(n)
}

/// One conversation's events from `start`.
fn conversation(rng: &mut StdRng, c: i64, start: Timestamp, out: &mut Vec<Event>) {
    let minute = 60_000;
    let at = |offset: i64| Timestamp(start.0 + offset);
    let id = ConversationId(c);
    let event = |at, kind| Event {
        at,
        actor: None,
        kind,
    };
    out.push(event(at(0), message(id)));
    let answered = rng.random_bool(0.7);
    if answered {
        out.push(event(at(minute / 60), answer(id, c)));
        if rng.random_bool(0.03) {
            out.push(event(at(3 * 60 * minute), wrong(c)));
        }
    }
    if rng.random_bool(0.35) {
        out.push(event(at(5 * minute), message(id)));
    }
    if !answered || rng.random_bool(0.25) {
        ticket(rng, c, at(6 * minute), out);
    }
}

/// A ticket's life from its opening.
fn ticket(rng: &mut StdRng, c: i64, opened: Timestamp, out: &mut Vec<Event>) {
    let t = TicketId(c);
    let first = rng.random_range(5..240) * 60_000;
    let resolved = first + rng.random_range(1..72) * 3_600_000;
    let after = |ms: i64| Timestamp(opened.0 + ms);
    let mut push = |at, kind| {
        out.push(Event {
            at,
            actor: None,
            kind,
        })
    };
    push(
        opened,
        EventKind::HandedOff {
            conversation_id: ConversationId(c),
            ticket_id: t,
            reason: ["low_confidence", "customer_asked", "complaint"][c as usize % 3].into(),
        },
    );
    push(
        after(first),
        EventKind::AgentFirstResponse {
            ticket_id: t,
            after_ms: first,
            within_sla: Some(first <= 120 * 60_000),
        },
    );
    push(
        after(resolved),
        EventKind::TicketResolved {
            ticket_id: t,
            after_ms: resolved,
            within_sla: Some(resolved <= 48 * 3_600_000),
        },
    );
    if rng.random_bool(0.3) {
        push(
            after(resolved + 3_600_000),
            EventKind::CsatGiven {
                ticket_id: t,
                rating: rng.random_range(1..=5),
            },
        );
    }
    if rng.random_bool(0.05) {
        push(
            after(resolved + 86_400_000),
            EventKind::TicketReopened {
                ticket_id: t,
                by_customer: true,
            },
        );
    }
}

fn message(conversation_id: ConversationId) -> EventKind {
    EventKind::MessageReceived {
        conversation_id,
        site_id: None,
    }
}

fn answer(conversation_id: ConversationId, c: i64) -> EventKind {
    EventKind::BotAnswered {
        conversation_id,
        message_id: MessageId(c),
        confidence: 0.9,
        source: Some("faq:1".into()),
    }
}

fn wrong(c: i64) -> EventKind {
    EventKind::BotAnswerMarkedWrong {
        message_id: MessageId(c),
        user_id: UserId(1),
    }
}
