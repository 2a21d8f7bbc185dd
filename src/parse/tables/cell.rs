//! What one table cell holds: a number (with its unit and a note kept beside it), a blank, a
//! not-applicable mark (`/`, `无`, `-`, `—`), or text that is not a number.
//!
//! Works on the normalised text of `label.rs`; calls nothing else. A blank or `/` cell is
//! absent, never `0`: the readers turn it into `None` and still record where it was printed.

use super::label;

/// The meaning of one cell.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    /// Nothing printed.
    Blank,
    /// `/`, `无`, `-`, `—` and the like: not applicable.
    NotApplicable,
    /// A number, possibly with a unit and a note.
    Number(Number),
    /// Anything else: a label, or a value the parser cannot read.
    Text,
}

/// A number printed in a cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    /// The value, sign included (`-1`, `+2`, `0.5`).
    pub value: f64,
    /// A unit printed right after the number (`元`, `万元`, `件`).
    pub unit: Option<String>,
    /// A note beside the number (`22（其中修订16件）` → `其中修订16件`).
    pub note: Option<String>,
}

impl Number {
    /// The value as an integer, when it is a whole number of sensible size.
    pub fn as_integer(&self) -> Option<i64> {
        if self.value.fract() == 0.0 && self.value.abs() < 9.0e15 {
            Some(self.value as i64)
        } else {
            None
        }
    }
}

impl CellValue {
    /// True for text that reads like a label (two or more Chinese characters), which ends the
    /// run of values that follows a row label.
    pub fn is_label_like(&self, norm: &str) -> bool {
        matches!(self, CellValue::Text) && label::cjk_count(norm) >= 2
    }

    /// True for a cell that holds a number.
    pub fn is_number(&self) -> bool {
        matches!(self, CellValue::Number(_))
    }
}

/// Units that may follow a number; longest first so that `万元` wins over `元`.
const UNITS: [&str; 8] = ["万元", "人次", "元", "件", "条", "个", "项", "次"];

/// Longest digit run accepted as a number; anything longer is not a table value.
const MAX_DIGITS: usize = 30;

/// Reads a cell from its normalised text (see [`label::normalize`]).
pub fn parse_cell(norm: &str) -> CellValue {
    if norm.is_empty() {
        return CellValue::Blank;
    }
    if is_not_applicable(norm) {
        return CellValue::NotApplicable;
    }
    match parse_number(norm) {
        Some(n) => CellValue::Number(n),
        None => CellValue::Text,
    }
}

fn is_not_applicable(norm: &str) -> bool {
    matches!(norm, "无" | "暂无" | "不适用" | "\\" | "、")
        || norm.chars().all(|c| matches!(c, '/' | '-' | '\\'))
}

fn parse_number(norm: &str) -> Option<Number> {
    let bytes = norm.as_bytes();
    let mut i = 0;
    let mut literal = String::new();
    if let Some(&sign) = bytes.first() {
        if sign == b'+' || sign == b'-' {
            if sign == b'-' {
                literal.push('-');
            }
            i += 1;
        }
    }
    let mut digits = 0;
    let mut seen_point = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_digit() {
            digits += 1;
            literal.push(b as char);
        } else if b == b',' && digits > 0 && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            // A thousands separator: 1,234.
        } else if b == b'.'
            && !seen_point
            && digits > 0
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
        {
            seen_point = true;
            literal.push('.');
        } else {
            break;
        }
        i += 1;
    }
    if digits == 0 || digits > MAX_DIGITS {
        return None;
    }
    let value: f64 = literal.parse().ok()?;
    // Everything up to `i` is ASCII, so `i` is a char boundary.
    let mut rest = norm.get(i..)?;
    let mut unit = None;
    for u in UNITS {
        if let Some(after) = rest.strip_prefix(u) {
            unit = Some(u.to_string());
            rest = after;
            break;
        }
    }
    let note = if rest.is_empty() {
        None
    } else if let Some(inner) = rest.strip_prefix('(') {
        Some(inner.strip_suffix(')').unwrap_or(inner).to_string())
    } else if rest.starts_with("其中") {
        Some(rest.to_string())
    } else {
        // `1.属于国家秘密`, `2024年`: a label or a date, not a value.
        return None;
    };
    Some(Number { value, unit, note })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(raw: &str) -> CellValue {
        parse_cell(&label::normalize(raw))
    }

    fn number(raw: &str) -> Number {
        match cell(raw) {
            CellValue::Number(n) => n,
            other => panic!("{raw:?} gave {other:?}"),
        }
    }

    #[test]
    fn blank_and_slash_are_not_numbers() {
        assert_eq!(cell(""), CellValue::Blank);
        assert_eq!(cell("\u{3000} "), CellValue::Blank);
        assert_eq!(cell("/"), CellValue::NotApplicable);
        assert_eq!(cell("／"), CellValue::NotApplicable);
        assert_eq!(cell("无"), CellValue::NotApplicable);
        assert_eq!(cell("—"), CellValue::NotApplicable);
        assert_eq!(cell("-"), CellValue::NotApplicable);
    }

    #[test]
    fn numbers_signs_units_and_notes_are_read() {
        assert_eq!(number("0").as_integer(), Some(0));
        assert_eq!(number("\u{3000}\u{3000}０").as_integer(), Some(0));
        assert_eq!(number("-1").as_integer(), Some(-1));
        assert_eq!(number("+2").as_integer(), Some(2));
        assert_eq!(number("0.35").value, 0.35);
        assert_eq!(number("1,234").as_integer(), Some(1234));
        let amount = number("251000元");
        assert_eq!(amount.as_integer(), Some(251000));
        assert_eq!(amount.unit.as_deref(), Some("元"));
        let noted = number("22（其中修订16件）");
        assert_eq!(noted.as_integer(), Some(22));
        assert_eq!(noted.note.as_deref(), Some("其中修订16件"));
    }

    #[test]
    fn labels_and_garbage_are_text() {
        assert_eq!(cell("1.属于国家秘密"), CellValue::Text);
        assert_eq!(cell("abc"), CellValue::Text);
        assert_eq!(cell("2024年"), CellValue::Text);
        assert_eq!(cell(&"9".repeat(100)), CellValue::Text);
        assert!(cell("规章").is_label_like("规章"));
    }
}
