//! What the table readers have found so far: the source of every value (under its dotted
//! key) and the warnings. Turns one grid cell into a typed value; calls `grid` and `cell`.

use std::collections::BTreeMap;

use super::cell::CellValue;
use super::grid::Cell;
use crate::record::CellSource;

/// Cell sources and warnings shared by the three readers of one report.
pub struct Sheet<'t> {
    /// The decoded report.
    pub text: &'t str,
    /// Dotted key → where the value was printed.
    pub cells: BTreeMap<String, CellSource>,
    /// What could not be read, naming table and row.
    pub warnings: Vec<String>,
}

impl<'t> Sheet<'t> {
    /// An empty sheet over `text`.
    pub fn new(text: &'t str) -> Sheet<'t> {
        Sheet {
            text,
            cells: BTreeMap::new(),
            warnings: Vec::new(),
        }
    }

    /// Adds a warning.
    pub fn warn(&mut self, message: String) {
        self.warnings.push(message);
    }

    /// Records where the value of `key` was printed.
    fn source(&mut self, key: String, cell: &Cell, note: Option<String>) {
        self.cells.insert(
            key,
            CellSource {
                text: cell.text(self.text).to_string(),
                note,
                line: cell.line,
                start: cell.start,
                end: cell.end,
            },
        );
    }

    /// The number in `cell` for `key`; `None` (still recorded, and warned about when it is
    /// not a blank or `/`) when the cell holds no number.
    fn number(
        &mut self,
        table: &str,
        row: &str,
        key: String,
        cell: &Cell,
    ) -> Option<super::cell::Number> {
        match &cell.value {
            CellValue::Number(n) => {
                self.source(key, cell, n.note.clone());
                Some(n.clone())
            }
            CellValue::Blank | CellValue::NotApplicable => {
                self.source(key, cell, None);
                None
            }
            CellValue::Text => {
                self.source(key, cell, None);
                let text = cell.text(self.text).to_string();
                self.warn(format!(
                    "{table}: cell \"{text}\" in row {row} is not a number"
                ));
                None
            }
        }
    }

    /// A whole number (a count, or a signed change).
    pub fn integer(&mut self, table: &str, row: &str, key: String, cell: &Cell) -> Option<i64> {
        let n = self.number(table, row, key, cell)?;
        let value = n.as_integer();
        if value.is_none() {
            let text = cell.text(self.text).to_string();
            self.warn(format!(
                "{table}: cell \"{text}\" in row {row} is not a whole number"
            ));
        }
        value
    }

    /// An amount with the unit printed beside it, if any.
    pub fn amount(
        &mut self,
        table: &str,
        row: &str,
        key: String,
        cell: &Cell,
    ) -> Option<(f64, Option<String>)> {
        let n = self.number(table, row, key, cell)?;
        Some((n.value, n.unit))
    }
}

/// A printed label shortened for a warning.
pub fn short_label(norm: &str) -> String {
    let mut s: String = norm.chars().take(24).collect();
    if norm.chars().count() > 24 {
        s.push('…');
    }
    s
}
