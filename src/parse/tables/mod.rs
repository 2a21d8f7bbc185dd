//! PLACEHOLDER until branch `tables` is merged: the statistics tables of a report.
//! Finds nothing; kept only so that the rest of the parser compiles against the agreed API.

use crate::record::{CellSource, Proactive, Requests, Review, Template};
use std::collections::BTreeMap;

/// Everything read from the statistics tables of one report.
#[derive(Debug, Clone, Default)]
pub struct Tables {
    /// Which template the tables follow.
    pub template: Template,
    /// Table 二.
    pub proactive: Option<Proactive>,
    /// Table 三.
    pub requests: Option<Requests>,
    /// Table 四.
    pub review: Option<Review>,
    /// Provenance of each value by dotted key.
    pub cells: BTreeMap<String, CellSource>,
    /// Byte ranges of the text that are table content.
    pub spans: Vec<std::ops::Range<usize>>,
    /// What the table reader did not understand.
    pub warnings: Vec<String>,
}

/// Reads the statistics tables of decoded text (placeholder: finds none).
pub fn read_tables(_text: &str) -> Tables {
    Tables::default()
}
