//! The check digits that tell an identifier from any long number: an order number or a price
//! passes them by chance only rarely, so checked identifiers can be redacted without context.

/// Luhn's check (cards, SIREN, SIRET) over the ASCII digits of `digits`.
pub(crate) fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(c - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

/// A SIREN (9 digits) or SIRET (14): Luhn, except La Poste's establishments (SIREN 356000000),
/// whose SIRETs have a digit sum divisible by 5 instead.
pub(crate) fn siren_or_siret(digits: &str) -> bool {
    if digits.len() == 14 && digits.starts_with("356000000") {
        return digits.bytes().map(|b| u32::from(b - b'0')).sum::<u32>() % 5 == 0;
    }
    luhn(digits)
}

/// The IBAN check (ISO 13616): the first four characters moved to the end, letters as
/// 10–35, the number mod 97 must be 1. `iban` is upper-case without spaces.
pub(crate) fn iban(iban: &str) -> bool {
    if !(15..=34).contains(&iban.len()) || !iban.is_ascii() {
        return false;
    }
    let (head, tail) = iban.split_at(4);
    let mut rest: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let value = match c.to_digit(36) {
            Some(v) => v,
            None => return false,
        };
        rest = if value < 10 {
            (rest * 10 + value) % 97
        } else {
            (rest * 100 + value) % 97
        };
    }
    rest == 1
}

/// A French social security number (NIR, 15 characters, Corsica's `2A`/`2B` allowed): its
/// last two digits are 97 minus the first thirteen mod 97.
pub(crate) fn nir(nir: &str) -> bool {
    if nir.len() != 15 || !nir.is_ascii() {
        return false;
    }
    let (body, key) = nir.split_at(13);
    let (digits, corsica_offset) = match &body[5..7] {
        "2A" | "2a" => (format!("{}19{}", &body[..5], &body[7..]), 1_000_000),
        "2B" | "2b" => (format!("{}18{}", &body[..5], &body[7..]), 2_000_000),
        _ => (body.to_owned(), 0),
    };
    let (Ok(number), Ok(key)) = (digits.parse::<u64>(), key.parse::<u64>()) else {
        return false;
    };
    let number = if corsica_offset > 0 {
        number.saturating_sub(corsica_offset)
    } else {
        number
    };
    97 - number % 97 == key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_accept_real_shapes_and_refuse_one_changed_digit() {
        assert!(luhn("4111111111111111"));
        assert!(!luhn("4111111111111112"));
        assert!(siren_or_siret("732829320"));
        assert!(!siren_or_siret("732829321"));
        assert!(siren_or_siret("35600000000006"));
        assert!(!siren_or_siret("35600000000048"));
        assert!(iban("FR1420041010050500013M02606"));
        assert!(!iban("FR1420041010050500013M02607"));
        assert!(iban("BE68539007547034"));
        assert!(nir("255081416802538"));
        assert!(!nir("255081416802539"));
        assert!(nir("185022A01234558"));
        assert!(!nir("185022B01234558"));
    }
}
