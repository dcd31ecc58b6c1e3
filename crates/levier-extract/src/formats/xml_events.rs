//! A small streaming walk over XML (DOCX and ODT parts) that hands element names (without
//! namespace prefix), attributes and decoded text to a handler, so each format reader only
//! says what its elements mean.

use std::io::BufRead;

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::error::{ErrorKind, PartError};

/// What a format reader does with the elements of one XML part.
pub(crate) trait XmlHandler {
    /// An element opens (empty elements open and close).
    fn open(&mut self, name: &[u8], element: &BytesStart<'_>) -> Result<(), PartError>;
    /// An element closes.
    fn close(&mut self, name: &[u8]) -> Result<(), PartError>;
    /// Text content, entities already resolved.
    fn text(&mut self, text: &str) -> Result<(), PartError>;
}

/// Streams `source` through `handler`. Malformed XML is a corrupt-file error of `format`.
pub(crate) fn walk(
    source: &mut dyn BufRead,
    format: &'static str,
    handler: &mut impl XmlHandler,
) -> Result<(), PartError> {
    let mut reader = Reader::from_reader(source);
    reader.config_mut().expand_empty_elements = true;
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| corrupt(format, &e))?;
        match event {
            Event::Start(start) => handler.open(start.local_name().as_ref().as_bytes(), &start)?,
            Event::End(end) => handler.close(end.local_name().as_ref().as_bytes())?,
            Event::Text(text) => handler.text(&text.xml10_content())?,
            Event::CData(data) => handler.text(&data)?,
            Event::GeneralRef(reference) => {
                if let Some(resolved) = resolve(&reference) {
                    handler.text(&resolved)?;
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

/// The value of an attribute given by its local name (`val` for `w:val`).
pub(crate) fn attribute(element: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    element
        .attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref().as_bytes() == name)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Character references and the five predefined entities; DOCX and ODT use no others.
fn resolve(reference: &BytesRef<'_>) -> Option<String> {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return Some(c.to_string());
    }
    let text = match reference.xml10_content().as_ref() {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => return None,
    };
    Some(text.to_owned())
}

fn corrupt(format: &'static str, error: &quick_xml::Error) -> PartError {
    ErrorKind::Corrupt {
        format,
        reason: match error {
            // Reading failed below the XML (bad checksum, entry larger than its header says).
            quick_xml::Error::Io(io) => io.to_string(),
            syntax => format!("malformed XML: {syntax}"),
        },
    }
    .into()
}

/// Collects the text of simple metadata elements (`dc:title`, `dc:creator`…) by local name.
#[derive(Debug, Default)]
pub(crate) struct LeafTexts {
    current: Option<Vec<u8>>,
    text: String,
    /// `(local name, text)` in document order.
    pub(crate) values: Vec<(Vec<u8>, String)>,
}

impl LeafTexts {
    /// The first value of an element, if any.
    pub(crate) fn get(&self, name: &[u8]) -> Option<String> {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    /// Every value of a repeated element, joined with `, `.
    pub(crate) fn joined(&self, name: &[u8]) -> Option<String> {
        let all: Vec<&str> = self
            .values
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect();
        (!all.is_empty()).then(|| all.join(", "))
    }
}

impl XmlHandler for LeafTexts {
    fn open(&mut self, name: &[u8], _: &BytesStart<'_>) -> Result<(), PartError> {
        self.current = Some(name.to_vec());
        self.text.clear();
        Ok(())
    }

    fn close(&mut self, name: &[u8]) -> Result<(), PartError> {
        if self.current.as_deref() == Some(name) && !self.text.trim().is_empty() {
            self.values
                .push((name.to_vec(), self.text.trim().to_owned()));
        }
        self.current = None;
        Ok(())
    }

    fn text(&mut self, text: &str) -> Result<(), PartError> {
        if self.current.is_some() {
            self.text.push_str(text);
        }
        Ok(())
    }
}
