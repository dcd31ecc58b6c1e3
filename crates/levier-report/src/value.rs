//! The value levier gives back: the time people did not spend because levier did the work
//! alone, and that time's worth against levier's running cost. The minutes per action and the
//! costs are the company's own estimates (edited on the Reports page, kept with the store);
//! the counts of actions come from the event log like every other figure.

use crate::Period;
use crate::adoption::AdoptionKpis;
use crate::figures::{Figure, Lang, Text, Value, named};
use crate::leads::LeadKpis;
use crate::mail::MailKpis;
use crate::support::SupportKpis;

/// The company's estimates the value figures rest on.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ValueInputs {
    /// Minutes a person would have spent on a customer conversation the assistant settled
    /// alone.
    pub minutes_per_self_served_conversation: f64,
    /// Minutes an employee saves when internal search answers a question.
    pub minutes_per_answered_question: f64,
    /// Minutes a person would have spent reading, sorting and forwarding a mail that triage
    /// routed right (no one corrected it).
    pub minutes_per_routed_mail: f64,
    /// Minutes a salesperson would have spent cleaning, checking and ranking a new lead.
    pub minutes_per_qualified_lead: f64,
    /// An hour of an employee's time, fully loaded, in euros.
    pub hourly_cost_eur: f64,
    /// What levier costs to run each month (hosting, a model provider, upkeep), in euros.
    pub monthly_running_cost_eur: f64,
    /// The employees the time saved is spread over, for the per-employee figure.
    pub employees: u32,
}

impl Default for ValueInputs {
    /// Typical figures for a 40-person company: a first-level support answer takes about
    /// 6 minutes, finding an internal answer about 4, sorting a mail about 2, qualifying a
    /// lead about 5; an hour costs about 35 € loaded.
    fn default() -> Self {
        ValueInputs {
            minutes_per_self_served_conversation: 6.0,
            minutes_per_answered_question: 4.0,
            minutes_per_routed_mail: 2.0,
            minutes_per_qualified_lead: 5.0,
            hourly_cost_eur: 35.0,
            monthly_running_cost_eur: 150.0,
            employees: 40,
        }
    }
}

impl ValueInputs {
    /// The inputs if they make sense, or what is wrong with them.
    pub fn checked(self) -> Result<ValueInputs, String> {
        let amounts = [
            (
                "minutes_per_self_served_conversation",
                self.minutes_per_self_served_conversation,
            ),
            (
                "minutes_per_answered_question",
                self.minutes_per_answered_question,
            ),
            ("minutes_per_routed_mail", self.minutes_per_routed_mail),
            (
                "minutes_per_qualified_lead",
                self.minutes_per_qualified_lead,
            ),
            ("hourly_cost_eur", self.hourly_cost_eur),
            ("monthly_running_cost_eur", self.monthly_running_cost_eur),
        ];
        if let Some((name, v)) = amounts.iter().find(|(_, v)| !v.is_finite() || *v < 0.0) {
            return Err(format!("{name} must be a positive number, got {v}"));
        }
        if self.employees == 0 {
            return Err("employees must be at least 1".into());
        }
        Ok(self)
    }
}

/// What levier did alone in a period, per use case: the counts the time saved multiplies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Actions {
    /// Customer conversations the assistant settled alone (assumed self-service).
    pub self_served_conversations: usize,
    /// Employees' questions internal search answered.
    pub answered_questions: usize,
    /// Mails triage routed that no person reclassified.
    pub routed_mails: usize,
    /// New leads levier cleaned, deduplicated and scored.
    pub qualified_leads: usize,
}

impl Actions {
    /// The period's actions from its figures.
    pub fn of(
        support: &SupportKpis,
        adoption: &AdoptionKpis,
        mail: &MailKpis,
        leads: &LeadKpis,
    ) -> Actions {
        Actions {
            self_served_conversations: support.self_service_assumed.part,
            answered_questions: adoption.answered.part,
            routed_mails: mail.routed_without_correction.part,
            qualified_leads: leads.created,
        }
    }
}

/// Time saved by one use case.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct UseCaseSaving {
    /// `support_chat`, `internal_search`, `mail_triage` or `lead_qualification`.
    pub use_case: &'static str,
    /// Automated actions counted.
    pub actions: usize,
    /// Minutes saved.
    pub minutes: f64,
}

/// The value figures of one period.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ValueKpis {
    /// Hours saved in the period.
    pub hours_saved: f64,
    /// Minutes saved per employee per week.
    pub minutes_per_employee_per_week: f64,
    /// The hours saved valued at the hourly cost, in euros.
    pub gross_eur: f64,
    /// levier's running cost over the period, in euros.
    pub running_cost_eur: f64,
    /// Gross value minus running cost, in euros.
    pub net_eur: f64,
    /// The time saved, use case by use case.
    pub by_use_case: Vec<UseCaseSaving>,
}

impl ValueKpis {
    /// Minutes saved per use case (rounded), for a breakdown chart.
    pub fn breakdown(&self) -> Vec<(String, usize)> {
        self.by_use_case
            .iter()
            .map(|u| (u.use_case.to_string(), u.minutes.round() as usize))
            .collect()
    }
}

/// Average days in a month, to spread a monthly cost over any period.
const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

/// The period's value from what levier did alone in it and the company's `inputs`.
pub fn value_kpis(actions: &Actions, period: &Period, inputs: &ValueInputs) -> ValueKpis {
    let saving = |use_case, actions: usize, minutes_each: f64| UseCaseSaving {
        use_case,
        actions,
        minutes: actions as f64 * minutes_each,
    };
    let by_use_case = vec![
        saving(
            "support_chat",
            actions.self_served_conversations,
            inputs.minutes_per_self_served_conversation,
        ),
        saving(
            "internal_search",
            actions.answered_questions,
            inputs.minutes_per_answered_question,
        ),
        saving(
            "mail_triage",
            actions.routed_mails,
            inputs.minutes_per_routed_mail,
        ),
        saving(
            "lead_qualification",
            actions.qualified_leads,
            inputs.minutes_per_qualified_lead,
        ),
    ];
    let minutes: f64 = by_use_case.iter().map(|u| u.minutes).sum();
    let days = (period.end.0 - period.start.0) as f64 / 86_400_000.0;
    let weeks = (days / 7.0).max(f64::MIN_POSITIVE);
    let hours_saved = minutes / 60.0;
    let gross_eur = hours_saved * inputs.hourly_cost_eur;
    let running_cost_eur = inputs.monthly_running_cost_eur * days / DAYS_PER_MONTH;
    ValueKpis {
        hours_saved,
        minutes_per_employee_per_week: minutes / f64::from(inputs.employees.max(1)) / weeks,
        gross_eur,
        running_cost_eur,
        net_eur: gross_eur - running_cost_eur,
        by_use_case,
    }
}

const SAVED: Text = (
    "Temps gagné",
    "Conversations réglées par l'assistant seul (libre-service présumé) × minutes par \
     conversation, plus questions internes ayant reçu une réponse × minutes par question, \
     plus e-mails routés sans correction × minutes par e-mail, plus nouveaux prospects \
     qualifiés × minutes par prospect.",
    "Time saved",
    "Conversations the assistant settled alone (assumed self-service) × minutes per \
     conversation, plus internal questions answered × minutes per question, plus mails \
     routed without correction × minutes per mail, plus new leads qualified × minutes per \
     lead.",
);
const PER_EMPLOYEE: Text = (
    "Temps gagné par collaborateur et par semaine",
    "Temps gagné réparti sur l'effectif saisi, rapporté au nombre de semaines de la période.",
    "Time saved per employee per week",
    "Time saved spread over the headcount entered, per week of the period.",
);
const GROSS: Text = (
    "Valeur du temps gagné",
    "Heures gagnées × coût horaire chargé saisi.",
    "Value of the time saved",
    "Hours saved × the loaded hourly cost entered.",
);
const RUNNING: Text = (
    "Coût de fonctionnement",
    "Coût mensuel saisi, au prorata des jours de la période.",
    "Running cost",
    "The monthly cost entered, pro rata of the period's days.",
);
const NET: Text = (
    "Retour sur investissement (net)",
    "Valeur du temps gagné moins coût de fonctionnement.",
    "Return on investment (net)",
    "Value of the time saved minus running cost.",
);

/// The value figures, in the order a report shows them.
pub fn value_figures(k: &ValueKpis, lang: Lang) -> Vec<Figure> {
    named(
        [
            (
                "hours_saved",
                SAVED,
                Value::Hours {
                    hours: k.hours_saved,
                },
            ),
            (
                "minutes_per_employee_per_week",
                PER_EMPLOYEE,
                Value::Minutes {
                    minutes: k.minutes_per_employee_per_week,
                },
            ),
            ("value_gross", GROSS, Value::Euros { eur: k.gross_eur }),
            (
                "running_cost",
                RUNNING,
                Value::Euros {
                    eur: k.running_cost_eur,
                },
            ),
            ("roi_net", NET, Value::Euros { eur: k.net_eur }),
        ],
        lang,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Share;
    use levier_core::Timestamp;

    #[test]
    fn time_saved_and_return_are_the_hand_computed_ones() {
        // 28 days; 30 conversations settled alone × 6 min + 45 answers × 4 min
        // + 60 mails × 2 min + 12 leads × 5 min = 540 min.
        let period = Period {
            label: "2026-02".into(),
            start: Timestamp(0),
            end: Timestamp(28 * 86_400_000),
        };
        let actions = Actions {
            self_served_conversations: 30,
            answered_questions: 45,
            routed_mails: 60,
            qualified_leads: 12,
        };
        let inputs = ValueInputs {
            employees: 10,
            monthly_running_cost_eur: 365.25 / 12.0 * 10.0,
            ..ValueInputs::default()
        };
        let k = value_kpis(&actions, &period, &inputs);
        assert_eq!(k.hours_saved, 9.0);
        // 540 min over 10 people and 4 weeks.
        assert_eq!(k.minutes_per_employee_per_week, 13.5);
        assert_eq!(k.gross_eur, 315.0);
        // 10 € a day for 28 days.
        assert!((k.running_cost_eur - 280.0).abs() < 1e-9);
        assert!((k.net_eur - 35.0).abs() < 1e-9);
        assert_eq!(
            k.breakdown(),
            vec![
                ("support_chat".to_string(), 180),
                ("internal_search".to_string(), 180),
                ("mail_triage".to_string(), 120),
                ("lead_qualification".to_string(), 60),
            ]
        );
        let figures = value_figures(&k, Lang::Fr);
        assert_eq!(figures[0].value.display(), "9.0 h");
        assert_eq!(figures[4].value.display(), "35 €");
    }

    #[test]
    fn the_actions_are_read_from_each_capability_s_figures() {
        let period = Period {
            label: "2026-02".into(),
            start: Timestamp(0),
            end: Timestamp(1),
        };
        let support =
            crate::support::support_kpis(&[], &period, crate::SupportOptions::at(Timestamp(0)));
        let support = SupportKpis {
            self_service_assumed: Share { part: 3, whole: 4 },
            ..support
        };
        let adoption = AdoptionKpis {
            questions: 5,
            active_employees: 2,
            questions_per_employee: Some(2.5),
            answered: Share { part: 4, whole: 5 },
            useful: Share::default(),
        };
        let mail = crate::mail::mail_kpis(&[], &period);
        let mail = MailKpis {
            routed_without_correction: Share { part: 7, whole: 9 },
            ..mail
        };
        let leads = LeadKpis {
            created: 11,
            ..LeadKpis::default()
        };
        assert_eq!(
            Actions::of(&support, &adoption, &mail, &leads),
            Actions {
                self_served_conversations: 3,
                answered_questions: 4,
                routed_mails: 7,
                qualified_leads: 11,
            }
        );
    }

    #[test]
    fn nonsense_inputs_are_refused() {
        let bad = ValueInputs {
            hourly_cost_eur: -1.0,
            ..ValueInputs::default()
        };
        assert!(bad.checked().unwrap_err().contains("hourly_cost_eur"));
        let nobody = ValueInputs {
            employees: 0,
            ..ValueInputs::default()
        };
        assert!(nobody.checked().is_err());
        assert!(ValueInputs::default().checked().is_ok());
    }
}
