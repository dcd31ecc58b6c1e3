//! Where the store's operations read the time.
//!
//! Always the system clock in the product. A replay of past activity (the demo company's
//! months of history, an import from another helpdesk) runs the same operations — so the rows
//! and events it leaves are exactly those real use leaves — under a [`ManualClock`] it moves.

use crate::Store;
use levier_core::Timestamp;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// The time source of a [`Store`] handle.
#[derive(Clone, Debug, Default)]
pub(crate) enum Clock {
    /// The system clock.
    #[default]
    System,
    /// An instant set by the caller.
    Manual(ManualClock),
}

/// An instant a replay sets and moves forward; shared by every handle made with it.
#[derive(Clone, Debug)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    /// A clock showing `at`.
    pub fn new(at: Timestamp) -> ManualClock {
        ManualClock(Arc::new(AtomicI64::new(at.millis())))
    }

    /// Shows `at` from now on.
    pub fn set(&self, at: Timestamp) {
        self.0.store(at.millis(), Ordering::SeqCst);
    }

    /// The instant shown.
    pub fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

impl Store {
    /// A handle on the same database whose operations read the time from `clock`.
    pub fn with_clock(&self, clock: &ManualClock) -> Store {
        Store {
            clock: Clock::Manual(clock.clone()),
            ..self.clone()
        }
    }

    /// The instant an operation records.
    pub(crate) fn now(&self) -> Timestamp {
        match &self.clock {
            Clock::System => Timestamp::now(),
            Clock::Manual(clock) => clock.now(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_is_shared_by_its_copies() {
        let clock = ManualClock::new(Timestamp(5));
        let copy = clock.clone();
        copy.set(Timestamp(9));
        assert_eq!(clock.now(), Timestamp(9));
    }
}
