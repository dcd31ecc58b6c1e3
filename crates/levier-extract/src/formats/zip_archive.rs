//! Reading entries of a DOCX or ODT archive under a decompression budget. Sizes written in the
//! archive are claims: the budget is counted on the bytes actually decompressed, so a zip bomb
//! is stopped after the budget, whatever its headers say, and never held in memory.

use std::cell::Cell;
use std::io::{self, BufReader, Cursor, Read};

use zip::ZipArchive;
use zip::result::ZipError;

use crate::error::{ErrorKind, PartError};
use crate::limits::Limits;

/// An opened archive and what is left of its decompression budget.
pub(crate) struct Archive<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    format: &'static str,
    remaining: Cell<u64>,
    limit: u64,
}

impl<'a> Archive<'a> {
    /// Opens an archive; `format` names it in errors (`DOCX`, `ODT`).
    pub(crate) fn open(
        bytes: &'a [u8],
        format: &'static str,
        limits: &Limits,
    ) -> Result<Self, PartError> {
        // The zip reader allocates per listed entry: refuse a huge listing before it does.
        if let Some(count) = declared_entries(bytes)
            && count > limits.max_zip_entries as u64
        {
            return Err(ErrorKind::TooManyEntries {
                count: usize::try_from(count).unwrap_or(usize::MAX),
                limit: limits.max_zip_entries,
            }
            .into());
        }
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(format, &e))?;
        if zip.len() > limits.max_zip_entries {
            return Err(ErrorKind::TooManyEntries {
                count: zip.len(),
                limit: limits.max_zip_entries,
            }
            .into());
        }
        Ok(Self {
            zip,
            format,
            remaining: Cell::new(limits.max_unzipped_bytes),
            limit: limits.max_unzipped_bytes,
        })
    }

    /// True when the archive has an entry with this name.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// Reads an entry through `parse`, which gets a buffered reader over the decompressed
    /// bytes. A missing entry is `Ok(None)`. Errors name the entry.
    pub(crate) fn parse_entry<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&mut dyn io::BufRead) -> Result<T, PartError>,
    ) -> Result<Option<T>, PartError> {
        let format = self.format;
        let limit = self.limit;
        let remaining = &self.remaining;
        let file = match self.zip.by_name(name) {
            Ok(file) => file,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(PartError::at(name, corrupt_kind(format, &e))),
        };
        let bomb = || {
            PartError::from(ErrorKind::ZipBomb {
                entry: name.to_owned(),
                limit,
            })
        };
        // A claim over budget is refused at once; a smaller claim is not trusted.
        if file.size() > remaining.get() {
            return Err(bomb());
        }
        let mut reader = BufReader::new(Budgeted {
            inner: file,
            remaining,
            exceeded: false,
        });
        let result = parse(&mut reader);
        if reader.get_ref().exceeded {
            return Err(bomb());
        }
        result.map(Some).map_err(|e| e.part_or(name))
    }
}

/// The entry count the end-of-central-directory record declares (Zip64 when the classic field
/// is saturated), if the record can be found in the last 64 kB.
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    let tail_start = bytes.len().saturating_sub(65_557);
    let tail = &bytes[tail_start..];
    let eocd = tail.windows(4).rposition(|w| w == b"PK\x05\x06")?;
    let record = tail.get(eocd..eocd + 22)?;
    let classic = u64::from(u16::from_le_bytes([record[10], record[11]]));
    if classic != 0xFFFF {
        return Some(classic);
    }
    let zip64 = tail[..eocd].windows(4).rposition(|w| w == b"PK\x06\x06")?;
    let record = tail.get(zip64..zip64 + 40)?;
    let mut count = [0u8; 8];
    count.copy_from_slice(&record[32..40]);
    Some(u64::from_le_bytes(count))
}

/// A reader that counts decompressed bytes against the archive's budget and fails once it is
/// spent.
struct Budgeted<'c, R> {
    inner: R,
    remaining: &'c Cell<u64>,
    /// Set once a read was refused for lack of budget.
    exceeded: bool,
}

impl<R: Read> Read for Budgeted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.remaining.get();
        if left == 0 {
            // One probe byte tells "exactly at the budget" from "over it".
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? == 0 {
                return Ok(0);
            }
            self.exceeded = true;
            return Err(io::Error::other("decompression budget exceeded"));
        }
        let max = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        self.remaining.set(left - n as u64);
        Ok(n)
    }
}

fn corrupt(format: &'static str, error: &ZipError) -> PartError {
    corrupt_kind(format, error).into()
}

fn corrupt_kind(format: &'static str, error: &ZipError) -> ErrorKind {
    match error {
        ZipError::UnsupportedArchive(what) => {
            ErrorKind::Unsupported(format!("{format} archive feature ({what})"))
        }
        other => ErrorKind::Corrupt {
            format,
            reason: other.to_string(),
        },
    }
}

impl PartError {
    /// Attaches the entry name unless the error already names a part.
    fn part_or(mut self, name: &str) -> Self {
        if self.part.is_none() {
            self.part = Some(name.to_owned());
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_counts_real_bytes_across_reads() {
        let remaining = Cell::new(10);
        let mut first = Budgeted {
            inner: Cursor::new(vec![b'a'; 6]),
            remaining: &remaining,
            exceeded: false,
        };
        assert_eq!(io::copy(&mut first, &mut io::sink()).unwrap(), 6);
        assert!(!first.exceeded);
        let mut second = Budgeted {
            inner: Cursor::new(vec![b'b'; 1_000_000]),
            remaining: &remaining,
            exceeded: false,
        };
        assert!(io::copy(&mut second, &mut io::sink()).is_err());
        assert!(second.exceeded);
        assert_eq!(remaining.get(), 0);
    }

    #[test]
    fn declared_entry_count_is_read_from_the_end_record() {
        let mut zip = vec![0u8; 100];
        zip.extend_from_slice(b"PK\x05\x06\0\0\0\0\x34\x12\x34\x12\0\0\0\0\0\0\0\0\0\0");
        assert_eq!(declared_entries(&zip), Some(0x1234));
        assert_eq!(declared_entries(b"no record"), None);
    }

    #[test]
    fn exactly_the_budget_is_allowed() {
        let remaining = Cell::new(4);
        let mut reader = Budgeted {
            inner: Cursor::new(b"abcd".to_vec()),
            remaining: &remaining,
            exceeded: false,
        };
        assert_eq!(io::copy(&mut reader, &mut io::sink()).unwrap(), 4);
        assert!(!reader.exceeded);
    }
}
