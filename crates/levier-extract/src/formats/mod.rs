//! One reader per format. Each turns bytes into a [`crate::Document`] through the shared
//! [`crate::builder::DocumentBuilder`], and reports failures as a [`crate::error::PartError`]
//! that the caller completes with the file name.

pub(crate) mod csv_table;
pub(crate) mod docx;
pub(crate) mod email;
pub(crate) mod html;
pub(crate) mod markdown;
pub(crate) mod mbox;
pub(crate) mod odt;
pub(crate) mod pdf;
pub(crate) mod pdf_layout;
pub(crate) mod plain_text;
pub(crate) mod xml_events;
pub(crate) mod zip_archive;
