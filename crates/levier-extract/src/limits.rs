//! Bounds on what one file may cost, so a hostile or broken file (zip bomb, 10 000-page PDF,
//! 2 GB log) fails alone with a clear message instead of exhausting the machine.

/// Resource limits applied while extracting one file. Every limit is checked while reading,
/// never taken from what the file claims about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes (default 200 MB).
    pub max_input_bytes: u64,
    /// Largest extracted document, in bytes of text — each block's heading path and a few
    /// bytes of bookkeeping included, so it bounds memory too (default 50 MB).
    pub max_text_bytes: usize,
    /// Most bytes decompressed from one DOCX/ODT archive, all entries together (default 100 MB).
    pub max_unzipped_bytes: u64,
    /// Most entries a DOCX/ODT archive may list (default 10 000).
    pub max_zip_entries: usize,
    /// Most pages read from a PDF (default 2 000).
    pub max_pdf_pages: usize,
    /// Most messages read from one mbox (default 100 000).
    pub max_mbox_messages: usize,
}

/// One megabyte, as shown in messages (decimal, as file managers show sizes).
pub(crate) const MB: u64 = 1_000_000;

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input_bytes: 200 * MB,
            max_text_bytes: 50 * MB as usize,
            max_unzipped_bytes: 100 * MB,
            max_zip_entries: 10_000,
            max_pdf_pages: 2_000,
            max_mbox_messages: 100_000,
        }
    }
}

/// A byte count for people: "1.5 MB", "200 MB", "812 bytes".
pub(crate) fn human_size(bytes: u64) -> String {
    if bytes < 1_000 {
        return format!("{bytes} bytes");
    }
    if bytes < MB {
        return format_unit(bytes, 1_000, "kB");
    }
    if bytes < 1_000 * MB {
        return format_unit(bytes, MB, "MB");
    }
    format_unit(bytes, 1_000 * MB, "GB")
}

fn format_unit(bytes: u64, unit: u64, name: &str) -> String {
    if bytes.is_multiple_of(unit) {
        return format!("{} {name}", bytes / unit);
    }
    let tenths = (bytes * 10 + unit / 2) / unit;
    format!("{}.{} {name}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(0), "0 bytes");
        assert_eq!(human_size(1_500), "1.5 kB");
        assert_eq!(human_size(200 * MB), "200 MB");
        assert_eq!(human_size(250_400_000), "250.4 MB");
        assert_eq!(human_size(1_000 * MB), "1 GB");
    }
}
