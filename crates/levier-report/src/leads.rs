//! Lead KPIs from the event log: the conversion rate by tier (does the score rank well?) and by
//! source (which channels bring customers?), and how long leads wait for a first contact.
//!
//! Outcomes belong to the period of the event that decided them (a lead won in November
//! counts in November, whenever it arrived), each with the tier and source it had then, as
//! the `lead_converted`/`lead_lost` events carry them. A first contact counts in the period
//! it happened, measured from the lead's `lead_created` event (which may be older).

use crate::Period;
use crate::stats::{Share, Spread};
use crate::support::Dated;
use levier_core::event::EventKind;
use levier_core::ids::LeadId;
use std::collections::{BTreeMap, HashMap};

/// The group of leads that were never scored, or whose source is unknown.
pub const UNKNOWN: &str = "-";

/// The lead figures of one period.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct LeadKpis {
    /// Leads won in the period, out of leads won or lost in it.
    pub conversion: Share,
    /// The same by tier (`A`–`D`, [`UNKNOWN`] for unscored leads).
    pub conversion_by_tier: BTreeMap<String, Share>,
    /// The same by source ([`UNKNOWN`] when none was given).
    pub conversion_by_source: BTreeMap<String, Share>,
    /// Time from a lead's creation to its first contact, for first contacts in the period
    /// whose lead's creation is in the log.
    pub time_to_first_contact: Option<Spread>,
    /// Leads created in the period.
    pub created: usize,
}

/// Computes the period's lead figures from `events`, which must cover the period and, for the
/// time to first contact, the creation of the leads contacted in it.
pub fn lead_kpis(events: &[Dated], period: &Period) -> LeadKpis {
    let mut kpis = LeadKpis::default();
    let mut created: HashMap<LeadId, i64> = HashMap::new();
    let mut waits = Vec::new();
    for e in events {
        if let EventKind::LeadCreated { lead_id, .. } = &e.kind {
            created.insert(*lead_id, e.at.millis());
        }
    }
    for e in events.iter().filter(|e| period.contains(e.at)) {
        match &e.kind {
            EventKind::LeadCreated { .. } => kpis.created += 1,
            EventKind::LeadContacted { lead_id } => {
                if let Some(&from) = created.get(lead_id) {
                    waits.push(e.at.millis() - from);
                }
            }
            EventKind::LeadConverted { tier, source, .. } => {
                kpis.count_outcome(tier, source, true);
            }
            EventKind::LeadLost { tier, source, .. } => {
                kpis.count_outcome(tier, source, false);
            }
            _ => {}
        }
    }
    kpis.time_to_first_contact = Spread::of(waits);
    kpis
}

/// The stored names of the events the lead figures read.
pub const LEAD_KINDS: [&str; 4] = [
    "lead_created",
    "lead_contacted",
    "lead_converted",
    "lead_lost",
];

/// The lead figures of `period`, read from the store's log: every lead event up to the
/// period's end (a lead contacted in the period may have been created long before).
pub async fn load(
    store: &levier_store::Store,
    period: &Period,
) -> Result<LeadKpis, crate::ReportError> {
    let events = crate::load::dated_kinds(store, &LEAD_KINDS, Some(period.end)).await?;
    Ok(lead_kpis(&events, period))
}

impl LeadKpis {
    fn count_outcome(&mut self, tier: &Option<String>, source: &Option<String>, won: bool) {
        let key = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .unwrap_or(UNKNOWN)
                .to_owned()
        };
        for share in [
            &mut self.conversion,
            self.conversion_by_tier.entry(key(tier)).or_default(),
            self.conversion_by_source.entry(key(source)).or_default(),
        ] {
            share.whole += 1;
            share.part += usize::from(won);
        }
    }
}

/// Name and definition of each lead figure, in French then English.
const CREATED: crate::figures::Text = (
    "Prospects créés",
    "Prospects ajoutés (import, formulaire, API) pendant la période.",
    "Leads created",
    "Leads added (import, form, API) in the period.",
);
const CONVERSION: crate::figures::Text = (
    "Taux de conversion",
    "Prospects gagnés parmi les prospects gagnés ou perdus pendant la période.",
    "Conversion rate",
    "Leads won out of leads won or lost in the period.",
);
const TIER_A: crate::figures::Text = (
    "Conversion des prospects de rang A",
    "Taux de conversion des prospects classés A quand leur issue a été décidée : un bon score \
     convertit mieux.",
    "Conversion of tier A leads",
    "Conversion rate of the leads ranked A when their outcome was decided: a good score converts \
     better.",
);
const TIER_D: crate::figures::Text = (
    "Conversion des prospects de rang D",
    "Taux de conversion des prospects classés D quand leur issue a été décidée.",
    "Conversion of tier D leads",
    "Conversion rate of the leads ranked D when their outcome was decided.",
);
const FIRST_CONTACT: crate::figures::Text = (
    "Délai de premier contact",
    "Délai entre la création d'un prospect et son premier contact (médiane, p90), pour les \
     premiers contacts de la période.",
    "Time to first contact",
    "Time from a lead's creation to its first contact (median, p90), for first contacts in the \
     period.",
);

/// The lead figures, in the order a report shows them.
pub fn lead_figures(k: &LeadKpis, lang: crate::figures::Lang) -> Vec<crate::figures::Figure> {
    use crate::figures::Value;
    let tier = |t: &str| k.conversion_by_tier.get(t).copied().unwrap_or_default();
    crate::figures::named(
        [
            ("leads_created", CREATED, Value::Count { n: k.created }),
            (
                "lead_conversion",
                CONVERSION,
                Value::Share {
                    share: k.conversion,
                },
            ),
            (
                "lead_conversion_a",
                TIER_A,
                Value::Share { share: tier("A") },
            ),
            (
                "lead_conversion_d",
                TIER_D,
                Value::Share { share: tier("D") },
            ),
            (
                "time_to_first_contact",
                FIRST_CONTACT,
                Value::Durations {
                    spread: k.time_to_first_contact,
                },
            ),
        ],
        lang,
    )
}

/// Conversions by source, most leads decided first, for a breakdown chart: `(source, won)`
/// with the source's share written `won/decided` in its label.
pub fn by_source(k: &LeadKpis) -> Vec<(String, usize)> {
    let mut sources: Vec<(&String, &Share)> = k.conversion_by_source.iter().collect();
    sources.sort_by_key(|(name, share)| (std::cmp::Reverse(share.whole), (*name).clone()));
    sources
        .into_iter()
        .map(|(name, share)| {
            (
                format!("{name} ({}/{})", share.part, share.whole),
                share.part,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use levier_core::time::Timestamp;

    #[test]
    fn lead_figures_read_the_tiers_and_sources() {
        let mut k = LeadKpis {
            created: 7,
            ..LeadKpis::default()
        };
        k.count_outcome(&Some("A".into()), &Some("salon".into()), true);
        k.count_outcome(&Some("A".into()), &Some("salon".into()), false);
        k.count_outcome(&Some("D".into()), &None, false);
        let figures = lead_figures(&k, crate::figures::Lang::Fr);
        let shown: Vec<(&str, String)> =
            figures.iter().map(|f| (f.id, f.value.display())).collect();
        assert_eq!(
            shown,
            vec![
                ("leads_created", "7".to_string()),
                ("lead_conversion", "33.3 % (1/3)".to_string()),
                ("lead_conversion_a", "50.0 % (1/2)".to_string()),
                ("lead_conversion_d", "0.0 % (0/1)".to_string()),
                ("time_to_first_contact", "—".to_string()),
            ]
        );
        assert_eq!(
            by_source(&k),
            vec![("salon (1/2)".to_string(), 1), ("- (0/1)".to_string(), 0)]
        );
    }

    const DAY: i64 = 86_400_000;

    fn at(day: i64, kind: EventKind) -> Dated {
        Dated {
            at: Timestamp(day * DAY),
            kind,
        }
    }

    fn outcome(id: i64, won: bool, tier: Option<&str>, source: Option<&str>) -> EventKind {
        let (lead_id, tier, source) = (LeadId(id), tier.map(Into::into), source.map(Into::into));
        if won {
            EventKind::LeadConverted {
                lead_id,
                tier,
                source,
            }
        } else {
            EventKind::LeadLost {
                lead_id,
                tier,
                source,
            }
        }
    }

    fn created(id: i64) -> EventKind {
        EventKind::LeadCreated {
            lead_id: LeadId(id),
            source: None,
        }
    }

    fn contacted(id: i64) -> EventKind {
        EventKind::LeadContacted {
            lead_id: LeadId(id),
        }
    }

    #[test]
    fn conversion_by_tier_and_source_and_time_to_first_contact() {
        // The period is days 10 to 20 (end excluded).
        let period = Period {
            label: "test".into(),
            start: Timestamp(10 * DAY),
            end: Timestamp(20 * DAY),
        };
        let events = vec![
            at(1, created(1)),
            at(2, created(2)),
            at(11, created(3)),
            at(12, created(4)),
            // Before the period: neither the outcome nor the contact counts.
            at(5, contacted(1)),
            at(6, outcome(1, true, Some("A"), Some("salon"))),
            // In the period: waits of 10 days (lead 2), 1 day (lead 3), 3 days (lead 4); lead 9
            // has no creation in the log and is left out.
            at(12, contacted(2)),
            at(12, contacted(3)),
            at(15, contacted(4)),
            at(16, contacted(9)),
            at(13, outcome(2, true, Some("A"), Some("salon"))),
            at(14, outcome(3, false, Some("A"), Some("site web"))),
            at(15, outcome(4, true, Some("C"), None)),
            at(16, outcome(5, false, None, Some("salon"))),
            // After the period.
            at(21, outcome(6, true, Some("D"), Some("salon"))),
        ];
        let k = lead_kpis(&events, &period);
        assert_eq!(k.created, 2);
        assert_eq!(k.conversion, Share { part: 2, whole: 4 });
        let tiers: Vec<(&str, Share)> = k
            .conversion_by_tier
            .iter()
            .map(|(t, s)| (t.as_str(), *s))
            .collect();
        assert_eq!(
            tiers,
            vec![
                ("-", Share { part: 0, whole: 1 }),
                ("A", Share { part: 1, whole: 2 }),
                ("C", Share { part: 1, whole: 1 }),
            ]
        );
        assert_eq!(
            k.conversion_by_source.get("salon"),
            Some(&Share { part: 1, whole: 2 })
        );
        assert_eq!(
            k.conversion_by_source.get("site web"),
            Some(&Share { part: 0, whole: 1 })
        );
        assert_eq!(
            k.conversion_by_source.get("-"),
            Some(&Share { part: 1, whole: 1 })
        );
        let wait = k.time_to_first_contact.expect("three first contacts");
        // Sorted waits: 1, 3, 10 days; the median (nearest rank) is 3 days, the 90th 10 days.
        assert_eq!(
            (wait.count, wait.median_ms, wait.p90_ms),
            (3, 3 * DAY, 10 * DAY)
        );
    }

    #[test]
    fn a_quiet_period_has_no_rates() {
        let period = Period {
            label: "empty".into(),
            start: Timestamp(0),
            end: Timestamp(DAY),
        };
        let k = lead_kpis(&[], &period);
        assert_eq!(k.conversion.rate(), None);
        assert!(k.conversion_by_tier.is_empty());
        assert_eq!(k.time_to_first_contact, None);
    }
}
