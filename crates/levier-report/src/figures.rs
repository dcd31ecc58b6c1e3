//! The support figures as a report lists them: each with its name and its definition, in
//! French or English, next to its value, so that nobody has to guess what a number counts.

use crate::stats::{Share, Spread};
use crate::support::SupportKpis;

/// The language of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// French.
    Fr,
    /// English.
    En,
}

/// One figure of a report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Figure {
    /// A stable identifier (`self_service_assumed`), for CSV columns and links.
    pub id: &'static str,
    /// Its name.
    pub label: &'static str,
    /// What it counts, exactly.
    pub definition: &'static str,
    /// Its value.
    pub value: Value,
}

/// A figure's value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Value {
    /// A count.
    Count {
        /// The count.
        n: usize,
    },
    /// A share, with its counts.
    Share {
        /// The counts.
        share: Share,
    },
    /// A rate that is a product of shares.
    Rate {
        /// The rate (none when a factor has no data).
        rate: Option<f64>,
    },
    /// Durations: median and 90th percentile.
    Durations {
        /// The spread (none without data).
        spread: Option<Spread>,
    },
    /// A mean score.
    Score {
        /// The mean (none without data).
        mean: Option<f64>,
    },
    /// An amount of time in hours.
    Hours {
        /// The hours.
        hours: f64,
    },
    /// An amount of time in minutes.
    Minutes {
        /// The minutes.
        minutes: f64,
    },
    /// An amount of money in euros.
    Euros {
        /// The euros.
        eur: f64,
    },
}

impl Value {
    /// The value as a person reads it: `12`, `33.3 % (1/3)`, `30 min (p90 2 h)`, `—`.
    pub fn display(&self) -> String {
        match self {
            Value::Count { n } => n.to_string(),
            Value::Share { share } => share.rate().map_or("—".into(), |r| {
                format!("{} ({}/{})", percent(r), share.part, share.whole)
            }),
            Value::Rate { rate } => rate.map_or("—".into(), percent),
            Value::Durations { spread } => spread.map_or("—".into(), |s| {
                format!("{} (p90 {})", duration(s.median_ms), duration(s.p90_ms))
            }),
            Value::Score { mean } => mean.map_or("—".into(), |m| format!("{m:.2}")),
            Value::Hours { hours } => self.display_number(*hours),
            Value::Minutes { minutes } => self.display_number(*minutes),
            Value::Euros { eur } => self.display_number(*eur),
        }
    }

    /// The one number a comparison uses: the count, the rate, the median in milliseconds,
    /// the mean; `None` without data.
    pub fn number(&self) -> Option<f64> {
        match self {
            Value::Count { n } => Some(*n as f64),
            Value::Share { share } => share.rate(),
            Value::Rate { rate } => *rate,
            Value::Durations { spread } => spread.map(|s| s.median_ms as f64),
            Value::Score { mean } => *mean,
            Value::Hours { hours } => Some(*hours),
            Value::Minutes { minutes } => Some(*minutes),
            Value::Euros { eur } => Some(*eur),
        }
    }

    /// `number` written in this figure's unit (a value entered by hand, a target).
    pub fn display_number(&self, number: f64) -> String {
        match self {
            Value::Count { .. } => format!("{number:.0}"),
            Value::Share { .. } | Value::Rate { .. } => percent(number),
            Value::Durations { .. } => duration(number as i64),
            Value::Score { .. } => format!("{number:.2}"),
            Value::Hours { .. } => format!("{number:.1} h"),
            Value::Minutes { .. } => format!("{number:.0} min"),
            Value::Euros { .. } => euros(number),
        }
    }

    /// Whether a lower value is the better one (durations), for reading a change.
    pub fn lower_is_better(&self) -> bool {
        matches!(self, Value::Durations { .. })
    }
}

/// Whole euros with a thin space between thousands and a true minus sign: `−1 234 €`.
fn euros(amount: f64) -> String {
    let digits = format!("{:.0}", amount.abs());
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    let sign = if amount.round() < 0.0 { "−" } else { "" };
    format!("{sign}{grouped} €")
}

/// A rate as a percentage with one decimal.
fn percent(rate: f64) -> String {
    format!("{:.1} %", rate * 100.0)
}

/// A duration in the largest unit that keeps it readable.
fn duration(ms: i64) -> String {
    let minutes = ms as f64 / 60_000.0;
    if minutes < 1.0 {
        format!("{} s", ms / 1000)
    } else if minutes < 120.0 {
        format!("{minutes:.0} min")
    } else if minutes < 48.0 * 60.0 {
        format!("{:.1} h", minutes / 60.0)
    } else {
        format!("{:.1} j", minutes / 1440.0)
    }
}

/// Name and definition of each figure, in French then English.
pub(crate) type Text = (&'static str, &'static str, &'static str, &'static str);

const CONVERSATIONS: Text = (
    "Conversations",
    "Conversations dont le premier message client tombe dans la période.",
    "Conversations",
    "Conversations whose first customer message falls in the period.",
);
const MESSAGES: Text = (
    "Messages clients",
    "Messages écrits par les clients pendant la période.",
    "Customer messages",
    "Messages customers wrote in the period.",
);
const TICKETS: Text = (
    "Tickets ouverts",
    "Conversations confiées à une personne (transferts) pendant la période.",
    "Tickets opened",
    "Conversations handed to a person in the period.",
);
const INVOLVEMENT: Text = (
    "Implication de l'assistant",
    "Conversations de la période auxquelles l'assistant a répondu au moins une fois.",
    "Assistant involvement",
    "The period's conversations the assistant answered at least once.",
);
const SELF_SERVICE: Text = (
    "Libre-service (présumé)",
    "Conversations répondues par l'assistant restées sans nouveau message client ni transfert \
     pendant la fenêtre de silence (24 h) après sa dernière réponse, sans réponse jugée fausse ; \
     celles dont la fenêtre court encore sont exclues.",
    "Self-service (assumed)",
    "Conversations the assistant answered that stayed without a new customer message or a \
     handoff during the quiet window (24 h) after its last answer, with no answer marked wrong; \
     those whose window is still open are left out.",
);
const CONFIRMED: Text = (
    "Libre-service (confirmé)",
    "Conversations répondues par l'assistant où le client a dit qu'une réponse l'avait aidé \
     (sa dernière réponse à « Cette réponse vous a-t-elle aidé ? »).",
    "Self-service (confirmed)",
    "Conversations the assistant answered where the customer said an answer helped (their \
     latest reply to \"Did this answer help?\").",
);
const AUTOMATION: Text = (
    "Taux d'automatisation",
    "Implication × résolution : la part de toutes les conversations résolues par l'assistant seul.",
    "Automation rate",
    "Involvement × resolution: the share of all conversations the assistant resolved alone.",
);
const HANDOFF: Text = (
    "Taux de transfert",
    "Conversations de la période confiées à une personne.",
    "Handoff rate",
    "The period's conversations handed to a person.",
);
const FIRST_RESPONSE: Text = (
    "Première réponse",
    "Délai entre l'ouverture d'un ticket et la première réponse d'un agent (médiane, p90), \
     pour les premières réponses données dans la période ; les messages de l'assistant ne \
     comptent pas.",
    "First response",
    "Time from a ticket's opening to an agent's first answer (median, p90), for first answers \
     given in the period; the assistant's messages do not count.",
);
const FIRST_RESPONSE_SLA: Text = (
    "Premières réponses dans les délais",
    "Premières réponses données avant l'échéance du ticket, parmi celles qui en avaient une.",
    "First responses within SLA",
    "First answers given before the ticket's due instant, out of those that had one.",
);
const RESOLUTION: Text = (
    "Résolution",
    "Délai entre l'ouverture d'un ticket et sa résolution (médiane, p90), pour les résolutions \
     de la période.",
    "Resolution",
    "Time from a ticket's opening to its resolution (median, p90), for resolutions in the period.",
);
const HANDLING: Text = (
    "Temps de traitement",
    "Temps passé par les agents sur un ticket — pour chaque réponse, de l'ouverture de la page \
     du ticket à l'envoi, une heure au plus — cumulé par ticket, pour les résolutions de la \
     période (médiane, p90) ; les tickets traités sans la page (API) ne comptent pas.",
    "Handling time",
    "Time agents spent on a ticket — for each reply, from opening the ticket's page to sending \
     it, an hour at most — summed per ticket, for resolutions in the period (median, p90); \
     tickets handled without the page (API) do not count.",
);
const REOPEN: Text = (
    "Taux de réouverture",
    "Tickets rouverts pendant la période, rapportés aux tickets résolus pendant la période.",
    "Reopen rate",
    "Tickets reopened in the period, out of tickets resolved in it.",
);
const ERROR: Text = (
    "Taux d'erreur de l'assistant",
    "Réponses de l'assistant de la période qu'un agent a jugées fausses.",
    "Assistant error rate",
    "The assistant's answers of the period that an agent marked wrong.",
);
const CSAT: Text = (
    "Satisfaction (CSAT)",
    "Notes de 4 ou 5 sur 5 parmi les notes données pendant la période.",
    "Satisfaction (CSAT)",
    "Ratings of 4 or 5 out of 5 among the ratings given in the period.",
);
const CSAT_MEAN: Text = (
    "Note moyenne",
    "Moyenne des notes (1 à 5) données pendant la période.",
    "Average rating",
    "Mean of the ratings (1 to 5) given in the period.",
);

const QUESTIONS: Text = (
    "Questions posées",
    "Questions posées par les collaborateurs à la recherche interne pendant la période.",
    "Questions asked",
    "Questions employees asked internal search in the period.",
);
const ACTIVE: Text = (
    "Collaborateurs actifs",
    "Collaborateurs ayant posé au moins une question pendant la période.",
    "Active employees",
    "Employees who asked at least one question in the period.",
);
const PER_EMPLOYEE: Text = (
    "Questions par collaborateur actif",
    "Questions posées divisées par le nombre de collaborateurs actifs.",
    "Questions per active employee",
    "Questions asked divided by the number of active employees.",
);
const ANSWERED: Text = (
    "Questions avec réponse",
    "Questions pour lesquelles un passage des documents a répondu.",
    "Questions answered",
    "Questions a passage of the documents answered.",
);
const USEFUL: Text = (
    "Réponses jugées utiles",
    "Réponses notées « utile » parmi les réponses notées par les collaborateurs pendant la période.",
    "Answers rated useful",
    "Answers rated useful among those employees rated in the period.",
);

/// The adoption figures, in the order a report shows them.
pub fn adoption_figures(k: &crate::AdoptionKpis, lang: Lang) -> Vec<Figure> {
    let figures = [
        ("questions", QUESTIONS, Value::Count { n: k.questions }),
        (
            "active_employees",
            ACTIVE,
            Value::Count {
                n: k.active_employees,
            },
        ),
        (
            "questions_per_employee",
            PER_EMPLOYEE,
            Value::Score {
                mean: k.questions_per_employee,
            },
        ),
        ("answered", ANSWERED, Value::Share { share: k.answered }),
        ("useful", USEFUL, Value::Share { share: k.useful }),
    ];
    named(figures, lang)
}

/// Each figure with its name and definition in `lang`.
pub(crate) fn named<const N: usize>(
    figures: [(&'static str, Text, Value); N],
    lang: Lang,
) -> Vec<Figure> {
    figures
        .into_iter()
        .map(|(id, text, value)| {
            let (label, definition) = match lang {
                Lang::Fr => (text.0, text.1),
                Lang::En => (text.2, text.3),
            };
            Figure {
                id,
                label,
                definition,
                value,
            }
        })
        .collect()
}

/// The support figures, in the order a report shows them.
pub fn support_figures(k: &SupportKpis, lang: Lang) -> Vec<Figure> {
    let csat = k.csat;
    let figures = [
        (
            "conversations",
            CONVERSATIONS,
            Value::Count { n: k.conversations },
        ),
        (
            "customer_messages",
            MESSAGES,
            Value::Count {
                n: k.customer_messages,
            },
        ),
        (
            "tickets_opened",
            TICKETS,
            Value::Count {
                n: k.tickets_opened,
            },
        ),
        (
            "involvement",
            INVOLVEMENT,
            Value::Share {
                share: k.involvement,
            },
        ),
        (
            "self_service_assumed",
            SELF_SERVICE,
            Value::Share {
                share: k.self_service_assumed,
            },
        ),
        (
            "self_service_confirmed",
            CONFIRMED,
            Value::Share {
                share: k.self_service_confirmed,
            },
        ),
        (
            "automation_rate",
            AUTOMATION,
            Value::Rate {
                rate: k.automation_rate,
            },
        ),
        ("handoff_rate", HANDOFF, Value::Share { share: k.handoff }),
        (
            "first_response",
            FIRST_RESPONSE,
            Value::Durations {
                spread: k.first_response,
            },
        ),
        (
            "first_response_within_sla",
            FIRST_RESPONSE_SLA,
            Value::Share {
                share: k.first_response_within_sla,
            },
        ),
        (
            "resolution",
            RESOLUTION,
            Value::Durations {
                spread: k.resolution,
            },
        ),
        (
            "handling_time",
            HANDLING,
            Value::Durations { spread: k.handling },
        ),
        ("reopen_rate", REOPEN, Value::Share { share: k.reopen }),
        ("error_rate", ERROR, Value::Share { share: k.error }),
        (
            "csat",
            CSAT,
            Value::Share {
                share: csat.map(|c| c.satisfied).unwrap_or_default(),
            },
        ),
        (
            "csat_average",
            CSAT_MEAN,
            Value::Score {
                mean: csat.map(|c| c.average),
            },
        ),
    ];
    named(figures, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_people_write_them() {
        let share = Value::Share {
            share: Share { part: 1, whole: 3 },
        };
        assert_eq!(share.display(), "33.3 % (1/3)");
        let empty = Value::Share {
            share: Share::default(),
        };
        assert_eq!(empty.display(), "—");
        let spread = Value::Durations {
            spread: Spread::of(vec![1_800_000, 7_200_000]),
        };
        assert_eq!(spread.display(), "30 min (p90 2.0 h)");
        assert_eq!(duration(45_000), "45 s");
        assert_eq!(duration(3 * 86_400_000), "3.0 j");
    }
}
