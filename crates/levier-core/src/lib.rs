//! Domain types shared by every levier crate.
//!
//! This crate holds what every other crate must agree on — identifiers, roles,
//! timestamps, the configuration and the kinds of events KPIs are computed from —
//! and does no I/O, so that it can be used anywhere (store, server, benches, tests).

pub mod config;
pub mod cpu;
pub mod event;
pub mod html;
pub mod ids;
pub mod password;
pub mod role;
pub mod time;

pub use config::{Config, ConfigError};
pub use event::{Event, EventKind};
pub use role::Role;
pub use time::Timestamp;
