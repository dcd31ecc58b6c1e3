//! Adoption figures: are employees using internal search, and do they find its answers
//! useful? Counted from the questions asked and the ratings given in the period.

use crate::stats::Share;
use crate::support::Dated;
use levier_core::event::EventKind;
use std::collections::HashSet;

/// The adoption figures of one period.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AdoptionKpis {
    /// Questions employees asked internal search.
    pub questions: usize,
    /// Employees who asked at least one question.
    pub active_employees: usize,
    /// Questions per active employee.
    pub questions_per_employee: Option<f64>,
    /// Questions a passage answered, out of all questions.
    pub answered: Share,
    /// Answers rated useful, out of the answers rated.
    pub useful: Share,
}

/// Computes the period's adoption figures from `events` (those of the period).
pub fn adoption_kpis(events: &[Dated], period: &crate::Period) -> AdoptionKpis {
    let mut askers = HashSet::new();
    let (mut answered, mut useful) = (Share::default(), Share::default());
    for e in events.iter().filter(|e| period.contains(e.at)) {
        match &e.kind {
            EventKind::QuestionAsked {
                user_id,
                answered: yes,
            } => {
                askers.insert(*user_id);
                answered.whole += 1;
                answered.part += usize::from(*yes);
            }
            EventKind::AnswerRated { useful: yes, .. } => {
                useful.whole += 1;
                useful.part += usize::from(*yes);
            }
            _ => {}
        }
    }
    AdoptionKpis {
        questions: answered.whole,
        active_employees: askers.len(),
        questions_per_employee: (!askers.is_empty())
            .then(|| answered.whole as f64 / askers.len() as f64),
        answered,
        useful,
    }
}
