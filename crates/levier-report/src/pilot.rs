//! A pilot against its baseline: each figure over the baseline and over the pilot so far,
//! the change, and whether each target is met — the page a pilot's champions and managers
//! decide from.

use crate::figures::{Figure, Lang};
use levier_store::pilots::{Comparison, Pilot, Target};

/// One line of a pilot's progress.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ProgressRow {
    /// The figure's id.
    pub id: &'static str,
    /// Its name.
    pub label: &'static str,
    /// What it counts.
    pub definition: &'static str,
    /// The baseline's value as read (`—` without one).
    pub baseline: String,
    /// Where the baseline's value comes from, when entered by hand.
    pub baseline_source: Option<String>,
    /// The pilot's value so far.
    pub current: String,
    /// The relative change from the baseline (`-0.42` for −42 %).
    pub change: Option<f64>,
    /// Whether the change is for the better (lower durations, higher anything else).
    pub improved: Option<bool>,
    /// The target on this figure, as read.
    pub target: Option<String>,
    /// Whether it is met (`None` without the data to tell).
    pub met: Option<bool>,
}

/// Compares the pilot's figures with the baseline's (measured, or entered by hand, which wins)
/// and checks its targets. `baseline` is `None` when the pilot has no measured period.
pub fn progress(
    pilot: &Pilot,
    baseline: Option<&[Figure]>,
    current: &[Figure],
    lang: Lang,
) -> Vec<ProgressRow> {
    current
        .iter()
        .map(|figure| {
            let measured = baseline
                .and_then(|b| b.iter().find(|f| f.id == figure.id))
                .and_then(|f| f.value.number());
            let entered = pilot
                .baseline
                .entered
                .iter()
                .find(|e| e.figure == figure.id);
            let base = entered.map(|e| e.value).or(measured);
            let now = figure.value.number();
            let change = relative_change(base, now);
            let target = pilot.targets.iter().find(|t| t.figure == figure.id);
            ProgressRow {
                id: figure.id,
                label: figure.label,
                definition: figure.definition,
                baseline: base.map_or("—".into(), |b| figure.value.display_number(b)),
                baseline_source: entered.map(|e| e.source.clone()),
                current: figure.value.display(),
                change,
                improved: improved(change, &figure.value),
                target: target.map(|t| target_text(t, figure, lang)),
                met: target.and_then(|t| met(t, base, now, change)),
            }
        })
        .collect()
}

/// `(now − base) / base`, when both are known and the base is not zero.
pub fn relative_change(base: Option<f64>, now: Option<f64>) -> Option<f64> {
    match (base, now) {
        (Some(b), Some(n)) if b != 0.0 => Some((n - b) / b),
        _ => None,
    }
}

/// Whether a change of a figure like `value` is for the better (lower durations, higher
/// anything else); `None` without a change.
pub fn improved(change: Option<f64>, value: &crate::figures::Value) -> Option<bool> {
    change
        .filter(|c| *c != 0.0)
        .map(|c| (c < 0.0) == value.lower_is_better())
}

/// A period's figures beside another period's: the other value and the change.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Compared {
    /// The figure of the period.
    pub figure: Figure,
    /// The same figure over the period compared with, as read.
    pub other: Option<String>,
    /// The relative change from the other period.
    pub change: Option<f64>,
    /// Whether the change is for the better.
    pub improved: Option<bool>,
}

/// Each of `figures` beside the same figure of `other` (when given).
pub fn compare(figures: Vec<Figure>, other: Option<&[Figure]>) -> Vec<Compared> {
    figures
        .into_iter()
        .map(|figure| {
            let before = other.and_then(|o| o.iter().find(|f| f.id == figure.id));
            let change =
                relative_change(before.and_then(|b| b.value.number()), figure.value.number());
            Compared {
                other: before.map(|b| b.value.display()),
                improved: improved(change, &figure.value),
                change,
                figure,
            }
        })
        .collect()
}

/// Whether `target` is met by the pilot's value `now` (or its `change` from `base`).
pub fn met(
    target: &Target,
    base: Option<f64>,
    now: Option<f64>,
    change: Option<f64>,
) -> Option<bool> {
    match target.comparison {
        Comparison::AtLeast => now.map(|n| n >= target.value),
        Comparison::AtMost => now.map(|n| n <= target.value),
        Comparison::ChangeAtMost => base.and(change).map(|c| c <= target.value),
        Comparison::ChangeAtLeast => base.and(change).map(|c| c >= target.value),
    }
}

/// A target as people read it: `≥ 25.0 %`, `−30 % or better vs baseline`.
fn target_text(target: &Target, figure: &Figure, lang: Lang) -> String {
    let versus = match lang {
        Lang::Fr => "par rapport à la référence",
        Lang::En => "vs baseline",
    };
    let change = format!("{:+.0} %", target.value * 100.0).replace('-', "−");
    match target.comparison {
        Comparison::AtLeast => format!("≥ {}", figure.value.display_number(target.value)),
        Comparison::AtMost => format!("≤ {}", figure.value.display_number(target.value)),
        Comparison::ChangeAtMost => format!("≤ {change} {versus}"),
        Comparison::ChangeAtLeast => format!("≥ {change} {versus}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::Value;
    use crate::stats::{Share, Spread};
    use levier_core::Timestamp;
    use levier_core::ids::{PilotId, UseCaseId};
    use levier_store::pilots::{Baseline, EnteredValue, PilotStatus, Scope};

    fn figure(id: &'static str, value: Value) -> Figure {
        Figure {
            id,
            label: id,
            definition: "",
            value,
        }
    }

    fn durations(median_ms: i64) -> Value {
        Value::Durations {
            spread: Some(Spread {
                count: 3,
                median_ms,
                p90_ms: median_ms * 2,
            }),
        }
    }

    fn pilot(targets: Vec<Target>, entered: Vec<EnteredValue>) -> Pilot {
        Pilot {
            id: PilotId(1),
            use_case_id: UseCaseId(1),
            name: "Assistant FAQ".into(),
            status: PilotStatus::Live,
            scope: Scope::default(),
            baseline: Baseline {
                from: None,
                until: None,
                entered,
            },
            targets,
            starts_at: Timestamp(0),
            ends_at: Timestamp(1),
            champions: vec![],
            decision: None,
            note: String::new(),
            decided_at: None,
            decided_by: None,
        }
    }

    #[test]
    fn a_pilot_counts_its_websites_on_its_only_channel() {
        use crate::scope::Channel;
        use levier_core::ids::SiteId;
        let mut p = pilot(vec![], vec![]);
        p.scope.sites = vec![SiteId(3)];
        p.scope.channels = vec!["email".into()];
        let scope = crate::load::pilot_scope(&p);
        assert_eq!(
            (scope.sites, scope.channel),
            (vec![SiteId(3)], Channel::Email)
        );
        p.scope.channels = vec!["email".into(), "widget".into()];
        assert_eq!(crate::load::pilot_scope(&p).channel, Channel::All);
    }

    #[test]
    fn changes_and_targets_are_read_against_the_baseline() {
        let targets = vec![
            Target {
                figure: "first_response".into(),
                comparison: Comparison::ChangeAtMost,
                value: -0.3,
            },
            Target {
                figure: "self_service_assumed".into(),
                comparison: Comparison::AtLeast,
                value: 0.25,
            },
            Target {
                figure: "csat".into(),
                comparison: Comparison::AtLeast,
                value: 4.5,
            },
        ];
        let entered = vec![EnteredValue {
            figure: "csat".into(),
            value: 4.0,
            source: "enquête 2025".into(),
        }];
        let baseline = [
            figure("first_response", durations(4 * 3_600_000)),
            figure(
                "self_service_assumed",
                Value::Share {
                    share: Share::default(),
                },
            ),
            figure("csat", Value::Score { mean: Some(3.0) }),
        ];
        let current = [
            figure("first_response", durations(2 * 3_600_000)),
            figure(
                "self_service_assumed",
                Value::Share {
                    share: Share { part: 1, whole: 4 },
                },
            ),
            figure("csat", Value::Score { mean: Some(4.2) }),
        ];
        let rows = progress(
            &pilot(targets, entered),
            Some(&baseline),
            &current,
            Lang::Fr,
        );
        // 4 h → 2 h: −50 %, better than the −30 % asked.
        assert_eq!(rows[0].change, Some(-0.5));
        assert_eq!(rows[0].improved, Some(true));
        assert_eq!(rows[0].met, Some(true));
        assert_eq!(rows[0].baseline, "4.0 h");
        assert_eq!(
            rows[0].target.as_deref(),
            Some("≤ −30 % par rapport à la référence")
        );
        // No baseline rate (0 of 0), but an absolute target: 25 % ≥ 25 %.
        assert_eq!((rows[1].baseline.as_str(), rows[1].change), ("—", None));
        assert_eq!(rows[1].met, Some(true));
        assert_eq!(rows[1].target.as_deref(), Some("≥ 25.0 %"));
        // The entered 4.0 wins over the measured 3.0: +5 %, target 4.5 missed.
        assert_eq!(rows[2].baseline, "4.00");
        assert_eq!(rows[2].baseline_source.as_deref(), Some("enquête 2025"));
        assert!((rows[2].change.unwrap() - 0.05).abs() < 1e-9);
        assert_eq!(rows[2].met, Some(false));
    }

    #[test]
    fn a_change_target_without_baseline_is_undecided() {
        let target = Target {
            figure: "resolution".into(),
            comparison: Comparison::ChangeAtMost,
            value: -0.3,
        };
        assert_eq!(met(&target, None, Some(10.0), None), None);
        assert_eq!(met(&target, Some(20.0), Some(10.0), Some(-0.5)), Some(true));
        assert_eq!(
            met(&target, Some(20.0), Some(18.0), Some(-0.1)),
            Some(false)
        );
    }
}
