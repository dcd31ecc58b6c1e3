//! Measured value: KPIs computed from what really happened (the event log), over calendar
//! periods of the company's time zone.
//!
//! The figures are pure functions of events ([`support::support_kpis`]), so a test can build
//! an event stream with hand-computed answers; [`load`] reads the events a period needs from
//! the store.

pub mod adoption;
pub mod cache;
pub mod chart;
pub mod drill;
pub mod export;
pub mod figures;
pub mod leads;
pub mod load;
pub mod mail;
pub mod pdf;
pub mod period;
pub mod pilot;
pub mod render;
pub mod scope;
pub mod stats;
pub mod support;
pub mod use_cases;
pub mod value;

pub use adoption::{AdoptionKpis, adoption_kpis};
pub use cache::EventCache;
pub use figures::{Figure, Lang, Value, adoption_figures, support_figures};
pub use period::{DEFAULT_TIME_ZONE, Granularity, Period, time_zone};
pub use stats::{Share, Spread};
pub use support::{Dated, SupportKpis, SupportOptions, Volume, support_kpis, volume};

/// What can go wrong when computing a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The period is not one of the forms understood.
    #[error(
        "'{spec}' is not a period: give a month (2026-11), an ISO week (2026-W47), a day \
         (2026-11-03) or a range of days (2026-11-01..2026-12-01, end excluded)"
    )]
    Period {
        /// The period as given.
        spec: String,
    },
    /// The time zone is unknown.
    #[error("unknown time zone '{name}': give an IANA name such as Europe/Paris")]
    TimeZone {
        /// The name as given.
        name: String,
    },
    /// A date outside the calendar's range.
    #[error("calendar: {0}")]
    Calendar(String),
    /// A value given by a person is not acceptable.
    #[error("{0}")]
    Input(String),
    /// Printing the PDF failed.
    #[error("PDF: {0}")]
    Pdf(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] levier_store::StoreError),
}
