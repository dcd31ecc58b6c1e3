//! What every extraction fuzz target checks: the reader never panics (outside the PDF crates'
//! contained panics), never hangs, and what it returns holds together — chunks are exact,
//! bounded slices of the document's text, and errors render.

use std::collections::HashSet;
use std::sync::{Mutex, Once};

use levier_extract::{ChunkOptions, Document, ExtractError, Limits, MediaType, chunk, extract_as};

/// Panics raised inside the PDF crates are caught by levier-extract (`catch_unwind`) and turned
/// into a per-file error; libFuzzer's hook would abort on them anyway. This hook lets those
/// through (printing each distinct location once, so they can be reported upstream) and keeps
/// aborting on every other panic, which is a bug of ours.
pub fn tolerate_pdf_crate_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let seen: Mutex<HashSet<String>> = Mutex::new(HashSet::new());
        let default_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let location = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let contained = [
                "/pdf-extract-",
                "/lopdf-",
                "/euclid-",
                "/adobe-cmap-parser-",
                "/cff-parser-",
                "/type1-encoding-parser-",
                "/postscript-",
            ]
            .iter()
            .any(|krate| location.contains(krate));
            if !contained {
                default_hook(info);
                std::process::abort();
            }
            if seen.lock().is_ok_and(|mut s| s.insert(location.clone())) {
                eprintln!(
                    "contained PDF-crate panic at {location}: {}",
                    panic_message(info)
                );
            }
        }));
    });
}

/// Limits small enough that fuzzing explores the limit paths and each input stays fast.
pub fn limits() -> Limits {
    Limits {
        max_input_bytes: 4_000_000,
        max_text_bytes: 2_000_000,
        max_unzipped_bytes: 8_000_000,
        max_zip_entries: 200,
        max_pdf_pages: 50,
        max_mbox_messages: 200,
    }
}

/// Extracts `data` as `media_type` and checks the result.
pub fn run(media_type: MediaType, file_name: &str, data: &[u8]) {
    check(extract_as(media_type, file_name, data, &limits()));
}

/// Checks an extraction result: errors render, documents chunk consistently.
pub fn check(result: Result<Document, ExtractError>) {
    match result {
        Ok(document) => check_chunks(&document),
        Err(error) => assert!(!error.to_string().is_empty()),
    }
}

fn panic_message(info: &std::panic::PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
        .replace('\n', " ")
}

fn check_chunks(document: &Document) {
    let options = ChunkOptions {
        max_chars: 200,
        overlap_chars: 40,
        min_chars: 50,
    };
    let text: Vec<char> = document.text().chars().collect();
    let mut previous_start = None;
    for c in chunk(document, &options) {
        assert!(
            c.start < c.end && c.end <= text.len(),
            "chunk range inside the text"
        );
        let slice: String = text[c.start..c.end].iter().collect();
        assert_eq!(slice, c.text, "chunk text is its range");
        assert!(c.text.chars().count() <= options.max_chars, "chunk bounded");
        assert!(previous_start.is_none_or(|p| c.start > p), "chunks advance");
        previous_start = Some(c.start);
    }
}
