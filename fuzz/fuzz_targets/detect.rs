//! Fuzzes format detection and the whole `extract` path: the first byte picks a file name
//! (and so the extension fallback), the rest is the content.
#![no_main]

use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &[
    "a.md", "a.txt", "a.html", "a.pdf", "a.docx", "a.odt", "a.eml", "a.mbox", "a.csv", "a", "a.bin",
];

fuzz_target!(|data: &[u8]| {
    levier_fuzz::tolerate_pdf_crate_panics();
    let Some((selector, content)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(*selector) % NAMES.len()];
    let _ = levier_extract::detect_format(name, content);
    levier_fuzz::check(levier_extract::extract(
        name,
        content,
        &levier_fuzz::limits(),
    ));
});
