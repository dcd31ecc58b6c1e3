//! Fuzzes the FAQ CSV import: rows and errors come with lines, and nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (rows, errors) = levier_extract::faq_csv(data);
    for row in rows {
        assert!(!row.question.is_empty() && !row.answer.is_empty());
    }
    for error in errors {
        assert!(!error.to_string().is_empty());
    }
});
