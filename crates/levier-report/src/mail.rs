//! E-mail triage figures: pure functions of dated events, so a test checks them against a
//! hand count.
//!
//! - Mails per category: the mails received in the period, by the category they have in the
//!   end (triage's, or the one a person corrected it to, whenever that happened), so the
//!   figure describes the mailbox, not the model's guesses. Spam is counted apart.
//! - Time to first reply: from the mail's arrival to a person's first answer on its ticket,
//!   counted in the period of the reply (so periods add up); median and 90th percentile by
//!   nearest rank, each one a real mail's delay.
//! - Routed without correction: of the mails routed in the period, how many no person
//!   reclassified (the complement is triage's error rate as people see it).

use crate::period::Period;
use crate::stats::{Share, Spread};
use crate::support::Dated;
use levier_core::EventKind;
use levier_store::support::report_filters::TicketPick;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The e-mail triage figures of a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MailKpis {
    /// Non-spam mails received in the period, per final category (sorted by name).
    pub per_category: BTreeMap<String, u64>,
    /// Mails received in the period that the filter set aside as spam.
    pub spam: u64,
    /// Delay from arrival to the first reply, replies of the period.
    pub first_reply: Option<Spread>,
    /// Routed mails of the period that no person reclassified.
    pub routed_without_correction: Share,
}

/// The figures of `period` from `events` (any order; events outside the period only serve to
/// find a mail's final category or its corrections).
pub fn mail_kpis(events: &[Dated], period: &Period) -> MailKpis {
    let final_category = final_categories(events);
    let reclassified: HashSet<i64> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::MailReclassified { mail_id, .. } => Some(*mail_id),
            _ => None,
        })
        .collect();
    let mut kpis = MailKpis {
        per_category: BTreeMap::new(),
        spam: 0,
        first_reply: None,
        routed_without_correction: Share::default(),
    };
    let mut spam_ids = HashSet::new();
    let mut received = Vec::new();
    let mut delays = Vec::new();
    for e in events.iter().filter(|e| period.contains(e.at)) {
        match &e.kind {
            EventKind::MailReceived { mail_id } => received.push(*mail_id),
            EventKind::MailSpamCaught { mail_id, .. } => {
                spam_ids.insert(*mail_id);
            }
            EventKind::MailFirstReply { after_ms, .. } => delays.push(*after_ms),
            EventKind::MailRouted { mail_id, .. } => {
                kpis.routed_without_correction.whole += 1;
                if !reclassified.contains(mail_id) {
                    kpis.routed_without_correction.part += 1;
                }
            }
            _ => {}
        }
    }
    for id in received {
        if spam_ids.contains(&id) {
            kpis.spam += 1;
        } else if let Some(category) = final_category.get(&id) {
            *kpis.per_category.entry(category.clone()).or_default() += 1;
        }
    }
    kpis.first_reply = Spread::of(delays);
    kpis
}

/// Each mail's category in the end: triage's, replaced by every later correction in order.
fn final_categories(events: &[Dated]) -> HashMap<i64, String> {
    let mut ordered: Vec<&Dated> = events.iter().collect();
    ordered.sort_by_key(|e| e.at);
    let mut out = HashMap::new();
    for e in ordered {
        match &e.kind {
            EventKind::MailClassified {
                mail_id, category, ..
            } => {
                out.insert(*mail_id, category.clone());
            }
            EventKind::MailReclassified { mail_id, to, .. } => {
                out.insert(*mail_id, to.clone());
            }
            _ => {}
        }
    }
    out
}

/// The mail a triage event is about.
fn mail_of(kind: &EventKind) -> Option<i64> {
    match kind {
        EventKind::MailReceived { mail_id }
        | EventKind::MailClassified { mail_id, .. }
        | EventKind::MailRouted { mail_id, .. }
        | EventKind::MailAcknowledged { mail_id }
        | EventKind::MailFirstReply { mail_id, .. }
        | EventKind::MailResolved { mail_id, .. }
        | EventKind::MailReclassified { mail_id, .. }
        | EventKind::MailSpamCaught { mail_id, .. }
        | EventKind::MailSpamMissed { mail_id } => Some(*mail_id),
        _ => None,
    }
}

/// The events of the mails `pick` keeps: of its category in the end, routed to its team.
pub fn picked(events: Vec<Dated>, pick: &TicketPick) -> Vec<Dated> {
    if pick.category.is_none() && pick.team.is_none() {
        return events;
    }
    let categories = final_categories(&events);
    let team_target = pick.team.as_ref().map(|t| format!("team:{}", t.trim()));
    let routed_to: HashMap<i64, &str> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::MailRouted {
                mail_id, target, ..
            } => Some((*mail_id, target.as_str())),
            _ => None,
        })
        .collect();
    let keeps = |mail: i64| {
        let category_ok = pick
            .category
            .as_ref()
            .is_none_or(|c| categories.get(&mail) == Some(c));
        let team_ok = team_target
            .as_ref()
            .is_none_or(|t| routed_to.get(&mail) == Some(&t.as_str()));
        category_ok && team_ok
    };
    let kept: HashSet<i64> = events
        .iter()
        .filter_map(|e| mail_of(&e.kind))
        .filter(|m| keeps(*m))
        .collect();
    events
        .into_iter()
        .filter(|e| mail_of(&e.kind).is_none_or(|m| kept.contains(&m)))
        .collect()
}

/// The stored names of the events the mail figures read.
pub const MAIL_KINDS: [&str; 6] = [
    "mail_received",
    "mail_classified",
    "mail_spam_caught",
    "mail_first_reply",
    "mail_routed",
    "mail_reclassified",
];

/// The mail figures of `period`, read from the store's log: every mail event (a mail's
/// final category may have been corrected after the period).
pub async fn load(
    store: &levier_store::Store,
    period: &Period,
) -> Result<MailKpis, crate::ReportError> {
    load_picked(store, period, &TicketPick::default()).await
}

/// [`load`] of the mails `pick` keeps (one team's, one category's).
pub async fn load_picked(
    store: &levier_store::Store,
    period: &Period,
    pick: &TicketPick,
) -> Result<MailKpis, crate::ReportError> {
    let events = crate::load::dated_kinds(store, &MAIL_KINDS, None).await?;
    Ok(mail_kpis(&picked(events, pick), period))
}

const RECEIVED: crate::figures::Text = (
    "E-mails reçus",
    "E-mails arrivés pendant la période, hors spam.",
    "Mails received",
    "Mails that arrived in the period, spam aside.",
);
const SPAM: crate::figures::Text = (
    "Spams écartés",
    "E-mails de la période que le filtre a mis de côté comme spam.",
    "Spam set aside",
    "Mails of the period the filter set aside as spam.",
);
const FIRST_REPLY: crate::figures::Text = (
    "Délai de première réponse aux e-mails",
    "Délai entre l'arrivée d'un e-mail et la première réponse d'une personne (médiane, p90), \
     pour les premières réponses de la période.",
    "Time to first reply to mails",
    "Time from a mail's arrival to a person's first reply (median, p90), for first replies in \
     the period.",
);
const WITHOUT_CORRECTION: crate::figures::Text = (
    "Routés sans correction",
    "E-mails routés pendant la période dont personne n'a corrigé la catégorie (le complément \
     est le taux d'erreur du tri).",
    "Routed without correction",
    "Mails routed in the period whose category nobody corrected (the rest is triage's error \
     rate).",
);

/// The mail figures, in the order a report shows them.
pub fn mail_figures(k: &MailKpis, lang: crate::figures::Lang) -> Vec<crate::figures::Figure> {
    use crate::figures::Value;
    let received = k.per_category.values().sum::<u64>() as usize;
    crate::figures::named(
        [
            ("mails_received", RECEIVED, Value::Count { n: received }),
            ("mails_spam", SPAM, Value::Count { n: k.spam as usize }),
            (
                "mail_first_reply",
                FIRST_REPLY,
                Value::Durations {
                    spread: k.first_reply,
                },
            ),
            (
                "mails_routed_without_correction",
                WITHOUT_CORRECTION,
                Value::Share {
                    share: k.routed_without_correction,
                },
            ),
        ],
        lang,
    )
}

/// Mails per category, most frequent first, for a breakdown chart.
pub fn by_category(k: &MailKpis) -> Vec<(String, usize)> {
    let mut parts: Vec<(String, usize)> = k
        .per_category
        .iter()
        .map(|(name, n)| (name.clone(), *n as usize))
        .collect();
    parts.sort_by_key(|(name, n)| (std::cmp::Reverse(*n), name.clone()));
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use levier_core::Timestamp;
    use levier_core::ids::TicketId;

    #[test]
    fn mail_figures_and_categories_read_as_counted() {
        let k = MailKpis {
            per_category: BTreeMap::from([
                ("commande".to_string(), 3),
                ("facturation".to_string(), 5),
            ]),
            spam: 2,
            first_reply: None,
            routed_without_correction: Share { part: 7, whole: 8 },
        };
        let figures = mail_figures(&k, crate::figures::Lang::Fr);
        let shown: Vec<(&str, String)> =
            figures.iter().map(|f| (f.id, f.value.display())).collect();
        assert_eq!(
            shown,
            vec![
                ("mails_received", "8".to_string()),
                ("mails_spam", "2".to_string()),
                ("mail_first_reply", "—".to_string()),
                (
                    "mails_routed_without_correction",
                    "87.5 % (7/8)".to_string()
                ),
            ]
        );
        assert_eq!(
            by_category(&k),
            vec![("facturation".to_string(), 5), ("commande".to_string(), 3)]
        );
    }

    const HOUR: i64 = 3_600_000;

    fn at(hour: i64, kind: EventKind) -> Dated {
        Dated {
            at: Timestamp(hour * HOUR),
            kind,
        }
    }

    fn classified(hour: i64, mail_id: i64, category: &str) -> Vec<Dated> {
        vec![
            at(hour, EventKind::MailReceived { mail_id }),
            at(
                hour,
                EventKind::MailClassified {
                    mail_id,
                    category: category.into(),
                    confidence: 0.9,
                    to_review: false,
                },
            ),
        ]
    }

    fn routed(hour: i64, mail_id: i64) -> Dated {
        at(
            hour,
            EventKind::MailRouted {
                mail_id,
                ticket_id: TicketId(mail_id),
                target: "queue:général".into(),
            },
        )
    }

    #[test]
    fn figures_match_a_hand_count() {
        // Period: hours 10 (included) to 20 (excluded).
        let period = Period {
            label: "test".into(),
            start: Timestamp(10 * HOUR),
            end: Timestamp(20 * HOUR),
        };
        let mut events = Vec::new();
        // Mail 1: before the period (not counted as received), routed then, replied in it.
        events.extend(classified(5, 1, "commande"));
        events.push(routed(5, 1));
        events.push(at(
            11,
            EventKind::MailFirstReply {
                mail_id: 1,
                after_ms: 6 * HOUR,
            },
        ));
        // Mail 2: facturation, routed, corrected to livraison after the period.
        events.extend(classified(12, 2, "facturation"));
        events.push(routed(12, 2));
        events.push(at(
            25,
            EventKind::MailReclassified {
                mail_id: 2,
                from: "facturation".into(),
                to: "livraison".into(),
            },
        ));
        // Mail 3: livraison, routed, replied after 1 h.
        events.extend(classified(13, 3, "livraison"));
        events.push(routed(13, 3));
        events.push(at(
            14,
            EventKind::MailFirstReply {
                mail_id: 3,
                after_ms: HOUR,
            },
        ));
        // Mail 4: commande, routed, replied after 2 h.
        events.extend(classified(15, 4, "commande"));
        events.push(routed(15, 4));
        events.push(at(
            17,
            EventKind::MailFirstReply {
                mail_id: 4,
                after_ms: 2 * HOUR,
            },
        ));
        // Mail 5: spam.
        events.extend(classified(16, 5, "autre"));
        events.push(at(
            16,
            EventKind::MailSpamCaught {
                mail_id: 5,
                probability: 0.99,
            },
        ));
        // Mail 6: after the period.
        events.extend(classified(21, 6, "commande"));
        events.push(routed(21, 6));

        let k = mail_kpis(&events, &period);
        // Received in the period: 2 (livraison in the end), 3 (livraison), 4 (commande), 5 (spam).
        let expected: BTreeMap<String, u64> =
            [("commande".into(), 1), ("livraison".into(), 2)].into();
        assert_eq!(k.per_category, expected);
        assert_eq!(k.spam, 1);
        // Replies in the period: 6 h, 1 h, 2 h -> sorted 1, 2, 6: median (rank 2) 2 h, p90
        // (rank ceil(2.7) = 3) 6 h.
        let spread = k.first_reply.expect("replies");
        assert_eq!(
            (spread.count, spread.median_ms, spread.p90_ms),
            (3, 2 * HOUR, 6 * HOUR)
        );
        // Routed in the period: 2, 3, 4; mail 2 was corrected -> 2 of 3.
        assert_eq!(
            (
                k.routed_without_correction.part,
                k.routed_without_correction.whole
            ),
            (2, 3)
        );
    }

    #[test]
    fn a_team_or_category_keeps_its_mails_by_their_final_category_and_route() {
        let dated = |ms, kind| Dated {
            at: Timestamp(ms),
            kind,
        };
        let classified = |mail_id, category: &str| EventKind::MailClassified {
            mail_id,
            category: category.into(),
            confidence: 0.9,
            to_review: false,
        };
        let routed = |mail_id, target: &str| EventKind::MailRouted {
            mail_id,
            ticket_id: TicketId(mail_id),
            target: target.into(),
        };
        let events = vec![
            dated(1, EventKind::MailReceived { mail_id: 1 }),
            dated(2, classified(1, "facturation")),
            dated(3, routed(1, "team:compta")),
            dated(4, EventKind::MailReceived { mail_id: 2 }),
            dated(5, classified(2, "commande")),
            dated(6, routed(2, "queue:général")),
            // Mail 2 was an invoice after all.
            dated(
                7,
                EventKind::MailReclassified {
                    mail_id: 2,
                    from: "commande".into(),
                    to: "facturation".into(),
                },
            ),
        ];
        let kept = |pick: TicketPick| -> Vec<i64> {
            picked(events.clone(), &pick)
                .iter()
                .map(|e| e.at.0)
                .collect()
        };
        assert_eq!(
            kept(TicketPick {
                category: Some("facturation".into()),
                team: None
            }),
            vec![1, 2, 3, 4, 5, 6, 7]
        );
        assert_eq!(
            kept(TicketPick {
                category: Some("commande".into()),
                team: None
            }),
            Vec::<i64>::new()
        );
        assert_eq!(
            kept(TicketPick {
                category: None,
                team: Some("compta".into())
            }),
            vec![1, 2, 3]
        );
        assert_eq!(kept(TicketPick::default()).len(), 7);
    }
}
