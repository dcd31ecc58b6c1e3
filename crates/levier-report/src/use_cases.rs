//! The use-case inventory ranked the way the adoption method asks: start with one or two
//! use cases of high impact that are easy to do, measured in hours a month.

use levier_store::knowledge::NewUseCase;

/// Where a use case sits on the impact × feasibility matrix (scores of 1 to 5; 4 and above
/// is high).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quadrant {
    /// High impact, high feasibility: start here.
    QuickWin,
    /// High impact, hard to do: plan it.
    Project,
    /// Low impact, easy: do it when convenient.
    Convenience,
    /// Low impact, hard: leave it.
    Avoid,
}

/// A use case with what the ranking needs.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RankedUseCase {
    /// The use case's id.
    pub id: i64,
    /// Its inventory entry.
    pub name: String,
    /// Impact, 1 to 5.
    pub impact: i64,
    /// Feasibility, 1 to 5.
    pub feasibility: i64,
    /// `basse`, `moyenne` or `haute`.
    pub risk: String,
    /// Impact × feasibility, 1 to 25: the ranking's key.
    pub priority: i64,
    /// Hours spent on it each month today: occurrences × minutes each.
    pub hours_per_month: f64,
    /// Its quadrant.
    pub quadrant: Quadrant,
}

/// Scores of 4 and 5 are high.
const HIGH: i64 = 4;

/// The quadrant of an impact and a feasibility score.
pub fn quadrant(impact: i64, feasibility: i64) -> Quadrant {
    match (impact >= HIGH, feasibility >= HIGH) {
        (true, true) => Quadrant::QuickWin,
        (true, false) => Quadrant::Project,
        (false, true) => Quadrant::Convenience,
        (false, false) => Quadrant::Avoid,
    }
}

/// The inventory best first: by priority, then by the hours it would give back, then by
/// lower risk, then by name.
pub fn rank(inventory: Vec<(i64, NewUseCase)>) -> Vec<RankedUseCase> {
    let mut ranked: Vec<RankedUseCase> = inventory
        .into_iter()
        .map(|(id, u)| RankedUseCase {
            id,
            priority: u.impact * u.feasibility,
            hours_per_month: (u.frequency_per_month * u.minutes_per_occurrence) as f64 / 60.0,
            quadrant: quadrant(u.impact, u.feasibility),
            impact: u.impact,
            feasibility: u.feasibility,
            risk: u.risk,
            name: u.name,
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then(b.hours_per_month.total_cmp(&a.hours_per_month))
            .then(risk_order(&a.risk).cmp(&risk_order(&b.risk)))
            .then(a.name.cmp(&b.name))
    });
    ranked
}

/// Lower risk first; an unknown label last.
fn risk_order(risk: &str) -> u8 {
    match risk {
        "basse" | "low" => 0,
        "moyenne" | "medium" => 1,
        "haute" | "high" => 2,
        _ => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(name: &str, impact: i64, feasibility: i64, per_month: i64, risk: &str) -> NewUseCase {
        NewUseCase {
            name: name.into(),
            process: String::new(),
            pain: String::new(),
            frequency_per_month: per_month,
            minutes_per_occurrence: 6,
            people_involved: 1,
            data_available: String::new(),
            risk: risk.into(),
            impact,
            feasibility,
        }
    }

    #[test]
    fn ranking_puts_quick_wins_with_most_hours_first() {
        let ranked = rank(vec![
            (1, case("rapports", 3, 4, 10, "basse")),
            (2, case("faq", 5, 5, 1390, "moyenne")),
            (3, case("tri", 4, 5, 1950, "moyenne")),
            (4, case("contrats", 5, 2, 30, "haute")),
            (5, case("tri bis", 4, 5, 1950, "basse")),
        ]);
        let names: Vec<&str> = ranked.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["faq", "tri bis", "tri", "rapports", "contrats"]);
        assert_eq!(ranked[0].hours_per_month, 139.0);
        assert_eq!(ranked[0].quadrant, Quadrant::QuickWin);
        assert_eq!(ranked[3].quadrant, Quadrant::Convenience);
        assert_eq!(ranked[4].quadrant, Quadrant::Project);
        assert_eq!(quadrant(2, 2), Quadrant::Avoid);
    }
}
