//! Fuzzes the mailbox splitter and the e-mail reader on each message.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(messages) = levier_extract::extract_mbox("archive.mbox", data, &levier_fuzz::limits())
    {
        let mut last = None;
        for message in messages {
            assert!(message.offset < data.len());
            assert!(last.is_none_or(|l| message.offset > l), "offsets increase");
            last = Some(message.offset);
            levier_fuzz::check(message.result);
        }
    }
});
