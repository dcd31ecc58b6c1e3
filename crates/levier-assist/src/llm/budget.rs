//! Token budgets, kept in this node's memory: a call is refused before it is made when what was
//! spent today or in the conversation, plus what the call may take, would pass the limit.

use crate::llm::client::LlmError;
use crate::llm::config::TokenBudget;
use jiff::civil::Date;
use std::collections::HashMap;
use std::sync::Mutex;

/// Tokens spent, per UTC day and per conversation.
#[derive(Debug)]
pub(crate) struct BudgetLedger {
    budget: TokenBudget,
    spent: Mutex<Spent>,
}

#[derive(Debug, Default)]
struct Spent {
    day: Option<Date>,
    today: u64,
    conversations: HashMap<String, u64>,
}

impl BudgetLedger {
    pub(crate) fn new(budget: TokenBudget) -> BudgetLedger {
        BudgetLedger {
            budget,
            spent: Mutex::new(Spent::default()),
        }
    }

    /// Refuses a call that may take `estimate` tokens when it would pass a limit.
    pub(crate) fn check(
        &self,
        conversation: Option<&str>,
        estimate: u64,
        today: Date,
    ) -> Result<(), LlmError> {
        let mut spent = self.lock(today);
        if let Some(limit) = self.budget.per_day {
            refuse_beyond("day", spent.today, estimate, limit)?;
        }
        if let (Some(limit), Some(id)) = (self.budget.per_conversation, conversation) {
            let used = *spent.conversations.entry(id.to_owned()).or_default();
            refuse_beyond("conversation", used, estimate, limit)?;
        }
        Ok(())
    }

    /// Counts the tokens a call took.
    pub(crate) fn record(&self, conversation: Option<&str>, tokens: u64, today: Date) {
        let mut spent = self.lock(today);
        spent.today += tokens;
        if let Some(id) = conversation {
            *spent.conversations.entry(id.to_owned()).or_default() += tokens;
        }
    }

    /// The ledger, its day's count started afresh when the day changed.
    fn lock(&self, today: Date) -> std::sync::MutexGuard<'_, Spent> {
        let mut spent = self.spent.lock().unwrap_or_else(|p| p.into_inner());
        if spent.day != Some(today) {
            spent.day = Some(today);
            spent.today = 0;
        }
        spent
    }
}

fn refuse_beyond(
    scope: &'static str,
    used: u64,
    estimate: u64,
    limit: u64,
) -> Result<(), LlmError> {
    if used + estimate > limit {
        return Err(LlmError::BudgetExceeded { scope, used, limit });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Date = jiff::civil::date(2026, 11, 26);

    #[test]
    fn a_conversation_over_its_budget_is_refused_and_others_are_not() {
        let ledger = BudgetLedger::new(TokenBudget {
            per_day: None,
            per_conversation: Some(1_000),
        });
        ledger.record(Some("c1"), 800, DAY);
        let err = ledger.check(Some("c1"), 300, DAY).expect_err("over");
        assert!(err.to_string().contains("conversation"), "{err}");
        ledger
            .check(Some("c2"), 300, DAY)
            .expect("another conversation");
    }

    #[test]
    fn the_daily_budget_starts_afresh_the_next_day() {
        let ledger = BudgetLedger::new(TokenBudget {
            per_day: Some(1_000),
            per_conversation: None,
        });
        ledger.record(None, 1_000, DAY);
        assert!(ledger.check(None, 1, DAY).is_err());
        ledger
            .check(None, 1, DAY.tomorrow().expect("date"))
            .expect("new day");
    }
}
