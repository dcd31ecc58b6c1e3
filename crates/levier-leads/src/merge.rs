//! Merging duplicate leads into one record that keeps its history: every source line of both,
//! and every value of the merged-in lead that the kept one did not take.

use crate::lead::Lead;

/// Merges `other` into `kept`: empty fields of `kept` are filled from `other`, differing values
/// of `other` are listed in [`Lead::alternatives`], and the sources of both are kept.
pub fn merge(kept: &Lead, other: &Lead) -> Lead {
    let mut merged = kept.clone();
    let before = merged.field_values();
    macro_rules! fill {
        ($($field:ident),*) => {
            $(if merged.$field.is_none() { merged.$field = other.$field.clone(); })*
        };
    }
    fill!(
        first_name,
        last_name,
        full_name,
        email,
        phone,
        mobile,
        company,
        register_number,
        postcode,
        city,
        country,
        website,
        source,
        status,
        job_title
    );
    for (name, value) in &other.extra {
        merged
            .extra
            .entry(name.clone())
            .or_insert_with(|| value.clone());
    }
    for (name, value) in &other.invalid {
        merged
            .invalid
            .entry(name.clone())
            .or_insert_with(|| value.clone());
    }
    for (name, value) in other.field_values() {
        if before.get(&name).is_some_and(|kept| *kept != value) {
            let seen = merged.alternatives.entry(name).or_default();
            if !seen.contains(&value) {
                seen.push(value);
            }
        }
    }
    for (name, values) in &other.alternatives {
        merged
            .alternatives
            .entry(name.clone())
            .or_default()
            .extend(values.iter().cloned());
    }
    merged.sources.extend(other.sources.iter().cloned());
    merged
}
