//! Belgian provinces by postcode range, embedded: Belgian SMEs are levier's second market and
//! their leads carry four-digit postcodes.

/// (first postcode, last postcode, province, région).
const PROVINCES: &[(u16, u16, &str, &str)] = &[
    (1000, 1299, "Bruxelles-Capitale", "Bruxelles-Capitale"),
    (1300, 1499, "Brabant wallon", "Wallonie"),
    (1500, 1999, "Brabant flamand", "Flandre"),
    (2000, 2999, "Anvers", "Flandre"),
    (3000, 3499, "Brabant flamand", "Flandre"),
    (3500, 3999, "Limbourg", "Flandre"),
    (4000, 4999, "Liège", "Wallonie"),
    (5000, 5999, "Namur", "Wallonie"),
    (6000, 6599, "Hainaut", "Wallonie"),
    (6600, 6999, "Luxembourg", "Wallonie"),
    (7000, 7999, "Hainaut", "Wallonie"),
    (8000, 8999, "Flandre-Occidentale", "Flandre"),
    (9000, 9999, "Flandre-Orientale", "Flandre"),
];

/// The province and région of a Belgian postcode.
pub(super) fn province(postcode: u16) -> Option<(&'static str, &'static str)> {
    PROVINCES
        .iter()
        .find(|(from, to, _, _)| (*from..=*to).contains(&postcode))
        .map(|(_, _, province, region)| (*province, *region))
}
