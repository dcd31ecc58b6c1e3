//! Fuzzes the md reader (through `extract_as`) and the chunker on its output.
#![no_main]

use levier_extract::MediaType;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    levier_fuzz::run(MediaType::Markdown, "notes.md", data);
});
