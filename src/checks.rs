//! Consistency rules (勾稽关系) of schema.md.
//! PLACEHOLDER until branch `tables` is merged: checks nothing.

use crate::record::{Check, Record};

/// Rules 1–5 for one record (placeholder: none).
pub fn check_record(_record: &Record) -> Vec<Check> {
    Vec::new()
}
