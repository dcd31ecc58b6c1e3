//! The support events of the log, held in memory and kept up to date by sequence number, so
//! that a dashboard's figures cost a computation over memory rather than a read of the log.
//!
//! Reading 200,000 events from SQLite takes most of a second (sqlx hands each row from its
//! database thread to the async side one by one); computing a year's figures from memory takes
//! tens of milliseconds. The log is append-only, so the cache only ever reads what was
//! appended since its last read (`after_seq`), on every node alike.

use crate::adoption::{AdoptionKpis, adoption_kpis};
use crate::load::{dated, lookback_start};
use crate::scope::Scope;
use crate::support::{Dated, SupportKpis, SupportOptions, Volume, support_kpis, volume};
use crate::{Period, ReportError};
use levier_core::time::Timestamp;
use levier_store::Store;
use levier_store::events::EventQuery;
use tokio::sync::Mutex;

/// The support events read so far, oldest first.
#[derive(Debug, Default)]
pub struct EventCache {
    inner: Mutex<Cached>,
}

#[derive(Debug, Default)]
struct Cached {
    /// The sequence number of the last event read.
    seq: i64,
    /// The events, sorted by instant.
    events: Vec<Dated>,
}

impl EventCache {
    /// An empty cache: the first figures read the whole log.
    pub fn new() -> EventCache {
        EventCache::default()
    }

    /// The support figures of `period` for the conversations `scope` counts, after reading
    /// the events appended since last time.
    pub async fn support(
        &self,
        store: &Store,
        period: &Period,
        options: SupportOptions,
        scope: &Scope,
    ) -> Result<SupportKpis, ReportError> {
        let until = period.end.plus(options.quiet_window);
        self.with_events(store, lookback_start(period), until, |events| {
            in_scope(events, scope, |events| {
                support_kpis(events, period, options)
            })
        })
        .await
    }

    /// The adoption figures of `period` for the employees `scope` counts.
    pub async fn adoption(
        &self,
        store: &Store,
        period: &Period,
        scope: &Scope,
    ) -> Result<AdoptionKpis, ReportError> {
        self.with_events(store, period.start, period.end, |events| {
            in_scope(events, scope, |events| adoption_kpis(events, period))
        })
        .await
    }

    /// Conversations started and tickets opened in each slice (days, weeks or months of a
    /// period), for a time-series chart.
    pub async fn volume(
        &self,
        store: &Store,
        slices: &[Period],
        scope: &Scope,
    ) -> Result<Vec<Volume>, ReportError> {
        let (Some(first), Some(last)) = (slices.first(), slices.last()) else {
            return Ok(Vec::new());
        };
        let from = lookback_start(first);
        self.with_events(store, from, last.end, |events| {
            in_scope(events, scope, |events| volume(events, slices))
        })
        .await
    }

    /// Calls `f` with the held events from `from` (included) to `until` (excluded), after
    /// reading those appended since last time.
    async fn with_events<T>(
        &self,
        store: &Store,
        from: Timestamp,
        until: Timestamp,
        f: impl FnOnce(&[Dated]) -> T,
    ) -> Result<T, ReportError> {
        let mut cached = self.inner.lock().await;
        // By sequence number alone: what was appended since is read through the log's
        // primary key (a filter on kinds could lead the database to scan a kind index).
        let query = EventQuery {
            after_seq: cached.seq,
            ..EventQuery::default()
        };
        let (seq, new) = dated(store, &query).await?;
        cached.add(seq, new);
        let events = &cached.events;
        let first = events.partition_point(|e| e.at < from);
        let last = events.partition_point(|e| e.at < until);
        Ok(f(&events[first..last]))
    }
}

/// `f` of the events `scope` keeps (copied only when it keeps less than everything).
fn in_scope<T>(events: &[Dated], scope: &Scope, f: impl FnOnce(&[Dated]) -> T) -> T {
    if scope.is_everything() {
        f(events)
    } else {
        f(&scope.filter(events.to_vec()))
    }
}

impl Cached {
    /// Adds events read after `self.seq`; they are usually later than those held, but events
    /// written by several nodes may arrive a little out of order of their instants.
    fn add(&mut self, seq: i64, new: Vec<Dated>) {
        let Some(earliest) = new.iter().map(|e| e.at).min() else {
            self.seq = self.seq.max(seq);
            return;
        };
        let in_order = self.events.last().is_none_or(|last| last.at <= earliest);
        self.events.extend(new);
        if !in_order {
            self.events.sort_by_key(|e| e.at);
        }
        self.seq = self.seq.max(seq);
    }
}
